package console_test

import (
	"net/url"
	"strings"
	"testing"
)

// Admins make posters for a link with a source tag; mediators cannot.
func TestPosters(t *testing.T) {
	e := newEnv(t, openBolt)
	a := e.signedIn(admin)
	code, page := a.get("/console/admin/posters")
	if code != 200 || !strings.Contains(page, `name="source"`) || !strings.Contains(page, "/console/admin/posters") {
		t.Fatalf("posters page: %d", code)
	}
	form := url.Values{"source": {"site-7"}, "title": {"工资被拖欠？先问问工会"}, "union": {"宝安区总工会"}, "format": {"pdf"}}
	code, body, h := a.do("POST", "/console/admin/posters", form)
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") ||
		!strings.Contains(h.Get("Content-Disposition"), "poster-site-7.pdf") {
		t.Errorf("PDF: %d %v", code, h)
	}
	form.Set("format", "png")
	if code, body, h := a.do("POST", "/console/admin/posters", form); code != 200 || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Errorf("PNG: %d %v", code, h)
	}
	form.Set("source", "Site 7")
	if code, page := a.post("/console/admin/posters", form); code != 422 || !strings.Contains(page, "来源标签只能") {
		t.Errorf("a bad tag: %d", code)
	}
	form.Set("source", "site-7")
	form.Set("title", "")
	if code, _ := a.post("/console/admin/posters", form); code != 422 {
		t.Errorf("no title: %d", code)
	}
	m := e.signedIn(mediatorA)
	if code, _ := m.get("/console/admin/posters"); code != 403 {
		t.Errorf("a mediator opened the posters page: %d", code)
	}
	form.Set("title", "x")
	if code, _ := m.post("/console/admin/posters", form); code != 403 {
		t.Errorf("a mediator made a poster: %d", code)
	}
}
