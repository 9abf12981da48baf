package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/web/browsertest"
)

// browsers is the one headless Chromium of this test package.
var browsers browsertest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	browsers.Close()
	os.Exit(code)
}

var linkRE = regexp.MustCompile(`https?://\S+/console/signin/[A-Z2-7]+`)

// consoleLink asks the bot for a sign-in link as user and returns it,
// pointed at the bot's own HTTP address (CONSOLE_URL names the public
// one).
func consoleLink(t *testing.T, r *running, user int64) string {
	t.Helper()
	msg := say(t, r.tg, user, "/console", "/console/signin/")
	raw := linkRE.FindString(msg.Text())
	if raw == "" {
		t.Fatalf("no sign-in link in %q", msg.Text())
	}
	if !strings.HasPrefix(raw, "https://union.example.org/console/signin/") {
		t.Errorf("link %q is not under CONSOLE_URL", raw)
	}
	u, _ := url.Parse(raw)
	return "http://" + r.httpAddr + u.Path
}

// signIn opens a sign-in link in tab and confirms it.
func signIn(t *testing.T, tab *browsertest.Tab, link string) {
	t.Helper()
	if status := tab.Navigate(link); status != 200 {
		t.Fatalf("sign-in page: status %d", status)
	}
	if status := tab.Click("#signin"); status != 200 {
		t.Fatalf("after signing in: status %d; page %q", status, tab.Body())
	}
}

// The mediator's day, in a real browser, on both stores: a worker's
// complaint reaches the queue; the mediator claims it, writes to the
// worker (who gets it in Telegram and replies; the reply shows in the
// console), records a settlement; the settlement rate changes; an admin
// removes the mediator, whose next request is refused.
func TestE2EConsoleJourney(t *testing.T) {
	for _, backend := range []string{"bolt", "redis"} {
		t.Run(backend, func(t *testing.T) {
			env := map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1",
				"CONSOLE_URL": "https://union.example.org", "DATA_KEY": "console-e2e-data-key-0123"}
			if backend == "redis" {
				url, prefix := testRedis(t, "console-e2e")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
			}
			browser := browsers.Get(t)
			r := startBot(t, nil, env)
			tg := r.tg
			say(t, tg, adminID, "/mediator add 901", "901")

			// A worker's /console gets nothing.
			say(t, tg, workerID, "/console", "只有")

			fileComplaint(t, tg, workerID)
			press(t, tg, workerID, workerID, "ik|submit")
			tg.WaitForText(t, workerID, "#1", wait)

			// The mediator signs in from the link the bot sends.
			desk := browser.NewTab(t, browsertest.Desktop())
			signIn(t, desk, consoleLink(t, r, mediatorID))
			desk.WaitText("#tickets", "#1")
			if body := desk.Body(); !strings.Contains(body, "深圳市某某电子厂") || strings.Contains(body, "13800138000") {
				t.Errorf("queue: %q", body)
			}
			if backend == "bolt" {
				desk.Screenshot("console-queue-desktop")
			}
			if status := desk.Click(`#tickets a[href="/console/t/1"]`); status != 200 {
				t.Fatalf("ticket page: %d", status)
			}
			if strings.Contains(desk.Body(), "13800138000") {
				t.Error("an unclaimed ticket shows the full phone number")
			}
			// The worker's photo is fetched from Telegram when the
			// mediator opens it (a real picture, so the browser shows it).
			tg.AddFile("photo-payslip", payslipPNG())
			desk.Click("#act-claim")
			desk.WaitText(".alert-success", "已受理")
			if w := browsertest.Run(desk, chromedp.Evaluate[int](`new Promise(r => { const i = document.querySelector("#evidence img"); i.complete ? r(i.naturalWidth) : i.onload = () => r(i.naturalWidth) })`, awaitPromise)); w != 120 {
				t.Errorf("the evidence photo did not load: width %d", w)
			}
			if got := desk.Text("#phone"); got != "13800138000" {
				t.Errorf("after claiming, phone %q", got)
			}
			tg.WaitForText(t, workerID, "受理", wait)

			// A message to the worker arrives in Telegram; the reply shows
			// in the console.
			desk.Fill("#message-text", "你好，我是工会调解员小李，明天上午方便通话吗？")
			desk.Click("#act-message")
			desk.WaitText(".alert-success", "消息已通过机器人发给劳动者")
			relayed := tg.WaitForText(t, workerID, "明天上午方便通话吗", wait)
			tg.PushUpdate(telegramtest.Callback(workerID, workerID, relayed.MessageID(), "tk|rp|1"))
			tg.WaitForText(t, workerID, "回复调解员", wait)
			say(t, tg, workerID, "方便，上午十点以后都可以", "已转达")
			desk.Navigate("http://" + r.httpAddr + "/console/t/1")
			desk.WaitText("#timeline", "上午十点以后都可以")
			desk.WaitText("#timeline", "明天上午方便通话吗")

			// Mediation and a settlement with a pay-by date.
			desk.Click("#act-mediate")
			tg.WaitForText(t, workerID, "进入调解", wait)
			desk.Do(clickSummary("#actions details:has(#act-settled) summary"))
			desk.Fill("#amount", "15000")
			desk.Fill("#payby", "2099-06-30")
			desk.Click("#act-settled")
			desk.WaitText("#settled", "15,000")
			tg.WaitForText(t, workerID, "调解成功", wait)
			if backend == "bolt" {
				desk.Screenshot("console-ticket-desktop")
			}

			// The dashboard counts it: 1 settled of 1 ended.
			desk.Navigate("http://" + r.httpAddr + "/console/dashboard")
			desk.WaitText("#kpi-rate", "100.0%")
			desk.WaitText("#kpi-rate", "1/1")
			if backend == "bolt" {
				desk.Screenshot("console-dashboard-desktop")
			}

			// The admin removes the mediator in another browser; the
			// mediator's next request is refused, with no data.
			adminTab := browser.NewTab(t, browsertest.Desktop())
			signIn(t, adminTab, consoleLink(t, r, adminID))
			adminTab.Navigate("http://" + r.httpAddr + "/console/admin/mediators")
			adminTab.WaitText("#mediators", "901")
			adminTab.Click("#remove-901")
			adminTab.WaitText(".alert-success", "901")
			if status := desk.Navigate("http://" + r.httpAddr + "/console/"); status != 403 && status != 401 {
				t.Errorf("a removed mediator's request: status %d", status)
			}
			if body := desk.Body(); strings.Contains(body, "深圳市某某电子厂") || strings.Contains(body, "#1") {
				t.Errorf("a removed mediator still sees data: %q", body)
			}
			// The audit log has the sign-ins and the removal.
			adminTab.Navigate("http://" + r.httpAddr + "/console/admin/audit")
			adminTab.WaitText("#audit", "管理调解员")
			adminTab.WaitText("#audit", "登录")
		})
	}
}

// clickSummary opens a <details> by clicking its summary (no page load).
func clickSummary(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible)
}

// awaitPromise makes Evaluate wait for the expression's promise.
func awaitPromise(p *runtime.EvaluateParams) {
	t := true
	p.AwaitPromise = &t
}

// payslipPNG is a small picture (120×80) standing for a photo of a payslip.
func payslipPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			c := color.RGBA{250, 248, 240, 255}
			if y%16 == 0 || x%30 == 0 {
				c = color.RGBA{80, 80, 100, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
