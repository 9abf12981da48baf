package console_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/redis"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/browsertest"
	"github.com/laborbot/laborbot/web/console"
)

var browsers browsertest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	browsers.Close()
	os.Exit(code)
}

const (
	admin     = 900
	mediatorA = 901
	mediatorB = 902
	worker    = 700
)

// store is what the console needs of a store.
type store interface {
	intake.Store
	web.SessionStore
	letter.Store
	knowledge.Store
}

func openBolt(t testing.TB) store {
	dir := t.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		// Seeding thousands of tickets one transaction at a time is
		// quicker without a disk's fsync.
		if d, err := os.MkdirTemp("/dev/shm", "console-test-"); err == nil {
			dir = d
			t.Cleanup(func() { os.RemoveAll(d) })
		}
	}
	s, err := bolt.Open(dir + "/laborbot.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openRedis(t testing.TB) store {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379"
	}
	opts, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewUniversalClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	err = client.Ping(ctx).Err()
	cancel()
	if err != nil {
		client.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("no Redis at %s: %v", u, err)
		}
		t.Skipf("no Redis at %s: %v (set CI to fail instead)", u, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "laborbot-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		for len(keys) > 0 {
			n := min(len(keys), 500)
			client.Del(ctx, keys[:n]...)
			keys = keys[n:]
		}
		client.Close()
	})
	return redis.New(client, prefix)
}

var stores = []struct {
	name string
	open func(testing.TB) store
}{{"bolt", openBolt}, {"redis", openRedis}}

// clock is the console's and the service's settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// messenger records the messages the console sends to workers.
type messenger struct {
	svc  *intake.Service
	mu   sync.Mutex
	sent []string
}

func (m *messenger) MessageWorker(ctx context.Context, staffID, number int64, text string) (intake.Ticket, error) {
	if _, _, err := m.svc.WorkerChat(ctx, staffID, number); err != nil {
		return intake.Ticket{}, err
	}
	m.mu.Lock()
	m.sent = append(m.sent, text)
	m.mu.Unlock()
	return m.svc.RecordMessage(ctx, staffID, number, text)
}

type env struct {
	kb      *knowledge.Admin
	t       testing.TB
	store   store
	svc     *intake.Service
	console *console.Console
	srv     *httptest.Server
	clock   *clock
	msgs    *messenger
}

func newEnv(t testing.TB, open func(testing.TB) store) *env {
	t.Helper()
	s := open(t)
	c := &clock{now: time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)}
	svc := intake.NewService(s, intake.Options{Admins: []int64{admin}, Now: c.Now})
	ctx := context.Background()
	for _, m := range []int64{mediatorA, mediatorB} {
		if err := svc.AddMediator(ctx, admin, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	msgs := &messenger{svc: svc}
	letters, err := letter.NewService(letter.Options{Store: s, Tickets: svc, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := knowledge.LoadEntriesFS(content.Files, nil)
	kb, err := knowledge.NewAdmin(knowledge.AdminOptions{Store: s, Builtin: builtin, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	kbRole := func(ctx context.Context, id int64) (knowledge.Role, error) {
		p, err := svc.Principal(ctx, id)
		switch {
		case err != nil:
			return knowledge.RoleNone, err
		case p.Role == intake.RoleAdmin:
			return knowledge.RoleAdmin, nil
		case p.Role == intake.RoleMediator:
			return knowledge.RoleMediator, nil
		}
		return knowledge.RoleNone, nil
	}
	con, err := console.New(console.Options{BaseURL: "https://union.example.org", Service: svc, Sessions: s, Messenger: msgs, Letters: letters,
		KB: kb, KBRole: kbRole,
		Assets: assets, Now: c.Now, Idle: time.Hour,
		Fetch: func(ctx context.Context, fileID string) ([]byte, error) { return samplePNG(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", assets)
	mux.Handle("/console/", web.Secure(con))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{kb: kb, t: t, store: s, svc: svc, console: con, srv: srv, clock: c, msgs: msgs}
}

// samplePNG is a small picture of a payslip-like table.
func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := range 120 {
		for x := range 160 {
			c := color.RGBA{250, 248, 240, 255}
			if y%20 == 0 || x%40 == 0 || (y > 8 && y < 16 && x > 10 && x < 90) {
				c = color.RGBA{90, 90, 110, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// file creates a ticket straight in the store (the interview is intake's
// business), filed at the clock's time.
func (e *env) file(tk intake.Ticket) int64 {
	e.t.Helper()
	if tk.WorkerID == 0 {
		tk.WorkerID, tk.ChatID = worker, worker
	}
	if tk.Types == nil {
		tk.Types = []intake.DisputeType{intake.TypeUnpaidWages}
	}
	if tk.Employer == "" {
		tk.Employer = "深圳市星光电子有限公司"
	}
	tk.EmployerKey = intake.NormalizeEmployer(tk.Employer)
	if tk.Province == "" {
		tk.Province, tk.City = "广东", "深圳市"
	}
	if tk.Name == "" {
		tk.Name, tk.Phone = "王小明", "13987654321"
	}
	tk.NameKey = e.svc.NameKey(tk.Name)
	tk.State, tk.CreatedAt, tk.UpdatedAt, tk.ConsentAt = intake.StateNew, e.clock.Now(), e.clock.Now(), e.clock.Now()
	tk.StartDate, tk.MonthlyWage = calc.Date(2023, 3, 1), calc.Yuan(6000)
	tk.Evidence = []intake.Evidence{{FileID: "file-" + fmt.Sprint(tk.WorkerID), Kind: "photo", AddedAt: e.clock.Now()}}
	n, _, err := e.store.CreateTicket(context.Background(), fmt.Sprint(rand.Text()), time.Hour, tk,
		intake.Event{Actor: tk.WorkerID, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: e.clock.Now()},
		intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: e.clock.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// client is a browser-like HTTP client with its own cookies.
type client struct {
	e       *env
	cookies []*http.Cookie
	// origin headers sent with posts (a browser's, same-origin).
	header http.Header
}

func (e *env) client() *client {
	return &client{e: e, header: http.Header{"Sec-Fetch-Site": {"same-origin"}}}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		for k, v := range c.header {
			req.Header[k] = v
		}
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		c.cookies = slicesDeleteCookie(c.cookies, ck.Name)
		if ck.MaxAge >= 0 && ck.Value != "" {
			c.cookies = append(c.cookies, ck)
		}
	}
	return resp.StatusCode, string(b), resp.Header
}

func slicesDeleteCookie(cs []*http.Cookie, name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range cs {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	code, body, _ := c.do(http.MethodGet, path, nil)
	return code, body
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	code, body, _ := c.do(http.MethodPost, path, form)
	return code, body
}

// link returns the path of a fresh sign-in link for user.
func (e *env) link(user int64) string {
	e.t.Helper()
	raw, valid, err := e.console.SignInLink(context.Background(), user)
	if err != nil {
		e.t.Fatal(err)
	}
	if valid != console.LinkValidity || !strings.HasPrefix(raw, "https://union.example.org/console/signin/") {
		e.t.Fatalf("link %q valid %s", raw, valid)
	}
	u, _ := url.Parse(raw)
	return u.Path
}

// signedIn returns a client signed in as user.
func (e *env) signedIn(user int64) *client {
	e.t.Helper()
	c := e.client()
	if code, body := c.post(e.link(user), nil); code != http.StatusSeeOther {
		e.t.Fatalf("sign-in of %d: %d\n%s", user, code, body)
	}
	if len(c.cookies) != 1 {
		e.t.Fatalf("sign-in set cookies %v", c.cookies)
	}
	return c
}
