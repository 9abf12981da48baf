package openai

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/openai/openaitest"
)

// TestCheck: the start-up check says what is wrong (a refused key, a dead
// server), accepts a server whose list is empty or lacks the model list
// (asking for one token instead), and warns about a model it does not list.
func TestCheck(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := testClient(srv)

	if w, err := c.Check(ctx); err != nil || w != "" {
		t.Errorf("empty list: %q, %v", w, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("listing the models made %d chat requests", n)
	}

	srv.SetModels(0, "gpt-4o-mini", "test-model")
	if w, err := c.Check(ctx); err != nil || w != "" {
		t.Errorf("listed: %q, %v", w, err)
	}
	srv.SetModels(0, "gpt-4o-mini")
	if w, err := c.Check(ctx); err != nil || !strings.Contains(w, "test-model") {
		t.Errorf("not listed: %q, %v", w, err)
	}
	ollama := New(Config{BaseURL: srv.BaseURL(), Model: "qwen2.5"})
	srv.SetModels(0, "qwen2.5:latest")
	if w, err := ollama.Check(ctx); err != nil || w != "" {
		t.Errorf("Ollama's :latest: %q, %v", w, err)
	}

	srv.SetModels(http.StatusUnauthorized)
	srv.Queue(openaitest.Reply{Status: http.StatusUnauthorized})
	if _, err := c.Check(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("refused key: %v", err)
	}
	// A key that may chat but not list (OpenAI's restricted keys).
	srv.SetModels(http.StatusForbidden)
	if w, err := c.Check(ctx); err != nil || !strings.Contains(w, "403") {
		t.Errorf("restricted key: %q, %v", w, err)
	}
	before := len(srv.Requests())

	srv.SetModels(http.StatusNotFound)
	if _, err := c.Check(ctx); err != nil {
		t.Errorf("no model list, the model answers: %v", err)
	}
	reqs := srv.Requests()[before:]
	if len(reqs) != 1 || reqs[0].Model != "test-model" {
		t.Errorf("without a model list the check asks the model once: %+v", reqs)
	}
	srv.Queue(openaitest.Reply{Status: http.StatusForbidden})
	if _, err := c.Check(ctx); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("no model list, the model refuses: %v", err)
	}

	srv.Close()
	if _, err := c.Check(ctx); err == nil {
		t.Error("a closed server passed the check")
	}
}
