package main

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/openai/openaitest"
	"github.com/laborbot/laborbot/web/browsertest"
	"github.com/laborbot/laborbot/web/webchat"
)

// webChatLimits sets the web chat's session rate limit for a test bot
// ("webchat_burst" in env); without it the limits are lifted, so a test
// that walks through a long interview is not slowed down.
func webChatLimits(env map[string]string) func(*webchat.Options) {
	return func(o *webchat.Options) {
		if b, err := strconv.Atoi(env["webchat_burst"]); err == nil {
			o.SessionBurst, o.SessionRate = b, 0.01
			return
		}
		o.SessionBurst, o.SessionRate, o.IPBurst, o.IPRate = 10000, 1000, 10000, 1000
	}
}

// chatTab is a worker's phone browser on the web chat.
type chatTab struct {
	*browsertest.Tab
	t *testing.T
}

// ask types text into the chat and sends it (chat.js posts it and shows
// the answer as it arrives), then waits for want in the messages.
func (c chatTab) ask(text, want string) {
	c.t.Helper()
	c.Fill("#q", text)
	c.Do(chromedp.Click(chromedp.CSS("#send"), chromedp.NodeVisible))
	c.WaitText("#messages", want)
}

// press presses the newest button whose data is data, and waits for want.
func (c chatTab) press(data, want string) {
	c.t.Helper()
	ok := browsertest.Run(c.Tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const inputs = [...document.querySelectorAll('#messages form.choice input[name=data]')].filter(i => i.value === %q);
		if (!inputs.length) return false;
		inputs[inputs.length-1].form.querySelector('button').click();
		return true; })()`, data)))
	if !ok {
		c.t.Fatalf("no button %q in the chat", data)
	}
	c.WaitText("#messages", want)
}

// lastText is the newest message's text.
func (c chatTab) lastText() string {
	return browsertest.Run(c.Tab, chromedp.Evaluate[string](`(() => { const m = document.querySelectorAll('#messages li.msg'); return m.length ? m[m.length-1].innerText : ""; })()`))
}

// fakePush is a Web Push service: it records the notifications it gets.
type fakePush struct {
	mu    sync.Mutex
	calls []*http.Request
	srv   *httptest.Server
}

func newFakePush(t *testing.T) *fakePush {
	p := &fakePush{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		p.calls = append(p.calls, r)
		p.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakePush) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// pngFile writes a small PNG (a payslip photo) and returns its path.
func pngFile(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, 10, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "payslip.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestE2EWebChat walks a worker through the web chat in a phone browser
// with WeChat's user agent, on both stores: cited answers in Chinese and
// English, a calculator, a complaint with a photo that reaches the
// mediators' group in Telegram, the mediator's claim and message shown in
// the page (and pushed), the resume link in a second browser, a stranger's
// session that sees nothing of it, and deleting the data.
func TestE2EWebChat(t *testing.T) {
	for _, kind := range []string{"embedded", "redis"} {
		t.Run(kind, func(t *testing.T) {
			browser := browsers.Get(t)
			env := map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1"}
			if kind == "redis" {
				env["REDIS_URL"], env["REDIS_PREFIX"] = testRedis(t, "webchat-e2e")
			}
			priv, pub, err := webpush.GenerateVAPIDKeys()
			if err != nil {
				t.Fatal(err)
			}
			env["WEBPUSH_PUBLIC_KEY"], env["WEBPUSH_PRIVATE_KEY"], env["WEBPUSH_SUBJECT"] = pub, priv, "mailto:ops@union.example"
			push := newFakePush(t)
			r := startBot(t, nil, env, func(m *Main) {
				m.PushEndpoints = func(u *url.URL) bool { return strings.HasPrefix(u.String(), push.srv.URL) }
			})
			tg := r.tg
			say(t, tg, adminID, "/mediator add 901", "901")
			base := "http://" + r.httpAddr

			w := chatTab{browser.NewTab(t, browsertest.WeChat()), t}
			if code := w.Navigate(base + "/chat?src=site-7"); code != 200 {
				t.Fatalf("/chat: %d", code)
			}
			w.WaitText("#messages", "劳动法律助手")
			if kind == "embedded" {
				w.ScreenshotViewport("webchat-welcome-wechat")
			}

			// Cited answers, Chinese and English.
			w.ask("老板拖欠我三个月工资怎么办", "法律依据")
			if !strings.Contains(w.lastText(), "《劳动合同法》第30条") {
				t.Errorf("the answer cites no article: %q", w.lastText())
			}
			if kind == "embedded" {
				w.ScreenshotViewport("webchat-answer-wechat")
			}
			if kind == "embedded" {
				// (The store plays no part in these: once is enough.)
				w.ask("My boss has not paid my wages for two months", "Legal basis")
				// A calculator: overtime for 10 weekday hours on 6000 a month.
				w.ask("/calc", "加班费")
				w.press("calc|overtime", "月工资")
				w.ask("6000", "工作日")
				w.ask("10", "休息日")
				w.ask("0", "补休")
				w.ask("0", "法定节假日")
				w.ask("0", "517.24")
			}

			// The complaint interview, with a photo as evidence.
			w.ask("我要投诉", "同意")
			w.press("ik|agree", "(1/16)")
			w.press("ik|type:unpaid_wages", "(1/16)")
			w.press("ik|next", "(2/16)")
			w.ask("深圳市某某电子厂", "(3/16)")
			w.ask("广东", "(4/16)")
			w.ask("深圳", "(5/16)")
			w.ask("宝安", "(6/16)")
			w.ask("2023-03-01", "(7/16)")
			w.ask("在职", "(8/16)")
			w.ask("6000", "(9/16)")
			w.ask("18000", "(10/16)")
			w.ask("5", "(11/16)")
			w.ask("老板三个月没发工资，说等回款", "(12/16)")
			// The 📎 button opens the phone's picker; choosing a photo sends it.
			w.Do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{pngFile(t)}, chromedp.NodeReady))
			w.WaitText("#messages", "✅")
			w.press("ik|next", "(13/16)")
			w.ask("补发三个月工资", "(14/16)")
			w.ask("张三", "(15/16)")
			w.ask("138 0013 8000", "(16/16)")
			w.press("ik|next", "请核对你的投诉信息")
			if kind == "embedded" {
				w.Do(chromedp.Evaluate[chromedp.Void](`(() => { const m = document.querySelectorAll('#messages li.msg-bot'); m[m.length-1].scrollIntoView({block: 'start'}); })()`))
				w.ScreenshotViewport("webchat-summary-wechat")
			}
			w.press("ik|submit", "#1")

			// The ticket reaches the mediators' group, with its source.
			post := tg.WaitForText(t, mediatorChat, "#1", wait)
			if strings.Contains(post.Text(), "13800138000") {
				t.Errorf("the group sees the full phone number: %s", post.Text())
			}
			// Statistics count it by the link's source tag.
			say(t, tg, adminID, "/stats", "site-7: 1")
			// Allow the page's push subscription (what chat.js posts once
			// the worker allows notifications).
			subscribe(t, w, push.srv.URL)

			// The mediator claims it and writes; the worker sees both.
			tg.PushUpdate(telegramtest.Callback(mediatorChat, mediatorID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
			full := tg.WaitForText(t, mediatorID, "13800138000", wait)
			w.WaitText("#messages", "受理")
			tg.PushUpdate(telegramtest.Callback(mediatorID, mediatorID, full.MessageID(), "tk|msg|1"))
			tg.WaitForText(t, mediatorID, "#1", wait)
			say(t, tg, mediatorID, "请明天上午带工资条来工会", "已转达")
			w.WaitText("#messages", "请明天上午带工资条来工会")
			if push.count() < 2 {
				t.Errorf("push notifications = %d, want one for the claim and one for the message", push.count())
			}
			checkPush(t, push, pub)
			// The mediator sees the photo the worker uploaded.
			tg.PushUpdate(telegramtest.Callback(mediatorID, mediatorID, full.MessageID(), "tk|files|1"))
			tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
				return c.Method == "sendDocument" && c.OK() && c.Int64("chat_id") == mediatorID
			})
			// The worker replies through the mediator's button.
			w.press("tk|rp|1", "回复调解员")
			w.ask("好的，明天上午十点到", "已转达")
			tg.WaitForText(t, mediatorID, "明天上午十点到", wait)

			// The resume link brings the conversation to another browser.
			w.Navigate(base + "/chat/save")
			link := browsertest.Run(w.Tab, chromedp.Evaluate[string](`document.getElementById('resume-link').value`))
			if !strings.HasPrefix(link, base+"/chat/r/") {
				t.Fatalf("resume link = %q", link)
			}
			other := chatTab{browser.NewTab(t, browsertest.Phone()), t}
			other.Navigate(link)
			other.Click("form button[type=submit]")
			other.WaitText("#messages", "请明天上午带工资条来工会")
			other.ask("/status", "#1")

			// A stranger's session sees nothing of it.
			stranger := chatTab{browser.NewTab(t, browsertest.WeChat()), t}
			stranger.Navigate(base + "/chat")
			if body := stranger.Body(); strings.Contains(body, "工资条") || strings.Contains(body, "张三") {
				t.Errorf("a new session shows another worker's conversation: %q", body)
			}
			stranger.ask("/status", "还没有投诉")
			stranger.ask("/ticket 1", "找不到")
			// A forged cookie starts a fresh session too.
			code, body := getWithCookie(t, base+"/chat", "laborbot_chat", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
			if code != 200 || strings.Contains(body, "工资条") {
				t.Errorf("a forged cookie: %d, shows the conversation: %v", code, strings.Contains(body, "工资条"))
			}

			// Deleting one's data.
			w.Navigate(base + "/chat")
			w.ask("/deletedata", "确定要删除")
			w.press("dd|yes", "已删除你的个人信息")
			// The page reloads without what was deleted.
			deadline := time.Now().Add(wait)
			for text := w.Text("#messages"); strings.Contains(text, "工资条") || strings.Contains(text, "老板三个月没发工资"); text = w.Text("#messages") {
				if time.Now().After(deadline) {
					t.Fatalf("the conversation is still shown after deleting: %q", text)
				}
				time.Sleep(100 * time.Millisecond)
			}
			w.WaitText("#messages", "已删除你的个人信息")
			w.ask("/status", "还没有投诉")
		})
	}
}

// subscribe posts a push subscription for the tab's session, as chat.js
// does after the browser's pushManager.subscribe (which needs a real push
// service): the endpoint is the fake one, the keys are real P-256 ones.
func subscribe(t *testing.T, w chatTab, endpoint string) {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	sub := fmt.Sprintf(`{"endpoint":%q,"keys":{"p256dh":%q,"auth":%q}}`, endpoint+"/push/abc",
		base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(auth))
	status := browsertest.Run(w.Tab, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/chat/push', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: %q}).then(r => r.status)`, sub),
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	if status != http.StatusNoContent {
		t.Fatalf("subscribing: %d", status)
	}
}

// checkPush checks a notification as a push service gets it: signed with
// the server's VAPID key, encrypted (aes128gcm), with a TTL.
func checkPush(t *testing.T, p *fakePush, publicKey string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.calls {
		if !strings.HasPrefix(r.URL.Path, "/push/abc") || r.Method != http.MethodPost ||
			!strings.Contains(r.Header.Get("Authorization"), "k="+publicKey) || r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
			t.Errorf("push request: %s %s %v", r.Method, r.URL.Path, r.Header)
		}
		body, _ := io.ReadAll(r.Body)
		if len(body) < 100 || bytes.Contains(body, []byte("新消息")) {
			t.Errorf("push body (%d bytes) is not encrypted", len(body))
		}
	}
}

func getWithCookie(t *testing.T, u, name, value string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.AddCookie(&http.Cookie{Name: name, Value: value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestE2EWebChatAlone runs the binary without Telegram: the web chat
// streams a model's answer as it is written, works without JavaScript (a
// plain form post), and tells a flooding session to slow down.
func TestE2EWebChatAlone(t *testing.T) {
	browser := browsers.Get(t)
	llm := openaitest.NewServer()
	defer llm.Close()
	llm.Queue(openaitest.Reply{Chunks: []string{"单位应当按月足额支付工资", "[劳动合同法 30]。", "拖欠的，可以向劳动监察投诉，", "或者申请仲裁。"}, ChunkDelay: 400 * time.Millisecond},
		openaitest.Reply{Status: 503}) // then the model is down: the retrieval answer comes instead
	r := startBot(t, nil, map[string]string{"TELEGRAM_BOT_TOKEN": "", "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": llm.BaseURL(),
		"OPENAI_MODEL": "m", "LLM_TIMEOUT": "10s", "webchat_burst": "6"})
	base := "http://" + r.httpAddr
	if code, body := r.get(t, "/healthz"); code != 200 {
		t.Fatalf("/healthz without Telegram: %d %s", code, body)
	}

	w := chatTab{browser.NewTab(t, browsertest.Phone()), t}
	w.Navigate(base + "/")
	if loc := w.Location(); !strings.HasSuffix(loc, "/chat") {
		t.Errorf("the site's root leads to %s, want /chat", loc)
	}
	w.Fill("#q", "老板拖欠我三个月工资怎么办")
	w.Do(chromedp.Click(chromedp.CSS("#send"), chromedp.NodeVisible))
	// The draft shows the model's words before the answer is complete.
	w.WaitText("#draft", "单位应当按月足额支付工资")
	w.WaitText("#messages", "或者申请仲裁")
	w.WaitText("#messages", "《劳动合同法》第30条")
	if n := browsertest.Run(w.Tab, chromedp.Evaluate[int](`document.querySelectorAll('#draft').length`)); n != 0 {
		t.Error("the draft stayed after the final answer")
	}

	// Without JavaScript: a plain form post, and the page with the answer.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	if resp, err := client.Get(base + "/chat"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	resp, err := client.PostForm(base+"/chat/send", url.Values{"text": {"公司不给我交社保怎么办"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "公司不给我交社保怎么办") || !strings.Contains(string(page), "《社会保险法》") {
		t.Errorf("a plain form post: %d, answer shown: %v", resp.StatusCode, strings.Contains(string(page), "《社会保险法》"))
	}
	// A cross-site post is refused.
	req, _ := http.NewRequest("POST", base+"/chat/send", strings.NewReader("text=hi"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := client.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site post: %v %v", resp.StatusCode, err)
	}

	// Flooding: the session is told, kindly, to slow down.
	statuses := browsertest.Run(w.Tab, chromedp.Evaluate[[]int](`Promise.all([...Array(8)].map(() =>
		fetch('/chat/send', {method: 'POST', body: new URLSearchParams({text: '/help'})}).then(r => r.status)))`,
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	if !slices.Contains(statuses, http.StatusTooManyRequests) {
		t.Errorf("8 posts at once: statuses %v, want some 429", statuses)
	}
	w.Fill("#q", "还有一个问题")
	w.Do(chromedp.Click(chromedp.CSS("#send"), chromedp.NodeVisible))
	w.WaitText("#chat-status", "你发得太快了")
	// The refused message is not lost: it is back in the composer.
	if typed := browsertest.Run(w.Tab, chromedp.Evaluate[string](`document.getElementById('q').value`)); typed != "还有一个问题" {
		t.Errorf("after the slow-down the composer holds %q; want the refused message back", typed)
	}
}
