package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const testToken = "1000:test-token"

// newBot connects the real go-telegram client to srv. The poll timeout is
// short so that tests which wait for a poll cycle stay fast; the HTTP
// timeout must exceed it, as in production.
func newBot(t *testing.T, srv *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	base := []bot.Option{
		bot.WithServerURL(srv.URL()),
		bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 5 * time.Second}),
		bot.WithErrorsHandler(func(err error) { t.Logf("bot error: %v", err) }),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
	}
	b, err := bot.New(testToken, append(base, opts...)...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// startBot runs long polling until the test ends; the cleanup waits for
// Start to return so that nothing logs after the test.
func startBot(t *testing.T, b *bot.Bot) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts a raw request, for what the go-telegram client cannot express
// (JSON and URL-encoded bodies, exact offsets, unknown methods).
func call(t *testing.T, ctx context.Context, srv *Server, method, contentType, body string) (int, apiAnswer) {
	t.Helper()
	status, a, err := doCall(ctx, srv, method, contentType, body)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return status, a
}

// doCall is call for goroutines other than the test's, which must not
// call t.Fatal.
func doCall(ctx context.Context, srv *Server, method, contentType, body string) (int, apiAnswer, error) {
	var a apiAnswer
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/bot"+testToken+"/"+method, strings.NewReader(body))
	if err != nil {
		return 0, a, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, a, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &a); err != nil {
		return 0, a, fmt.Errorf("answer %q is not JSON: %v", data, err)
	}
	return resp.StatusCode, a, nil
}

func updateIDs(t *testing.T, raw json.RawMessage) []int64 {
	t.Helper()
	var ups []models.Update
	if err := json.Unmarshal(raw, &ups); err != nil {
		t.Fatalf("result %s: %v", raw, err)
	}
	ids := []int64{}
	for _, u := range ups {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestGetMe(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv) // bot.New itself calls getMe
	me, err := b.GetMe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != BotID || me.Username != "laborbot_test_bot" || !me.IsBot {
		t.Errorf("getMe = %+v", me)
	}
	if n := len(srv.CallsTo("getMe")); n != 2 {
		t.Errorf("getMe calls = %d, want 2", n)
	}
}

func TestWrongToken(t *testing.T) {
	srv := NewServer(t, testToken)
	_, err := bot.New("1000:wrong", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("bot.New with a wrong token: %v, want ErrorUnauthorized", err)
	}
	resp, err := http.Post(srv.URL()+"/bot1000:wrong/getMe", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 401 || string(body) != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Errorf("wrong token: %d %s", resp.StatusCode, body)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls recorded for another token", n)
	}
}

func TestUnknownMethod(t *testing.T) {
	srv := NewServer(t, testToken)
	status, a := call(t, context.Background(), srv, "frobnicate", "application/json", "{}")
	if status != 404 || a.OK || a.ErrorCode != 404 || a.Description != "Not Found: method not found" {
		t.Errorf("unknown method: %d %+v", status, a)
	}
	if c := srv.CallsTo("frobnicate"); len(c) != 1 || c[0].Status != 404 {
		t.Errorf("unknown method not recorded: %+v", c)
	}
}

func TestLongPollingDeliversOnceInOrder(t *testing.T) {
	srv := NewServer(t, testToken)
	var (
		mu  sync.Mutex
		got []int64
	)
	b := newBot(t, srv,
		// Handlers run one at a time, so the order they see is the
		// order the fake delivered.
		bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
			mu.Lock()
			got = append(got, u.ID)
			mu.Unlock()
		}))
	for i := range 3 {
		srv.PushUpdate(TextMessage(42, 42, fmt.Sprintf("before %d", i)))
	}
	startBot(t, b)
	for i := range 3 {
		time.Sleep(50 * time.Millisecond) // some while a poll is blocked
		srv.PushUpdate(TextMessage(42, 42, fmt.Sprintf("after %d", i)))
	}
	// A poll with offset 7 confirms all six; wait for it, then for one
	// more poll cycle, to see that nothing is delivered twice.
	srv.WaitFor(t, 5*time.Second, func(c Call) bool { return c.Method == "getUpdates" && c.Int64("offset") == 7 })
	srv.WaitFor(t, 5*time.Second, func(c Call) bool {
		return c.Method == "getUpdates" && c.Int64("offset") == 7 && c.OK() && string(c.Result) == "[]"
	})
	mu.Lock()
	defer mu.Unlock()
	if want := []int64{1, 2, 3, 4, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("handled updates %v, want %v", got, want)
	}
	if n := srv.Pending(); n != 0 {
		t.Errorf("%d updates still pending", n)
	}
	last := int64(0)
	for _, c := range srv.CallsTo("getUpdates") {
		if c.Int64("offset") < last {
			t.Errorf("offset went back from %d to %d", last, c.Int64("offset"))
		}
		last = c.Int64("offset")
	}
}

func TestGetUpdatesOffsetLimitTimeout(t *testing.T) {
	srv := NewServer(t, testToken)
	ctx := context.Background()
	form := "application/x-www-form-urlencoded"
	for i := range 3 {
		srv.PushUpdate(TextMessage(1, 1, fmt.Sprint(i)))
	}
	for _, tc := range []struct {
		body string
		want []int64
	}{
		{"offset=0", []int64{1, 2, 3}},
		{"offset=0&limit=2", []int64{1, 2}},
		{"offset=2", []int64{2, 3}},
		{"offset=0", []int64{2, 3}}, // update 1 was confirmed and is gone
		{"offset=-1", []int64{3}},
		{"offset=4", []int64{}},
	} {
		_, a := call(t, ctx, srv, "getUpdates", form, tc.body)
		if got := updateIDs(t, a.Result); !slices.Equal(got, tc.want) {
			t.Errorf("getUpdates %s = %v, want %v", tc.body, got, tc.want)
		}
	}

	start := time.Now()
	_, a := call(t, ctx, srv, "getUpdates", form, "offset=4&timeout=1")
	if d := time.Since(start); d < 900*time.Millisecond || d > 3*time.Second {
		t.Errorf("empty long poll took %v, want about 1s", d)
	}
	if string(a.Result) != "[]" {
		t.Errorf("empty long poll = %s", a.Result)
	}

	go func() {
		time.Sleep(200 * time.Millisecond)
		srv.PushUpdate(TextMessage(1, 1, "late"))
	}()
	start = time.Now()
	_, a = call(t, ctx, srv, "getUpdates", form, "offset=4&timeout=10")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("long poll returned after %v, not when the update was pushed", d)
	}
	if got := updateIDs(t, a.Result); !slices.Equal(got, []int64{4}) {
		t.Errorf("long poll = %v, want [4]", got)
	}

	// A client that gives up ends the poll at once; it is recorded with
	// status 0.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(short, http.MethodPost, srv.URL()+"/bot"+testToken+"/getUpdates",
		strings.NewReader("offset=5&timeout=30"))
	req.Header.Set("Content-Type", form)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("cancelled poll succeeded")
	}
	srv.WaitFor(t, 2*time.Second, func(c Call) bool { return c.Method == "getUpdates" && c.Status == 0 })
}

func TestSecondPollerEndsFirst(t *testing.T) {
	srv := NewServer(t, testToken)
	form := "application/x-www-form-urlencoded"
	first := make(chan apiAnswer, 1)
	go func() {
		_, a, _ := doCall(context.Background(), srv, "getUpdates", form, "timeout=10")
		first <- a
	}()
	// Wait until the first poll is blocked in the server.
	time.Sleep(200 * time.Millisecond)
	go doCall(context.Background(), srv, "getUpdates", form, "timeout=1")
	select {
	case a := <-first:
		if a.ErrorCode != 409 || !strings.HasPrefix(a.Description, "Conflict: terminated by other getUpdates request") {
			t.Errorf("first poll = %+v, want 409 Conflict", a)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first poll was not ended by the second")
	}
}

func TestAllowedUpdatesDropsUnaskedTypes(t *testing.T) {
	srv := NewServer(t, testToken)
	srv.PushUpdate(models.Update{MessageReaction: &models.MessageReactionUpdated{Chat: models.Chat{ID: 1, Type: "private"}}})
	if n := srv.Pending(); n != 0 {
		t.Errorf("message_reaction queued without being asked for: %d pending", n)
	}
	call(t, context.Background(), srv, "getUpdates", "application/json", `{"allowed_updates":["message_reaction"]}`)
	srv.PushUpdate(models.Update{MessageReaction: &models.MessageReactionUpdated{Chat: models.Chat{ID: 1, Type: "private"}}})
	srv.PushUpdate(TextMessage(1, 1, "hi"))
	if n := srv.Pending(); n != 1 {
		t.Errorf("pending = %d, want only the reaction", n)
	}
}

func TestInlineKeyboardAndCallback(t *testing.T) {
	srv := NewServer(t, testToken)
	const chat = 777
	pressed := make(chan *models.Update, 1)
	// Handlers outlive the test unless it waits for them: they report
	// here instead of calling t.
	handled := make(chan error, 1)
	b := newBot(t, srv)
	b.RegisterHandler(bot.HandlerTypeCallbackQueryData, "lang:", bot.MatchTypePrefix,
		func(ctx context.Context, b *bot.Bot, u *models.Update) {
			pressed <- u
			_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			if err == nil {
				m := u.CallbackQuery.Message.Message
				_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
					ChatID: m.Chat.ID, MessageID: m.ID, Text: "已选择: " + u.CallbackQuery.Data,
				})
			}
			handled <- err
		})
	startBot(t, b)

	srv.PushUpdate(TextMessage(chat, chat, "/start")) // message 1 in the chat
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "中文", CallbackData: "lang:zh"}, {Text: "English", CallbackData: "lang:en"}},
	}}
	msg, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: "请选择语言", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != 2 || msg.Chat.ID != chat || msg.Text != "请选择语言" || msg.From == nil || msg.From.ID != BotID || msg.Date == 0 {
		t.Errorf("sendMessage answer = %+v", msg)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard[0]) != 2 {
		t.Errorf("reply_markup not echoed: %+v", msg.ReplyMarkup)
	}

	sent := srv.Sent(chat)
	if len(sent) != 1 {
		t.Fatalf("Sent(%d) = %d calls", chat, len(sent))
	}
	if sent[0].MessageID() != msg.ID {
		t.Errorf("Call.MessageID = %d, want %d", sent[0].MessageID(), msg.ID)
	}
	rm := ReplyMarkup(sent[0])
	if rm == nil {
		t.Fatalf("no inline keyboard in %v", sent[0])
	}
	var texts, data []string
	for _, row := range rm.InlineKeyboard {
		for _, btn := range row {
			texts = append(texts, btn.Text)
			data = append(data, btn.CallbackData)
		}
	}
	if !slices.Equal(texts, []string{"中文", "English"}) || !slices.Equal(data, []string{"lang:zh", "lang:en"}) {
		t.Errorf("buttons %v %v", texts, data)
	}

	srv.PushUpdate(Callback(chat, chat, msg.ID, "lang:zh"))
	select {
	case u := <-pressed:
		m := u.CallbackQuery.Message.Message
		if m == nil || m.Text != "请选择语言" || m.ReplyMarkup == nil {
			t.Errorf("callback query carries %+v, want the bot's message", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("callback not delivered")
	}
	edit := srv.WaitForText(t, chat, "已选择: lang:zh", 5*time.Second)
	if edit.Method != "editMessageText" || edit.MessageID() != msg.ID {
		t.Errorf("edit = %v", edit)
	}
	srv.WaitFor(t, 5*time.Second, func(c Call) bool { return c.Method == "answerCallbackQuery" && c.OK() })
	if err := <-handled; err != nil {
		t.Errorf("callback handler: %v", err)
	}
}

func TestTooManyRequests(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	srv.FailNext("sendMessage", 1, 429, 7)
	ctx := context.Background()
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "hi"})
	var tmr *bot.TooManyRequestsError
	if !errors.As(err, &tmr) || tmr.RetryAfter != 7 || !strings.Contains(tmr.Message, "Too Many Requests: retry after 7") {
		t.Fatalf("err = %#v, want *bot.TooManyRequestsError with RetryAfter 7", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "hi"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	calls := srv.CallsTo("sendMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Errorf("calls = %v", calls)
	}
	if n := len(srv.Sent(5)); n != 1 {
		t.Errorf("Sent = %d, want only the successful send", n)
	}

	srv.FailNext("*", 2, 403, 0)
	for range 2 {
		if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping}); !errors.Is(err, bot.ErrorForbidden) {
			t.Errorf("err = %v, want ErrorForbidden", err)
		}
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping}); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

func TestDocumentUpload(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	content := bytes.Repeat([]byte("劳动合同\x00\xff"), 1000)
	msg, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:   9,
		Document: &models.InputFileUpload{Filename: "合同.pdf", Data: bytes.NewReader(content)},
		Caption:  "您的文书",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.CallsTo("sendDocument")[0]
	if !bytes.Equal(c.Files["document"], content) || c.FileNames["document"] != "合同.pdf" || c.Params["caption"] != "您的文书" {
		t.Errorf("recorded %v", c)
	}
	d := msg.Document
	if d == nil || d.FileName != "合同.pdf" || d.MimeType != "application/pdf" || d.FileSize != int64(len(content)) || msg.Caption != "您的文书" {
		t.Fatalf("answer %+v", msg)
	}
	// The uploaded file can be fetched back by its new file_id.
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: d.FileID})
	if err != nil {
		t.Fatal(err)
	}
	if got := download(t, b.FileDownloadLink(f)); !bytes.Equal(got, content) {
		t.Errorf("downloaded %d bytes, want %d", len(got), len(content))
	}
}

func download(t *testing.T, link string) []byte {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", link, resp.StatusCode, data)
	}
	return data
}

func TestGetFileAndDownload(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	content := []byte("%PDF-1.4 fake payslip")
	srv.AddFile("BQAC-payslip", content)
	u := srv.PushUpdate(DocumentMessage(3, 3, "BQAC-payslip", "工资条.pdf"))
	if u.Message.Document.FileSize != int64(len(content)) {
		t.Errorf("pushed document size %d", u.Message.Document.FileSize)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: "BQAC-payslip"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.FilePath, "documents/") || !strings.HasSuffix(f.FilePath, ".pdf") || f.FileSize != int64(len(content)) {
		t.Errorf("getFile = %+v", f)
	}
	if got := download(t, b.FileDownloadLink(f)); !bytes.Equal(got, content) {
		t.Errorf("downloaded %q", got)
	}
	if c := srv.CallsTo("downloadFile"); len(c) != 1 || c[0].Params["file_path"] != f.FilePath {
		t.Errorf("download not recorded: %v", c)
	}
	if _, err := b.GetFile(ctx, &bot.GetFileParams{FileID: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("unknown file: %v", err)
	}
	resp, err := http.Get(srv.URL() + "/file/bot" + testToken + "/documents/missing.pdf")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("missing file: %d", resp.StatusCode)
	}
}

func TestCommandEntities(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []models.MessageEntity
	}{
		{"/start", []models.MessageEntity{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"你好 /help 谢谢", []models.MessageEntity{{Type: "bot_command", Offset: 3, Length: 5}}},
		{"😀 /x", []models.MessageEntity{{Type: "bot_command", Offset: 3, Length: 2}}}, // the emoji is 2 UTF-16 units
		{"/start@laborbot_test_bot go", []models.MessageEntity{{Type: "bot_command", Offset: 0, Length: 24}}},
		{"1/2 and a/b", nil},
		{"/", nil},
	} {
		if got := CommandEntities(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("CommandEntities(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}

	// The real client's command matching works on the pushed update.
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	started := make(chan *models.Update, 1)
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommandStartOnly,
		func(_ context.Context, _ *bot.Bot, u *models.Update) { started <- u })
	startBot(t, b)
	srv.PushUpdate(TextMessage(8, 8, "/start", WithLang("en"), WithUsername("worker8")))
	select {
	case u := <-started:
		if u.Message.From.LanguageCode != "en" || u.Message.From.Username != "worker8" || u.Message.Chat.Type != models.ChatTypePrivate {
			t.Errorf("update = %+v", u.Message)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("/start handler not called")
	}
}

func TestBuilders(t *testing.T) {
	srv := NewServer(t, testToken)
	u := srv.PushUpdate(TextMessage(5, 5, "你好"))
	if u.Message.From.LanguageCode != "zh" || u.Message.From.FirstName == "" || u.Message.ID != 1 || u.Message.Date == 0 {
		t.Errorf("TextMessage = %+v", u.Message)
	}
	g := srv.PushUpdate(GroupText(-1001234567890, 5, "/ask@laborbot_test_bot 加班费", WithTitle("工友群")))
	if g.Message.Chat.Type != models.ChatTypeSupergroup || g.Message.Chat.Title != "工友群" || len(g.Message.Entities) != 1 {
		t.Errorf("GroupText = %+v", g.Message)
	}
	if g := GroupText(-5, 5, "x"); g.Message.Chat.Type != models.ChatTypeGroup {
		t.Errorf("basic group type %q", g.Message.Chat.Type)
	}
	r := srv.PushUpdate(TextMessage(5, 5, "reply", WithReplyTo(1)))
	if r.Message.ReplyToMessage == nil || r.Message.ReplyToMessage.Text != "你好" || r.Message.ID != 2 {
		t.Errorf("reply = %+v", r.Message)
	}
	e := srv.PushUpdate(Edited(5, 5, 1, "你好!"))
	if e.EditedMessage == nil || e.EditedMessage.ID != 1 || e.EditedMessage.EditDate == 0 {
		t.Errorf("Edited = %+v", e.EditedMessage)
	}
	f := srv.PushUpdate(Forwarded(5, 5, "明天不用来上班了", "老板"))
	if o := f.Message.ForwardOrigin; o == nil || o.MessageOriginHiddenUser == nil || o.MessageOriginHiddenUser.SenderUserName != "老板" {
		t.Errorf("Forwarded origin = %+v", f.Message.ForwardOrigin)
	}
	p := srv.PushUpdate(PhotoMessage(5, 5, "AgAC-photo", WithCaption("/scan 工资条")))
	if n := len(p.Message.Photo); n != 2 || p.Message.Photo[n-1].FileID != "AgAC-photo" || len(p.Message.CaptionEntities) != 1 {
		t.Errorf("PhotoMessage = %+v", p.Message)
	}
	if s := srv.PushUpdate(Sticker(5, 5, "👍")); s.Message.Sticker == nil || s.Message.Sticker.Emoji != "👍" {
		t.Errorf("Sticker = %+v", s.Message)
	}
	if v := srv.PushUpdate(Voice(5, 5, "AwAC-voice", 3)); v.Message.Voice == nil || v.Message.Voice.Duration != 3 {
		t.Errorf("Voice = %+v", v.Message)
	}
	if n := srv.Pending(); n != 8 {
		t.Errorf("pending = %d, want 8", n)
	}
	// What the client decodes is what was pushed.
	_, a := call(t, context.Background(), srv, "getUpdates", "application/json", `{"offset":0}`)
	if got := updateIDs(t, a.Result); !slices.Equal(got, []int64{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("update ids %v", got)
	}
}

func TestEditsAndDeletes(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	user := srv.PushUpdate(TextMessage(6, 6, "问题"))
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 6, Text: "正在思考…"})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != user.Message.ID+1 {
		t.Errorf("bot message id %d after user message %d", msg.ID, user.Message.ID)
	}
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 6, MessageID: msg.ID, Text: "答案"})
	if err != nil || edited.Text != "答案" || edited.EditDate == 0 {
		t.Fatalf("edit = %+v, %v", edited, err)
	}
	for _, tc := range []struct {
		p    *bot.EditMessageTextParams
		want string
	}{
		{&bot.EditMessageTextParams{ChatID: 6, MessageID: msg.ID, Text: "答案"}, "message is not modified"},
		{&bot.EditMessageTextParams{ChatID: 6, MessageID: 99, Text: "x"}, "message to edit not found"},
		{&bot.EditMessageTextParams{ChatID: 6, MessageID: user.Message.ID, Text: "x"}, "message can't be edited"},
		{&bot.EditMessageTextParams{ChatID: 6, MessageID: msg.ID, Text: " "}, "message text is empty"},
	} {
		_, err := b.EditMessageText(ctx, tc.p)
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("edit %+v: %v, want %q", tc.p, err, tc.want)
		}
	}
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "👍", CallbackData: "fb:up"}}}}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 6, MessageID: msg.ID, ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 6, MessageID: msg.ID, ReplyMarkup: kb}); err == nil {
		t.Error("identical reply markup edit succeeded")
	}
	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 6, MessageID: msg.ID}); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 6, MessageID: msg.ID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second delete: %v", err)
	}
	long := strings.Repeat("长", 4097)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 6, Text: long}); err == nil || !strings.Contains(err.Error(), "message is too long") {
		t.Errorf("4097 characters: %v", err)
	}
	big := make([]byte, maxCallbackLen+1)
	for i := range big {
		big[i] = 'x'
	}
	bad := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: string(big)}}}}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 6, Text: "x", ReplyMarkup: bad}); err == nil || !strings.Contains(err.Error(), "BUTTON_DATA_INVALID") {
		t.Errorf("65-byte callback data: %v", err)
	}
}

func TestParseModes(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	for _, tc := range []struct {
		mode models.ParseMode
		text string
		want string // "" for success
	}{
		{models.ParseModeHTML, "<b>第一条</b> &lt;规定&gt; <a href=\"https://example.org\">链接</a>", ""},
		{models.ParseModeHTML, "第一行<br>第二行", `Unsupported start tag "br"`},
		{models.ParseModeHTML, "<b>粗体<i>斜体</b></i>", "Unexpected end tag"},
		{models.ParseModeHTML, "<b>没有结束", `Can't find end tag corresponding to start tag "b"`},
		{models.ParseModeMarkdownV1, "第1条. 随便写", ""},
		{models.ParseModeMarkdown, "*粗体* 和 `code.x` 和 [链接](https://example.org/a.b) 第1条\\.", ""},
		{models.ParseModeMarkdown, "第1条.", "Character '.' is reserved"},
		{models.ParseModeMarkdown, "> 引用\n**>可折叠\n正文 ||剧透||", ""},
		{models.ParseModeMarkdown, "a > b", "Character '>' is reserved"},
		{"Bogus", "x", "unsupported parse_mode"},
	} {
		mode := tc.mode
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: tc.text, ParseMode: mode})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %q: %v", mode, tc.text, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %q: %v, want %q", mode, tc.text, err, tc.want)
		}
	}
	// The limit counts visible characters, not markup.
	text := "<b>" + strings.Repeat("字", 4096) + "</b>"
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: text, ParseMode: models.ParseModeHTML}); err != nil {
		t.Errorf("4096 visible characters in HTML: %v", err)
	}
	srv.SetCheckParseMode(false)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "<br>", ParseMode: models.ParseModeHTML}); err != nil {
		t.Errorf("with checks off: %v", err)
	}
}

func TestRequestEncodings(t *testing.T) {
	srv := NewServer(t, testToken)
	ctx := context.Background()
	markup := `{"inline_keyboard":[[{"text":"是","callback_data":"yes"}]]}`
	status, a := call(t, ctx, srv, "sendMessage", "application/json",
		`{"chat_id":11,"text":"JSON 请求","reply_markup":`+markup+`,"disable_notification":true}`)
	if status != 200 || !a.OK {
		t.Fatalf("JSON body: %d %+v", status, a)
	}
	form := url.Values{"chat_id": {"11"}, "text": {"表单请求"}, "reply_markup": {markup}}
	if status, a := call(t, ctx, srv, "SENDMESSAGE", "application/x-www-form-urlencoded", form.Encode()); status != 200 {
		t.Fatalf("form body: %d %+v", status, a)
	}
	sent := srv.Sent(11)
	if len(sent) != 2 {
		t.Fatalf("Sent = %v", sent)
	}
	for _, c := range sent {
		rm := ReplyMarkup(c)
		if rm == nil || rm.InlineKeyboard[0][0].CallbackData != "yes" {
			t.Errorf("reply markup of %v", c)
		}
		var m models.Message
		if err := json.Unmarshal(c.Result, &m); err != nil || m.Chat.ID != 11 {
			t.Errorf("result %s: %v", c.Result, err)
		}
	}
	if sent[0].Params["disable_notification"] != "true" || sent[0].Text() != "JSON 请求" || sent[1].Text() != "表单请求" {
		t.Errorf("params %v / %v", sent[0].Params, sent[1].Params)
	}
	var kb models.InlineKeyboardMarkup
	if err := sent[0].JSON("reply_markup", &kb); err != nil || kb.InlineKeyboard[0][0].Text != "是" {
		t.Errorf("Call.JSON: %v %+v", err, kb)
	}
	if err := sent[0].JSON("missing", &kb); err == nil {
		t.Error("Call.JSON of a missing parameter succeeded")
	}
}

func TestOtherMethods(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	ctx := context.Background()
	srv.PushUpdate(TextMessage(21, 21, "hi", WithName("小明", "王")))
	srv.PushUpdate(GroupText(-1009, 21, "hi"))

	ok, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: "开始"}, {Command: "lang", Description: "语言"}}})
	if !ok || err != nil {
		t.Errorf("setMyCommands: %v %v", ok, err)
	}
	var cmds []models.BotCommand
	if err := srv.CallsTo("setMyCommands")[0].JSON("commands", &cmds); err != nil || len(cmds) != 2 {
		t.Errorf("recorded commands %v %v", cmds, err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Bad-Name", Description: "x"}}}); err == nil {
		t.Error("invalid command accepted")
	}
	if ok, err := b.SendMessageDraft(ctx, &bot.SendMessageDraftParams{ChatID: 21, DraftID: "7", Text: "正在生成…"}); !ok || err != nil {
		t.Errorf("sendMessageDraft: %v %v", ok, err)
	}
	if _, err := b.SendMessageDraft(ctx, &bot.SendMessageDraftParams{ChatID: -1009, DraftID: "7", Text: "x"}); err == nil {
		t.Error("draft in a group accepted")
	}
	if ok, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 21, Action: models.ChatActionTyping}); !ok || err != nil {
		t.Errorf("sendChatAction: %v %v", ok, err)
	}
	chat, err := b.GetChat(ctx, &bot.GetChatParams{ChatID: 21})
	if err != nil || chat.FirstName != "小明" || chat.Type != models.ChatTypePrivate {
		t.Errorf("getChat = %+v, %v", chat, err)
	}
	if _, err := b.GetChat(ctx, &bot.GetChatParams{ChatID: 424242}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("getChat of an unknown chat: %v", err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "invented"}); err == nil {
		t.Error("answer to an unknown callback query accepted")
	}
	photo, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 21, Photo: &models.InputFileUpload{Filename: "a.jpg", Data: strings.NewReader("jpeg")}})
	if err != nil || len(photo.Photo) != 1 || photo.Photo[0].FileID == "" {
		t.Fatalf("sendPhoto = %+v, %v", photo, err)
	}
	// Sending again by file_id works; an unknown file_id does not.
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 21, Photo: &models.InputFileString{Data: photo.Photo[0].FileID}}); err != nil {
		t.Errorf("sendPhoto by file_id: %v", err)
	}
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 21, Photo: &models.InputFileString{Data: "nope"}}); err == nil {
		t.Error("sendPhoto with an unknown file_id accepted")
	}

	// Webhook and long polling exclude each other, as in Telegram.
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://insecure.example"}); err == nil {
		t.Error("http webhook accepted")
	}
	if ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://bot.example/hook"}); !ok || err != nil {
		t.Fatalf("setWebhook: %v %v", ok, err)
	}
	if status, a := call(t, ctx, srv, "getUpdates", "application/json", "{}"); status != 409 || !strings.Contains(a.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %d %+v", status, a)
	}
	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); !ok || err != nil {
		t.Fatalf("deleteWebhook: %v %v", ok, err)
	}
	if n := srv.Pending(); n != 0 {
		t.Errorf("drop_pending_updates left %d updates", n)
	}
}

func TestLatency(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	srv.SetLatency(300 * time.Millisecond)
	start := time.Now()
	if _, err := b.GetMe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answer after %v despite 300ms latency", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := b.GetMe(ctx); err == nil {
		t.Error("request with a shorter deadline than the latency succeeded")
	}
}

func TestConcurrentClients(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	var wg sync.WaitGroup
	for chat := int64(1); chat <= 10; chat++ {
		wg.Go(func() {
			for i := range 10 {
				if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() { srv.PushUpdate(TextMessage(chat, chat, "x")) })
	}
	wg.Wait()
	for chat := int64(1); chat <= 10; chat++ {
		ids := map[int]bool{}
		for _, c := range srv.Sent(chat) {
			ids[c.MessageID()] = true
		}
		if len(ids) != 10 {
			t.Errorf("chat %d: %d distinct message ids for 10 messages", chat, len(ids))
		}
	}
}

// fatalRecorder stands in for the test given to WaitFor, to check what a
// failing wait reports without failing this test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitForTimeoutDumpsCalls(t *testing.T) {
	srv := NewServer(t, testToken)
	b := newBot(t, srv)
	if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 4, Text: "您好，请问有什么可以帮您？"}); err != nil {
		t.Fatal(err)
	}
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WaitForText(rec, 4, "劳动合同", 200*time.Millisecond)
	}()
	<-done
	for _, want := range []string{`containing "劳动合同"`, "sendMessage [200]", "您好，请问有什么可以帮您？", "getMe"} {
		if !strings.Contains(rec.msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, rec.msg)
		}
	}

	// A call that arrives while waiting is found.
	go func() {
		time.Sleep(100 * time.Millisecond)
		b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 4, Text: "关于劳动合同"})
	}()
	if c := srv.WaitForText(t, 4, "劳动合同", 5*time.Second); c.Text() != "关于劳动合同" {
		t.Errorf("found %v", c)
	}
	srv.Reset()
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls after Reset", n)
	}
}

func TestFailUntilRestored(t *testing.T) {
	s := NewServer(t, testToken)
	ctx := t.Context()
	send := func() int {
		status, _ := call(t, ctx, s, "sendMessage", "application/json", `{"chat_id":5,"text":"hi"}`)
		return status
	}
	restore := s.Fail("sendMessage", 502, 0)
	for i := 0; i < 3; i++ {
		if status := send(); status != 502 {
			t.Fatalf("call %d during the outage: %d", i, status)
		}
	}
	if status, _ := call(t, ctx, s, "getMe", "application/json", `{}`); status != 200 {
		t.Errorf("another method failed: %d", status)
	}
	restore()
	if status := send(); status != 200 {
		t.Errorf("after restore: %d", status)
	}
}
