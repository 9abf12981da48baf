package knowledge

import "context"

// BestEntry returns the entry Answer would build its answer on for
// question in lang, and whether it covers enough of the question to count
// as answering it (Answer says "not covered" otherwise). ok is false when
// the search found no entry at all. Unlike Answer it never calls the
// model, so it is cheap enough to re-check many questions after a change
// to the knowledge base (see Admin: a published entry clears the gaps it
// now answers).
func (e *Engine) BestEntry(ctx context.Context, question, lang string) (best Result, covered bool, err error) {
	results, err := e.Search(ctx, question, SearchOptions{Lang: lang, K: 5})
	if err != nil {
		return Result{}, false, err
	}
	b := bestEntry(results)
	if b == nil {
		return Result{}, false, nil
	}
	return *b, b.Coverage >= e.opts.MinCoverage, nil
}
