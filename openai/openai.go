// Package openai connects the knowledge engine to any OpenAI-compatible
// server (OpenAI, DeepSeek, Qwen, Ollama, vLLM) through go-openai: a
// streaming chat model for answers, which can call tools (the calculators),
// and an embeddings model for hybrid search.
package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/laborbot/laborbot/knowledge"
)

// Config says which server and models to use.
type Config struct {
	APIKey         string
	BaseURL        string // e.g. https://api.deepseek.com/v1; "" for OpenAI
	Model          string // chat model
	EmbeddingModel string // "" disables embeddings
	// Temperature for answers; go-openai omits 0, so a small positive value
	// is the way to ask for nearly deterministic output.
	Temperature float32
	MaxTokens   int
	HTTPClient  *http.Client
}

// Client talks to the server. It implements knowledge.ChatModel,
// knowledge.ToolChatModel and knowledge.Embedder.
type Client struct {
	c   *goopenai.Client
	cfg Config
}

// New makes a client. Requests are bounded by their contexts: the default
// HTTP client has no timeout of its own.
func New(cfg Config) *Client {
	oc := goopenai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	if cfg.Temperature <= 0 {
		cfg.Temperature = 0.2
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = 900
	}
	return &Client{c: goopenai.NewClientWithConfig(oc), cfg: cfg}
}

var _ knowledge.ChatModel = (*Client)(nil)
var _ knowledge.ToolChatModel = (*Client)(nil)
var _ knowledge.Embedder = (*Client)(nil)

// Stream sends the conversation and calls onDelta with each piece of the
// answer as it arrives.
func (c *Client) Stream(ctx context.Context, messages []knowledge.ChatMessage, onDelta func(string)) error {
	// No tools are offered, so any tool call a server makes up is ignored.
	_, err := c.stream(ctx, c.request(messages), onDelta)
	return err
}

// StreamWithTools is Stream offering tools: the earlier rounds follow the
// messages as the API wants them (an assistant message with its tool calls,
// then one tool message per result). It returns the tool calls the model
// made, their arguments joined from the streamed fragments.
func (c *Client) StreamWithTools(ctx context.Context, messages []knowledge.ChatMessage, rounds []knowledge.ToolRound, tools []knowledge.Tool, onDelta func(string)) ([]knowledge.ToolCall, error) {
	req := c.request(messages)
	for _, r := range rounds {
		if len(r.Results) != len(r.Calls) {
			return nil, fmt.Errorf("tool round with %d calls has %d results", len(r.Calls), len(r.Results))
		}
		asked := goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleAssistant, Content: r.Text}
		for _, call := range r.Calls {
			asked.ToolCalls = append(asked.ToolCalls, goopenai.ToolCall{ID: call.ID, Type: goopenai.ToolTypeFunction,
				Function: goopenai.FunctionCall{Name: call.Name, Arguments: call.Arguments}})
		}
		req.Messages = append(req.Messages, asked)
		for i, call := range r.Calls {
			req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: goopenai.ChatMessageRoleTool,
				Content: r.Results[i], ToolCallID: call.ID})
		}
	}
	for _, t := range tools {
		req.Tools = append(req.Tools, goopenai.Tool{Type: goopenai.ToolTypeFunction, Function: &goopenai.FunctionDefinition{
			Name: t.Name, Description: t.Description, Parameters: t.Parameters}})
	}
	return c.stream(ctx, req, onDelta)
}

func (c *Client) request(messages []knowledge.ChatMessage) goopenai.ChatCompletionRequest {
	req := goopenai.ChatCompletionRequest{
		Model:       c.cfg.Model,
		Temperature: c.cfg.Temperature,
		MaxTokens:   c.cfg.MaxTokens,
		Stream:      true,
	}
	for _, m := range messages {
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	return req
}

// stream runs one streamed completion: text goes to onDelta, tool calls
// are gathered and returned.
func (c *Client) stream(ctx context.Context, req goopenai.ChatCompletionRequest, onDelta func(string)) ([]knowledge.ToolCall, error) {
	stream, err := c.c.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return nil, describe(err)
	}
	defer stream.Close()
	var calls toolCallAssembler
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return calls.done(), nil
		}
		if err != nil {
			return nil, describe(err)
		}
		for _, ch := range resp.Choices {
			if ch.Delta.Content != "" {
				onDelta(ch.Delta.Content)
			}
			for _, tc := range ch.Delta.ToolCalls {
				calls.add(tc)
			}
		}
	}
}

// toolCallAssembler joins streamed tool calls. A call arrives in pieces
// tagged with its Index: the first carries the id and the function name,
// the following ones fragments of the arguments, which are concatenated.
// Pieces of several calls may interleave.
type toolCallAssembler struct {
	calls   []knowledge.ToolCall
	byIndex map[int]int // Index → position in calls
}

func (a *toolCallAssembler) add(tc goopenai.ToolCall) {
	pos := -1
	switch {
	case tc.Index != nil:
		if p, ok := a.byIndex[*tc.Index]; ok {
			pos = p
		} else {
			if a.byIndex == nil {
				a.byIndex = map[int]int{}
			}
			a.byIndex[*tc.Index] = len(a.calls)
		}
	case tc.ID == "" && len(a.calls) > 0:
		// Without an index (some servers send each call whole), a piece
		// without an id continues the last call.
		pos = len(a.calls) - 1
	}
	if pos < 0 {
		a.calls = append(a.calls, knowledge.ToolCall{})
		pos = len(a.calls) - 1
	}
	call := &a.calls[pos]
	if tc.ID != "" {
		call.ID = tc.ID
	}
	if tc.Function.Name != "" {
		// Some servers repeat the name with every piece: set, never append.
		call.Name = tc.Function.Name
	}
	call.Arguments += tc.Function.Arguments
}

// done returns the calls in the order they began, each with an id (a
// server that sends none gets one made up, since the results must name it).
func (a *toolCallAssembler) done() []knowledge.ToolCall {
	for i := range a.calls {
		if a.calls[i].ID == "" {
			a.calls[i].ID = fmt.Sprintf("call_%d", i)
		}
	}
	return a.calls
}

// Embed returns one vector per text from the embeddings model.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.cfg.EmbeddingModel == "" {
		return nil, errors.New("no embedding model configured")
	}
	resp, err := c.c.CreateEmbeddings(ctx, goopenai.EmbeddingRequestStrings{
		Input: texts,
		Model: goopenai.EmbeddingModel(c.cfg.EmbeddingModel),
	})
	if err != nil {
		return nil, describe(err)
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) {
			return nil, fmt.Errorf("embedding index %d out of range", d.Index)
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("no embedding for text %d", i)
		}
	}
	return out, nil
}

// describe turns the library's errors into short messages that name the
// HTTP status, without echoing request content.
func describe(err error) error {
	var apiErr *goopenai.APIError
	if errors.As(err, &apiErr) {
		return fmt.Errorf("model server: HTTP %d: %s", apiErr.HTTPStatusCode, apiErr.Message)
	}
	var reqErr *goopenai.RequestError
	if errors.As(err, &reqErr) {
		return fmt.Errorf("model server: HTTP %d", reqErr.HTTPStatusCode)
	}
	return fmt.Errorf("model server: %w", err)
}

// Check makes one cheap call to learn whether the server is reachable and
// takes the key, so a wrong key or address is said at start rather than
// found out by every answer falling back. It lists the models (free of
// charge on every server we know). A server that answers the list with an
// HTTP error is asked for a one-token answer instead, which decides: some
// have no list (404), and a key may be allowed to chat but not to list
// (OpenAI's restricted keys: 403). A configured model missing from a
// non-empty list is returned as a warning, not an error: proxies may list
// only some of what they serve.
func (c *Client) Check(ctx context.Context) (warning string, err error) {
	list, err := c.c.ListModels(ctx)
	if err != nil {
		status := httpStatus(err)
		if status == 0 {
			return "", describe(err) // not reached, or no HTTP answer
		}
		if err := c.checkByCall(ctx); err != nil {
			return "", err
		}
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return "", nil
		}
		return fmt.Sprintf("the server refused to list its models (HTTP %d), but the model answers", status), nil
	}
	if len(list.Models) == 0 {
		return "", nil
	}
	var missing []string
	for _, want := range []string{c.cfg.Model, c.cfg.EmbeddingModel} {
		if want != "" && !listed(list.Models, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("the server does not list %s among its %d models", strings.Join(missing, " and "), len(list.Models)), nil
	}
	return "", nil
}

// checkByCall asks the chat model (or else the embeddings model) for as
// little as it can give.
func (c *Client) checkByCall(ctx context.Context) error {
	if c.cfg.Model == "" {
		_, err := c.Embed(ctx, []string{"ping"})
		return err
	}
	_, err := c.c.CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{Model: c.cfg.Model, MaxTokens: 1,
		Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "ping"}}})
	if err != nil {
		return describe(err)
	}
	return nil
}

// listed reports whether model is in the list; Ollama lists "qwen2.5" as
// "qwen2.5:latest".
func listed(models []goopenai.Model, model string) bool {
	for _, m := range models {
		if m.ID == model || m.ID == model+":latest" {
			return true
		}
	}
	return false
}

func httpStatus(err error) int {
	var apiErr *goopenai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *goopenai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}
