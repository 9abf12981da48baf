package webchat_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/webchat"
)

var (
	engineOnce sync.Once
	engine     *knowledge.Engine
)

func testEngine(tb testing.TB) *knowledge.Engine {
	tb.Helper()
	engineOnce.Do(func() {
		entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
		engine = knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
		if err := engine.Load(context.Background(), entries, nil); err != nil {
			panic(err)
		}
	})
	return engine
}

type env struct {
	conv  *bot.Conversation
	chat  *webchat.Chat
	store *bolt.Store
	srv   *httptest.Server
}

// newEnv serves a web chat over the real conversation (retrieval answers,
// complaints) on an embedded store.
func newEnv(tb testing.TB, adjust func(*webchat.Options)) *env {
	tb.Helper()
	st, err := bolt.Open(filepath.Join(tb.TempDir(), "laborbot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	sealer, err := intake.NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		tb.Fatal(err)
	}
	e := &env{store: st}
	svc := intake.NewService(st, intake.Options{Sealer: sealer})
	messenger := bot.MessengerFunc(func(ctx context.Context, chatID int64, r bot.Reply) error {
		return e.chat.Deliver(ctx, chatID, r)
	})
	conv := bot.NewConversation(testEngine(tb), st, nil, nil, bot.WithIntake(svc, sealer, messenger, 0))
	e.conv = conv
	assets, err := web.NewAssets()
	if err != nil {
		tb.Fatal(err)
	}
	key, err := webchat.LoadKey(tb.Context(), st, "")
	if err != nil {
		tb.Fatal(err)
	}
	o := webchat.Options{Conversation: conv, Store: st, Sealer: sealer, Assets: assets, Key: key}
	if adjust != nil {
		adjust(&o)
	}
	if e.chat, err = webchat.New(o); err != nil {
		tb.Fatal(err)
	}
	e.srv = httptest.NewServer(web.Secure(e.chat))
	tb.Cleanup(e.srv.Close)
	return e
}

// client is one browser: its own cookies.
func (e *env) client(tb testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(e.srv.URL + "/chat")
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return c
}

func get(tb testing.TB, c *http.Client, u string) (int, string) {
	tb.Helper()
	resp, err := c.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// events posts a form as chat.js does and returns the events' names and
// data, in order.
func events(tb testing.TB, c *http.Client, u string, form url.Values) (int, []string) {
	tb.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			out = append(out, line)
		}
	}
	return resp.StatusCode, out
}

func TestAnswerAsEvents(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	code, evs := events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"试用期被辞退有补偿吗"}})
	all := strings.Join(evs, "\n")
	if code != 200 || strings.Count(all, "event: msg") != 2 || !strings.HasSuffix(evs[len(evs)-2], "event: done") {
		t.Fatalf("events: %d\n%s", code, all)
	}
	// The worker's words are escaped as text; the answer cites articles.
	if !strings.Contains(all, "试用期被辞退有补偿吗") || !strings.Contains(all, "《劳动合同法》") {
		t.Errorf("events lack the question or a citation:\n%s", all)
	}
	// The page shows the same conversation afterwards.
	_, page := get(t, c, e.srv.URL+"/chat")
	if !strings.Contains(page, "试用期被辞退有补偿吗") || !strings.Contains(page, "《劳动合同法》") {
		t.Error("the page does not show the conversation")
	}
	// Polling after the last message brings nothing new.
	_, js := get(t, c, e.srv.URL+"/chat/messages?after=3")
	if !strings.Contains(js, `"html":""`) {
		t.Errorf("messages after the last: %s", js)
	}
}

// A visit that writes nothing stores nothing (a link preview, a crawler);
// the first message stores the welcome the page showed, then itself.
func TestFirstVisitStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	_, page := get(t, c, e.srv.URL+"/chat")
	worker := workerOf(t, e, c)
	if !strings.Contains(page, "劳动法律助手") || !strings.Contains(page, `id="p1"`) {
		t.Fatal("the welcome is not shown (as message p1)")
	}
	if got, err := e.store.Inbox(t.Context(), worker, 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("a visit stored %d entries, %v", len(got), err)
	}
	_, evs := events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"试用期被辞退有补偿吗"}})
	all := strings.Join(evs, "\n")
	if strings.Count(all, "event: msg") != 2 || !strings.Contains(all, `"p1":1`) {
		t.Errorf("the first message's events (the welcome not sent again, p1 stored as 1):\n%s", all)
	}
	_, page = get(t, c, e.srv.URL+"/chat")
	welcome, question := strings.Index(page, "劳动法律助手 🛠"), strings.Index(page, "试用期被辞退有补偿吗")
	if welcome < 0 || question < welcome || !strings.Contains(page, `id="m1"`) {
		t.Error("after the first message the page does not show the stored welcome, then the question")
	}
}

// What a worker types is shown as text, never as markup.
func TestWorkerTextEscaped(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {`<script>alert(1)</script> [x](javascript:alert(1))`}})
	_, page := get(t, c, e.srv.URL+"/chat")
	if strings.Contains(page, "<script>alert") || strings.Contains(page, `href="javascript:`) {
		t.Error("a worker's text became markup")
	}
}

// A tampered or unknown cookie starts a fresh session; a resume token is
// not a session cookie; the resume link brings the session back.
func TestIdentity(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"公司不给我交社保怎么办"}})
	_, save := get(t, c, e.srv.URL+"/chat/save")
	i := strings.Index(save, "/chat/r/")
	if i < 0 {
		t.Fatal("no resume link on the save page")
	}
	token := save[i+len("/chat/r/"):]
	token = token[:strings.IndexAny(token, `"<`)]
	u, _ := url.Parse(e.srv.URL)
	var session string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "laborbot_chat" {
			session = ck.Value
		}
	}
	if session == "" || session == token {
		t.Fatalf("session %q, resume token %q", session, token)
	}
	tampered := []byte(session)
	tampered[len(tampered)-2] ^= 1
	for name, value := range map[string]string{"tampered": string(tampered), "resume token as cookie": token, "garbage": "x"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/chat", nil)
		req.AddCookie(&http.Cookie{Name: "laborbot_chat", Value: value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "公司不给我交社保怎么办") || len(resp.Cookies()) == 0 {
			t.Errorf("%s: the old conversation shows, or no fresh cookie", name)
		}
	}
	// Another browser resumes with the link (after confirming).
	other := e.client(t)
	if code, page := get(t, other, e.srv.URL+"/chat/r/"+token); code != 200 || !strings.Contains(page, "继续") {
		t.Fatalf("resume page: %d", code)
	}
	resp, err := other.PostForm(e.srv.URL+"/chat/r/"+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "公司不给我交社保怎么办") {
		t.Error("the resumed session does not show the conversation")
	}
	if code, _ := get(t, other, e.srv.URL+"/chat/r/"+token[:len(token)-1]+"A"); code != 404 {
		t.Errorf("a tampered resume link: %d, want 404", code)
	}
}

func upload(tb testing.TB, c *http.Client, u string, data []byte) []string {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "x.bin")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.Split(string(b), "\n")
}

// Uploads are sniffed and size-limited; a photo outside a complaint gets
// the conversation's explanation.
func TestUploads(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	if evs := strings.Join(upload(t, c, e.srv.URL+"/chat/upload", []byte("#!/bin/sh\nrm -rf /\n")), "\n"); !strings.Contains(evs, "只能上传照片") {
		t.Errorf("a script was not refused: %s", evs)
	}
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, webchat.MaxFileSize)...)
	if evs := strings.Join(upload(t, c, e.srv.URL+"/chat/upload", big), "\n"); !strings.Contains(evs, "文件太大") {
		t.Errorf("a file over the limit was not refused: %.300s", evs)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 100)...)
	if evs := strings.Join(upload(t, c, e.srv.URL+"/chat/upload", png), "\n"); !strings.Contains(evs, "照片") || !strings.Contains(evs, "图片") {
		t.Errorf("a photo outside a complaint: %s", evs)
	}
}

// Deliver puts a message in the worker's inbox and notifies their
// browsers; a subscription the push service calls gone is forgotten.
func TestDeliverAndPush(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	status := http.StatusCreated
	push := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r)
		s := status
		mu.Unlock()
		w.WriteHeader(s)
	}))
	defer push.Close()
	priv, pub, _ := webpush.GenerateVAPIDKeys()
	e := newEnv(t, func(o *webchat.Options) {
		o.Push = &webchat.PushOptions{PublicKey: pub, PrivateKey: priv, Subject: "mailto:ops@union.example",
			AllowEndpoint: func(u *url.URL) bool { return strings.HasPrefix(u.String(), push.URL) }}
	})
	c := e.client(t)
	_, page := get(t, c, e.srv.URL+"/chat")
	if !strings.Contains(page, `data-push-key="`+pub+`"`) {
		t.Error("the page does not offer push")
	}
	sub := `{"endpoint":"` + push.URL + `/p/1","keys":{"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM","auth":"tBHItJI5svbpez7KI4CCXg"}}`
	for _, bad := range []string{`{"endpoint":"http://10.0.0.1/x","keys":{"p256dh":"a","auth":"b"}}`, `{"endpoint":"` + push.URL + `"}`, `nonsense`} {
		resp, _ := c.Post(e.srv.URL+"/chat/push", "application/json", strings.NewReader(bad))
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("subscription %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	resp, err := c.Post(e.srv.URL+"/chat/push", "application/json", strings.NewReader(sub))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("subscribing: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	worker := workerOf(t, e, c)
	if !bot.IsWebID(worker) {
		t.Fatalf("worker id %d is not a web id", worker)
	}
	if err := e.chat.Deliver(t.Context(), worker, bot.Reply{Text: "✉️ 调解员：请带工资条来"}); err != nil {
		t.Fatal(err)
	}
	_, js := get(t, c, e.srv.URL+"/chat/messages?after=0")
	if !strings.Contains(js, "请带工资条来") {
		t.Errorf("the delivered message is not in the inbox: %s", js)
	}
	mu.Lock()
	if len(got) != 1 || got[0].Header.Get("Content-Encoding") != "aes128gcm" || !strings.Contains(got[0].Header.Get("Authorization"), pub) {
		t.Errorf("push requests: %d", len(got))
	}
	status = http.StatusGone
	mu.Unlock()
	e.chat.Deliver(t.Context(), worker, bot.Reply{Text: "second"})
	if subs, _ := e.store.PushSubscriptions(t.Context(), worker); len(subs) != 0 {
		t.Errorf("a gone subscription was kept: %v", subs)
	}
	if err := e.chat.Deliver(t.Context(), 42, bot.Reply{Text: "x"}); err == nil {
		t.Error("Deliver to a Telegram id succeeded")
	}
}

// workerOf reads the worker id from the client's session cookie (the id
// in its first 8 bytes, then the MAC).
func workerOf(t *testing.T, e *env, c *http.Client) int64 {
	t.Helper()
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "laborbot_chat" {
			b, err := base64.RawURLEncoding.DecodeString(ck.Value)
			if err == nil && len(b) > 8 {
				return int64(binary.BigEndian.Uint64(b[:8]))
			}
		}
	}
	t.Fatal("no session cookie")
	return 0
}

// The language switch changes the page and the conversation.
func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	_, page := get(t, c, e.srv.URL+"/chat/lang?to=en")
	if !strings.Contains(page, "OK, I'll use English") || !strings.Contains(page, `lang="en"`) || !strings.Contains(page, "Send") {
		t.Fatal("switching to English: the page or the conversation stays Chinese")
	}
	_, evs := events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"/help"}})
	if all := strings.Join(evs, "\n"); !strings.Contains(all, "How to use me") {
		t.Errorf("/help after switching: %s", all)
	}
	_, page = get(t, c, e.srv.URL+"/chat/lang?to=zh")
	if !strings.Contains(page, "好的，以后用中文和你交流") || !strings.Contains(page, "发送") {
		t.Error("switching back to Chinese")
	}
}

// The page's tools offer /privacy, and it answers in the web chat with what
// the page keeps (the inbox) and, with DATA_KEY, that it is sealed.
func TestPrivacyInTheWebChat(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	_, page := get(t, c, e.srv.URL+"/chat")
	if !strings.Contains(page, `value="/privacy"`) {
		t.Error("the page offers no /privacy")
	}
	_, evs := events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"/privacy"}})
	all := strings.Join(evs, "\n")
	for _, want := range []string{"300", "/deletedata", "加密"} {
		if !strings.Contains(all, want) {
			t.Errorf("/privacy in the web chat lacks %q: %s", want, all)
		}
	}
}

// TestPurgeForgetsTheFormInProgress: the purge of workers silent for
// InboxRetention erases, beside the inbox, what the conversation keeps of
// them: a complaint half filled in (sealed, but personal) and the language
// setting.
func TestPurgeForgetsTheFormInProgress(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"/lang"}})
	events(t, c, e.srv.URL+"/chat/press", url.Values{"data": {"lang|en"}})
	events(t, c, e.srv.URL+"/chat/send", url.Values{"text": {"/complain"}})
	_, evs := events(t, c, e.srv.URL+"/chat/press", url.Values{"data": {"ik|agree"}})
	if !strings.Contains(strings.Join(evs, "\n"), "(1/16)") {
		t.Fatalf("the interview did not start: %v", evs)
	}
	ctx := t.Context()
	// Not yet idle long enough: nobody is purged.
	if n, err := e.chat.PurgeInactive(ctx, time.Now(), nil); err != nil || n != 0 {
		t.Fatalf("purge now = %d, %v; want none", n, err)
	}
	var forgotten []int64
	forget := func(ctx context.Context, worker int64) error {
		if st, err := e.store.GetChatState(ctx, worker); err != nil || len(st) == 0 {
			t.Errorf("worker %d had no form in progress before the purge (%v): the test proves nothing", worker, err)
		}
		if p, err := e.store.GetPrefs(ctx, worker); err != nil || p == (bot.Prefs{}) {
			t.Errorf("worker %d had no settings before the purge (%v): the test proves nothing", worker, err)
		}
		forgotten = append(forgotten, worker)
		return e.conv.ForgetChat(ctx, worker, worker)
	}
	n, err := e.chat.PurgeInactive(ctx, time.Now().Add(webchat.InboxRetention+time.Hour), forget)
	if err != nil || n != 1 || len(forgotten) != 1 {
		t.Fatalf("purge two years on = %d, %v, forgot %v; want the one worker", n, err, forgotten)
	}
	w := forgotten[0]
	if st, err := e.store.GetChatState(ctx, w); err != nil || len(st) != 0 {
		t.Errorf("the form in progress survived the purge: %d bytes, %v", len(st), err)
	}
	if p, err := e.store.GetPrefs(ctx, w); err != nil || p != (bot.Prefs{}) {
		t.Errorf("the settings survived the purge: %+v, %v", p, err)
	}
}
