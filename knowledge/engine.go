package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Library is one immutable snapshot of what the engine answers from: the
// entries, the statutes, their passages and the search index over them. A
// change to the knowledge base builds a new Library and swaps it in, so a
// search never sees a half-built index.
type Library struct {
	entries  map[string]Entry // by id
	order    []string         // entry ids, sorted
	statutes *Statutes
	passages map[string]Passage
	index    Index
	vectors  map[string][]float32 // by passage id; nil without an embedder
	// hay is each passage's searchable text, lower-cased once for coverage.
	hay map[string]string
	// statuteNames are the names a question may use for a statute, longest
	// first, for FindArticleRef.
	statuteNames []statuteName
	gen          uint64 // increases with every Load
}

// Entries returns the entries, sorted by id.
func (l *Library) Entries() []Entry {
	out := make([]Entry, 0, len(l.order))
	for _, id := range l.order {
		out = append(out, l.entries[id])
	}
	return out
}

// Entry returns the entry with the given id.
func (l *Library) Entry(id string) (Entry, bool) { e, ok := l.entries[id]; return e, ok }

// Statutes returns the loaded statute texts (possibly none).
func (l *Library) Statutes() *Statutes { return l.statutes }

// Passages is the number of indexed passages.
func (l *Library) Passages() int { return len(l.passages) }

// Options configure an Engine. Only Index is required.
type Options struct {
	Index IndexBuilder
	// Model, when set, writes answers from the retrieved passages.
	Model ChatModel
	// Embedder, when set, adds vector similarity to the lexical score.
	Embedder Embedder
	// LLMTimeout bounds one model answer (default 20 s).
	LLMTimeout time.Duration
	// HybridWeight is the share of the vector score in hybrid search (default 0.5).
	HybridWeight float64
	// MinCoverage is the share of the question's words an entry must contain
	// to count as answering it (default 0.3).
	MinCoverage float64
	// CacheSize is how many answers made without a model are kept for
	// repeated questions (default 4096; negative disables the cache).
	CacheSize int
	Logger    *slog.Logger
	// Tools, when set and Model is a ToolChatModel, are offered to the model
	// (calculators: numbers come from code, not from the model).
	Tools []Tool
}

// Engine answers workers' questions from the knowledge base. It is safe for
// concurrent use; Load swaps the library while searches go on.
type Engine struct {
	opts Options
	lib  atomic.Pointer[Library]
	gen  atomic.Uint64
	log  *slog.Logger
	// cache holds answers made without a model, which depend only on the
	// question and the library: workers ask the same few questions over and
	// over. Keys carry the library's generation, so a reload is never served
	// stale answers.
	cache *lru.Cache[answerKey, Answer]
}

type answerKey struct {
	gen      uint64
	lang     string
	k        int
	question string
}

// NewEngine makes an engine; call Load before asking it anything.
func NewEngine(opts Options) *Engine {
	if opts.LLMTimeout <= 0 {
		opts.LLMTimeout = 20 * time.Second
	}
	if opts.HybridWeight <= 0 || opts.HybridWeight >= 1 {
		opts.HybridWeight = 0.5
	}
	if opts.MinCoverage <= 0 {
		opts.MinCoverage = 0.3
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{opts: opts, log: log}
	if opts.CacheSize == 0 {
		opts.CacheSize = 4096
	}
	if opts.CacheSize > 0 {
		e.cache, _ = lru.New[answerKey, Answer](opts.CacheSize)
	}
	return e
}

// HasModel reports whether answers are written by a language model.
func (e *Engine) HasModel() bool { return e.opts.Model != nil }

// Library returns the current snapshot (nil before Load).
func (e *Engine) Library() *Library { return e.lib.Load() }

// Load builds a new library from entries and statutes (which may be nil) and
// makes it current. With an embedder, every passage is embedded first; if
// that fails the library is still loaded for lexical search.
func (e *Engine) Load(ctx context.Context, entries []Entry, statutes *Statutes) error {
	lib := &Library{entries: map[string]Entry{}, statutes: statutes, passages: map[string]Passage{}, gen: e.gen.Add(1)}
	var passages []Passage
	for _, en := range entries {
		lib.entries[en.ID] = en
		lib.order = append(lib.order, en.ID)
		p := EntryPassage(en)
		lib.passages[p.ID] = p
		passages = append(passages, p)
	}
	sort.Strings(lib.order)
	lib.statuteNames = statuteNamesFor(statutes)
	for _, st := range statutes.List() {
		for _, a := range st.Articles {
			p := ArticlePassage(a)
			lib.passages[p.ID] = p
			passages = append(passages, p)
		}
	}
	lib.hay = make(map[string]string, len(passages))
	for _, p := range passages {
		lib.hay[p.ID] = strings.ToLower(p.Title + "\n" + strings.Join(p.Questions, "\n") + "\n" + p.Text)
	}
	idx, err := e.opts.Index(passages)
	if err != nil {
		return fmt.Errorf("build search index: %w", err)
	}
	lib.index = idx
	if e.opts.Embedder != nil {
		vecs, err := embedPassages(ctx, e.opts.Embedder, passages)
		if err != nil {
			e.log.Warn("embedding the knowledge base failed; searching by words only", "err", err)
		} else {
			lib.vectors = vecs
		}
	}
	if old := e.lib.Swap(lib); old != nil {
		// Searches still running on the old index hold no lock; give them a
		// moment before closing it.
		go func() { time.Sleep(5 * time.Second); old.index.Close() }()
	}
	return nil
}

func embedPassages(ctx context.Context, em Embedder, passages []Passage) (map[string][]float32, error) {
	const batch = 64
	out := make(map[string][]float32, len(passages))
	for i := 0; i < len(passages); i += batch {
		end := min(i+batch, len(passages))
		texts := make([]string, 0, end-i)
		for _, p := range passages[i:end] {
			texts = append(texts, truncateRunes(p.Title+"\n"+strings.Join(p.Questions, "\n")+"\n"+p.Text, 1000))
		}
		vecs, err := em.Embed(ctx, texts)
		if err != nil {
			return nil, err
		}
		if len(vecs) != len(texts) {
			return nil, fmt.Errorf("embedder returned %d vectors for %d texts", len(vecs), len(texts))
		}
		for j, v := range vecs {
			out[passages[i+j].ID] = normalize(v)
		}
	}
	return out, nil
}

// Result is one passage found for a question.
type Result struct {
	Passage
	Score    float64
	Coverage float64 // share of the question's words found in the passage
}

// SearchOptions narrow a search.
type SearchOptions struct {
	Lang string // the asker's language; "" guesses from the question
	K    int    // how many results (default 3)
	// EntriesOnly leaves statute articles out of the results.
	EntriesOnly bool
}

// Search finds the passages that best answer question: the entries and
// articles it names or is about, best first, one language version per entry
// (the asker's when there is one).
func (e *Engine) Search(ctx context.Context, question string, o SearchOptions) ([]Result, error) {
	lib := e.lib.Load()
	if lib == nil {
		return nil, errors.New("knowledge base not loaded")
	}
	if o.K <= 0 {
		o.K = 3
	}
	lang := o.Lang
	if lang == "" {
		lang = DetectLang(question)
	}
	expanded := ExpandQuery(question)
	hits, err := lib.index.Search(ctx, expanded, 3*o.K+10)
	if err != nil {
		return nil, err
	}
	scores := map[string]float64{}
	maxScore := 0.0
	for _, h := range hits {
		scores[h.ID] = h.Score
		maxScore = math.Max(maxScore, h.Score)
	}
	if lib.vectors != nil {
		e.addVectorScores(ctx, lib, question, scores, maxScore)
	}
	// Prefer the asker's language: an English question should get the English
	// entry, and fall back to Chinese passages only when nothing in English fits.
	for id, s := range scores {
		p := lib.passages[id]
		if p.Lang != lang {
			scores[id] = s * 0.8
		}
	}
	ids := make([]string, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if scores[ids[i]] != scores[ids[j]] {
			return scores[ids[i]] > scores[ids[j]]
		}
		return ids[i] < ids[j]
	})
	terms := queryTerms(question)
	var out []Result
	seenKey := map[string]bool{}
	for _, id := range ids {
		p := lib.passages[id]
		if p.Kind == PassageArticle && o.EntriesOnly {
			continue
		}
		if p.Kind == PassageEntry {
			key := lib.entries[id].Key
			if seenKey[key] {
				continue
			}
			seenKey[key] = true
			// Swap in the asker's language version when it exists.
			if p.Lang != lang {
				if alt, ok := lib.entries[key+"-"+lang]; ok {
					p = lib.passages[alt.ID]
				}
			}
		}
		out = append(out, Result{Passage: p, Score: scores[id], Coverage: coverage(terms, lib.hay[p.ID])})
		if len(out) == o.K {
			break
		}
	}
	return out, nil
}

func (e *Engine) addVectorScores(ctx context.Context, lib *Library, question string, scores map[string]float64, maxScore float64) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	vecs, err := e.opts.Embedder.Embed(ctx, []string{question})
	if err != nil || len(vecs) != 1 {
		e.log.Warn("embedding the question failed; searching by words only", "err", err)
		return
	}
	q := normalize(vecs[0])
	w := e.opts.HybridWeight
	type sim struct {
		id string
		s  float64
	}
	var sims []sim
	for id, v := range lib.vectors {
		sims = append(sims, sim{id, dot(q, v)})
	}
	sort.Slice(sims, func(i, j int) bool { return sims[i].s > sims[j].s })
	if len(sims) > 60 {
		sims = sims[:60]
	}
	cos := map[string]float64{}
	for _, s := range sims {
		cos[s.id] = s.s
	}
	// Scale both scores to [0, 1] and mix them; candidates are the union of
	// the lexical and the vector top lists.
	for id := range scores {
		if _, ok := cos[id]; !ok {
			cos[id] = dot(q, lib.vectors[id])
		}
	}
	for id, c := range cos {
		lex := 0.0
		if maxScore > 0 {
			lex = scores[id] / maxScore
		}
		scores[id] = (1-w)*lex + w*math.Max(c, 0)
	}
}

// DetectLang guesses the language of a question: zh when it has Chinese
// characters, en otherwise.
func DetectLang(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return "zh"
		}
	}
	return "en"
}

var englishStop = map[string]bool{"the": true, "a": true, "an": true, "and": true, "or": true, "is": true, "are": true, "i": true,
	"my": true, "me": true, "to": true, "of": true, "in": true, "for": true, "on": true, "it": true, "do": true, "does": true, "what": true,
	"can": true, "if": true, "be": true, "was": true, "with": true, "how": true, "much": true, "at": true, "that": true, "this": true,
	"have": true, "has": true, "not": true, "get": true, "will": true, "should": true, "when": true, "they": true, "he": true, "she": true,
	"we": true, "you": true, "from": true, "by": true, "did": true, "am": true, "there": true, "any": true, "so": true, "but": true}

// queryTerms splits a question into Chinese bigrams and English words, the
// units coverage is measured in.
func queryTerms(q string) []string {
	q = strings.ToLower(q)
	var terms []string
	var run []rune
	flush := func() {
		if len(run) == 1 {
			terms = append(terms, string(run))
		}
		for i := 0; i+1 < len(run); i++ {
			terms = append(terms, string(run[i:i+2]))
		}
		run = run[:0]
	}
	var word []rune
	flushWord := func() {
		if w := string(word); len(word) > 1 && !englishStop[w] {
			terms = append(terms, w)
		}
		word = word[:0]
	}
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flush()
			word = append(word, r)
		default:
			flush()
			flushWord()
		}
	}
	flush()
	flushWord()
	return dedupe(terms)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// coverage is the share of the question's terms (and of their legal
// synonyms) that the passage contains: a rough, explainable measure of
// whether the passage is about the question at all.
func coverage(terms []string, hay string) float64 {
	if len(terms) == 0 {
		return 0
	}
	n := 0
	for _, t := range terms {
		if strings.Contains(hay, t) {
			n++
		}
	}
	return float64(n) / float64(len(terms))
}

func normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	n := float32(1 / math.Sqrt(s))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * n
	}
	return out
}

func dot(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
