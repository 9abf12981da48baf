package openai

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/openai/openaitest"
)

func testClient(srv *openaitest.Server) *Client {
	return New(Config{APIKey: "test-key", BaseURL: srv.BaseURL(), Model: "test-model"})
}

var severanceTool = knowledge.Tool{
	Name:        "calc_severance",
	Description: "Severance pay",
	Parameters:  json.RawMessage(`{"type":"object","properties":{"wage":{"type":"string"}},"required":["wage"]}`),
}

var conversation = []knowledge.ChatMessage{{Role: "system", Content: "instructions"}, {Role: "user", Content: "question"}}

// TestStreamWithToolsJoinsFragments: the arguments of each call arrive in
// fragments, those of several calls interleaved; the client joins them by
// index, whatever the fragment size.
func TestStreamWithToolsJoinsFragments(t *testing.T) {
	calls := []openaitest.ToolCall{
		{ID: "call_a", Name: "calc_severance", Arguments: `{"start":"2021-03-01","end":"2024-09-15","wage":"8000"}`},
		{ID: "call_b", Name: "calc_min_wage", Arguments: `{"province":"内蒙古","wage":"1980.50","hourly":false}`},
	}
	tests := []struct {
		name  string
		runes int
	}{
		{"one rune at a time", 1},
		{"a few runes", 4},
		{"whole arguments", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.NewServer()
			defer srv.Close()
			srv.Queue(openaitest.Reply{Chunks: []string{"我来", "算一下。"}, ToolCalls: calls, ArgumentRunes: tt.runes})
			var text strings.Builder
			got, err := testClient(srv).StreamWithTools(context.Background(), conversation, nil, []knowledge.Tool{severanceTool},
				func(s string) { text.WriteString(s) })
			if err != nil {
				t.Fatal(err)
			}
			want := []knowledge.ToolCall{
				{ID: "call_a", Name: "calc_severance", Arguments: calls[0].Arguments},
				{ID: "call_b", Name: "calc_min_wage", Arguments: calls[1].Arguments},
			}
			if !slices.Equal(got, want) {
				t.Errorf("calls\n got %+v\nwant %+v", got, want)
			}
			if text.String() != "我来算一下。" {
				t.Errorf("text %q", text.String())
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || len(reqs[0].Tools) != 1 {
				t.Fatalf("requests %+v", reqs)
			}
			offered := reqs[0].Tools[0]
			if offered.Name != severanceTool.Name || offered.Description != severanceTool.Description || string(offered.Parameters) != string(severanceTool.Parameters) {
				t.Errorf("offered %+v, want %+v", offered, severanceTool)
			}
		})
	}
}

// TestStreamWithToolsSendsRounds: earlier rounds follow the conversation as
// an assistant message with the calls, then one tool message per result.
func TestStreamWithToolsSendsRounds(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	srv.Queue(openaitest.Reply{Chunks: []string{"经济补偿是32,000.00元。"}})
	rounds := []knowledge.ToolRound{{
		Text: "我来算一下。",
		Calls: []knowledge.ToolCall{
			{ID: "call_a", Name: "calc_severance", Arguments: `{"wage":"8000"}`},
			{ID: "call_b", Name: "calc_overtime", Arguments: `{"wage":"8700"}`},
		},
		Results: []string{`{"amount":"32,000.00"}`, "Error: parameter \"wage\": missing"},
	}}
	var text strings.Builder
	calls, err := testClient(srv).StreamWithTools(context.Background(), conversation, rounds, []knowledge.Tool{severanceTool},
		func(s string) { text.WriteString(s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 || text.String() != "经济补偿是32,000.00元。" {
		t.Errorf("calls %+v, text %q", calls, text.String())
	}
	msgs := srv.Requests()[0].Messages
	want := []openaitest.Message{
		{Role: "system", Content: "instructions"},
		{Role: "user", Content: "question"},
		{Role: "assistant", Content: "我来算一下。", ToolCalls: []openaitest.ToolCall{
			{ID: "call_a", Name: "calc_severance", Arguments: `{"wage":"8000"}`},
			{ID: "call_b", Name: "calc_overtime", Arguments: `{"wage":"8700"}`},
		}},
		{Role: "tool", Content: `{"amount":"32,000.00"}`, ToolCallID: "call_a"},
		{Role: "tool", Content: "Error: parameter \"wage\": missing", ToolCallID: "call_b"},
	}
	if len(msgs) != len(want) {
		t.Fatalf("messages\n got %+v\nwant %+v", msgs, want)
	}
	for i := range want {
		g, w := msgs[i], want[i]
		if g.Role != w.Role || g.Content != w.Content || g.ToolCallID != w.ToolCallID || !slices.Equal(g.ToolCalls, w.ToolCalls) {
			t.Errorf("message %d\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// TestStreamOffersNoTools: the plain Stream sends no tools and ignores a
// tool call a server makes anyway.
func TestStreamOffersNoTools(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	srv.Queue(openaitest.Reply{Chunks: []string{"答案"}, ToolCalls: []openaitest.ToolCall{{ID: "x", Name: "calc_severance", Arguments: "{}"}}})
	var text strings.Builder
	if err := testClient(srv).Stream(context.Background(), conversation, func(s string) { text.WriteString(s) }); err != nil {
		t.Fatal(err)
	}
	if text.String() != "答案" {
		t.Errorf("text %q", text.String())
	}
	if tools := srv.Requests()[0].Tools; len(tools) != 0 {
		t.Errorf("Stream offered tools: %+v", tools)
	}
}

func TestStreamWithToolsErrors(t *testing.T) {
	tests := []struct {
		name   string
		reply  openaitest.Reply
		rounds []knowledge.ToolRound
		want   string
	}{
		{name: "server error", reply: openaitest.Reply{Status: 500}, want: "HTTP 500"},
		{name: "broken stream", reply: openaitest.Reply{Chunks: []string{"a", "b"}, FailAfter: 1}, want: "model server"},
		{name: "round without its results", reply: openaitest.Reply{Chunks: []string{"a"}},
			rounds: []knowledge.ToolRound{{Calls: []knowledge.ToolCall{{ID: "c", Name: "calc_severance"}}}}, want: "1 calls has 0 results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.NewServer()
			defer srv.Close()
			srv.Queue(tt.reply)
			_, err := testClient(srv).StreamWithTools(context.Background(), conversation, tt.rounds, []knowledge.Tool{severanceTool}, func(string) {})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestToolCallAssembler covers what the fake server does not send: pieces
// without an index (servers that send each call whole), names repeated
// with every piece, and calls without an id.
func TestToolCallAssembler(t *testing.T) {
	idx := func(i int) *int { return &i }
	piece := func(index *int, id, name, args string) goopenai.ToolCall {
		return goopenai.ToolCall{Index: index, ID: id, Function: goopenai.FunctionCall{Name: name, Arguments: args}}
	}
	tests := []struct {
		name   string
		pieces []goopenai.ToolCall
		want   []knowledge.ToolCall
	}{
		{"indexed, interleaved, name repeated",
			[]goopenai.ToolCall{piece(idx(0), "a", "f", `{"x":`), piece(idx(1), "b", "g", `{"y"`), piece(idx(0), "", "f", `1}`), piece(idx(1), "", "", `:2}`)},
			[]knowledge.ToolCall{{ID: "a", Name: "f", Arguments: `{"x":1}`}, {ID: "b", Name: "g", Arguments: `{"y":2}`}}},
		{"whole calls without index",
			[]goopenai.ToolCall{piece(nil, "a", "f", `{}`), piece(nil, "b", "g", `{"y":2}`)},
			[]knowledge.ToolCall{{ID: "a", Name: "f", Arguments: `{}`}, {ID: "b", Name: "g", Arguments: `{"y":2}`}}},
		{"no index, continued without id",
			[]goopenai.ToolCall{piece(nil, "a", "f", `{"x"`), piece(nil, "", "", `:1}`)},
			[]knowledge.ToolCall{{ID: "a", Name: "f", Arguments: `{"x":1}`}}},
		{"no ids at all",
			[]goopenai.ToolCall{piece(idx(0), "", "f", `{}`), piece(idx(1), "", "g", `{}`)},
			[]knowledge.ToolCall{{ID: "call_0", Name: "f", Arguments: `{}`}, {ID: "call_1", Name: "g", Arguments: `{}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a toolCallAssembler
			for _, p := range tt.pieces {
				a.add(p)
			}
			if got := a.done(); !slices.Equal(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
