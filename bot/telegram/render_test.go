package telegram

import (
	"strings"
	"testing"
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
