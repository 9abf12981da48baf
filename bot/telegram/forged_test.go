package telegram

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

const testToken = "4242:forged-test"

// startTransport runs a Transport against a fake Bot API server, with a
// conversation on an embedded store. The conversation has no knowledge
// engine: a question makes it panic, which is how these tests reach the
// per-update recovery.
func startTransport(t *testing.T) (*telegramtest.Server, *Transport, *bolt.Store) {
	t.Helper()
	tg := telegramtest.NewServer(t, testToken)
	store, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	metrics := bot.NewMetrics(nil)
	conv := bot.NewConversation(nil, store, metrics, nil)
	ctx, cancel := context.WithCancel(context.Background())
	tr, err := New(ctx, Options{Token: testToken, APIURL: tg.URL(), PollTimeout: 2 * time.Second, ChatRate: 100, Metrics: metrics}, conv)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = tr.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return tg, tr, store
}

func TestForgedUpdatesAreRejected(t *testing.T) {
	tg, tr, store := startTransport(t)
	ctx := t.Context()
	const victim, attacker = 700, 701
	// The victim is in the middle of a calculation.
	state := []byte(`{"flow":"calc","calc":"severance","step":1}`)
	if err := store.SetChatState(ctx, victim, state); err != nil {
		t.Fatal(err)
	}
	// A button pressed "in" the victim's private chat by someone else.
	tg.PushUpdate(telegramtest.Callback(victim, attacker, 1, "calc|cancel"))
	// A command whose entity has a negative length (it used to panic the
	// process in the command parser, on every restart).
	bad := telegramtest.TextMessage(attacker, attacker, "/help")
	bad.Message.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: -3}}
	tg.PushUpdate(bad)
	// An entity beyond the text.
	beyond := telegramtest.TextMessage(attacker, attacker, "/help")
	beyond.Message.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 50}}
	tg.PushUpdate(beyond)
	// A message "from" the attacker in the victim's private chat.
	tg.PushUpdate(telegramtest.TextMessage(victim, attacker, "/cancel"))
	// A genuine update after them is still handled.
	tg.PushUpdate(telegramtest.TextMessage(attacker, attacker, "/help"))
	tg.WaitForText(t, attacker, "12351", 10*time.Second)

	if got, _ := store.GetChatState(ctx, victim); string(got) != string(state) {
		t.Errorf("the victim's chat state changed to %q", got)
	}
	if n := len(tg.Sent(attacker)); n != 1 {
		t.Errorf("%d replies to the attacker, want 1 (the genuine /help)", n)
	}
	if n := len(tg.Sent(victim)); n != 0 {
		t.Errorf("%d replies in the victim's chat, want none", n)
	}
	if n := counterValue(tr.opts.Metrics.Errors.WithLabelValues("forged_update")); n != 4 {
		t.Errorf("forged updates counted %v, want 4", n)
	}
}

func TestPanicSkipsOnlyThatUpdate(t *testing.T) {
	tg, tr, _ := startTransport(t)
	const chat = 710
	// A question needs the knowledge engine this conversation lacks: the
	// handler panics.
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠工资怎么办"))
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "/help"))
	help := tg.WaitForText(t, chat, "12351", 10*time.Second)
	if strings.Contains(help.Text(), "panic") {
		t.Errorf("the reply shows the panic: %s", help.Text())
	}
	if n := counterValue(tr.opts.Metrics.Errors.WithLabelValues("panic")); n != 1 {
		t.Errorf("panics counted %v, want 1", n)
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
