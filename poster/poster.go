// Package poster makes the posters a union puts up at a construction site,
// a factory gate or a branch office: the union's name, a title, the QR code
// of the web chat's link (with a source tag, so the union can count which
// poster brought whom), the link in words and the union hotline 12351, as
// a PNG (for WeChat groups and screens) and a printable A4 PDF.
//
// The Chinese font is the one package assets/fonts embeds for every part
// that draws text (AR PL SungtiL GB, with its licence); the PDF embeds the
// glyphs it uses, so it prints the same anywhere.
package poster

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/laborbot/laborbot/assets/fonts"
)

func loadFont() ([]byte, error) { return fonts.CJK(), nil }

// Hotline is the national trade-union hotline every poster shows.
const Hotline = "12351"

// Poster is what a poster says.
type Poster struct {
	Union  string // the union's name, e.g. "深圳市宝安区总工会"
	Title  string // the headline, e.g. "工资被拖欠？先问问工会"
	Link   string // the web chat's link with its source tag
	Source string // the tag, printed small for the union's own records
}

// Link is the web chat's address for a poster: base (the site's public
// URL) + /chat?src=TAG.
func Link(base, source string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not the site's base URL (like https://help.union.example)", base)
	}
	if !ValidSource(source) {
		return "", fmt.Errorf("source tag %q: use 1-32 of a-z, 0-9, - and _ (e.g. site-baoan-7)", source)
	}
	return u.String() + "/chat?src=" + source, nil
}

// ValidSource is the web chat's rule for source tags.
func ValidSource(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (p Poster) check() error {
	switch {
	case strings.TrimSpace(p.Union) == "":
		return errors.New("poster: the union's name is missing")
	case strings.TrimSpace(p.Title) == "":
		return errors.New("poster: the title is missing")
	case utf8.RuneCountInString(p.Title) > 40:
		return errors.New("poster: the title is longer than 40 characters: a poster is read from a few steps away")
	case p.Link == "":
		return errors.New("poster: the link is missing")
	}
	return nil
}

// The fixed words of a poster.
const (
	scanLine  = "微信扫一扫 · 手机浏览器也能打开"
	freeLine  = "免费 · 匿名 · 不用下载 App · 不用注册"
	askLine   = "问工资、加班、社保、合同、辞退、工伤，可以申请工会调解"
	hotline   = "工会服务热线 " + Hotline
	enLine    = "Free labor-law help from the union: scan, or call " + Hotline
	sourceFmt = "来源 source: %s"
)

// qr is the link's QR code, with medium error correction (a poster gets
// dirty and torn at the corners).
func qr(link string, size int) (image.Image, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = false
	return q.Image(size), nil
}

// Colours: the union's red and near-black text.
var (
	red  = color.RGBA{0xb3, 0x26, 0x1e, 0xff}
	ink  = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	grey = color.RGBA{0x65, 0x6d, 0x76, 0xff}
)

// PNG draws the poster as a 1240×1754 image (A4 at 150 dpi).
func (p Poster) PNG() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	ttf, err := loadFont()
	if err != nil {
		return nil, err
	}
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("poster: font: %w", err)
	}
	const w, h = 1240, 1754
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, w, 150), image.NewUniform(red), image.Point{}, draw.Src)
	face := func(size float64) font.Face {
		fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		return fc
	}
	text := func(s string, size float64, c color.Color, y int) int {
		fc := face(size)
		defer fc.Close()
		for _, line := range wrap(s, func(s string) float64 { return float64(font.MeasureString(fc, s).Round()) }, w-140) {
			width := font.MeasureString(fc, line).Round()
			d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: fc, Dot: fixed.P((w-width)/2, y+int(size))}
			d.DrawString(line)
			y += int(size * 1.35)
		}
		return y
	}
	text(p.Union, 64, color.White, 38)
	y := text(p.Title, 96, ink, 230)
	y = text(askLine, 40, ink, y+30)
	code, err := qr(p.Link, 720)
	if err != nil {
		return nil, err
	}
	top := y + 30
	draw.Draw(img, image.Rect((w-720)/2, top, (w+720)/2, top+720), code, image.Point{}, draw.Src)
	y = text(scanLine, 44, ink, top+730)
	y = text(p.Link, 28, grey, y+6)
	y = text(hotline, 80, red, y+30)
	y = text(freeLine, 40, ink, y+10)
	text(enLine, 28, grey, y+10)
	text(fmt.Sprintf(sourceFmt, p.Source), 22, grey, h-50)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PDF lays the poster out on an A4 page, the font's glyphs embedded.
func (p Poster) PDF() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	ttf, err := loadFont()
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: p.Title, Author: p.Union, Subject: "laborbot poster " + p.Source})
	if err := pdf.AddTTFFontData("cjk", ttf); err != nil {
		return nil, fmt.Errorf("poster: font: %w", err)
	}
	pdf.AddPage()
	const w, h = 595.28, 841.89
	pdf.SetFillColor(red.R, red.G, red.B)
	pdf.RectFromUpperLeftWithStyle(0, 0, w, 72, "F")
	text := func(s string, size float64, c color.RGBA, y float64) (float64, error) {
		if err := pdf.SetFont("cjk", "", size); err != nil {
			return y, err
		}
		pdf.SetTextColor(c.R, c.G, c.B)
		measure := func(s string) float64 { v, _ := pdf.MeasureTextWidth(s); return v }
		for _, line := range wrap(s, measure, w-70) {
			pdf.SetXY((w-measure(line))/2, y)
			if err := pdf.Cell(nil, line); err != nil {
				return y, err
			}
			y += size * 1.35
		}
		return y, nil
	}
	steps := []struct {
		s    string
		size float64
		c    color.RGBA
		gap  float64
	}{{p.Union, 30, color.RGBA{255, 255, 255, 255}, 0}, {p.Title, 44, ink, 0}, {askLine, 18, ink, 12}}
	y := 20.0
	for i, st := range steps {
		if i == 1 {
			y = 110
		}
		if y, err = text(st.s, st.size, st.c, y+st.gap); err != nil {
			return nil, err
		}
	}
	code, err := qr(p.Link, 1024)
	if err != nil {
		return nil, err
	}
	const side = 340.0
	top := y + 14
	if err := pdf.ImageFrom(code, (w-side)/2, top, &gopdf.Rect{W: side, H: side}); err != nil {
		return nil, err
	}
	y = top + side + 8
	for _, st := range []struct {
		s    string
		size float64
		c    color.RGBA
		gap  float64
	}{{scanLine, 20, ink, 0}, {p.Link, 12, grey, 2}, {hotline, 36, red, 14}, {freeLine, 18, ink, 4}, {enLine, 12, grey, 6}} {
		if y, err = text(st.s, st.size, st.c, y+st.gap); err != nil {
			return nil, err
		}
	}
	if _, err := text(fmt.Sprintf(sourceFmt, p.Source), 9, grey, h-30); err != nil {
		return nil, err
	}
	return pdf.GetBytesPdfReturnErr()
}

// wrap breaks s into lines no wider than width: between any two Chinese
// characters, at spaces in other text.
func wrap(s string, measure func(string) float64, width float64) []string {
	var lines []string
	var line []rune
	lastBreak := -1
	for _, r := range s {
		line = append(line, r)
		if r == ' ' || r >= 0x2e80 {
			lastBreak = len(line)
		}
		if measure(string(line)) <= width || len(line) == 1 {
			continue
		}
		cut := len(line) - 1
		if r < 0x2e80 && lastBreak > 0 && lastBreak < len(line) {
			cut = lastBreak
		}
		lines = append(lines, strings.TrimSpace(string(line[:cut])))
		line = append([]rune(nil), line[cut:]...)
		lastBreak = -1
	}
	if len(line) > 0 {
		lines = append(lines, strings.TrimSpace(string(line)))
	}
	return lines
}
