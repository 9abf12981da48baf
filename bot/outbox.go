package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/laborbot/laborbot/knowledge"
)

// Outbox keeps the replies a channel could not deliver (its service down,
// or refusing with "too many requests") and delivers them when it can, in
// order per chat. It is the channel's and knows no channel: a channel
// gives it a Deliver function (Telegram's sendMessage, a web chat's
// queue) and tells which of its errors are worth retrying.
//
// A reply is first delivered directly; if that fails for a reason a retry
// may fix, it goes to the spool (durably, sealed: it may hold personal
// data) and Send returns nil, since the reply is now safe. While a chat has
// replies waiting, its new replies queue behind them. Run delivers the
// waiting replies every Interval, pausing as long as the service asks. A
// reply older than MaxAge is dropped, and its chat is told once that some
// replies were lost. If the store is down too, replies wait in memory.
type Outbox struct {
	o     OutboxOptions
	seq   atomic.Uint64
	start int64

	mu      sync.Mutex
	counts  map[int64]int       // replies waiting in the spool, by chat
	known   map[string]int64    // spooled reply ids → chat, counted in counts
	mem     map[int64][]memItem // replies waiting in memory (the store was down)
	notices map[int64]bool      // chats with a "replies were lost" notice waiting
	pause   time.Time           // no delivery before this (the service asked)
	wake    chan struct{}
}

// OutboxOptions configure an Outbox. Spool, Name and Deliver are required.
type OutboxOptions struct {
	Spool Spool
	// Name is the outbox's spool (one per channel).
	Name string
	// Owner names this process among those sharing the store (replies an
	// owner left for long are taken over).
	Owner string
	// Sealer seals replies in the spool (nil: stored as they are).
	Sealer interface {
		Seal(string) (string, error)
		Open(string) (string, error)
	}
	// Deliver sends one reply to a chat.
	Deliver func(ctx context.Context, chatID int64, r Reply) error
	// Classify tells a Deliver error no retry will fix (a blocked bot, a
	// chat that is gone) and how long the service asked to wait before
	// the next try (0: the next round).
	Classify func(err error) (permanent bool, wait time.Duration)
	// MaxAge is how long a reply may wait (default DefaultOutboxMaxAge).
	MaxAge time.Duration
	// Interval is the pause between delivery rounds (default 2s).
	Interval time.Duration
	// TakeOver is how long a reply another owner left untouched waits
	// before this one delivers it (default 2 minutes).
	TakeOver time.Duration
	Clock    Clock
	Metrics  *Metrics
	Logger   *slog.Logger
}

// DefaultOutboxMaxAge is how long a reply may wait for its channel: an
// answer later than that is more confusing than useful.
const DefaultOutboxMaxAge = time.Hour

type memItem struct {
	entry outboxEntry
}

// outboxEntry is a waiting reply as spooled (JSON, then sealed).
type outboxEntry struct {
	Reply Reply `json:"reply"`
	// Notice marks the "replies were lost" notice, which never expires.
	Notice bool `json:"notice,omitempty"`
	// Queued is when the reply was queued, by the outbox's clock.
	Queued time.Time `json:"queued"`
}

// Clock is the time the channel layer lives by; tests pass a fast one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// After is time.After.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// NewOutbox makes an Outbox; Run delivers what waits.
func NewOutbox(o OutboxOptions) *Outbox {
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultOutboxMaxAge
	}
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.TakeOver <= 0 {
		o.TakeOver = 2 * time.Minute
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Classify == nil {
		o.Classify = func(error) (bool, time.Duration) { return false, 0 }
	}
	return &Outbox{o: o, start: time.Now().UnixNano(), counts: map[int64]int{}, known: map[string]int64{},
		mem: map[int64][]memItem{}, notices: map[int64]bool{}, wake: make(chan struct{}, 1)}
}

// Send delivers r to chatID now if nothing waits for the chat and the
// service is not pausing us, else queues it. It returns an error only when
// the reply can never be delivered.
func (b *Outbox) Send(ctx context.Context, chatID int64, r Reply) error {
	b.mu.Lock()
	waiting := b.counts[chatID] > 0 || len(b.mem[chatID]) > 0 || b.o.Clock.Now().Before(b.pause)
	b.mu.Unlock()
	if !waiting {
		err := b.o.Deliver(ctx, chatID, r)
		if err == nil {
			return nil
		}
		permanent, wait := b.o.Classify(err)
		if permanent || ctx.Err() != nil {
			return err
		}
		b.pauseFor(wait)
	}
	return b.enqueue(ctx, chatID, outboxEntry{Reply: r})
}

func (b *Outbox) pauseFor(wait time.Duration) {
	if wait <= 0 {
		return
	}
	b.mu.Lock()
	if until := b.o.Clock.Now().Add(wait); until.After(b.pause) {
		b.pause = until
	}
	b.mu.Unlock()
}

// enqueue spools e for chatID, or keeps it in memory if the store fails.
func (b *Outbox) enqueue(ctx context.Context, chatID int64, e outboxEntry) error {
	b.o.Metrics.OutboxQueued.Inc()
	if e.Queued.IsZero() {
		e.Queued = b.o.Clock.Now()
	}
	id := fmt.Sprintf("%s-%x-%d", b.o.Owner, b.start, b.seq.Add(1))
	data, err := b.seal(e)
	if err == nil {
		b.mu.Lock()
		b.counts[chatID]++ // before the write: Send must see it at once
		b.known[id] = chatID
		b.mu.Unlock()
		_, err = b.o.Spool.SpoolAdd(ctx, b.o.Name, b.o.Owner, []SpoolItem{{ID: id, Chat: chatID, Data: data}})
		if err != nil {
			b.forget(id)
		}
	}
	b.mu.Lock()
	if err != nil {
		b.o.Logger.Warn("outbox: store unavailable; reply kept in memory", "err", err)
		b.mem[chatID] = append(b.mem[chatID], memItem{entry: e})
	}
	b.updateGauge()
	b.mu.Unlock()
	b.poke()
	return nil
}

// forget uncounts a spooled reply (delivered, dropped, or never written).
func (b *Outbox) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if chat, ok := b.known[id]; ok {
		delete(b.known, id)
		if b.counts[chat]--; b.counts[chat] <= 0 {
			delete(b.counts, chat)
		}
	}
	b.updateGauge()
}

// updateGauge sets the backlog metric; the caller holds mu.
func (b *Outbox) updateGauge() {
	n := len(b.known)
	for _, items := range b.mem {
		n += len(items)
	}
	b.o.Metrics.OutboxBacklog.Set(float64(n))
}

// Backlog is the number of replies waiting.
func (b *Outbox) Backlog() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.known)
	for _, items := range b.mem {
		n += len(items)
	}
	return n
}

func (b *Outbox) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *Outbox) seal(e outboxEntry) ([]byte, error) {
	raw, err := json.Marshal(e)
	if err != nil || b.o.Sealer == nil {
		return raw, err
	}
	s, err := b.o.Sealer.Seal(string(raw))
	return []byte(s), err
}

func (b *Outbox) open(data []byte) (outboxEntry, error) {
	var e outboxEntry
	raw := string(data)
	if b.o.Sealer != nil {
		var err error
		if raw, err = b.o.Sealer.Open(raw); err != nil {
			return e, err
		}
	}
	return e, json.Unmarshal([]byte(raw), &e)
}

// Run delivers waiting replies until ctx ends: at once (what a previous
// run of this owner left), then every Interval and whenever a reply is
// queued.
func (b *Outbox) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		b.round(ctx)
		b.mu.Lock()
		wait := b.o.Interval
		if d := b.pause.Sub(b.o.Clock.Now()); d > wait {
			wait = d
		}
		b.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-b.o.Clock.After(wait):
		case <-b.wake:
			// Let a burst of replies queue before a round.
			select {
			case <-ctx.Done():
			case <-b.o.Clock.After(b.o.Interval / 10):
			}
		}
	}
	return nil
}

// round makes one pass over the waiting replies.
func (b *Outbox) round(ctx context.Context) {
	b.mu.Lock()
	paused := b.o.Clock.Now().Before(b.pause)
	b.mu.Unlock()
	if paused {
		return
	}
	items, err := b.o.Spool.SpoolClaim(ctx, b.o.Name, b.o.Owner, true, b.o.TakeOver, 500)
	if err != nil && ctx.Err() == nil {
		b.o.Logger.Warn("outbox: store unavailable", "err", err)
	}
	var order []int64
	byChat := map[int64][]SpoolItem{}
	b.mu.Lock()
	for _, it := range items {
		if _, ok := b.known[it.ID]; !ok {
			// Left by an earlier run of this owner, or taken over.
			b.known[it.ID] = it.Chat
			b.counts[it.Chat]++
		}
		if len(byChat[it.Chat]) == 0 {
			order = append(order, it.Chat)
		}
		byChat[it.Chat] = append(byChat[it.Chat], it)
	}
	for chat := range b.mem {
		if len(byChat[chat]) == 0 {
			order = append(order, chat)
		}
	}
	b.updateGauge()
	b.mu.Unlock()
	for _, chat := range order {
		if ctx.Err() != nil || !b.deliverChat(ctx, chat, byChat[chat]) {
			return // the service is pausing us
		}
	}
}

// deliverChat delivers one chat's waiting replies in order; it stops at the
// first that fails and reports false if the service asked for a pause.
func (b *Outbox) deliverChat(ctx context.Context, chat int64, items []SpoolItem) bool {
	lost := 0
	lang := ""
	defer func() {
		if lost > 0 {
			b.o.Metrics.OutboxExpired.Add(float64(lost))
			b.o.Logger.Warn("outbox: replies too old to deliver were dropped", "chat", chat, "replies", lost)
			b.tellLost(ctx, chat, lang)
		}
	}()
	for _, it := range items {
		e, err := b.open(it.Data)
		if err != nil {
			b.o.Logger.Error("outbox: unreadable reply dropped", "err", err)
			b.done(ctx, it.ID)
			continue
		}
		if !e.Notice && b.o.Clock.Now().Sub(e.Queued) > b.o.MaxAge {
			lost++
			lang = knowledge.DetectLang(e.Reply.Text)
			b.done(ctx, it.ID)
			continue
		}
		if ok, cont := b.try(ctx, chat, e); !ok {
			return cont
		}
		if e.Notice {
			b.mu.Lock()
			delete(b.notices, chat)
			b.mu.Unlock()
		}
		b.done(ctx, it.ID)
	}
	b.mu.Lock()
	stillSpooled := b.counts[chat] > 0
	b.mu.Unlock()
	if stillSpooled {
		// Older replies of the chat are still in the store (not claimed
		// this round, or the store is down): the ones in memory wait.
		return true
	}
	for {
		b.mu.Lock()
		if len(b.mem[chat]) == 0 {
			delete(b.mem, chat)
			b.updateGauge()
			b.mu.Unlock()
			return true
		}
		m := b.mem[chat][0]
		b.mu.Unlock()
		if !m.entry.Notice && b.o.Clock.Now().Sub(m.entry.Queued) > b.o.MaxAge {
			lost++
			lang = knowledge.DetectLang(m.entry.Reply.Text)
		} else if ok, cont := b.try(ctx, chat, m.entry); !ok {
			return cont
		}
		b.mu.Lock()
		if m.entry.Notice {
			delete(b.notices, chat)
		}
		b.mem[chat] = b.mem[chat][1:]
		b.updateGauge()
		b.mu.Unlock()
	}
}

// try delivers one reply. ok is true when it is settled (delivered, or
// failed for good); otherwise cont says whether other chats may be tried
// this round.
func (b *Outbox) try(ctx context.Context, chat int64, e outboxEntry) (ok, cont bool) {
	err := b.o.Deliver(ctx, chat, e.Reply)
	if err == nil {
		b.o.Metrics.OutboxDelivered.Inc()
		return true, true
	}
	permanent, wait := b.o.Classify(err)
	if permanent {
		b.o.Metrics.RepliesFailed.Inc()
		b.o.Logger.Warn("outbox: reply cannot be delivered; dropped", "chat", chat, "err", err)
		return true, true
	}
	b.pauseFor(wait)
	return false, wait <= 0
}

func (b *Outbox) done(ctx context.Context, id string) {
	if err := b.o.Spool.SpoolDone(ctx, b.o.Name, id); err != nil {
		// Delivered but still spooled: it would go out again. Keep it
		// counted; the next round tries to mark it again.
		b.o.Logger.Warn("outbox: marking a reply done failed", "err", err)
		return
	}
	b.forget(id)
}

// lostText tells a worker that replies were dropped after waiting too long.
var lostText = text{"⚠️ 抱歉，网络故障期间有回复没能及时送到，已经作废。如果你还需要，请重新发送你的问题。已提交的投诉和填写的内容不受影响。",
	"⚠️ Sorry: during a network failure some replies could not be delivered in time and were dropped. If you still need them, please ask again. Complaints and forms in progress are not affected."}

// tellLost tells the chat once that replies were lost: delivered now if it
// can be, else queued (a notice never expires) unless one is waiting.
func (b *Outbox) tellLost(ctx context.Context, chat int64, lang string) {
	b.mu.Lock()
	if b.notices[chat] {
		b.mu.Unlock()
		return
	}
	b.notices[chat] = true
	waiting := b.counts[chat] > 0 || len(b.mem[chat]) > 0
	b.mu.Unlock()
	e := outboxEntry{Reply: Reply{Text: lostText.in(lang)}, Notice: true}
	if !waiting {
		if ok, _ := b.try(ctx, chat, e); ok {
			b.mu.Lock()
			delete(b.notices, chat)
			b.mu.Unlock()
			return
		}
	}
	_ = b.enqueue(ctx, chat, e)
}
