package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/openai/openaitest"
)

func healthOf(t *testing.T, r *running) (int, health) {
	t.Helper()
	code, body := r.get(t, "/healthz")
	var h health
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("/healthz is not JSON: %q", body)
	}
	return code, h
}

// TestE2EModelDegraded: a model server that refuses the key is found out
// at start: a warning in the log, /healthz "degraded" with 200 (the bot
// works, retrieval-only), and answers come from the knowledge base without
// asking the model.
// `laborbot healthcheck` passes on a degraded bot.
func TestE2EModelDegraded(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	llm.SetModels(http.StatusUnauthorized)
	llm.Respond = func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Status: http.StatusUnauthorized} }
	r := startBot(t, nil, map[string]string{"OPENAI_API_KEY": "wrong", "OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m"})
	code, h := healthOf(t, r)
	if code != http.StatusOK || h.Status != "degraded" || h.Model != "degraded" || !strings.Contains(h.ModelErr, "401") ||
		h.Store != "ok" || h.Telegram != "ok" || h.Version != version {
		t.Errorf("/healthz = %d %+v", code, h)
	}
	if !strings.Contains(r.logs.String(), "the language model is unreachable") || strings.Contains(r.logs.String(), `"wrong"`) {
		t.Errorf("no warning at start (or the key logged):\n%s", r.logs.String())
	}
	// The answer is retrieval-only at once: the model known to fail is not
	// asked (and waited for) again.
	asked := len(llm.Requests())
	const chat = 611
	r.tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
	r.tg.WaitForText(t, chat, "《劳动合同法》第30条", wait)
	if n := len(llm.Requests()); n != asked {
		t.Errorf("the failing model was asked %d more times", n-asked)
	}

	out, errOut, err := runCLI(t, map[string]string{"OPS_ADDR": r.opsAddr}, "healthcheck")
	if err != nil || !strings.HasPrefix(out, "degraded: model degraded") {
		t.Errorf("healthcheck on a degraded bot: %v %q %q", err, out, errOut)
	}
}

// TestE2EHealthzOK: with a model that answers, and without one, /healthz is
// ok; the healthcheck command passes, also given the wildcard address the
// container listens on.
func TestE2EHealthzOK(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	llm.SetModels(0, "m")
	r := startBot(t, nil, map[string]string{"OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m"})
	if code, h := healthOf(t, r); code != 200 || h.Status != "ok" || h.Model != "ok" || h.ModelErr != "" {
		t.Errorf("/healthz = %d %+v", code, h)
	}
	if strings.Contains(r.logs.String(), "language model") {
		t.Errorf("a warning about a working model:\n%s", r.logs.String())
	}
	_, port, _ := net.SplitHostPort(r.opsAddr)
	for _, env := range []map[string]string{{"OPS_ADDR": r.opsAddr}, {"OPS_ADDR": ":" + port}, {"OPS_ADDR": "0.0.0.0:" + port}} {
		out, errOut, err := runCLI(t, env, "healthcheck")
		if err != nil || out != "ok\n" {
			t.Errorf("healthcheck %v: %v %q %q", env, err, out, errOut)
		}
	}
	if out, _, err := runCLI(t, nil, "healthcheck", "--addr", r.opsAddr, "--timeout", "2s"); err != nil || out != "ok\n" {
		t.Errorf("healthcheck --addr: %v %q", err, out)
	}

	plain := startBot(t, nil, nil)
	if code, h := healthOf(t, plain); code != 200 || h.Status != "ok" || h.Model != "off" || h.Telegram != "ok" {
		t.Errorf("/healthz without a model = %d %+v", code, h)
	}
}

// TestHealthcheckFails: nothing listening, or a bot that says it is down,
// fails the check (exit 1) with a message saying why.
func TestHealthcheckFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, _, err = runCLI(t, map[string]string{"OPS_ADDR": closed}, "healthcheck")
	if err == nil || !strings.Contains(err.Error(), "no answer from http://"+closed+"/healthz") {
		t.Errorf("nothing listening: %v", err)
	}

	down := httptest.NewServer(healthChecks{store: func(context.Context) error { return errors.New("refused") }}.handler())
	defer down.Close()
	_, _, err = runCLI(t, map[string]string{"OPS_ADDR": strings.TrimPrefix(down.URL, "http://")}, "healthcheck")
	if err == nil || !strings.Contains(err.Error(), "HTTP 503: down: store unreachable") {
		t.Errorf("store down: %v", err)
	}
	if _, _, err := runCLI(t, map[string]string{"OPS_ADDR": "9090"}, "healthcheck"); err == nil || !strings.Contains(err.Error(), "OPS_ADDR") {
		t.Errorf("bad OPS_ADDR: %v", err)
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		":9090": "http://127.0.0.1:9090/healthz", "0.0.0.0:9090": "http://127.0.0.1:9090/healthz",
		"[::]:9090": "http://[::1]:9090/healthz", "10.0.0.5:9090": "http://10.0.0.5:9090/healthz",
	} {
		if got, err := healthURL(addr); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v", addr, got, err)
		}
	}
}

// TestE2EStatutesOptional: a LAWS_DIR that is missing or holds no statute
// files is a warning, and the bot runs (docker compose on a fresh clone).
func TestE2EStatutesOptional(t *testing.T) {
	for name, dir := range map[string]string{"missing": filepath.Join(t.TempDir(), "laws"), "empty": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			r := startBot(t, nil, map[string]string{"LAWS_DIR": dir})
			if !strings.Contains(r.logs.String(), `LAWS_DIR `) || !strings.Contains(r.logs.String(), `"level":"WARN"`) {
				t.Errorf("no warning:\n%s", r.logs.String())
			}
			const chat = 612
			r.tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
			r.tg.WaitForText(t, chat, "《劳动合同法》第30条", wait)
		})
	}
	// A statute file that does not parse still stops the program: that is
	// the admin's mistake to fix, not a missing optional part.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "劳动法.md"), []byte("not a statute"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadLaws(Config{LawsDir: bad}, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "LAWS_DIR") {
		t.Errorf("a broken statute file: %v", err)
	}
}

// TestDataDirNotWritable: permission denied on DATA_DIR says how to give
// the directory to the container's user.
func TestDataDirNotWritable(t *testing.T) {
	err := dataDirError("/srv/laborbot", &fs.PathError{Op: "open", Path: "/srv/laborbot/laborbot.db", Err: fs.ErrPermission})
	if !strings.Contains(err.Error(), "DATA_DIR /srv/laborbot is not writable") || !strings.Contains(err.Error(), "chown -R 65532:65532 /srv/laborbot") {
		t.Errorf("%v", err)
	}
	if err := dataDirError("/d", errors.New("disk on fire")); !strings.HasPrefix(err.Error(), "DATA_DIR: ") || strings.Contains(err.Error(), "chown") {
		t.Errorf("%v", err)
	}
	if os.Getuid() == 0 {
		t.Log("running as root: the real permission check is skipped (root may write anywhere)")
		return
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCLI(t, map[string]string{"DATA_DIR": filepath.Join(dir, "data")}, "export")
	if err == nil || !strings.Contains(err.Error(), "chown -R 65532:65532") {
		t.Errorf("unwritable DATA_DIR: %v", err)
	}
}
