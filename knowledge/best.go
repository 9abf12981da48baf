package knowledge

import "context"

// BestEntry returns the entry Answer would build its answer on for
// question in lang, and whether the relevance decision says it answers the
// question (Answer frames it as the closest match otherwise). ok is false
// when the search found no entry or the question is off-topic. Unlike
// Answer it never calls the model, so it is cheap enough to re-check many
// questions after a change to the knowledge base (see Admin: a published
// entry clears the gaps it now answers).
func (e *Engine) BestEntry(ctx context.Context, question, lang string) (best Result, covered bool, err error) {
	lib := e.lib.Load()
	if lib == nil {
		return Result{}, false, errNotLoaded
	}
	if lang != "zh" && lang != "en" {
		lang = DetectLang(question)
	}
	res, err := e.resolve(ctx, lib, question, lang)
	if err != nil || res.best == nil {
		return Result{}, false, err
	}
	return *res.best, res.decision.Outcome == OutcomeAnswer, nil
}
