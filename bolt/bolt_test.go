package bolt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/storetest"
	"github.com/laborbot/laborbot/web/webchat"
)

func TestStore(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) bot.Store {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}

func openTest(t *testing.T, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestOpenCreatesPrivateFileAndParents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "lib", "laborbot", "data.db")
	openTest(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("data file mode = %v, want 0600 (it holds workers' conversations)", perm)
	}
}

func TestPersistence(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPrefs(ctx, 7, bot.Prefs{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFeedback(ctx, bot.Feedback{AnswerID: "a1", EntryID: "e1", Lang: "zh", Helpful: true, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkUpdate(ctx, 99); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatState(ctx, -100, []byte{0, 1, 2, 0xff}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, path)
	if p, err := s.GetPrefs(ctx, 7); err != nil || p.Lang != "zh" {
		t.Errorf("after reopen GetPrefs = %+v, %v; want Lang zh", p, err)
	}
	if fb, err := s.ListFeedback(ctx, 10); err != nil || len(fb) != 1 || fb[0].AnswerID != "a1" || !fb[0].At.Equal(at) {
		t.Errorf("after reopen ListFeedback = %+v, %v; want the one entry", fb, err)
	}
	if first, err := s.MarkUpdate(ctx, 99); err != nil || first {
		t.Errorf("after reopen MarkUpdate(99) = %v, %v; want false: a restart must not handle an update again", first, err)
	}
	if st, err := s.GetChatState(ctx, -100); err != nil || string(st) != "\x00\x01\x02\xff" {
		t.Errorf("after reopen GetChatState = %q, %v; want the saved state", st, err)
	}
}

func TestSecondOpenFailsClearly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "laborbot.db")
	first := openTest(t, path)

	// Run Open in a goroutine so that a hang fails the test instead of
	// hanging it.
	done := make(chan error, 1)
	go func() {
		s, err := Open(path, WithLockTimeout(200*time.Millisecond))
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("second Open of the same file hung instead of failing")
	}

	if err == nil {
		t.Fatal("second Open of the same file succeeded; want an error")
	}
	want := "data file " + path + " is in use by another laborbot process"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to say %q", err, want)
	}
	var inUse *InUseError
	if !errors.As(err, &inUse) || inUse.Path != path {
		t.Errorf("error %v is not an *InUseError for %s", err, path)
	}
	if !errors.Is(err, bbolterrors.ErrTimeout) {
		t.Errorf("error %v does not wrap bbolt's ErrTimeout", err)
	}

	// Once the first holder closes, the file can be opened again.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	openTest(t, path, WithLockTimeout(200*time.Millisecond))
}

func TestOpenRejectsNonPositiveLockTimeout(t *testing.T) {
	// bbolt reads a zero timeout as "wait forever".
	for _, d := range []time.Duration{0, -time.Second} {
		s, err := Open(filepath.Join(t.TempDir(), "x.db"), WithLockTimeout(d))
		if err == nil {
			s.Close()
			t.Errorf("Open with lock timeout %v succeeded; want an error", d)
		}
	}
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func mark(t *testing.T, s *Store, id int64, want bool) {
	t.Helper()
	got, err := s.MarkUpdate(t.Context(), id)
	if err != nil {
		t.Fatalf("MarkUpdate(%d): %v", id, err)
	}
	if got != want {
		t.Fatalf("MarkUpdate(%d) = %v, want %v", id, got, want)
	}
}

func countKeys(t *testing.T, s *Store, bucket string) int {
	t.Helper()
	var n int
	err := s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket([]byte(bucket)).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUpdatesExpireAndArePruned(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	s := openTest(t, filepath.Join(t.TempDir(), "laborbot.db"), WithClock(clock.Now))

	for id := int64(1); id <= 3; id++ {
		mark(t, s, id, true)
	}

	// Just inside the TTL: still a duplicate, and the sweep keeps it.
	clock.Set(t0.Add(bot.UpdateTTL - time.Minute))
	mark(t, s, 1, false)
	mark(t, s, 4, true)
	if n := countKeys(t, s, bucketUpdates); n != 4 {
		t.Fatalf("%d update ids stored before any expired, want 4", n)
	}

	// Past the TTL: the next MarkUpdate sweeps ids 1-3 out.
	clock.Set(t0.Add(bot.UpdateTTL + time.Hour))
	mark(t, s, 5, true)
	if n := countKeys(t, s, bucketUpdates); n != 2 {
		t.Fatalf("%d update ids stored after the sweep, want 2 (ids 4 and 5)", n)
	}
	mark(t, s, 4, false)
	mark(t, s, 1, true) // forgotten, so new again
}

func TestUpdateExpiryDoesNotWaitForSweep(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{now: t0}
	s := openTest(t, filepath.Join(t.TempDir(), "laborbot.db"), WithClock(clock.Now))
	s.pruneEvery = 1000 * time.Hour // no sweep during this test after the first

	mark(t, s, 1, true)
	clock.Set(t0.Add(bot.UpdateTTL))
	if n := countKeys(t, s, bucketUpdates); n != 1 {
		t.Fatalf("%d update ids stored, want 1 (not swept yet)", n)
	}
	mark(t, s, 1, true)
	mark(t, s, 1, false)
}

func TestFeedbackIsCapped(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	s.maxFeedback = 3
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		if err := s.AddFeedback(t.Context(), bot.Feedback{AnswerID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if n := countKeys(t, s, bucketFeedback); n != 3 {
		t.Errorf("%d feedback entries stored, want the cap of 3", n)
	}
	fb, err := s.ListFeedback(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fb {
		got = append(got, f.AnswerID)
	}
	if strings.Join(got, ",") != "e,d,c" {
		t.Errorf("ListFeedback = %v, want the newest three [e d c]", got)
	}
}

func TestPingAfterClose(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping after Close returned no error; a health check must see a closed store")
	}
}

func TestWebChatStore(t *testing.T) {
	storetest.TestWebChatStore(t, func(t *testing.T) webchat.Store {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}
