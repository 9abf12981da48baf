package knowledge_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/openai"
	"github.com/laborbot/laborbot/openai/openaitest"
)

// ownEvalItems reads the project's own labelled questions.
func ownEvalItems(t testing.TB) []knowledge.EvalItem {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "eval", "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := knowledge.ReadEvalItems(f)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestEvaluationThresholds measures what a worker sees on the project's
// own labelled questions (eval/questions.jsonl): per language, a useful
// first answer for at least 90% of the labor questions, at most 5% of them
// refused as off-topic, and at least 95% of the questions that are not
// about labor refused.
func TestEvaluationThresholds(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, false, knowledge.Options{})
	rep, err := eng.Evaluate(context.Background(), ownEvalItems(t), knowledge.SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	for _, lang := range []string{"zh", "en"} {
		s := rep.ByLang[lang]
		if s.UsefulFirst < 0.90 {
			t.Errorf("%s: useful first answer %.3f, want >= 0.90", lang, s.UsefulFirst)
		}
		if s.InDomainRefused > 0.05 {
			t.Errorf("%s: %.3f of labor questions refused, want <= 0.05", lang, s.InDomainRefused)
		}
		if s.OffTopicRefused < 0.95 {
			t.Errorf("%s: %.3f of off-topic questions refused, want >= 0.95", lang, s.OffTopicRefused)
		}
	}
	for _, m := range rep.Misses {
		t.Logf("miss %s: expected %s, got %s, first %s", m.ID, m.Expect, m.Outcome, m.First)
	}
}

// TestBuiltinDecisionIsCalibrated: the embedded decision model is what
// Calibrate fits on the calibration half of eval/questions.jsonl with the
// built-in knowledge base, not hand-edited numbers. After changing the
// entries, the lexicon or the labelled questions, refit it with
// `go run ./cmd/laborbot eval --file eval/questions.jsonl --calibrate knowledge/decision.json`.
func TestBuiltinDecisionIsCalibrated(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, false, knowledge.Options{})
	got, _, err := eng.Calibrate(context.Background(), ownEvalItems(t))
	if err != nil {
		t.Fatal(err)
	}
	want := knowledge.BuiltinDecision()
	same := func(name string, a, b float64) {
		if math.Abs(a-b) > 1e-3 {
			t.Errorf("%s: refitted %.4f, embedded %.4f: refit knowledge/decision.json", name, a, b)
		}
	}
	for name, pair := range map[string][2]knowledge.Logistic{"domain": {got.Domain, want.Domain}, "answer": {got.Answer, want.Answer}} {
		a, b := pair[0], pair[1]
		same(name+" bias", a.Bias, b.Bias)
		same(name+" threshold", a.Threshold, b.Threshold)
		if len(a.Weights) != len(b.Weights) {
			t.Errorf("%s: refitted signals %v, embedded %v", name, a.Weights, b.Weights)
		}
		for k, w := range a.Weights {
			same(name+" "+k, w, b.Weights[k])
		}
	}
	for _, lang := range []string{"zh", "en"} {
		if got.Ranking[lang] != want.Ranking[lang] {
			t.Errorf("ranking %s: refitted %+v, embedded %+v", lang, got.Ranking[lang], want.Ranking[lang])
		}
	}
	same("exact match", got.ExactMatch, want.ExactMatch)
}

// TestCalibrateWithEmbeddings: with an embeddings model configured, the
// vector similarity is one of the signals every model may use, so a
// calibration against that model fits its weight (DECISION_FILE then loads
// it); the built-in decision, fitted without one, has none.
func TestCalibrateWithEmbeddings(t *testing.T) {
	t.Parallel()
	srv := openaitest.NewServer()
	defer srv.Close()
	client := openai.New(openai.Config{BaseURL: srv.BaseURL(), EmbeddingModel: "test-embed"})
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	var some []knowledge.Entry
	for _, e := range entries {
		if e.Topic == "wages" || e.Topic == "social_insurance" {
			some = append(some, e)
		}
	}
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build, Embedder: client})
	if err := eng.Load(context.Background(), some, nil); err != nil {
		t.Fatal(err)
	}
	var items []knowledge.EvalItem
	for _, it := range ownEvalItems(t) {
		if it.Split == "calibrate" && (it.Topic == "wages" || it.Topic == "social_insurance" || !it.InDomain()) {
			items = append(items, it)
		}
	}
	m, _, err := eng.Calibrate(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	_, inDomain := m.Domain.Weights["vector"]
	_, inAnswer := m.Answer.Weights["vector"]
	if !inDomain || !inAnswer {
		t.Errorf("the vector signal was not fitted: domain %v, answer %v", m.Domain.Weights, m.Answer.Weights)
	}
	if _, ok := knowledge.BuiltinDecision().Domain.Weights["vector"]; ok {
		t.Error("the built-in decision has a vector weight, but no embeddings model was used to fit it")
	}
}
