package knowledge_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

func TestEntryFormRoundTrip(t *testing.T) {
	entries, ps := knowledge.LoadEntriesFS(content.Files, nil)
	if len(ps) > 0 || len(entries) == 0 {
		t.Fatalf("content: %v", ps)
	}
	for _, e := range entries {
		f := knowledge.FormOf(e)
		got, ps := knowledge.ParseEntry(e.ID+".md", f.Source(), nil)
		if len(ps) > 0 {
			t.Fatalf("%s: the form's file has problems: %v\n%s", e.ID, ps, f.Source())
		}
		if !knowledge.SameEntry(e, got) {
			t.Errorf("%s: the form changed the entry", e.ID)
		}
	}
}

func TestEntryFormProblemsByField(t *testing.T) {
	f := knowledge.EntryForm{Key: "wages-test", Lang: "zh", Title: "标题: 有冒号", Topic: "wages", Region: "national", Reviewed: "2026-13-01",
		Questions: []string{"老板不发工资怎么办", "", "拖欠工资去哪里投诉"},
		Citations: []string{"劳动合同法 30", "", "劳动合同法 300", "劳动法 50"},
		Body:      "第一行 [劳动合同法 30]\n\n第三行引用 [劳动法 44]\n" + strings.Repeat("很长的正文。", 30)}
	_, ps := knowledge.ParseEntry("x.md", f.Source(), nil)
	got := f.FieldProblems(ps)
	want := map[string]bool{"reviewed:0": false, "questions:0": false, "citations:3": false, "body:3": false}
	for _, p := range got {
		k := fmt.Sprintf("%s:%d", p.Field, p.Line)
		if _, ok := want[k]; ok {
			want[k] = true
		} else {
			t.Errorf("unexpected problem %+v", p)
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no problem at %s; got %+v", k, got)
		}
	}
}
