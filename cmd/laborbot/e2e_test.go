package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/openai/openaitest"
)

const testToken = "123456:TEST-token-never-logged"

// running is a bot started by startBot.
type running struct {
	tg       *telegramtest.Server
	httpAddr string
	opsAddr  string // /healthz and /metrics
	logs     *syncBuffer
	stop     func() // cancels and waits for Run to return
}

// startBot runs the real Main against a fake Bot API server. env adds to
// (or overrides) the defaults; DATA_DIR defaults to a new temp dir.
func startBot(t testing.TB, tg *telegramtest.Server, env map[string]string, opts ...func(*Main)) *running {
	t.Helper()
	if tg == nil {
		tg = telegramtest.NewServer(t, testToken)
	}
	dataDir := ""
	if _, ok := env["DATA_DIR"]; !ok {
		dataDir = t.TempDir()
	}
	full := map[string]string{
		"TELEGRAM_BOT_TOKEN": testToken,
		"TELEGRAM_API_URL":   tg.URL(),
		"HTTP_ADDR":          "127.0.0.1:0",
		"OPS_ADDR":           "127.0.0.1:0",
		"DATA_DIR":           dataDir,
		"LOG_LEVEL":          "info",
	}
	for k, v := range env {
		full[k] = v
	}
	logs := &syncBuffer{}
	ready := make(chan string, 1)
	opsAddr := ""
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Environ: full,
		OnOpsReady: func(addr string) { opsAddr = addr },
		OnReady:    func(addr string) { ready <- addr }, PollTimeout: 3 * time.Second, ChatRate: chatRate(env),
		WebChatLimits: webChatLimits(env)}
	for _, o := range opts {
		o(m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	r := &running{tg: tg, logs: logs}
	select {
	case r.httpAddr = <-ready:
		r.opsAddr = opsAddr // written before ready was sent
	case err := <-done:
		cancel()
		t.Fatalf("bot did not start: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("bot did not start in time\n%s", logs.String())
	}
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("bot did not stop in time")
		}
		// The token and message texts must never reach the logs.
		if strings.Contains(logs.String(), testToken) {
			t.Error("the bot token appeared in the logs")
		}
	}
	t.Cleanup(r.stop)
	return r
}

// chatRate is the per-chat pace for a test bot: real (1/s) unless the test
// asks for a fast one ("fast": "1" in env, for long interviews).
func chatRate(env map[string]string) float64 {
	if env["fast"] != "" {
		return 50
	}
	return 0
}

// get fetches path from the bot: the operators' endpoints (/healthz,
// /metrics) from OPS_ADDR, where alone they are served, the rest from
// HTTP_ADDR.
func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	addr := r.httpAddr
	if isOpsPath(path) {
		addr = r.opsAddr
	}
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func isOpsPath(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return p == "/healthz" || p == "/metrics"
}

const wait = 20 * time.Second

func sendTo(chatID int64) func(telegramtest.Call) bool {
	return func(c telegramtest.Call) bool {
		return c.Method == "sendMessage" && c.OK() && c.Int64("chat_id") == chatID
	}
}

func TestE2EPrivateChat(t *testing.T) {
	r := startBot(t, nil, nil)
	tg := r.tg
	const chat = 501
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/start"))
	welcome := tg.WaitForText(t, chat, "劳动法律助手", wait)
	if kb := telegramtest.ReplyMarkup(welcome); kb == nil || len(kb.InlineKeyboard) == 0 {
		t.Error("/start shows no topic buttons")
	}
	cmds := tg.CallsTo("setMyCommands")
	if len(cmds) < 2 {
		t.Errorf("setMyCommands called %d times, want Chinese and English menus", len(cmds))
	}

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
	ans := tg.WaitForText(t, chat, "《劳动合同法》第30条", wait)
	if ans.Params["parse_mode"] != "HTML" || !strings.Contains(ans.Text(), "<b>") {
		t.Errorf("answer not sent as HTML: %s", ans)
	}
	if !strings.Contains(ans.Text(), "12351") {
		t.Error("answer lacks the way to a human")
	}
	kb := telegramtest.ReplyMarkup(ans)
	if len(keyboardButtons(kb, "fb|+|")) != 1 || len(keyboardButtons(kb, "fb|-|")) != 1 {
		t.Fatalf("no feedback buttons: %+v", kb)
	}
	// 👎 is stored and acknowledged.
	tg.PushUpdate(telegramtest.Callback(chat, chat, ans.MessageID(), keyboardButtons(kb, "fb|-|")[0].CallbackData))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool { return c.Method == "answerCallbackQuery" && c.OK() })

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "My boss has not paid my wages for two months. What can I do?", telegramtest.WithLang("en")))
	tg.WaitForText(t, chat, "Labor Contract Law, art.", wait)

	code, body := r.get(t, "/healthz")
	if code != http.StatusOK || !strings.Contains(body, "ok") {
		t.Errorf("/healthz = %d %q", code, body)
	}
	code, body = r.get(t, "/metrics")
	for _, want := range []string{`laborbot_answers_total{mode="retrieval"} 2`, `laborbot_feedback_total{vote="down"} 1`, "laborbot_updates_total"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	r.stop()
	if strings.Contains(r.logs.String(), "拖欠") || strings.Contains(r.logs.String(), "wages for two months") {
		t.Error("message text appeared in the info logs")
	}
}

func TestE2EBadInputAndGroups(t *testing.T) {
	r := startBot(t, nil, nil)
	tg := r.tg
	const chat = 502
	tg.PushUpdate(telegramtest.Sticker(chat, chat, "😀"))
	tg.WaitForText(t, chat, "表情", wait)
	tg.PushUpdate(telegramtest.Voice(chat, chat, "voice-1", 3))
	tg.WaitForText(t, chat, "语音", wait)
	tg.PushUpdate(telegramtest.Forwarded(chat, chat, "别人的工资单", "someone"))
	tg.WaitForText(t, chat, "转发", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, strings.Repeat("我的工资", 400)))
	tg.WaitForText(t, chat, "太长", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/nosuchcommand"))
	tg.WaitForText(t, chat, "/help", wait)

	const group = -100777
	tg.PushUpdate(telegramtest.GroupText(group, 7, "老板拖欠工资怎么办"))
	tg.PushUpdate(telegramtest.GroupText(group, 7, "@"+telegramtest.BotUsername+" 公司不交社保怎么办"))
	got := tg.WaitForText(t, group, "社会保险", wait)
	if strings.Contains(got.Text(), "@"+telegramtest.BotUsername) {
		t.Error("the mention was not stripped from the question")
	}
	tg.PushUpdate(telegramtest.GroupText(group, 7, "/calc"))
	tg.WaitForText(t, group, "私聊", wait)
	// Only the mention, and /calc, were answered: the first message was not.
	time.Sleep(300 * time.Millisecond)
	if n := len(tg.Sent(group)); n != 2 {
		t.Errorf("the bot sent %d messages to the group, want 2", n)
	}
}

func TestE2EStreamingAndLLMDown(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	llm.Queue(openaitest.Reply{Chunks: []string{"单位应当按月足额支付工资", "[劳动合同法 30]。", "拖欠的，可以向劳动监察投诉，", "或者申请仲裁。"}, ChunkDelay: 500 * time.Millisecond},
		openaitest.Reply{Status: 503})
	r := startBot(t, nil, map[string]string{"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m", "LLM_TIMEOUT": "10s"})
	tg := r.tg
	const chat = 503
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
	final := tg.WaitForText(t, chat, "或者申请仲裁", wait)
	drafts := tg.CallsTo("sendMessageDraft")
	typing := tg.CallsTo("sendChatAction")
	if len(typing) == 0 || len(drafts) > 0 && typing[0].At.After(drafts[0].At) {
		t.Error("no typing indicator before the model's answer")
	}
	if len(drafts) < 2 {
		t.Errorf("the answer was not streamed as drafts: %d drafts", len(drafts))
	}
	for _, d := range drafts {
		if d.At.After(final.At) {
			t.Error("a draft came after the final message")
		}
	}
	if !strings.Contains(final.Text(), "《劳动合同法》第30条") {
		t.Errorf("final answer lacks its citation: %s", final.Text())
	}
	// With the model failing, the retrieval answer still arrives.
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "公司不给我交社保怎么办"))
	tg.WaitForText(t, chat, "《社会保险法》", wait)
	_, metrics := r.get(t, "/metrics")
	for _, want := range []string{`laborbot_answers_total{mode="llm"} 1`, `laborbot_answers_total{mode="fallback"} 1`, "laborbot_llm_failures_total 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestE2EStreamingInGroupEdits(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	chunks := []string{"单位应当按月足额支付工资[劳动合同法 30]。"}
	for i := 0; i < 8; i++ {
		chunks = append(chunks, "拖欠的可以投诉。")
	}
	llm.Queue(openaitest.Reply{Chunks: chunks, ChunkDelay: 600 * time.Millisecond})
	r := startBot(t, nil, map[string]string{"OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m"})
	tg := r.tg
	const group = -100888
	tg.PushUpdate(telegramtest.GroupText(group, 9, "@"+telegramtest.BotUsername+" 老板拖欠工资怎么办"))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "editMessageText" && c.OK() && strings.Contains(c.Text(), "📖")
	})
	if n := len(tg.CallsTo("sendMessageDraft")); n != 0 {
		t.Errorf("drafts used in a group: %d", n)
	}
	edits := tg.CallsTo("editMessageText")
	for i := 1; i < len(edits)-1; i++ {
		if gap := edits[i].At.Sub(edits[i-1].At); gap < 2*time.Second {
			t.Errorf("edits %d and %d only %s apart: group edits must be throttled", i-1, i, gap)
		}
	}
}

func TestE2ERetriesAfter429(t *testing.T) {
	r := startBot(t, nil, nil)
	tg := r.tg
	const chat = 504
	tg.FailNext("sendMessage", 1, 429, 1)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/help"))
	ok := tg.WaitForText(t, chat, "12351", wait)
	var failed *telegramtest.Call
	for _, c := range tg.CallsTo("sendMessage") {
		if c.Status == 429 {
			c := c
			failed = &c
		}
	}
	if failed == nil {
		t.Fatal("the 429 was never returned")
	}
	if gap := ok.At.Sub(failed.At); gap < 900*time.Millisecond {
		t.Errorf("retried after %s, before retry_after (1 s)", gap)
	}
}

func TestE2EWebhookSecretAndDuplicates(t *testing.T) {
	r := startBot(t, nil, map[string]string{"WEBHOOK_URL": "https://bot.example.org/tg/hook", "WEBHOOK_SECRET": "s3cret-Value"})
	tg := r.tg
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool { return c.Method == "setWebhook" && c.OK() })
	if c := tg.CallsTo("setWebhook")[0]; c.Params["secret_token"] != "s3cret-Value" || c.Params["url"] != "https://bot.example.org/tg/hook" {
		t.Errorf("setWebhook params: %v", c.Params)
	}
	const chat = 505
	upd := telegramtest.TextMessage(chat, chat, "试用期工资可以打八折吗")
	upd.ID = 4242
	body, _ := json.Marshal(upd)
	post := func(secret string) int {
		req, _ := http.NewRequest("POST", "http://"+r.httpAddr+"/tg/hook", bytes.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d, want 401", code)
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(tg.Sent(chat)); n != 0 {
		t.Fatalf("a request with a bad secret was processed: %d messages", n)
	}
	// Telegram redelivers the same update: it is answered once.
	if post("s3cret-Value") != http.StatusOK || post("s3cret-Value") != http.StatusOK {
		t.Fatal("webhook refused a good request")
	}
	tg.WaitForText(t, chat, "试用期", wait)
	time.Sleep(500 * time.Millisecond)
	if n := len(tg.Sent(chat)); n != 1 {
		t.Errorf("a duplicate update was answered %d times", n)
	}
}

// TestE2ERestart: what a user chose and a calculation in progress survive a
// restart on the same data directory.
func TestE2ERestart(t *testing.T) {
	dataDir := t.TempDir()
	tg := telegramtest.NewServer(t, testToken)
	r := startBot(t, tg, map[string]string{"DATA_DIR": dataDir})
	const chat = 506
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/lang en"))
	tg.WaitForText(t, chat, "English from now on", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/calc"))
	menu := tg.WaitForText(t, chat, "calculator", wait)
	tg.PushUpdate(telegramtest.Callback(chat, chat, menu.MessageID(), "calc|severance"))
	tg.WaitForText(t, chat, "(1/7)", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "2021-03-01"))
	tg.WaitForText(t, chat, "(2/7)", wait)
	r.stop()
	if _, err := os.Stat(filepath.Join(dataDir, "laborbot.db")); err != nil {
		t.Fatalf("no data file: %v", err)
	}

	tg.Reset()
	startBot(t, tg, map[string]string{"DATA_DIR": dataDir})
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "2024-09-15"))
	tg.WaitForText(t, chat, "(3/7)", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/help"))
	tg.WaitForText(t, chat, "How to use me", wait)
}

// TestE2ECalcMatchesCLI: the Telegram /calc flow and `laborbot calc` give
// the same figure for the same inputs.
func TestE2ECalcMatchesCLI(t *testing.T) {
	var cli bytes.Buffer
	if err := runCalc(context.Background(), []string{"severance", "--start", "2019-07-15", "--end", "2024-02-10", "--wage", "12500", "--unlawful", "--json"}, &cli, io.Discard); err != nil {
		t.Fatal(err)
	}
	var want struct{ Amount float64 }
	if err := json.Unmarshal(cli.Bytes(), &want); err != nil || want.Amount == 0 {
		t.Fatalf("CLI output %q: %v", cli.String(), err)
	}

	r := startBot(t, nil, map[string]string{"fast": "1"})
	tg := r.tg
	const chat = 507
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/calc"))
	menu := tg.WaitForText(t, chat, "计算器", wait)
	tg.PushUpdate(telegramtest.Callback(chat, chat, menu.MessageID(), "calc|severance"))
	answers := []string{"2019-07-15", "2024-02-10", "12500"}
	for i, a := range answers {
		tg.WaitForText(t, chat, "("+string(rune('1'+i))+"/7)", wait)
		tg.PushUpdate(telegramtest.TextMessage(chat, chat, a))
	}
	// Skip the local average wage, answer yes to unlawful dismissal, no to
	// the notice question: last month's wage is then not asked (it could
	// not change the result).
	for i, data := range []string{"cv|", "cv|是", "cv|否"} {
		q := tg.WaitForText(t, chat, "("+string(rune('4'+i))+"/7)", wait)
		tg.PushUpdate(telegramtest.Callback(chat, chat, q.MessageID(), data))
	}
	res := tg.WaitForText(t, chat, "结果：", wait)
	wantText := formatYuan(want.Amount)
	if !strings.Contains(res.Text(), wantText) {
		t.Errorf("Telegram result differs from the CLI's %s:\n%s", wantText, res.Text())
	}
	// The figure goes onto a complaint: after consent, the amount claimed
	// is offered pre-filled for the worker to confirm.
	kb := telegramtest.ReplyMarkup(res)
	if kb == nil || !strings.HasPrefix(kb.InlineKeyboard[0][0].CallbackData, "complain|") {
		t.Fatalf("no complaint button under the result: %+v", kb)
	}
	consent := pressWait(t, tg, chat, chat, kb.InlineKeyboard[0][0].CallbackData, "同意")
	agree := telegramtest.ReplyMarkup(consent).InlineKeyboard[0][0].CallbackData
	pressWait(t, tg, chat, chat, agree, "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:dismissal", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	for _, a := range []struct{ text, want string }{{"某某物流公司", "(3/16)"}, {"四川", "(4/16)"}, {"成都", "(5/16)"},
		{"金牛", "(6/16)"}, {"2019-07-15", "(7/16)"}, {"2024-02-10", "(8/16)"}} {
		say(t, tg, chat, a.text, a.want)
	}
	claimed := say(t, tg, chat, "12500", "(9/16)")
	if !strings.Contains(claimed.Text(), wantText) {
		t.Errorf("the amount claimed is not pre-filled with %s:\n%s", wantText, claimed.Text())
	}
	say(t, tg, chat, "/cancel", "取消")

	// A bad answer gets a clear message and the same question again.
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/calc"))
	menu = tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "sendMessage" && c.OK() && c.Int64("chat_id") == chat && strings.Contains(c.Text(), "计算器") && c.MessageID() > menu.MessageID()
	})
	tg.PushUpdate(telegramtest.Callback(chat, chat, menu.MessageID(), "calc|overtime"))
	tg.WaitForText(t, chat, "(1/", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "很多钱"))
	tg.WaitForText(t, chat, "⚠️", wait)
}

// formatYuan writes an amount the way the calculators show it: 64,000.00.
func formatYuan(v float64) string {
	whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', 2, 64), ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + "." + frac
}

// TestE2ERedis runs the basic conversation with everything in Redis.
func TestE2ERedis(t *testing.T) {
	url, prefix := testRedis(t, "laborbot-e2e")
	r := startBot(t, nil, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix})
	tg := r.tg
	const chat = 508
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/lang en"))
	tg.WaitForText(t, chat, "English from now on", wait)
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "被辞退了有补偿吗"))
	tg.WaitForText(t, chat, "经济补偿", wait)
	_, logs := r.get(t, "/healthz")
	if !strings.Contains(logs, "ok") {
		t.Errorf("/healthz on Redis: %q", logs)
	}
	if !strings.Contains(r.logs.String(), `"store":"redis"`) {
		t.Error("the bot did not run on Redis")
	}
}
