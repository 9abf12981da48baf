// Package telegramtest is a fake Telegram Bot API server for end-to-end
// tests that drive the real bot, with the real github.com/go-telegram/bot
// client, over real HTTP.
//
// A test starts a Server, points the client at it with
// bot.WithServerURL(srv.URL()), pushes updates (PushUpdate with the
// TextMessage, Callback, ... builders) that the bot receives by long
// polling, and then observes what the bot called (Calls, Sent, WaitFor,
// WaitForText). FailNext and SetLatency inject the faults a real bot meets:
// 429 flood limits, 403 from blocked users, slow networks.
//
// The fake keeps the state Telegram keeps, because the bugs worth catching
// live there: per-chat message ids shared by users and the bot, the update
// queue confirmed by offset, which messages exist and who sent them (so
// editing an unknown message or editing to identical content fails as it
// does in production), registered files and their download paths, and pending
// callback queries. Error answers use Telegram's status codes and
// descriptions, so the client turns them into the same Go errors
// (*bot.TooManyRequestsError, bot.ErrorBadRequest, ...) as in production.
//
//	srv := telegramtest.NewServer(t, "1000:test")
//	b, err := bot.New("1000:test", bot.WithServerURL(srv.URL()),
//		bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 5 * time.Second}))
//	...
//	go b.Start(ctx)
//	srv.PushUpdate(telegramtest.TextMessage(42, 42, "/start"))
//	srv.WaitForText(t, 42, "欢迎", 5*time.Second)
//
// A short poll timeout (WithHTTPClient) keeps a stopped bot from holding a
// long poll open for the default minute.
//
// It is not a full Bot API: unknown methods answer 404 and the test sees
// them in the call log; parse_mode text is validated but not rendered into
// entities.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// The bot user the fake answers getMe with.
const (
	BotID        int64 = 1000
	BotUsername        = "laborbot_test_bot"
	BotFirstName       = "LaborBot Test"
)

// Limits Telegram enforces and the fake checks, so that a bot that would be
// rejected in production is rejected in tests too.
const (
	maxTextLen     = 4096     // UTF-16 units of visible text in a message
	maxCaptionLen  = 1024     // UTF-16 units of visible text in a caption
	maxCallbackLen = 64       // bytes of callback_data in a button
	maxGetFileSize = 20 << 20 // getFile refuses larger files
	maxBodySize    = 64 << 20 // uploads are limited to 50 MB by Telegram
	maxLimit       = 100      // getUpdates limit bounds
)

// botUser is what getMe answers and what the bot's messages are "from".
var botUser = models.User{
	ID:            BotID,
	IsBot:         true,
	FirstName:     BotFirstName,
	Username:      BotUsername,
	CanJoinGroups: true,
}

// apiError is an error answer in Telegram's shape.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }

// errAborted marks a request whose client went away: nothing is written.
var errAborted = &apiError{code: 0, desc: "client went away"}

type methodFunc func(ctx context.Context, c *Call) (any, *apiError)

type method struct {
	name string // Telegram's spelling
	fn   methodFunc
}

// queued is an update waiting for the bot, encoded once when pushed so that
// repeated deliveries are identical and never touch the caller's value.
type queued struct {
	id  int64
	raw json.RawMessage
}

type msgKey struct {
	chat int64
	id   int
}

// storedMsg is a message the fake knows, from a pushed update or sent by
// the bot, kept to answer edits, deletions, replies and callbacks as
// Telegram would.
type storedMsg struct {
	msg       models.Message
	fromBot   bool
	parseMode string
	markup    string // normalised reply_markup JSON, "" if none
}

type fileEntry struct {
	id      string
	name    string
	dir     string // "documents", "photos", ...: the first part of file_path
	path    string // assigned by the first getFile, as Telegram does
	data    []byte
	hasData bool
}

type fault struct {
	left       int
	status     int
	retryAfter int
}

type webhook struct {
	url            string
	maxConnections int
	allowed        []string
}

// Server is a fake Bot API server. All its methods are safe for concurrent
// use; the ones taking a testing.TB must be called from the test's
// goroutine, since they may fail the test.
type Server struct {
	t       testing.TB
	token   string
	srv     *httptest.Server
	closing chan struct{}
	methods map[string]method

	mu           sync.Mutex
	calls        []Call
	callsChanged chan struct{} // closed and replaced on every recorded call

	queue          []queued
	lastUpdateID   int64
	updatesChanged chan struct{} // closed and replaced on every push
	pollEnd        chan struct{} // closed to end the current long poll with 409
	allowed        map[string]bool

	msgSeq    map[int64]int // last message id per chat
	msgs      map[msgKey]*storedMsg
	chats     map[int64]models.Chat
	callbacks map[string]bool
	files     map[string]*fileEntry // by file_id
	paths     map[string]*fileEntry // by file_path
	seq       int                   // for generated ids and paths
	commands  map[string]json.RawMessage
	hook      webhook

	faults         map[string][]*fault // by lower-case method, "*" for any
	outages        map[string]*fault   // by lower-case method, "*" for any: until restored
	latency        time.Duration
	checkParseMode bool
}

// NewServer starts a fake Bot API server for token. It is closed when the
// test ends; pending long polls are released first so that closing does not
// wait for their timeouts.
func NewServer(t testing.TB, token string) *Server {
	t.Helper()
	if token == "" {
		t.Fatal("telegramtest: empty token")
	}
	s := &Server{
		t:              t,
		token:          token,
		closing:        make(chan struct{}),
		callsChanged:   make(chan struct{}),
		updatesChanged: make(chan struct{}),
		pollEnd:        make(chan struct{}),
		msgSeq:         map[int64]int{},
		msgs:           map[msgKey]*storedMsg{},
		chats:          map[int64]models.Chat{},
		callbacks:      map[string]bool{},
		files:          map[string]*fileEntry{},
		paths:          map[string]*fileEntry{},
		commands:       map[string]json.RawMessage{},
		faults:         map[string][]*fault{},
		outages:        map[string]*fault{},
		checkParseMode: true,
	}
	s.methods = map[string]method{}
	for name, fn := range map[string]methodFunc{
		"getMe":                  s.getMe,
		"getUpdates":             s.getUpdates,
		"setWebhook":             s.setWebhook,
		"deleteWebhook":          s.deleteWebhook,
		"getWebhookInfo":         s.getWebhookInfo,
		"setMyCommands":          s.setMyCommands,
		"getMyCommands":          s.getMyCommands,
		"sendMessage":            s.sendMessage,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"sendMessageDraft":       s.sendMessageDraft,
		"sendChatAction":         s.sendChatAction,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"sendPhoto":              s.sendPhoto,
		"sendDocument":           s.sendDocument,
		"getFile":                s.getFile,
		"deleteMessage":          s.deleteMessage,
		"getChat":                s.getChat,
	} {
		// Telegram matches method names case-insensitively.
		s.methods[strings.ToLower(name)] = method{name: name, fn: fn}
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(func() {
		close(s.closing)
		s.srv.Close()
	})
	return s
}

// URL is the base URL to give bot.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// ServeHTTP answers {URL}/bot{token}/{method} and
// {URL}/file/bot{token}/{file_path}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/file/bot"):
		s.serveFile(w, r, at, strings.TrimPrefix(p, "/file/bot"))
	case strings.HasPrefix(p, "/bot"):
		s.serveMethod(w, r, at, strings.TrimPrefix(p, "/bot"))
	default:
		writeAnswer(w, &apiError{code: 404, desc: "Not Found"}, nil)
	}
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, at time.Time, rest string) {
	token, name, _ := strings.Cut(rest, "/")
	if token != s.token {
		// Not recorded: the request was not made to this bot.
		writeAnswer(w, &apiError{code: 401, desc: "Unauthorized"}, nil)
		return
	}
	// bot.WithTestEnvironment puts "test/" before the method.
	name = strings.TrimPrefix(name, "test/")
	if !s.delay(r.Context()) {
		return
	}
	c := Call{Method: name, At: at}
	m, known := s.methods[strings.ToLower(name)]
	if known {
		c.Method = m.name
	}
	var (
		result any
		aerr   *apiError
	)
	if err := parseRequest(r, &c); err != nil {
		aerr = badRequest(err.Error())
	} else if !known {
		aerr = &apiError{code: 404, desc: "Not Found: method not found"}
	} else if f := s.takeFault(c.Method); f != nil {
		aerr = f
	} else {
		result, aerr = m.fn(r.Context(), &c)
	}
	if aerr == errAborted {
		s.record(c)
		return
	}
	var raw json.RawMessage
	if aerr == nil {
		var err error
		if raw, err = json.Marshal(result); err != nil {
			aerr = &apiError{code: 500, desc: "Internal Server Error: telegramtest: " + err.Error()}
		}
	}
	if aerr != nil {
		c.Status = aerr.code
	} else {
		c.Status = http.StatusOK
		c.Result = raw
	}
	// Recorded once answered, so that a test which saw the call in
	// WaitFor does not end while the answer is still being written.
	writeAnswer(w, aerr, raw)
	s.record(c)
}

// serveFile answers file downloads, which are plain GETs of the bytes, not
// JSON answers.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, at time.Time, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeAnswer(w, &apiError{code: 401, desc: "Unauthorized"}, nil)
		return
	}
	if !s.delay(r.Context()) {
		return
	}
	c := Call{Method: "downloadFile", Params: map[string]string{"file_path": filePath}, At: at}
	s.mu.Lock()
	e := s.paths[filePath]
	var data []byte
	if e != nil {
		data = e.data
	}
	s.mu.Unlock()
	if e == nil {
		c.Status = 404
		s.record(c)
		writeAnswer(w, &apiError{code: 404, desc: "Not Found"}, nil)
		return
	}
	c.Status = http.StatusOK
	ct := mime.TypeByExtension(path.Ext(filePath))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	_, _ = w.Write(data)
	s.record(c)
}

// writeAnswer writes Telegram's envelope: {"ok":true,"result":...} or
// {"ok":false,"error_code":N,"description":...}, with the HTTP status equal to
// error_code as Telegram does.
func writeAnswer(w http.ResponseWriter, aerr *apiError, result json.RawMessage) {
	type parameters struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	var body struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result,omitempty"`
		ErrorCode   int             `json:"error_code,omitempty"`
		Description string          `json:"description,omitempty"`
		Parameters  *parameters     `json:"parameters,omitempty"`
	}
	status := http.StatusOK
	if aerr != nil {
		status = aerr.code
		body.ErrorCode = aerr.code
		body.Description = aerr.desc
		if aerr.retryAfter > 0 {
			body.Parameters = &parameters{RetryAfter: aerr.retryAfter}
		}
	} else {
		body.OK = true
		body.Result = result
	}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// parseRequest fills c.Params and c.Files from a multipart (what the
// go-telegram client sends), JSON or URL-encoded body, plus the query
// string (Telegram also accepts GET with parameters in the URL).
func parseRequest(r *http.Request, c *Call) error {
	c.Params = map[string]string{}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodySize+1))
	if err != nil {
		return fmt.Errorf("can't read request body: %v", err)
	}
	if len(body) > maxBodySize {
		return errors.New("request entity too large")
	}
	mediaType, mparams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	// The client sends an empty body (not even a closing boundary) for
	// methods without parameters, such as getMe.
	if len(bytes.TrimSpace(body)) > 0 {
		switch mediaType {
		case "multipart/form-data":
			if err := parseMultipart(body, mparams["boundary"], c); err != nil {
				return err
			}
		case "application/json":
			if err := parseJSON(body, c); err != nil {
				return err
			}
		case "application/x-www-form-urlencoded", "":
			vals, err := url.ParseQuery(string(body))
			if err != nil {
				return fmt.Errorf("can't parse request body: %v", err)
			}
			addValues(c.Params, vals)
		default:
			return fmt.Errorf("unsupported Content-Type %q", mediaType)
		}
	}
	addValues(c.Params, r.URL.Query())
	return nil
}

func addValues(dst map[string]string, vals url.Values) {
	for k, v := range vals {
		if _, ok := dst[k]; !ok && len(v) > 0 {
			dst[k] = v[0]
		}
	}
}

func parseMultipart(body []byte, boundary string, c *Call) error {
	if boundary == "" {
		return errors.New("multipart body without boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("can't parse multipart body: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return fmt.Errorf("can't read multipart field %q: %v", part.FormName(), err)
		}
		name := part.FormName()
		if fn := part.FileName(); fn != "" {
			if c.Files == nil {
				c.Files = map[string][]byte{}
				c.FileNames = map[string]string{}
			}
			c.Files[name] = data
			c.FileNames[name] = fn
			continue
		}
		c.Params[name] = string(data)
	}
}

// parseJSON flattens a JSON object body into Params: strings as their
// value, anything else as its JSON text, the same form the multipart
// encoding gives.
func parseJSON(body []byte, c *Call) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return fmt.Errorf("can't parse JSON body: %v", err)
	}
	for k, raw := range obj {
		raw = bytes.TrimSpace(raw)
		switch {
		case bytes.Equal(raw, []byte("null")):
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return fmt.Errorf("can't parse JSON field %q: %v", k, err)
			}
			c.Params[k] = s
		default:
			c.Params[k] = string(raw)
		}
	}
	return nil
}

// delay applies SetLatency; false means the client went away meanwhile.
func (s *Server) delay(ctx context.Context) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-s.closing:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	close(s.callsChanged)
	s.callsChanged = make(chan struct{})
}

// ---- faults -----------------------------------------------------------------

// FailNext makes the next n calls of method (any method if "*") fail with
// HTTP status and Telegram's description for it. For 429 the answer carries
// parameters.retry_after = retryAfter, as Telegram's flood control does, and
// the client returns *bot.TooManyRequestsError. Failures queue up: a second
// FailNext for the same method applies after the first is used up. Failed
// calls are recorded with their status.
func (s *Server) FailNext(method string, n, status, retryAfter int) {
	if n <= 0 {
		return
	}
	if status < 400 || status > 599 {
		s.t.Helper()
		s.t.Fatalf("telegramtest: FailNext status %d is not an error status", status)
	}
	key := strings.ToLower(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[key] = append(s.faults[key], &fault{left: n, status: status, retryAfter: retryAfter})
}

func (s *Server) takeFault(method string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{strings.ToLower(method), "*"} {
		if f := s.outages[key]; f != nil {
			return faultError(f.status, f.retryAfter)
		}
	}
	for _, key := range []string{strings.ToLower(method), "*"} {
		q := s.faults[key]
		if len(q) == 0 {
			continue
		}
		f := q[0]
		f.left--
		if f.left <= 0 {
			s.faults[key] = q[1:]
		}
		return faultError(f.status, f.retryAfter)
	}
	return nil
}

// faultError gives the description Telegram sends most often with status,
// so that code matching on descriptions sees realistic text.
func faultError(status, retryAfter int) *apiError {
	e := &apiError{code: status}
	switch status {
	case 400:
		e.desc = "Bad Request: chat not found"
	case 401:
		e.desc = "Unauthorized"
	case 403:
		e.desc = "Forbidden: bot was blocked by the user"
	case 404:
		e.desc = "Not Found"
	case 409:
		e.desc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case 429:
		e.desc = fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
		e.retryAfter = retryAfter
	default:
		e.desc = http.StatusText(status)
	}
	return e
}

// Fail makes every call of method (any method if "*") fail with HTTP status
// (and retry_after for 429, as FailNext) until restore is called: an outage
// of the Bot API for as long as the test wants. Outages come before
// FailNext's counted faults.
func (s *Server) Fail(method string, status, retryAfter int) (restore func()) {
	if status < 400 || status > 599 {
		s.t.Helper()
		s.t.Fatalf("telegramtest: Fail status %d is not an error status", status)
	}
	key := strings.ToLower(method)
	s.mu.Lock()
	s.outages[key] = &fault{status: status, retryAfter: retryAfter}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.outages, key)
		s.mu.Unlock()
	}
}

// SetLatency delays every answer by d (0 to stop), to exercise timeouts and
// the bot's behaviour on a slow link. A request whose client gives up during
// the delay is not answered.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetCheckParseMode turns the parse_mode validation of texts and captions on
// (the default) or off. The checks are conservative: they reject what
// Telegram certainly rejects (unknown HTML tags, unbalanced tags, unescaped
// MarkdownV2 reserved characters); turn them off only if they reject text
// that Telegram accepts, and report it.
func (s *Server) SetCheckParseMode(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkParseMode = on
}

// ---- observation -------------------------------------------------------------

// Calls returns every recorded call since the last Reset, in the order the
// fake answered them (a long poll is recorded when it returns).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the recorded calls of method, failed ones included.
func (s *Server) CallsTo(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the successful sendMessage calls to chatID.
func (s *Server) Sent(chatID int64) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == "sendMessage" && c.OK() && c.Int64("chat_id") == chatID {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets the recorded calls, so that later WaitFor calls only see
// what happens next. Chats, messages, files and queued updates are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Pending is the number of updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// WaitFor returns the first recorded call (since the last Reset, including
// calls made before WaitFor was called) for which match is true, waiting up
// to timeout for it. On timeout it fails the test with a dump of the recent
// calls, so the failure shows what the bot did instead.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, match func(Call) bool) Call {
	t.Helper()
	if c, ok := s.waitFor(timeout, match); ok {
		return c
	}
	t.Fatalf("telegramtest: no matching call within %v\n%s", timeout, s.dump(30))
	return Call{}
}

// WaitForText waits for a successful sendMessage or editMessageText to
// chatID whose text contains substr, and fails the test like WaitFor.
func (s *Server) WaitForText(t testing.TB, chatID int64, substr string, timeout time.Duration) Call {
	t.Helper()
	c, ok := s.waitFor(timeout, func(c Call) bool {
		return (c.Method == "sendMessage" || c.Method == "editMessageText") && c.OK() &&
			c.Int64("chat_id") == chatID && strings.Contains(c.Params["text"], substr)
	})
	if ok {
		return c
	}
	t.Fatalf("telegramtest: no sendMessage/editMessageText to chat %d containing %q within %v\n%s",
		chatID, substr, timeout, s.dump(30))
	return Call{}
}

func (s *Server) waitFor(timeout time.Duration, match func(Call) bool) (Call, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	next := 0 // calls before next have been checked
	for {
		s.mu.Lock()
		if next > len(s.calls) { // a Reset happened
			next = 0
		}
		pending := append([]Call(nil), s.calls[next:]...)
		next = len(s.calls)
		changed := s.callsChanged
		s.mu.Unlock()
		// match runs without the lock so that it may call the Server.
		for _, c := range pending {
			if match(c) {
				return c, true
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			return Call{}, false
		}
	}
}

// dump lists the last n calls other than empty long polls, which would
// otherwise crowd out the calls that explain a failure.
func (s *Server) dump(n int) string {
	calls := s.Calls()
	var kept []Call
	polls := 0
	for _, c := range calls {
		if c.Method == "getUpdates" && (c.Status == 0 || string(c.Result) == "[]") {
			polls++
			continue
		}
		kept = append(kept, c)
	}
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d calls recorded (%d empty getUpdates not shown); last %d:\n", len(calls), polls, len(kept))
	for _, c := range kept {
		b.WriteString("  " + c.String() + "\n")
	}
	if len(kept) == 0 {
		b.WriteString("  (none)\n")
	}
	s.mu.Lock()
	fmt.Fprintf(&b, "updates not yet fetched by the bot: %d", len(s.queue))
	s.mu.Unlock()
	return b.String()
}
