package knowledge_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

func zipOf(t *testing.T, files ...knowledge.BundleFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.Data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// canteenEn is the English counterpart of canteenEntry.
func canteenEn(topic string) string {
	return `---
id: canteen-food-en
key: canteen-food
lang: en
title: The canteen food is bad. Can we complain?
topic: ` + topic + `
questions:
  - The staff canteen food is terrible, can we complain?
  - Canteen meals are expensive and bad
  - Who do I tell that the factory canteen is dirty?
citations:
  - 劳动法 76
  - 工会法 6
region: national
reviewed: 2026-11-23
---
Employers should improve collective welfare such as canteens and dormitories [劳动法 76]. If the food is bad, overpriced or unhygienic, raise it through the union: representing and protecting workers' rights is its basic duty [工会法 6].

**What to do**
- Write down with coworkers what was wrong, on which day and meal, with photos.
- Ask the union or worker representatives to put it to the employer and to publish canteen prices and purchasing.

**Where to go**
Your workplace union; union hotline 12351; market regulation hotline 12315 for spoiled or dirty food.
`
}

func TestReadBundle(t *testing.T) {
	entry := []byte(canteenEntry(""))
	for _, tc := range []struct {
		name     string
		file     string
		data     []byte
		files    []string // names read, in order
		problems []string // substrings, one per expected problem
	}{
		{name: "single file", file: "canteen.md", data: entry, files: []string{"canteen.md"}},
		{name: "single file, path stripped", file: `C:\Users\admin\canteen.md`, data: entry, files: []string{"canteen.md"}},
		{name: "single file too large", file: "big.md", data: bytes.Repeat([]byte("x"), knowledge.MaxEntryFileBytes+1),
			problems: []string{"too large"}},
		{name: "archive", file: "kb.zip", data: zipOf(t,
			knowledge.BundleFile{Name: "zh/canteen-food.md", Data: entry},
			knowledge.BundleFile{Name: "en/canteen-food.md", Data: []byte(canteenEn("union"))},
			knowledge.BundleFile{Name: "README.md", Data: []byte("# readme")},
			knowledge.BundleFile{Name: "__MACOSX/zh/._canteen-food.md", Data: []byte{0, 1}},
			knowledge.BundleFile{Name: "zh/.hidden.md", Data: []byte("x")},
		), files: []string{"en/canteen-food.md", "zh/canteen-food.md"}},
		{name: "archive recognised by content", file: "upload", data: zipOf(t, knowledge.BundleFile{Name: "a.md", Data: entry}),
			files: []string{"a.md"}},
		{name: "path traversal", file: "evil.zip", data: zipOf(t,
			knowledge.BundleFile{Name: "../../etc/cron.d/x.md", Data: entry},
			knowledge.BundleFile{Name: "/abs.md", Data: entry},
			knowledge.BundleFile{Name: `zh\win.md`, Data: entry},
			knowledge.BundleFile{Name: "ok.md", Data: entry},
		), files: []string{"ok.md"}, problems: []string{"outside the archive", "absolute path", "backslash"}},
		{name: "not an entry file", file: "kb.zip", data: zipOf(t,
			knowledge.BundleFile{Name: "notes.txt", Data: []byte("x")},
			knowledge.BundleFile{Name: "a.md", Data: entry},
		), files: []string{"a.md"}, problems: []string{"notes.txt: not an entry file"}},
		{name: "member too large", file: "kb.zip", data: zipOf(t,
			knowledge.BundleFile{Name: "big.md", Data: bytes.Repeat([]byte("工"), knowledge.MaxEntryFileBytes)},
		), problems: []string{"big.md: the file is too large"}},
		{name: "empty archive", file: "kb.zip", data: zipOf(t), problems: []string{"no entry files"}},
		{name: "broken archive", file: "kb.zip", data: []byte("PK\x03\x04 not really"), problems: []string{"not a readable .zip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, ps := knowledge.ReadBundle(tc.file, tc.data)
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.files, ",") {
				t.Errorf("files = %v, want %v", names, tc.files)
			}
			if len(ps) != len(tc.problems) {
				t.Fatalf("problems = %v, want %d: %v", ps, len(tc.problems), tc.problems)
			}
			for i, want := range tc.problems {
				if !strings.Contains(ps[i].String(), want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, ps[i], want)
				}
			}
		})
	}
}

func TestReadBundleTooManyFiles(t *testing.T) {
	var files []knowledge.BundleFile
	for i := range knowledge.MaxBundleFiles + 1 {
		files = append(files, knowledge.BundleFile{Name: fmt.Sprintf("e%04d.md", i), Data: []byte("x")})
	}
	got, ps := knowledge.ReadBundle("kb.zip", zipOf(t, files...))
	if len(got) != knowledge.MaxBundleFiles || len(ps) != 1 || !strings.Contains(ps[0].Message, "too many files") {
		t.Errorf("read %d files with problems %v; want %d and one problem", len(got), ps, knowledge.MaxBundleFiles)
	}
}

func TestReadBundleFS(t *testing.T) {
	fsys := fstest.MapFS{
		"zh/a.md":         {Data: []byte("a")},
		"en/a.md":         {Data: []byte("b")},
		"README.md":       {Data: []byte("readme")},
		".git/HEAD.md":    {Data: []byte("x")},
		"laws/notes.txt":  {Data: []byte("x")},
		"zh/big.md":       {Data: bytes.Repeat([]byte("x"), knowledge.MaxEntryFileBytes+1)},
		"zh/.draft.md":    {Data: []byte("x")},
		"deep/er/path.md": {Data: []byte("c")},
	}
	files, ps := knowledge.ReadBundleFS(fsys)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "deep/er/path.md,en/a.md,zh/a.md" {
		t.Errorf("files = %s", got)
	}
	if len(ps) != 1 || ps[0].File != "zh/big.md" {
		t.Errorf("problems = %v, want the large file", ps)
	}
}

func TestCheckBundle(t *testing.T) {
	builtin, ps := knowledge.LoadEntriesFS(content.Files, nil)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	zh := []byte(canteenEntry(""))
	for _, tc := range []struct {
		name     string
		files    []knowledge.BundleFile
		items    []string // id:change, in the order of the files
		problems []string
		warnings []string
	}{
		{
			name:     "new Chinese entry alone",
			files:    []knowledge.BundleFile{{Name: "c.md", Data: zh}},
			items:    []string{"canteen-food-zh:new"},
			warnings: []string{"no English version"},
		},
		{
			name:  "both languages",
			files: []knowledge.BundleFile{{Name: "zh/c.md", Data: zh}, {Name: "en/c.md", Data: []byte(canteenEn("union"))}},
			items: []string{"canteen-food-zh:new", "canteen-food-en:new"},
		},
		{
			name:     "both languages, topics differ",
			files:    []knowledge.BundleFile{{Name: "zh/c.md", Data: zh}, {Name: "en/c.md", Data: []byte(canteenEn("wages"))}},
			items:    []string{"canteen-food-zh:new", "canteen-food-en:new"},
			problems: []string{"zh/c.md: canteen-food-zh has a different topic than its counterpart canteen-food-en"},
		},
		{
			name:     "folder and lang disagree",
			files:    []knowledge.BundleFile{{Name: "en/c.md", Data: zh}},
			problems: []string{"en/c.md: lang zh does not match the folder en/"},
		},
		{
			name:     "duplicate id",
			files:    []knowledge.BundleFile{{Name: "a.md", Data: zh}, {Name: "b.md", Data: zh}},
			items:    []string{"canteen-food-zh:new"},
			problems: []string{`b.md:2: id "canteen-food-zh" is also used by a.md`},
			warnings: []string{"no English version"},
		},
		{
			name:     "statute among entries",
			files:    []knowledge.BundleFile{{Name: "law.md", Data: []byte(newStatute)}},
			problems: []string{"law.md:1: this is a statute file"},
		},
		{
			name:  "unchanged built-in",
			files: []knowledge.BundleFile{{Name: "w.md", Data: builtinByID(t, builtin, "wages-arrears-basic-zh").Markdown()}},
			items: []string{"wages-arrears-basic-zh:unchanged"},
		},
		{
			name: "changed built-in, counterpart now differs; question of another entry",
			files: []knowledge.BundleFile{{Name: "w.md", Data: []byte(strings.Replace(
				strings.Replace(string(builtinByID(t, builtin, "wages-arrears-basic-zh").Markdown()), "topic: wages", "topic: dispute", 1),
				"questions:\n", "questions:\n  - 厂里食堂饭菜难吃又贵怎么办\n", 1))}, {Name: "c.md", Data: zh}},
			items: []string{"wages-arrears-basic-zh:update", "canteen-food-zh:new"},
			warnings: []string{"no English version", `question "厂里食堂饭菜难吃又贵怎么办" is also in entry wages-arrears-basic-zh`,
				"the English version wages-arrears-basic-en has a different topic: update it too",
				`question "厂里食堂饭菜难吃又贵怎么办" is also in entry canteen-food-zh`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := knowledge.CheckBundle(tc.files, nil, builtin)
			var items []string
			for _, it := range b.Items {
				items = append(items, it.Entry.ID+":"+string(it.Change))
			}
			if strings.Join(items, ",") != strings.Join(tc.items, ",") {
				t.Errorf("items = %v, want %v", items, tc.items)
			}
			wantAll(t, "problem", b.Problems, tc.problems)
			wantAll(t, "warning", b.Warnings, tc.warnings)
			if b.OK() != (len(tc.problems) == 0 && len(tc.items) > 0) {
				t.Errorf("OK() = %v with problems %v", b.OK(), b.Problems)
			}
		})
	}
}

func builtinByID(t *testing.T, entries []knowledge.Entry, id string) knowledge.Entry {
	t.Helper()
	for _, e := range entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no built-in entry %s", id)
	return knowledge.Entry{}
}

func wantAll(t *testing.T, kind string, got knowledge.Problems, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%ss = %v, want %d: %v", kind, got, len(want), want)
		return
	}
	for _, w := range want {
		if !strings.Contains(got.Error(), w) {
			t.Errorf("%ss lack %q:\n%v", kind, w, got)
		}
	}
}
