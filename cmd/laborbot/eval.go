package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/laborbot/laborbot/knowledge"
)

// defaultEvalFiles are the project's own labelled questions and the shared
// development set (beside the checkout).
const defaultEvalFiles = "eval/questions.jsonl,../shared/eval/dev.jsonl"

func (m *Main) runEval(ctx context.Context, cfg Config, args []string) error {
	fset := flag.NewFlagSet("eval", flag.ContinueOnError)
	fset.SetOutput(m.Stderr)
	files := fset.String("file", defaultEvalFiles, "evaluation sets, comma-separated (one JSON question per line)")
	entriesOnly := fset.Bool("entries-only", false, "rank only knowledge-base entries, not statute articles")
	asJSON := fset.Bool("json", false, "print the reports as JSON")
	misses := fset.Bool("misses", false, "list the questions a worker would have been let down by")
	calibrate := fset.String("calibrate", "", "fit the relevance decision on the first file's calibration split and write it to this file (use it with DECISION_FILE)")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: laborbot eval [--file A.jsonl,B.jsonl] [--entries-only] [--misses] [--json] [--calibrate OUT.json]\n\nmeasure answers (useful first answer, refusals, hit@3, MRR) on evaluation sets\n\nflags:")
		fset.PrintDefaults()
	}
	if err := parseInterspersed(fset, args); err != nil {
		return errUsage
	}
	if fset.NArg() > 0 {
		// A set named without --file used to be ignored in silence.
		fmt.Fprintf(fset.Output(), "laborbot eval takes no arguments (got %q): name evaluation sets with --file\n\n", fset.Arg(0))
		fset.Usage()
		return errUsage
	}
	eng, err := buildEngine(ctx, cfg, m.Logger)
	if err != nil {
		return err
	}
	measured, calibrated := 0, false
	for i, file := range strings.Split(*files, ",") {
		file = strings.TrimSpace(file)
		items, err := readEvalFile(file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && *files == defaultEvalFiles {
				fmt.Fprintf(m.Stderr, "laborbot eval: %s not found, skipped\n", file)
				continue
			}
			return err
		}
		if i == 0 && *calibrate != "" {
			model, rep, err := eng.Calibrate(ctx, items)
			if err != nil {
				return err
			}
			b, _ := json.MarshalIndent(model, "", "  ")
			if err := os.WriteFile(*calibrate, append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("writing the decision model: %w", err)
			}
			fmt.Fprintf(m.Stdout, "decision written to %s\n%s", *calibrate, rep)
			fmt.Fprintf(m.Stdout, "domain: %s\nanswer: %s\nranking: %+v\n\n", model.Domain, model.Answer, model.Ranking)
			calibrated = true
			// Measure with the model just fitted.
			if eng, err = buildEngine(ctx, withDecision(cfg, &model), m.Logger); err != nil {
				return err
			}
		}
		rep, err := eng.Evaluate(ctx, items, knowledge.SearchOptions{EntriesOnly: *entriesOnly})
		if err != nil {
			return err
		}
		measured++
		if *asJSON {
			if err := json.NewEncoder(m.Stdout).Encode(map[string]any{"file": file, "report": rep}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(m.Stdout, "== %s (%d questions)\n%s", file, len(items), rep)
		if *misses {
			for _, r := range rep.Misses {
				fmt.Fprintf(m.Stdout, "miss %-22s expect %-9s got %-9s first %-40s p(labor) %.2f p(answer) %.2f  %s\n",
					r.ID, r.Expect, r.Outcome, r.First, r.PLabor, r.PAnswer, truncate(r.Question, 60))
			}
		}
		fmt.Fprintln(m.Stdout)
	}
	if *calibrate != "" && !calibrated {
		return fmt.Errorf("eval: nothing calibrated: the first evaluation set (%s) was not found", strings.TrimSpace(strings.Split(*files, ",")[0]))
	}
	if measured == 0 {
		// Nothing measured is no success: the default sets are found
		// relative to the checkout.
		return errors.New("eval: no evaluation set found (the defaults are eval/questions.jsonl and ../shared/eval/dev.jsonl, relative to the checkout): run it from the checkout or give --file")
	}
	return nil
}

func readEvalFile(path string) ([]knowledge.EvalItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evaluation set: %w", err)
	}
	defer f.Close()
	items, err := knowledge.ReadEvalItems(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

func withDecision(cfg Config, m *knowledge.DecisionModel) Config {
	cfg.decision = m
	return cfg
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
