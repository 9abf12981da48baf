// Package docx writes an issued letter as a Word document (.docx), so a
// union can still change it in its own office software: the same layout
// as the PDF (letterhead in red over a red rule, number, title, body with
// first-line indents in a Song face at 16 pt, signature and date on the
// right, contact lines), on A4 with GB/T 9704 margins.
//
// A .docx is a zip of a few XML parts (ECMA-376, Office Open XML). No
// well-kept free Go library writes them (unioffice is paid), and a letter
// needs only paragraphs and runs, so this package writes the minimal
// package itself with archive/zip and encoding/xml escaping: content types,
// the package relationships, the document, its styles and settings, and
// the core properties.
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/laborbot/laborbot/letter"
)

// ContentType is the MIME type of a .docx file.
const ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Sizes in half-points (Word's unit for font sizes) and twentieths of a
// point (its unit for lengths).
const (
	bodyHalfPt  = 32 // 16 pt, 三号
	titleHalfPt = 44 // 22 pt, 二号
	headHalfPt  = 52 // 26 pt
	smallHalfPt = 24 // 12 pt
	red         = "C81010"
)

// Render returns the document as a .docx file. now stamps the package's
// core properties.
func Render(d letter.Document, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", document(d)},
		{"word/styles.xml", styles},
		{"word/settings.xml", settings},
		{"docProps/core.xml", core(d, now)},
		{"docProps/app.xml", app},
	}
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(xml.Header + p.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return buf.Bytes(), nil
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// para is one paragraph: alignment (left, center, right, both), a first
// line indent in characters (hundredths: 200 = two characters), spacing
// after in twentieths of a point, one run of text.
type para struct {
	text         string
	align        string
	indentChars  int
	halfPt       int
	color        string
	bold         bool
	after        int
	borderBottom string // a rule under the paragraph (color)
}

func (p para) xml() string {
	var b strings.Builder
	b.WriteString("<w:p><w:pPr>")
	if p.borderBottom != "" {
		b.WriteString(`<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="` + p.borderBottom + `"/></w:pBdr>`)
	}
	fmt.Fprintf(&b, `<w:spacing w:after="%d" w:line="%d" w:lineRule="exact"/>`, p.after, p.halfPt*10*18/10)
	if p.indentChars > 0 {
		fmt.Fprintf(&b, `<w:ind w:firstLineChars="%d"/>`, p.indentChars)
	}
	if p.align != "" {
		b.WriteString(`<w:jc w:val="` + p.align + `"/>`)
	}
	b.WriteString("</w:pPr>")
	if p.text != "" {
		b.WriteString("<w:r><w:rPr>")
		if p.bold {
			b.WriteString("<w:b/>")
		}
		if p.color != "" {
			b.WriteString(`<w:color w:val="` + p.color + `"/>`)
		}
		fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, p.halfPt, p.halfPt)
		b.WriteString(`</w:rPr><w:t xml:space="preserve">` + esc(p.text) + "</w:t></w:r>")
	}
	b.WriteString("</w:p>")
	return b.String()
}

func document(d letter.Document) string {
	var ps []para
	for i, line := range d.Letterhead {
		p := para{text: line, align: "center", halfPt: headHalfPt, color: red, bold: true}
		if i == len(d.Letterhead)-1 {
			p.after = 120
		}
		ps = append(ps, p)
	}
	ps = append(ps, para{text: d.Number, align: "center", halfPt: bodyHalfPt, borderBottom: red, after: 480})
	ps = append(ps, para{text: d.Title, align: "center", halfPt: titleHalfPt, bold: true, after: 240})
	if d.Recipient != "" {
		ps = append(ps, para{text: d.Recipient, halfPt: bodyHalfPt})
	}
	for _, p := range d.Paragraphs {
		ps = append(ps, para{text: p, align: "both", indentChars: 200, halfPt: bodyHalfPt})
	}
	ps = append(ps, para{halfPt: bodyHalfPt})
	ps = append(ps, para{text: d.Signature + "\u3000\u3000", align: "right", halfPt: bodyHalfPt})
	ps = append(ps, para{text: d.Date + "\u3000\u3000", align: "right", halfPt: bodyHalfPt, after: 480})
	for i, f := range d.Footer {
		p := para{text: f, halfPt: smallHalfPt}
		if i == 0 {
			// A thin rule above the contact lines: a top border would
			// need another element; an empty bordered paragraph does it.
			ps = append(ps, para{halfPt: 8, borderBottom: "000000"})
		}
		ps = append(ps, p)
	}
	var b strings.Builder
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	for _, p := range ps {
		b.WriteString(p.xml())
	}
	// A4 (11906 × 16838 twentieths of a point), GB/T 9704 margins: top
	// 37 mm, bottom 35, left 28, right 26.
	b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>`)
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

func core(d letter.Document, now time.Time) string {
	ts := now.UTC().Format("2006-01-02T15:04:05Z")
	return `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(d.Title+" "+d.Number) + `</dc:title><dc:creator>` + esc(d.Signature) + `</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified></cp:coreProperties>`
}

const contentTypes = `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`</Relationships>`

// styles set the document's default face: SimSun (宋体) for Chinese, the
// face Word and WPS have on every Chinese system, Times New Roman for
// Latin letters and digits.
const styles = `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/>` +
	`<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`</w:styles>`

const settings = `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>`

const app = `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>laborbot</Application></Properties>`

// Text checks that data is a well-formed .docx package, as a word
// processor needs it — a zip whose [Content_Types].xml declares every part,
// whose relationships point at parts that exist, the main document among
// them, and whose XML parts all parse — and returns the document's text,
// a line per paragraph. The tests use it on what Render writes.
func Text(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("docx: not a zip: %w", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(rc)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("docx: %s: %w", f.Name, err)
		}
		parts[f.Name] = b.Bytes()
	}
	var types struct {
		Defaults []struct {
			Extension string `xml:",attr"`
		} `xml:"Default"`
		Overrides []struct {
			PartName string `xml:",attr"`
		} `xml:"Override"`
	}
	ct, ok := parts["[Content_Types].xml"]
	if !ok {
		return "", fmt.Errorf("docx: no [Content_Types].xml")
	}
	if err := xml.Unmarshal(ct, &types); err != nil {
		return "", fmt.Errorf("docx: [Content_Types].xml: %w", err)
	}
	declared := map[string]bool{}
	for _, o := range types.Overrides {
		if _, ok := parts[strings.TrimPrefix(o.PartName, "/")]; !ok {
			return "", fmt.Errorf("docx: %s is declared but missing", o.PartName)
		}
		declared[strings.TrimPrefix(o.PartName, "/")] = true
	}
	exts := map[string]bool{}
	for _, d := range types.Defaults {
		exts[d.Extension] = true
	}
	for name, body := range parts {
		if ext := name[strings.LastIndex(name, ".")+1:]; !declared[name] && !exts[ext] {
			return "", fmt.Errorf("docx: %s has no content type", name)
		}
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := dec.Token(); err != nil {
					if errors.Is(err, io.EOF) {
						break
					}
					return "", fmt.Errorf("docx: %s: %w", name, err)
				}
			}
		}
	}
	var rels struct {
		Rels []struct {
			Type   string `xml:",attr"`
			Target string `xml:",attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(parts["_rels/.rels"], &rels); err != nil {
		return "", fmt.Errorf("docx: _rels/.rels: %w", err)
	}
	main := ""
	for _, r := range rels.Rels {
		if _, ok := parts[r.Target]; !ok {
			return "", fmt.Errorf("docx: relationship to missing part %s", r.Target)
		}
		if strings.HasSuffix(r.Type, "/officeDocument") {
			main = r.Target
		}
	}
	if main == "" || !declared[main] {
		return "", fmt.Errorf("docx: no main document")
	}
	var doc struct {
		Paras []struct {
			Runs []struct {
				Text []string `xml:"t"`
			} `xml:"r"`
		} `xml:"body>p"`
	}
	if err := xml.Unmarshal(parts[main], &doc); err != nil {
		return "", fmt.Errorf("docx: %s: %w", main, err)
	}
	var out strings.Builder
	for _, p := range doc.Paras {
		for _, r := range p.Runs {
			out.WriteString(strings.Join(r.Text, ""))
		}
		out.WriteString("\n")
	}
	return out.String(), nil
}
