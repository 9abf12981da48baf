// Package markdown is the light Markdown the bot writes its replies in
// (bold, italics, lists, code; see bot.Reply), and what keeps the words of
// users from being read as Markdown.
//
// Only the bot's own templates may format. Everything a user typed (an
// employer, a description, a relayed reply, a name) goes into a reply
// through Literal, so that every channel (Telegram, the terminal, web
// pages) shows it as typed: a "[prize](http://…)" stays text, not a link,
// and "# closed" or "> system message" stay one line, not a heading or a
// quote that swallows the lines after it.
package markdown

import (
	"bufio"
	"bytes"
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Literal returns s as Markdown that reads as s itself: every ASCII
// punctuation character is backslash-escaped (CommonMark allows this for
// all of them, and it is what stops emphasis, links, images, autolinks,
// raw HTML, entities, headings, quotes, lists, fences and tables), and
// leading spaces and tabs of each line are dropped (they would make an
// indented code block). Line breaks are kept.
func Literal(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	lineStart := true
	for _, r := range s {
		if lineStart && (r == ' ' || r == '\t') {
			continue
		}
		lineStart = r == '\n'
		if isASCIIPunct(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCIIPunct(r rune) bool {
	return r >= '!' && r <= '/' || r >= ':' && r <= '@' || r >= '[' && r <= '`' || r >= '{' && r <= '~'
}

// Unescape is the text a Markdown text node shows: backslash escapes and
// entity references resolved, as CommonMark reads them. Renderers that
// walk goldmark's tree themselves use it for ast.Text segments.
func Unescape(value []byte) string {
	if bytes.IndexByte(value, '\\') < 0 && bytes.IndexByte(value, '&') < 0 {
		return string(value)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	// goldmark's writer resolves escapes and references in one pass (so
	// an escaped "\&amp;" stays "&amp;") and writes HTML-escaped text.
	gmhtml.DefaultWriter.Write(w, value)
	_ = w.Flush()
	return html.UnescapeString(buf.String())
}

// Parse parses md with the parser every channel uses (CommonMark, no
// extensions), so that all channels agree on what is formatting.
func Parse(md string) (ast.Node, []byte) {
	src := []byte(md)
	return goldmark.New().Parser().Parse(text.NewReader(src)), src
}

// Plain renders md as plain text for channels without formatting (a
// terminal): formatting marks are dropped, list items become "• " lines,
// a link shows its text and then its address in parentheses, and escaped
// characters show as themselves.
func Plain(md string) string {
	doc, src := Parse(md)
	var b strings.Builder
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		var blk strings.Builder
		plainBlock(&blk, n, src, "")
		if s := strings.TrimRight(blk.String(), "\n"); s != "" {
			if b.Len() > 0 {
				b.WriteString("\n\n")
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

func plainBlock(b *strings.Builder, n ast.Node, src []byte, indent string) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		plainInlines(b, n, src)
		b.WriteString("\n")
	case *ast.List:
		i := n.Start
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			marker := "• "
			if n.IsOrdered() {
				marker = strconv.Itoa(i) + ". "
				i++
			}
			b.WriteString(indent + marker)
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				if _, nested := c.(*ast.List); nested {
					plainBlock(b, c, src, indent+"  ")
					continue
				}
				plainBlock(b, c, src, indent)
			}
		}
	case *ast.Blockquote:
		var inner strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			plainBlock(&inner, c, src, indent)
		}
		for _, line := range strings.Split(strings.TrimRight(inner.String(), "\n"), "\n") {
			b.WriteString("│ " + line + "\n")
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		b.WriteString("\n")
	case *ast.ThematicBreak:
		b.WriteString("——————\n")
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			plainBlock(b, c, src, indent)
		}
	}
}

func plainInlines(b *strings.Builder, parent ast.Node, src []byte) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			b.WriteString(Unescape(n.Segment.Value(src)))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteString("\n")
			}
		case *ast.String:
			b.WriteString(Unescape(n.Value))
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
		case *ast.Link:
			var label strings.Builder
			plainInlines(&label, n, src)
			b.WriteString(label.String())
			if dest := string(n.Destination); dest != "" && dest != label.String() {
				b.WriteString(" (" + dest + ")")
			}
		case *ast.AutoLink:
			b.Write(n.URL(src))
		case *ast.RawHTML:
			segs := n.Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				b.Write(seg.Value(src))
			}
		default:
			plainInlines(b, n, src)
		}
	}
}
