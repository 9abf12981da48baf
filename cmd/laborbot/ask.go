package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/markdown"
)

// askJSON is the JSON shape of one answer from `laborbot ask --json`.
type askJSON struct {
	Question    string                 `json:"question"`
	Answer      string                 `json:"answer"`
	Mode        knowledge.Mode         `json:"mode"`
	Outcome     knowledge.Outcome      `json:"outcome"`
	Sources     []knowledge.Source     `json:"sources"`
	Suggestions []knowledge.Suggestion `json:"suggestions"`
}

func (m *Main) runAsk(ctx context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	k := fs.Int("k", 3, "number of sources")
	lang := fs.String("lang", "", "answer language: zh or en (default: the question's)")
	fs.Usage = func() {
		fmt.Fprintln(m.Stderr, "usage: laborbot ask [--json] [-k N] [--lang zh|en] QUESTION   (QUESTION - reads one question per line from stdin)")
		fs.PrintDefaults()
	}
	if err := parseInterspersed(fs, args); err != nil {
		return errUsage
	}
	if *lang != "" && *lang != "zh" && *lang != "en" {
		fmt.Fprintln(m.Stderr, "laborbot ask: --lang must be zh or en")
		return errUsage
	}
	if *k < 1 || *k > 20 {
		fmt.Fprintln(m.Stderr, "laborbot ask: -k must be between 1 and 20")
		return errUsage
	}
	question := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if question == "" {
		fs.Usage()
		return errUsage
	}
	eng, err := buildEngine(ctx, cfg, m.Logger)
	if err != nil {
		return err
	}
	if question == "-" {
		return m.askStream(ctx, eng, *k, *lang)
	}
	var onDelta func(string)
	if !*asJSON && eng.HasModel() {
		// Show the model's answer as it arrives, then the full final text.
		onDelta = func(s string) { fmt.Fprint(m.Stderr, s) }
	}
	ans, err := eng.Answer(ctx, knowledge.Request{Question: question, Lang: *lang, K: *k}, onDelta)
	if err != nil {
		return err
	}
	if onDelta != nil {
		fmt.Fprintln(m.Stderr)
	}
	if *asJSON {
		return writeJSONLine(m.Stdout, ans)
	}
	// Text for a person at a terminal, as `laborbot chat` prints it: the
	// Markdown's ** and escapes are not shown (JSON keeps the Markdown).
	fmt.Fprintln(m.Stdout, markdown.Plain(ans.Text))
	if s := knowledge.SuggestionsText(ans); s != "" {
		fmt.Fprintln(m.Stdout, "\n"+markdown.Plain(s))
	}
	return nil
}

// askStream answers one question per line of stdin, one JSON object per line
// of stdout, so scripts can feed it many questions with one start-up.
func (m *Main) askStream(ctx context.Context, eng *knowledge.Engine, k int, lang string) error {
	in := m.Stdin
	if in == nil {
		in = os.Stdin
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		ans, err := eng.Answer(ctx, knowledge.Request{Question: q, Lang: lang, K: k}, nil)
		if err != nil {
			return err
		}
		if err := writeJSONLine(m.Stdout, ans); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading questions: %w", err)
	}
	return nil
}

func writeJSONLine(w io.Writer, ans *knowledge.Answer) error {
	out := askJSON{Question: ans.Question, Answer: ans.Text, Mode: ans.Mode, Outcome: ans.Outcome, Sources: ans.Sources, Suggestions: ans.Suggestions}
	if out.Sources == nil {
		out.Sources = []knowledge.Source{}
	}
	if out.Suggestions == nil {
		out.Suggestions = []knowledge.Suggestion{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
