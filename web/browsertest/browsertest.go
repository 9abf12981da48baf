// Package browsertest runs web pages in a real browser for tests: headless
// Chromium (Debian's chromium package) driven by chromedp.
//
// One browser serves a whole test package; each test opens tabs in
// browser contexts of their own (separate cookies, as another user or a
// second browser would have). Declare a Shared in the test package and
// close it in TestMain:
//
//	var browsers browsertest.Shared
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		browsers.Close()
//		os.Exit(code)
//	}
//
//	func TestPage(t *testing.T) {
//		tab := browsers.Get(t).NewTab(t, browsertest.Phone())
//		tab.Navigate(srv.URL + "/console/")
//		tab.Screenshot("console-queue-phone")
//	}
//
// Without Chromium the test is skipped with the reason, unless CI is set:
// then it fails, so CI never passes a browser test it did not run.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Timeout bounds each step of a tab (navigate, click, wait): generous for
// a shared two-core machine, short enough that a broken page fails fast.
const Timeout = 20 * time.Second

// Shared starts one browser on first use and keeps it for the test
// package. The zero value is ready to use; Close it in TestMain.
type Shared struct {
	once sync.Once
	b    *Browser
	err  error
}

// Get returns the package's browser, starting it the first time. Without
// Chromium it skips t (fails it when CI is set).
func (s *Shared) Get(t testing.TB) *Browser {
	t.Helper()
	s.once.Do(func() { s.b, s.err = Start() })
	if s.err != nil {
		if errors.Is(s.err, ErrNoChromium) && os.Getenv("CI") == "" {
			t.Skip(s.err.Error() + " (install Debian's chromium package; with CI set this fails)")
		}
		t.Fatalf("browsertest: %v", s.err)
	}
	return s.b
}

// Close stops the browser if it was started.
func (s *Shared) Close() {
	if s.b != nil {
		s.b.Close()
	}
}

// ErrNoChromium is returned by Start when no Chromium is installed.
var ErrNoChromium = errors.New("browsertest: no chromium or chrome executable found")

// Browser is one headless Chromium process.
type Browser struct {
	allocCancel   context.CancelFunc
	browserCtx    context.Context
	browserCancel context.CancelFunc
	userDataDir   string
}

// ExecPath finds the browser: $CHROMIUM_PATH, else chromium,
// chromium-browser, google-chrome or chrome on $PATH.
func ExecPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Start starts a headless Chromium with a fresh profile and nothing that
// reaches the network by itself (no background networking, component
// updates or sync).
func Start() (*Browser, error) {
	path, err := ExecPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	// The first Run starts the browser; it must not have a timeout (that
	// would stop the browser with it), so a watchdog bounds it instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("browser did not start within 60s")
	}
	b := &Browser{allocCancel: allocCancel, browserCtx: browserCtx, browserCancel: browserCancel, userDataDir: dir}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("browsertest: start %s: %w", path, err)
	}
	return b, nil
}

// Close stops the browser and deletes its profile.
func (b *Browser) Close() {
	b.browserCancel()
	b.allocCancel()
	os.RemoveAll(b.userDataDir)
}

// Viewport is a tab's screen size and identity.
type Viewport struct {
	Name          string // used in screenshot names: "phone", "desktop"
	Width, Height int64
	Scale         float64
	Mobile        bool
	UserAgent     string // "" = the browser's own
	// AcceptLanguage is the browser's preferred languages ("" =
	// "zh-CN,zh;q=0.9": the users are Chinese first).
	AcceptLanguage string
}

// WeChatUserAgent is what WeChat's built-in browser on Android sends.
const WeChatUserAgent = "Mozilla/5.0 (Linux; Android 13; V2055A Build/TP1A.220624.014; wv) AppleWebKit/537.36 " +
	"(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 " +
	"MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"

// Phone is a 390×844 phone screen (an iPhone 12–14's), at scale 2.
func Phone() Viewport {
	return Viewport{Name: "phone", Width: 390, Height: 844, Scale: 2, Mobile: true,
		UserAgent: "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"}
}

// WeChat is Phone with WeChat's user agent.
func WeChat() Viewport {
	v := Phone()
	v.Name, v.UserAgent = "wechat", WeChatUserAgent
	return v
}

// Desktop is a 1366×900 laptop screen.
func Desktop() Viewport {
	return Viewport{Name: "desktop", Width: 1366, Height: 900, Scale: 1}
}

// Tab is a browser tab in a browser context of its own: its cookies and
// storage are shared with no other Tab.
type Tab struct {
	t        testing.TB
	ctx      context.Context
	Viewport Viewport
}

// NewTab opens a tab in a new browser context with viewport v; it is
// closed when the test ends.
func (b *Browser) NewTab(t testing.TB, v Viewport) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tab := &Tab{t: t, ctx: ctx, Viewport: v}
	// The first Run opens the tab, which lives as long as that Run's
	// context: so it runs on ctx itself, never on one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: open a tab: %v", err)
	}
	if v.Scale == 0 {
		v.Scale = 1
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(v.Width, v.Height, chromedp.EmulateScale(v.Scale), func(p1 *emulation.SetDeviceMetricsOverrideParams, p2 *emulation.SetTouchEmulationEnabledParams) {
		p1.Mobile = v.Mobile
		p2.Enabled = v.Mobile
	})}
	if v.AcceptLanguage == "" {
		v.AcceptLanguage = "zh-CN,zh;q=0.9"
	}
	steps = append(steps, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": v.AcceptLanguage}})
		return err
	}))
	if v.UserAgent != "" {
		steps = append(steps, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: v.UserAgent, AcceptLanguage: v.AcceptLanguage})
			return err
		}))
	}
	tab.Do(steps...)
	// Confirmation dialogs (forms with data-confirm) are accepted, as the
	// user who clicked would; the page waits for them otherwise.
	err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	})
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	return tab
}

// Context is the tab's chromedp context, for actions this package does
// not wrap (use it with chromedp.Run or chromedp.Do).
func (tab *Tab) Context() context.Context { return tab.ctx }

// Do runs actions with Timeout, failing the test on error.
func (tab *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tab.t.Fatalf("browser (%s): %v", tab.Viewport.Name, err)
	}
}

// Run runs one action with a result, failing the test on error.
func Run[T any](tab *Tab, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("browser (%s): %v", tab.Viewport.Name, err)
	}
	return v
}

// Navigate opens url and waits for the page to load; it returns the
// response's HTTP status.
func (tab *Tab) Navigate(url string) int {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		tab.t.Fatalf("browser (%s): navigate to %s: %v", tab.Viewport.Name, url, err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Click clicks the element matching the CSS selector (a link, a form's
// submit button) and waits for the page it loads; it returns that page's
// HTTP status. Use Do(chromedp.Click(...)) for a click that loads nothing.
func (tab *Tab) Click(selector string) int {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		tab.t.Fatalf("browser (%s): click %s: %v", tab.Viewport.Name, selector, err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// Fill sets the value of the input, textarea or select matching the
// selector (as typing or choosing would; Chinese text included).
func (tab *Tab) Fill(selector, value string) {
	tab.t.Helper()
	tab.Do(chromedp.SetValue(chromedp.CSS(selector), value, chromedp.NodeReady))
}

// Value returns the value of the input, textarea or select matching the
// selector (what the user typed or the page filled in).
func (tab *Tab) Value(selector string) string {
	tab.t.Helper()
	return Run(tab, chromedp.Value(chromedp.CSS(selector), chromedp.NodeReady))
}

// Text returns the visible text of the first element matching the
// selector.
func (tab *Tab) Text(selector string) string {
	tab.t.Helper()
	return Run(tab, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible))
}

// Body returns the page's visible text.
func (tab *Tab) Body() string {
	tab.t.Helper()
	return tab.Text("body")
}

// Location returns the tab's current URL.
func (tab *Tab) Location() string {
	tab.t.Helper()
	return Run(tab, chromedp.Location())
}

// WaitText waits until the element matching the selector contains want
// (reloading is the caller's business); it fails the test after Timeout.
func (tab *Tab) WaitText(selector, want string) {
	tab.t.Helper()
	deadline := time.Now().Add(Timeout)
	var last string
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Second)
		last, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector), chromedp.NodeReady))
		cancel()
		if strings.Contains(last, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tab.t.Fatalf("browser (%s): %s never showed %q; last text: %q", tab.Viewport.Name, selector, want, last)
}

// Download clicks the link matching the selector, waits for the download
// it starts to finish and returns the file's name (as the server named
// it) and its bytes, as a user saving the file would have them.
func (tab *Tab) Download(selector string) (string, []byte) {
	tab.t.Helper()
	dir := tab.t.TempDir()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	begin := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// The tab has a browser context of its own: downloads are
		// allowed there.
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
		return err
	}), chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		tab.t.Fatalf("browser (%s): download %s: %v", tab.Viewport.Name, selector, err)
	}
	var name, guid string
	for ev, err := range begin {
		if err != nil {
			tab.t.Fatalf("browser (%s): download %s: %v", tab.Viewport.Name, selector, err)
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			tab.t.Fatalf("browser (%s): download %s: %v", tab.Viewport.Name, selector, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			tab.t.Fatalf("browser (%s): the download of %s was canceled", tab.Viewport.Name, selector)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		tab.t.Fatalf("browser (%s): download %s: %v", tab.Viewport.Name, selector, err)
	}
	return name, data
}

// Cookies returns the tab's cookies for its current page.
func (tab *Tab) Cookies() []*network.Cookie {
	tab.t.Helper()
	return Run(tab, func(ctx context.Context, t *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{})
		if err != nil {
			return nil, err
		}
		return res.Cookies, nil
	})
}

// Screenshot saves a full-page PNG as testoutput/screenshots/NAME.png at
// the repository root (git-ignored) and returns its path. Look at them:
// they are how a person would see the page.
func (tab *Tab) Screenshot(name string) string {
	tab.t.Helper()
	return tab.save(name, Run(tab, chromedp.FullScreenshot(100)))
}

func (tab *Tab) save(name string, png []byte) string {
	tab.t.Helper()
	dir, err := ScreenshotDir()
	if err != nil {
		tab.t.Fatalf("browsertest: %v", err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Fatalf("browsertest: %v", err)
	}
	tab.t.Logf("screenshot: %s", path)
	return path
}

// ScreenshotViewport saves what the screen shows (not the whole page),
// like Screenshot.
func (tab *Tab) ScreenshotViewport(name string) string {
	tab.t.Helper()
	return tab.save(name, Run(tab, chromedp.CaptureScreenshot()))
}

// ScreenshotDir is testoutput/screenshots at the repository root (the
// directory holding go.mod above the working directory), created if
// needed.
func ScreenshotDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "testoutput", "screenshots")
	return out, os.MkdirAll(out, 0o755)
}
