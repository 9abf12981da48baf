package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/letter/docx"
)

// Letters through the console over HTTP, on both stores: who may draft,
// issue and download them, and what a mediator sees when something is
// missing. (The browser journey is cmd/laborbot's TestE2ELetters.)
func TestLetters(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, st.open)
			n := e.file(intake.Ticket{Types: []intake.DisputeType{intake.TypeUnpaidWages}, Claimed: calc.Yuan(12000)})
			e.file(intake.Ticket{WorkerID: 701, Types: []intake.DisputeType{intake.TypeOvertime}, Claimed: calc.Yuan(3000)})
			a, b, ad := e.signedIn(mediatorA), e.signedIn(mediatorB), e.signedIn(admin)
			tp := fmt.Sprintf("/console/t/%d", n)
			a.post(tp+"/claim", nil)

			// The ticket page offers the three letters to the mediator
			// working the case, and nothing to another mediator.
			if _, body := a.get(tp); !strings.Contains(body, `id="draft-reminder"`) || !strings.Contains(body, `id="draft-recommendation"`) {
				t.Errorf("the ticket page offers no letters:\n%s", body)
			}
			if _, body := b.get(tp); strings.Contains(body, `id="draft-reminder"`) {
				t.Error("another mediator is offered letters")
			}
			for _, c := range []*client{b} {
				if code, _ := c.get(tp + "/letter/reminder"); code != http.StatusForbidden {
					t.Errorf("another mediator's draft: %d", code)
				}
				if code, _ := c.post(tp+"/letter/reminder", url.Values{"title": {"x"}, "recipient": {"x"}, "body": {"x"}}); code != http.StatusForbidden {
					t.Errorf("another mediator issued: %d", code)
				}
			}
			if code, _ := a.get(tp + "/letter/nonsense"); code != http.StatusNotFound {
				t.Errorf("an unknown kind: %d", code)
			}
			code, body := a.get(tp + "/letter/reminder")
			if code != 200 || !strings.Contains(body, "深圳市星光电子有限公司") || !strings.Contains(body, "2名职工") || !strings.Contains(body, `id="no-letterhead"`) {
				t.Fatalf("draft: %d\n%s", code, body)
			}
			form := url.Values{"title": {"劳动法律监督提示函"}, "recipient": {"深圳市星光电子有限公司"}, "body": {"请贵单位依法支付职工工资15,000.00元。"}}
			if code, body := a.post(tp+"/letter/reminder", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "信头") ||
				!strings.Contains(body, "请贵单位依法支付职工工资15,000.00元。") {
				t.Errorf("issuing without a letterhead: %d; the mediator's text must come back\n%s", code, body)
			}
			// Admins only set the letterhead and templates.
			if code, _ := a.get("/console/admin/letters"); code != http.StatusForbidden {
				t.Errorf("a mediator on the letter settings: %d", code)
			}
			if code, _ := a.post("/console/admin/letters/letterhead", url.Values{"name": {"x"}}); code != http.StatusForbidden {
				t.Errorf("a mediator set the letterhead: %d", code)
			}
			if code, body := ad.post("/console/admin/letters/letterhead", url.Values{"name": {"深圳市某某区总工会"}, "phone": {"0755-12345678"}}); code != 200 || !strings.Contains(body, "已保存") {
				t.Fatalf("letterhead: %d\n%s", code, body)
			}
			if code, body := ad.post("/console/admin/letters/reminder", url.Values{"title": {"提示函"}, "prefix": {"深工提"}, "recipient": {"{employer}"},
				"body": {"请于{reply_days}日内答复。{oops}"}, "reply_days": {"10"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "{oops}") {
				t.Errorf("a template with an unknown placeholder: %d\n%s", code, body)
			}
			if code, body := ad.post("/console/admin/letters/reminder", url.Values{"title": {"提示函"}, "prefix": {"深工提"}, "recipient": {"{employer}"},
				"body": {"{facts}\n请于{reply_days}日内答复。"}, "reply_days": {"10"}, "preview": {"1"}}); code != 200 || !strings.Contains(body, "深工提〔2026〕1号") ||
				!strings.Contains(body, "某某电子科技有限公司") {
				t.Errorf("preview: %d\n%s", code, body)
			}
			if code, _ := ad.post("/console/admin/letters/reminder", url.Values{"title": {"劳动法律监督提示函"}, "prefix": {"深工提"}, "recipient": {"{employer}"},
				"body": {"{facts}\n请于{reply_days}日内答复。"}, "reply_days": {"10"}}); code != 200 {
				t.Errorf("saving a template: %d", code)
			}
			// Issued: numbered with the saved prefix, shown, downloadable.
			code, _, h := a.do(http.MethodPost, tp+"/letter/reminder", form)
			loc := h.Get("Location")
			if code != http.StatusSeeOther || !strings.HasPrefix(loc, tp+"/letters/") {
				t.Fatalf("issue: %d %q", code, loc)
			}
			path := strings.TrimSuffix(loc, "?done=issued")
			if _, body := a.get(loc); !strings.Contains(body, "深工提〔2026〕1号") || !strings.Contains(body, "深圳市某某区总工会") {
				t.Errorf("the issued letter:\n%s", body)
			}
			code, pdfData, hdr := a.do(http.MethodGet, path+"/pdf", nil)
			if code != 200 || hdr.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdfData, "%PDF-") ||
				!strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
				t.Errorf("pdf: %d %v", code, hdr)
			}
			code, docxData, _ := a.do(http.MethodGet, path+"/docx", nil)
			if text, err := docx.Text([]byte(docxData)); code != 200 || err != nil || !strings.Contains(text, "15,000.00") {
				t.Errorf("docx: %d %v %q", code, err, text)
			}
			for _, p := range []string{path, path + "/pdf", path + "/docx"} {
				if code, _ := b.get(p); code != http.StatusForbidden {
					t.Errorf("another mediator read %s: %d", p, code)
				}
			}
			if code, _ := a.get(strings.Replace(path, tp, "/console/t/2", 1)); code != http.StatusForbidden && code != http.StatusNotFound {
				t.Errorf("a letter through another ticket: %d", code)
			}
			// The trail and the audit log have it.
			if _, body := a.get(tp); !strings.Contains(body, "签发文书") || !strings.Contains(body, "提示函 深工提〔2026〕1号") {
				t.Errorf("the timeline lacks the letter")
			}
			if _, body := ad.get("/console/admin/audit?action=letter"); !strings.Contains(body, "深工提〔2026〕1号") {
				t.Errorf("the audit log lacks the letter:\n%s", body)
			}
		})
	}
}
