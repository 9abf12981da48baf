// Package openai connects the knowledge engine to any OpenAI-compatible
// server (OpenAI, DeepSeek, Qwen, Ollama, vLLM) through go-openai: a
// streaming chat model for answers and an embeddings model for hybrid search.
package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

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

// Client talks to the server. It implements knowledge.ChatModel and
// knowledge.Embedder.
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
var _ knowledge.Embedder = (*Client)(nil)

// Stream sends the conversation and calls onDelta with each piece of the
// answer as it arrives.
func (c *Client) Stream(ctx context.Context, messages []knowledge.ChatMessage, onDelta func(string)) error {
	req := goopenai.ChatCompletionRequest{
		Model:       c.cfg.Model,
		Temperature: c.cfg.Temperature,
		MaxTokens:   c.cfg.MaxTokens,
		Stream:      true,
	}
	for _, m := range messages {
		req.Messages = append(req.Messages, goopenai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	stream, err := c.c.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return describe(err)
	}
	defer stream.Close()
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return describe(err)
		}
		for _, ch := range resp.Choices {
			if ch.Delta.Content != "" {
				onDelta(ch.Delta.Content)
			}
		}
	}
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
