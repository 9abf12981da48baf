package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// These tests drive the outbox round by round with a clock they set, so
// hours of outage take no time.

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *manualClock) After(time.Duration) <-chan time.Time { return nil }
func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// service is a channel's service that can be down.
type service struct {
	mu       sync.Mutex
	down     error
	got      map[int64][]string
	attempts int
}

var errDown = errors.New("HTTP 502 Bad Gateway")

func (s *service) deliver(_ context.Context, chat int64, r Reply) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.down != nil {
		return s.down
	}
	if s.got == nil {
		s.got = map[int64][]string{}
	}
	s.got[chat] = append(s.got[chat], r.Text)
	return nil
}

func (s *service) set(err error) {
	s.mu.Lock()
	s.down = err
	s.mu.Unlock()
}

func (s *service) texts(chat int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got[chat]...)
}

type retryAfterErr struct{ wait time.Duration }

func (e retryAfterErr) Error() string { return "429" }

var errBlocked = errors.New("403 bot was blocked by the user")

func classifyTest(err error) (bool, time.Duration) {
	var ra retryAfterErr
	if errors.As(err, &ra) {
		return false, ra.wait
	}
	return errors.Is(err, errBlocked), 0
}

// flakySpool fails every call while down is set.
type flakySpool struct {
	Spool
	mu   sync.Mutex
	down bool
}

func (f *flakySpool) check() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("connection refused")
	}
	return nil
}
func (f *flakySpool) SpoolAdd(ctx context.Context, n, o string, it []SpoolItem) ([]string, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return f.Spool.SpoolAdd(ctx, n, o, it)
}
func (f *flakySpool) SpoolClaim(ctx context.Context, n, o string, own bool, idle time.Duration, l int) ([]SpoolItem, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return f.Spool.SpoolClaim(ctx, n, o, own, idle, l)
}
func (f *flakySpool) SpoolDone(ctx context.Context, n string, ids ...string) error {
	if err := f.check(); err != nil {
		return err
	}
	return f.Spool.SpoolDone(ctx, n, ids...)
}

// memSpool is an in-memory Spool (package bolt's imports this package, so
// the stores' own spools cannot be used here; they pass storetest's
// TestSpool). Sharing one between two Outboxes stands for a restart.
type memSpool struct {
	mu    sync.Mutex
	items []SpoolItem
	seen  map[string]bool
}

func testSpool(*testing.T) Spool { return &memSpool{seen: map[string]bool{}} }

func (m *memSpool) SpoolAdd(_ context.Context, _, owner string, items []SpoolItem) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var added []string
	for _, it := range items {
		if m.seen[it.ID] {
			continue
		}
		m.seen[it.ID] = true
		it.Added, it.Owner, it.Touched = time.Now(), owner, time.Now()
		m.items = append(m.items, it)
		added = append(added, it.ID)
	}
	return added, nil
}

func (m *memSpool) SpoolClaim(_ context.Context, _, owner string, own bool, minIdle time.Duration, limit int) ([]SpoolItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []SpoolItem
	for i := range m.items {
		it := &m.items[i]
		if (it.Owner == owner && own || it.Owner != owner && time.Since(it.Touched) >= minIdle) && len(out) < limit {
			it.Owner, it.Touched = owner, time.Now()
			out = append(out, *it)
		}
	}
	return out, nil
}

func (m *memSpool) SpoolDone(_ context.Context, _ string, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	done := map[string]bool{}
	for _, id := range ids {
		done[id] = true
	}
	kept := m.items[:0]
	for _, it := range m.items {
		if !done[it.ID] {
			kept = append(kept, it)
		}
	}
	m.items = kept
	return nil
}

func (m *memSpool) SpoolLen(context.Context, string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items), nil
}

func newTestOutbox(t *testing.T, sp Spool, svc *service, clock Clock) *Outbox {
	return NewOutbox(OutboxOptions{Spool: sp, Name: "out", Owner: "test", Deliver: svc.deliver, Classify: classifyTest,
		MaxAge: time.Hour, Clock: clock})
}

func TestOutboxKeepsOrderThroughAnOutage(t *testing.T) {
	ctx := t.Context()
	clock := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	svc := &service{}
	b := newTestOutbox(t, testSpool(t), svc, clock)
	send := func(chat int64, text string) {
		t.Helper()
		if err := b.Send(ctx, chat, Reply{Text: text}); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	send(1, "a0")
	svc.set(errDown)
	for i := 1; i <= 10; i++ {
		for chat := int64(1); chat <= 3; chat++ {
			send(chat, fmt.Sprintf("%c%d", 'a'+chat-1, i))
		}
		clock.Add(3 * time.Second)
		b.round(ctx) // fails: the service is down
	}
	if n := b.Backlog(); n != 30 {
		t.Fatalf("backlog %d, want 30", n)
	}
	svc.set(nil)
	// A reply sent now waits behind the chat's older ones.
	send(2, "b11")
	if got := svc.texts(2); len(got) != 0 {
		t.Fatalf("a new reply overtook the waiting ones: %v", got)
	}
	b.round(ctx)
	for chat := int64(1); chat <= 3; chat++ {
		var want []string
		if chat == 1 {
			want = append(want, "a0")
		}
		for i := 1; i <= 10; i++ {
			want = append(want, fmt.Sprintf("%c%d", 'a'+chat-1, i))
		}
		if chat == 2 {
			want = append(want, "b11")
		}
		if got := svc.texts(chat); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("chat %d got %v, want %v", chat, got, want)
		}
	}
	if n := b.Backlog(); n != 0 {
		t.Errorf("backlog %d after delivery", n)
	}
	if v := gauge(b.o.Metrics.OutboxBacklog); v != 0 {
		t.Errorf("backlog metric %v", v)
	}
}

func TestOutboxWaitsAsAsked(t *testing.T) {
	ctx := t.Context()
	clock := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	svc := &service{}
	b := newTestOutbox(t, testSpool(t), svc, clock)
	svc.set(retryAfterErr{5 * time.Second})
	_ = b.Send(ctx, 7, Reply{Text: "x"})
	_ = b.Send(ctx, 8, Reply{Text: "y"})
	attempts := svc.attempts
	clock.Add(4 * time.Second)
	b.round(ctx)
	if svc.attempts != attempts {
		t.Errorf("delivered during the pause Telegram asked for")
	}
	svc.set(nil)
	clock.Add(2 * time.Second)
	b.round(ctx)
	if len(svc.texts(7)) != 1 || len(svc.texts(8)) != 1 {
		t.Errorf("after the pause: %v %v", svc.texts(7), svc.texts(8))
	}
}

func TestOutboxAgeLimitTellsOnce(t *testing.T) {
	ctx := t.Context()
	clock := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	svc := &service{}
	b := newTestOutbox(t, testSpool(t), svc, clock)
	svc.set(errDown)
	for i := 0; i < 5; i++ {
		_ = b.Send(ctx, 9, Reply{Text: "老板拖欠工资怎么办的回答"})
	}
	clock.Add(2 * time.Hour)
	_ = b.Send(ctx, 9, Reply{Text: "新的回答"})
	b.round(ctx) // drops the old ones; the notice waits (service down)
	b.round(ctx)
	svc.set(nil)
	b.round(ctx)
	b.round(ctx)
	got := svc.texts(9)
	if len(got) != 2 || !strings.Contains(got[1], "作废") && !strings.Contains(got[0], "作废") || !contains(got, "新的回答") {
		t.Fatalf("got %q; want the fresh reply and one notice of the lost ones", got)
	}
	if v := counter(b.o.Metrics.OutboxExpired); v != 5 {
		t.Errorf("expired counted %v, want 5", v)
	}
}

func TestOutboxStoreDownToo(t *testing.T) {
	ctx := t.Context()
	clock := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	svc := &service{}
	sp := &flakySpool{Spool: testSpool(t)}
	b := newTestOutbox(t, sp, svc, clock)
	svc.set(errDown)
	_ = b.Send(ctx, 3, Reply{Text: "1"}) // spooled
	sp.down = true
	_ = b.Send(ctx, 3, Reply{Text: "2"}) // in memory
	b.round(ctx)
	svc.set(nil)
	b.round(ctx) // the store is down: 2 must not overtake 1
	if got := svc.texts(3); len(got) != 0 {
		t.Fatalf("delivered %v while an older reply was unreachable in the store", got)
	}
	sp.down = false
	b.round(ctx)
	if got := svc.texts(3); strings.Join(got, " ") != "1 2" {
		t.Errorf("got %v, want 1 2", got)
	}
}

func TestOutboxSurvivesRestartAndDropsHopeless(t *testing.T) {
	ctx := t.Context()
	clock := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	svc := &service{}
	sp := testSpool(t)
	first := newTestOutbox(t, sp, svc, clock)
	svc.set(errDown)
	_ = first.Send(ctx, 4, Reply{Text: "kept"})
	_ = first.Send(ctx, 5, Reply{Text: "blocked"})
	// The process dies; the next one has the same owner.
	second := newTestOutbox(t, sp, svc, clock)
	svc.set(nil)
	failing := &service{}
	failing.set(errBlocked)
	second.o.Deliver = func(ctx context.Context, chat int64, r Reply) error {
		if chat == 5 {
			return failing.deliver(ctx, chat, r)
		}
		return svc.deliver(ctx, chat, r)
	}
	second.round(ctx)
	if got := svc.texts(4); len(got) != 1 || got[0] != "kept" {
		t.Errorf("after a restart: %v", got)
	}
	if n := second.Backlog(); n != 0 {
		t.Errorf("a reply to a chat that blocked the bot is still waiting (%d)", n)
	}
	if v := counter(second.o.Metrics.RepliesFailed); v != 1 {
		t.Errorf("failed replies %v, want 1", v)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func gauge(g prometheus.Gauge) float64 {
	var m dto.Metric
	_ = g.Write(&m)
	return m.GetGauge().GetValue()
}

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	_ = c.Write(&m)
	return m.GetCounter().GetValue()
}
