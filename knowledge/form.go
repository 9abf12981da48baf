package knowledge

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// EntryForm is an entry as a form in the web console holds it: the fields
// as typed, not yet checked. Source writes it as an entry file, so a form
// goes through exactly the checks of an uploaded file (ParseEntry,
// CheckBundle), and FieldProblems maps each problem's line back to the
// field it came from, for showing it beside that field.
type EntryForm struct {
	Key, Lang, Title, Topic, Region, Reviewed string
	Questions                                 []string // one a line
	Citations                                 []string // "劳动合同法 30"
	Body                                      string   // Markdown
}

// FormOf returns the form of an entry.
func FormOf(e Entry) EntryForm {
	f := EntryForm{Key: e.Key, Lang: e.Lang, Title: e.Title, Topic: e.Topic, Region: e.Region, Questions: append([]string(nil), e.Questions...), Body: e.Body}
	if !e.Reviewed.IsZero() {
		f.Reviewed = e.Reviewed.Format("2006-01-02")
	}
	for _, c := range e.Citations {
		f.Citations = append(f.Citations, c.String())
	}
	return f
}

// ID is the entry id the form makes: the key and the language.
func (f EntryForm) ID() string { return strings.TrimSpace(f.Key) + "-" + strings.TrimSpace(f.Lang) }

// FieldProblem is a problem of a form: the field (id, key, lang, title,
// topic, questions, citations, region, reviewed, body or "" for the whole
// entry), the line within the field (1-based, for questions, citations and
// the body; 0 for the field as a whole) and the message.
type FieldProblem struct {
	Field   string `json:"field"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

var dateRe = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// formLine says where a line of the form's file came from.
type formLine struct {
	field string
	line  int
}

// Source writes the form as an entry file (front matter in the order of
// Entry.Markdown, then the body). Empty questions and citations are left
// out; line breaks in one-line fields become spaces.
func (f EntryForm) Source() []byte {
	src, _ := f.source()
	return src
}

func (f EntryForm) source() ([]byte, map[int]formLine) {
	lines := map[int]formLine{}
	var b strings.Builder
	n := 0
	emit := func(text string, where formLine) {
		n++
		lines[n] = where
		b.WriteString(text + "\n")
	}
	scalar := func(v string) string {
		v = strings.Join(strings.Fields(strings.ReplaceAll(v, "\n", " ")), " ")
		out, err := yaml.Marshal(v)
		if err != nil {
			return `""`
		}
		return strings.TrimSuffix(string(out), "\n")
	}
	emit("---", formLine{})
	emit("id: "+scalar(f.ID()), formLine{field: "id"})
	emit("key: "+scalar(f.Key), formLine{field: "key"})
	emit("lang: "+scalar(f.Lang), formLine{field: "lang"})
	emit("title: "+scalar(f.Title), formLine{field: "title"})
	emit("topic: "+scalar(f.Topic), formLine{field: "topic"})
	list := func(field string, items []string) {
		var kept []string
		var at []int
		for i, it := range items {
			if strings.TrimSpace(it) != "" {
				kept = append(kept, it)
				at = append(at, i+1)
			}
		}
		if len(kept) == 0 {
			emit(field+": []", formLine{field: field})
			return
		}
		emit(field+":", formLine{field: field})
		for i, it := range kept {
			emit("  - "+scalar(it), formLine{field: field, line: at[i]})
		}
	}
	list("questions", f.Questions)
	list("citations", f.Citations)
	emit("region: "+scalar(f.Region), formLine{field: "region"})
	reviewed := scalar(f.Reviewed)
	if dateRe.MatchString(f.Reviewed) {
		reviewed = f.Reviewed // plain, as the hand-written files have it
	}
	emit("reviewed: "+reviewed, formLine{field: "reviewed"})
	emit("---", formLine{})
	body := strings.ReplaceAll(strings.TrimSpace(f.Body), "\r\n", "\n")
	for i, line := range strings.Split(body, "\n") {
		emit(line, formLine{field: "body", line: i + 1})
	}
	return []byte(b.String()), lines
}

// FieldProblems maps problems found in the form's Source to its fields.
// Problems of the whole entry (or of another file) keep Field "".
func (f EntryForm) FieldProblems(ps Problems) []FieldProblem {
	_, lines := f.source()
	out := make([]FieldProblem, 0, len(ps))
	for _, p := range ps {
		where := lines[p.Line]
		out = append(out, FieldProblem{Field: where.field, Line: where.line, Message: p.Message})
	}
	return out
}

// QuestionLines splits a textarea of questions, one a line.
func QuestionLines(s string) []string {
	return strings.Split(strings.ReplaceAll(strings.TrimRight(s, "\r\n"), "\r\n", "\n"), "\n")
}

// BuiltinSource returns the built-in text of an entry (version 0 of its
// history) as an entry file, for comparing versions.
func (a *Admin) BuiltinSource(ctx context.Context, actor Actor, id string) ([]byte, error) {
	if err := actor.allow(permRead); err != nil {
		return nil, err
	}
	for _, e := range a.builtin {
		if e.ID == id {
			return e.Markdown(), nil
		}
	}
	return nil, fmt.Errorf("entry %s has no built-in text: %w", id, ErrNotFound)
}
