package knowledge

import (
	"math"
	"strings"
	"unicode"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// termize splits text into the units the relevance decision compares:
// Chinese character pairs (a lone Chinese character counts as itself),
// English words lower-cased and stemmed without stop words, and numbers.
// The result has no duplicates, in order of first appearance.
func termize(s string) []string {
	var terms []string
	seen := map[string]bool{}
	eachTerm(s, nil, func(t string) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	})
	return terms
}

// eachTerm calls add with every term of s, duplicates included. stems, when
// not nil, remembers the stems of English words already seen (loading the
// knowledge base stems the same words over and over).
func eachTerm(s string, stems map[string]string, add func(string)) {
	s = strings.ToLower(s)
	var run []rune
	flushHan := func() {
		if len(run) == 1 {
			add(string(run))
		}
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
		run = run[:0]
	}
	var word []rune
	flushWord := func() {
		if len(word) > 1 || len(word) == 1 && unicode.IsDigit(word[0]) {
			w := string(word)
			if !englishStop[w] {
				stem, ok := stems[w]
				if !ok {
					stem = porterstemmer.StemString(w)
					if stems != nil {
						stems[w] = stem
					}
				}
				add(stem)
			}
		}
		word = word[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word = append(word, r)
		case r == '\'' || r == '’':
			// don't → dont, worker's → workers
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
}

// termStats holds document frequencies of terms over the entries, for
// weighting: a pair like 工资 found in half the entries says less about
// which entry fits than 押金 does.
type termStats struct {
	df map[string]int
	n  int
}

func newTermStats() *termStats { return &termStats{df: map[string]int{}} }

func (s *termStats) addDoc(terms map[string]struct{}) {
	s.n++
	for t := range terms {
		s.df[t]++
	}
}

// idf is the BM25 inverse document frequency; a term in no entry gets the
// highest weight, as the part of a question nothing in the knowledge base
// speaks to.
func (s *termStats) idf(t string) float64 {
	df := float64(s.df[t])
	return math.Log(1 + (float64(s.n)-df+0.5)/(df+0.5))
}

// bag is a set of terms with their weights.
type bag struct {
	terms  []string
	idf    []float64
	weight float64 // sum of idf
	has    map[string]struct{}
}

func (s *termStats) bagOf(terms []string) bag {
	b := bag{terms: terms, idf: make([]float64, len(terms))}
	for i, t := range terms {
		b.idf[i] = s.idf(t)
		b.weight += b.idf[i]
	}
	b.has = set(terms)
	return b
}

// entryProfile is what the decision knows of an entry: the terms of its
// title and of each of its sample questions, and every term it contains.
type entryProfile struct {
	heads []bag
	all   map[string]struct{}
}

// set makes a set of terms.
func set(terms []string) map[string]struct{} {
	m := make(map[string]struct{}, len(terms))
	for _, t := range terms {
		m[t] = struct{}{}
	}
	return m
}

// questionMatch is how closely a question matches one of an entry's own
// ways of asking (its title and sample questions). match is the harmonic
// mean of the share of the question's weight found in a sample and the
// share of the sample's weight found in the question (with the question's
// legal synonyms added), the best over the samples: 1 is the sample itself.
// contained is the largest share of a sample's weight found in the
// question, over samples of at least three terms: a long question that
// contains an entry's question is about it, however much else it says.
func questionMatch(q bag, qx map[string]struct{}, p *entryProfile) (match, contained float64) {
	if q.weight == 0 {
		return 0, 0
	}
	for _, h := range p.heads {
		if h.weight == 0 {
			continue
		}
		var inQ float64
		for i, t := range q.terms {
			if _, ok := h.has[t]; ok {
				inQ += q.idf[i]
			}
		}
		var inH float64
		for i, t := range h.terms {
			if _, ok := qx[t]; ok {
				inH += h.idf[i]
			}
		}
		cq, ch := inQ/q.weight, inH/h.weight
		if len(h.terms) >= 3 && ch > contained {
			contained = ch
		}
		if cq+ch == 0 {
			continue
		}
		if f := 2 * cq * ch / (cq + ch); f > match {
			match = f
		}
	}
	return match, contained
}

// coverageOf is the share of the question's weight found anywhere in the
// entry: title, questions or text.
func coverageOf(q bag, p *entryProfile) float64 {
	if q.weight == 0 {
		return 0
	}
	var in float64
	for i, t := range q.terms {
		if _, ok := p.all[t]; ok {
			in += q.idf[i]
		}
	}
	return in / q.weight
}
