package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
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
	// index holds the entries, articles the statute articles (nil without
	// statutes): two indexes, so that an entry's score does not depend on
	// which statutes are loaded and articles never crowd entries out.
	index Index
	// articles is built on first use (articleIndex): a search lists
	// articles only when entries run out, and building it would otherwise
	// add half a second to every start and reload.
	articlePassages []Passage
	buildIndex      IndexBuilder
	articlesOnce    sync.Once
	articles        Index
	articlesErr     error
	vectors         map[string][]float32 // by passage id; nil without an embedder
	// profiles and stats are what the relevance decision compares a
	// question with (terms.go).
	profiles map[string]*entryProfile // by entry id
	stats    *termStats
	byKey    map[string][]string // entry ids by key, sorted
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
	// Decision is the relevance decision (default BuiltinDecision).
	Decision *DecisionModel
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
	if opts.Decision == nil {
		m := BuiltinDecision()
		opts.Decision = &m
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
	lib := &Library{entries: map[string]Entry{}, statutes: statutes, passages: map[string]Passage{},
		profiles: map[string]*entryProfile{}, stats: newTermStats(), byKey: map[string][]string{}, gen: e.gen.Add(1)}
	var entryPassages, articlePassages []Passage
	for _, en := range entries {
		lib.entries[en.ID] = en
		lib.order = append(lib.order, en.ID)
		p := EntryPassage(en)
		lib.passages[p.ID] = p
		entryPassages = append(entryPassages, p)
	}
	sort.Strings(lib.order)
	for _, id := range lib.order {
		k := lib.entries[id].Key
		lib.byKey[k] = append(lib.byKey[k], id)
	}
	lib.statuteNames = statuteNamesFor(statutes)
	for _, st := range statutes.List() {
		for _, a := range st.Articles {
			p := ArticlePassage(a)
			lib.passages[p.ID] = p
			articlePassages = append(articlePassages, p)
		}
	}
	// Term statistics and profiles of the entries, for the decision.
	heads := make(map[string][][]string, len(entries))
	stems := map[string]string{}
	for _, id := range lib.order {
		en := lib.entries[id]
		hs := [][]string{termize(en.Title)}
		for _, q := range en.Questions {
			hs = append(hs, termize(q))
		}
		all := make(map[string]struct{}, 512)
		for _, h := range hs {
			for _, t := range h {
				all[t] = struct{}{}
			}
		}
		eachTerm(stripInlineCitations(en.Body), stems, func(t string) { all[t] = struct{}{} })
		heads[id] = hs
		lib.profiles[id] = &entryProfile{all: all}
		lib.stats.addDoc(all)
	}
	for id, hs := range heads {
		for _, h := range hs {
			lib.profiles[id].heads = append(lib.profiles[id].heads, lib.stats.bagOf(h))
		}
	}
	idx, err := e.opts.Index(entryPassages)
	if err != nil {
		return fmt.Errorf("build search index: %w", err)
	}
	lib.index = idx
	lib.articlePassages, lib.buildIndex = articlePassages, e.opts.Index
	if e.opts.Embedder != nil {
		vecs, err := embedPassages(ctx, e.opts.Embedder, append(append([]Passage(nil), entryPassages...), articlePassages...))
		if err != nil {
			e.log.Warn("embedding the knowledge base failed; searching by words only", "err", err)
		} else {
			lib.vectors = vecs
		}
	}
	if old := e.lib.Swap(lib); old != nil {
		// Searches still running on the old index hold no lock; give them a
		// moment before closing it.
		go func() {
			time.Sleep(5 * time.Second)
			old.index.Close()
			old.articlesOnce.Do(func() {}) // no build after this; waits for one under way
			if old.articles != nil {
				old.articles.Close()
			}
		}()
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
	// Score ranks the results of one search (higher is better).
	Score float64
	// Coverage is the share of the question's weight (its rarer words count
	// more) found in the passage; Match how close the question is to one of
	// an entry's own questions or its title (both 0 to 1; 0 for articles).
	Coverage float64
	Match    float64
	// Contained is the largest share of one of the entry's own questions
	// found in the question.
	Contained float64
	lex       float64
	named     bool // the entry is about a problem the question names // the lexical (or hybrid) score, scaled to the best
}

// SearchOptions narrow a search.
type SearchOptions struct {
	Lang string // the asker's language; "" guesses from the question
	K    int    // how many results (default 3)
	// EntriesOnly leaves statute articles out of the results.
	EntriesOnly bool
}

// Search finds the passages that best answer question, best first: the
// curated entries (one language version each, the asker's when there is
// one), then, when statutes are loaded and there is room, articles. An
// article never ranks above an entry: entries are written to answer
// questions, articles are the law they rest on.
func (e *Engine) Search(ctx context.Context, question string, o SearchOptions) ([]Result, error) {
	lib := e.lib.Load()
	if lib == nil {
		return nil, errNotLoaded
	}
	if o.K <= 0 {
		o.K = 3
	}
	lang := o.Lang
	if lang == "" {
		lang = DetectLang(question)
	}
	r, err := e.rank(ctx, lib, question, lang, rankCandidates, rerankDepth)
	if err != nil {
		return nil, err
	}
	r.order(e.opts.Decision)
	out := r.results
	if len(out) > o.K {
		out = out[:o.K]
	}
	if !o.EntriesOnly && len(lib.articlePassages) > 0 && len(out) < o.K {
		articles, err := lib.articleIndex()
		if err != nil {
			return nil, err
		}
		hits, err := articles.Search(ctx, r.expanded, o.K-len(out))
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			out = append(out, Result{Passage: lib.passages[h.ID], Score: h.Score})
		}
	}
	return out, nil
}

// rankCandidates is how many entries the lexical search proposes, and
// rerankDepth how many of the best of them are compared with the
// question's own words (questionMatch) to be re-ranked. The search of one
// part of a question for its problem (otherProblems) looks less deep.
const (
	rankCandidates = 40
	rerankDepth    = 20
	partCandidates = 20
	partDepth      = 10
)

// ranking is one question ranked against the entries.
type ranking struct {
	question string
	lang     string
	expanded string
	q        bag                 // the question's terms
	qx       map[string]struct{} // with its legal synonyms
	lex      domainSignals
	results  []Result // entries, best first
	vector   map[string]float64
}

// rank scores the entries for a question: BM25 over the question with its
// legal synonyms (and vector similarity when embeddings are configured),
// the asker's language preferred; for the best rerankDepth it also measures
// how closely the question matches each entry's own questions. order then
// ranks them.
func (e *Engine) rank(ctx context.Context, lib *Library, question, lang string, candidates, depth int) (*ranking, error) {
	r := &ranking{question: question, lang: lang, expanded: ExpandQuery(question)}
	terms := termize(question)
	r.q = lib.stats.bagOf(terms)
	r.qx = set(termize(r.expanded))
	for _, t := range terms {
		r.qx[t] = struct{}{}
	}
	r.lex = domainLexicon.signals(question)
	hits, err := lib.index.Search(ctx, r.expanded, candidates)
	if err != nil {
		return nil, err
	}
	scores := make(map[string]float64, len(hits))
	maxScore := 0.0
	for _, h := range hits {
		scores[h.ID] = h.Score
		maxScore = math.Max(maxScore, h.Score)
	}
	if lib.vectors != nil {
		r.vector = e.addVectorScores(ctx, lib, question, scores, maxScore)
		maxScore = 0
		for _, s := range scores {
			maxScore = math.Max(maxScore, s)
		}
	}
	// One result per entry key: the best-scoring language version's score,
	// the asker's version when it exists. A version in another language
	// counts for less, so an English question gets an English entry.
	best := map[string]float64{}
	for id, s := range scores {
		en, ok := lib.entries[id]
		if !ok {
			continue
		}
		if en.Lang != lang {
			s *= 0.8
		}
		if s > best[en.Key] {
			best[en.Key] = s
		}
	}
	for key, s := range best {
		id := lib.versionOf(key, lang)
		norm := 0.0
		if maxScore > 0 {
			norm = s / maxScore
		}
		r.results = append(r.results, Result{Passage: lib.passages[id], Score: norm, lex: norm})
	}
	sortResults(r.results)
	for i := range r.results {
		if i == depth {
			break
		}
		res := &r.results[i]
		p := lib.profiles[res.ID]
		res.Match, res.Contained = questionMatch(r.q, r.qx, p)
		res.Coverage = coverageOf(r.q, p)
		res.named = r.lex.groupWeight[problemOfTopic[res.Topic]] >= 2
	}
	return r, nil
}

// order ranks the results by their lexical score plus the model's
// re-ranking bonuses (only the best rerankDepth have them, and they already
// lead by lexical score, so a bonus never lets a deeper one overtake).
func (r *ranking) order(m *DecisionModel) {
	r.orderBy(m.Ranking[r.lang])
}

func (r *ranking) orderBy(w RankWeights) {
	for i := range r.results {
		res := &r.results[i]
		res.Score = res.lex + w.Match*res.Match + w.Contained*res.Contained
		if res.named {
			res.Score += w.Topic
		}
	}
	sortResults(r.results)
}

// articleIndex returns the statute articles' index, building it on first
// use.
func (l *Library) articleIndex() (Index, error) {
	l.articlesOnce.Do(func() {
		if l.articles, l.articlesErr = l.buildIndex(l.articlePassages); l.articlesErr != nil {
			l.articlesErr = fmt.Errorf("build statute index: %w", l.articlesErr)
		}
	})
	return l.articles, l.articlesErr
}

// versionOf is the id of the entry with key in lang, or of another
// language version when there is none in lang.
func (l *Library) versionOf(key, lang string) string {
	ids := l.byKey[key]
	for _, id := range ids {
		if l.entries[id].Lang == lang {
			return id
		}
	}
	return ids[0]
}

func sortResults(rs []Result) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Score != rs[j].Score {
			return rs[i].Score > rs[j].Score
		}
		return rs[i].ID < rs[j].ID
	})
}

// signals are the decision's inputs for a ranking.
func (r *ranking) signals() Signals {
	s := Signals{LaborWords: r.lex.labor, LaborStrong: r.lex.laborStrong, OtherWords: r.lex.other, OtherStrong: r.lex.otherStrong, OtherField: r.lex.otherDomain,
		Problems: r.lex.groups, Length: math.Log1p(float64(len(r.q.terms))), English: r.lang == "en"}
	if len(r.results) == 0 {
		return s
	}
	b := r.results[0]
	s.Match, s.Coverage, s.Contained = b.Match, b.Coverage, b.Contained
	s.ScoreGap, s.MatchGap = 1, b.Match
	if len(r.results) > 1 {
		if b.Score > 0 {
			s.ScoreGap = (b.Score - r.results[1].Score) / b.Score
		}
		s.MatchGap = b.Match - r.results[1].Match
	}
	s.TopicAgrees = topicAgreement(r.lex.groups, b.Topic)
	if r.vector != nil {
		s.Vector, s.HasVector = r.vector[b.ID], true
	}
	return s
}

// addVectorScores mixes the cosine similarity of the question with the
// lexical scores of the entries and returns the similarities.
func (e *Engine) addVectorScores(ctx context.Context, lib *Library, question string, scores map[string]float64, maxScore float64) map[string]float64 {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	vecs, err := e.opts.Embedder.Embed(ctx, []string{question})
	if err != nil || len(vecs) != 1 {
		e.log.Warn("embedding the question failed; searching by words only", "err", err)
		return nil
	}
	q := normalize(vecs[0])
	w := e.opts.HybridWeight
	type sim struct {
		id string
		s  float64
	}
	var sims []sim
	for id, v := range lib.vectors {
		if _, ok := lib.entries[id]; ok {
			sims = append(sims, sim{id, dot(q, v)})
		}
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
	return cos
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

var errNotLoaded = errors.New("knowledge base not loaded")
