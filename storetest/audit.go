package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/laborbot/laborbot/intake"
)

func testIntakeAudit(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("EmptyLog", func(t *testing.T) {
		s := open(t)
		got, err := s.ListStaffAudit(t.Context(), intake.AuditFilter{})
		if err != nil || len(got) != 0 {
			t.Fatalf("ListStaffAudit on an empty store = %v, %v; want none", got, err)
		}
	})
	t.Run("NewestFirstWithFiltersAndPages", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		// 30 records: users 1..3 in turn, tickets 1..5 in turn, two actions.
		var ids []string
		for i := range 30 {
			r := intake.AuditRecord{At: intakeAt(i), UserID: int64(i%3 + 1), Role: intake.RoleMediator,
				Action: intake.ActionClaim, Ticket: int64(i%5 + 1), Detail: fmt.Sprintf("record %d", i)}
			if i%2 == 1 {
				r.Action = intake.ActionNote
			}
			id, err := s.AppendStaffAudit(ctx, r)
			if err != nil || id == "" {
				t.Fatalf("AppendStaffAudit #%d = %q, %v", i, id, err)
			}
			if slices.Contains(ids, id) {
				t.Fatalf("AppendStaffAudit gave id %q twice", id)
			}
			ids = append(ids, id)
		}
		all, err := s.ListStaffAudit(ctx, intake.AuditFilter{Limit: 100})
		if err != nil || len(all) != 30 {
			t.Fatalf("ListStaffAudit(all) = %d records, %v; want 30", len(all), err)
		}
		for i, r := range all {
			want := 29 - i
			if r.Detail != fmt.Sprintf("record %d", want) || r.ID != ids[want] || !r.At.Equal(intakeAt(want)) ||
				r.UserID != int64(want%3+1) || r.Role != intake.RoleMediator || r.Ticket != int64(want%5+1) {
				t.Fatalf("record %d of the listing = %+v; want record %d (id %s), newest first", i, r, want, ids[want])
			}
		}
		if got, _ := s.ListStaffAudit(ctx, intake.AuditFilter{Limit: 3}); fmt.Sprint(details(got)) != "[record 29 record 28 record 27]" {
			t.Fatalf("limit 3 returned %v; want the three newest", details(got))
		}
		// Filters combine.
		got, err := s.ListStaffAudit(ctx, intake.AuditFilter{UserID: 2, Action: intake.ActionNote})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := 29; i >= 0; i-- {
			if i%3+1 == 2 && i%2 == 1 {
				want = append(want, fmt.Sprintf("record %d", i))
			}
		}
		if fmt.Sprint(details(got)) != fmt.Sprint(want) {
			t.Fatalf("user 2's notes = %v; want %v", details(got), want)
		}
		got, _ = s.ListStaffAudit(ctx, intake.AuditFilter{Ticket: 3})
		if len(got) != 6 {
			t.Fatalf("ticket 3 has %d records; want 6", len(got))
		}
		for _, r := range got {
			if r.Ticket != 3 {
				t.Fatalf("ticket filter returned %+v", r)
			}
		}
		// Pages of 7, continued with Before, cover everything once in order.
		var paged []string
		before := ""
		for page := 0; page < 10; page++ {
			got, err := s.ListStaffAudit(ctx, intake.AuditFilter{Limit: 7, Before: before})
			if err != nil {
				t.Fatalf("page %d: %v", page, err)
			}
			if len(got) > 7 {
				t.Fatalf("page %d has %d records, limit 7", page, len(got))
			}
			if len(got) == 0 {
				break
			}
			paged = append(paged, details(got)...)
			before = got[len(got)-1].ID
		}
		if fmt.Sprint(paged) != fmt.Sprint(details(all)) {
			t.Fatalf("paging gave %v; want %v", paged, details(all))
		}
		// A filtered page continues after its last match.
		first, _ := s.ListStaffAudit(ctx, intake.AuditFilter{UserID: 1, Limit: 2})
		rest, _ := s.ListStaffAudit(ctx, intake.AuditFilter{UserID: 1, Before: first[1].ID})
		if len(first) != 2 || len(rest) != 8 {
			t.Fatalf("user 1 paged: %d then %d records; want 2 then 8", len(first), len(rest))
		}
		if _, err := s.ListStaffAudit(ctx, intake.AuditFilter{Before: "not an id"}); !errors.Is(err, intake.ErrBadCursor) {
			t.Fatalf("a malformed cursor: %v; want ErrBadCursor", err)
		}
	})
	t.Run("ConcurrentAppends", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				if _, err := s.AppendStaffAudit(ctx, intake.AuditRecord{At: intakeAt(i), UserID: int64(i + 1), Action: intake.ActionExport}); err != nil {
					t.Errorf("AppendStaffAudit: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := s.ListStaffAudit(ctx, intake.AuditFilter{Limit: 100})
		if err != nil || len(got) != 20 {
			t.Fatalf("after 20 concurrent appends: %d records, %v", len(got), err)
		}
	})
}

func details(rs []intake.AuditRecord) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Detail
	}
	return out
}
