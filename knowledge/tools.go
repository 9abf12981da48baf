package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Tool is a function the model may call while it writes an answer, such as
// a calculator: when a question needs a number, the number then comes from
// deterministic code rather than from the model.
type Tool struct {
	// Name is how the model calls the tool: letters, digits, _ and -, at
	// most 64 characters (the OpenAI limit).
	Name string
	// Description tells the model what the tool does and when to use it.
	Description string
	// Parameters is the JSON schema of the arguments, an object.
	Parameters json.RawMessage
	// Call runs the tool with the arguments the model wrote (a JSON object,
	// unchecked) in the answer's language ("zh" or "en"). It returns the
	// text the model reads and the articles that text rests on, which the
	// answer may then cite. An error's text is given to the model as the
	// result, so it must say what was wrong with the arguments (the model
	// can then ask the worker for what is missing).
	Call func(ctx context.Context, lang, arguments string) (result string, citations []Citation, err error)
}

// ToolCall is the model's request to run a tool.
type ToolCall struct {
	ID        string // the model's id for the call, echoed with the result
	Name      string
	Arguments string // JSON object text, as the model wrote it
}

// ToolRound is one exchange with the model: the text it wrote alongside its
// tool calls, the calls, and the results, Results[i] answering Calls[i].
type ToolRound struct {
	Text    string
	Calls   []ToolCall
	Results []string
}

// ToolChatModel is a ChatModel that can also offer tools to the model. The
// engine uses it when Options.Tools is not empty; a ChatModel without it
// simply answers without tools.
type ToolChatModel interface {
	ChatModel
	// StreamWithTools sends the messages followed by the earlier rounds
	// (each an assistant message with its calls, then one tool message per
	// result), offering the tools. It calls onDelta with the text as it
	// arrives and returns the tool calls the model made, none when the
	// model has answered.
	StreamWithTools(ctx context.Context, messages []ChatMessage, rounds []ToolRound, tools []Tool, onDelta func(string)) ([]ToolCall, error)
}

// maxToolRounds is how many times one answer may ask for tools. A
// calculation, a correction after a validation error and one more
// calculator fit; a model that keeps asking is looping, and the worker gets
// the retrieval answer instead.
const maxToolRounds = 3

// toolPrompt is added to the system prompt when tools are offered. The base
// prompt allows only the passages' facts and articles; tool results are
// added to them here.
const toolPrompt = "\n" +
	"You can call tools that compute figures under the law (amounts of money, days, deadlines). When the worker asks for such a figure, call the matching tool instead of computing it yourself.\n" +
	"Take the tool inputs only from the worker's question and never guess a date or an amount; if inputs a tool requires are not given, ask the worker for them.\n" +
	"A tool result counts as a passage: give its figure and formula as it states them, and cite the articles it lists in square brackets.\n" +
	"If a tool reports an error or a missing input, ask the worker for exactly that information instead of guessing."

// toolModel returns the model as a ToolChatModel when tools are configured
// and the model can use them.
func (e *Engine) toolModel() (ToolChatModel, bool) {
	if len(e.opts.Tools) == 0 {
		return nil, false
	}
	m, ok := e.opts.Model.(ToolChatModel)
	return m, ok
}

// toolInstructions is what the system prompt gains when tools are offered:
// "" otherwise, so that answers without tools see the same prompt as ever.
func (e *Engine) toolInstructions() string {
	if _, ok := e.toolModel(); !ok {
		return ""
	}
	return toolPrompt
}

// streamAnswer streams the model's answer to write. Without tools it is one
// Stream call. With tools, while the model asks for tool calls, they are
// run and their results sent back, at most maxToolRounds times; the
// citations the results rest on are added to allowed (the citation
// filter's set), so the answer may cite what a calculator cites.
func (e *Engine) streamAnswer(ctx context.Context, msgs []ChatMessage, lang string, allowed map[Citation]bool, write func(string)) error {
	model, ok := e.toolModel()
	if !ok {
		return e.opts.Model.Stream(ctx, msgs, write)
	}
	var rounds []ToolRound
	for {
		var text strings.Builder
		calls, err := model.StreamWithTools(ctx, msgs, rounds, e.opts.Tools, func(s string) {
			text.WriteString(s)
			write(s)
		})
		if err != nil {
			return err
		}
		if len(calls) == 0 {
			return nil
		}
		if len(rounds) == maxToolRounds {
			return fmt.Errorf("model still asked for tools after %d rounds", maxToolRounds)
		}
		if strings.TrimSpace(text.String()) != "" {
			// Text written before the calls ("let me calculate") stays in
			// the answer; the text after the results starts a new paragraph.
			write("\n\n")
		}
		round := ToolRound{Text: text.String(), Calls: calls}
		for _, c := range calls {
			round.Results = append(round.Results, e.runTool(ctx, lang, c, allowed))
		}
		rounds = append(rounds, round)
	}
}

// runTool runs one call and returns what the model reads: the result, or
// the error for the model to act on.
func (e *Engine) runTool(ctx context.Context, lang string, call ToolCall, allowed map[Citation]bool) string {
	var tool *Tool
	for i := range e.opts.Tools {
		if e.opts.Tools[i].Name == call.Name {
			tool = &e.opts.Tools[i]
			break
		}
	}
	if tool == nil {
		e.log.Debug("model called an unknown tool", "tool", call.Name)
		return fmt.Sprintf("Error: there is no tool named %q.", call.Name)
	}
	start := time.Now()
	result, citations, err := tool.Call(ctx, lang, call.Arguments)
	// The arguments and the result carry the worker's dates and wages: only
	// the tool's name and the outcome are logged.
	e.log.Debug("tool call", "tool", call.Name, "ok", err == nil, "duration", time.Since(start))
	if err != nil {
		return "Error: " + err.Error()
	}
	for _, c := range citations {
		allowed[c] = true
	}
	if strings.TrimSpace(result) == "" {
		// Servers reject tool messages without content.
		return "(no result)"
	}
	return result
}
