// Package bleve implements the knowledge engine's lexical search on the
// bleve search library: an in-memory scorch index with BM25 scoring and an
// analyzer that emits Chinese unigrams and bigrams (short worker queries such
// as 社保 or 年假 need the unigrams) and stemmed English words.
package bleve

import (
	"context"
	"fmt"
	"strings"
	stdunicode "unicode"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/laborbot/laborbot/knowledge"
)

const (
	analyzerName  = "laborbot"
	unigramFilter = "cjk_bigram_unigram"
	// queryBigrams analyzes longer questions: bigrams alone pin down what a
	// sentence is about, and the unigrams' long posting lists (工, 资 are in
	// nearly every passage) would make each search several times slower.
	queryBigrams = "laborbot_bigrams"
	// Questions with at most this many Chinese characters keep unigrams:
	// 社保 or 年假 need them.
	shortQueryHan = 6
)

// Field weights: a worker's question resembles an entry's title and sample
// questions (the "head") more than its explanation. Two fields rather than
// three keep the number of posting lists a search walks down.
const (
	boostHead = 2.0
	boostText = 1.0
)

// Index is a bleve index over knowledge passages.
type Index struct {
	idx blevesearch.Index
	// df is the number of passages each term of each field occurs in, read
	// from bleve's dictionaries once the index is built.
	df      map[string]map[string]uint64
	docs    uint64
	mapping *mapping.IndexMappingImpl
}

// maxDocShare drops from a query the terms found in more than this share of
// passages: their BM25 weight is small and their long posting lists are
// where a search spends its time.
const maxDocShare = 0.25

// document is what bleve stores per passage: only what is searched.
type document struct {
	Head string `json:"head"`
	Text string `json:"text"`
}

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := blevesearch.NewIndexMapping()
	m.ScoringModel = "bm25"
	if err := m.AddCustomTokenFilter(unigramFilter, map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []string{
			cjk.WidthName,
			lowercase.Name,
			en.StopName,
			porter.Name,
			unigramFilter,
		},
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(queryBigrams, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []string{
			cjk.WidthName,
			lowercase.Name,
			en.StopName,
			porter.Name,
			cjk.BigramName,
		},
	}); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = analyzerName
	text := blevesearch.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false
	doc := blevesearch.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("head", text)
	doc.AddFieldMappingsAt("text", text)
	m.DefaultMapping = doc
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// Build indexes passages in memory. It matches knowledge.IndexBuilder.
func Build(passages []knowledge.Passage) (knowledge.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("bleve mapping: %w", err)
	}
	idx, err := blevesearch.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bleve index: %w", err)
	}
	batch := idx.NewBatch()
	for _, p := range passages {
		d := document{Head: p.Title + "\n" + strings.Join(p.Questions, "\n"), Text: p.Text}
		if err := batch.Index(p.ID, d); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index %s: %w", p.ID, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("bleve batch: %w", err)
	}
	ix := &Index{idx: idx, df: map[string]map[string]uint64{}, docs: uint64(len(passages)), mapping: m}
	for _, f := range []string{"head", "text"} {
		dict, err := idx.FieldDict(f)
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("bleve dictionary %s: %w", f, err)
		}
		ix.df[f] = map[string]uint64{}
		for {
			e, err := dict.Next()
			if err != nil || e == nil {
				break
			}
			ix.df[f][e.Term] = e.Count
		}
		dict.Close()
	}
	return ix, nil
}

// Search returns the k best passages for query by BM25 over title, sample
// questions and text.
func (ix *Index) Search(ctx context.Context, q string, k int) ([]knowledge.Hit, error) {
	if strings.TrimSpace(q) == "" || k <= 0 {
		return nil, nil
	}
	fields := []struct {
		name  string
		boost float64
	}{{"head", boostHead}, {"text", boostText}}
	analyzer := analyzerName
	if hanCount(q) > shortQueryHan {
		analyzer = queryBigrams
	}
	terms := map[string]bool{}
	for _, tok := range ix.mapping.AnalyzerNamed(analyzer).Analyze([]byte(q)) {
		terms[string(tok.Term)] = true
	}
	var qs []query.Query
	for _, f := range fields {
		var kept []string
		var common []string
		for t := range terms {
			switch df := ix.df[f.name][t]; {
			case df == 0:
				// Not in the index: nothing to find.
			case float64(df) > maxDocShare*float64(ix.docs):
				common = append(common, t)
			default:
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 {
			// A question made only of common words still gets an answer.
			kept = common
		}
		for _, t := range kept {
			tq := blevesearch.NewTermQuery(t)
			tq.SetField(f.name)
			tq.SetBoost(f.boost)
			qs = append(qs, tq)
		}
	}
	if len(qs) == 0 {
		return nil, nil
	}
	req := blevesearch.NewSearchRequestOptions(blevesearch.NewDisjunctionQuery(qs...), k, 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	hits := make([]knowledge.Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, knowledge.Hit{ID: h.ID, Score: h.Score})
	}
	return hits, nil
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if stdunicode.Is(stdunicode.Han, r) {
			n++
		}
	}
	return n
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }
