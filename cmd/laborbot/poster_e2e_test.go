package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs a command of the real Main and returns what it printed.
func runCommand(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Environ: env}
	err := m.Run(context.Background(), args)
	return out.String() + errOut.String(), err
}

func TestPosterCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": t.TempDir(), "PUBLIC_URL": "https://help.union.example", "UNION_NAME": "宝安区总工会"}
	out, err := runCommand(t, env, "poster", "--source", "site-7", "--title", "工资被拖欠？先问问工会", "--out", dir)
	if err != nil || !strings.Contains(out, "https://help.union.example/chat?src=site-7") {
		t.Fatalf("poster: %v\n%s", err, out)
	}
	for _, name := range []string{"poster-site-7.png", "poster-site-7.pdf"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() < 1000 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := runCommand(t, env, "poster", "--source", "Bad Tag", "--title", "x", "--out", dir); err == nil {
		t.Error("a bad source tag was accepted")
	}
	if _, err := runCommand(t, map[string]string{"DATA_DIR": t.TempDir()}, "poster", "--source", "a", "--title", "x"); err == nil {
		t.Error("a poster without the union's name and URL was made")
	}
	out, err = runCommand(t, env, "webpush-keys")
	if err != nil || !strings.Contains(out, "WEBPUSH_PUBLIC_KEY=B") || !strings.Contains(out, "WEBPUSH_PRIVATE_KEY=") {
		t.Errorf("webpush-keys: %v\n%s", err, out)
	}
}

// Without Telegram, an admin gets into the console with a one-time link
// made on the command line; a worker's id gets none.
func TestConsoleLinkCommand(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"DATA_DIR": data, "CONSOLE_URL": "http://console.example", "ADMIN_IDS": "900"}
	out, err := runCommand(t, env, "console-link", "900")
	if err != nil || !strings.Contains(out, "http://console.example/console/signin/") {
		t.Fatalf("console-link: %v\n%s", err, out)
	}
	link := strings.Fields(out)[0]
	if _, err := runCommand(t, env, "console-link", "700"); err == nil || !strings.Contains(err.Error(), "not a mediator") {
		t.Errorf("a link for a non-staff user: %v", err)
	}
	if _, err := runCommand(t, map[string]string{"DATA_DIR": data}, "console-link", "900"); err == nil {
		t.Error("a link without CONSOLE_URL")
	}
	r := startBot(t, nil, map[string]string{"DATA_DIR": data, "CONSOLE_URL": "http://console.example", "ADMIN_IDS": "900", "TELEGRAM_BOT_TOKEN": ""})
	// While the bot holds the embedded file, the running bot makes the
	// link (through its control socket), and refuses a worker alike.
	out, err = runCommand(t, env, "console-link", "900")
	if err != nil || !strings.Contains(out, "http://console.example/console/signin/") {
		t.Fatalf("console-link while the bot runs: %v\n%s", err, out)
	}
	live := strings.Fields(out)[0]
	if _, err := runCommand(t, env, "console-link", "700"); err == nil || !strings.Contains(err.Error(), "not a mediator") {
		t.Errorf("a link for a non-staff user while the bot runs: %v", err)
	}
	for _, l := range []string{link, live} {
		path := strings.TrimPrefix(l, "http://console.example")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Post("http://"+r.httpAddr+path, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/" || len(resp.Cookies()) == 0 {
			t.Errorf("signing in with the link %s: %d %v", l, resp.StatusCode, resp.Header)
		}
	}
}
