// Package pdf lays an issued letter out as an A4 PDF with
// github.com/signintech/gopdf: the letterhead in red over a red rule, the
// number, the title, the body in a Song face at 16 pt (三号, as Chinese
// official documents are set, GB/T 9704's margins), the signature and date
// on the right, the union's contact lines, page numbers. The Chinese font
// (assets/fonts) is embedded as a subset of the glyphs used, so the file
// reads the same on any machine.
package pdf

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"

	"github.com/laborbot/laborbot/assets/fonts"
	"github.com/laborbot/laborbot/letter"
)

// Page geometry in points (1 mm = 72/25.4 pt): A4, GB/T 9704 margins.
const (
	mm          = 72.0 / 25.4
	pageW       = 210 * mm
	pageH       = 297 * mm
	marginTop   = 37 * mm
	marginLeft  = 28 * mm
	marginRight = 26 * mm
	marginBot   = 35 * mm
	textW       = pageW - marginLeft - marginRight

	bodySize  = 16.0 // 三号
	bodyLead  = 28.5 // 22 lines a page
	titleSize = 22.0 // 二号
	headSize  = 26.0
	smallSize = 12.0
	family    = "song"
)

// Render returns the letter's document as a PDF, and the characters the
// font has no glyph for (drawn as □; a rare character in a name: the DOCX
// keeps it).
func Render(d letter.Document) ([]byte, []rune, error) {
	var mu sync.Mutex
	missing := map[rune]bool{}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title + " " + d.Number, Author: d.Signature, Creator: "laborbot", Producer: "laborbot"})
	err := pdf.AddTTFFontDataWithOption(family, fonts.CJK(), gopdf.TtfOption{
		OnGlyphNotFoundSubstitute: func(r rune) rune {
			mu.Lock()
			missing[r] = true
			mu.Unlock()
			return '□'
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("pdf: font: %w", err)
	}
	w := &writer{pdf: pdf}
	pdf.AddFooter(func() {
		_ = pdf.SetFont(family, "", smallSize)
		pdf.SetTextColor(0, 0, 0)
		pdf.SetXY(marginLeft, pageH-marginBot+14*mm)
		_ = pdf.CellWithOption(&gopdf.Rect{W: textW, H: smallSize}, fmt.Sprintf("— %d —", w.page), gopdf.CellOption{Align: gopdf.Center})
	})
	w.newPage()
	if err := w.letter(d); err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := pdf.Write(&buf); err != nil {
		return nil, nil, fmt.Errorf("pdf: %w", err)
	}
	var out []rune
	for r := range missing {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return buf.Bytes(), out, nil
}

type writer struct {
	pdf  *gopdf.GoPdf
	y    float64
	page int
}

func (w *writer) newPage() {
	w.page++ // before AddPage: it draws the footer with the number
	w.pdf.AddPage()
	w.y = marginTop
}

// room starts a new page unless h more points fit on this one.
func (w *writer) room(h float64) {
	if w.y+h > pageH-marginBot {
		w.newPage()
	}
}

func (w *writer) font(size float64) error { return w.pdf.SetFont(family, "", size) }

// line makes room for a line of lead points and moves there, with the
// font size set again (a new page's footer changes it).
func (w *writer) line(lead, size float64) error {
	w.room(lead)
	w.pdf.SetXY(marginLeft, w.y)
	return w.font(size)
}

// centered writes one line across the text width, centered.
func (w *writer) centered(text string, size, lead float64) error {
	if err := w.font(size); err != nil {
		return err
	}
	lines, err := w.split(text)
	if err != nil {
		return err
	}
	for _, line := range lines {
		if err := w.line(lead, size); err != nil {
			return err
		}
		if err := w.pdf.CellWithOption(&gopdf.Rect{W: textW, H: lead}, line, gopdf.CellOption{Align: gopdf.Center | gopdf.Middle}); err != nil {
			return err
		}
		w.y += lead
	}
	return nil
}

// paragraph writes text wrapped to the text width, the first line
// indented by indent (full-width spaces), aligned left or right.
func (w *writer) paragraph(text, indent string, size, lead float64, right bool) error {
	if err := w.font(size); err != nil {
		return err
	}
	lines, err := w.split(indent + text)
	if err != nil {
		return err
	}
	for _, line := range lines {
		if err := w.line(lead, size); err != nil {
			return err
		}
		align := gopdf.Left | gopdf.Middle
		if right {
			align = gopdf.Right | gopdf.Middle
		}
		if err := w.pdf.CellWithOption(&gopdf.Rect{W: textW, H: lead}, line, gopdf.CellOption{Align: align}); err != nil {
			return err
		}
		w.y += lead
	}
	return nil
}

func (w *writer) letter(d letter.Document) error {
	// Letterhead: the union's name in red over a red rule, the number
	// between them, as a union's own documents are headed.
	w.pdf.SetTextColor(200, 16, 16)
	for _, line := range d.Letterhead {
		if err := w.centered(line, headSize, headSize*1.45); err != nil {
			return err
		}
	}
	w.pdf.SetTextColor(0, 0, 0)
	w.y += 6
	if err := w.centered(d.Number, bodySize, bodyLead); err != nil {
		return err
	}
	w.pdf.SetStrokeColor(200, 16, 16)
	w.pdf.SetLineWidth(1.6)
	w.pdf.Line(marginLeft, w.y+4, pageW-marginRight, w.y+4)
	w.y += 24
	if err := w.centered(d.Title, titleSize, titleSize*1.6); err != nil {
		return err
	}
	w.y += 10
	if d.Recipient != "" {
		if err := w.paragraph(d.Recipient, "", bodySize, bodyLead, false); err != nil {
			return err
		}
	}
	for _, p := range d.Paragraphs {
		if err := w.paragraph(p, "\u3000\u3000", bodySize, bodyLead, false); err != nil {
			return err
		}
	}
	// Signature and date on the right, kept together on one page.
	w.y += bodyLead
	w.room(2 * bodyLead)
	if err := w.paragraph(d.Signature+"\u3000\u3000", "", bodySize, bodyLead, true); err != nil {
		return err
	}
	if err := w.paragraph(d.Date+"\u3000\u3000", "", bodySize, bodyLead, true); err != nil {
		return err
	}
	if len(d.Footer) > 0 {
		w.y += bodyLead / 2
		w.room(float64(len(d.Footer)) * 20)
		w.pdf.SetStrokeColor(0, 0, 0)
		w.pdf.SetLineWidth(0.6)
		w.pdf.Line(marginLeft, w.y, pageW-marginRight, w.y)
		w.y += 6
		for _, f := range d.Footer {
			if err := w.paragraph(f, "", smallSize, 20, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// Line breaking as Chinese typesetting does it: a line may break between
// any two Chinese characters, but not inside a run of Latin letters and
// digits (18,000.00 stays whole), a closing mark (，。）” …) never starts a
// line (it hangs in the margin instead) and an opening mark (（“《) never
// ends one.
const (
	closing = "，。、；：？！）》」』”’〕】,.;:?!)%"
	opening = "（《「『“‘〔【("
)

// tokens splits text into what a line break may not cut.
func tokens(text string) []string {
	var out []string
	var run []rune
	flush := func() {
		if len(run) > 0 {
			out = append(out, string(run))
			run = run[:0]
		}
	}
	for _, r := range text {
		latin := r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(",.%-/:@+", r))
		if latin {
			run = append(run, r)
			continue
		}
		flush()
		out = append(out, string(r))
	}
	flush()
	return out
}

// split breaks text into lines of the text width in the current font.
func (w *writer) split(text string) ([]string, error) {
	var lines []string
	var cur []string
	width := 0.0
	for _, tok := range tokens(text) {
		tw, err := w.pdf.MeasureTextWidth(tok)
		if err != nil {
			return nil, err
		}
		hang := len([]rune(tok)) == 1 && strings.Contains(closing, tok)
		if width+tw > textW && len(cur) > 0 && !hang {
			// An opening mark moves down with what it opens.
			var carry []string
			for len(cur) > 1 && strings.Contains(opening, cur[len(cur)-1]) {
				carry = append([]string{cur[len(cur)-1]}, carry...)
				cur = cur[:len(cur)-1]
			}
			lines = append(lines, strings.Join(cur, ""))
			cur, width = carry, 0
			for _, c := range carry {
				cw, _ := w.pdf.MeasureTextWidth(c)
				width += cw
			}
		}
		cur = append(cur, tok)
		width += tw
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, ""))
	}
	return lines, nil
}
