package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// TestIntakeStore runs the conformance suite for intake.Store against the
// Store that open returns: a new, empty Store per call (subtests call it
// with their own t; open should close the Store in t.Cleanup).
func TestIntakeStore(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("Tickets", func(t *testing.T) { testIntakeTickets(t, open) })
	t.Run("Submissions", func(t *testing.T) { testIntakeSubmissions(t, open) })
	t.Run("Updates", func(t *testing.T) { testIntakeUpdates(t, open) })
	t.Run("Employers", func(t *testing.T) { testIntakeEmployers(t, open) })
	t.Run("Consent", func(t *testing.T) { testIntakeConsent(t, open) })
	t.Run("Mediators", func(t *testing.T) { testIntakeMediators(t, open) })
	t.Run("Queue", func(t *testing.T) { testIntakeQueue(t, open) })
	t.Run("PurgeErased", func(t *testing.T) {
		if err := open(t).PurgeErased(t.Context()); err != nil {
			t.Fatalf("PurgeErased on an empty store: %v", err)
		}
	})
	t.Run("Evidence", func(t *testing.T) { testIntakeEvidence(t, open) })
	t.Run("Audit", func(t *testing.T) { testIntakeAudit(t, open) })
	t.Run("Indexes", func(t *testing.T) { testIntakeIndexes(t, open) })
	t.Run("CanceledContext", func(t *testing.T) { testIntakeCanceled(t, open) })
}

func testIntakeEvidence(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx := t.Context()
	// Binary, with bytes that are not UTF-8 and a NUL, like a JPEG.
	photo := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x80}, bytes.Repeat([]byte("photo"), 1000)...)
	blobs := []struct {
		ticket int64
		fileID string
		data   []byte
	}{
		{1, "AgACAgUAAxkBAAIB", photo},
		{1, "BQACAgUAAxkBAAIC", []byte("scan")},
		{2, "AgACAgUAAxkBAAIB", []byte("same file id, other ticket")},
		{12, "x", []byte("ticket 12 must survive deleting ticket 1")},
		{1, "empty", []byte{}},
	}
	for _, b := range blobs {
		if err := s.PutEvidence(ctx, b.ticket, b.fileID, b.data); err != nil {
			t.Fatalf("PutEvidence(%d, %q): %v", b.ticket, b.fileID, err)
		}
	}
	for _, b := range blobs {
		got, err := s.GetEvidence(ctx, b.ticket, b.fileID)
		if err != nil || !bytes.Equal(got, b.data) {
			t.Fatalf("GetEvidence(%d, %q) = %d bytes, %v; want the %d bytes put", b.ticket, b.fileID, len(got), err, len(b.data))
		}
	}
	// The result is the caller's: changing it changes nothing stored.
	got, _ := s.GetEvidence(ctx, 1, "BQACAgUAAxkBAAIC")
	got[0] = 'X'
	if again, _ := s.GetEvidence(ctx, 1, "BQACAgUAAxkBAAIC"); string(again) != "scan" {
		t.Fatalf("changing a returned blob changed the stored one: %q", again)
	}
	// Putting again replaces.
	if err := s.PutEvidence(ctx, 2, "AgACAgUAAxkBAAIB", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetEvidence(ctx, 2, "AgACAgUAAxkBAAIB"); err != nil || string(got) != "v2" {
		t.Fatalf("after a second PutEvidence: %q, %v; want v2", got, err)
	}
	for _, missing := range []struct {
		ticket int64
		fileID string
	}{{1, "nope"}, {3, "AgACAgUAAxkBAAIB"}, {0, "x"}} {
		if _, err := s.GetEvidence(ctx, missing.ticket, missing.fileID); !errors.Is(err, intake.ErrNotFound) {
			t.Errorf("GetEvidence(%d, %q) of a missing file: %v; want ErrNotFound", missing.ticket, missing.fileID, err)
		}
	}
	if _, err := open(t).GetEvidence(ctx, 1, "x"); !errors.Is(err, intake.ErrNotFound) {
		t.Errorf("GetEvidence on an empty store: %v; want ErrNotFound", err)
	}
	if err := s.PutEvidence(ctx, 1, "big", make([]byte, intake.MaxStoredEvidenceSize+1)); err == nil {
		t.Error("PutEvidence took a blob over MaxStoredEvidenceSize")
	}

	if err := s.DeleteEvidence(ctx, 1); err != nil {
		t.Fatalf("DeleteEvidence(1): %v", err)
	}
	for _, b := range blobs {
		_, err := s.GetEvidence(ctx, b.ticket, b.fileID)
		if b.ticket == 1 && !errors.Is(err, intake.ErrNotFound) {
			t.Errorf("after DeleteEvidence(1), GetEvidence(1, %q): %v; want ErrNotFound", b.fileID, err)
		}
		if b.ticket != 1 && err != nil {
			t.Errorf("DeleteEvidence(1) deleted ticket %d's %q: %v", b.ticket, b.fileID, err)
		}
	}
	for _, n := range []int64{1, 99} {
		if err := s.DeleteEvidence(ctx, n); err != nil {
			t.Errorf("DeleteEvidence(%d) with nothing to delete: %v", n, err)
		}
	}
	if err := open(t).DeleteEvidence(ctx, 1); err != nil {
		t.Errorf("DeleteEvidence on an empty store: %v", err)
	}
}

// intakeAt is a time minutes after a fixed one, in a zone other than UTC
// and with nanoseconds: a store may change the zone, not the instant.
func intakeAt(minutes int) time.Time {
	return time.Date(2026, 5, 1, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600)).Add(time.Duration(minutes) * time.Minute)
}

// sampleTicket has every field set, with text a store might mangle.
func sampleTicket(employer string) intake.Ticket {
	return intake.Ticket{
		WorkerID: 1001, ChatID: 1001, Lang: "zh",
		Types:    []intake.DisputeType{intake.TypeUnpaidWages, intake.TypeOvertime},
		Employer: employer, EmployerKey: intake.NormalizeEmployer(employer),
		Province: "广东", City: "深圳市", District: "宝安区",
		StartDate: calc.Date(2023, 3, 1), EndDate: calc.Date(2024, 9, 15),
		MonthlyWage: calc.Yuan(8000), Claimed: 2400050, Coworkers: 12,
		Description: "老板拖欠三个月工资 \"引号\" \n换行 {braces} \\ 反斜杠",
		Evidence:    []intake.Evidence{{FileID: "AgAD-file-1", UniqueID: "u1", Kind: "photo", AddedAt: intakeAt(1)}},
		Demands:     "补发工资", Name: "张三", Phone: "13812345678", ContactTime: "晚上",
		State: intake.StateNew, CreatedAt: intakeAt(0), UpdatedAt: intakeAt(0), ConsentAt: intakeAt(-5),
	}
}

func submitEvent() intake.Event {
	return intake.Event{Actor: 1001, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: intakeAt(0)}
}

func submitNotification() intake.Notification {
	return intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: intakeAt(0)}
}

func mustCreate(t *testing.T, s intake.Store, key string, tk intake.Ticket) (int64, bool) {
	t.Helper()
	n, created, err := s.CreateTicket(t.Context(), key, time.Hour, tk, submitEvent(), submitNotification())
	if err != nil {
		t.Fatalf("CreateTicket(%q): %v", key, err)
	}
	return n, created
}

func mustGet(t *testing.T, s intake.Store, n int64) intake.Ticket {
	t.Helper()
	tk, err := s.GetTicket(t.Context(), n)
	if err != nil {
		t.Fatalf("GetTicket(%d): %v", n, err)
	}
	return tk
}

// sameTicket compares tickets field by field, times by instant.
func sameTicket(a, b intake.Ticket) error {
	times := [][2]time.Time{{a.StartDate, b.StartDate}, {a.EndDate, b.EndDate}, {a.CreatedAt, b.CreatedAt},
		{a.UpdatedAt, b.UpdatedAt}, {a.ClaimedAt, b.ClaimedAt}, {a.ConcludedAt, b.ConcludedAt},
		{a.ClosedAt, b.ClosedAt}, {a.ConsentAt, b.ConsentAt}, {a.ErasedAt, b.ErasedAt}}
	for i, p := range times {
		if !p[0].Equal(p[1]) {
			return fmt.Errorf("time field %d: %v != %v", i, p[0], p[1])
		}
	}
	if len(a.Evidence) != len(b.Evidence) {
		return fmt.Errorf("evidence %v != %v", a.Evidence, b.Evidence)
	}
	for i := range a.Evidence {
		x, y := a.Evidence[i], b.Evidence[i]
		if x.FileID != y.FileID || x.UniqueID != y.UniqueID || x.Kind != y.Kind || !x.AddedAt.Equal(y.AddedAt) {
			return fmt.Errorf("evidence %d: %+v != %+v", i, x, y)
		}
	}
	strip := func(t intake.Ticket) intake.Ticket {
		t.StartDate, t.EndDate, t.CreatedAt, t.UpdatedAt, t.ClaimedAt, t.ConcludedAt, t.ClosedAt, t.ConsentAt, t.ErasedAt =
			time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
		t.Evidence, t.Linked = nil, nil
		return t
	}
	x, y := strip(a), strip(b)
	if fmt.Sprintf("%#v", x) != fmt.Sprintf("%#v", y) {
		return fmt.Errorf("\n got %#v\nwant %#v", x, y)
	}
	return nil
}

func testIntakeTickets(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("CreateThenGet", func(t *testing.T) {
		s := open(t)
		in := sampleTicket("深圳市星光电子有限公司")
		in.Number, in.Version = 99, 42 // ignored
		n, created := mustCreate(t, s, "k1", in)
		if n != 1 || !created {
			t.Fatalf("first CreateTicket = %d, %v; want 1, true", n, created)
		}
		want := in
		want.Number, want.Version = 1, 1
		if err := sameTicket(mustGet(t, s, 1), want); err != nil {
			t.Fatalf("GetTicket(1): %v", err)
		}
		evs, err := s.ListEvents(t.Context(), 1)
		if err != nil || len(evs) != 1 || evs[0].Ticket != 1 || evs[0].Action != intake.ActionSubmit || !evs[0].At.Equal(intakeAt(0)) {
			t.Fatalf("ListEvents(1) = %+v, %v; want the submit event of ticket 1", evs, err)
		}
		got := readAll(t, s, "c1")
		if len(got) != 1 || got[0].Notification.Ticket != 1 || got[0].Notification.Action != intake.ActionSubmit || !got[0].Notification.At.Equal(intakeAt(0)) {
			t.Fatalf("queue after CreateTicket = %+v; want the submit notification of ticket 1", got)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		s := open(t)
		for _, n := range []int64{0, 1, -1, 1 << 40} {
			if _, err := s.GetTicket(t.Context(), n); !errors.Is(err, intake.ErrNotFound) {
				t.Errorf("GetTicket(%d) on an empty store: %v; want ErrNotFound", n, err)
			}
		}
		if all, err := s.ListTickets(t.Context()); err != nil || len(all) != 0 {
			t.Errorf("ListTickets on an empty store = %v, %v", all, err)
		}
		if evs, err := s.ListEvents(t.Context(), 1); err != nil || len(evs) != 0 {
			t.Errorf("ListEvents of an unknown ticket = %v, %v", evs, err)
		}
	})

	t.Run("NumbersCountUpAndListInOrder", func(t *testing.T) {
		s := open(t)
		for i := 1; i <= 12; i++ {
			n, _ := mustCreate(t, s, "k"+strconv.Itoa(i), sampleTicket("厂"+strconv.Itoa(i)))
			if n != int64(i) {
				t.Fatalf("ticket %d got number %d", i, n)
			}
		}
		all, err := s.ListTickets(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var nums []int64
		for _, tk := range all {
			nums = append(nums, tk.Number)
		}
		// 12 tickets: "10" sorts before "2" as text.
		if fmt.Sprint(nums) != "[1 2 3 4 5 6 7 8 9 10 11 12]" {
			t.Fatalf("ListTickets numbers = %v", nums)
		}
		if all[9].Employer != "厂10" {
			t.Fatalf("ticket 10 is %+v", all[9])
		}
	})

	t.Run("ConcurrentCreatesGetDistinctNumbers", func(t *testing.T) {
		s := open(t)
		const k = 20
		nums := make([]int64, k)
		var wg sync.WaitGroup
		for i := range k {
			wg.Go(func() {
				n, _, err := s.CreateTicket(t.Context(), "c"+strconv.Itoa(i), time.Hour, sampleTicket("x"), submitEvent(), submitNotification())
				if err != nil {
					t.Errorf("CreateTicket: %v", err)
				}
				nums[i] = n
			})
		}
		wg.Wait()
		slices.Sort(nums)
		for i, n := range nums {
			if n != int64(i+1) {
				t.Fatalf("numbers of %d concurrent creates = %v; want 1..%d", k, nums, k)
			}
		}
	})
}

func testIntakeSubmissions(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("SameKeyOneTicket", func(t *testing.T) {
		s := open(t)
		n1, c1 := mustCreate(t, s, "update-7", sampleTicket("A"))
		n2, c2 := mustCreate(t, s, "update-7", sampleTicket("B"))
		if n1 != 1 || !c1 || n2 != 1 || c2 {
			t.Fatalf("two creates with one key = (%d,%v), (%d,%v); want (1,true), (1,false)", n1, c1, n2, c2)
		}
		if all, _ := s.ListTickets(t.Context()); len(all) != 1 || all[0].Employer != "A" {
			t.Fatalf("tickets after a duplicate = %+v; want only the first", all)
		}
		if evs, _ := s.ListEvents(t.Context(), 1); len(evs) != 1 {
			t.Fatalf("%d events after a duplicate, want 1", len(evs))
		}
		if q := readAll(t, s, "c"); len(q) != 1 {
			t.Fatalf("%d notifications after a duplicate, want 1", len(q))
		}
		if n, c := mustCreate(t, s, "update-8", sampleTicket("C")); n != 2 || !c {
			t.Fatalf("create with a new key = %d, %v; want 2, true", n, c)
		}
	})

	t.Run("ConcurrentSameKey", func(t *testing.T) {
		// A Telegram retry and a second replica may submit at once.
		s := open(t)
		for round := range 5 {
			key := "k" + strconv.Itoa(round)
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				created int
				nums    = map[int64]bool{}
			)
			for range 10 {
				wg.Go(func() {
					n, c, err := s.CreateTicket(t.Context(), key, time.Hour, sampleTicket("x"), submitEvent(), submitNotification())
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("CreateTicket: %v", err)
					}
					if c {
						created++
					}
					nums[n] = true
				})
			}
			wg.Wait()
			if created != 1 || len(nums) != 1 {
				t.Fatalf("round %d: %d of 10 concurrent creates with one key created a ticket, numbers %v; want 1 and one number", round, created, nums)
			}
		}
		if all, _ := s.ListTickets(t.Context()); len(all) != 5 {
			t.Fatalf("%d tickets after 5 rounds, want 5", len(all))
		}
	})

	t.Run("KeyExpires", func(t *testing.T) {
		s := open(t)
		if _, _, err := s.CreateTicket(t.Context(), "k", 50*time.Millisecond, sampleTicket("x"), submitEvent(), submitNotification()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		n, c, err := s.CreateTicket(t.Context(), "k", time.Hour, sampleTicket("x"), submitEvent(), submitNotification())
		if err != nil || n != 2 || !c {
			t.Fatalf("create with an expired key = %d, %v, %v; want 2, true", n, c, err)
		}
	})
}

func testIntakeUpdates(t *testing.T, open func(t *testing.T) intake.Store) {
	claim := func(tk intake.Ticket) intake.TicketUpdate {
		tk.State, tk.Mediator, tk.ClaimedAt, tk.UpdatedAt = intake.StateClaimed, 500, intakeAt(10), intakeAt(10)
		ev := intake.Event{Ticket: tk.Number, Actor: 500, Role: intake.RoleMediator, Action: intake.ActionClaim, From: intake.StateNew, To: intake.StateClaimed, At: intakeAt(10)}
		return intake.TicketUpdate{Ticket: tk, Events: []intake.Event{ev},
			Notify: []intake.Notification{{Ticket: tk.Number, Action: intake.ActionClaim, From: intake.StateNew, To: intake.StateClaimed, Actor: 500, Role: intake.RoleMediator, At: intakeAt(10)}}}
	}

	t.Run("ReplacesAndBumpsVersion", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, "k", sampleTicket("A"))
		readAll(t, s, "c") // the submit notification
		u := claim(mustGet(t, s, 1))
		if err := s.UpdateTicket(t.Context(), u); err != nil {
			t.Fatalf("UpdateTicket: %v", err)
		}
		want := u.Ticket
		want.Version = 2
		if err := sameTicket(mustGet(t, s, 1), want); err != nil {
			t.Fatalf("after UpdateTicket: %v", err)
		}
		evs, err := s.ListEvents(t.Context(), 1)
		if err != nil || len(evs) != 2 || evs[0].Action != intake.ActionSubmit || evs[1].Action != intake.ActionClaim || evs[1].Actor != 500 {
			t.Fatalf("events = %+v, %v; want submit then claim", evs, err)
		}
		q := readAll(t, s, "c")
		if len(q) != 1 || q[0].Notification.Action != intake.ActionClaim || q[0].Notification.Ticket != 1 || q[0].Notification.Actor != 500 {
			t.Fatalf("queue after update = %+v; want the claim notification", q)
		}
	})

	t.Run("StaleVersionConflicts", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, "k", sampleTicket("A"))
		old := mustGet(t, s, 1)
		if err := s.UpdateTicket(t.Context(), claim(old)); err != nil {
			t.Fatal(err)
		}
		stale := claim(old)
		stale.Ticket.Mediator = 600
		if err := s.UpdateTicket(t.Context(), stale); !errors.Is(err, intake.ErrConflict) {
			t.Fatalf("update from a stale version: %v; want ErrConflict", err)
		}
		if got := mustGet(t, s, 1); got.Mediator != 500 || got.Version != 2 {
			t.Fatalf("a refused update changed the ticket: %+v", got)
		}
		if evs, _ := s.ListEvents(t.Context(), 1); len(evs) != 2 {
			t.Fatalf("a refused update appended events: %d events, want 2", len(evs))
		}
	})

	t.Run("MissingTicket", func(t *testing.T) {
		s := open(t)
		tk := sampleTicket("A")
		tk.Number, tk.Version = 3, 1
		if err := s.UpdateTicket(t.Context(), intake.TicketUpdate{Ticket: tk}); !errors.Is(err, intake.ErrNotFound) {
			t.Fatalf("update of a missing ticket: %v; want ErrNotFound", err)
		}
		if _, err := s.GetTicket(t.Context(), 3); !errors.Is(err, intake.ErrNotFound) {
			t.Fatalf("a refused update created the ticket: %v", err)
		}
	})

	t.Run("ConcurrentUpdatesOneWins", func(t *testing.T) {
		// Two mediators pressing Claim at once read the same version.
		s := open(t)
		mustCreate(t, s, "k", sampleTicket("A"))
		old := mustGet(t, s, 1)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			ok, lost int
		)
		for i := range 10 {
			wg.Go(func() {
				u := claim(old)
				u.Ticket.Mediator = int64(700 + i)
				err := s.UpdateTicket(t.Context(), u)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, intake.ErrConflict):
					lost++
				default:
					t.Errorf("UpdateTicket: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || lost != 9 {
			t.Fatalf("%d of 10 concurrent updates from one version succeeded (%d conflicts); want 1 (9)", ok, lost)
		}
		if evs, _ := s.ListEvents(t.Context(), 1); len(evs) != 2 {
			t.Fatalf("%d events, want 2", len(evs))
		}
	})

	t.Run("ReplaceEvents", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, "k", sampleTicket("A"))
		mustCreate(t, s, "k2", sampleTicket("B"))
		u := claim(mustGet(t, s, 1))
		u.Events[0].Note = "worker said 13812345678"
		if err := s.UpdateTicket(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		erased := intake.Event{Ticket: 1, Role: intake.RoleWorker, Action: intake.ActionErase, At: intakeAt(20)}
		if err := s.UpdateTicket(t.Context(), intake.TicketUpdate{Ticket: mustGet(t, s, 1), Events: []intake.Event{erased}, ReplaceEvents: true}); err != nil {
			t.Fatal(err)
		}
		evs, err := s.ListEvents(t.Context(), 1)
		if err != nil || len(evs) != 1 || evs[0].Action != intake.ActionErase || evs[0].Note != "" {
			t.Fatalf("events after replacing = %+v, %v; want only the erase event", evs, err)
		}
		if evs, _ := s.ListEvents(t.Context(), 2); len(evs) != 1 || evs[0].Ticket != 2 {
			t.Fatalf("replacing ticket 1's events touched ticket 2's: %+v", evs)
		}
	})
}

func testIntakeEmployers(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx := t.Context()
	keys := []string{"星光电子", "星光电子", "星光", "", "星光电子厂"}
	for i, k := range keys {
		tk := sampleTicket(k)
		tk.EmployerKey = k
		mustCreate(t, s, "k"+strconv.Itoa(i), tk)
	}
	want := func(key string, nums ...int64) {
		t.Helper()
		got, err := s.TicketsByEmployer(ctx, key)
		if err != nil {
			t.Fatalf("TicketsByEmployer(%q): %v", key, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(nums) && !(len(got) == 0 && len(nums) == 0) {
			t.Fatalf("TicketsByEmployer(%q) = %v, want %v", key, got, nums)
		}
	}
	want("星光电子", 1, 2)
	want("星光", 3)
	want("星光电子厂", 5)
	want("")
	want("无此单位")

	// Moving ticket 2 to another employer moves it in the index, and
	// erasing the key takes it out.
	tk := mustGet(t, s, 2)
	tk.EmployerKey = "星光"
	if err := s.UpdateTicket(ctx, intake.TicketUpdate{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	want("星光电子", 1)
	want("星光", 2, 3)
	tk = mustGet(t, s, 3)
	tk.EmployerKey = ""
	if err := s.UpdateTicket(ctx, intake.TicketUpdate{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	want("星光", 2)
}

func testIntakeConsent(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx := t.Context()
	wantConsent := func(user int64, at time.Time, ok bool) {
		t.Helper()
		got, gotOK, err := s.GetConsent(ctx, user)
		if err != nil || gotOK != ok || (ok && !got.Equal(at)) {
			t.Fatalf("GetConsent(%d) = %v, %v, %v; want %v, %v", user, got, gotOK, err, at, ok)
		}
	}
	wantConsent(1, time.Time{}, false)
	for _, id := range []int64{1, 2, -5} {
		if err := s.RecordConsent(ctx, id, intakeAt(int(id))); err != nil {
			t.Fatal(err)
		}
	}
	wantConsent(1, intakeAt(1), true)
	wantConsent(-5, intakeAt(-5), true)
	if err := s.RecordConsent(ctx, 1, intakeAt(100)); err != nil {
		t.Fatal(err)
	}
	wantConsent(1, intakeAt(100), true)
	if err := s.DeleteConsent(ctx, 1); err != nil {
		t.Fatal(err)
	}
	wantConsent(1, time.Time{}, false)
	wantConsent(2, intakeAt(2), true)
	if err := s.DeleteConsent(ctx, 1); err != nil {
		t.Fatalf("deleting a deleted consent: %v", err)
	}
}

func testIntakeMediators(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx := t.Context()
	list := func() string {
		t.Helper()
		ids, err := s.ListMediators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids)
	}
	if l := list(); l != "[]" {
		t.Fatalf("mediators of an empty store = %s", l)
	}
	for _, id := range []int64{30, 5, 1 << 40, 5} {
		if err := s.AddMediator(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if l := list(); l != "[5 30 1099511627776]" {
		t.Fatalf("ListMediators = %s", l)
	}
	for id, want := range map[int64]bool{5: true, 30: true, 1 << 40: true, 6: false, 0: false} {
		if got, err := s.IsMediator(ctx, id); err != nil || got != want {
			t.Fatalf("IsMediator(%d) = %v, %v; want %v", id, got, err, want)
		}
	}
	if err := s.RemoveMediator(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMediator(ctx, 77); err != nil {
		t.Fatalf("removing a non-mediator: %v", err)
	}
	if ok, _ := s.IsMediator(ctx, 5); ok {
		t.Fatal("a removed mediator is still one")
	}
	if l := list(); l != "[30 1099511627776]" {
		t.Fatalf("ListMediators after removal = %s", l)
	}
}

// readAll reads (without blocking) and acknowledges everything new.
func readAll(t *testing.T, s intake.Store, consumer string) []intake.QueueEntry {
	t.Helper()
	var out []intake.QueueEntry
	for round := 0; ; round++ {
		if round == 100 {
			t.Fatalf("ReadQueue keeps returning entries: %v", tickets(out))
		}
		es, err := s.ReadQueue(t.Context(), consumer, 100, 0)
		if err != nil {
			t.Fatalf("ReadQueue: %v", err)
		}
		if len(es) == 0 {
			return out
		}
		for _, e := range es {
			if err := s.AckQueue(t.Context(), e.ID); err != nil {
				t.Fatalf("AckQueue: %v", err)
			}
		}
		out = append(out, es...)
	}
}

func note(i int) intake.Notification {
	return intake.Notification{Ticket: int64(i), Action: intake.ActionClaim, From: intake.StateNew, To: intake.StateClaimed, Actor: 9, Role: intake.RoleMediator, At: intakeAt(i)}
}

func mustEnqueue(t *testing.T, s intake.Store, n intake.Notification) string {
	t.Helper()
	id, err := s.Enqueue(t.Context(), n)
	if err != nil || id == "" {
		t.Fatalf("Enqueue = %q, %v", id, err)
	}
	return id
}

func tickets(es []intake.QueueEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Notification.Ticket)
	}
	return out
}

func testIntakeQueue(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("InOrderOnce", func(t *testing.T) {
		s := open(t)
		ids := map[string]bool{}
		for i := 1; i <= 5; i++ {
			ids[mustEnqueue(t, s, note(i))] = true
		}
		if len(ids) != 5 {
			t.Fatalf("5 Enqueues gave %d distinct ids", len(ids))
		}
		first, err := s.ReadQueue(t.Context(), "a", 3, 0)
		if err != nil || fmt.Sprint(tickets(first)) != "[1 2 3]" {
			t.Fatalf("ReadQueue(count 3) = %v, %v; want tickets [1 2 3]", tickets(first), err)
		}
		n := first[0].Notification
		if w := note(1); n.Ticket != w.Ticket || n.Action != w.Action || n.From != w.From || n.To != w.To ||
			n.Actor != w.Actor || n.Role != w.Role || !n.At.Equal(w.At) {
			t.Fatalf("notification round trip: %+v, want %+v", n, note(1))
		}
		for _, e := range first {
			if !ids[e.ID] {
				t.Fatalf("ReadQueue returned id %q, not one Enqueue gave", e.ID)
			}
		}
		rest, err := s.ReadQueue(t.Context(), "a", 10, 0)
		if err != nil || fmt.Sprint(tickets(rest)) != "[4 5]" {
			t.Fatalf("second ReadQueue = %v, %v; want [4 5]", tickets(rest), err)
		}
		// Delivered entries are pending, not new: nobody reads them again.
		for _, c := range []string{"a", "b"} {
			if again, err := s.ReadQueue(t.Context(), c, 10, 0); err != nil || len(again) != 0 {
				t.Fatalf("ReadQueue by %s after all were delivered = %v, %v; want none", c, tickets(again), err)
			}
		}
	})

	t.Run("EmptyDoesNotBlockWithoutBlock", func(t *testing.T) {
		s := open(t)
		start := time.Now()
		es, err := s.ReadQueue(t.Context(), "a", 10, 0)
		if err != nil || len(es) != 0 {
			t.Fatalf("ReadQueue on an empty queue = %v, %v", es, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("ReadQueue with no block took %v", d)
		}
	})

	t.Run("BlockWaitsForEntries", func(t *testing.T) {
		s := open(t)
		start := time.Now()
		es, err := s.ReadQueue(t.Context(), "a", 10, 150*time.Millisecond)
		if err != nil || len(es) != 0 {
			t.Fatalf("blocking ReadQueue on an empty queue = %v, %v", es, err)
		}
		if d := time.Since(start); d < 100*time.Millisecond || d > 3*time.Second {
			t.Fatalf("ReadQueue blocking 150ms returned after %v", d)
		}
		go func() {
			time.Sleep(100 * time.Millisecond)
			s.Enqueue(context.Background(), note(7))
		}()
		start = time.Now()
		es, err = s.ReadQueue(t.Context(), "a", 10, 5*time.Second)
		if err != nil || fmt.Sprint(tickets(es)) != "[7]" {
			t.Fatalf("blocking ReadQueue = %v, %v; want the entry enqueued meanwhile", tickets(es), err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("the blocked ReadQueue took %v to see a new entry", d)
		}
	})

	t.Run("TwoConsumersNeverShareAnEntry", func(t *testing.T) {
		// Two replicas must never post the same ticket twice.
		s := open(t)
		const total = 60
		for i := 1; i <= total; i++ {
			mustEnqueue(t, s, note(i))
		}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			seen = map[int64]string{}
		)
		for _, c := range []string{"replica-a", "replica-b", "replica-c"} {
			wg.Go(func() {
				// Bounded, so a store that delivers entries again fails
				// the test instead of hanging it.
				for range total {
					es, err := s.ReadQueue(t.Context(), c, 3, 0)
					if err != nil {
						t.Errorf("ReadQueue(%s): %v", c, err)
						return
					}
					if len(es) == 0 {
						return
					}
					mu.Lock()
					for _, e := range es {
						if other, dup := seen[e.Notification.Ticket]; dup {
							t.Errorf("entry for ticket %d delivered to both %s and %s", e.Notification.Ticket, other, c)
							mu.Unlock()
							return
						}
						seen[e.Notification.Ticket] = c
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != total {
			t.Fatalf("%d of %d entries were delivered", len(seen), total)
		}
	})

	t.Run("UnackedIsReclaimedAfterMinIdle", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		id := mustEnqueue(t, s, note(1))
		if es, err := s.ReadQueue(ctx, "dead", 10, 0); err != nil || len(es) != 1 {
			t.Fatalf("ReadQueue = %v, %v", es, err)
		}
		// "dead" never acknowledges. Not idle long enough yet:
		if es, err := s.ClaimStale(ctx, "live", time.Hour, 10); err != nil || len(es) != 0 {
			t.Fatalf("ClaimStale(minIdle 1h) right after delivery = %v, %v; want none", es, err)
		}
		time.Sleep(150 * time.Millisecond)
		es, err := s.ClaimStale(ctx, "live", 100*time.Millisecond, 10)
		if err != nil || len(es) != 1 || es[0].ID != id || es[0].Notification.Ticket != 1 {
			t.Fatalf("ClaimStale after minIdle = %+v, %v; want the entry %s", es, err, id)
		}
		// Claiming resets the idle time: a third consumer gets nothing now.
		if es, err := s.ClaimStale(ctx, "third", 100*time.Millisecond, 10); err != nil || len(es) != 0 {
			t.Fatalf("ClaimStale right after a claim = %v, %v; want none", es, err)
		}
		if err := s.AckQueue(ctx, id); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		if es, err := s.ClaimStale(ctx, "third", 100*time.Millisecond, 10); err != nil || len(es) != 0 {
			t.Fatalf("ClaimStale after the ack = %v, %v; want none", es, err)
		}
		if es, err := s.ReadQueue(ctx, "third", 10, 0); err != nil || len(es) != 0 {
			t.Fatalf("ReadQueue after the ack = %v, %v; want none", es, err)
		}
	})

	t.Run("PendingForTakesBackOwnEntries", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		a := mustEnqueue(t, s, note(1))
		b := mustEnqueue(t, s, note(2))
		mustEnqueue(t, s, note(3))
		if es, err := s.ReadQueue(ctx, "host-a", 2, 0); err != nil || len(es) != 2 {
			t.Fatalf("ReadQueue(host-a) = %v, %v", es, err)
		}
		if es, err := s.ReadQueue(ctx, "host-b", 1, 0); err != nil || len(es) != 1 {
			t.Fatalf("ReadQueue(host-b) = %v, %v", es, err)
		}
		// host-a comes back after a crash: its two entries at once, in
		// order, without waiting for any idle time; none of host-b's.
		es, err := s.PendingFor(ctx, "host-a", 10)
		if err != nil || fmt.Sprint(tickets(es)) != "[1 2]" || es[0].ID != a || es[1].ID != b {
			t.Fatalf("PendingFor(host-a) = %+v, %v; want tickets 1 and 2", es, err)
		}
		if es, err := s.PendingFor(ctx, "host-a", 1); err != nil || fmt.Sprint(tickets(es)) != "[1]" {
			t.Fatalf("PendingFor(host-a, count 1) = %v, %v; want [1]", tickets(es), err)
		}
		if err := s.AckQueue(ctx, a); err != nil {
			t.Fatal(err)
		}
		if es, err := s.PendingFor(ctx, "host-a", 10); err != nil || fmt.Sprint(tickets(es)) != "[2]" {
			t.Fatalf("PendingFor after an ack = %v, %v; want [2]", tickets(es), err)
		}
		if es, err := s.PendingFor(ctx, "nobody", 10); err != nil || len(es) != 0 {
			t.Fatalf("PendingFor(nobody) = %v, %v; want none", es, err)
		}
		// Still host-b's: not taken over by anyone's PendingFor.
		if es, err := s.PendingFor(ctx, "host-b", 10); err != nil || fmt.Sprint(tickets(es)) != "[3]" {
			t.Fatalf("PendingFor(host-b) = %v, %v; want [3]", tickets(es), err)
		}
	})

	t.Run("PendingForOnEmptyQueue", func(t *testing.T) {
		s := open(t)
		if es, err := s.PendingFor(t.Context(), "host-a", 10); err != nil || len(es) != 0 {
			t.Fatalf("PendingFor on a queue never used = %v, %v; want none, no error", es, err)
		}
	})

	t.Run("ClaimStaleCount", func(t *testing.T) {
		s := open(t)
		for i := 1; i <= 5; i++ {
			mustEnqueue(t, s, note(i))
		}
		if es, _ := s.ReadQueue(t.Context(), "dead", 10, 0); len(es) != 5 {
			t.Fatalf("read %d, want 5", len(es))
		}
		time.Sleep(60 * time.Millisecond)
		a, err := s.ClaimStale(t.Context(), "live", 50*time.Millisecond, 2)
		if err != nil || fmt.Sprint(tickets(a)) != "[1 2]" {
			t.Fatalf("ClaimStale(count 2) = %v, %v; want [1 2]", tickets(a), err)
		}
		b, err := s.ClaimStale(t.Context(), "live", 50*time.Millisecond, 10)
		if err != nil || fmt.Sprint(tickets(b)) != "[3 4 5]" {
			t.Fatalf("second ClaimStale = %v, %v; want [3 4 5]", tickets(b), err)
		}
	})

	t.Run("AckUnknownIsNoError", func(t *testing.T) {
		s := open(t)
		id := mustEnqueue(t, s, note(1))
		if err := s.AckQueue(t.Context(), id); err != nil {
			t.Fatalf("ack of a never delivered entry: %v", err)
		}
		if err := s.AckQueue(t.Context(), id); err != nil {
			t.Fatalf("second ack: %v", err)
		}
		if err := s.AckQueue(t.Context()); err != nil {
			t.Fatalf("ack of nothing: %v", err)
		}
	})
}

func testIntakeCanceled(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tk := sampleTicket("A")
	calls := []struct {
		name string
		call func() error
	}{
		{"CreateTicket", func() error {
			_, _, err := s.CreateTicket(ctx, "k", time.Hour, tk, submitEvent(), submitNotification())
			return err
		}},
		{"GetTicket", func() error { _, err := s.GetTicket(ctx, 1); return err }},
		{"ListTickets", func() error { _, err := s.ListTickets(ctx); return err }},
		{"UpdateTicket", func() error { return s.UpdateTicket(ctx, intake.TicketUpdate{Ticket: tk}) }},
		{"ListEvents", func() error { _, err := s.ListEvents(ctx, 1); return err }},
		{"TicketsByEmployer", func() error { _, err := s.TicketsByEmployer(ctx, "a"); return err }},
		{"RecordConsent", func() error { return s.RecordConsent(ctx, 1, intakeAt(0)) }},
		{"GetConsent", func() error { _, _, err := s.GetConsent(ctx, 1); return err }},
		{"DeleteConsent", func() error { return s.DeleteConsent(ctx, 1) }},
		{"AddMediator", func() error { return s.AddMediator(ctx, 1) }},
		{"RemoveMediator", func() error { return s.RemoveMediator(ctx, 1) }},
		{"IsMediator", func() error { _, err := s.IsMediator(ctx, 1); return err }},
		{"ListMediators", func() error { _, err := s.ListMediators(ctx); return err }},
		{"Enqueue", func() error { _, err := s.Enqueue(ctx, note(1)); return err }},
		{"ReadQueue", func() error { _, err := s.ReadQueue(ctx, "a", 1, 0); return err }},
		{"AckQueue", func() error { return s.AckQueue(ctx, "1") }},
		{"ClaimStale", func() error { _, err := s.ClaimStale(ctx, "a", 0, 1); return err }},
		{"PurgeErased", func() error { return s.PurgeErased(ctx) }},
		{"PutEvidence", func() error { return s.PutEvidence(ctx, 1, "f", []byte("x")) }},
		{"GetEvidence", func() error { _, err := s.GetEvidence(ctx, 1, "f"); return err }},
		{"DeleteEvidence", func() error { return s.DeleteEvidence(ctx, 1) }},
	}
	for _, c := range calls {
		if err := c.call(); err == nil {
			t.Errorf("%s with a canceled context returned no error", c.name)
		}
	}
	// Nothing the canceled calls tried may have happened.
	if all, err := s.ListTickets(t.Context()); err != nil || len(all) != 0 {
		t.Errorf("tickets after canceled calls: %v, %v", all, err)
	}
	if ok, _ := s.IsMediator(t.Context(), 1); ok {
		t.Error("a canceled AddMediator added the mediator")
	}
	if _, ok, _ := s.GetConsent(t.Context(), 1); ok {
		t.Error("a canceled RecordConsent recorded consent")
	}
	if _, err := s.GetEvidence(t.Context(), 1, "f"); !errors.Is(err, intake.ErrNotFound) {
		t.Errorf("a canceled PutEvidence stored the file: %v", err)
	}
	if q := readAll(t, s, "a"); len(q) != 0 {
		t.Errorf("a canceled Enqueue enqueued %v", tickets(q))
	}
}
