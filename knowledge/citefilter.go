package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// citationFilter sits between a streaming model and the worker: a model
// must not back its answer with an article the worker was never shown, so
// every citation it writes is let through only when it cites one of the
// retrieved passages (or a calculator's result), and anything else that
// could send the worker elsewhere (a link) is taken out.
//
// It works a clause at a time: text is held back until a clause ends (。！？；，
// or a line break, outside brackets), and the whole clause is then
// rewritten. That is what lets it recognise citations in every form a
// model writes them, none of which can be told from prose by its first
// character:
//
//	[劳动合同法 47]  【劳动合同法 47】  （劳动合同法第47条）  〔劳动合同法 47〕
//	《劳动合同法》第四十七条  《劳动合同法》（第47条）  《劳动合同法》的第４７条
//	劳动合同法第四十七条  劳动合同法第47条第二款
//	Labor Contract Law article 47  Labor Contract Law, art. 47
//	Article 47 of the Labor Contract Law
//
// with Arabic, full-width or Chinese numerals. An allowed citation is kept;
// an unsupported article of a known statute is reduced to the statute's
// name (so the sentence still reads); a citation of a statute nobody knows
// is removed whole, and so is what it leaves dangling ("根据，" becomes "",
// "see ." becomes "."), so the sentence reads on.
type citationFilter struct {
	allowed map[Citation]bool
	emit    func(string)
	pending string
	out     strings.Builder
	used    []Citation
	// lastLaw is the statute the latest citation named: a bare 第N条 in a
	// later clause ("…第三十条，第九百九十九条") is an article of it.
	lastLaw string
}

// maxClauseRunes bounds the text held back when no clause ends: a model
// that writes one endless clause still streams.
const maxClauseRunes = 400

func newCitationFilter(allowed map[Citation]bool, emit func(string)) *citationFilter {
	return &citationFilter{allowed: allowed, emit: emit}
}

// Write takes the next piece of the model's text.
func (f *citationFilter) Write(s string) {
	f.pending += s
	for {
		end := clauseEnd(f.pending)
		if end < 0 {
			break
		}
		f.send(f.rewrite(f.pending[:end]))
		f.pending = f.pending[end:]
	}
	if utf8.RuneCountInString(f.pending) > maxClauseRunes {
		// Let most of it go, at a space or a comma if there is one; the
		// tail stays, as it may hold the start of a citation.
		r := []rune(f.pending)
		cut := len(r) - 120
		for i := cut; i > len(r)/2; i-- {
			if r[i] == ' ' || r[i] == '，' || r[i] == ',' || r[i] == '、' {
				cut = i + 1
				break
			}
		}
		f.send(f.rewrite(string(r[:cut])))
		f.pending = string(r[cut:])
	}
}

// Flush releases whatever is still held back at the end of the stream.
func (f *citationFilter) Flush() {
	if f.pending != "" {
		f.send(f.rewrite(f.pending))
		f.pending = ""
	}
}

// Text is everything let through so far.
func (f *citationFilter) Text() string { return f.out.String() }

// Used lists the allowed citations the text made, in order.
func (f *citationFilter) Used() []Citation { return f.used }

func (f *citationFilter) send(s string) {
	if s == "" {
		return
	}
	f.out.WriteString(s)
	f.emit(s)
}

var (
	openers = map[rune]rune{'[': ']', '【': '】', '［': '］', '〔': '〕', '〖': '〗', '（': '）', '(': ')', '《': '》'}
	closers = func() map[rune]bool {
		m := map[rune]bool{}
		for _, c := range openers {
			m[c] = true
		}
		return m
	}()
)

// clauseEnd returns the byte index just after the first clause end of s
// that is not inside brackets, or -1. A bracket left open for long is
// prose, not a citation, and stops counting.
func clauseEnd(s string) int {
	depth, sinceOpen := 0, 0
	for i, r := range s {
		if depth > 0 {
			sinceOpen++
			if sinceOpen > 80 {
				depth = 0
			}
		}
		switch {
		case openers[r] != 0:
			if depth == 0 {
				sinceOpen = 0
			}
			depth++
		case closers[r] && depth > 0:
			depth--
		case r == '\n' || depth == 0 && strings.ContainsRune("。！？；!?;，", r):
			return i + utf8.RuneLen(r)
		}
	}
	return -1
}

// Numbers as a model writes them: Arabic, full-width or Chinese.
const numPat = `[0-9０-９]+|[一二三四五六七八九十百千零〇两]+`

var (
	// A link in any Markdown form, or a bare address: the knowledge base
	// has none, so the model has no business sending a worker anywhere.
	mdLinkRe   = regexp.MustCompile(`!?\[([^\[\]\n]*)\]\([^()\s]*(?:\s+"[^"]*")?\)`)
	autoLinkRe = regexp.MustCompile(`<(?i:[a-z][a-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>`)
	bareURLRe  = regexp.MustCompile(`(?i)\b(?:https?://|ftp://|www\.)[^\s<>()（）\[\]【】，。；、"'“”]+`)

	// [..] and the other square and lenticular brackets, and parentheses
	// whose content is a citation list.
	bracketRe = regexp.MustCompile(`[\[【［〔〖（(]([^\[\]【】［］〔〕〖〗（）()\n]{2,120}?)[\]】］〕〗）)]`)
	// 《X》第N条, 《X》的第N条, 《X》（第N条）, with more 第M条 and 第K款/项.
	bookRe = regexp.MustCompile(`《([^《》\n]{1,60})》\s*(?:的\s*)?(` + articlesPat + `|[（(]\s*(?:` + articlesPat + `)\s*[）)])`)
	// X法第N条 and the like: a statute name (without 《》) then articles.
	plainZhRe = regexp.MustCompile(`([\p{Han}（）()]{1,40}?(?:法|条例|规定|办法|细则|解释(?:[（(][一二三四五六七八九十]+[）)])?|通知|决定|意见))\s*(?:的\s*)?(` + articlesPat + `|[（(]\s*(?:` + articlesPat + `)\s*[）)])`)
	// "Labor Contract Law article 47", "..., art. 47".
	enBeforeRe = regexp.MustCompile(`(?i)((?:[a-z][\w'’-]*\s+){0,9}?(?:law|regulations?|rules|provisions|measures|interpretation(?:\s*\(?[ivx]+\)?)?))\s*,?\s*((?:articles?|arts?\.?)\s*(?:` + numPat + `)(?:\s*(?:,|and|&)\s*(?:` + numPat + `))*)`)
	// "Article 47 of the Labor Contract Law".
	enAfterRe = regexp.MustCompile(`(?i)((?:articles?|arts?\.?)\s*(?:` + numPat + `)(?:\s*(?:,|and|&)\s*(?:` + numPat + `))*)\s+of\s+(?:the\s+)?((?:[a-z][\w'’-]*\s+){0,9}?(?:law|regulations?|rules|provisions|measures|interpretation(?:\s*\(?[ivx]+\)?)?))`)
	numRe     = regexp.MustCompile(numPat)
	articleRe = regexp.MustCompile(`第\s*(` + numPat + `)\s*条`)
	// 第N条 with no statute before it: at the start of a clause or after a
	// list word.
	bareArticleRe = regexp.MustCompile(`(^\s*|[、和及与或]\s*)` + articlesPat)
)

// articlesPat is one or more articles: 第N条, optionally 第M款/项, joined
// by 、 和 及 与 或.
const articlesPat = `第\s*(?:` + numPat + `)\s*条(?:\s*第\s*(?:` + numPat + `)\s*[款项])*(?:\s*(?:、|和|及|与|或|，|,)\s*第\s*(?:` + numPat + `)\s*条(?:\s*第\s*(?:` + numPat + `)\s*[款项])*)*`

// removed marks where a citation was taken out, until the sentence around
// it is repaired (a private-use character no model writes).
const removed = "\uE000"

// rewrite filters one clause.
func (f *citationFilter) rewrite(s string) string {
	if s == "" {
		return ""
	}
	s = mdLinkRe.ReplaceAllString(s, "$1")
	s = autoLinkRe.ReplaceAllString(s, removed)
	s = bareURLRe.ReplaceAllString(s, removed)
	s = replaceSubmatch(bracketRe, s, func(m []string) string { return f.bracket(m[0], m[1]) })
	s = replaceSubmatch(bookRe, s, func(m []string) string { return f.book(m[0], m[1], m[2]) })
	s = replaceSubmatch(plainZhRe, s, func(m []string) string { return f.plainZh(m[0], m[1], m[2]) })
	s = replaceSubmatch(enBeforeRe, s, func(m []string) string { return f.englishBefore(m[0], m[1], m[2]) })
	s = replaceSubmatch(enAfterRe, s, func(m []string) string { return f.englishAfter(m[0], m[1], m[2]) })
	if f.lastLaw != "" {
		s = replaceSubmatch(bareArticleRe, s, func(m []string) string {
			return m[1] + f.articles(m[0][len(m[1]):], f.lastLaw, m[0][len(m[1]):], "", func(nums []int) string { return zhArticles(nums) })
		})
	}
	if strings.Contains(s, removed) {
		s = repairRemovals(s)
	}
	return s
}

func replaceSubmatch(re *regexp.Regexp, s string, fn func(m []string) string) string {
	return re.ReplaceAllStringFunc(s, func(whole string) string {
		return fn(re.FindStringSubmatch(whole))
	})
}

// bracket handles [a; b] and its kin: keeps the allowed citations (written
// the way entries write them, so they render like the rest), drops the
// others, and leaves prose in brackets alone.
func (f *citationFilter) bracket(whole, inner string) string {
	norm := normalizeNumerals(strings.TrimSpace(inner))
	if !looksLikeStatuteCitation(norm) {
		return whole
	}
	var keep []string
	for _, part := range splitCitationList(norm) {
		c, err := ParseCitation(part)
		if err != nil {
			continue
		}
		f.lastLaw = c.Law
		if canon, ok := f.allow(c); ok {
			keep = append(keep, canon.String())
		}
	}
	if len(keep) == 0 {
		return removed
	}
	return "[" + strings.Join(keep, "; ") + "]"
}

// lawWordRe is how the name of a statute ends, in either language.
var lawWordRe = regexp.MustCompile(`(?i)(?:法|条例|规定|办法|细则|解释|通知|决定|意见|law|regulations?|rules|provisions|measures|interpretation)\s*(?:[（(]?[一二三四五六七八九十ivx]+[）)]?)?$`)

// looksLikeStatuteCitation tells a bracketed citation list from prose in
// brackets: every part must read as a citation of something named like a
// statute ("(up to 12)" and "（共3条）" are prose).
func looksLikeStatuteCitation(s string) bool {
	if !looksLikeCitation(s) {
		return false
	}
	for _, part := range splitCitationList(s) {
		c, err := ParseCitation(part)
		if err != nil || !knownLaw(c.Law) && !lawWordRe.MatchString(strings.TrimSpace(c.Law)) {
			return false
		}
	}
	return true
}

// book handles 《X》第N条: kept when every article is allowed, otherwise
// reduced to the allowed articles or to the statute's name, so the
// sentence still reads; a statute nobody knows goes altogether.
func (f *citationFilter) book(whole, law, articles string) string {
	return f.articles(whole, law, articles, "《"+law+"》", func(nums []int) string { return "《" + law + "》" + zhArticles(nums) })
}

// plainZh handles X法第N条 without 《》. The match may have taken words
// before the name ("根据劳动合同法"): the longest known statute name at its
// end is the name, and what precedes it stays.
func (f *citationFilter) plainZh(whole, lawRun, articles string) string {
	lead, law := splitKnownName(lawRun)
	if law == "" {
		lead, law = splitLeadWords(lawRun, zhLeadWords)
	}
	return lead + f.articles(whole[len(lead):], law, articles, law, func(nums []int) string { return law + zhArticles(nums) })
}

// englishBefore handles "X Law article N" and "X Law, art. N"; the match
// may have taken words before the name ("under the"), which stay.
func (f *citationFilter) englishBefore(whole, lawRun, articles string) string {
	lead, law := splitKnownName(lawRun)
	if law == "" {
		lead, law = splitLeadWords(lawRun, enLeadWords)
	}
	return lead + f.articles(whole[len(lead):], law, articles, law, func(nums []int) string { return law + ", art. " + enNumbers(nums) })
}

// englishAfter handles "Article N of the X Law".
func (f *citationFilter) englishAfter(whole, articles, lawRun string) string {
	_, law := splitKnownName(lawRun)
	if law == "" {
		_, law = splitLeadWords(lawRun, enLeadWords)
	}
	return f.articles(whole, law, articles, "the "+law, func(nums []int) string { return "Article " + enNumbers(nums) + " of the " + law })
}

// articles decides on the articles of law cited in whole: all allowed keeps
// whole; some allowed keeps those (written by keep); none keeps nameOnly
// when the statute is known, else marks a removal.
func (f *citationFilter) articles(whole, law, articles, nameOnly string, keep func(nums []int) string) string {
	if law != "" {
		f.lastLaw = law
	}
	var nums []int
	for _, m := range articleNumbers(articles) {
		if n, err := parseArticleNumber(m); err == nil && n > 0 {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return whole
	}
	var ok []int
	for _, n := range nums {
		if _, yes := f.allow(Citation{Law: law, Article: n}); yes {
			ok = append(ok, n)
		}
	}
	switch {
	case len(ok) == len(nums):
		return whole
	case len(ok) > 0:
		return keep(ok)
	case knownLaw(law) && nameOnly != "":
		return nameOnly
	}
	return removed
}

// zhArticles writes 第N条、第M条.
func zhArticles(nums []int) string {
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = "第" + strconv.Itoa(n) + "条"
	}
	return strings.Join(parts, "、")
}

func enNumbers(nums []int) string {
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// articleNumbers lists the article numbers in an articles match (第N条 or
// "article N, M"), leaving out paragraph (款) and item (项) numbers.
func articleNumbers(articles string) []string {
	if strings.Contains(articles, "条") {
		var out []string
		for _, m := range articleRe.FindAllStringSubmatch(articles, -1) {
			out = append(out, normalizeNumerals(m[1]))
		}
		return out
	}
	var out []string
	for _, m := range numRe.FindAllString(articles, -1) {
		out = append(out, normalizeNumerals(m))
	}
	return out
}

func normalizeNumerals(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

func knownLaw(name string) bool {
	_, ok := LookupStatuteInfo(name)
	return ok
}

// splitKnownName finds the longest statute name the catalog knows at the
// end of run and returns what precedes it and the name ("", "" if none).
func splitKnownName(run string) (lead, name string) {
	for i := range run {
		if knownLaw(run[i:]) {
			return run[:i], run[i:]
		}
	}
	return "", ""
}

var (
	zhLeadWords = []string{"根据", "依据", "依照", "按照", "参照", "参见", "对照", "违反", "符合", "适用", "关于", "按", "依", "据", "见", "和", "与", "及", "或", "、", "在", "是", "了", "的"}
	enLeadWords = []string{"according", "to", "pursuant", "under", "in", "accordance", "with", "line", "as", "per", "see", "and", "or", "by", "of", "the", "this", "that", "is", "are", "from", "on"}
)

// splitLeadWords strips the words a sentence puts before a statute's name
// from the front of run; what is left is taken as the (unknown) name.
func splitLeadWords(run string, words []string) (lead, name string) {
	rest := run
	for changed := true; changed; {
		changed = false
		trimmed := strings.TrimLeft(rest, " ")
		for _, w := range words {
			if len(trimmed) > len(w) && strings.HasPrefix(strings.ToLower(trimmed), w) {
				next := trimmed[len(w):]
				// English words end at a space.
				if w[0] < 0x80 && !strings.HasPrefix(next, " ") {
					continue
				}
				rest, changed = next, true
				break
			}
		}
	}
	rest = strings.TrimLeft(rest, " ")
	return run[:len(run)-len(rest)], rest
}

var (
	// Words left dangling by a removal: a preposition before it, a
	// conjunction between it and the end of the clause, empty brackets.
	danglingZhBefore = regexp.MustCompile(`(?:根据|依据|依照|按照|参照|参见|详见|见|按|依|据)\s*` + removed + `\s*(?:的规定|的)?\s*([，,：:]|[。；;！？!?]|$)`)
	danglingEnBefore = regexp.MustCompile(`(?i)\b(?:according to|pursuant to|in accordance with|in line with|as per|under|per|see)\s+(?:the\s+)?` + removed + `\s*,?\s?`)
	danglingJoin     = regexp.MustCompile(`\s*(?:\band\b|\bor\b|以及|和|或|及|与|、|,|，)\s*` + removed + `(\s*[。.！!？?；;]|\s*$)`)
	emptyBrackets    = regexp.MustCompile(`[（(\[【]\s*` + removed + `\s*[）)\]】]`)
	spacedRemoval    = regexp.MustCompile(` *` + removed + ` *`)
)

// repairRemovals takes out what a removed citation leaves behind, then the
// marks themselves (with the spaces around them, keeping one where text
// continues on both sides).
func repairRemovals(s string) string {
	s = emptyBrackets.ReplaceAllString(s, removed)
	// "根据，" goes with its comma; before a full stop the stop stays.
	s = danglingZhBefore.ReplaceAllStringFunc(s, func(m string) string {
		end := danglingZhBefore.FindStringSubmatch(m)[1]
		if strings.ContainsAny(end, "，,：:") {
			return ""
		}
		return end
	})
	s = danglingEnBefore.ReplaceAllString(s, "")
	s = danglingJoin.ReplaceAllString(s, "$1")
	s = spacedRemoval.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, " ") && strings.HasSuffix(m, " ") {
			return " "
		}
		return ""
	})
	// A space the removal left before punctuation.
	return strings.NewReplacer(" .", ".", " ,", ",", " ;", ";", " ，", "，", " 。", "。").Replace(s)
}

func (f *citationFilter) allow(c Citation) (Citation, bool) {
	for a := range f.allowed {
		if a.Matches(c) {
			f.markUsed(a)
			return a, true
		}
	}
	if info, ok := LookupStatuteInfo(c.Law); ok {
		for a := range f.allowed {
			if a.Article == c.Article && SameLaw(a.Law, info.Short) {
				f.markUsed(a)
				return a, true
			}
		}
	}
	return Citation{}, false
}

func (f *citationFilter) markUsed(c Citation) {
	for _, u := range f.used {
		if u == c {
			return
		}
	}
	f.used = append(f.used, c)
}
