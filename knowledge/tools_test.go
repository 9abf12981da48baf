package knowledge_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/calc/calctool"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/openai"
	"github.com/laborbot/laborbot/openai/openaitest"
)

const severanceQuestion = "我2021年3月1日入职，2024年9月15日被公司辞退，月工资8000元，能拿多少经济补偿？"

const severanceArgs = `{"start":"2021-03-01","end":"2024-09-15","wage":"8000"}`

func toolsNow() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }

// toolEngine is an engine whose model is the fake server's, offered the
// calculators. keep, when not nil, chooses the entries it answers from.
func toolEngine(t *testing.T, srv *openaitest.Server, keep func(knowledge.Entry) bool) *knowledge.Engine {
	t.Helper()
	client := openai.New(openai.Config{APIKey: "test-key", BaseURL: srv.BaseURL(), Model: "test-model"})
	opts := knowledge.Options{Model: client, Tools: calctool.Tools(toolsNow), LLMTimeout: 5 * time.Second}
	if keep == nil {
		return newEngine(t, false, opts)
	}
	all, _ := knowledge.LoadEntriesFS(content.Files, loadStatutes(t))
	var entries []knowledge.Entry
	for _, en := range all {
		if keep(en) {
			entries = append(entries, en)
		}
	}
	opts.Index = bleve.Build
	eng := knowledge.NewEngine(opts)
	if err := eng.Load(context.Background(), entries, nil); err != nil {
		t.Fatal(err)
	}
	return eng
}

var article47 = knowledge.Citation{Law: "劳动合同法", Article: 47}

// withoutArticle47 leaves out the entries that cite 劳动合同法 47, so that
// only the calculator can put it before the model.
func withoutArticle47(en knowledge.Entry) bool {
	return !slices.Contains(en.Citations, article47) && !strings.Contains(en.Body, "劳动合同法 47")
}

func severanceAmount(t *testing.T) string {
	t.Helper()
	c, _ := calc.LookupCalculator(calc.KindSeverance)
	res, err := c.Run(calc.Values{"start": "2021-03-01", "end": "2024-09-15", "wage": "8000"}, calc.Env{Today: toolsNow()})
	if err != nil {
		t.Fatal(err)
	}
	return res.AmountString()
}

// TestToolCalculatesSeverance: the model asks for the severance calculator,
// the engine runs it and sends the result back, and the model's answer
// gives the amount and cites 劳动合同法 47. No passage carries that article,
// so the citation survives only because the calculator cited it: without
// the tool call the same answer loses it.
func TestToolCalculatesSeverance(t *testing.T) {
	amount := severanceAmount(t)
	answer := openaitest.Reply{Chunks: []string{"按你说的情况，经济补偿是 ", amount, " 元 [劳动合", "同法 47]。"}}
	tests := []struct {
		name      string
		replies   []openaitest.Reply
		wantCited bool
	}{
		{"with the calculator", []openaitest.Reply{
			{ToolCalls: []openaitest.ToolCall{{ID: "call_sev", Name: "calc_severance", Arguments: severanceArgs}}, ArgumentRunes: 4},
			answer,
		}, true},
		{"without the calculator", []openaitest.Reply{answer}, false},
	}
	// One server and one engine for all cases: each case queues its replies
	// and reads the requests it caused.
	srv := openaitest.NewServer()
	defer srv.Close()
	eng := toolEngine(t, srv, withoutArticle47)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Requests())
			srv.Queue(tt.replies...)
			var streamed strings.Builder
			ans, err := eng.Answer(context.Background(), knowledge.Request{Question: severanceQuestion}, func(s string) { streamed.WriteString(s) })
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()[before:]
			if ans.Mode != knowledge.ModeLLM || len(reqs) != len(tt.replies) {
				t.Fatalf("mode %s (err %v), %d requests", ans.Mode, ans.LLMError, len(reqs))
			}
			if user := reqs[0].Messages[1].Content; strings.Contains(user, "劳动合同法 47") {
				t.Fatalf("a passage cites 劳动合同法 47, so this test proves nothing:\n%s", user)
			}
			if !slices.ContainsFunc(reqs[0].Tools, func(tool openaitest.Tool) bool { return tool.Name == "calc_severance" }) {
				t.Errorf("the calculator was not offered: %+v", reqs[0].Tools)
			}
			if !strings.Contains(ans.Text, amount) {
				t.Errorf("the answer lacks the amount %s:\n%s", amount, ans.Text)
			}
			if got := strings.Contains(ans.Text, "《劳动合同法》第47条"); got != tt.wantCited {
				t.Errorf("article 47 cited: %v, want %v:\n%s", got, tt.wantCited, ans.Text)
			}
			if got := strings.Contains(streamed.String(), "[劳动合同法 47]"); got != tt.wantCited {
				t.Errorf("article 47 streamed: %v, want %v:\n%s", got, tt.wantCited, streamed.String())
			}
			if len(tt.replies) == 1 {
				return
			}
			// The model got back its call, its arguments joined from the
			// fragments, and the calculator's result for it.
			last := reqs[len(reqs)-1]
			var asked []openaitest.ToolCall
			for _, m := range last.Messages {
				asked = append(asked, m.ToolCalls...)
			}
			if want := []openaitest.ToolCall{{ID: "call_sev", Name: "calc_severance", Arguments: severanceArgs}}; !slices.Equal(asked, want) {
				t.Errorf("calls sent back %+v, want %+v", asked, want)
			}
			results := last.ToolMessages()
			if len(results) != 1 || results[0].ToolCallID != "call_sev" {
				t.Fatalf("tool messages %+v", results)
			}
			var res struct {
				Amount    string   `json:"amount"`
				Citations []string `json:"citations"`
			}
			if err := json.Unmarshal([]byte(results[0].Content), &res); err != nil {
				t.Fatalf("tool result is not the calculator's JSON: %v\n%s", err, results[0].Content)
			}
			if res.Amount != amount || !slices.Contains(res.Citations, "劳动合同法 47") {
				t.Errorf("tool result %+v, want amount %s citing 劳动合同法 47", res, amount)
			}
			if system := last.Messages[0].Content; !strings.Contains(system, "call the matching tool") {
				t.Errorf("the system prompt does not explain the tools:\n%s", system)
			}
		})
	}
}

// TestToolErrorGoesToModel: what goes wrong with a call is told to the
// model, which can then ask the worker, and the answer is still the model's.
func TestToolErrorGoesToModel(t *testing.T) {
	tests := []struct {
		name, tool, args string
		want             []string // in the tool message
	}{
		{"missing field", "calc_severance", `{"start":"2021-03-01","end":"2024-09-15"}`, []string{"Error:", `"wage"`, "缺少必填项"}},
		{"bad date", "calc_severance", `{"start":"2021-02-30","end":"2024-09-15","wage":"8000"}`, []string{"Error:", `"start"`}},
		{"arguments not JSON", "calc_severance", `{"start":`, []string{"Error:", "JSON object"}},
		{"unknown tool", "calc_pension", `{}`, []string{"Error:", `"calc_pension"`}},
	}
	srv := openaitest.NewServer()
	defer srv.Close()
	eng := toolEngine(t, srv, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Requests())
			srv.Queue(openaitest.Reply{ToolCalls: []openaitest.ToolCall{{ID: "call_1", Name: tt.tool, Arguments: tt.args}}},
				openaitest.Reply{Chunks: []string{"请告诉我你离职前12个月的平均月工资，我再帮你计算。"}})
			ans, err := eng.Answer(context.Background(), knowledge.Request{Question: severanceQuestion}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Mode != knowledge.ModeLLM {
				t.Fatalf("mode %s (err %v)", ans.Mode, ans.LLMError)
			}
			reqs := srv.Requests()[before:]
			if len(reqs) != 2 {
				t.Fatalf("%d requests", len(reqs))
			}
			results := reqs[1].ToolMessages()
			if len(results) != 1 || results[0].ToolCallID != "call_1" {
				t.Fatalf("tool messages %+v", results)
			}
			for _, want := range tt.want {
				if !strings.Contains(results[0].Content, want) {
					t.Errorf("tool message %q lacks %q", results[0].Content, want)
				}
			}
			if !strings.Contains(ans.Text, "平均月工资") {
				t.Errorf("the model's question to the worker was lost:\n%s", ans.Text)
			}
		})
	}
}

// TestToolRoundsLimit: a model may ask for tools three times; one that asks
// a fourth time is looping, and the worker gets the retrieval answer.
func TestToolRoundsLimit(t *testing.T) {
	want := retrievalText(t, severanceQuestion)
	call := openaitest.Reply{ToolCalls: []openaitest.ToolCall{{ID: "call", Name: "calc_severance", Arguments: severanceArgs}}}
	answer := openaitest.Reply{Chunks: []string{"经济补偿是 ", severanceAmount(t), " 元。"}}
	tests := []struct {
		name     string
		calls    int
		wantMode knowledge.Mode
	}{
		{"three rounds then an answer", 3, knowledge.ModeLLM},
		{"a fourth round", 4, knowledge.ModeFallback},
	}
	srv := openaitest.NewServer()
	defer srv.Close()
	eng := toolEngine(t, srv, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Requests())
			for range tt.calls {
				srv.Queue(call)
			}
			if tt.wantMode == knowledge.ModeLLM {
				srv.Queue(answer)
			}
			ans, err := eng.Answer(context.Background(), knowledge.Request{Question: severanceQuestion}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Mode != tt.wantMode {
				t.Fatalf("mode %s (err %v)", ans.Mode, ans.LLMError)
			}
			reqs := srv.Requests()[before:]
			if len(reqs) != min(tt.calls, 3)+1 {
				t.Errorf("%d requests", len(reqs))
			}
			if got := len(reqs[len(reqs)-1].ToolMessages()); got != min(tt.calls, 3) {
				t.Errorf("the last request carried %d results", got)
			}
			if tt.wantMode == knowledge.ModeFallback {
				if ans.LLMError == nil || !strings.Contains(ans.LLMError.Error(), "3 rounds") {
					t.Errorf("LLM error %v", ans.LLMError)
				}
				if ans.Text != want {
					t.Errorf("fallback text differs from the retrieval answer:\n%s", ans.Text)
				}
			}
		})
	}
}

// TestToolCallsInOneRound: several calls in one reply are all answered, each
// result naming its call.
func TestToolCallsInOneRound(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	srv.Queue(openaitest.Reply{Chunks: []string{"我先算一下。"}, ToolCalls: []openaitest.ToolCall{
		{ID: "call_sev", Name: "calc_severance", Arguments: severanceArgs},
		{ID: "call_ot", Name: "calc_overtime", Arguments: `{"wage":"8700","weekday-hours":10}`},
	}}, openaitest.Reply{Chunks: []string{"经济补偿和加班费如上。"}})
	ans, err := toolEngine(t, srv, nil).Answer(context.Background(), knowledge.Request{Question: severanceQuestion}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Mode != knowledge.ModeLLM {
		t.Fatalf("mode %s (err %v)", ans.Mode, ans.LLMError)
	}
	results := srv.Requests()[1].ToolMessages()
	if len(results) != 2 || results[0].ToolCallID != "call_sev" || results[1].ToolCallID != "call_ot" {
		t.Fatalf("tool messages %+v", results)
	}
	if !strings.Contains(results[0].Content, severanceAmount(t)) || !strings.Contains(results[1].Content, `"calculator":"overtime"`) {
		t.Errorf("results do not match their calls: %+v", results)
	}
	// The text before the calls stays, and the answer starts a paragraph.
	if !strings.Contains(ans.Text, "我先算一下。\n\n经济补偿和加班费如上。") {
		t.Errorf("text:\n%s", ans.Text)
	}
}

// streamOnlyModel is a ChatModel that cannot call tools.
type streamOnlyModel struct{ system string }

func (m *streamOnlyModel) Stream(_ context.Context, msgs []knowledge.ChatMessage, onDelta func(string)) error {
	m.system = msgs[0].Content
	onDelta("单位应当按月足额支付工资 [劳动合同法 30]。")
	return nil
}

// TestToolsNeedToolModel: tools are offered only when there are some and
// the model can take them; otherwise the model is asked as before, with
// the same system prompt.
func TestToolsNeedToolModel(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	plain := &streamOnlyModel{}
	ans, err := newEngine(t, false, knowledge.Options{Model: plain, Tools: calctool.Tools(toolsNow)}).
		Answer(context.Background(), knowledge.Request{Question: wageQuestion}, nil)
	if err != nil || ans.Mode != knowledge.ModeLLM {
		t.Fatalf("model without tools: mode %v, err %v", ans.Mode, err)
	}
	if strings.Contains(plain.system, "tool") {
		t.Errorf("a model that cannot call tools was told about them:\n%s", plain.system)
	}
	if _, err := llmEngine(t, srv, 5*time.Second).Answer(context.Background(), knowledge.Request{Question: wageQuestion}, nil); err != nil {
		t.Fatal(err)
	}
	req := srv.Requests()[0]
	if len(req.Tools) != 0 || strings.Contains(req.Messages[0].Content, "tool") {
		t.Errorf("tools offered without Options.Tools: %+v\n%s", req.Tools, req.Messages[0].Content)
	}
}
