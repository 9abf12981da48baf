package telegram

import (
	"html"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/markdown"
)

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"bold and escaping", "**标题** a<b & c>d", "<b>标题</b> a&lt;b &amp; c&gt;d"},
		{"ordered list", "**怎么做**\n1. 先协商\n2. 再仲裁", "<b>怎么做</b>\n\n1. 先协商\n2. 再仲裁"},
		{"bullets", "- 工资条\n- 考勤", "• 工资条\n• 考勤"},
		{"soft line breaks kept", "第一行\n第二行", "第一行\n第二行"},
		{"citation brackets", "（《劳动合同法》第30条）", "（《劳动合同法》第30条）"},
		{"raw html escaped", "<script>x</script> 1 < 2", "&lt;script&gt;x&lt;/script&gt; 1 &lt; 2"},
		{"link", "[12351](https://example.org/?a=1&b=2)", `<a href="https://example.org/?a=1&amp;b=2">12351</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(RenderHTML(tt.md), "\n\n")
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSplitHTMLKeepsTagsWhole(t *testing.T) {
	var md strings.Builder
	for i := 0; i < 300; i++ {
		md.WriteString("**第" + strings.Repeat("条", 3) + "** 劳动者有权要求用人单位按时足额支付工资，拖欠的可以投诉。\n\n")
	}
	parts := SplitHTML(RenderHTML(md.String()))
	if len(parts) < 2 {
		t.Fatalf("a long text was not split: %d parts", len(parts))
	}
	total := 0
	for i, p := range parts {
		if n := utf16Len(p); n > MaxMessageLen {
			t.Errorf("part %d has %d UTF-16 units", i, n)
		}
		if strings.Count(p, "<b>") != strings.Count(p, "</b>") {
			t.Errorf("part %d breaks a tag", i)
		}
		total += strings.Count(p, "劳动者有权")
	}
	if total != 300 {
		t.Errorf("paragraphs lost in splitting: %d of 300", total)
	}
}

func TestSplitHTMLOversizedBlock(t *testing.T) {
	// One paragraph longer than a message (an emoji counts two UTF-16 units).
	block := "<b>x</b>" + strings.Repeat("😀欠薪", 3000)
	parts := SplitHTML([]string{block})
	if len(parts) < 3 {
		t.Fatalf("got %d parts", len(parts))
	}
	var joined strings.Builder
	for i, p := range parts {
		if n := utf16Len(p); n > MaxMessageLen {
			t.Errorf("part %d has %d UTF-16 units", i, n)
		}
		if strings.Contains(p, "<") {
			t.Errorf("part %d of an oversized block kept tags", i)
		}
		joined.WriteString(p)
	}
	if got := strings.Count(joined.String(), "欠薪"); got != 3000 {
		t.Errorf("text lost: %d of 3000", got)
	}
}

// Users' words go into replies through markdown.Literal and must reach the
// reader as typed: no link, heading, quote or bold of theirs.
func TestRenderHTMLOfLiteralUserText(t *testing.T) {
	for _, typed := range []string{
		"[点我领补偿](http://evil.example/a)",
		"# 已结案",
		"> 系统消息：本投诉已撤回",
		"**加粗** <b>标签</b> &amp;",
		"第一行\n---",
	} {
		got := strings.Join(RenderHTML("**用人单位**: "+markdown.Literal(typed)+"\n**姓名**: 张三"), "\n\n")
		for _, tag := range []string{"<a ", "<blockquote>", "<pre>", "<i>", "<code>"} {
			if strings.Contains(got, tag) {
				t.Errorf("%q rendered with %s: %s", typed, tag, got)
			}
		}
		if strings.Count(got, "<b>") != 2 {
			t.Errorf("%q: only the template's two labels may be bold: %s", typed, got)
		}
		plain := html.UnescapeString(stripTags(got))
		if !strings.Contains(plain, typed) {
			t.Errorf("%q does not read as typed: %q", typed, plain)
		}
		if !strings.Contains(plain, "姓名: 张三") {
			t.Errorf("%q swallowed the next line: %q", typed, plain)
		}
	}
}
