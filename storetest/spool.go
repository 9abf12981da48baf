package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// TestSpool runs the conformance suite for bot.Spool (the inbox of updates
// and the outbox of replies) against the Spool that open returns, a new,
// empty one per call.
func TestSpool(t *testing.T, open func(t *testing.T) bot.Spool) {
	t.Run("AddClaimDone", func(t *testing.T) { testSpoolAddClaimDone(t, open(t)) })
	t.Run("DuplicatesSkipped", func(t *testing.T) { testSpoolDuplicates(t, open(t)) })
	t.Run("Owners", func(t *testing.T) { testSpoolOwners(t, open(t)) })
	t.Run("ConcurrentAdds", func(t *testing.T) { testSpoolConcurrent(t, open(t)) })
	t.Run("SpoolsIndependent", func(t *testing.T) { testSpoolsIndependent(t, open(t)) })
	t.Run("CanceledContext", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.SpoolAdd(ctx, "in", "a", []bot.SpoolItem{{ID: "1"}}); err == nil {
			t.Error("SpoolAdd with a canceled context succeeded")
		}
	})
}

func spoolItems(ids ...int) []bot.SpoolItem {
	var out []bot.SpoolItem
	for _, id := range ids {
		out = append(out, bot.SpoolItem{ID: strconv.Itoa(id), Chat: int64(id%3) - 1, Data: []byte(fmt.Sprintf("item %d \x00\xff", id))})
	}
	return out
}

func ids(items []bot.SpoolItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func testSpoolAddClaimDone(t *testing.T, s bot.Spool) {
	ctx := t.Context()
	before := time.Now().Add(-time.Second)
	added, err := s.SpoolAdd(ctx, "in", "a", spoolItems(3, 1, 2))
	if err != nil || fmt.Sprint(added) != "[3 1 2]" {
		t.Fatalf("SpoolAdd = %v, %v; want [3 1 2]", added, err)
	}
	if n, err := s.SpoolLen(ctx, "in"); err != nil || n != 3 {
		t.Fatalf("SpoolLen = %d, %v; want 3", n, err)
	}
	got, err := s.SpoolClaim(ctx, "in", "a", true, time.Hour, 10)
	if err != nil {
		t.Fatal(err)
	}
	// In the order added, with everything kept.
	if fmt.Sprint(ids(got)) != "[3 1 2]" {
		t.Fatalf("claimed %v; want [3 1 2] in order", ids(got))
	}
	want := spoolItems(3, 1, 2)
	for i, it := range got {
		if it.Chat != want[i].Chat || !bytes.Equal(it.Data, want[i].Data) || it.Owner != "a" ||
			it.Added.Before(before) || it.Touched.Before(before) {
			t.Errorf("item %d = %+v; want %+v, owner a, times set", i, it, want[i])
		}
	}
	if got, _ := s.SpoolClaim(ctx, "in", "a", true, time.Hour, 2); len(got) != 2 {
		t.Errorf("limit 2 returned %d items", len(got))
	}
	if err := s.SpoolDone(ctx, "in", "1", "unknown"); err != nil {
		t.Fatalf("SpoolDone: %v", err)
	}
	if err := s.SpoolDone(ctx, "in", "1"); err != nil {
		t.Fatalf("SpoolDone twice: %v", err)
	}
	got, _ = s.SpoolClaim(ctx, "in", "a", true, time.Hour, 10)
	if fmt.Sprint(ids(got)) != "[3 2]" {
		t.Errorf("after done: %v; want [3 2]", ids(got))
	}
	if n, _ := s.SpoolLen(ctx, "in"); n != 2 {
		t.Errorf("SpoolLen after done = %d; want 2", n)
	}
	if err := s.SpoolDone(ctx, "in", "3", "2"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SpoolClaim(ctx, "in", "a", true, 0, 10); err != nil || len(got) != 0 {
		t.Errorf("empty spool claimed %v, %v", ids(got), err)
	}
}

func testSpoolDuplicates(t *testing.T, s bot.Spool) {
	ctx := t.Context()
	if _, err := s.SpoolAdd(ctx, "in", "a", spoolItems(1, 2)); err != nil {
		t.Fatal(err)
	}
	// Pending, done, and twice in one call: each ID is taken once.
	if err := s.SpoolDone(ctx, "in", "1"); err != nil {
		t.Fatal(err)
	}
	added, err := s.SpoolAdd(ctx, "in", "b", spoolItems(1, 2, 3, 3))
	if err != nil || fmt.Sprint(added) != "[3]" {
		t.Fatalf("adding again = %v, %v; want only [3]", added, err)
	}
	got, _ := s.SpoolClaim(ctx, "in", "x", false, 0, 10)
	if fmt.Sprint(ids(got)) != "[2 3]" {
		t.Errorf("items %v; want [2 3]", ids(got))
	}
}

func testSpoolOwners(t *testing.T, s bot.Spool) {
	ctx := t.Context()
	if _, err := s.SpoolAdd(ctx, "in", "a", spoolItems(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SpoolAdd(ctx, "in", "b", spoolItems(2)); err != nil {
		t.Fatal(err)
	}
	// a's own only; b's is fresh.
	if got, _ := s.SpoolClaim(ctx, "in", "a", true, time.Hour, 10); fmt.Sprint(ids(got)) != "[1]" {
		t.Errorf("a claimed %v; want its own [1]", ids(got))
	}
	// Not its own when own is false.
	if got, _ := s.SpoolClaim(ctx, "in", "a", false, time.Hour, 10); len(got) != 0 {
		t.Errorf("a claimed %v with own=false and nothing idle", ids(got))
	}
	time.Sleep(20 * time.Millisecond)
	// b's item is idle for 10ms: a takes it over, and then b no longer
	// has it.
	if got, _ := s.SpoolClaim(ctx, "in", "a", false, 10*time.Millisecond, 10); fmt.Sprint(ids(got)) != "[2]" {
		t.Errorf("a took over %v; want b's idle [2]", ids(got))
	}
	if got, _ := s.SpoolClaim(ctx, "in", "b", true, time.Hour, 10); len(got) != 0 {
		t.Errorf("b still has %v after a took them over", ids(got))
	}
	if got, _ := s.SpoolClaim(ctx, "in", "a", true, time.Hour, 10); fmt.Sprint(ids(got)) != "[1 2]" {
		t.Errorf("a has %v; want [1 2]", ids(got))
	}
}

func testSpoolConcurrent(t *testing.T, s bot.Spool) {
	ctx := t.Context()
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				added, err := s.SpoolAdd(ctx, "in", "w"+strconv.Itoa(w), spoolItems(i, i+1))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, id := range added {
					count[id]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var keys []string
	for id, n := range count {
		if n != 1 {
			t.Errorf("ID %s added %d times", id, n)
		}
		keys = append(keys, id)
	}
	sort.Strings(keys)
	if len(keys) != 11 {
		t.Errorf("IDs added: %v; want 0..10", keys)
	}
	if n, _ := s.SpoolLen(ctx, "in"); n != 11 {
		t.Errorf("SpoolLen = %d; want 11", n)
	}
}

func testSpoolsIndependent(t *testing.T, s bot.Spool) {
	ctx := t.Context()
	if _, err := s.SpoolAdd(ctx, "in", "a", spoolItems(1)); err != nil {
		t.Fatal(err)
	}
	if added, err := s.SpoolAdd(ctx, "out", "a", spoolItems(1)); err != nil || len(added) != 1 {
		t.Fatalf("the same ID in another spool: %v, %v", added, err)
	}
	if err := s.SpoolDone(ctx, "out", "1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.SpoolLen(ctx, "in"); n != 1 {
		t.Errorf("done in one spool changed another: len %d", n)
	}
}
