package knowledge

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on what an admin can send at once. An entry file is a few
// kilobytes (a body of at most 1,500 Chinese or 3,000 English characters),
// so these leave ample room for a whole knowledge base in one archive while
// refusing archives that would unpack to far more than they weigh.
const (
	MaxEntryFileBytes   = 64 << 10 // one entry file
	MaxStatuteFileBytes = 4 << 20  // one statute file
	MaxBundleFiles      = 1000     // entry files in one archive
	MaxBundleBytes      = 32 << 20 // all files of one archive, unpacked
	MaxArchiveBytes     = 16 << 20 // the archive itself
)

// BundleFile is one file of what an admin sent: a lone .md file, a member
// of a .zip archive, or a file of a directory (laborbot kb). Name is the
// path inside the archive or directory, with forward slashes.
type BundleFile struct {
	Name string
	Data []byte
}

// ReadBundle unpacks what an admin sent as name: a .zip archive of entry
// files, or a single entry file. Archive members are checked for unsafe
// names (absolute paths, "..", backslashes), sizes and count; README.md,
// hidden files and macOS metadata are skipped, other non-.md members are
// reported as problems so nothing is silently ignored.
func ReadBundle(name string, data []byte) ([]BundleFile, Problems) {
	if !isZip(name, data) {
		if len(data) > MaxEntryFileBytes {
			return nil, Problems{{File: name, Message: fmt.Sprintf("the file is too large (%d bytes, at most %d)", len(data), MaxEntryFileBytes)}}
		}
		return []BundleFile{{Name: path.Base(strings.ReplaceAll(name, "\\", "/")), Data: data}}, nil
	}
	if len(data) > MaxArchiveBytes {
		return nil, Problems{{File: name, Message: fmt.Sprintf("the archive is too large (%d bytes, at most %d)", len(data), MaxArchiveBytes)}}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, Problems{{File: name, Message: "not a readable .zip archive: " + err.Error()}}
	}
	var files []BundleFile
	var ps Problems
	var total int64
	seen := map[string]bool{}
	for _, f := range zr.File {
		member := f.Name
		if f.FileInfo().IsDir() || skippedName(member) {
			continue
		}
		if msg := unsafeName(member); msg != "" {
			ps = append(ps, Problem{File: name, Message: fmt.Sprintf("member %q: %s", member, msg)})
			continue
		}
		if !strings.HasSuffix(strings.ToLower(member), ".md") {
			ps = append(ps, Problem{File: member, Message: "not an entry file (.md); remove it from the archive"})
			continue
		}
		if seen[member] {
			ps = append(ps, Problem{File: member, Message: "appears twice in the archive"})
			continue
		}
		seen[member] = true
		if len(files) == MaxBundleFiles {
			ps = append(ps, Problem{File: name, Message: fmt.Sprintf("too many files (at most %d in one archive)", MaxBundleFiles)})
			break
		}
		if f.UncompressedSize64 > MaxEntryFileBytes {
			ps = append(ps, Problem{File: member, Message: fmt.Sprintf("the file is too large (%d bytes, at most %d)", f.UncompressedSize64, MaxEntryFileBytes)})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			ps = append(ps, Problem{File: member, Message: "cannot unpack: " + err.Error()})
			continue
		}
		// The header's size is only a claim: read one byte past the limit
		// to catch a member that unpacks to more than it says.
		b, err := io.ReadAll(io.LimitReader(rc, MaxEntryFileBytes+1))
		rc.Close()
		switch {
		case err != nil:
			ps = append(ps, Problem{File: member, Message: "cannot unpack: " + err.Error()})
			continue
		case len(b) > MaxEntryFileBytes:
			ps = append(ps, Problem{File: member, Message: fmt.Sprintf("the file is too large (at most %d bytes)", MaxEntryFileBytes)})
			continue
		}
		if total += int64(len(b)); total > MaxBundleBytes {
			ps = append(ps, Problem{File: name, Message: fmt.Sprintf("the archive unpacks to more than %d bytes", MaxBundleBytes)})
			break
		}
		files = append(files, BundleFile{Name: member, Data: b})
	}
	if len(files) == 0 && len(ps) == 0 {
		ps = append(ps, Problem{File: name, Message: "the archive holds no entry files (.md)"})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, ps
}

// ReadBundleFS reads every entry file (*.md except README.md) under fsys,
// skipping hidden files and folders (.git), with the same size limits as
// an archive.
func ReadBundleFS(fsys fs.FS) ([]BundleFile, Problems) {
	var files []BundleFile
	var ps Problems
	var total int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".md") || skippedName(p) {
			return nil
		}
		if len(files) == MaxBundleFiles {
			ps = append(ps, Problem{Message: fmt.Sprintf("too many files (at most %d at once)", MaxBundleFiles)})
			return fs.SkipAll
		}
		b, err := fs.ReadFile(fsys, p)
		switch {
		case err != nil:
			ps = append(ps, Problem{File: p, Message: err.Error()})
			return nil
		case len(b) > MaxEntryFileBytes:
			ps = append(ps, Problem{File: p, Message: fmt.Sprintf("the file is too large (%d bytes, at most %d)", len(b), MaxEntryFileBytes)})
			return nil
		}
		if total += int64(len(b)); total > MaxBundleBytes {
			ps = append(ps, Problem{Message: fmt.Sprintf("the files add up to more than %d bytes", MaxBundleBytes)})
			return fs.SkipAll
		}
		files = append(files, BundleFile{Name: p, Data: b})
		return nil
	})
	if err != nil {
		ps = append(ps, Problem{Message: err.Error()})
	}
	if len(files) == 0 && len(ps) == 0 {
		ps = append(ps, Problem{Message: "no entry files (.md) found"})
	}
	return files, ps
}

func isZip(name string, data []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".zip") || bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// skippedName reports files that travel with entry files but are none:
// READMEs, macOS metadata and hidden files.
func skippedName(p string) bool {
	base := path.Base(p)
	return strings.EqualFold(base, "README.md") || strings.HasPrefix(base, ".") ||
		strings.HasPrefix(p, "__MACOSX/") || strings.Contains(p, "/__MACOSX/")
}

// unsafeName explains why an archive member's name is refused, or returns
// "". The names are never used as file-system paths here, but an admin who
// unpacks the same archive should not be harmed either, and a name with
// ".." is a sign of a crafted archive.
func unsafeName(name string) string {
	switch {
	case name == "" || !utf8.ValidString(name):
		return "the name is empty or not UTF-8"
	case strings.Contains(name, "\\"):
		return "the name contains a backslash"
	case strings.HasPrefix(name, "/") || len(name) > 1 && name[1] == ':':
		return "the name is an absolute path"
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "the name leads outside the archive (..)"
		}
	}
	return ""
}

// IsStatuteFile reports whether data looks like a statute file in the
// format of shared/laws ("# title", …, "<!-- INFO END -->") rather than an
// entry file (which starts with front matter), so a front end can tell the
// two kinds of upload apart.
func IsStatuteFile(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return !frontMatterRe.Match(data) && bytes.Contains(data, []byte("<!-- INFO END -->"))
}

// Change says what publishing a bundle item would do.
type Change string

// What publishing an item does to the knowledge base.
const (
	ChangeNew       Change = "new"       // no entry with this id yet
	ChangeUpdate    Change = "update"    // replaces the current text (built-in or published)
	ChangeUnchanged Change = "unchanged" // the same entry as the current one
)

// BundleItem is one valid entry file of a bundle.
type BundleItem struct {
	File   string
	Source []byte
	Entry  Entry
	Change Change
	// Version is the entry's current published version (0 for a built-in
	// or new entry) and Disabled whether it is disabled now; Admin fills
	// them in.
	Version  int
	Disabled bool
}

// Bundle is a checked upload: the valid entries, every problem that stops
// it from being published, and warnings that do not.
type Bundle struct {
	Items    []BundleItem
	Problems Problems
	Warnings Problems
}

// OK reports whether the bundle can be published: it has entries and no
// problems.
func (b *Bundle) OK() bool { return len(b.Problems) == 0 && len(b.Items) > 0 }

// Err returns the bundle's problems as an error, or nil when it is OK.
func (b *Bundle) Err() error {
	if len(b.Problems) > 0 {
		return b.Problems
	}
	if len(b.Items) == 0 {
		return Problems{{Message: "no entries to publish"}}
	}
	return nil
}

var fieldLineRe = regexp.MustCompile(`(?m)^id:`)

// CheckBundle checks entry files as one upload, with the same ParseEntry
// every entry goes through, against laws (the effective statutes) and the
// existing entries (built-in and published, disabled ones included).
//
// Problems (which block publishing): anything ParseEntry finds, a statute
// file among entry files, a file in a zh/ or en/ folder whose lang differs,
// an id used by two files, and a Chinese and an English entry of one key,
// both in the bundle, that cite different articles or have different topics.
//
// Warnings: an entry whose other-language counterpart is missing, or exists
// already and now differs in citations or topic (update it too), and an
// entry with the same title or question as an entry of another key (the
// two compete in search).
func CheckBundle(files []BundleFile, laws CitationResolver, existing []Entry) *Bundle {
	b := &Bundle{}
	byID := map[string]int{} // bundle item index by entry id
	for _, f := range files {
		if IsStatuteFile(f.Data) {
			b.Problems = append(b.Problems, Problem{File: f.Name, Line: 1,
				Message: "this is a statute file, not an entry: send statutes on their own"})
			continue
		}
		e, ps := ParseEntry(f.Name, f.Data, laws)
		if len(ps) > 0 {
			b.Problems = append(b.Problems, ps...)
			continue
		}
		if dir := path.Base(path.Dir(f.Name)); (dir == "zh" || dir == "en") && dir != e.Lang {
			b.Problems = append(b.Problems, Problem{File: f.Name, Message: "lang " + e.Lang + " does not match the folder " + dir + "/"})
			continue
		}
		if j, dup := byID[e.ID]; dup {
			line := 1
			if loc := fieldLineRe.FindIndex(f.Data); loc != nil {
				line += bytes.Count(f.Data[:loc[0]], []byte("\n"))
			}
			b.Problems = append(b.Problems, Problem{File: f.Name, Line: line,
				Message: fmt.Sprintf("id %q is also used by %s", e.ID, b.Items[j].File)})
			continue
		}
		byID[e.ID] = len(b.Items)
		b.Items = append(b.Items, BundleItem{File: f.Name, Source: f.Data, Entry: e})
	}

	current := map[string]Entry{}
	for _, e := range existing {
		current[e.ID] = e
	}
	// The knowledge base as it would be after publishing.
	after := map[string]Entry{}
	for id, e := range current {
		after[id] = e
	}
	for i := range b.Items {
		it := &b.Items[i]
		old, ok := current[it.Entry.ID]
		switch {
		case !ok:
			it.Change = ChangeNew
		case SameEntry(old, it.Entry):
			it.Change = ChangeUnchanged
		default:
			it.Change = ChangeUpdate
		}
		after[it.Entry.ID] = it.Entry
	}

	titles, questions := map[string][]Entry{}, map[string][]Entry{}
	for _, e := range after {
		titles[e.Lang+":"+foldText(e.Title)] = append(titles[e.Lang+":"+foldText(e.Title)], e)
		for _, q := range e.Questions {
			questions[e.Lang+":"+foldText(q)] = append(questions[e.Lang+":"+foldText(q)], e)
		}
	}
	for _, it := range b.Items {
		e := it.Entry
		warn := func(format string, args ...any) {
			b.Warnings = append(b.Warnings, Problem{File: it.File, Message: fmt.Sprintf(format, args...)})
		}
		other := "en"
		if e.Lang == "en" {
			other = "zh"
		}
		cp, hasCP := after[e.Key+"-"+other]
		_, cpInBundle := byID[e.Key+"-"+other]
		switch {
		case !hasCP:
			warn("no %s version of key %q yet", langName(other), e.Key)
		case !sameCitationSet(e.Citations, cp.Citations) || e.Topic != cp.Topic:
			what := "cites different articles"
			if e.Topic != cp.Topic {
				what = "has a different topic"
			}
			if cpInBundle {
				// Both sent together: they must agree, as CheckSet demands
				// of the built-in entries.
				if e.Lang == "zh" {
					b.Problems = append(b.Problems, Problem{File: it.File, Message: fmt.Sprintf("%s %s than its counterpart %s", e.ID, what, cp.ID)})
				}
			} else {
				warn("the %s version %s %s: update it too", langName(other), cp.ID, what)
			}
		}
		for _, o := range titles[e.Lang+":"+foldText(e.Title)] {
			if o.Key != e.Key {
				warn("entry %s has the same title", o.ID)
			}
		}
		for _, q := range e.Questions {
			for _, o := range questions[e.Lang+":"+foldText(q)] {
				if o.Key != e.Key {
					warn("question %q is also in entry %s", q, o.ID)
				}
			}
		}
	}
	sortProblems(b.Problems)
	sortProblems(b.Warnings)
	return b
}

func langName(lang string) string {
	if lang == "en" {
		return "English"
	}
	return "Chinese"
}

// foldText is the form in which titles and questions are compared for
// conflicts: lower case, without spaces and final punctuation.
func foldText(s string) string {
	return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(s)), " "), "?？!！。. ")
}

// sortProblems orders problems by file, then line; the order within a line
// is kept.
func sortProblems(ps Problems) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// SameEntry reports whether two entries are the same in everything that is
// served: publishing b over a changes nothing.
func SameEntry(a, b Entry) bool {
	if a.ID != b.ID || a.Key != b.Key || a.Lang != b.Lang || a.Title != b.Title || a.Topic != b.Topic ||
		a.Region != b.Region || !a.Reviewed.Equal(b.Reviewed) || a.Body != b.Body ||
		len(a.Questions) != len(b.Questions) || len(a.Citations) != len(b.Citations) {
		return false
	}
	for i := range a.Questions {
		if a.Questions[i] != b.Questions[i] {
			return false
		}
	}
	for i := range a.Citations {
		if a.Citations[i] != b.Citations[i] {
			return false
		}
	}
	return true
}

// Preview describes what publishing the bundle would do, in lang ("zh" or
// "en"), for an admin to confirm: one line per entry, the warnings, and for
// a single entry its text as workers will see it.
func (b *Bundle) Preview(lang string) string {
	t := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	var s strings.Builder
	for _, it := range b.Items {
		e := it.Entry
		switch it.Change {
		case ChangeNew:
			s.WriteString(t("➕ 新增 ", "➕ new "))
		case ChangeUpdate:
			s.WriteString(t("✏️ 更新 ", "✏️ update "))
		default:
			s.WriteString(t("＝ 无变化 ", "＝ unchanged "))
		}
		s.WriteString(e.ID)
		switch it.Change {
		case ChangeNew:
			s.WriteString(" v1")
		case ChangeUpdate:
			s.WriteString(fmt.Sprintf(" v%d → v%d", it.Version, it.Version+1))
		}
		switch {
		case it.Disabled && it.Change == ChangeUnchanged:
			s.WriteString(t("（已停用，用 /kb enable 启用）", " (disabled; /kb enable serves it again)"))
		case it.Disabled:
			s.WriteString(t("（已停用，发布后启用）", " (disabled; publishing enables it)"))
		}
		s.WriteString(fmt.Sprintf(t("\n   %s · %s · %d 个问题 · %d 条法条\n", "\n   %s · %s · %d questions · %d citations\n"),
			e.Title, e.Topic, len(e.Questions), len(e.Citations)))
	}
	if len(b.Warnings) > 0 {
		s.WriteString(t("\n⚠️ 提醒（不影响发布）：\n", "\n⚠️ Warnings (publishing is still possible):\n"))
		for _, w := range b.Warnings {
			s.WriteString("• " + w.String() + "\n")
		}
	}
	if len(b.Items) == 1 && b.Items[0].Change != ChangeUnchanged {
		e := b.Items[0].Entry
		s.WriteString(t("\n工人将看到：\n\n", "\nWorkers will see:\n\n"))
		s.WriteString("**" + e.Title + "**\n\n" + RenderCitations(e.Body, e.Lang) + "\n\n" + BasisLine(e.Citations, e.Lang) + "\n")
	}
	return strings.TrimRight(s.String(), "\n")
}
