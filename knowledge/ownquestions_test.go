package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
)

// welcomeExamples are the example questions the bot's welcome screen
// offers (bot/texts.go), with the entry each must be answered with.
var welcomeExamples = []struct{ question, key string }{
	{"老板拖欠三个月工资怎么办", "wages-arrears-basic"},
	{"试用期被辞退有补偿吗", "probation-dismissal"},
	{"公司不交社保怎么办", "si-employer-not-paying"},
	{"My boss hasn't paid me for three months", "wages-arrears-basic"},
	{"I was fired during probation. Do I get compensation?", "probation-dismissal"},
}

// TestOwnQuestionsAnswerWithOwnEntry: the welcome screen's examples, every
// entry's title (the /start topic lists show titles) and every one of its
// own questions, asked as a worker would type them, are answered (not as a
// partial match, not refused) with that entry, in Chinese and in English.
func TestOwnQuestionsAnswerWithOwnEntry(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, false, knowledge.Options{})
	ctx := context.Background()
	check := func(q, lang, key, what string) bool {
		ans, err := eng.Answer(ctx, knowledge.Request{Question: q, Lang: lang}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ans.Sources) > 0 {
			if e, ok := eng.Library().Entry(ans.Sources[0].ID); ok {
				got = e.Key
			}
		}
		if got != key || ans.Outcome != knowledge.OutcomeAnswer {
			t.Errorf("%s %q (%s): outcome %s with %q, want answer with %s", what, q, lang, ans.Outcome, got, key)
			return false
		}
		return true
	}
	for _, ex := range welcomeExamples {
		check(ex.question, knowledge.DetectLang(ex.question), ex.key, "welcome example")
	}
	n, bad := 0, 0
	for _, e := range eng.Library().Entries() {
		for _, q := range append([]string{e.Title}, e.Questions...) {
			n++
			what := "question of " + e.ID
			if q == e.Title {
				what = "title of " + e.ID
			}
			if !check(strings.TrimSpace(q), e.Lang, e.Key, what) {
				bad++
			}
		}
	}
	t.Logf("%d of %d own questions answered with another entry or not answered", bad, n)
}

// TestOwnQuestionsAreDistinct: no title or sample question belongs to two
// entries of the same language (compared without punctuation or spaces),
// or it could answer with only one of them.
func TestOwnQuestionsAreDistinct(t *testing.T) {
	eng := newEngine(t, false, knowledge.Options{})
	norm := strings.NewReplacer(" ", "", "，", "", "。", "", "？", "", "?", "", "！", "", "!", "", ",", "", ".", "", "、", "", "“", "", "”", "", "\"", "")
	seen := map[string]string{}
	for _, e := range eng.Library().Entries() {
		for _, q := range append([]string{e.Title}, e.Questions...) {
			k := e.Lang + ":" + strings.ToLower(norm.Replace(q))
			if other, ok := seen[k]; ok && other != e.ID {
				t.Errorf("%q is asked in both %s and %s", q, other, e.ID)
			}
			seen[k] = e.ID
		}
	}
}
