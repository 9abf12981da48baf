package telegram

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf16"

	"github.com/yuin/goldmark/ast"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/markdown"
)

// MaxMessageLen is Telegram's limit on a message's text, in UTF-16 units
// after entity parsing. We split below it, counting the HTML source (which
// is never shorter than the parsed text), so a part is never refused.
const MaxMessageLen = 4096

// splitAt leaves room under MaxMessageLen.
const splitAt = 3900

// RenderHTML turns the bot's light Markdown into Telegram's HTML subset:
// **bold**, *italic*, `code`, links and lists (as bullet lines). Everything
// else is escaped text. It returns the rendered top-level blocks in order, so
// callers can split a long reply between blocks without breaking a tag.
func RenderHTML(md string) []string {
	doc, src := markdown.Parse(md)
	var blocks []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		var b strings.Builder
		renderBlock(&b, n, src, "")
		if s := strings.TrimRight(b.String(), "\n"); s != "" {
			blocks = append(blocks, s)
		}
	}
	return blocks
}

// MessagesHTML is a reply as the messages Telegram shows: its text
// rendered to Telegram HTML and split below the length limit (the buttons
// go under the last one). The web console previews entries with it.
func MessagesHTML(rep bot.Reply) []string {
	parts := SplitHTML(RenderHTML(rep.Text))
	if len(parts) == 0 {
		parts = []string{html.EscapeString(rep.Text)}
	}
	return parts
}

// SplitHTML packs rendered blocks into messages of at most splitAt UTF-16
// units. A single block larger than that is cut into plain-text pieces at
// line breaks (tags dropped), so no message carries a broken tag.
func SplitHTML(blocks []string) []string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for _, b := range blocks {
		if utf16Len(b) > splitAt {
			flush()
			parts = append(parts, cutPlain(b)...)
			continue
		}
		sep := ""
		if cur.Len() > 0 {
			sep = "\n\n"
		}
		if utf16Len(cur.String())+utf16Len(sep)+utf16Len(b) > splitAt {
			flush()
			sep = ""
		}
		cur.WriteString(sep + b)
	}
	flush()
	return parts
}

// cutPlain strips tags from an oversized block and cuts it at line breaks
// (or anywhere, for an endless line), escaping each piece again.
func cutPlain(block string) []string {
	plain := html.UnescapeString(stripTags(block))
	var parts []string
	var cur []rune
	curLen := 0
	for _, r := range plain {
		w := len(utf16.Encode([]rune{r}))
		if curLen+w > splitAt-200 && (r == '\n' || curLen+w > splitAt-100) {
			parts = append(parts, html.EscapeString(string(cur)))
			cur, curLen = cur[:0], 0
			if r == '\n' {
				continue
			}
		}
		cur = append(cur, r)
		curLen += w
	}
	if len(cur) > 0 {
		parts = append(parts, html.EscapeString(string(cur)))
	}
	return parts
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func renderBlock(b *strings.Builder, n ast.Node, src []byte, indent string) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		renderInlines(b, n, src)
		b.WriteString("\n")
	case *ast.Heading:
		b.WriteString("<b>")
		renderInlines(b, n, src)
		b.WriteString("</b>\n")
	case *ast.List:
		i := n.Start
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			marker := "• "
			if n.IsOrdered() {
				marker = fmt.Sprintf("%d. ", i)
				i++
			}
			b.WriteString(indent + marker)
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				if _, nested := c.(*ast.List); nested {
					renderBlock(b, c, src, indent+"  ")
					continue
				}
				renderBlock(b, c, src, indent)
			}
		}
	case *ast.Blockquote:
		b.WriteString("<blockquote>")
		var inner strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			renderBlock(&inner, c, src, indent)
		}
		b.WriteString(strings.TrimRight(inner.String(), "\n"))
		b.WriteString("</blockquote>\n")
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		b.WriteString("<pre>")
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.WriteString(html.EscapeString(string(seg.Value(src))))
		}
		b.WriteString("</pre>\n")
	case *ast.ThematicBreak:
		b.WriteString("——————\n")
	case *ast.HTMLBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.WriteString(html.EscapeString(string(seg.Value(src))))
		}
		b.WriteString("\n")
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			renderBlock(b, c, src, indent)
		}
	}
}

func renderInlines(b *strings.Builder, parent ast.Node, src []byte) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			// Escapes (\*, \[ from markdown.Literal) and entity
			// references show as the characters they stand for.
			b.WriteString(html.EscapeString(markdown.Unescape(n.Segment.Value(src))))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteString("\n")
			}
		case *ast.String:
			b.WriteString(html.EscapeString(markdown.Unescape(n.Value)))
		case *ast.Emphasis:
			tag := "i"
			if n.Level >= 2 {
				tag = "b"
			}
			b.WriteString("<" + tag + ">")
			renderInlines(b, n, src)
			b.WriteString("</" + tag + ">")
		case *ast.CodeSpan:
			// Code is verbatim: no escapes are read inside it.
			b.WriteString("<code>")
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.WriteString(html.EscapeString(string(t.Segment.Value(src))))
				}
			}
			b.WriteString("</code>")
		case *ast.Link:
			b.WriteString(`<a href="` + html.EscapeString(string(n.Destination)) + `">`)
			renderInlines(b, n, src)
			b.WriteString("</a>")
		case *ast.AutoLink:
			u := string(n.URL(src))
			b.WriteString(`<a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + "</a>")
		case *ast.RawHTML:
			segs := n.Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				b.WriteString(html.EscapeString(string(seg.Value(src))))
			}
		default:
			renderInlines(b, n, src)
		}
	}
}
