package knowledge

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What the knowledge base misses: questions answered badly or not at all
// are counted (see Store.RecordGap) so admins see what to write next, and a
// published entry that now answers one clears it.
//
// Privacy: a gap is a normalized question, its language, counts and the
// last time it was seen. No user id, chat id or time of a particular
// message is kept, and NormalizeQuestion strips what most often identifies
// a person in a question.

// maxGapQuestionRunes bounds a stored question: gaps are for spotting
// topics, not for keeping workers' stories.
const maxGapQuestionRunes = 200

var (
	gapURLRe   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
	gapEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	gapIDRe    = regexp.MustCompile(`\b(?:\d{17}[\dXx]|\d{15})\b`)
	// Mainland mobile numbers, also written 138 1234 5678 or 138-1234-5678,
	// optionally with +86.
	gapPhoneRe = regexp.MustCompile(`(?:\+86[\s-]?|\b)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}\b`)
	// Landlines: 010-12345678, (0755) 1234567.
	gapLandlineRe = regexp.MustCompile(`[(（]?\b0\d{2,3}[)）]?[\s-]?\d{7,8}\b`)
	// Money: ¥8000, 8000元, 8,000 yuan, 3.5万. The amount says nothing about
	// the question and may point at a person.
	gapMoneyRe = regexp.MustCompile(`(?i)(?:[¥￥]|rmb\s*)\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*(?:万元|万|千元|元|块钱|块|yuan|rmb)`)
	// Any other run of five or more digits: bank cards, employee numbers,
	// case numbers. Short numbers (3个月, 2年, 40小时) are kept: they matter.
	gapLongDigitsRe = regexp.MustCompile(`\d{5,}`)
	// @usernames.
	gapHandleRe = regexp.MustCompile(`@[A-Za-z0-9_]{3,}`)
)

// NormalizeQuestion turns a question into the form in which gaps are
// counted and stored:
//
//   - full-width letters, digits and punctuation become half-width (so
//     １３８… is caught as a phone number);
//   - links, e-mail addresses, ID card numbers (18 or 15 digits), mobile and
//     landline numbers, money amounts, @usernames and any other run of five
//     or more digits are replaced by a placeholder (<link>, <email>, <id>,
//     <phone>, <money>, <user>, <number>);
//   - names of people and employers become <name> and <employer>
//     (gapnames.go: by the words around them, as there is no dictionary of
//     Chinese names);
//   - letters are lower-cased, runs of spaces become one space, and ending
//     punctuation is dropped (怎么办？ and 怎么办 are one question);
//   - the result is cut to 200 characters.
//
// Admins reading gaps see only these normalized questions, and the bot
// asks workers not to post personal details.
func NormalizeQuestion(q string) string {
	q = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～': // full-width ASCII block
			if r == '？' || r == '！' || r == '，' || r == '：' || r == '；' || r == '（' || r == '）' {
				return r // Chinese punctuation reads better kept as is
			}
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, q)
	for _, sub := range []struct {
		re   *regexp.Regexp
		with string
	}{
		{gapURLRe, "<link>"}, {gapEmailRe, "<email>"}, {gapIDRe, "<id>"}, {gapPhoneRe, "<phone>"},
		{gapLandlineRe, "<phone>"}, {gapMoneyRe, "<money>"}, {gapHandleRe, "<user>"}, {gapLongDigitsRe, "<number>"},
	} {
		q = sub.re.ReplaceAllString(q, sub.with)
	}
	q = stripNamesAndEmployers(q)
	q = strings.ToLower(strings.Join(strings.FieldsFunc(q, unicode.IsSpace), " "))
	q = strings.TrimRightFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("?？!！。.~～…", r)
	})
	if utf8.RuneCountInString(q) > maxGapQuestionRunes {
		q = string([]rune(q)[:maxGapQuestionRunes])
	}
	return q
}

// RecordGap counts a question the knowledge base missed. It is called by
// the conversation layer (no actor: it is not a change to the knowledge
// base). Questions that normalize to nothing, or to nothing but
// placeholders, are not recorded.
func (a *Admin) RecordGap(ctx context.Context, question, lang string, reason GapReason) error {
	q := NormalizeQuestion(question)
	if !hasWordsBesidesPlaceholders(q) {
		return nil
	}
	if lang != "zh" && lang != "en" {
		lang = DetectLang(q)
	}
	switch reason {
	case GapLowConfidence, GapThumbsDown, GapNotCovered:
	default:
		return fmt.Errorf("unknown gap reason %q", reason)
	}
	return a.store.RecordGap(ctx, lang, q, reason, a.now(), a.opts.MaxGaps)
}

var placeholderRe = regexp.MustCompile(`<(?:link|email|id|phone|money|user|number|name|employer)>`)

func hasWordsBesidesPlaceholders(q string) bool {
	for _, r := range placeholderRe.ReplaceAllString(q, "") {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// ObserveAnswer records the answer's question as a gap when the knowledge
// base only partly covered it, when it was answered with a probability
// below AdminOptions.LowConfidence, or when it was refused as off-topic
// although it has words about work (the decision may have been wrong).
// Article answers (the question named a statute article) are never gaps.
func (a *Admin) ObserveAnswer(ctx context.Context, ans *Answer) error {
	switch {
	case ans == nil || ans.Question == "" || ans.Mode == ModeArticle:
		return nil
	case ans.Outcome == OutcomeOffTopic:
		if ans.Decision != nil && ans.Decision.Signals.LaborWords > 0 {
			return a.RecordGap(ctx, ans.Question, ans.Lang, GapNotCovered)
		}
		return nil
	case !ans.Covered:
		return a.RecordGap(ctx, ans.Question, ans.Lang, GapNotCovered)
	case ans.Outcome == OutcomePartial || ans.Confidence < a.opts.LowConfidence:
		return a.RecordGap(ctx, ans.Question, ans.Lang, GapLowConfidence)
	}
	return nil
}

// Gaps returns the n most frequent gaps.
func (a *Admin) Gaps(ctx context.Context, actor Actor, n int) ([]Gap, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	return a.store.ListGaps(ctx, n)
}

// DismissGap forgets a gap (by Gap.Key) that is not worth an entry.
func (a *Admin) DismissGap(ctx context.Context, actor Actor, key string) error {
	if err := actor.allow(permManage); err != nil {
		return err
	}
	n, err := a.store.DeleteGaps(ctx, []string{key}, a.audit(actor, AuditClearGaps, key, 0, "dismissed"))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("gap %q: %w", key, ErrNotFound)
	}
	return nil
}

// clearAnsweredGaps re-asks the recorded gaps against the engine's current
// library and clears those whose answer is now one of the keys just
// published, covering enough of the question. Other gaps stay: an entry
// published for one thing does not settle every question near it.
func (a *Admin) clearAnsweredGaps(ctx context.Context, actor Actor, keys map[string]bool, cause string) ([]Gap, error) {
	if a.engine == nil || len(keys) == 0 {
		return nil, nil
	}
	lib := a.engine.Library()
	if lib == nil {
		return nil, nil
	}
	gaps, err := a.store.ListGaps(ctx, a.opts.GapRecheckLimit)
	if err != nil {
		return nil, err
	}
	var answered []Gap
	var del []string
	for _, g := range gaps {
		best, covered, err := a.engine.BestEntry(ctx, g.Question, g.Lang)
		if err != nil {
			return nil, err
		}
		if !covered {
			continue
		}
		if e, ok := lib.Entry(best.ID); ok && keys[e.Key] {
			answered = append(answered, g)
			del = append(del, g.Key())
		}
	}
	if len(del) == 0 {
		return nil, nil
	}
	if _, err := a.store.DeleteGaps(ctx, del, a.audit(actor, AuditClearGaps, cause, 0,
		fmt.Sprintf("%d gaps now answered", len(del)))); err != nil {
		return nil, err
	}
	return answered, nil
}
