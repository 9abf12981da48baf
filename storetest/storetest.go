// Package storetest is the conformance suite for bot.Store. Every adapter
// (package bolt, package redis, and any later one) runs the same TestStore
// from its own tests, so the conversation layer can rely on one behaviour
// whichever store is configured.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// TestStore runs the conformance suite against the Store that open returns.
// The suite calls open once per subtest, with the subtest's t, and expects
// a new, empty Store each time; open should use t.Cleanup to close the
// Store and remove its data (closing twice must be harmless, as the suite
// closes some Stores itself).
func TestStore(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("Prefs", func(t *testing.T) { testPrefs(t, open) })
	t.Run("Feedback", func(t *testing.T) { testFeedback(t, open) })
	t.Run("Updates", func(t *testing.T) { testUpdates(t, open) })
	t.Run("ChatState", func(t *testing.T) { testChatState(t, open) })
	t.Run("KindsIndependent", func(t *testing.T) { testKindsIndependent(t, open) })
	t.Run("Ping", func(t *testing.T) {
		if err := open(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("CloseTwice", func(t *testing.T) {
		s := open(t)
		if err := s.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) { testCanceled(t, open) })
}

// sampleIDs covers the corners of Telegram ids: group chats are negative,
// and an encoding that drops the sign or overflows would merge two of them.
func sampleIDs() []int64 {
	return []int64{1, 2, 0, -1, -1001234567890, math.MaxInt64, math.MinInt64}
}

func testPrefs(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("MissingIsZero", func(t *testing.T) {
		s := open(t)
		got, err := s.GetPrefs(t.Context(), 42)
		if err != nil || got != (bot.Prefs{}) {
			t.Fatalf("GetPrefs of unknown user = %+v, %v; want zero Prefs, nil", got, err)
		}
	})

	t.Run("SetThenGet", func(t *testing.T) {
		for _, lang := range []string{"zh", "en", "ug", "zh-Hant-TW", "中文", ""} {
			t.Run(strconv.Quote(lang), func(t *testing.T) {
				s := open(t)
				mustSetPrefs(t, s, 7, bot.Prefs{Lang: lang})
				wantPrefs(t, s, 7, bot.Prefs{Lang: lang})
			})
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		s := open(t)
		mustSetPrefs(t, s, 7, bot.Prefs{Lang: "zh"})
		mustSetPrefs(t, s, 7, bot.Prefs{Lang: "en"})
		wantPrefs(t, s, 7, bot.Prefs{Lang: "en"})
		mustSetPrefs(t, s, 7, bot.Prefs{})
		wantPrefs(t, s, 7, bot.Prefs{})
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		mustSetPrefs(t, s, 7, bot.Prefs{Lang: "zh"})
		if err := s.DeletePrefs(t.Context(), 7); err != nil {
			t.Fatalf("DeletePrefs: %v", err)
		}
		wantPrefs(t, s, 7, bot.Prefs{})
		if err := s.DeletePrefs(t.Context(), 7); err != nil {
			t.Fatalf("DeletePrefs of deleted prefs: %v", err)
		}
		if err := s.DeletePrefs(t.Context(), 8); err != nil {
			t.Fatalf("DeletePrefs of never stored prefs: %v", err)
		}
		// Deleting must not stop the user from choosing again.
		mustSetPrefs(t, s, 7, bot.Prefs{Lang: "en"})
		wantPrefs(t, s, 7, bot.Prefs{Lang: "en"})
	})

	t.Run("IsolatedPerUser", func(t *testing.T) {
		s := open(t)
		ids := sampleIDs()
		for i, id := range ids {
			mustSetPrefs(t, s, id, bot.Prefs{Lang: "lang" + strconv.Itoa(i)})
		}
		for i, id := range ids {
			wantPrefs(t, s, id, bot.Prefs{Lang: "lang" + strconv.Itoa(i)})
		}
		if err := s.DeletePrefs(t.Context(), ids[0]); err != nil {
			t.Fatalf("DeletePrefs: %v", err)
		}
		wantPrefs(t, s, ids[0], bot.Prefs{})
		for i, id := range ids[1:] {
			wantPrefs(t, s, id, bot.Prefs{Lang: "lang" + strconv.Itoa(i+1)})
		}
		wantPrefs(t, s, 3, bot.Prefs{}) // never set
	})
}

func mustSetPrefs(t *testing.T, s bot.Store, userID int64, p bot.Prefs) {
	t.Helper()
	if err := s.SetPrefs(t.Context(), userID, p); err != nil {
		t.Fatalf("SetPrefs(%d, %+v): %v", userID, p, err)
	}
}

func wantPrefs(t *testing.T, s bot.Store, userID int64, want bot.Prefs) {
	t.Helper()
	got, err := s.GetPrefs(t.Context(), userID)
	if err != nil {
		t.Fatalf("GetPrefs(%d): %v", userID, err)
	}
	if got != want {
		t.Fatalf("GetPrefs(%d) = %+v, want %+v", userID, got, want)
	}
}

func testFeedback(t *testing.T, open func(t *testing.T) bot.Store) {
	// A fixed zone other than UTC and nanoseconds: a store may normalise
	// the zone, but must keep the instant.
	t0 := time.Date(2026, 3, 15, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
	entry := func(i int) bot.Feedback {
		return bot.Feedback{
			AnswerID: "answer-" + strconv.Itoa(i),
			EntryID:  "劳动合同法/第" + strconv.Itoa(i) + "条",
			Lang:     "zh",
			Helpful:  i%2 == 0,
			At:       t0.Add(time.Duration(i) * time.Minute),
		}
	}

	t.Run("Empty", func(t *testing.T) {
		s := open(t)
		got, err := s.ListFeedback(t.Context(), 10)
		if err != nil || len(got) != 0 {
			t.Fatalf("ListFeedback on empty store = %v, %v; want none, nil", got, err)
		}
	})

	t.Run("RoundTrip", func(t *testing.T) {
		for _, f := range []bot.Feedback{
			{AnswerID: "a1", EntryID: "e1", Lang: "en", Helpful: true, At: t0},
			{AnswerID: "a2", EntryID: "", Lang: "", Helpful: false, At: t0.UTC()},
			{AnswerID: "答复-3", EntryID: "条目 \"quoted\"\n", Lang: "ug", Helpful: true, At: t0.Add(-365 * 24 * time.Hour)},
		} {
			t.Run(f.AnswerID, func(t *testing.T) {
				s := open(t)
				mustAddFeedback(t, s, f)
				wantFeedback(t, s, 10, []bot.Feedback{f})
			})
		}
	})

	t.Run("NewestFirst", func(t *testing.T) {
		s := open(t)
		var want []bot.Feedback
		for i := range 5 {
			mustAddFeedback(t, s, entry(i))
			want = append([]bot.Feedback{entry(i)}, want...)
		}
		wantFeedback(t, s, 10, want)
	})

	t.Run("OrderIsAdditionOrder", func(t *testing.T) {
		// "Newest" means last added, not latest At: clocks of two replicas
		// can disagree, the order of arrival cannot.
		s := open(t)
		late, early := entry(9), entry(1)
		mustAddFeedback(t, s, late)
		mustAddFeedback(t, s, early)
		wantFeedback(t, s, 10, []bot.Feedback{early, late})
	})

	t.Run("Limit", func(t *testing.T) {
		s := open(t)
		const n = 5
		for i := range n {
			mustAddFeedback(t, s, entry(i))
		}
		for _, tc := range []struct {
			limit int
			want  []int // entry numbers, newest first
		}{
			{limit: -1, want: nil},
			{limit: 0, want: nil},
			{limit: 1, want: []int{4}},
			{limit: 3, want: []int{4, 3, 2}},
			{limit: n, want: []int{4, 3, 2, 1, 0}},
			{limit: n + 10, want: []int{4, 3, 2, 1, 0}},
			{limit: math.MaxInt32, want: []int{4, 3, 2, 1, 0}},
		} {
			t.Run(strconv.Itoa(tc.limit), func(t *testing.T) {
				var want []bot.Feedback
				for _, i := range tc.want {
					want = append(want, entry(i))
				}
				wantFeedback(t, s, tc.limit, want)
			})
		}
	})
}

func mustAddFeedback(t *testing.T, s bot.Store, f bot.Feedback) {
	t.Helper()
	if err := s.AddFeedback(t.Context(), f); err != nil {
		t.Fatalf("AddFeedback(%+v): %v", f, err)
	}
}

func wantFeedback(t *testing.T, s bot.Store, limit int, want []bot.Feedback) {
	t.Helper()
	got, err := s.ListFeedback(t.Context(), limit)
	if err != nil {
		t.Fatalf("ListFeedback(%d): %v", limit, err)
	}
	if len(got) != len(want) {
		t.Fatalf("ListFeedback(%d) returned %d entries, want %d:\ngot  %+v\nwant %+v", limit, len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		// Compare At with Equal: the zone and monotonic reading may change
		// in storage, the instant must not.
		if g.AnswerID != w.AnswerID || g.EntryID != w.EntryID || g.Lang != w.Lang ||
			g.Helpful != w.Helpful || !g.At.Equal(w.At) {
			t.Fatalf("ListFeedback(%d)[%d] = %+v, want %+v", limit, i, g, w)
		}
	}
}

func testUpdates(t *testing.T, open func(t *testing.T) bot.Store) {
	t.Run("FirstThenDuplicate", func(t *testing.T) {
		s := open(t)
		wantMark(t, s, 100, true)
		wantMark(t, s, 100, false)
		wantMark(t, s, 100, false)
	})

	t.Run("IdsIndependent", func(t *testing.T) {
		s := open(t)
		ids := sampleIDs()
		for _, id := range ids {
			wantMark(t, s, id, true)
		}
		for _, id := range ids {
			wantMark(t, s, id, false)
		}
	})

	t.Run("ConcurrentSameID", func(t *testing.T) {
		// Two replicas receiving the same update must not both answer.
		// Several rounds, because a racy check-then-set may get lucky once.
		s := open(t)
		for round := range 10 {
			id := int64(1000 + round)
			firsts, errs := markConcurrently(t, s, func(int) int64 { return id })
			if len(errs) > 0 {
				t.Fatalf("round %d: MarkUpdate(%d) errors: %v", round, id, errs)
			}
			if firsts != 1 {
				t.Fatalf("round %d: %d of 20 concurrent MarkUpdate(%d) calls returned first=true, want exactly 1", round, firsts, id)
			}
		}
	})

	t.Run("ConcurrentDistinctIDs", func(t *testing.T) {
		s := open(t)
		firsts, errs := markConcurrently(t, s, func(g int) int64 { return int64(2000 + g) })
		if len(errs) > 0 {
			t.Fatalf("MarkUpdate errors: %v", errs)
		}
		if firsts != 20 {
			t.Fatalf("%d of 20 concurrent MarkUpdate calls on distinct ids returned first=true, want 20", firsts)
		}
	})
}

// markConcurrently calls MarkUpdate(id(g)) from 20 goroutines released at
// once, and counts the calls that returned first=true.
func markConcurrently(t *testing.T, s bot.Store, id func(g int) int64) (firsts int, errs []error) {
	const goroutines = 20
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
	)
	for g := range goroutines {
		wg.Go(func() {
			<-start
			first, err := s.MarkUpdate(t.Context(), id(g))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if first {
				firsts++
			}
		})
	}
	close(start)
	wg.Wait()
	return firsts, errs
}

func wantMark(t *testing.T, s bot.Store, id int64, want bool) {
	t.Helper()
	got, err := s.MarkUpdate(t.Context(), id)
	if err != nil {
		t.Fatalf("MarkUpdate(%d): %v", id, err)
	}
	if got != want {
		t.Fatalf("MarkUpdate(%d) = %v, want %v", id, got, want)
	}
}

func testChatState(t *testing.T, open func(t *testing.T) bot.Store) {
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	large := bytes.Repeat([]byte("interview step 3 \x00\xff"), 4096) // ~80 KiB

	t.Run("MissingIsNil", func(t *testing.T) {
		s := open(t)
		got, err := s.GetChatState(t.Context(), 42)
		if err != nil || got != nil {
			t.Fatalf("GetChatState of unknown chat = %q, %v; want nil, nil", got, err)
		}
	})

	t.Run("RoundTrip", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			state []byte
		}{
			{"json", []byte(`{"flow":"complaint","step":2}`)},
			{"chinese", []byte("公司拖欠工资三个月")},
			{"all-bytes", allBytes},
			{"nul", []byte{0}},
			{"invalid-utf8", []byte{0xff, 0xfe, 0xfd}},
			{"large", large},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t)
				mustSetState(t, s, 7, tc.state)
				wantState(t, s, 7, tc.state)
			})
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		// Longer then shorter: nothing of the old state may remain.
		s := open(t)
		mustSetState(t, s, 7, []byte("step 10 of the complaint interview"))
		mustSetState(t, s, 7, []byte("step 2"))
		wantState(t, s, 7, []byte("step 2"))
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		mustSetState(t, s, 7, []byte("x"))
		if err := s.DeleteChatState(t.Context(), 7); err != nil {
			t.Fatalf("DeleteChatState: %v", err)
		}
		wantState(t, s, 7, nil)
		if err := s.DeleteChatState(t.Context(), 7); err != nil {
			t.Fatalf("DeleteChatState of deleted state: %v", err)
		}
		if err := s.DeleteChatState(t.Context(), 8); err != nil {
			t.Fatalf("DeleteChatState of never stored state: %v", err)
		}
	})

	t.Run("EmptyDeletes", func(t *testing.T) {
		for _, empty := range [][]byte{nil, {}} {
			t.Run(fmt.Sprintf("%#v", empty), func(t *testing.T) {
				s := open(t)
				mustSetState(t, s, 7, []byte("x"))
				mustSetState(t, s, 7, empty)
				wantState(t, s, 7, nil)
			})
		}
	})

	t.Run("IsolatedPerChat", func(t *testing.T) {
		s := open(t)
		ids := sampleIDs()
		for i, id := range ids {
			mustSetState(t, s, id, []byte("state"+strconv.Itoa(i)))
		}
		for i, id := range ids {
			wantState(t, s, id, []byte("state"+strconv.Itoa(i)))
		}
		if err := s.DeleteChatState(t.Context(), ids[0]); err != nil {
			t.Fatalf("DeleteChatState: %v", err)
		}
		wantState(t, s, ids[0], nil)
		for i, id := range ids[1:] {
			wantState(t, s, id, []byte("state"+strconv.Itoa(i+1)))
		}
	})

	t.Run("CallerOwnsBytes", func(t *testing.T) {
		// A store that keeps or hands out its own buffer would let one
		// handler's edits leak into another's state.
		s := open(t)
		buf := []byte("step 1")
		mustSetState(t, s, 7, buf)
		copy(buf, "XXXX")
		wantState(t, s, 7, []byte("step 1"))

		got, err := s.GetChatState(t.Context(), 7)
		if err != nil {
			t.Fatalf("GetChatState: %v", err)
		}
		copy(got, "YYYY")
		wantState(t, s, 7, []byte("step 1"))
	})
}

func mustSetState(t *testing.T, s bot.Store, chatID int64, state []byte) {
	t.Helper()
	if err := s.SetChatState(t.Context(), chatID, state); err != nil {
		t.Fatalf("SetChatState(%d): %v", chatID, err)
	}
}

func wantState(t *testing.T, s bot.Store, chatID int64, want []byte) {
	t.Helper()
	got, err := s.GetChatState(t.Context(), chatID)
	if err != nil {
		t.Fatalf("GetChatState(%d): %v", chatID, err)
	}
	if want == nil && got != nil {
		t.Fatalf("GetChatState(%d) = %q, want nil", chatID, got)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("GetChatState(%d) = %s, want %s", chatID, abbrev(got), abbrev(want))
	}
}

// abbrev keeps failure messages readable for large states.
func abbrev(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%q... (%d bytes)", b[:64], len(b))
	}
	return fmt.Sprintf("%q", b)
}

func testKindsIndependent(t *testing.T, open func(t *testing.T) bot.Store) {
	// In a private chat the chat id is the user id, and update ids are small
	// integers too: one kind's key must not collide with another's.
	s := open(t)
	const id = 42
	mustSetPrefs(t, s, id, bot.Prefs{Lang: "zh"})
	mustSetState(t, s, id, []byte("state"))
	wantMark(t, s, id, true)

	if err := s.DeleteChatState(t.Context(), id); err != nil {
		t.Fatalf("DeleteChatState: %v", err)
	}
	wantPrefs(t, s, id, bot.Prefs{Lang: "zh"})
	wantMark(t, s, id, false)

	mustSetState(t, s, id, []byte("state"))
	if err := s.DeletePrefs(t.Context(), id); err != nil {
		t.Fatalf("DeletePrefs: %v", err)
	}
	wantState(t, s, id, []byte("state"))
}

func testCanceled(t *testing.T, open func(t *testing.T) bot.Store) {
	// A handler whose request was abandoned must get an error, not a
	// silent success it might act on.
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	calls := []struct {
		name string
		call func() error
	}{
		{"GetPrefs", func() error { _, err := s.GetPrefs(ctx, 1); return err }},
		{"SetPrefs", func() error { return s.SetPrefs(ctx, 1, bot.Prefs{Lang: "zh"}) }},
		{"DeletePrefs", func() error { return s.DeletePrefs(ctx, 1) }},
		{"AddFeedback", func() error { return s.AddFeedback(ctx, bot.Feedback{AnswerID: "a"}) }},
		{"ListFeedback", func() error { _, err := s.ListFeedback(ctx, 10); return err }},
		{"MarkUpdate", func() error { _, err := s.MarkUpdate(ctx, 1); return err }},
		{"GetChatState", func() error { _, err := s.GetChatState(ctx, 1); return err }},
		{"SetChatState", func() error { return s.SetChatState(ctx, 1, []byte("x")) }},
		{"DeleteChatState", func() error { return s.DeleteChatState(ctx, 1) }},
		{"Ping", func() error { return s.Ping(ctx) }},
	}
	for _, c := range calls {
		if err := c.call(); err == nil {
			t.Errorf("%s with a canceled context returned no error", c.name)
		}
	}

	// Nothing the canceled calls tried may have happened.
	wantPrefs(t, s, 1, bot.Prefs{})
	wantState(t, s, 1, nil)
	wantMark(t, s, 1, true)
	wantFeedback(t, s, 10, nil)
}
