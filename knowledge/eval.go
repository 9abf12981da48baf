package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// EvalItem is one question of an evaluation set (shared/eval/dev.jsonl, or
// the project's own eval/questions.jsonl).
type EvalItem struct {
	ID       string `json:"id"`
	Lang     string `json:"lang"`
	Question string `json:"question"`
	Topic    string `json:"topic"`
	// Expect is the outcome a worker should see: "answer", "partial" or
	// "off_topic" ("" counts as "answer", as in dev.jsonl).
	Expect Outcome `json:"expect,omitempty"`
	// Split is "calibrate" (the decision is fitted on these) or "test".
	Split string `json:"split,omitempty"`
	// Kind says what sort of question it is (long, short, partial,
	// off_topic, looks_off_topic).
	Kind       string     `json:"kind,omitempty"`
	Gold       []Citation `json:"gold"`
	Acceptable []Citation `json:"acceptable"`
}

// Expected is the item's expected outcome.
func (it EvalItem) Expected() Outcome {
	if it.Expect == "" {
		return OutcomeAnswer
	}
	return it.Expect
}

// InDomain reports whether the item is a labor question.
func (it EvalItem) InDomain() bool { return it.Expected() != OutcomeOffTopic }

// ReadEvalItems reads one JSON object per line.
func ReadEvalItems(r io.Reader) ([]EvalItem, error) {
	var items []EvalItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it EvalItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch it.Expected() {
		case OutcomeAnswer, OutcomePartial, OutcomeOffTopic:
		default:
			return nil, fmt.Errorf("line %d: expect must be answer, partial or off_topic, not %q", n, it.Expect)
		}
		if it.Lang != "zh" && it.Lang != "en" {
			return nil, fmt.Errorf("line %d: lang must be zh or en", n)
		}
		items = append(items, it)
	}
	return items, sc.Err()
}

// EvalScore is the evaluation of a group of questions. Rates are shares
// (0 to 1) of the questions they are about, as shared/eval/README.md
// defines them:
//   - UsefulFirst: labor questions with gold articles that get an answer
//     (not refused) whose first source's first five citations include a
//     gold or acceptable article;
//   - InDomainRefused: labor questions refused as off-topic;
//   - OffTopicRefused: questions that are not about labor that are refused
//     (a pointer elsewhere, no labor entry);
//   - Hit3, LooseHit3, MRR: retrieval, over labor questions with gold
//     articles: the top three sources (the first ten for MRR), the first
//     five citations of each;
//   - OutcomeAgrees: questions whose outcome is the expected one.
type EvalScore struct {
	N               int     `json:"n"`
	InDomain        int     `json:"in_domain"`
	OffTopic        int     `json:"off_topic"`
	UsefulFirst     float64 `json:"useful_first_answer"`
	InDomainRefused float64 `json:"in_domain_refused"`
	OffTopicRefused float64 `json:"off_topic_refused"`
	Hit3            float64 `json:"hit_at_3"`
	LooseHit3       float64 `json:"loose_hit_at_3"`
	MRR             float64 `json:"mrr"`
	OutcomeAgrees   float64 `json:"outcome_agrees"`
}

// EvalResult is what happened to one question.
type EvalResult struct {
	ID       string  `json:"id"`
	Lang     string  `json:"lang"`
	Expect   Outcome `json:"expect"`
	Outcome  Outcome `json:"outcome"`
	First    string  `json:"first,omitempty"` // the first source's id
	Useful   bool    `json:"useful"`
	Hit3     bool    `json:"hit_at_3"`
	PLabor   float64 `json:"p_labor"`
	PAnswer  float64 `json:"p_answer"`
	Question string  `json:"question"`
}

// EvalReport is an evaluation of an evaluation set.
type EvalReport struct {
	All EvalScore `json:"all"`
	// ByLang and BySplit ("test zh", "calibrate en"…) and ByTopic group the
	// questions.
	ByLang  map[string]EvalScore `json:"by_lang"`
	BySplit map[string]EvalScore `json:"by_split,omitempty"`
	ByTopic map[string]EvalScore `json:"by_topic"`
	// Misses are the questions a worker would have been let down by: a
	// labor question not usefully answered, an off-topic one answered.
	Misses  []EvalResult `json:"misses"`
	Results []EvalResult `json:"-"`
	// Outcomes counts, by language, each expected outcome against the one
	// given ("zh answer→partial": 3).
	Outcomes map[string]int `json:"outcomes"`
}

// Evaluate answers every question as a worker would be answered (without
// a model: the decision and the sources are the same with one) and
// measures the answers the way shared/eval/README.md defines it. Retrieval
// (hit@3, MRR) is measured on the sources the search returns whatever the
// decision, so that it compares with earlier figures.
func (e *Engine) Evaluate(ctx context.Context, items []EvalItem, opts SearchOptions) (EvalReport, error) {
	type acc struct {
		n, in, off, gold, useful, inRefused, offRefused, hit, loose, agree int
		rr                                                                 float64
	}
	all := &acc{}
	byLang, bySplit, byTopic := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	var rep EvalReport
	for _, it := range items {
		ans, err := e.Answer(ctx, Request{Question: it.Question, Lang: it.Lang, K: 10, RetrievalOnly: true}, nil)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", it.ID, err)
		}
		sopts := opts
		sopts.K, sopts.Lang = 10, it.Lang
		res, err := e.SearchSources(ctx, it.Question, sopts)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", it.ID, err)
		}
		r := EvalResult{ID: it.ID, Lang: it.Lang, Expect: it.Expected(), Outcome: ans.Outcome, Question: it.Question}
		if ans.Decision != nil {
			r.PLabor, r.PAnswer = ans.Decision.PLabor, ans.Decision.PAnswer
		}
		if len(ans.Sources) > 0 {
			r.First = ans.Sources[0].ID
		}
		hasGold := len(it.Gold)+len(it.Acceptable) > 0
		refused := ans.Outcome == OutcomeOffTopic
		loose, rr := false, 0.0
		if hasGold {
			if !refused && len(ans.Sources) > 0 {
				r.Useful = anyMatch(first5(ans.Sources[0].Citations), append(append([]Citation(nil), it.Gold...), it.Acceptable...))
			}
			for rank, s := range res {
				cites := first5(s.Citations)
				isGold := anyMatch(cites, it.Gold)
				if rank < 3 {
					r.Hit3 = r.Hit3 || isGold
					loose = loose || isGold || anyMatch(cites, it.Acceptable)
				}
				if isGold && rr == 0 {
					rr = 1 / float64(rank+1)
				}
			}
		}
		groups := []*acc{all, get(byLang, it.Lang), get(byTopic, it.Topic)}
		if it.Split != "" {
			groups = append(groups, get(bySplit, it.Split+" "+it.Lang))
		}
		for _, a := range groups {
			a.n++
			if r.Outcome == r.Expect {
				a.agree++
			}
			if !it.InDomain() {
				a.off++
				if refused {
					a.offRefused++
				}
				continue
			}
			a.in++
			if refused {
				a.inRefused++
			}
			if hasGold {
				a.gold++
				a.rr += rr
				if r.Useful {
					a.useful++
				}
				if r.Hit3 {
					a.hit++
				}
				if loose {
					a.loose++
				}
			}
		}
		if it.InDomain() && hasGold && !r.Useful || it.InDomain() && refused || !it.InDomain() && !refused {
			rep.Misses = append(rep.Misses, r)
		}
		rep.Results = append(rep.Results, r)
		if rep.Outcomes == nil {
			rep.Outcomes = map[string]int{}
		}
		rep.Outcomes[fmt.Sprintf("%s %s→%s", it.Lang, r.Expect, r.Outcome)]++
	}
	score := func(a *acc) EvalScore {
		s := EvalScore{N: a.n, InDomain: a.in, OffTopic: a.off}
		if a.n > 0 {
			s.OutcomeAgrees = float64(a.agree) / float64(a.n)
		}
		if a.in > 0 {
			s.InDomainRefused = float64(a.inRefused) / float64(a.in)
		}
		if a.off > 0 {
			s.OffTopicRefused = float64(a.offRefused) / float64(a.off)
		}
		if a.gold > 0 {
			g := float64(a.gold)
			s.UsefulFirst, s.Hit3, s.LooseHit3, s.MRR = float64(a.useful)/g, float64(a.hit)/g, float64(a.loose)/g, a.rr/g
		}
		return s
	}
	rep.All = score(all)
	rep.ByLang, rep.BySplit, rep.ByTopic = map[string]EvalScore{}, map[string]EvalScore{}, map[string]EvalScore{}
	for k, a := range byLang {
		rep.ByLang[k] = score(a)
	}
	for k, a := range bySplit {
		rep.BySplit[k] = score(a)
	}
	for k, a := range byTopic {
		rep.ByTopic[k] = score(a)
	}
	return rep, nil
}

func first5(cs []Citation) []Citation {
	if len(cs) > 5 {
		return cs[:5]
	}
	return cs
}

func get[T any](m map[string]*T, k string) *T {
	if m[k] == nil {
		m[k] = new(T)
	}
	return m[k]
}

func anyMatch(cites, targets []Citation) bool {
	for _, c := range cites {
		for _, t := range targets {
			if c.Matches(t) {
				return true
			}
		}
	}
	return false
}

// SearchSources is what the search ranks as an answer's sources: the
// article a question names, if any, then the search results.
func (e *Engine) SearchSources(ctx context.Context, question string, opts SearchOptions) ([]Result, error) {
	res, err := e.Search(ctx, question, opts)
	if err != nil {
		return nil, err
	}
	lib := e.lib.Load()
	if ref, ok := lib.FindArticleRef(question); ok {
		if a, ok := lib.statutes.Article(ref); ok {
			p := ArticlePassage(a)
			out := []Result{{Passage: p, Score: 1, Coverage: 1}}
			for _, r := range res {
				if r.ID != p.ID {
					out = append(out, r)
				}
			}
			return out, nil
		}
	}
	return res, nil
}

// String formats the report as a table.
func (r EvalReport) String() string {
	var b strings.Builder
	row := func(name string, s EvalScore) {
		fmt.Fprintf(&b, "%-24s %4d %4d %4d  %6s  %6s  %6s  %6s  %6s  %6s  %6s\n", name, s.N, s.InDomain, s.OffTopic,
			pct(s.UsefulFirst, s.InDomain), pct(s.InDomainRefused, s.InDomain), pct(s.OffTopicRefused, s.OffTopic),
			pct(s.Hit3, s.InDomain), pct(s.LooseHit3, s.InDomain), pct(s.MRR, s.InDomain), pct(s.OutcomeAgrees, s.N))
	}
	fmt.Fprintf(&b, "%-24s %4s %4s %4s  %6s  %6s  %6s  %6s  %6s  %6s  %6s\n", "group", "n", "in", "off",
		"useful", "in-ref", "off-ref", "hit@3", "loose", "MRR", "agree")
	row("all", r.All)
	for _, k := range sortedKeys(r.ByLang) {
		row("lang "+k, r.ByLang[k])
	}
	for _, k := range sortedKeys(r.BySplit) {
		row("split "+k, r.BySplit[k])
	}
	for _, k := range sortedKeys(r.ByTopic) {
		row("topic "+k, r.ByTopic[k])
	}
	b.WriteString("expected→given:")
	for _, k := range sortedKeys(r.Outcomes) {
		fmt.Fprintf(&b, "  %s %d", k, r.Outcomes[k])
	}
	b.WriteString("\n")
	return b.String()
}

func pct(v float64, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
