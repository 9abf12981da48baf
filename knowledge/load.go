package knowledge

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// LoadEntriesFS parses every *.md file under the zh/ and en/ folders of fsys
// (or at its top when it has no such folders), checks each entry and the set
// as a whole, and returns the entries with all problems found.
func LoadEntriesFS(fsys fs.FS, laws CitationResolver) ([]Entry, Problems) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") || strings.EqualFold(path.Base(p), "README.md") {
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, Problems{{Message: err.Error()}}
	}
	sort.Strings(files)
	var entries []Entry
	var ps Problems
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			ps = append(ps, Problem{File: f, Message: err.Error()})
			continue
		}
		e, eps := ParseEntry(f, data, laws)
		if len(eps) > 0 {
			ps = append(ps, eps...)
			continue
		}
		if dir := path.Base(path.Dir(f)); (dir == "zh" || dir == "en") && dir != e.Lang {
			ps = append(ps, Problem{File: f, Message: "lang " + e.Lang + " does not match the folder " + dir + "/"})
		}
		entries = append(entries, e)
	}
	ps = append(ps, CheckSet(entries)...)
	return entries, ps
}
