package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/web"
)

// TestSessionStore runs the conformance suite for web.SessionStore against
// the store open returns (a new, empty one per call).
func TestSessionStore(t *testing.T, open func(t *testing.T) web.SessionStore) {
	now := time.Now()
	t.Run("SignInTokenOnce", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if err := s.PutSignInToken(ctx, "h1", 901, now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if id, ok, err := s.TakeSignInToken(ctx, "other", now); ok || err != nil || id != 0 {
			t.Fatalf("an unknown token = %d, %v, %v", id, ok, err)
		}
		if id, ok, err := s.TakeSignInToken(ctx, "h1", now.Add(time.Minute)); !ok || err != nil || id != 901 {
			t.Fatalf("TakeSignInToken = %d, %v, %v; want 901", id, ok, err)
		}
		if _, ok, err := s.TakeSignInToken(ctx, "h1", now.Add(time.Minute)); ok || err != nil {
			t.Fatalf("a token taken twice: %v, %v", ok, err)
		}
	})
	t.Run("SignInTokenExpires", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if err := s.PutSignInToken(ctx, "h2", 901, now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.TakeSignInToken(ctx, "h2", now.Add(10*time.Minute+time.Second)); ok || err != nil {
			t.Fatalf("an expired token signed in: %v, %v", ok, err)
		}
	})
	t.Run("SignInTokenConcurrentTakes", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if err := s.PutSignInToken(ctx, "h3", 5, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, ok, err := s.TakeSignInToken(ctx, "h3", now); ok && err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d of 8 concurrent takes of one token succeeded; want 1", wins)
		}
	})
	t.Run("CallersClock", func(t *testing.T) {
		// Expiry follows the caller's clock, not the store's: a session
		// made at a time long past is live at that time.
		s := open(t)
		ctx := t.Context()
		past := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		for _, h := range []string{"p1", "p2"} {
			if err := s.PutSession(ctx, web.Session{Hash: h, UserID: 1, Site: "console", At: past, LastSeen: past}, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutSignInToken(ctx, "pt", 1, past.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.GetSession(ctx, "p1", past.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("a session by the caller's clock: %v, %v", ok, err)
		}
		if _, ok, err := s.TakeSignInToken(ctx, "pt", past.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("a token by the caller's clock: %v, %v", ok, err)
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		idle := 30 * time.Minute
		put := func(hash string, user int64) {
			t.Helper()
			if err := s.PutSession(ctx, web.Session{Hash: hash, UserID: user, Site: "console", At: now, LastSeen: now}, idle); err != nil {
				t.Fatal(err)
			}
		}
		put("a", 901)
		put("b", 901)
		put("c", 902)
		got, ok, err := s.GetSession(ctx, "a", now.Add(time.Minute))
		if !ok || err != nil || got.UserID != 901 || got.Site != "console" || got.Hash != "a" || !got.At.Equal(now) {
			t.Fatalf("GetSession(a) = %+v, %v, %v", got, ok, err)
		}
		if _, ok, _ := s.GetSession(ctx, "zzz", now); ok {
			t.Fatal("an unknown session exists")
		}
		// Idle too long: gone. A touch in time restarts the idle time.
		if _, ok, _ := s.GetSession(ctx, "a", now.Add(idle+time.Second)); ok {
			t.Fatal("a session idle longer than its idle time is still there")
		}
		if err := s.TouchSession(ctx, "a", now.Add(20*time.Minute), idle); err != nil {
			t.Fatal(err)
		}
		got, ok, _ = s.GetSession(ctx, "a", now.Add(idle+time.Second))
		if !ok || !got.LastSeen.Equal(now.Add(20*time.Minute)) {
			t.Fatalf("after a touch: %+v, %v", got, ok)
		}
		// A touch after expiry does not bring a session back.
		if err := s.TouchSession(ctx, "b", now.Add(idle+time.Minute), idle); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.GetSession(ctx, "b", now.Add(idle+2*time.Minute)); ok {
			t.Fatal("touching an expired session revived it")
		}
		// Sign out one; then everywhere for 901 (c of 902 stays).
		put("d", 901)
		if err := s.DeleteSession(ctx, "d"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.GetSession(ctx, "d", now); ok {
			t.Fatal("a deleted session exists")
		}
		put("e", 901)
		n, err := s.DeleteUserSessions(ctx, 901)
		if err != nil || n < 2 {
			t.Fatalf("DeleteUserSessions(901) = %d, %v; want at least a and e", n, err)
		}
		for _, h := range []string{"a", "e"} {
			if _, ok, _ := s.GetSession(ctx, h, now); ok {
				t.Fatalf("session %s of 901 survived signing out everywhere", h)
			}
		}
		if _, ok, _ := s.GetSession(ctx, "c", now); !ok {
			t.Fatal("signing out 901 everywhere ended 902's session")
		}
		if n, err := s.DeleteUserSessions(ctx, 901); n != 0 || err != nil {
			t.Fatalf("DeleteUserSessions again = %d, %v", n, err)
		}
		if err := s.DeleteSession(ctx, "nope"); err != nil {
			t.Fatalf("DeleteSession of an unknown session: %v", err)
		}
	})
}
