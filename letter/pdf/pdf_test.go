package pdf_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/letter/pdf"
)

func sampleDocument(paragraphs int) letter.Document {
	d := letter.Document{Letterhead: []string{"成都市某某区总工会"}, Number: "工提〔2026〕7号", Title: "劳动法律监督提示函",
		Recipient: "四川某某电子科技有限公司：", Signature: "成都市某某区总工会", Date: "2026年6月15日",
		Footer: []string{"联系人：李明　　联系电话：028-12345678", "地址：成都市某某区某某路1号"}}
	for i := range paragraphs {
		d.Paragraphs = append(d.Paragraphs, strings.Repeat("职工反映贵单位拖欠工资合计18,000.00元，依照《中华人民共和国劳动法》第五十条的规定，", 1+i%3))
	}
	return d
}

// pdfText extracts a PDF's text with poppler's pdftotext (skipped where it
// is missing, failed in CI).
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is missing")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRenderCJK(t *testing.T) {
	data, missing, err := pdf.Render(sampleDocument(3))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(20, len(data))])
	}
	if len(missing) > 0 {
		t.Errorf("characters without a glyph: %q", string(missing))
	}
	text := strings.Join(strings.Fields(pdfText(t, data)), "")
	for _, want := range []string{"成都市某某区总工会", "工提〔2026〕7号", "劳动法律监督提示函", "四川某某电子科技有限公司：",
		"18,000.00元", "《中华人民共和国劳动法》第五十条", "2026年6月15日", "联系电话：028-12345678", "—1—"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// The font is embedded (a subset), not referenced.
	if !bytes.Contains(data, []byte("/FontFile2")) {
		t.Error("the PDF does not embed its font")
	}
}

func TestRenderManyPagesAndRareCharacters(t *testing.T) {
	d := sampleDocument(60)
	d.Recipient = "某某有限公司（法定代表人：王𠀋）：" // a character outside GB 2312
	data, missing, err := pdf.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) != 1 || missing[0] != '𠀋' {
		t.Errorf("missing = %q, want the one rare character", string(missing))
	}
	text := pdfText(t, data)
	if !strings.Contains(text, "— 3 —") {
		t.Errorf("a long letter has no third page number:\n%s", text[len(text)-400:])
	}
	// The body keeps its font size on later pages (a page's footer must
	// not shrink the text after it): every page has as many lines.
	pages := strings.Split(text, "\f")
	if len(pages) < 4 {
		t.Fatalf("%d pages", len(pages))
	}
	if n2, n3 := strings.Count(pages[1], "\n"), strings.Count(pages[2], "\n"); n2 > 30 || n3 > 30 {
		t.Errorf("pages 2 and 3 have %d and %d lines: the text shrank after a page break", n2, n3)
	}
}
