package main

import (
	"context"
	"log/slog"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/calc/calctool"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/openai"
)

// buildEngine makes the engine and loads it with the statutes of LAWS_DIR
// and the built-in knowledge base: what ask and eval answer from. The bot
// loads its engine through the knowledge-base Admin instead (newKBAdmin),
// which adds the published entries.
func buildEngine(ctx context.Context, cfg Config, log *slog.Logger) (*knowledge.Engine, error) {
	statutes, err := loadLaws(cfg, log)
	if err != nil {
		return nil, err
	}
	entries, problems := knowledge.LoadEntriesFS(content.Files, statutes)
	// The built-in entries are checked by the tests; a problem here means
	// LAWS_DIR holds statutes that differ from the ones they were written
	// against. Say so, and serve the entries that are fine.
	for _, p := range problems {
		log.Warn("knowledge base entry problem", "problem", p.String())
	}
	eng := newEngine(cfg, log)
	if err := eng.Load(ctx, entries, statutes); err != nil {
		return nil, err
	}
	log.Debug("knowledge base loaded", "entries", len(entries), "statutes", statutes.Len(), "llm", eng.HasModel())
	return eng, nil
}

// newEngine makes the engine, with a model (and the calculators as its
// tools) and embeddings when configured. It answers nothing until loaded.
func newEngine(cfg Config, log *slog.Logger) *knowledge.Engine {
	return newGatedEngine(cfg, log, nil)
}

// newGatedEngine is newEngine whose chat model is skipped while state (the
// bot's model check; nil: never) says the server fails.
func newGatedEngine(cfg Config, log *slog.Logger, state *modelState) *knowledge.Engine {
	opts := knowledge.Options{Index: bleve.Build, LLMTimeout: cfg.LLMTimeout, Logger: log, Decision: cfg.decision}
	if cfg.OpenAIModel != "" || cfg.OpenAIEmbeddingModel != "" {
		client := openai.New(openai.Config{APIKey: cfg.OpenAIAPIKey, BaseURL: cfg.OpenAIBaseURL,
			Model: cfg.OpenAIModel, EmbeddingModel: cfg.OpenAIEmbeddingModel})
		if cfg.OpenAIModel != "" {
			opts.Model = client
			if state != nil {
				opts.Model = gatedModel{client, state}
			}
			// The model can run the calculators when a question needs a figure.
			opts.Tools = calctool.Tools(chinaToday)
		}
		if cfg.OpenAIEmbeddingModel != "" {
			opts.Embedder = client
		}
	}
	return knowledge.NewEngine(opts)
}
