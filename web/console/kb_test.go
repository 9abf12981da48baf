package console_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
)

// entryForm is the editor's form for entry id as the console fills it.
func entryForm(t *testing.T, e *env, id string) url.Values {
	t.Helper()
	info, err := e.kb.Show(t.Context(), knowledge.Actor{Name: "test", Role: knowledge.RoleAdmin}, id)
	if err != nil {
		t.Fatal(err)
	}
	f := knowledge.FormOf(info.Entry)
	return url.Values{"id": {id}, "key": {f.Key}, "lang": {f.Lang}, "title": {f.Title}, "topic": {f.Topic}, "region": {f.Region},
		"reviewed": {f.Reviewed}, "questions": {strings.Join(f.Questions, "\n")}, "citation": f.Citations, "body": {f.Body}}
}

// The knowledge base's pages over HTTP, on both stores: who may do what
// (the bot's rules), the check endpoint the editor's script calls,
// publishing, drafts, gaps and statutes. (The browser journey with a
// worker's answers is cmd/laborbot's TestE2EKnowledgeConsole.)
func TestKnowledgeBase(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, st.open)
			ctx := t.Context()
			a, ad, w := e.signedIn(mediatorA), e.signedIn(admin), e.client()
			const id = "union-yihan-liangshu-zh"

			// Mediators read, admins everything, nobody else anything.
			if code, _ := w.get("/console/kb/"); code != http.StatusUnauthorized {
				t.Errorf("no session: %d", code)
			}
			if code, body := a.get("/console/kb/?q=一函两书"); code != 200 || !strings.Contains(body, id) || strings.Contains(body, `id="kb-gaps"`) {
				t.Errorf("a mediator's list: %d", code)
			}
			if code, body := a.get("/console/kb/e/" + id); code != 200 || !strings.Contains(body, "tg-bubble") || !strings.Contains(body, "union-yihan-liangshu-en") {
				t.Errorf("entry page: %d", code)
			}
			for _, p := range []string{"/console/kb/drafts", "/console/kb/gaps", "/console/kb/statutes"} {
				if code, _ := a.get(p); code != http.StatusForbidden {
					t.Errorf("a mediator on %s: %d", p, code)
				}
			}
			form := entryForm(t, e, id)
			form.Set("body", "新的说明。\n\n"+form.Get("body"))
			for _, p := range []string{"/console/kb/e/" + id + "/disable", "/console/kb/e/" + id + "/rollback"} {
				if code, _ := a.post(p, url.Values{"version": {"0"}}); code != http.StatusForbidden {
					t.Errorf("a mediator posted %s: %d", p, code)
				}
			}
			form.Set("action", "publish")
			if code, _ := a.post("/console/kb/save", form); code != http.StatusForbidden {
				t.Errorf("a mediator published: %d", code)
			}
			if v, _ := e.store.KBVersion(ctx); v != 0 {
				t.Fatalf("the knowledge base changed (version %d)", v)
			}

			// The check endpoint: problems by field and line, a preview.
			bad := entryForm(t, e, id)
			bad["citation"] = append(bad["citation"], "劳动合同法 300")
			bad.Set("questions", "只有一个问题")
			code, body, h := ad.do(http.MethodPost, "/console/kb/check", bad)
			var res struct {
				Problems []knowledge.FieldProblem
				Summary  string
				Preview  string
			}
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &res) != nil {
				t.Fatalf("check: %d %q", code, body)
			}
			var fields []string
			for _, p := range res.Problems {
				fields = append(fields, p.Field)
				if p.Field == "citations" && p.Line != len(bad["citation"]) {
					t.Errorf("the bad citation is at line %d, want %d", p.Line, len(bad["citation"]))
				}
			}
			if strings.Join(fields, ",") != "questions,citations" || !strings.Contains(res.Preview, "tg-bubble") || !strings.Contains(res.Summary, "2") {
				t.Errorf("check: fields %v, summary %q, preview %q", fields, res.Summary, res.Preview[:min(60, len(res.Preview))])
			}
			// Without JavaScript: the same on submit; nothing published.
			bad.Set("action", "publish")
			if code, body := ad.post("/console/kb/save", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "300") || !strings.Contains(body, "只有一个问题") {
				t.Errorf("publishing a bad entry: %d", code)
			}
			form.Set("action", "publish")
			code, _, h = ad.do(http.MethodPost, "/console/kb/save", form)
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=published") {
				t.Fatalf("publish: %d %v", code, h)
			}
			info, err := e.kb.Show(ctx, knowledge.Actor{Name: "t", Role: knowledge.RoleAdmin}, id)
			if err != nil || info.Version != 1 || !strings.HasPrefix(info.Entry.Body, "新的说明。") || info.Actor != "console:900" {
				t.Errorf("published: v%d by %q, %v", info.Version, info.Actor, err)
			}
			if _, body := ad.get("/console/kb/e/" + id + "/history?v=1"); !strings.Contains(body, `class="d-add">+ 新的说明。`) {
				t.Errorf("the diff lacks the new line")
			}

			// A mediator's proposal becomes a draft; the admin publishes
			// or rejects it.
			prop := entryForm(t, e, id)
			prop.Set("title", "工会的“一函两书”（调解员建议）")
			prop.Set("action", "propose")
			if code, _, h := a.do(http.MethodPost, "/console/kb/save", prop); code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "proposed") {
				t.Fatalf("propose: %d %v", code, h)
			}
			_, body = ad.get("/console/kb/drafts")
			if !strings.Contains(body, "调解员建议") {
				t.Fatalf("the draft is not listed:\n%s", body)
			}
			if code, body := ad.get("/console/kb/drafts/1"); code != 200 || !strings.Contains(body, `name="draft" value="1"`) || !strings.Contains(body, "调解员建议") {
				t.Errorf("opening the draft: %d", code)
			}
			prop.Set("draft", "1")
			prop.Set("action", "publish")
			if code, _, _ := ad.do(http.MethodPost, "/console/kb/save", prop); code != http.StatusSeeOther {
				t.Errorf("publishing the draft: %d", code)
			}
			if ds, _ := e.store.ListDrafts(ctx); len(ds) != 0 {
				t.Errorf("the published draft is still there: %v", ds)
			}
			e.kb.Suggest(ctx, knowledge.Actor{Name: "tg:901", Role: knowledge.RoleMediator}, "note.txt", []byte("请写一条关于外卖骑手工伤的条目"))
			if code, _ := ad.post("/console/kb/drafts/2/reject", url.Values{"reason": {"已有"}}); code != http.StatusSeeOther {
				t.Errorf("reject: %d", code)
			}

			// Gaps: listed, and "write an entry" prefills the question.
			if err := e.kb.RecordGap(ctx, "外卖骑手送餐路上摔伤算工伤吗", "zh", knowledge.GapNotCovered); err != nil {
				t.Fatal(err)
			}
			_, body = ad.get("/console/kb/gaps")
			if !strings.Contains(body, "外卖骑手送餐路上摔伤算工伤吗") || !strings.Contains(body, "/console/kb/new?lang=zh&amp;q=") {
				t.Errorf("gaps page:\n%s", body)
			}
			if _, body := ad.get("/console/kb/new?lang=zh&q=" + url.QueryEscape("外卖骑手送餐路上摔伤算工伤吗")); !strings.Contains(body, ">外卖骑手送餐路上摔伤算工伤吗</textarea>") {
				t.Errorf("the new entry's questions are not prefilled")
			}

			// Statutes: an upload is checked, stored and listed.
			upload := func(name, text string) (int, string) {
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				fw, _ := mw.CreateFormFile("file", name)
				fw.Write([]byte(text))
				mw.Close()
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/console/kb/statutes", &buf)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				for _, ck := range ad.cookies {
					req.AddCookie(ck)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				return resp.StatusCode, b.String()
			}
			if code, body := upload("bad.md", "不是法规"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "bad.md") {
				t.Errorf("a bad statute: %d", code)
			}
			statute := "# 某某省劳动者权益保障条例\n\n2026年1月1日施行\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了保障劳动者权益，制定本条例。\n\n第二条 用人单位应当按月足额支付工资。\n"
			if code, body := upload("sheng.md", statute); code != 200 || !strings.Contains(body, "某某省劳动者权益保障条例") || !strings.Contains(body, "（2 条）") {
				t.Errorf("a statute upload: %d\n%s", code, body)
			}
			// Every change is in the knowledge base's audit trail, shown
			// on the audit page.
			_, body = ad.get("/console/admin/audit?log=kb")
			for _, want := range []string{"发布", "提交草稿", "发布草稿", "退回草稿", "上传法规", "#900 (console)", "#901 (console)"} {
				if !strings.Contains(body, want) {
					t.Errorf("the knowledge base's audit trail lacks %q", want)
				}
			}
		})
	}
}
