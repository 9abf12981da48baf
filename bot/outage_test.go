package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
)

// flakyStore is a Store that fails every call while down is set, as a
// Redis that cannot be reached does.
type flakyStore struct {
	bot.Store
	down atomic.Bool
}

var errUnreachable = errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")

func (s *flakyStore) fail() error {
	if s.down.Load() {
		return errUnreachable
	}
	return nil
}

func (s *flakyStore) GetPrefs(ctx context.Context, id int64) (bot.Prefs, error) {
	if err := s.fail(); err != nil {
		return bot.Prefs{}, err
	}
	return s.Store.GetPrefs(ctx, id)
}
func (s *flakyStore) SetPrefs(ctx context.Context, id int64, p bot.Prefs) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.SetPrefs(ctx, id, p)
}
func (s *flakyStore) AddFeedback(ctx context.Context, f bot.Feedback) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.AddFeedback(ctx, f)
}
func (s *flakyStore) MarkUpdate(ctx context.Context, id int64) (bool, error) {
	if err := s.fail(); err != nil {
		return false, err
	}
	return s.Store.MarkUpdate(ctx, id)
}
func (s *flakyStore) GetChatState(ctx context.Context, id int64) ([]byte, error) {
	if err := s.fail(); err != nil {
		return nil, err
	}
	return s.Store.GetChatState(ctx, id)
}
func (s *flakyStore) SetChatState(ctx context.Context, id int64, st []byte) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.SetChatState(ctx, id, st)
}
func (s *flakyStore) DeleteChatState(ctx context.Context, id int64) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.DeleteChatState(ctx, id)
}
func (s *flakyStore) Ping(ctx context.Context) error {
	if err := s.fail(); err != nil {
		return err
	}
	return s.Store.Ping(ctx)
}

// TestStoreOutageKeepsQuestionsAndCalculators: with the store unreachable,
// questions, help and a whole calculation still work; a step that needs the
// store says plainly it is unavailable for a moment; a calculation begun
// before the outage goes on, and what it wrote meanwhile reaches the store
// when it is back (issue 15, defect 4).
func TestStoreOutageKeepsQuestionsAndCalculators(t *testing.T) {
	inner, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close() })
	store := &flakyStore{Store: inner}
	var logs bytes.Buffer
	conv := bot.NewConversation(testEngine(t), store, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx := context.Background()
	do := func(in bot.Incoming) string {
		t.Helper()
		r := &recorder{}
		if err := conv.Handle(ctx, in, r); err != nil {
			t.Logf("Handle: %v", err)
		}
		return r.last()
	}
	doAll := func(in bot.Incoming) string {
		t.Helper()
		r := &recorder{}
		if err := conv.Handle(ctx, in, r); err != nil {
			t.Logf("Handle: %v", err)
		}
		return r.all()
	}
	broken := "出了点问题"

	// A calculation starts before the outage.
	do(private("/calc"))
	do(bot.Incoming{ChatID: 42, UserID: 42, ChatType: bot.ChatPrivate, Kind: bot.KindCallback, Data: "calc|severance", CallbackID: "c1"})
	if got := do(private("2021-03-01")); !strings.Contains(got, "(2/7)") {
		t.Fatalf("calculation before the outage: %q", got)
	}

	store.down.Store(true)
	question := private("老板拖欠我三个月工资怎么办")
	question.ChatID, question.UserID = 44, 44
	if got := do(question); !strings.Contains(got, "劳动合同法") || strings.Contains(got, broken) {
		t.Errorf("a question during the outage got %q", got)
	}
	// /help, and the calculation's question again, from memory.
	if got := doAll(command("help", "")); !strings.Contains(got, "12351") || !strings.Contains(got, "(2/7)") || strings.Contains(got, broken) {
		t.Errorf("/help during the outage got %q", got)
	}
	// The calculation goes on from memory.
	for _, step := range []struct{ in, want string }{{"2024-09-15", "(3/7)"}, {"8000", "(4/7)"}} {
		if got := do(private(step.in)); !strings.Contains(got, step.want) {
			t.Fatalf("calculation during the outage: %q after %q, want %s", got, step.in, step.want)
		}
	}
	// A new calculation, start to end, during the outage.
	other := func(text string) bot.Incoming {
		in := private(text)
		in.ChatID, in.UserID = 43, 43
		return in
	}
	do(other("/calc"))
	press := other("")
	press.Kind, press.Text, press.Data, press.CallbackID = bot.KindCallback, "", "calc|overtime", "c2"
	answers := []string{"8000", "10", "0", "0", "0"}
	got := do(press)
	for _, a := range answers {
		got = do(other(a))
	}
	if !strings.Contains(got, "元") || strings.Contains(got, broken) {
		t.Errorf("a calculation during the outage ended with %q", got)
	}
	// A setting needs the store: it says so.
	if got := do(command("lang", "en")); !strings.Contains(got, "暂时连不上") {
		t.Errorf("/lang during the outage got %q; want the store-unavailable notice", got)
	}

	store.down.Store(false)
	// Calls fail at once for a moment after the store failed (the
	// breaker); then the store is asked again.
	time.Sleep(1100 * time.Millisecond)
	if got := do(private("9000")); !strings.Contains(got, "(5/7)") {
		t.Fatalf("after the outage the calculation continues: %q", got)
	}
	raw, err := inner.GetChatState(ctx, 42)
	if err != nil || !strings.Contains(string(raw), "9000") {
		t.Errorf("the state written during the outage did not reach the store: %s, %v", raw, err)
	}

	// The outage is two lines in the log: when it began and when it
	// ended, with its length (issue 12), not a warning per call.
	var began, recovered int
	for line := range strings.Lines(logs.String()) {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) != nil {
			t.Fatalf("not JSON: %q", line)
		}
		switch l["msg"] {
		case "store unavailable; going on from memory where possible":
			began++
		case "store recovered":
			recovered++
			// A plain JSON handler writes nanoseconds (the program's
			// logger writes "1.1s").
			if ns, _ := l["outage"].(float64); time.Duration(ns) < time.Second || l["level"] != "INFO" {
				t.Errorf("recovery line %s: want INFO and the outage's length (over 1s)", line)
			}
		}
	}
	if began != 1 || recovered != 1 {
		t.Errorf("%d outage and %d recovery lines, want one each; log:\n%s", began, recovered, logs.String())
	}
}
