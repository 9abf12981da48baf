package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/calc/calctool"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/openai"
)

// buildEngine loads the statutes (when LAWS_DIR is set) and the built-in
// knowledge base, and makes the engine, with a model when one is configured.
func buildEngine(ctx context.Context, cfg Config, log *slog.Logger) (*knowledge.Engine, error) {
	var statutes *knowledge.Statutes
	if cfg.LawsDir != "" {
		list, err := knowledge.LoadStatutesDir(cfg.LawsDir)
		if err != nil {
			return nil, fmt.Errorf("LAWS_DIR: %w", err)
		}
		statutes = knowledge.NewStatutes(list...)
	}
	entries, problems := knowledge.LoadEntriesFS(content.Files, statutes)
	if len(problems) > 0 {
		// The built-in entries are checked by the tests; a problem here means
		// LAWS_DIR holds statutes that differ from the ones they were written
		// against. Say so, and serve the entries that are fine.
		for _, p := range problems {
			log.Warn("knowledge base entry problem", "problem", p.String())
		}
	}
	opts := knowledge.Options{Index: bleve.Build, LLMTimeout: cfg.LLMTimeout, Logger: log}
	if cfg.OpenAIModel != "" || cfg.OpenAIEmbeddingModel != "" {
		client := openai.New(openai.Config{APIKey: cfg.OpenAIAPIKey, BaseURL: cfg.OpenAIBaseURL,
			Model: cfg.OpenAIModel, EmbeddingModel: cfg.OpenAIEmbeddingModel})
		if cfg.OpenAIModel != "" {
			opts.Model = client
			// The model can run the calculators when a question needs a figure.
			opts.Tools = calctool.Tools(chinaToday)
		}
		if cfg.OpenAIEmbeddingModel != "" {
			opts.Embedder = client
		}
	}
	eng := knowledge.NewEngine(opts)
	if err := eng.Load(ctx, entries, statutes); err != nil {
		return nil, err
	}
	log.Debug("knowledge base loaded", "entries", len(entries), "statutes", statutes.Len(), "llm", opts.Model != nil, "hybrid", opts.Embedder != nil)
	return eng, nil
}
