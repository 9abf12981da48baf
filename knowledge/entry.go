package knowledge

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Entry is one curated answer of the knowledge base: a kind of question
// workers ask, the rule and the steps, in one language. A Chinese entry and
// its English counterpart share a Key.
type Entry struct {
	ID        string     `json:"id"`
	Key       string     `json:"key"`
	Lang      string     `json:"lang"`
	Title     string     `json:"title"`
	Topic     string     `json:"topic"`
	Questions []string   `json:"questions"`
	Citations []Citation `json:"citations"`
	Region    string     `json:"region"`
	Reviewed  time.Time  `json:"reviewed"`
	Body      string     `json:"body"` // Markdown with inline citations like [劳动合同法 30]
}

// Topics are the subjects an entry can belong to, with their names in
// Chinese and English (for menus and listings).
var topics = []struct{ ID, Zh, En string }{
	{"wages", "工资与欠薪", "Wages and unpaid wages"},
	{"minimum_wage", "最低工资", "Minimum wage"},
	{"overtime", "工时与加班", "Working hours and overtime"},
	{"leave", "休息休假", "Rest days and leave"},
	{"contract", "劳动合同", "Labor contracts"},
	{"probation", "试用期", "Probation"},
	{"dismissal", "辞退与解除", "Dismissal"},
	{"severance", "经济补偿与赔偿", "Severance"},
	{"resignation", "辞职", "Resignation"},
	{"noncompete", "竞业限制与服务期", "Non-compete and training bonds"},
	{"dispatch", "劳务派遣", "Labor dispatch"},
	{"gig_work", "非全日制与平台用工", "Part-time and platform work"},
	{"social_insurance", "社会保险", "Social insurance"},
	{"work_injury", "工伤", "Work injury"},
	{"occupational_disease", "职业病", "Occupational disease"},
	{"female_workers", "女职工保护", "Female workers"},
	{"safety", "安全生产", "Safety at work"},
	{"union", "工会", "The trade union"},
	{"dispute", "维权途径", "Resolving a dispute"},
}

// Topic describes one topic.
type Topic struct{ ID, Zh, En string }

// Topics lists the topics in display order.
func Topics() []Topic {
	out := make([]Topic, len(topics))
	for i, t := range topics {
		out[i] = Topic(t)
	}
	return out
}

// IsTopic reports whether id names a topic.
func IsTopic(id string) bool {
	for _, t := range topics {
		if t.ID == id {
			return true
		}
	}
	return false
}

// Limits on an entry, so an answer fits a phone screen and a Telegram message.
const (
	// An English text needs about twice the characters of its Chinese
	// original, so English bodies get twice the room.
	MinBodyRunes     = 150
	MaxBodyRunes     = 1500
	MinQuestions     = 3
	MaxCitations     = 12
	maxQuestionRunes = 200
)

// Problem is one thing wrong with an entry file, with the line it is on (0
// when it concerns the whole file).
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	case p.File != "":
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return p.Message
}

// Problems is a list of problems; as an error it lists them all.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// CitationResolver checks a citation and returns it with the canonical short
// name. *Statutes is one.
type CitationResolver interface {
	Resolve(Citation) (Citation, error)
}

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	inlineCiteRe  = regexp.MustCompile(`\[([^\[\]\n]{2,200}?)\]`)
	frontMatterRe = regexp.MustCompile(`(?s)\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?`)
)

type entryFile struct {
	ID        string   `yaml:"id"`
	Key       string   `yaml:"key"`
	Lang      string   `yaml:"lang"`
	Title     string   `yaml:"title"`
	Topic     string   `yaml:"topic"`
	Questions []string `yaml:"questions"`
	Citations []string `yaml:"citations"`
	Region    string   `yaml:"region"`
	Reviewed  string   `yaml:"reviewed"`
}

// ParseEntry reads an entry file (YAML front matter and a Markdown body) and
// checks it. It returns every problem found, each with its line, so an admin
// can fix a file in one go. Citations are checked with laws. The entry is
// usable only when no problems are returned.
func ParseEntry(file string, data []byte, laws CitationResolver) (Entry, Problems) {
	if laws == nil {
		// No statute texts: check citations against the catalog.
		laws = (*Statutes)(nil)
	}
	var ps Problems
	add := func(line int, format string, args ...any) {
		ps = append(ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if !utf8.Valid(data) {
		add(0, "the file is not UTF-8 text")
		return Entry{}, ps
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	m := frontMatterRe.FindSubmatchIndex(data)
	if m == nil {
		add(1, "the file must start with front matter between two lines of ---")
		return Entry{}, ps
	}
	yamlText := data[m[2]:m[3]]
	body := string(data[m[1]:])
	bodyLine := 1 + bytes.Count(data[:m[1]], []byte("\n"))

	var doc yaml.Node
	if err := yaml.Unmarshal(yamlText, &doc); err != nil {
		add(yamlErrorLine(err)+1, "front matter is not valid YAML: %s", yamlErrorText(err))
		return Entry{}, ps
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		add(2, "front matter must be a list of \"field: value\" lines")
		return Entry{}, ps
	}
	// Line of each top-level field, offset by the opening --- line.
	lines := map[string]int{}
	known := map[string]bool{"id": true, "key": true, "lang": true, "title": true, "topic": true, "questions": true, "citations": true, "region": true, "reviewed": true}
	mapping := doc.Content[0]
	var itemLines = map[string][]int{}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		k, v := mapping.Content[i], mapping.Content[i+1]
		if _, dup := lines[k.Value]; dup {
			add(k.Line+1, "field %q appears twice", k.Value)
		}
		lines[k.Value] = k.Line + 1
		if !known[k.Value] {
			add(k.Line+1, "unknown field %q", k.Value)
		}
		if v.Kind == yaml.SequenceNode {
			for _, it := range v.Content {
				itemLines[k.Value] = append(itemLines[k.Value], it.Line+1)
			}
		}
	}
	var f entryFile
	if err := mapping.Decode(&f); err != nil {
		add(yamlErrorLine(err)+1, "front matter: %s", yamlErrorText(err))
		return Entry{}, ps
	}
	line := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return 1
	}
	e := Entry{ID: strings.TrimSpace(f.ID), Key: strings.TrimSpace(f.Key), Lang: strings.TrimSpace(f.Lang),
		Title: strings.TrimSpace(f.Title), Topic: strings.TrimSpace(f.Topic), Region: strings.TrimSpace(f.Region),
		Body: strings.TrimSpace(body)}
	for field, v := range map[string]string{"id": e.ID, "key": e.Key, "lang": e.Lang, "title": e.Title, "topic": e.Topic, "region": e.Region, "reviewed": f.Reviewed} {
		if v == "" {
			add(line(field), "missing field %q", field)
		}
	}
	if e.Key != "" && !idPattern.MatchString(e.Key) {
		add(line("key"), "key %q: use lowercase letters, digits and hyphens", e.Key)
	}
	if e.Lang != "" && e.Lang != "zh" && e.Lang != "en" {
		add(line("lang"), "lang must be zh or en, not %q", e.Lang)
	}
	if e.ID != "" && e.Key != "" && e.Lang != "" && e.ID != e.Key+"-"+e.Lang {
		add(line("id"), "id must be the key followed by the language: %q", e.Key+"-"+e.Lang)
	}
	if e.Topic != "" && !IsTopic(e.Topic) {
		ids := make([]string, len(topics))
		for i, t := range topics {
			ids[i] = t.ID
		}
		add(line("topic"), "unknown topic %q; topics: %s", e.Topic, strings.Join(ids, ", "))
	}
	if utf8.RuneCountInString(e.Title) > 100 {
		add(line("title"), "title is longer than 100 characters")
	}
	if f.Reviewed != "" {
		t, err := time.Parse("2006-01-02", strings.TrimSpace(f.Reviewed))
		if err != nil {
			add(line("reviewed"), "reviewed must be a date like 2026-11-23, not %q", f.Reviewed)
		}
		e.Reviewed = t
	}
	for i, q := range f.Questions {
		q = strings.TrimSpace(q)
		l := line("questions")
		if i < len(itemLines["questions"]) {
			l = itemLines["questions"][i]
		}
		switch {
		case q == "":
			add(l, "empty question")
		case utf8.RuneCountInString(q) > maxQuestionRunes:
			add(l, "question longer than %d characters", maxQuestionRunes)
		default:
			e.Questions = append(e.Questions, q)
		}
	}
	if len(f.Questions) < MinQuestions {
		add(line("questions"), "give at least %d questions as workers ask them (found %d)", MinQuestions, len(f.Questions))
	}
	seenCite := map[Citation]bool{}
	for i, s := range f.Citations {
		l := line("citations")
		if i < len(itemLines["citations"]) {
			l = itemLines["citations"][i]
		}
		c, err := ParseCitation(s)
		if err == nil {
			c, err = laws.Resolve(c)
		}
		if err != nil {
			add(l, "citation %q: %v", s, err)
			continue
		}
		if seenCite[c] {
			add(l, "citation %q is listed twice", s)
			continue
		}
		seenCite[c] = true
		e.Citations = append(e.Citations, c)
	}
	if len(f.Citations) == 0 {
		add(line("citations"), "give at least one citation: every rule needs its source")
	}
	if len(f.Citations) > MaxCitations {
		add(line("citations"), "too many citations (%d, at most %d): cite what the answer rests on", len(f.Citations), MaxCitations)
	}
	n, lo, hi := utf8.RuneCountInString(e.Body), MinBodyRunes, MaxBodyRunes
	if e.Lang == "en" {
		lo, hi = 2*lo, 2*hi
	}
	switch {
	case n < lo:
		add(bodyLine, "the body is too short (%d characters, at least %d)", n, lo)
	case n > hi:
		add(bodyLine, "the body is too long (%d characters, at most %d)", n, hi)
	}
	for _, ic := range InlineCitations(body) {
		l := bodyLine + ic.Line - 1
		if ic.Err != nil {
			add(l, "inline citation [%s]: %v", ic.Text, ic.Err)
			continue
		}
		c, err := laws.Resolve(ic.Citation)
		if err != nil {
			add(l, "inline citation [%s]: %v", ic.Text, err)
			continue
		}
		if !seenCite[c] {
			add(l, "inline citation %s is not in the front-matter citations", c)
		}
	}
	return e, ps
}

// InlineCitation is one citation written in a body as [劳动合同法 30].
type InlineCitation struct {
	Text     string // what stood between the brackets (one citation of a list)
	Line     int    // 1-based line within the body text
	Start    int    // byte offsets of the whole bracket group in the body
	End      int
	Citation Citation
	Err      error
}

// InlineCitations finds the bracketed citations of a body. A bracket group may
// hold several citations separated by ; or ；. Bracket groups that hold no
// citation-like text (no article number) are left alone: they are prose.
func InlineCitations(body string) []InlineCitation {
	var out []InlineCitation
	for _, m := range inlineCiteRe.FindAllStringSubmatchIndex(body, -1) {
		inner := body[m[2]:m[3]]
		if !looksLikeCitation(inner) {
			continue
		}
		line := 1 + strings.Count(body[:m[0]], "\n")
		for _, part := range splitCitationList(inner) {
			c, err := ParseCitation(part)
			out = append(out, InlineCitation{Text: part, Line: line, Start: m[0], End: m[1], Citation: c, Err: err})
		}
	}
	return out
}

var citationLike = regexp.MustCompile(`[\p{Han}A-Za-z）)]\s*(?:第\s*)?[0-9一二三四五六七八九十百]+\s*条?\s*$`)

func looksLikeCitation(s string) bool {
	for _, part := range splitCitationList(s) {
		if !citationLike.MatchString(strings.TrimSpace(part)) {
			return false
		}
	}
	return true
}

func splitCitationList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// RenderCitations replaces the bracketed inline citations of a body with a
// readable form in lang, e.g. （《劳动合同法》第30条） or (Labor Contract
// Law, art. 30).
func RenderCitations(body, lang string) string {
	var b strings.Builder
	last := 0
	for _, m := range inlineCiteRe.FindAllStringSubmatchIndex(body, -1) {
		inner := body[m[2]:m[3]]
		if !looksLikeCitation(inner) {
			continue
		}
		var parts []string
		for _, p := range splitCitationList(inner) {
			c, err := ParseCitation(p)
			if err != nil {
				parts = append(parts, p)
				continue
			}
			if info, ok := LookupStatuteInfo(c.Law); ok {
				c.Law = info.Short
			}
			parts = append(parts, c.Format(lang))
		}
		before := body[last:m[0]]
		if lang != "en" {
			// "拖欠 [劳动合同法 30]" reads better without the space.
			before = strings.TrimSuffix(before, " ")
		}
		b.WriteString(before)
		if lang == "en" {
			b.WriteString("(" + strings.Join(parts, "; ") + ")")
		} else {
			b.WriteString("（" + strings.Join(parts, "、") + "）")
		}
		last = m[1]
	}
	b.WriteString(body[last:])
	return b.String()
}

// CheckSet checks a whole knowledge base: each entry on its own (already done
// by ParseEntry) plus what concerns several entries: unique ids, and every
// Chinese entry having an English counterpart with the same key and the same
// citations.
func CheckSet(entries []Entry) Problems {
	var ps Problems
	byID := map[string]bool{}
	byKey := map[string]map[string]Entry{}
	for _, e := range entries {
		if byID[e.ID] {
			ps = append(ps, Problem{Message: fmt.Sprintf("id %q is used by two entries", e.ID)})
		}
		byID[e.ID] = true
		if byKey[e.Key] == nil {
			byKey[e.Key] = map[string]Entry{}
		}
		byKey[e.Key][e.Lang] = e
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		zh, hasZh := byKey[k]["zh"]
		en, hasEn := byKey[k]["en"]
		switch {
		case hasZh && !hasEn:
			ps = append(ps, Problem{Message: fmt.Sprintf("entry %q has no English counterpart (key %q)", zh.ID, k)})
		case hasEn && !hasZh:
			ps = append(ps, Problem{Message: fmt.Sprintf("entry %q has no Chinese original (key %q)", en.ID, k)})
		case hasZh && hasEn:
			if !sameCitationSet(zh.Citations, en.Citations) {
				ps = append(ps, Problem{Message: fmt.Sprintf("entries %q and %q cite different articles", zh.ID, en.ID)})
			}
			if zh.Topic != en.Topic {
				ps = append(ps, Problem{Message: fmt.Sprintf("entries %q and %q have different topics", zh.ID, en.ID)})
			}
		}
	}
	return ps
}

func sameCitationSet(a, b []Citation) bool {
	if len(a) != len(b) {
		return false
	}
	set := map[Citation]bool{}
	for _, c := range a {
		set[c] = true
	}
	for _, c := range b {
		if !set[c] {
			return false
		}
	}
	return true
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	m := yamlLineRe.FindStringSubmatch(err.Error())
	if m == nil {
		return 1
	}
	var n int
	fmt.Sscanf(m[1], "%d", &n)
	return n
}

func yamlErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRe.ReplaceAllString(s, "")
}
