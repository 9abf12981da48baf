package knowledge

import (
	"context"
	"fmt"
	"strings"
)

// PassageKind tells what a passage is.
type PassageKind string

// The kinds of passages the search indexes.
const (
	PassageEntry   PassageKind = "entry"   // a curated knowledge-base entry
	PassageArticle PassageKind = "article" // one article of a statute
)

// Passage is the unit the search engine indexes and returns: an entry or a
// statute article, with the citations an answer built on it may use.
type Passage struct {
	ID        string      `json:"id"`
	Kind      PassageKind `json:"kind"`
	Lang      string      `json:"lang"`
	Topic     string      `json:"topic,omitempty"`
	Title     string      `json:"title"`
	Questions []string    `json:"questions,omitempty"`
	Text      string      `json:"text"`
	Citations []Citation  `json:"citations"`
}

// EntryPassage makes the passage of an entry; its id is the entry's id.
func EntryPassage(e Entry) Passage {
	return Passage{ID: e.ID, Kind: PassageEntry, Lang: e.Lang, Topic: e.Topic, Title: e.Title,
		Questions: e.Questions, Text: stripInlineCitations(e.Body), Citations: e.Citations}
}

// ArticlePassage makes the passage of a statute article; its id is
// "law:SHORT:N".
func ArticlePassage(a Article) Passage {
	title := fmt.Sprintf("《%s》第%d条", a.Law, a.Number)
	return Passage{ID: ArticlePassageID(a.Citation()), Kind: PassageArticle, Lang: "zh", Title: title,
		Text: a.Text, Citations: []Citation{a.Citation()}}
}

// ArticlePassageID is the passage id of the article c points at.
func ArticlePassageID(c Citation) string { return fmt.Sprintf("law:%s:%d", c.Law, c.Article) }

// stripInlineCitations drops the [劳动合同法 30] markers from text that is
// indexed, so statute names in brackets do not count as words of the answer.
func stripInlineCitations(body string) string {
	var b strings.Builder
	last := 0
	for _, m := range inlineCiteRe.FindAllStringSubmatchIndex(body, -1) {
		if !looksLikeCitation(body[m[2]:m[3]]) {
			continue
		}
		b.WriteString(body[last:m[0]])
		last = m[1]
	}
	b.WriteString(body[last:])
	return b.String()
}

// Hit is one search result: a passage id and its score (higher is better;
// comparable only within one search).
type Hit struct {
	ID    string
	Score float64
}

// Index is a lexical search engine over passages. Implementations must be
// safe for concurrent Search calls; an Index is built once and then only
// read (the engine builds a new one when the knowledge base changes).
type Index interface {
	Search(ctx context.Context, query string, k int) ([]Hit, error)
	Close() error
}

// IndexBuilder builds an Index over passages. The bleve package provides one.
type IndexBuilder func(passages []Passage) (Index, error)

// Embedder turns texts into vectors for semantic search (an embeddings model).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
