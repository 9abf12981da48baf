package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/laborbot/laborbot/knowledge"
)

func (m *Main) runEval(ctx context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	file := fs.String("file", "../shared/eval/dev.jsonl", "evaluation set (one JSON question per line)")
	entriesOnly := fs.Bool("entries-only", false, "rank only knowledge-base entries, not statute articles")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	f, err := os.Open(*file)
	if err != nil {
		return fmt.Errorf("evaluation set: %w", err)
	}
	defer f.Close()
	items, err := knowledge.ReadEvalItems(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	eng, err := buildEngine(ctx, cfg, m.Logger)
	if err != nil {
		return err
	}
	rep, err := eng.Evaluate(ctx, items, knowledge.SearchOptions{EntriesOnly: *entriesOnly})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(m.Stdout).Encode(rep)
	}
	fmt.Fprint(m.Stdout, rep.String())
	fmt.Fprintf(m.Stdout, "misses: %v\n", rep.Misses)
	return nil
}
