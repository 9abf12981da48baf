package docx_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/letter/docx"
)

func TestRenderIsAValidDocument(t *testing.T) {
	d := letter.Document{Letterhead: []string{"成都市某某区总工会", "劳动法律监督委员会"}, Number: "工意〔2026〕2号", Title: "劳动法律监督意见书",
		Recipient: "A&B <电子> 有限公司：", Paragraphs: []string{"职工甲：2023年3月1日入职；主张金额18,000.00元。", "《中华人民共和国劳动合同法》第三十条规定：“用人单位应当……”"},
		Signature: "成都市某某区总工会", Date: "2026年6月15日", Footer: []string{"联系人：李明　　联系电话：028-12345678"}}
	data, err := docx.Render(d, time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text, err := docx.Text(data)
	if err != nil {
		t.Fatalf("the document does not read back: %v", err)
	}
	for _, want := range []string{"成都市某某区总工会", "劳动法律监督委员会", "工意〔2026〕2号", "劳动法律监督意见书", "A&B <电子> 有限公司：",
		"18,000.00元", "《中华人民共和国劳动合同法》第三十条", "2026年6月15日", "028-12345678"} {
		if !strings.Contains(text, want) {
			t.Errorf("the document's text lacks %q:\n%s", want, text)
		}
	}
	// Where LibreOffice is installed, it must open the file too.
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("libreoffice"); err != nil {
			t.Log("LibreOffice is not installed: checked the package's structure only")
			return
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "letter.docx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(soffice, "--headless", "--convert-to", "txt:Text", "--outdir", dir, in).CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice could not convert the document: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "letter.txt"))
	if err != nil || !strings.Contains(string(txt), "工意〔2026〕2号") {
		t.Errorf("LibreOffice's text: %q, %v", txt, err)
	}
}

func TestTextRefusesBrokenPackages(t *testing.T) {
	if _, err := docx.Text([]byte("PK\x03\x04 not really a zip")); err == nil {
		t.Error("a broken zip was read as a document")
	}
}
