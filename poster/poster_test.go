package poster_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/poster"
)

func TestLink(t *testing.T) {
	if got, err := poster.Link("https://help.union.example/", "site-7"); err != nil || got != "https://help.union.example/chat?src=site-7" {
		t.Errorf("Link = %q, %v", got, err)
	}
	for _, bad := range [][2]string{{"help.union.example", "site-7"}, {"https://help.union.example", "Site 7"}, {"https://x.example", ""},
		{"https://x.example", strings.Repeat("a", 33)}, {"ftp://x.example", "a"}} {
		if _, err := poster.Link(bad[0], bad[1]); err == nil {
			t.Errorf("Link(%q, %q) was accepted", bad[0], bad[1])
		}
	}
}

// The PDF carries its text with the Chinese font embedded (pdftotext reads
// it back, so it prints and searches as text), the PNG is an A4 page.
func TestPosterFiles(t *testing.T) {
	p := poster.Poster{Union: "深圳市宝安区总工会", Title: "工资被拖欠？先问问工会", Link: "https://help.union.example/chat?src=site-7", Source: "site-7"}
	pngData, err := p.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil || img.Bounds().Dx() != 1240 || img.Bounds().Dy() != 1754 {
		t.Fatalf("PNG: %v %v", img.Bounds(), err)
	}
	pdfData, err := p.PDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdfData, []byte("%PDF-")) || !bytes.Contains(pdfData, []byte("FontFile2")) {
		t.Fatal("not a PDF with an embedded TrueType font")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is missing (CI is set)")
		}
		t.Skip("pdftotext (poppler-utils) is missing")
	}
	path := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(path, pdfData, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"深圳市宝安区总工会", "工资被拖欠？先问问工会", "工会服务热线 12351", "https://help.union.example/chat?src=site-7", "微信扫一扫"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, out)
		}
	}
	if len(pdfData) > 400<<10 {
		t.Errorf("the PDF is %d KB: the font should be embedded as a subset", len(pdfData)>>10)
	}
}

func TestPosterChecks(t *testing.T) {
	for _, p := range []poster.Poster{
		{Title: "t", Link: "l"},
		{Union: "u", Link: "l"},
		{Union: "u", Title: strings.Repeat("长", 41), Link: "l"},
	} {
		if _, err := p.PDF(); err == nil {
			t.Errorf("%+v was accepted", p)
		}
	}
}
