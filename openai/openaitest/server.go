// Package openaitest is a fake OpenAI-compatible server for tests: chat
// completions (streamed as server-sent events, or as one JSON body) and
// embeddings, with scripted replies, tool calls, errors and delays, over
// real HTTP.
package openaitest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Reply scripts one chat completion.
type Reply struct {
	Chunks []string // streamed in order; joined for a non-streamed request
	// Status, when non-zero, answers with this HTTP status and an OpenAI
	// error body instead.
	Status int
	// Delay before the first byte, and between chunks.
	Delay      time.Duration
	ChunkDelay time.Duration
	// FailAfter, when > 0, cuts the stream after that many chunks with a
	// malformed event, as a dying server would.
	FailAfter int
	// ToolCalls are streamed after the chunks, the way OpenAI does: a first
	// piece with the index, id and name, then the arguments in fragments of
	// ArgumentRunes runes (default 5). Fragments of several calls are
	// interleaved, which the protocol allows, so a client must join them by
	// index. The finish reason is then "tool_calls".
	ToolCalls     []ToolCall
	ArgumentRunes int
}

// ToolCall is a tool call the model makes, or made in an earlier reply.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string
}

// Request is what the server received, for assertions.
type Request struct {
	Model    string
	Stream   bool
	Messages []Message
	Tools    []Tool // the tools offered to the model
}

// Message is one chat message of a request. An assistant message may carry
// the tool calls of an earlier reply; a tool message (Role "tool") carries
// a result and the id of the call it answers.
type Message struct {
	Role       string
	Content    string
	ToolCalls  []ToolCall
	ToolCallID string
}

// Tool is a tool offered in a request.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// ToolMessages returns the request's tool messages (the results a client
// sent back), in order.
func (r Request) ToolMessages() []Message {
	var out []Message
	for _, m := range r.Messages {
		if m.Role == "tool" {
			out = append(out, m)
		}
	}
	return out
}

// wireToolCall is a tool call as the API writes it.
type wireToolCall struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

// Server is the fake. Zero replies queued means the Respond func decides,
// or a fixed answer.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []Reply
	requests []Request
	// Respond, when set, makes the reply for requests with no queued reply.
	Respond func(Request) Reply
	// EmbedDim is the embedding size (default 64).
	EmbedDim   int
	embedCalls int
	// What GET /v1/models answers (SetModels): the listed ids, or an
	// error status.
	models       []string
	modelsStatus int
}

// NewServer starts a fake server; it is closed when the test ends via
// t.Cleanup in the caller (call Close).
func NewServer() *Server {
	s := &Server{EmbedDim: 64}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	mux.HandleFunc("GET /v1/models", s.listModels)
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the value for OPENAI_BASE_URL.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// SetModels sets what GET /v1/models answers: the ids listed (none by
// default), or, with status non-zero, that HTTP status and an OpenAI error
// (401 for a refused key, 404 for a server without the list).
func (s *Server) SetModels(status int, ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modelsStatus, s.models = status, ids
}

func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	status, ids := s.modelsStatus, append([]string(nil), s.models...)
	s.mu.Unlock()
	if status != 0 {
		writeError(w, status, "scripted failure")
		return
	}
	data := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		data = append(data, map[string]any{"id": id, "object": "model", "owned_by": "test"})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
}

// Queue adds replies used in order by the next requests.
func (s *Server) Queue(r ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies = append(s.replies, r...)
}

// Requests returns the chat requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// EmbedCalls counts embeddings requests.
func (s *Server) EmbedCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.embedCalls
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Role       string         `json:"role"`
			Content    string         `json:"content"`
			ToolCalls  []wireToolCall `json:"tool_calls"`
			ToolCallID string         `json:"tool_call_id"`
		} `json:"messages"`
		Tools []struct {
			Type     string `json:"type"`
			Function struct {
				Name        string          `json:"name"`
				Description string          `json:"description"`
				Parameters  json.RawMessage `json:"parameters"`
			} `json:"function"`
		} `json:"tools"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad json")
		return
	}
	req := Request{Model: body.Model, Stream: body.Stream}
	for _, m := range body.Messages {
		msg := Message{Role: m.Role, Content: m.Content, ToolCallID: m.ToolCallID}
		for _, tc := range m.ToolCalls {
			msg.ToolCalls = append(msg.ToolCalls, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
		req.Messages = append(req.Messages, msg)
	}
	for _, t := range body.Tools {
		if t.Type != "function" {
			writeError(w, http.StatusBadRequest, "unsupported tool type")
			return
		}
		req.Tools = append(req.Tools, Tool{Name: t.Function.Name, Description: t.Function.Description, Parameters: t.Function.Parameters})
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var rep Reply
	switch {
	case len(s.replies) > 0:
		rep, s.replies = s.replies[0], s.replies[1:]
	case s.Respond != nil:
		rep = s.Respond(req)
	default:
		rep = Reply{Chunks: []string{"OK"}}
	}
	s.mu.Unlock()
	if !sleep(r, rep.Delay) {
		return
	}
	if rep.Status != 0 {
		writeError(w, rep.Status, "scripted failure")
		return
	}
	finish := "stop"
	if len(rep.ToolCalls) > 0 {
		finish = "tool_calls"
	}
	if !body.Stream {
		msg := map[string]any{"role": "assistant", "content": strings.Join(rep.Chunks, "")}
		if len(rep.ToolCalls) > 0 {
			calls := make([]wireToolCall, len(rep.ToolCalls))
			for i, tc := range rep.ToolCalls {
				calls[i] = wireToolCall{ID: tc.ID, Type: "function"}
				calls[i].Function.Name, calls[i].Function.Arguments = tc.Name, tc.Arguments
			}
			msg["tool_calls"] = calls
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "message": msg}},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	for i, c := range rep.Chunks {
		if rep.FailAfter > 0 && i == rep.FailAfter {
			fmt.Fprint(w, "data: {not json\n\n")
			return
		}
		if i > 0 && !sleep(r, rep.ChunkDelay) {
			return
		}
		writeChunk(w, flusher, body.Model, map[string]any{"content": c}, nil)
	}
	if len(rep.ToolCalls) > 0 {
		for _, piece := range toolCallPieces(rep.ToolCalls, rep.ArgumentRunes) {
			if !sleep(r, rep.ChunkDelay) {
				return
			}
			writeChunk(w, flusher, body.Model, map[string]any{"tool_calls": []wireToolCall{piece}}, nil)
		}
	}
	writeChunk(w, flusher, body.Model, map[string]any{}, finish)
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// writeChunk writes one streamed event; finish is the finish reason of the
// last one, nil before.
func writeChunk(w http.ResponseWriter, flusher http.Flusher, model string, delta map[string]any, finish any) {
	ev, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
		"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
	})
	fmt.Fprintf(w, "data: %s\n\n", ev)
	if flusher != nil {
		flusher.Flush()
	}
}

// toolCallPieces cuts tool calls into streamed pieces: for each call a head
// with index, id, type and name, then its arguments in fragments of n runes
// (n <= 0: 5), the calls' fragments taking turns.
func toolCallPieces(calls []ToolCall, n int) []wireToolCall {
	if n <= 0 {
		n = 5
	}
	var heads []wireToolCall
	frags := make([][]string, len(calls))
	for i, tc := range calls {
		head := wireToolCall{Index: &i, ID: tc.ID, Type: "function"}
		head.Function.Name = tc.Name
		heads = append(heads, head)
		runes := []rune(tc.Arguments)
		for len(runes) > 0 {
			k := min(n, len(runes))
			frags[i] = append(frags[i], string(runes[:k]))
			runes = runes[k:]
		}
	}
	out := heads
	for more := true; more; {
		more = false
		for i := range calls {
			if len(frags[i]) == 0 {
				continue
			}
			piece := wireToolCall{Index: &i}
			piece.Function.Arguments, frags[i] = frags[i][0], frags[i][1:]
			out = append(out, piece)
			more = true
		}
	}
	return out
}

func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "server_error", "code": status}})
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad json")
		return
	}
	s.mu.Lock()
	s.embedCalls++
	dim := s.EmbedDim
	s.mu.Unlock()
	data := make([]any, len(body.Input))
	for i, text := range body.Input {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": Embed(text, dim)}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": body.Model,
		"usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}})
}

// Embed is the fake embedding: a bag of hashed character bigrams, so texts
// that share words are close, deterministically.
func Embed(text string, dim int) []float32 {
	v := make([]float32, dim)
	runes := []rune(strings.ToLower(text))
	for i := 0; i+1 < len(runes); i++ {
		if !utf8.ValidRune(runes[i]) {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(string(runes[i : i+2])))
		v[h.Sum32()%uint32(dim)]++
	}
	return v
}
