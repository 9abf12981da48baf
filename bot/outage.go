package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// A store outage (Redis restarting, a network partition) must not stop the
// bot from answering: questions, calculators and help need no store. What
// does need one (filing a complaint, a ticket action, a setting) says that
// it is unavailable for a moment, and nothing already submitted is lost:
// tickets are only ever created in the store.
//
// Chat states (a calculation or an interview in progress) are kept in
// memory too, by resilientStore: while the store fails, a chat goes on
// from its last known state, and states written meanwhile are kept in
// memory and written to the store when it answers again. A restart during
// an outage loses those (a form in progress, never a ticket).

// storeDownPing bounds the health check made when a handler fails, to tell
// a store outage from other errors.
const storeDownPing = time.Second

// errStoreDown is what a call returns while the breaker is open.
var errStoreDown = errors.New("store unavailable (a recent call failed; trying again shortly)")

// breaker remembers that the store failed, so that the calls of the next
// moments fail at once instead of each waiting through its client's
// timeouts and retries (half a second a call for go-redis with Redis gone):
// a question during an outage is answered without delay. After
// breakerPause the next call tries the store again.
//
// With a logger, an outage is two lines: a warning at the first failure
// and an info line with its length at the first call that works again.
type breaker struct {
	log *slog.Logger // nil: silent

	mu        sync.Mutex
	openUntil time.Time
	downSince time.Time // zero: the store answered the last call
}

// breakerPause is how long calls fail at once after the store failed.
const breakerPause = time.Second

// allow reports whether a call may try the store now.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !time.Now().Before(b.openUntil)
}

// done records a call's outcome.
func (b *breaker) done(err error) {
	b.mu.Lock()
	var began bool
	var outage time.Duration
	switch {
	case err == nil:
		b.openUntil = time.Time{}
		if !b.downSince.IsZero() {
			outage, b.downSince = time.Since(b.downSince), time.Time{}
		}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, errStoreDown):
	default:
		b.openUntil = time.Now().Add(breakerPause)
		if b.downSince.IsZero() {
			b.downSince, began = time.Now(), true
		}
	}
	b.mu.Unlock()
	if b.log == nil {
		return
	}
	switch {
	case began:
		b.log.Warn("store unavailable; going on from memory where possible", "err", err)
	case outage > 0:
		b.log.Info("store recovered", "outage", outage.Round(time.Millisecond))
	}
}

// call runs fn through the breaker.
func (b *breaker) call(fn func() error) error {
	if !b.allow() {
		return errStoreDown
	}
	err := fn()
	b.done(err)
	return err
}

// GuardSpool puts s behind a breaker: while its store is failing, calls
// fail at once for a moment rather than each waiting for the store.
func GuardSpool(s Spool) Spool {
	if s == nil {
		return nil
	}
	return &guardedSpool{s: s}
}

type guardedSpool struct {
	s Spool
	b breaker
}

func (g *guardedSpool) SpoolAdd(ctx context.Context, spool, owner string, items []SpoolItem) (added []string, err error) {
	err = g.b.call(func() error { added, err = g.s.SpoolAdd(ctx, spool, owner, items); return err })
	return added, err
}

func (g *guardedSpool) SpoolClaim(ctx context.Context, spool, owner string, own bool, minIdle time.Duration, limit int) (items []SpoolItem, err error) {
	err = g.b.call(func() error { items, err = g.s.SpoolClaim(ctx, spool, owner, own, minIdle, limit); return err })
	return items, err
}

func (g *guardedSpool) SpoolDone(ctx context.Context, spool string, ids ...string) error {
	return g.b.call(func() error { return g.s.SpoolDone(ctx, spool, ids...) })
}

func (g *guardedSpool) SpoolLen(ctx context.Context, spool string) (n int, err error) {
	err = g.b.call(func() error { n, err = g.s.SpoolLen(ctx, spool); return err })
	return n, err
}

// maxRememberedStates bounds the chat states kept in memory; states not
// yet written to the store are never dropped.
const maxRememberedStates = 20000

// resilientStore is a Store whose chat states and preferences survive a
// store outage in memory.
type resilientStore struct {
	Store
	log     *slog.Logger
	breaker breaker

	mu     sync.Mutex
	states map[int64]*memState
	order  []int64 // chats in states, oldest first, for the bound
	prefs  map[int64]Prefs
}

type memState struct {
	data  []byte // nil: no state
	dirty bool   // newer than the store's: written during an outage
}

func newResilientStore(s Store, log *slog.Logger) *resilientStore {
	return &resilientStore{Store: s, log: log, breaker: breaker{log: log}, states: map[int64]*memState{}, prefs: map[int64]Prefs{}}
}

// remember records the chat's state as known (dirty: not in the store).
// The caller holds mu.
func (s *resilientStore) remember(chatID int64, data []byte, dirty bool) {
	if _, ok := s.states[chatID]; !ok {
		s.order = append(s.order, chatID)
		for len(s.order) > maxRememberedStates {
			old := s.order[0]
			if st := s.states[old]; st != nil && st.dirty {
				break // kept until written
			}
			delete(s.states, old)
			s.order = s.order[1:]
		}
	}
	s.states[chatID] = &memState{data: data, dirty: dirty}
}

// GetChatState reads the store, or the last known state while it fails. A
// state written during an outage is written back first.
func (s *resilientStore) GetChatState(ctx context.Context, chatID int64) ([]byte, error) {
	s.mu.Lock()
	st := s.states[chatID]
	s.mu.Unlock()
	if st != nil && st.dirty {
		// Newer than the store's; written back if the store answers again.
		_ = s.flush(ctx, chatID, st.data)
		return st.data, nil
	}
	var data []byte
	err := s.breaker.call(func() (err error) { data, err = s.Store.GetChatState(ctx, chatID); return err })
	if err == nil {
		s.mu.Lock()
		s.remember(chatID, data, false)
		s.mu.Unlock()
		return data, nil
	}
	if st != nil && ctx.Err() == nil {
		// The breaker logged the outage's start once.
		s.log.Debug("store unavailable; chat state from memory", "err", err)
		return st.data, nil
	}
	return nil, err
}

// flush writes a state kept in memory to the store.
func (s *resilientStore) flush(ctx context.Context, chatID int64, data []byte) error {
	err := s.breaker.call(func() error {
		if len(data) == 0 {
			return s.Store.DeleteChatState(ctx, chatID)
		}
		return s.Store.SetChatState(ctx, chatID, data)
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	if st := s.states[chatID]; st != nil && st.dirty && string(st.data) == string(data) {
		st.dirty = false
	}
	s.mu.Unlock()
	return nil
}

// SetChatState writes the store; while it fails the state is kept in
// memory and written later, so a flow goes on.
func (s *resilientStore) SetChatState(ctx context.Context, chatID int64, state []byte) error {
	if len(state) == 0 {
		return s.DeleteChatState(ctx, chatID)
	}
	data := append([]byte(nil), state...)
	err := s.breaker.call(func() error { return s.Store.SetChatState(ctx, chatID, data) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		s.log.Warn("store unavailable; chat state kept in memory", "err", err)
	}
	s.remember(chatID, data, err != nil)
	return nil
}

// DeleteChatState deletes in the store, or in memory while it fails.
func (s *resilientStore) DeleteChatState(ctx context.Context, chatID int64) error {
	err := s.breaker.call(func() error { return s.Store.DeleteChatState(ctx, chatID) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		s.log.Warn("store unavailable; chat state deleted in memory", "err", err)
	}
	s.remember(chatID, nil, err != nil)
	return nil
}

// GetPrefs reads the store, or the last known preferences while it fails.
func (s *resilientStore) GetPrefs(ctx context.Context, userID int64) (Prefs, error) {
	var p Prefs
	err := s.breaker.call(func() (err error) { p, err = s.Store.GetPrefs(ctx, userID); return err })
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		if len(s.prefs) >= maxRememberedStates {
			// A cache, not a copy of the store: start again.
			s.prefs = map[int64]Prefs{}
		}
		s.prefs[userID] = p
		return p, nil
	}
	if known, ok := s.prefs[userID]; ok {
		return known, nil
	}
	return p, err
}

// SetPrefs writes the store and remembers the preferences.
func (s *resilientStore) SetPrefs(ctx context.Context, userID int64, p Prefs) error {
	if err := s.breaker.call(func() error { return s.Store.SetPrefs(ctx, userID, p) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.prefs[userID] = p
	s.mu.Unlock()
	return nil
}

// DeletePrefs deletes in the store and in memory.
func (s *resilientStore) DeletePrefs(ctx context.Context, userID int64) error {
	s.mu.Lock()
	delete(s.prefs, userID)
	s.mu.Unlock()
	return s.breaker.call(func() error { return s.Store.DeletePrefs(ctx, userID) })
}

// MarkUpdate goes through the breaker.
func (s *resilientStore) MarkUpdate(ctx context.Context, id int64) (first bool, err error) {
	err = s.breaker.call(func() (err error) { first, err = s.Store.MarkUpdate(ctx, id); return err })
	return first, err
}

// AddFeedback goes through the breaker.
func (s *resilientStore) AddFeedback(ctx context.Context, f Feedback) error {
	return s.breaker.call(func() error { return s.Store.AddFeedback(ctx, f) })
}

// Ping always asks the store (it is the health check), and tells the
// breaker.
func (s *resilientStore) Ping(ctx context.Context) error {
	err := s.Store.Ping(ctx)
	s.breaker.done(err)
	return err
}

// down reports whether the store failed a moment ago.
func (s *resilientStore) down() bool { return !s.breaker.allow() }

// storeDownText is what a step that needs the store says while it is
// unreachable.
var storeDownText = text{"⏳ 系统的数据存储暂时连不上，这一步现在做不了，请过一两分钟再试。已经提交的投诉不会丢失；问问题、用计算器不受影响。急事请拨打工会热线 12351。",
	"⏳ Our data store cannot be reached right now, so this step is not possible at the moment; please try again in a minute or two. Complaints already submitted are safe, and questions and calculators still work. If it's urgent, call the union hotline 12351."}

// storeKnownDown reports whether the store failed a moment ago, without
// asking it.
func (c *Conversation) storeKnownDown() bool {
	rs, ok := c.store.(*resilientStore)
	return ok && rs.down()
}

// storeDown reports whether the store is unreachable right now.
func (c *Conversation) storeDown(ctx context.Context) bool {
	if c.storeKnownDown() {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, storeDownPing)
	defer cancel()
	return c.store.Ping(ctx) != nil
}
