package knowledge_test

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// TestMarkdownRoundTripBuiltin: every built-in entry written out with
// Markdown parses back to the same entry, so /kb get and kb export give
// admins files they can edit and send again.
func TestMarkdownRoundTripBuiltin(t *testing.T) {
	laws := lawsIfPresent(t)
	entries, ps := knowledge.LoadEntriesFS(content.Files, laws)
	if len(ps) > 0 {
		t.Fatalf("built-in entries: %v", ps)
	}
	same := 0
	for _, e := range entries {
		md := e.Markdown()
		got, ps := knowledge.ParseEntry(e.ID+".md", md, laws)
		if len(ps) > 0 {
			t.Errorf("%s: Markdown does not parse: %v\n%s", e.ID, ps, md)
			continue
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("%s: round trip changed the entry:\ngot  %+v\nwant %+v", e.ID, got, e)
		}
		orig, err := fs.ReadFile(content.Files, e.Lang+"/"+e.Key+".md")
		if err == nil && bytes.Equal(orig, md) {
			same++
		}
	}
	// Most hand-written files are byte for byte what Markdown writes (the
	// rest differ in a blank line after the front matter): an export of the
	// built-in entries makes a small diff in a union's git repository.
	t.Logf("%d of %d built-in files are identical to their Markdown", same, len(entries))
	if same < len(entries)/2 {
		t.Errorf("only %d of %d built-in files are identical to their Markdown", same, len(entries))
	}
}

// TestMarkdownQuoting: text YAML would read as something else is quoted.
func TestMarkdownQuoting(t *testing.T) {
	e := knowledge.Entry{ID: "yaml-traps-en", Key: "yaml-traps", Lang: "en", Title: "Yes: no # not a comment",
		Topic: "wages", Region: "national", Reviewed: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Questions: []string{"yes", "- a dash", "\"quoted\" and 'single'", "1.5", "[not a list]", "null", "a: b", "@handle", "老板说：不干就走"},
		Citations: []knowledge.Citation{{Law: "劳动合同法", Article: 30}},
		Body:      "Body text [劳动合同法 30]" + strings.Repeat(" more words", 40),
	}
	got, ps := knowledge.ParseEntry("traps.md", e.Markdown(), nil)
	if len(ps) > 0 {
		t.Fatalf("problems: %v\n%s", ps, e.Markdown())
	}
	if !reflect.DeepEqual(got, e) {
		t.Errorf("round trip:\ngot  %#v\nwant %#v\n%s", got, e, e.Markdown())
	}
	if !strings.Contains(string(e.Markdown()), "\nreviewed: 2026-11-23\n") {
		t.Errorf("reviewed is not written as a plain date:\n%s", e.Markdown())
	}
}
