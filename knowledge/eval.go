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

// EvalItem is one question of a retrieval evaluation set (shared/eval).
type EvalItem struct {
	ID         string     `json:"id"`
	Lang       string     `json:"lang"`
	Question   string     `json:"question"`
	Topic      string     `json:"topic"`
	Gold       []Citation `json:"gold"`
	Acceptable []Citation `json:"acceptable"`
}

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
		items = append(items, it)
	}
	return items, sc.Err()
}

// EvalScore is hit@3, loose hit@3 and MRR over a group of questions.
type EvalScore struct {
	N         int     `json:"n"`
	Hit3      float64 `json:"hit_at_3"`
	LooseHit3 float64 `json:"loose_hit_at_3"`
	MRR       float64 `json:"mrr"`
}

// EvalReport is the evaluation of a search configuration.
type EvalReport struct {
	All     EvalScore            `json:"all"`
	ByLang  map[string]EvalScore `json:"by_lang"`
	ByTopic map[string]EvalScore `json:"by_topic"`
	Misses  []string             `json:"misses"` // ids of questions with no gold article in the top 3
}

// Evaluate measures retrieval the way shared/eval/README.md defines it: the
// top three sources, the first five citations of each; hit@3 counts a
// question when one of them is a gold article, loose hit@3 when one is gold
// or acceptable, MRR uses the first source citing a gold article in the top
// ten.
func (e *Engine) Evaluate(ctx context.Context, items []EvalItem, opts SearchOptions) (EvalReport, error) {
	type acc struct {
		n, hit, loose int
		rr            float64
	}
	all := &acc{}
	byLang, byTopic := map[string]*acc{}, map[string]*acc{}
	var rep EvalReport
	opts.K = 10
	for _, it := range items {
		res, err := e.SearchSources(ctx, it.Question, opts)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", it.ID, err)
		}
		hit, loose, rr := false, false, 0.0
		for rank, r := range res {
			cites := r.Citations
			if len(cites) > 5 {
				cites = cites[:5]
			}
			isGold := anyMatch(cites, it.Gold)
			if rank < 3 {
				hit = hit || isGold
				loose = loose || isGold || anyMatch(cites, it.Acceptable)
			}
			if isGold && rr == 0 {
				rr = 1 / float64(rank+1)
			}
		}
		for _, a := range []*acc{all, get(byLang, it.Lang), get(byTopic, it.Topic)} {
			a.n++
			a.rr += rr
			if hit {
				a.hit++
			}
			if loose {
				a.loose++
			}
		}
		if !hit {
			rep.Misses = append(rep.Misses, it.ID)
		}
	}
	score := func(a *acc) EvalScore {
		if a.n == 0 {
			return EvalScore{}
		}
		n := float64(a.n)
		return EvalScore{N: a.n, Hit3: float64(a.hit) / n, LooseHit3: float64(a.loose) / n, MRR: a.rr / n}
	}
	rep.All = score(all)
	rep.ByLang, rep.ByTopic = map[string]EvalScore{}, map[string]EvalScore{}
	for k, a := range byLang {
		rep.ByLang[k] = score(a)
	}
	for k, a := range byTopic {
		rep.ByTopic[k] = score(a)
	}
	return rep, nil
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

// SearchSources is what a front end shows as an answer's sources: the
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
		fmt.Fprintf(&b, "%-22s %4d  %6.3f  %6.3f  %6.3f\n", name, s.N, s.Hit3, s.LooseHit3, s.MRR)
	}
	fmt.Fprintf(&b, "%-22s %4s  %6s  %6s  %6s\n", "group", "n", "hit@3", "loose", "MRR")
	row("all", r.All)
	for _, k := range sortedKeys(r.ByLang) {
		row("lang "+k, r.ByLang[k])
	}
	for _, k := range sortedKeys(r.ByTopic) {
		row("topic "+k, r.ByTopic[k])
	}
	return b.String()
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
