package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/redis"
)

// The kill -9 fault test (issue 15, defect 6): a worker walks through the
// whole complaint interview while the bot, a separate process, is killed
// with SIGKILL right after it fetched a step's update (0 to 8 ms after the
// getUpdates that returned it: while the update is recorded, handled or
// answered) and started again. Every step must still be answered, and one
// ticket made. Each store is killed at every other step (bolt at the
// even steps, Redis at the odd ones), so every step of the interview is
// killed at once, and the test stays within seconds.
//
// The bot process is this test binary run again (TestFaultChildProcess);
// LABORBOT_FAULT_BINARY runs another binary instead (a laborbot built
// from an older commit, to measure it), configured by the same
// environment.

const faultChildEnv = "LABORBOT_FAULT_CHILD"

// TestFaultChildProcess is the bot process of the fault tests; it does
// nothing in a normal run.
func TestFaultChildProcess(t *testing.T) {
	if os.Getenv(faultChildEnv) == "" {
		t.Skip("the bot process of the fault tests")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: os.Stderr, Environ: environMap(os.Environ()),
		OnReady: func(string) { fmt.Println("LABORBOT-READY") }, PollTimeout: 2 * time.Second, ChatRate: 100}
	if err := m.Run(ctx, []string{"run"}); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// botProcess is one run of the bot process.
type botProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startProcess starts the bot process and waits until it is ready.
func startProcess(t *testing.T, env map[string]string, logs io.Writer) *botProcess {
	t.Helper()
	bin, args := os.Args[0], []string{"-test.run=^TestFaultChildProcess$", "-test.count=1"}
	if b := os.Getenv("LABORBOT_FAULT_BINARY"); b != "" {
		bin, args = b, []string{"run"}
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), faultChildEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &botProcess{cmd: cmd, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "LABORBOT-READY") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	if os.Getenv("LABORBOT_FAULT_BINARY") != "" {
		// A plain binary does not say when it is ready.
		time.Sleep(800 * time.Millisecond)
		close(ready)
	}
	select {
	case <-ready:
	case <-p.done:
		t.Fatal("the bot process exited at start")
	case <-time.After(30 * time.Second):
		p.kill()
		t.Fatal("the bot process did not start")
	}
	return p
}

func (p *botProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func (p *botProcess) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Error("the bot process did not stop on SIGTERM")
		p.kill()
	}
}

// interviewSteps is a whole complaint, as the worker's updates and what
// the bot answers each with.
var interviewSteps = []struct {
	press      bool
	text, want string
}{
	{false, "/complain", "同意"},
	{true, "ik|agree", "(1/16)"},
	{true, "ik|type:unpaid_wages", "(1/16)"},
	{true, "ik|next", "(2/16)"},
	{false, "深圳市某某电子厂", "(3/16)"},
	{false, "广东", "(4/16)"},
	{false, "深圳", "(5/16)"},
	{false, "宝安", "(6/16)"},
	{false, "2023-03-01", "(7/16)"},
	{false, "在职", "(8/16)"},
	{false, "6000", "(9/16)"},
	{false, "18000", "(10/16)"},
	{false, "5", "(11/16)"},
	{false, "老板三个月没发工资，说等回款", "(12/16)"},
	{true, "ik|next", "(13/16)"},
	{false, "补发三个月工资", "(14/16)"},
	{false, "张三", "(15/16)"},
	{false, "13800138000", "(16/16)"},
	{true, "ik|next", "核对"},
	{true, "ik|submit", "#1"},
}

// killFigures are what a kill test measured.
type killFigures struct {
	kills, updates, lostReplies, duplicateReplies, tickets int
}

func TestFaultKill9DuringInterview(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	for parity, store := range []string{"bolt", "redis"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			// LAWS_DIR off: the statutes would triple every start-up.
			env := map[string]string{"TELEGRAM_BOT_TOKEN": testToken, "HTTP_ADDR": "127.0.0.1:0", "OPS_ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn", "LAWS_DIR": "",
				"MEDIATOR_CHAT_ID": "-100500", "DATA_KEY": "fault-test-data-key-0123456789"}
			var openStore func() (intake.Store, func())
			if store == "redis" {
				url, prefix := testRedis(t, "laborbot-kill")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
				openStore = func() (intake.Store, func()) {
					s, err := redis.Open(context.Background(), url, prefix)
					if err != nil {
						t.Fatal(err)
					}
					return s, func() { s.Close() }
				}
			} else {
				dir := t.TempDir()
				env["DATA_DIR"] = dir
				openStore = func() (intake.Store, func()) {
					s, err := bolt.Open(filepath.Join(dir, "laborbot.db"))
					if err != nil {
						t.Fatal(err)
					}
					return s, func() { s.Close() }
				}
			}
			f := runKillTest(t, env, func(step int) bool { return step%2 == parity })
			st, closeStore := openStore()
			defer closeStore()
			ts, err := st.ListTickets(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			f.tickets = len(ts)
			if sp, ok := st.(interface {
				SpoolLen(context.Context, string) (int, error)
			}); ok {
				if n, err := sp.SpoolLen(context.Background(), "telegram-inbox"); err != nil || n != 0 {
					t.Errorf("%d updates still in the inbox after a clean stop (%v)", n, err)
				}
			}
			t.Logf("kill -9 figures (%s): %d kills, %d updates, %d replies lost, %d duplicate replies, %d tickets",
				store, f.kills, f.updates, f.lostReplies, f.duplicateReplies, f.tickets)
			if f.lostReplies != 0 || f.tickets != 1 {
				t.Errorf("%s: %d replies lost, %d tickets; want 0 and 1", store, f.lostReplies, f.tickets)
			}
		})
	}
}

func runKillTest(t *testing.T, env map[string]string, killAt func(step int) bool) killFigures {
	tg := telegramtest.NewServer(t, testToken)
	env["TELEGRAM_API_URL"] = tg.URL()
	logs := &syncBuffer{}
	defer func() {
		if t.Failed() {
			t.Logf("bot process logs:\n%s", logs.String())
		}
	}()
	const chat = 760
	delays := []time.Duration{0, 500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 5 * time.Millisecond, 8 * time.Millisecond}
	var f killFigures
	p := startProcess(t, env, logs)
	for i, s := range interviewSteps {
		before := len(tg.Sent(chat))
		var u models.Update
		if s.press {
			u = telegramtest.Callback(chat, chat, lastMessageTo(t, tg, chat).MessageID(), s.text)
		} else {
			u = telegramtest.TextMessage(chat, chat, s.text)
		}
		id := fmt.Sprintf(`"update_id":%d`, tg.PushUpdate(u).ID)
		f.updates++
		if killAt(i) {
			// Killed just after the bot fetched the update.
			tg.WaitFor(t, 15*time.Second, func(c telegramtest.Call) bool {
				return c.Method == "getUpdates" && strings.Contains(string(c.Result), id)
			})
			time.Sleep(delays[f.kills%len(delays)])
			p.kill()
			f.kills++
			p = startProcess(t, env, logs)
		}
		got := 0
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			got = 0
			for _, c := range tg.Sent(chat)[before:] {
				if strings.Contains(c.Text(), s.want) {
					got++
				}
			}
			if got > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		switch {
		case got == 0:
			f.lostReplies++
			t.Errorf("step %d (%q): no reply containing %q (killed: %v)", i, s.text, s.want, killAt(i))
			return f
		case got > 1:
			f.duplicateReplies += got - 1
		}
	}
	// The mediators hear of the one ticket.
	tg.WaitForText(t, mediatorChat, "#1", 15*time.Second)
	time.Sleep(300 * time.Millisecond)
	for _, c := range tg.Sent(mediatorChat) {
		if strings.Contains(c.Text(), "#2") {
			t.Errorf("a second ticket reached the mediators: %s", c.Text())
		}
	}
	p.stop(t)
	if n := tg.Pending(); n != 0 {
		t.Errorf("%d updates never fetched", n)
	}
	return f
}
