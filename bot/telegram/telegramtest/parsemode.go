package telegramtest

import (
	"fmt"
	"html"
	"strings"
)

// Model output routinely contains text that Telegram refuses to parse ("a <
// b", "<br>", "第1条." in MarkdownV2), and in production that refusal loses
// the whole answer. These checks reject what Telegram certainly rejects, with
// its wording, and return the visible text for the length limit. They do not
// check everything Telegram does (MarkdownV2 entity pairing, for one), so a
// text accepted here may still be refused there, never the other way round.

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true,
	"tg-time": true,
}

func checkHTML(text string) (string, *apiError) {
	var vis strings.Builder
	var open []string
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", badRequest(fmt.Sprintf("can't parse entities: Unclosed start tag at byte offset %d", i))
			}
			tag := text[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if j := strings.IndexAny(name, " \t\r\n"); j >= 0 {
				name = name[:j]
			}
			name = strings.ToLower(name)
			if closing {
				if len(open) == 0 || open[len(open)-1] != name {
					return "", badRequest(fmt.Sprintf("can't parse entities: Unexpected end tag at byte offset %d", i))
				}
				open = open[:len(open)-1]
			} else {
				if !htmlTags[name] {
					return "", badRequest(fmt.Sprintf("can't parse entities: Unsupported start tag %q at byte offset %d", name, i))
				}
				open = append(open, name)
			}
			i += end + 1
		case '&':
			// A named or numeric entity counts as one character; a bare
			// '&' is passed through.
			if j := strings.IndexByte(text[i:], ';'); j > 1 && j <= 10 {
				if u := html.UnescapeString(text[i : i+j+1]); u != text[i:i+j+1] {
					vis.WriteString(u)
					i += j + 1
					continue
				}
			}
			vis.WriteByte('&')
			i++
		default:
			vis.WriteByte(text[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", badRequest(fmt.Sprintf("can't parse entities: Can't find end tag corresponding to start tag %q", open[len(open)-1]))
	}
	return vis.String(), nil
}

func checkMarkdownV2(text string) (string, *apiError) {
	var vis strings.Builder
	reserved := func(i int) *apiError {
		return badRequest(fmt.Sprintf("can't parse entities: Character '%c' is reserved and must be escaped with the preceding '\\'", text[i]))
	}
	var inCode, inPre, inURL bool
	start := 0     // byte offset where the open code or pre entity began
	lineStart := 0 // byte offset of the current line
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			lineStart = i + 1
		}
		if c == '\\' && i+1 < len(text) {
			if !inURL {
				vis.WriteByte(text[i+1])
			}
			i++
			continue
		}
		switch {
		case inPre:
			if strings.HasPrefix(text[i:], "```") {
				inPre = false
				i += 2
			} else {
				vis.WriteByte(c)
			}
			continue
		case inCode:
			if c == '`' {
				inCode = false
			} else {
				vis.WriteByte(c)
			}
			continue
		case inURL:
			if c == ')' {
				inURL = false
			}
			continue
		}
		switch c {
		case '`':
			start = i
			if strings.HasPrefix(text[i:], "```") {
				inPre = true
				i += 2
			} else {
				inCode = true
			}
		case ']':
			if i+1 < len(text) && text[i+1] == '(' {
				inURL = true
				i++
			}
		case '*', '_', '~', '[':
			// Entity delimiters: not visible.
		case '|':
			if i+1 >= len(text) || text[i+1] != '|' {
				return "", reserved(i)
			}
			i++
		case '>':
			// A blockquote starts a line, possibly after "**" (expandable).
			if strings.Trim(text[lineStart:i], "*") != "" {
				return "", reserved(i)
			}
		case '!':
			if i+1 >= len(text) || text[i+1] != '[' {
				return "", reserved(i)
			}
		case '#', '+', '-', '=', '{', '}', '.', '(', ')':
			return "", reserved(i)
		default:
			vis.WriteByte(c)
		}
	}
	if inCode || inPre {
		return "", badRequest(fmt.Sprintf("can't parse entities: Can't find end of the entity starting at byte offset %d", start))
	}
	return vis.String(), nil
}

// PlainText is what a Telegram client shows of an HTML-formatted text: the
// text without its tags, entities decoded. Text that Telegram would refuse
// is returned as it is.
func PlainText(htmlText string) string {
	vis, err := checkHTML(htmlText)
	if err != nil {
		return htmlText
	}
	return vis
}
