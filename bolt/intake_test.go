package bolt

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/storetest"
)

func TestIntakeStore(t *testing.T) {
	storetest.TestIntakeStore(t, func(t *testing.T) intake.Store {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}

// A notification delivered to a consumer that never acknowledged it (the
// process died) is still pending after a restart, and is reclaimed.
func TestIntakePendingSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 2; i++ {
		if _, err := s.Enqueue(ctx, intake.Notification{Ticket: i, Action: intake.ActionSubmit}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := s.ReadQueue(ctx, "old-process", 1, 0)
	if err != nil || len(es) != 1 || es[0].Notification.Ticket != 1 {
		t.Fatalf("ReadQueue = %+v, %v", es, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	clock := &fakeClock{now: time.Now()}
	s = openTest(t, path, WithClock(clock.Now))
	// The undelivered entry is still new; the delivered one is not.
	es, err = s.ReadQueue(ctx, "new-process", 10, 0)
	if err != nil || len(es) != 1 || es[0].Notification.Ticket != 2 {
		t.Fatalf("ReadQueue after restart = %+v, %v; want only ticket 2", es, err)
	}
	clock.Set(clock.Now().Add(2 * time.Minute))
	es, err = s.ClaimStale(ctx, "new-process", time.Minute, 10)
	if err != nil || len(es) != 2 || es[0].Notification.Ticket != 1 {
		t.Fatalf("ClaimStale after restart = %+v, %v; want tickets 1 and 2", es, err)
	}
}

// PurgeErased overwrites the pages a deletion freed: the deleted bytes are
// in the file before it and gone after.
func TestPurgeErasedOverwritesFreedPages(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	s := openTest(t, path)
	secret := []byte("13912345678-secret-marker")
	// Several versions of a record and a large one (overflow pages).
	for i := range 5 {
		if err := s.SetChatState(ctx, int64(i), append(bytes.Repeat([]byte("x"), i*3000), secret...)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if err := s.DeleteChatState(ctx, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if raw, err := os.ReadFile(path); err != nil || !bytes.Contains(raw, secret) {
		t.Fatalf("before the purge the deleted bytes should still be in the file (else this test proves nothing); err %v", err)
	}
	if err := s.PurgeErased(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, secret) {
		t.Fatal("deleted bytes are still in the file after PurgeErased")
	}
	// The store still works, and the scratch bucket is gone.
	if err := s.SetChatState(ctx, 1, []byte("after")); err != nil {
		t.Fatal(err)
	}
	if n := countBuckets(t, s); n != 0 {
		t.Fatalf("%d scratch buckets left", n)
	}
}

func countBuckets(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	if err := s.db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte(bucketIntakeScrub)) != nil {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}
