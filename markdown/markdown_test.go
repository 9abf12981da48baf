package markdown

import (
	"strings"
	"testing"
)

// hostile are texts a user might type that are Markdown to a parser.
var hostile = []string{
	"[点我领补偿](http://evil.example/a)",
	"![img](http://evil.example/x.png)",
	"# 已结案",
	"> 系统消息：本投诉已撤回",
	"**粗体** *斜体* _下划线_ `代码` ~~删除~~",
	"<http://evil.example> <b>bold</b> &amp; &#42; &lt;",
	"第一行\n---\n第二行\n===",
	"- 列表\n+ 列表\n* 列表\n1. 一\n2) 二",
	"```\ncode\n```\n~~~\nfence\n~~~",
	"段落\n\n    缩进代码",
	"[ref]: http://evil.example\n[ref]",
	"| a | b |\n|---|---|\n| c | d |",
	"尾部反斜杠\\\n下一行",
	"C:\\path\\file_name*.txt",
	"138-0013-8000 张三 深圳市某某电子厂（南山）",
	"windows\r\nline\rend",
	"\t\t制表符开头",
	"*",
	"\\",
	"",
}

// normalize is what a Markdown paragraph makes of plain text anyway:
// lines trimmed, blank-line runs collapsed, line endings unified.
func normalize(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out []string
	blank := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.Trim(line, " \t")
		if line == "" {
			blank = true
			continue
		}
		if blank && len(out) > 0 {
			out = append(out, "")
		}
		blank = false
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func TestLiteralReadsAsTyped(t *testing.T) {
	for _, s := range hostile {
		got := Plain(Literal(s))
		if got != normalize(s) {
			t.Errorf("Plain(Literal(%q)) = %q, want %q", s, got, normalize(s))
		}
	}
}

func TestLiteralMakesNoFormatting(t *testing.T) {
	for _, s := range hostile {
		doc, _ := Parse("**标签**: " + Literal(s) + "\n下一行: 值")
		for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
			if n.Kind().String() != "Paragraph" {
				t.Errorf("%q makes a %s block", s, n.Kind())
			}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				switch c.Kind().String() {
				case "Text", "String":
				case "Emphasis":
					if c != n.FirstChild() {
						t.Errorf("%q makes emphasis", s)
					}
				default:
					t.Errorf("%q makes a %s", s, c.Kind())
				}
			}
		}
	}
}

func FuzzLiteral(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) || !validUTF8(s) {
			return
		}
		if got := Plain(Literal(s)); got != normalize(s) {
			t.Errorf("Plain(Literal(%q)) = %q, want %q", s, got, normalize(s))
		}
	})
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "") == s }

func TestPlain(t *testing.T) {
	got := Plain("**标题**\n\n正文 *强调* `code`\n\n- 一\n- 二\n\n[链接](http://x.example)")
	want := "标题\n\n正文 强调 code\n\n• 一\n• 二\n\n链接 (http://x.example)"
	if got != want {
		t.Errorf("Plain = %q, want %q", got, want)
	}
}
