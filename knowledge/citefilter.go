package knowledge

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// citationFilter sits between a streaming model and the worker. It holds
// back text that may be a citation ([劳动合同法 47] or 《劳动合同法》第四十七条)
// until it is complete, then lets it through only when it cites one of the
// retrieved passages: a model must not back its answer with an article the
// worker was never shown. Everything else passes through at once.
type citationFilter struct {
	allowed map[Citation]bool
	emit    func(string)
	pending []rune // held back, starting with [ or 《
	out     strings.Builder
	used    []Citation
}

const maxHeldRunes = 60

var zhCitationTail = regexp.MustCompile(`^》\s*第\s*([0-9]+|[一二三四五六七八九十百零〇两]+)\s*条`)

func newCitationFilter(allowed map[Citation]bool, emit func(string)) *citationFilter {
	return &citationFilter{allowed: allowed, emit: emit}
}

// Write takes the next piece of the model's text.
func (f *citationFilter) Write(s string) {
	var pass strings.Builder
	for _, r := range s {
		if len(f.pending) == 0 {
			if r == '[' || r == '《' {
				f.send(pass.String())
				pass.Reset()
				f.pending = append(f.pending, r)
				continue
			}
			pass.WriteRune(r)
			continue
		}
		f.pending = append(f.pending, r)
		if out, done := f.resolve(false); done {
			f.pending = f.pending[:0]
			f.send(out.text)
			// What followed the finished group may open a new one.
			f.Write(out.rest)
		}
	}
	f.send(pass.String())
}

type resolved struct{ text, rest string }

// resolve decides what to do with the held-back text, if it can yet.
func (f *citationFilter) resolve(final bool) (resolved, bool) {
	s := string(f.pending)
	switch f.pending[0] {
	case '[':
		if end := strings.IndexRune(s, ']'); end >= 0 {
			return resolved{text: f.bracket(s[1:end]), rest: s[end+1:]}, true
		}
	case '《':
		if close := strings.IndexRune(s, '》'); close >= 0 {
			tail := s[close:]
			if m := zhCitationTail.FindStringSubmatchIndex(tail); m != nil {
				law := s[len("《"):close]
				num := tail[m[2]:m[3]]
				return resolved{text: f.book(law, num, s[:close+m[1]]), rest: tail[m[1]:]}, true
			}
			// Not yet complete: wait while it can still become 》第N条.
			if !final && couldBeCitationTail(tail) {
				break
			}
			return resolved{text: s}, true
		}
	}
	if final || utf8.RuneCountInString(s) > maxHeldRunes || strings.ContainsRune(s, '\n') {
		return resolved{text: s}, true
	}
	return resolved{}, false
}

var partialTail = regexp.MustCompile(`^》\s*(?:第\s*(?:[0-9]+|[一二三四五六七八九十百零〇两]+)?\s*)?$`)

func couldBeCitationTail(tail string) bool { return partialTail.MatchString(tail) }

// bracket handles [a; b]: keeps the allowed citations, drops the rest, and
// leaves prose in brackets alone.
func (f *citationFilter) bracket(inner string) string {
	if !looksLikeCitation(inner) {
		return "[" + inner + "]"
	}
	var keep []string
	for _, part := range splitCitationList(inner) {
		c, err := ParseCitation(part)
		if err != nil {
			continue
		}
		if canon, ok := f.allow(c); ok {
			keep = append(keep, canon.String())
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "[" + strings.Join(keep, "; ") + "]"
}

// book handles 《劳动合同法》第四十七条: kept when allowed, otherwise reduced to
// the statute's name, so the sentence still reads.
func (f *citationFilter) book(law, num, whole string) string {
	n, err := parseArticleNumber(num)
	if err != nil {
		return whole
	}
	if _, ok := f.allow(Citation{Law: law, Article: n}); ok {
		return whole
	}
	return "《" + law + "》"
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

func (f *citationFilter) send(s string) {
	if s == "" {
		return
	}
	f.out.WriteString(s)
	f.emit(s)
}

// Flush releases whatever is still held back at the end of the stream.
func (f *citationFilter) Flush() {
	if len(f.pending) == 0 {
		return
	}
	out, _ := f.resolve(true)
	f.pending = f.pending[:0]
	f.send(out.text)
	f.Write(out.rest)
}

// Text is everything let through so far.
func (f *citationFilter) Text() string { return f.out.String() }

// Used lists the allowed citations the text made, in order.
func (f *citationFilter) Used() []Citation { return f.used }
