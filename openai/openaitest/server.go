// Package openaitest is a fake OpenAI-compatible server for tests: chat
// completions (streamed as server-sent events, or as one JSON body) and
// embeddings, with scripted replies, errors and delays, over real HTTP.
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
}

// Request is what the server received, for assertions.
type Request struct {
	Model    string
	Stream   bool
	Messages []Message
}

// Message is one chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
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
}

// NewServer starts a fake server; it is closed when the test ends via
// t.Cleanup in the caller (call Close).
func NewServer() *Server {
	s := &Server{EmbedDim: 64}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.Server = httptest.NewServer(mux)
	return s
}

// BaseURL is the value for OPENAI_BASE_URL.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

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
		Model    string    `json:"model"`
		Stream   bool      `json:"stream"`
		Messages []Message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad json")
		return
	}
	req := Request{Model: body.Model, Stream: body.Stream, Messages: body.Messages}
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
	if !body.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": strings.Join(rep.Chunks, "")}}},
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
		ev, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": c}}},
		})
		fmt.Fprintf(w, "data: %s\n\n", ev)
		if flusher != nil {
			flusher.Flush()
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
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
