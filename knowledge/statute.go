package knowledge

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Statute is the text of one statute, split into articles.
type Statute struct {
	Short    string // canonical short name used in citations
	Title    string // full title from the file's heading
	File     string // where it was loaded from
	Articles []Article
}

// Article is one article of a statute: the unit the search indexes and a
// citation points at.
type Article struct {
	Law     string // canonical short name
	Number  int
	Chapter string // the chapter (and section) heading it stands under
	Text    string // the article's paragraphs, starting with 第X条
}

// Citation returns the citation that points at this article.
func (a Article) Citation() Citation { return Citation{Law: a.Law, Article: a.Number} }

var (
	articleStart = regexp.MustCompile(`^第([一二三四五六七八九十百零〇两]+)条[\s\x{3000}]`)
	sectionStart = regexp.MustCompile(`^##\s*([一二三四五六七八九十]+)(?:、|\s|$)`)
)

// ParseStatute reads a statute in the format of shared/laws: "# 标题", header
// lines, "<!-- INFO END -->", then "## 第X章" headings and one paragraph per
// article beginning "第X条 ". Paragraphs up to the next article belong to the
// article before. A notice without articles but with "## 一、" sections gets
// one article per section. The short name comes from the catalog when the
// title is known there, otherwise from the title itself.
func ParseStatute(file string, data []byte) (*Statute, error) {
	st := &Statute{File: file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	inBody := false
	var chapter, section string
	var cur *Article
	var sections []Article
	var curSection *Article
	flush := func() {
		if cur != nil {
			cur.Text = strings.TrimSpace(cur.Text)
			st.Articles = append(st.Articles, *cur)
			cur = nil
		}
		if curSection != nil {
			curSection.Text = strings.TrimSpace(curSection.Text)
			sections = append(sections, *curSection)
			curSection = nil
		}
	}
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(line, " \t\u3000")
		switch {
		case st.Title == "" && strings.HasPrefix(trimmed, "# "):
			st.Title = strings.TrimSpace(strings.TrimPrefix(trimmed, "# "))
			continue
		case strings.HasPrefix(trimmed, "<!-- INFO END -->"):
			inBody = true
			continue
		}
		if !inBody {
			continue
		}
		if m := sectionStart.FindStringSubmatch(trimmed); m != nil {
			flush()
			n, err := ParseChineseNumber(m[1])
			if err == nil {
				curSection = &Article{Number: n, Chapter: strings.TrimSpace(strings.TrimPrefix(trimmed, "##")), Text: strings.TrimSpace(strings.TrimPrefix(trimmed, "##")) + "\n"}
			}
			continue
		}
		if strings.HasPrefix(trimmed, "## ") {
			flush()
			chapter, section = strings.TrimSpace(strings.TrimPrefix(trimmed, "## ")), ""
			continue
		}
		if strings.HasPrefix(trimmed, "### ") {
			flush()
			section = strings.TrimSpace(strings.TrimPrefix(trimmed, "### "))
			continue
		}
		if m := articleStart.FindStringSubmatch(trimmed); m != nil {
			flush()
			n, err := ParseChineseNumber(m[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: article number %q: %v", file, lineNo, m[1], err)
			}
			heading := chapter
			if section != "" {
				heading += " " + section
			}
			cur = &Article{Number: n, Chapter: heading, Text: trimmed + "\n"}
			continue
		}
		switch {
		case cur != nil:
			cur.Text += trimmed + "\n"
		case curSection != nil:
			curSection.Text += trimmed + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	flush()
	if st.Title == "" {
		return nil, fmt.Errorf("%s: no \"# title\" line", file)
	}
	if !inBody {
		return nil, fmt.Errorf("%s: no \"<!-- INFO END -->\" line before the articles", file)
	}
	if len(st.Articles) == 0 {
		st.Articles = sections
	}
	if len(st.Articles) == 0 {
		return nil, fmt.Errorf("%s: no articles (paragraphs starting 第X条) found", file)
	}
	if info, ok := LookupStatuteInfo(st.Title); ok {
		st.Short = info.Short
	} else {
		st.Short = strings.TrimPrefix(st.Title, "中华人民共和国")
	}
	seen := map[int]bool{}
	for i := range st.Articles {
		st.Articles[i].Law = st.Short
		if seen[st.Articles[i].Number] {
			return nil, fmt.Errorf("%s: article %d appears twice", file, st.Articles[i].Number)
		}
		seen[st.Articles[i].Number] = true
	}
	return st, nil
}

// Article returns the article with the given number.
func (s *Statute) Article(n int) (Article, bool) {
	for _, a := range s.Articles {
		if a.Number == n {
			return a, true
		}
	}
	return Article{}, false
}

// LoadStatutesDir parses every *.md file in dir except README.md.
func LoadStatutesDir(dir string) ([]*Statute, error) {
	return LoadStatutesFS(os.DirFS(dir), dir)
}

// LoadStatutesFS parses every *.md file at the top of fsys except README.md;
// label names the source in error messages.
func LoadStatutesFS(fsys fs.FS, label string) ([]*Statute, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Statute
	for _, n := range names {
		if strings.EqualFold(n, "README.md") {
			continue
		}
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		st, err := ParseStatute(filepath.Join(label, n), data)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no statute files (*.md) in %s", label)
	}
	return out, nil
}

// Statutes is a set of loaded statutes, looked up by any name the catalog
// knows. It answers whether a citation points at a real article. A Statutes
// value is built once and then only read; replacing a statute builds a new
// set (see With).
type Statutes struct {
	byName map[string]*Statute
	order  []*Statute
}

// NewStatutes builds a set; a later statute with the same short name replaces
// an earlier one.
func NewStatutes(list ...*Statute) *Statutes {
	s := &Statutes{byName: map[string]*Statute{}}
	for _, st := range list {
		s.add(st)
	}
	return s
}

func (s *Statutes) add(st *Statute) {
	key := normalizeNameKey(st.Short)
	if old, ok := s.byName[key]; ok {
		for i, o := range s.order {
			if o == old {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
	s.byName[key] = st
	s.order = append(s.order, st)
}

// With returns a new set with st added or replacing the statute of the same
// short name; s itself is unchanged.
func (s *Statutes) With(st *Statute) *Statutes {
	n := NewStatutes(s.List()...)
	n.add(st)
	return n
}

// List returns the statutes in load order.
func (s *Statutes) List() []*Statute {
	if s == nil {
		return nil
	}
	return append([]*Statute(nil), s.order...)
}

// Len is the number of statutes loaded.
func (s *Statutes) Len() int {
	if s == nil {
		return 0
	}
	return len(s.order)
}

// Lookup finds a statute by short name, title, English name or alias.
func (s *Statutes) Lookup(name string) (*Statute, bool) {
	if s == nil {
		return nil, false
	}
	if st, ok := s.byName[normalizeNameKey(name)]; ok {
		return st, true
	}
	if info, ok := LookupStatuteInfo(name); ok {
		st, ok := s.byName[normalizeNameKey(info.Short)]
		return st, ok
	}
	for _, st := range s.order {
		if normalizeNameKey(st.Title) == normalizeNameKey(name) {
			return st, true
		}
	}
	return nil, false
}

// Article finds the article a citation points at.
func (s *Statutes) Article(c Citation) (Article, bool) {
	st, ok := s.Lookup(c.Law)
	if !ok {
		return Article{}, false
	}
	return st.Article(c.Article)
}

// Resolve checks a citation and returns it with the canonical short name.
// With the statute's text loaded the article must exist in it; without, the
// catalog's article count is the check, so entries can be validated on a
// machine that has no statute files.
func (s *Statutes) Resolve(c Citation) (Citation, error) {
	if st, ok := s.Lookup(c.Law); ok {
		if _, ok := st.Article(c.Article); !ok {
			return Citation{}, fmt.Errorf("%s has no article %d", st.Short, c.Article)
		}
		return Citation{Law: st.Short, Article: c.Article}, nil
	}
	info, ok := LookupStatuteInfo(c.Law)
	if !ok {
		return Citation{}, fmt.Errorf("unknown statute %q: use a canonical short name such as 劳动合同法", c.Law)
	}
	if c.Article < 1 || c.Article > info.Articles {
		return Citation{}, fmt.Errorf("%s has no article %d (it has %d)", info.Short, c.Article, info.Articles)
	}
	return Citation{Law: info.Short, Article: c.Article}, nil
}
