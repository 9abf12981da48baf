package knowledge_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
)

// sentences splits an entry body into sentences and clauses (Chinese
// punctuation, semicolons, line ends, and ". " in English), keeping inline
// citations like [劳动合同法 38; 劳动合同法 46] whole.
var (
	sentenceEnd = regexp.MustCompile(`[。；;！？!?\n]|\.\s`)
	bracket     = regexp.MustCompile(`\[[^\]]*\]`)
)

func sentences(body string) []string {
	// Semicolons inside citations become a character that splits nothing
	// (the same length, so indexes hold) and are put back in each sentence.
	body = bracket.ReplaceAllStringFunc(body, func(b string) string { return strings.ReplaceAll(b, ";", "\x00") })
	var out []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(body, -1) {
		out = append(out, body[last:m[1]])
		last = m[1]
	}
	out = append(out, body[last:])
	for i := range out {
		out[i] = strings.ReplaceAll(out[i], "\x00", ";")
	}
	return out
}

// TestResigningWithSeveranceCites46: wherever an entry tells the worker
// that they may end the contract and claim economic compensation, it cites
// the article that grants the compensation (劳动合同法 46), not only the
// one that allows resigning at once (劳动合同法 38).
func TestResigningWithSeveranceCites46(t *testing.T) {
	eng := newEngine(t, false, knowledge.Options{})
	compensation := regexp.MustCompile(`补偿|(?i)severance|compensation`)
	for _, e := range eng.Library().Entries() {
		for _, s := range sentences(e.Body) {
			if strings.Contains(s, "劳动合同法 38") && compensation.MatchString(s) && !strings.Contains(s, "劳动合同法 46") {
				t.Errorf("%s: %q cites 38 without 46", e.ID, strings.TrimSpace(s))
			}
		}
	}
}

// TestLegalFixes checks the corrections made after the legal review
// (issue 9), in both languages.
func TestLegalFixes(t *testing.T) {
	eng := newEngine(t, false, knowledge.Options{})
	lib := eng.Library()
	find := func(id, cite string, words *regexp.Regexp) bool {
		e, ok := lib.Entry(id)
		if !ok {
			t.Fatalf("no entry %s", id)
		}
		for _, s := range sentences(e.Body) {
			if strings.Contains(s, cite) && words.MatchString(s) {
				return true
			}
		}
		return false
	}
	for _, lang := range []string{"zh", "en"} {
		// After the first month, an employer ending the relationship because
		// the worker will not sign owes economic compensation.
		if !find("contract-no-written-double-wages-"+lang, "劳动合同法实施条例 6; 劳动合同法 47", regexp.MustCompile(`经济补偿|severance`)) {
			t.Errorf("contract-no-written-double-wages-%s: no severance after the first month (实施条例 6)", lang)
		}
		// The worker's own written choice not to take leave: normal pay only.
		if !find("leave-annual-leave-on-leaving-"+lang, "企业职工带薪年休假实施办法 10", regexp.MustCompile(`书面.*不休|in writing.*not to take`)) {
			t.Errorf("leave-annual-leave-on-leaving-%s: the written choice not to take leave (实施办法 10 para 2) is missing", lang)
		}
		// Earlier years: the one-year limitation.
		if !find("leave-annual-leave-on-leaving-"+lang, "劳动争议调解仲裁法 27", regexp.MustCompile(`以前年度.*1年|earlier years.*one-year`)) {
			t.Errorf("leave-annual-leave-on-leaving-%s: the limitation for earlier years is missing", lang)
		}
		// 解释（一）20 applies when a party sues over a mixed award.
		if !find("dispute-final-ruling-"+lang, "劳动争议解释（一） 20", regexp.MustCompile(`起诉|sues`)) {
			t.Errorf("dispute-final-ruling-%s: 解释（一）20 is not tied to a suit over the award", lang)
		}
	}
}
