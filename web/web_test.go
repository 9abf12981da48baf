package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/browsertest"
)

var browsers browsertest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	browsers.Close()
	os.Exit(code)
}

// site is a small site on the web plumbing: one page, a form that changes
// state, a handler that panics, the static files.
func site(t *testing.T) (*web.Renderer, http.Handler) {
	t.Helper()
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	pages := fstest.MapFS{
		"hello.html": {Data: []byte(`{{define "content"}}<h1 id="greeting">{{t "hello"}}</h1>
<p id="who">{{.Data}}</p>
<form method="post" action="/do"><input type="text" name="note" id="note"><button id="send" type="submit">{{t "send"}}</button></form>{{end}}`)},
	}
	r, err := web.NewRenderer(web.RendererOptions{Pages: pages, Assets: assets, Home: "/hello", LangPath: "/lang",
		Texts: web.Texts{"hello": {"你好", "Hello"}, "send": {"提交", "Send"}, "site": {"测试站", "Test site"}}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", assets)
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, req *http.Request) {
		r.Render(w, req, http.StatusOK, "hello", &web.Page{Title: "hello", Data: "<script>alert(1)</script>"})
	})
	mux.HandleFunc("POST /do", func(w http.ResponseWriter, req *http.Request) {
		if err := req.ParseForm(); err != nil {
			if web.TooLarge(err) {
				r.Error(w, req, http.StatusRequestEntityTooLarge, "")
				return
			}
			r.Error(w, req, http.StatusBadRequest, "")
			return
		}
		r.Render(w, req, http.StatusOK, "hello", &web.Page{Title: "hello", Flash: "done: " + req.PostForm.Get("note"), Data: "posted"})
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("secret detail 13800138000") })
	mux.HandleFunc("GET /lang", func(w http.ResponseWriter, req *http.Request) {
		web.SetLang(w, req.URL.Query().Get("to"), false)
		http.Redirect(w, req, web.LocalPath(req.URL.Query().Get("next"), "/hello"), http.StatusSeeOther)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) { r.Error(w, req, http.StatusNotFound, "") })
	return r, web.Secure(web.LimitBody(1024, web.CrossOrigin(r.Recover(mux), r.Deny())))
}

func get(t *testing.T, h http.Handler, req *http.Request) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	_, h := site(t)
	for _, path := range []string{"/hello", "/nope", "/static/app.css", "/panic"} {
		resp, _ := get(t, h, httptest.NewRequest("GET", path, nil))
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}

func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	_, h := site(t)
	_, body := get(t, h, httptest.NewRequest("GET", "/hello", nil))
	for _, bad := range []string{"<script>", "style=", "<style", "onclick=", "onsubmit="} {
		if strings.Contains(body, bad) {
			t.Errorf("page has %q (the CSP would block it):\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Error("page data is not escaped")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	_, h := site(t)
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, 200},
		{"other site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"other origin, old browser", map[string]string{"Origin": "https://evil.example"}, 403},
		{"no browser headers (curl)", nil, 200},
	} {
		req := httptest.NewRequest("POST", "/do", strings.NewReader("note=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, body := get(t, h, req)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
		if tc.want == 403 && (strings.Contains(body, "done:") || !strings.Contains(body, "没有权限")) {
			t.Errorf("%s: refused request ran or shows no clear page:\n%s", tc.name, body)
		}
	}
}

func TestErrorPagesAreClear(t *testing.T) {
	_, h := site(t)
	resp, body := get(t, h, httptest.NewRequest("GET", "/panic", nil))
	if resp.StatusCode != 500 || !strings.Contains(body, "服务器出了问题") {
		t.Errorf("panic: %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "secret detail") || strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
		t.Errorf("the error page shows the panic:\n%s", body)
	}
	req := httptest.NewRequest("GET", "/nope", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	resp, body = get(t, h, req)
	if resp.StatusCode != 404 || !strings.Contains(body, "There is no such page") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("404 in English: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
}

func TestBodyLimit(t *testing.T) {
	_, h := site(t)
	req := httptest.NewRequest("POST", "/do", strings.NewReader("note="+strings.Repeat("x", 5000)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := get(t, h, req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("an over-long form: %d, want 413", resp.StatusCode)
	}
	// Without a Content-Length the limit holds while reading.
	req = httptest.NewRequest("POST", "/do", io.MultiReader(strings.NewReader("note="), strings.NewReader(strings.Repeat("x", 5000))))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, body := get(t, h, req); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "太大") {
		t.Errorf("a streamed over-long form: %d\n%s", resp.StatusCode, body)
	}
}

func TestStaticCaching(t *testing.T) {
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := assets.URL("app.css")
	if !strings.HasPrefix(u, "/static/app.css?v=") {
		t.Fatalf("URL = %q", u)
	}
	resp, body := get(t, assets, httptest.NewRequest("GET", u, nil))
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "--font") {
		t.Errorf("versioned CSS: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, assets, httptest.NewRequest("GET", "/static/app.css", nil))
	if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=300") {
		t.Errorf("unversioned CSS cached as %q", cc)
	}
	req := httptest.NewRequest("GET", u, nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := get(t, assets, req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", resp.StatusCode)
	}
	for _, path := range []string{"/static/nope.css", "/static/../web.go", "/static/"} {
		if resp, _ := get(t, assets, httptest.NewRequest("GET", path, nil)); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := get(t, assets, httptest.NewRequest("POST", u, nil)); resp.StatusCode != 405 {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
	if got := assets.URL("nope.js"); !strings.Contains(got, "missing") {
		t.Errorf("URL of an unknown file = %q", got)
	}
}

func TestLangAndLocalPath(t *testing.T) {
	for _, tc := range []struct{ cookie, accept, want string }{
		{"", "", "zh"}, {"", "en-GB,en", "en"}, {"", "zh-CN,en;q=0.5", "zh"}, {"en", "zh-CN", "en"}, {"xx", "en", "en"}, {"zh", "en", "zh"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			req.AddCookie(&http.Cookie{Name: web.LangCookie, Value: tc.cookie})
		}
		req.Header.Set("Accept-Language", tc.accept)
		if got := web.Lang(req); got != tc.want {
			t.Errorf("Lang(cookie %q, %q) = %q, want %q", tc.cookie, tc.accept, got, tc.want)
		}
	}
	for in, want := range map[string]string{"/console/t/1": "/console/t/1", "//evil.example": "/", "https://evil.example": "/",
		"/\\evil.example": "/", "": "/", "console": "/", "/a\r\nSet-Cookie: x": "/"} {
		if got := web.LocalPath(in, "/"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// In a real browser on a phone: the page renders with its stylesheet and
// script (the CSP lets them through), the form posts, the language switch
// works.
func TestInBrowser(t *testing.T) {
	_, h := site(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	tab := browsers.Get(t).NewTab(t, browsertest.Phone())
	if status := tab.Navigate(srv.URL + "/hello"); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got := tab.Text("#greeting"); got != "你好" {
		t.Errorf("greeting %q", got)
	}
	// The stylesheet applied: the brand is in the accent colour, not a
	// default link's blue.
	color := browsertest.Run(tab, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".brand a")).color`))
	if color != "rgb(179, 38, 30)" {
		t.Errorf("brand colour %q: the stylesheet did not load", color)
	}
	tab.Fill("#note", "备注")
	tab.Click("#send")
	if got := tab.Text(".alert-success"); got != "done: 备注" {
		t.Errorf("after posting: %q", got)
	}
	tab.Navigate(srv.URL + "/hello")
	tab.Click(".lang")
	if got := tab.Text("#greeting"); got != "Hello" {
		t.Errorf("after switching language: %q", got)
	}
	tab.Screenshot("web-hello-phone")
	// Another browser context has its own cookies: still Chinese.
	other := browsers.Get(t).NewTab(t, browsertest.Desktop())
	other.Navigate(srv.URL + "/hello")
	if got := other.Text("#greeting"); got != "你好" {
		t.Errorf("second context shares the first one's cookies: %q", got)
	}
}

func TestClientIP(t *testing.T) {
	trusted, err := web.ParseProxies("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := web.ParseProxies("10.0.0.0/8,nonsense"); err == nil {
		t.Error("a bad proxy list was accepted")
	}
	for _, tc := range []struct {
		remote, xff, want string
	}{
		{"203.0.113.5:1234", "", "203.0.113.5"},
		{"203.0.113.5:1234", "1.2.3.4", "203.0.113.5"},            // not from a proxy: the header is ignored
		{"127.0.0.1:80", "198.51.100.7", "198.51.100.7"},          // through the proxy
		{"127.0.0.1:80", "6.6.6.6, 198.51.100.7", "198.51.100.7"}, // a forged hop further left is ignored
		{"127.0.0.1:80", "198.51.100.7, 10.1.2.3", "198.51.100.7"},
		{"127.0.0.1:80", "", "127.0.0.1"},
		{"127.0.0.1:80", "garbage", "127.0.0.1"},
		{"[::ffff:127.0.0.1]:80", "198.51.100.9", "198.51.100.9"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := web.ClientIP(r, trusted).String(); got != tc.want {
			t.Errorf("ClientIP(%s, %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}
