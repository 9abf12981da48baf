package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/web/browsertest"
)

// The pages over HTTP on both stores: queue filters and exports, ticket
// actions and conflicts, evidence views on the record, the dashboard, the
// admin pages.
func TestPages(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, st.open)
			ctx := context.Background()
			e.file(intake.Ticket{})
			e.clock.Add(time.Hour)
			e.file(intake.Ticket{WorkerID: 701, Coworkers: 11})
			e.clock.Add(time.Hour)
			e.file(intake.Ticket{WorkerID: 702, Employer: "杭州红旗机械厂", Province: "浙江", City: "杭州市", Name: "李四", Phone: "13700001111",
				Types: []intake.DisputeType{intake.TypeWorkInjury}})
			a, b := e.signedIn(mediatorA), e.signedIn(mediatorB)

			// Queue: unclaimed first, grouped by employer with workers affected.
			code, body := a.get("/console/")
			if code != 200 || !strings.Contains(body, "同一单位：深圳市星光电子有限公司 · 2 件投诉 · 约 12 名劳动者受影响") {
				t.Errorf("queue: %d\n%s", code, body)
			}
			// The search box posts: a worker's name never goes in a URL.
			if code, body := a.post("/console/search", url.Values{"q": {"李四"}}); code != 200 || !strings.Contains(body, "/console/t/3") ||
				strings.Contains(body, "/console/t/1\"") || strings.Contains(body, "queue.csv") || !strings.Contains(body, `value="李四"`) {
				t.Errorf("search by name: %d\n%s", code, body)
			}
			if code, _, h := a.do(http.MethodPost, "/console/search", url.Values{"q": {"#2"}}); code != http.StatusSeeOther || h.Get("Location") != "/console/t/2" {
				t.Errorf("search by number: %d %v", code, h)
			}
			if _, body := a.post("/console/search", url.Values{"q": {"红旗机械"}}); !strings.Contains(body, "/console/t/3") || strings.Contains(body, "/console/t/2\"") {
				t.Errorf("search by employer")
			}
			for _, q := range []struct{ query, want, not string }{
				{"?q=李四", "/console/t/3", "/console/t/1\""},
				{"?q=%232", "/console/t/2", "/console/t/3\""},
				{"?employer=红旗", "/console/t/3", "/console/t/2\""},
				{"?type=work_injury", "/console/t/3", "/console/t/1\""},
				{"?province=广东&view=all", "/console/t/2", "/console/t/3\""},
				{"?from=2026-06-16", "共 0 件", "/console/t/1\""},
			} {
				_, body := a.get("/console/" + q.query)
				if !strings.Contains(body, q.want) || strings.Contains(body, q.not) {
					t.Errorf("queue %s: want %q, not %q", q.query, q.want, q.not)
				}
			}
			// Two mediators claim at once: the second is told plainly.
			if code, _ := a.post("/console/t/1/claim", nil); code != http.StatusSeeOther {
				t.Fatalf("A claims: %d", code)
			}
			code, body = b.post("/console/t/1/claim", nil)
			if code != http.StatusConflict || !strings.Contains(body, "已被其他调解员受理") {
				t.Errorf("B's late claim: %d", code)
			}
			// A message reaches the worker and the trail; a blank one is refused.
			if code, body := a.post("/console/t/1/message", url.Values{"text": {"  "}}); code != http.StatusConflict || !strings.Contains(body, "请先填写内容") {
				t.Errorf("a blank message: %d", code)
			}
			if code, _ := a.post("/console/t/1/message", url.Values{"text": {"请明天带上工资条"}}); code != http.StatusSeeOther {
				t.Errorf("message: %d", code)
			}
			if len(e.msgs.sent) != 1 || e.msgs.sent[0] != "请明天带上工资条" {
				t.Errorf("messages sent: %v", e.msgs.sent)
			}
			if _, err := e.svc.RecordReply(ctx, worker, 1, "好的，明天带来"); err != nil {
				t.Fatal(err)
			}
			if _, body := a.get("/console/t/1/timeline"); !strings.Contains(body, "好的，明天带来") || !strings.Contains(body, "请明天带上工资条") || strings.Contains(body, "<html") {
				t.Errorf("timeline fragment:\n%s", body)
			}
			// Evidence: served to A (a PNG, inline) and on the record.
			req, _ := http.NewRequest("GET", e.srv.URL+"/console/t/1/evidence/0", nil)
			req.AddCookie(a.cookies[0])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("evidence: %d %v", resp.StatusCode, resp.Header)
			}
			recs, _ := e.svc.Audit(ctx, admin, intake.AuditFilter{Action: intake.ActionViewEvidence})
			if len(recs) != 1 || recs[0].UserID != mediatorA || recs[0].Ticket != 1 || recs[0].Detail != "console" {
				t.Errorf("evidence views on the record: %+v", recs)
			}
			// Wrong order: settled before mediation is a conflict, said plainly.
			if code, body := a.post("/console/t/1/settled", url.Values{"amount": {"100"}}); code != http.StatusConflict || !strings.Contains(body, "案件状态已经变了") {
				t.Errorf("settled before mediation: %d", code)
			}
			a.post("/console/t/1/mediate", nil)
			if code, body := a.post("/console/t/1/settled", url.Values{"amount": {"abc"}}); code != http.StatusConflict || !strings.Contains(body, "金额格式不对") {
				t.Errorf("a bad amount: %d", code)
			}
			if code, _ := a.post("/console/t/1/settled", url.Values{"amount": {"8000.50"}, "payby": {"2026-07-31"}}); code != http.StatusSeeOther {
				t.Errorf("settled: %d", code)
			}
			tk, _ := e.svc.Ticket(ctx, admin, 1)
			if tk.State != intake.StateSettled || tk.SettledAmount != calc.Money(800050) || tk.PayBy.Format("2006-01-02") != "2026-07-31" {
				t.Errorf("after settling: %s %v %v", tk.State, tk.SettledAmount, tk.PayBy)
			}
			// Dashboard: 1 of 1 ended settled.
			if _, body := b.get("/console/dashboard"); !strings.Contains(body, "100.0%") || !strings.Contains(body, "<svg") || !strings.Contains(body, "8,000.50") {
				t.Errorf("dashboard:\n%s", body)
			}
			if code, body := b.get("/console/dashboard.csv"); code != 200 || !strings.HasPrefix(body, "\ufefftable,key,cases") || !strings.Contains(body, "all,all,3,1,1,1.0000,8000.50") {
				t.Errorf("dashboard CSV: %d\n%s", code, body)
			}
			// Exports: a BOM for Excel; personal data only for an admin who asks.
			code, body = b.get("/console/queue.csv?view=all")
			if code != 200 || !strings.HasPrefix(body, "\ufeffnumber,") || strings.Contains(body, "13987654321") || strings.Count(body, "\n") != 4 {
				t.Errorf("a mediator's CSV: %d\n%s", code, body)
			}
			ad := e.signedIn(admin)
			if _, body := ad.get("/console/queue.json?view=all&personal=1"); !strings.Contains(body, "13987654321") || !strings.Contains(body, "李四") {
				t.Errorf("an admin's JSON with personal data:\n%s", body)
			}
			// Admin: mediators with caseloads; add and remove.
			if _, body := ad.get("/console/admin/mediators"); !strings.Contains(body, "901") || !strings.Contains(body, "902") {
				t.Errorf("mediators page:\n%s", body)
			}
			if code, body := ad.post("/console/admin/mediators", url.Values{"id": {"abc"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "数字") {
				t.Errorf("a bad id: %d", code)
			}
			if code, _ := ad.post("/console/admin/mediators", url.Values{"id": {"903"}}); code != 200 {
				t.Errorf("add: %d", code)
			}
			if ok, _ := e.store.IsMediator(ctx, 903); !ok {
				t.Error("903 was not added")
			}
			if code, body := ad.get("/console/admin/audit?action=manage_mediators"); code != 200 || !strings.Contains(body, "add 903") {
				t.Errorf("audit filtered by action: %d\n%s", code, body)
			}
			if _, body := ad.get("/console/admin/audit?user=901"); !strings.Contains(body, "/console/t/1") || strings.Contains(body, "add 903") {
				t.Errorf("audit filtered by user:\n%s", body)
			}
			// English.
			req, _ = http.NewRequest("GET", e.srv.URL+"/console/dashboard", nil)
			req.AddCookie(ad.cookies[0])
			req.Header.Set("Accept-Language", "en-GB,en")
			resp, _ = http.DefaultClient.Do(req)
			var sb strings.Builder
			buf := make([]byte, 1<<16)
			for {
				n, err := resp.Body.Read(buf)
				sb.Write(buf[:n])
				if err != nil {
					break
				}
			}
			resp.Body.Close()
			if !strings.Contains(sb.String(), "Settlement rate") || strings.Contains(sb.String(), "[") && strings.Contains(sb.String(), "]</") {
				t.Errorf("English dashboard lacks English texts or has unknown keys")
			}
		})
	}
}

// Every text key a template uses exists: a missing one shows as [key].
func TestNoMissingTexts(t *testing.T) {
	e := newEnv(t, openBolt)
	e.file(intake.Ticket{})
	ad := e.signedIn(admin)
	ad.post("/console/t/1/claim", nil)
	ad.post("/console/t/1/message", url.Values{"text": {"x"}})
	ad.post("/console/admin/letters/letterhead", url.Values{"name": {"某某区总工会"}})
	ad.post("/console/t/1/letter/opinion", url.Values{"title": {"意见书"}, "recipient": {"某公司"}, "body": {"正文"}})
	e.kb.RecordGap(context.Background(), "外卖骑手摔伤算工伤吗", "zh", knowledge.GapThumbsDown)
	e.kb.Suggest(context.Background(), knowledge.Actor{Name: "tg:901", Role: knowledge.RoleMediator}, "x.txt", []byte("请写一条"))
	e.kb.Disable(context.Background(), knowledge.Actor{Name: "tg:900", Role: knowledge.RoleAdmin}, "union-join-zh")
	for _, lang := range []string{"zh", "en"} {
		for _, p := range []string{"/console/", "/console/t/1", "/console/dashboard", "/console/admin/mediators", "/console/admin/audit", "/console/nope",
			"/console/t/1/letter/opinion", "/console/t/1/letters/1", "/console/admin/letters",
			"/console/kb/", "/console/kb/e/union-yihan-liangshu-zh", "/console/kb/e/union-yihan-liangshu-zh/edit",
			"/console/kb/e/union-yihan-liangshu-zh/history", "/console/kb/new?q=x", "/console/kb/drafts", "/console/kb/gaps",
			"/console/kb/statutes", "/console/admin/audit?log=kb"} {
			req, _ := http.NewRequest("GET", e.srv.URL+p, nil)
			req.AddCookie(ad.cookies[0])
			req.Header.Set("Accept-Language", lang)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 1<<20)
			n, _ := ioReadFull(resp.Body, b)
			resp.Body.Close()
			body := string(b[:n])
			for _, key := range []string{"[nav.", "[queue.", "[ticket.", "[act.", "[dash.", "[col.", "[action.", "[state.", "[view.", "[mediators.", "[audit.", "[error.", "[calc.", "[letter", "[settings.", "[kb", "[audit."} {
				if strings.Contains(body, key) {
					i := strings.Index(body, key)
					t.Errorf("%s in %s: unknown text %s", p, lang, body[i:min(len(body), i+30)])
				}
			}
		}
	}
}

func ioReadFull(r interface{ Read([]byte) (int, error) }, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Screenshots of a desk with a few hundred cases over a year, on a laptop
// and a phone, for people to look at (testoutput/screenshots/).
func TestScreenshots(t *testing.T) {
	browser := browsers.Get(t)
	e := newEnv(t, openBolt)
	ctx := context.Background()
	e.clock.now = time.Date(2025, 7, 3, 1, 0, 0, 0, time.UTC)
	places := [][3]string{{"广东", "深圳市", "深圳市星光电子有限公司"}, {"广东", "东莞市", "东莞市宏达制衣厂"}, {"浙江", "杭州市", "杭州红旗机械厂"},
		{"四川", "成都市", "成都某某餐饮管理有限公司"}, {"江苏", "苏州市", "苏州精工模具有限公司"}, {"河南", "郑州市", "郑州建工劳务有限公司"},
		{"山西", "太原市", "太原市煤机配件厂"}, {"广东", "广州市", "广州快送物流有限公司"}}
	types := intake.DisputeTypes()
	// Cases are filed a day or two apart; mediators take each a few days
	// after it was filed, and most mediations end within weeks.
	var filed []int64
	for i := range 240 {
		p := places[(i*7+i/5)%len(places)]
		tk := intake.Ticket{WorkerID: int64(1000 + i), Employer: p[2], Province: p[0], City: p[1], Coworkers: (i * 13) % 9,
			Types: []intake.DisputeType{types[(i*3)%len(types)]}, Claimed: calc.Yuan(int64(3000 + (i*577)%20000)), Name: fmt.Sprintf("工人%d", i)}
		filed = append(filed, e.file(tk))
		if i >= 2 && (i-2)%10 < 6 {
			n, m := filed[i-2], mediatorA+int64(i%2)
			if _, err := e.svc.Claim(ctx, m, n); err != nil {
				t.Fatal(err)
			}
		}
		if i >= 12 && (i-12)%10 < 5 && i < 230 {
			n, m := filed[i-12], mediatorA+int64(i%2)
			e.svc.Transition(ctx, m, n, intake.StateInMediation, "")
			if (i-12)%10 < 4 {
				e.svc.Settle(ctx, m, n, calc.Yuan(int64(2000+(i*311)%15000)), time.Time{}, "")
			} else {
				e.svc.RecordOutcome(ctx, m, n, intake.OutcomeNotSettled, 0, "")
			}
		}
		e.clock.Add(time.Duration(30+(i*17)%20) * time.Hour)
	}
	a := e.signedIn(mediatorA)
	n := e.file(intake.Ticket{Coworkers: 30, Description: "老板三个月没发工资，说等工程款回来再发。车间三十多人都没拿到。", Demands: "补发三个月工资和加班费"})
	a.post(fmt.Sprintf("/console/t/%d/claim", n), nil)
	a.post(fmt.Sprintf("/console/t/%d/message", n), url.Values{"text": {"你好，我是工会调解员小李。明天上午方便通话吗？请准备好工资条和考勤记录。"}})
	e.svc.RecordReply(ctx, worker, n, "方便，上午十点以后都可以。工资条有三张。")
	a.post(fmt.Sprintf("/console/t/%d/note", n), url.Values{"text": {"已联系单位人事，对方同意下周二来工会协商。"}})
	a.post(fmt.Sprintf("/console/t/%d/mediate", n), nil)

	for _, v := range []browsertest.Viewport{browsertest.Desktop(), browsertest.Phone()} {
		tab := browser.NewTab(t, v)
		tab.Navigate(e.srv.URL + "/console/signin/x") // the origin, for the cookie
		tab.Navigate(e.srv.URL + e.link(mediatorA))
		tab.Click("#signin")
		tab.WaitText("#tickets", "#")
		tab.Screenshot("console-seeded-queue-" + v.Name)
		tab.Navigate(fmt.Sprintf("%s/console/t/%d", e.srv.URL, n))
		tab.WaitText("#timeline", "上午十点以后")
		tab.Screenshot("console-seeded-ticket-" + v.Name)
		tab.Navigate(e.srv.URL + "/console/dashboard")
		tab.WaitText("#kpi-rate", "%")
		tab.Screenshot("console-seeded-dashboard-" + v.Name)
		if v.Name == "desktop" {
			// The README's picture (docs/console.png is a copy).
			tab.ScreenshotViewport("console-readme")
		}
	}
}
