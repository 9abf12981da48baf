package storetest_test

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// memStore is a minimal in-memory bot.Store. It exists to check the suite
// itself: the suite must pass it, and must fail it when bug names one of
// the mistakes an adapter could plausibly make.
type memStore struct {
	bug string

	mu       sync.Mutex
	prefs    map[int64]bot.Prefs
	feedback []bot.Feedback // oldest first
	updates  map[int64]bool
	states   map[int64][]byte
}

func newMem(bug string) *memStore {
	return &memStore{
		bug:     bug,
		prefs:   map[int64]bot.Prefs{},
		updates: map[int64]bool{},
		states:  map[int64][]byte{},
	}
}

func (m *memStore) lock(ctx context.Context) error {
	if m.bug != "ignores-context" {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	m.mu.Lock()
	return nil
}

func (m *memStore) prefsKey(userID int64) int64 {
	if m.bug == "prefs-shared-by-all-users" {
		return 0
	}
	return userID
}

func (m *memStore) GetPrefs(ctx context.Context, userID int64) (bot.Prefs, error) {
	if err := m.lock(ctx); err != nil {
		return bot.Prefs{}, err
	}
	defer m.mu.Unlock()
	p, ok := m.prefs[m.prefsKey(userID)]
	if !ok && m.bug == "missing-prefs-error" {
		return bot.Prefs{}, context.DeadlineExceeded
	}
	return p, nil
}

func (m *memStore) SetPrefs(ctx context.Context, userID int64, p bot.Prefs) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	m.prefs[m.prefsKey(userID)] = p
	return nil
}

func (m *memStore) DeletePrefs(ctx context.Context, userID int64) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.bug != "delete-prefs-noop" {
		delete(m.prefs, m.prefsKey(userID))
	}
	return nil
}

func (m *memStore) AddFeedback(ctx context.Context, f bot.Feedback) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.bug == "feedback-drops-time" {
		f.At = time.Time{}
	}
	m.feedback = append(m.feedback, f)
	return nil
}

func (m *memStore) ListFeedback(ctx context.Context, limit int) ([]bot.Feedback, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := slices.Clone(m.feedback)
	if m.bug != "feedback-oldest-first" {
		slices.Reverse(out)
	}
	if m.bug != "feedback-limit-ignored" {
		out = out[:max(0, min(limit, len(out)))]
	}
	return out, nil
}

func (m *memStore) MarkUpdate(ctx context.Context, updateID int64) (bool, error) {
	if err := m.lock(ctx); err != nil {
		return false, err
	}
	seen := m.updates[updateID]
	if m.bug == "mark-check-then-set" {
		// Release the lock between the check and the set, as a store
		// doing GET then SET would.
		m.mu.Unlock()
		time.Sleep(time.Millisecond)
		m.mu.Lock()
	}
	defer m.mu.Unlock()
	if m.bug == "mark-always-first" {
		return true, nil
	}
	m.updates[updateID] = true
	return !seen, nil
}

func (m *memStore) GetChatState(ctx context.Context, chatID int64) ([]byte, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	v, ok := m.states[chatID]
	if !ok {
		return nil, nil
	}
	if m.bug == "state-aliased" {
		return v, nil
	}
	return bytes.Clone(v), nil
}

func (m *memStore) SetChatState(ctx context.Context, chatID int64, state []byte) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	switch {
	case len(state) == 0 && m.bug != "state-empty-kept":
		delete(m.states, chatID)
	case m.bug == "state-aliased":
		m.states[chatID] = state
	case m.bug == "state-cut-at-nul":
		if i := bytes.IndexByte(state, 0); i >= 0 {
			state = state[:i]
		}
		m.states[chatID] = bytes.Clone(state)
	default:
		m.states[chatID] = bytes.Clone(state)
	}
	return nil
}

func (m *memStore) DeleteChatState(ctx context.Context, chatID int64) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.states, chatID)
	return nil
}

func (m *memStore) Ping(ctx context.Context) error { return ctx.Err() }

func (m *memStore) Close() error { return nil }
