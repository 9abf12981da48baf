package storetest

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// testIntakeIndexes checks the ticket indexes: kept by CreateTicket and
// UpdateTicket, ranged, counted, and equal to a rebuild from scratch.
func testIntakeIndexes(t *testing.T, open func(t *testing.T) intake.Store) {
	s := open(t)
	ctx := t.Context()
	// Ten tickets an hour apart: 1-4 against 星光 (one reporting 30
	// affected), 5-6 against 红旗, the rest against nobody in particular.
	for i := 1; i <= 10; i++ {
		tk := sampleTicket("深圳市星光电子有限公司")
		tk.CreatedAt = intakeAt(60 * i)
		tk.Coworkers = 0
		tk.WorkerID = int64(2000 + i)
		tk.NameKey = fmt.Sprintf("name%d", i%3)
		switch {
		case i == 2:
			tk.Coworkers = 29
		case i == 5 || i == 6:
			tk.Employer, tk.EmployerKey = "红旗厂", "红旗"
			tk.Types = []intake.DisputeType{intake.TypeWorkInjury}
			tk.Province, tk.City = "浙江", "杭州"
		case i > 6:
			tk.Employer, tk.EmployerKey = "厂"+fmt.Sprint(i), "厂"+fmt.Sprint(i)
		}
		if n, _ := mustCreate(t, s, fmt.Sprint("ix", i), tk); n != int64(i) {
			t.Fatalf("ticket %d got number %d", i, n)
		}
	}
	update := func(n int64, f func(*intake.Ticket)) {
		t.Helper()
		tk := mustGet(t, s, n)
		f(&tk)
		if err := s.UpdateTicket(ctx, intake.TicketUpdate{Ticket: tk}); err != nil {
			t.Fatalf("UpdateTicket(%d): %v", n, err)
		}
	}
	// 1 and 2 claimed by mediator 77, 2 settled for 5,000 yuan; 3 claimed
	// and not settled; 4 closed; 9 erased (its employer is gone).
	for _, n := range []int64{1, 2, 3} {
		update(n, func(tk *intake.Ticket) {
			tk.State, tk.Mediator, tk.ClaimedAt = intake.StateClaimed, 77, tk.CreatedAt.Add(time.Duration(n)*time.Hour)
		})
	}
	update(2, func(tk *intake.Ticket) {
		tk.State, tk.Outcome, tk.SettledAmount, tk.ConcludedAt = intake.StateSettled, intake.OutcomeSettled, calc.Yuan(5000), tk.CreatedAt.Add(48*time.Hour)
	})
	update(3, func(tk *intake.Ticket) {
		tk.State, tk.Outcome, tk.ConcludedAt = intake.StateNotSettled, intake.OutcomeNotSettled, tk.CreatedAt.Add(24*time.Hour)
	})
	update(4, func(tk *intake.Ticket) { tk.State, tk.ClosedAt = intake.StateClosed, tk.CreatedAt.Add(72*time.Hour) })
	update(9, func(tk *intake.Ticket) { *tk = intake.Erase(*tk, intakeAt(2000)) })

	numbers := func(ms []intake.IndexMember) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.Number)
		}
		return out
	}
	check := func(name string) {
		t.Helper()
		for _, tc := range []struct {
			set   string
			r     intake.IndexRange
			want  []int64
			total int
		}{
			{intake.SetAll, intake.IndexRange{}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10},
			{intake.SetAll, intake.IndexRange{Desc: true, Offset: 2, Limit: 3}, []int64{8, 7, 6}, 10},
			{intake.SetState(intake.StateNew), intake.IndexRange{}, []int64{5, 6, 7, 8, 9, 10}, 6},
			{intake.SetState(intake.StateNew), intake.IndexRange{Min: intakeAt(360).UnixMilli(), Max: intakeAt(480).UnixMilli()}, []int64{6, 7, 8}, 3},
			{intake.SetState(intake.StateNew), intake.IndexRange{Min: intakeAt(360).UnixMilli(), Max: intakeAt(540).UnixMilli(), Desc: true, Limit: 2}, []int64{9, 8}, 4},
			{intake.SetOpen, intake.IndexRange{}, []int64{1, 2, 3, 5, 6, 7, 8, 9, 10}, 9},
			{intake.SetActive, intake.IndexRange{}, []int64{1, 2, 3}, 3},
			{intake.SetMediator(77), intake.IndexRange{}, []int64{1, 2, 3}, 3},
			{intake.SetMediatorOpen(77), intake.IndexRange{}, []int64{1, 2, 3}, 3},
			{intake.SetEmployer("深圳市星光电子"), intake.IndexRange{}, []int64{1, 2, 3, 4}, 4},
			{intake.SetEmployer("厂9"), intake.IndexRange{}, nil, 0},
			{intake.SetType(intake.TypeWorkInjury), intake.IndexRange{}, []int64{5, 6}, 2},
			{intake.SetCity("浙江", "杭州"), intake.IndexRange{}, []int64{5, 6}, 2},
			{intake.SetProvince("广东"), intake.IndexRange{}, []int64{1, 2, 3, 4, 7, 8, 9, 10}, 8},
			{intake.SetWorker(2009), intake.IndexRange{}, nil, 0},
			{intake.SetName("name1"), intake.IndexRange{}, []int64{1, 4, 7, 10}, 4},
			{intake.SetToClaim, intake.IndexRange{}, []int64{1, 2, 3}, 3},
		} {
			got, total, err := s.RangeIndex(ctx, tc.set, tc.r)
			if err != nil || !slices.Equal(numbers(got), tc.want) || total != tc.total {
				t.Errorf("%s: RangeIndex(%s, %+v) = %v, %d, %v; want %v, %d", name, tc.set, tc.r, numbers(got), total, err, tc.want, tc.total)
			}
		}
		// Scores: filing times for list sets, seconds for durations.
		got, _, _ := s.RangeIndex(ctx, intake.SetToClaim, intake.IndexRange{})
		if len(got) != 3 || got[0].Score != 3600 || got[2].Score != 3*3600 {
			t.Errorf("%s: to-claim scores %+v; want 3600, 7200, 10800", name, got)
		}
		scores, ok, err := s.IndexScores(ctx, intake.SetState(intake.StateNew), []int64{5, 1, 99, 10})
		if err != nil || !slices.Equal(ok, []bool{true, false, false, true}) || scores[0] != intakeAt(300).UnixMilli() || scores[3] != intakeAt(600).UnixMilli() {
			t.Errorf("%s: IndexScores = %v, %v, %v", name, scores, ok, err)
		}
		sizes, err := s.IndexSizes(ctx, intake.SetAll, intake.SetState(intake.StateClosed), "nothing", intake.SetMediatorOpen(77))
		if err != nil || !slices.Equal(sizes, []int{10, 1, 0, 3}) {
			t.Errorf("%s: IndexSizes = %v, %v", name, sizes, err)
		}
		c, err := s.Counters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]int64{
			intake.CounterKey("all", "n"): 10, intake.CounterKey("all", "concluded"): 2, intake.CounterKey("all", "settled"): 1,
			intake.CounterKey("all", "amount"): int64(calc.Yuan(5000)), intake.CounterKey("m:2026-05", "n"): 10,
			intake.CounterKey("t:work_injury", "n"): 2, intake.CounterKey("t:overtime", "settled"): 1,
			intake.CounterKey("c:浙江/杭州", "n"): 2, intake.CounterKey("s:new", "n"): 6, intake.CounterKey("mo:77", "n"): 3,
		} {
			if c[key] != want {
				t.Errorf("%s: counter %s = %d, want %d", name, key, c[key], want)
			}
		}
		for k, v := range c {
			if v == 0 {
				t.Errorf("%s: Counters returned zero counter %s", name, k)
			}
		}
		top, err := s.TopEmployers(ctx, 3)
		if err != nil || len(top) != 3 || top[0] != (intake.EmployerRank{Key: "深圳市星光电子", Affected: 30}) ||
			top[1] != (intake.EmployerRank{Key: "红旗", Affected: 2}) || top[2].Affected != 1 {
			t.Errorf("%s: TopEmployers = %+v, %v", name, top, err)
		}
		keys, err := s.EmployerKeys(ctx)
		slices.Sort(keys)
		if err != nil || !slices.Equal(keys, []string{"厂10", "厂7", "厂8", "深圳市星光电子", "红旗"}) {
			t.Errorf("%s: EmployerKeys = %q, %v", name, keys, err)
		}
	}
	check("incremental")
	before, _ := s.Counters(ctx)

	tickets, err := s.GetTickets(ctx, []int64{7, 99, 2})
	if err != nil || len(tickets) != 2 || tickets[0].Number != 7 || tickets[1].Number != 2 {
		t.Fatalf("GetTickets(7, 99, 2) = %d tickets, %v", len(tickets), err)
	}

	// A rebuild from the tickets gives the same indexes.
	if err := s.RebuildIndex(ctx, "test-v"); err != nil {
		t.Fatalf("RebuildIndex: %v", err)
	}
	if v, err := s.IndexVersion(ctx); v != "test-v" || err != nil {
		t.Fatalf("IndexVersion after a rebuild = %q, %v", v, err)
	}
	check("rebuilt")
	after, _ := s.Counters(ctx)
	if !maps.Equal(before, after) {
		t.Errorf("counters differ after a rebuild:\n%v\n%v", before, after)
	}

	// The largest group leaving its employer drops the employer's count.
	update(2, func(tk *intake.Ticket) { tk.Coworkers = 0 })
	if top, _ := s.TopEmployers(ctx, 1); len(top) != 1 || top[0].Affected != 4 {
		t.Errorf("after the group of 30 became 1: TopEmployers = %+v; want 星光 with 4", top)
	}
}
