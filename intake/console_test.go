package intake_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

func numbersOf(ts []intake.Ticket) []int64 {
	var out []int64
	for _, t := range ts {
		out = append(out, t.Number)
	}
	return out
}

// queueFixture files five complaints an hour apart: 1, 2, 3 against 星光
// in Guangdong (2 reports 20 co-workers affected), 4 against 红旗 in
// Zhejiang with work injury, 5 by 李四; mediator A claims 1 and 3.
func queueFixture(t *testing.T, open func(*testing.T) backend) *fixture {
	f := newFixture(t, open, nil)
	for i, cp := range []complaint{
		{}, {}, {}, {employer: "杭州红旗机械厂", province: "浙江省杭州市", types: "4"}, {employer: "成都某某餐饮公司", province: "四川省成都市", name: "李四"},
	} {
		f.submit(t, int64(700+i), cp)
		f.clock.Add(time.Hour)
	}
	ctx := t.Context()
	tk, _ := f.svc.Ticket(ctx, admin, 2)
	_ = tk
	for _, n := range []int64{1, 3} {
		if _, err := f.svc.Claim(ctx, mediatorA, n); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := queueFixture(t, open)
		ctx := t.Context()
		q := func(userID int64, query intake.QueueQuery) intake.QueuePage {
			t.Helper()
			p, err := f.svc.Queue(ctx, userID, query)
			if err != nil {
				t.Fatalf("Queue(%+v): %v", query, err)
			}
			return p
		}
		for _, tc := range []struct {
			name  string
			user  int64
			query intake.QueueQuery
			want  []int64
		}{
			{"open: unclaimed oldest first, then claimed newest first", mediatorB, intake.QueueQuery{}, []int64{2, 4, 5, 3, 1}},
			{"mine", mediatorA, intake.QueueQuery{View: intake.ViewMine}, []int64{3, 1}},
			{"all", mediatorB, intake.QueueQuery{View: intake.ViewAll}, []int64{5, 4, 3, 2, 1}},
			{"a state", mediatorB, intake.QueueQuery{View: "claimed"}, []int64{3, 1}},
			{"by type", mediatorB, intake.QueueQuery{View: intake.ViewAll, Type: intake.TypeWorkInjury}, []int64{4}},
			{"by province", mediatorB, intake.QueueQuery{Province: "广东"}, []int64{2, 3, 1}},
			{"by city", mediatorB, intake.QueueQuery{Province: "浙江", City: "杭州市"}, []int64{4}},
			{"by part of the employer's name", mediatorB, intake.QueueQuery{Employer: "星光"}, []int64{2, 3, 1}},
			{"an employer nobody complained about", mediatorB, intake.QueueQuery{Employer: "不存在的公司"}, nil},
			{"search by number", mediatorB, intake.QueueQuery{Search: "#4", View: intake.ViewMine}, []int64{4}},
			{"search by full name", mediatorB, intake.QueueQuery{Search: " 李四 "}, []int64{5}},
			{"search by employer", mediatorB, intake.QueueQuery{Search: "红旗机械"}, []int64{4}},
			{"dates", mediatorB, intake.QueueQuery{View: intake.ViewAll, From: t0, To: t0}, []int64{5, 4, 3, 2, 1}},
			{"dates before any", mediatorB, intake.QueueQuery{View: intake.ViewAll, To: t0.AddDate(0, 0, -1)}, nil},
			{"page 2 of 2 per page", mediatorB, intake.QueueQuery{PerPage: 2, Page: 2}, []int64{5, 3}},
			{"filtered, page 2", mediatorB, intake.QueueQuery{Province: "广东", PerPage: 2, Page: 2}, []int64{1}},
		} {
			p := q(tc.user, tc.query)
			if got := numbersOf(p.Tickets); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		p := q(mediatorA, intake.QueueQuery{PerPage: 2})
		if p.Total != 5 || p.Pages != 3 || p.Open != 5 || p.Mine != 2 || p.ByState[intake.StateNew] != 3 || p.ByState[intake.StateClaimed] != 2 {
			t.Errorf("counts: %+v", p)
		}
		// Linked tickets and workers affected: 星光 has 3 complaints, the
		// largest reporting 3 co-workers (4 workers).
		p = q(mediatorB, intake.QueueQuery{Employer: "星光"})
		if len(p.Tickets) == 0 || !slices.Equal(p.Tickets[0].Linked, []int64{1, 3}) || p.Affected[p.Tickets[0].EmployerKey] != 4 {
			t.Errorf("links: %v, affected %v", p.Tickets[0].Linked, p.Affected)
		}
		// Contact details: masked unless the user claimed the ticket.
		for _, tk := range q(mediatorB, intake.QueueQuery{View: intake.ViewAll}).Tickets {
			if strings.Contains(tk.Phone, "13987654321") {
				t.Errorf("mediator B sees the phone of #%d", tk.Number)
			}
		}
		if _, err := f.svc.Queue(ctx, 700, intake.QueueQuery{}); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("a worker's queue: %v", err)
		}
		if _, err := f.svc.Queue(ctx, mediatorB, intake.QueueQuery{View: "bogus"}); err == nil {
			t.Error("an unknown view was accepted")
		}
	})
}

func TestDashboard(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := queueFixture(t, open)
		ctx := t.Context()
		d, err := f.svc.Dashboard(ctx, mediatorB, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if d.All.Cases != 5 || d.All.Concluded != 0 || d.Unclaimed != 3 || d.Over24 != 0 || d.ToClaim.Count != 2 {
			t.Errorf("before: %+v", d)
		}
		// Claimed 5 h after filing (#1) and 3 h after (#3).
		if d.ToClaim.Median != 3*time.Hour || d.ToClaim.P90 != 5*time.Hour {
			t.Errorf("time to claim: %+v", d.ToClaim)
		}
		for _, n := range []int64{1, 3} {
			if _, err := f.svc.Transition(ctx, mediatorA, n, intake.StateInMediation, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.RecordOutcome(ctx, mediatorA, 1, intake.OutcomeSettled, calc.Yuan(12000), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordOutcome(ctx, mediatorA, 3, intake.OutcomeNotSettled, 0, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(30 * time.Hour)
		d, err = f.svc.Dashboard(ctx, admin, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if d.All.Concluded != 2 || d.All.Settled != 1 || d.All.Rate != 0.5 || d.All.Amount != calc.Yuan(12000) || d.Over24 != 3 {
			t.Errorf("after: %+v", d.All)
		}
		month := d.ByMonth[len(d.ByMonth)-1]
		if month.Key != "2026-03" || month.Cases != 5 || month.Settled != 1 {
			t.Errorf("this month: %+v (all months %+v)", month, d.ByMonth)
		}
		if d.ByType[0].Key != string(intake.TypeUnpaidWages) || d.ByType[0].Cases != 4 {
			t.Errorf("by type: %+v", d.ByType)
		}
		if len(d.ByProvince) != 3 || d.ByProvince[0].Key != "广东" || d.ByProvince[0].Cases != 3 {
			t.Errorf("by province: %+v", d.ByProvince)
		}
		if len(d.Mediators) != 1 || d.Mediators[0] != (intake.MediatorLoad{UserID: mediatorA, Open: 2}) {
			t.Errorf("caseloads: %+v", d.Mediators)
		}
		if len(d.Employers) == 0 || d.Employers[0].Affected != 4 || d.Employers[0].Tickets != 3 || d.Employers[0].Name != "深圳市星光电子有限公司" {
			t.Errorf("employers: %+v", d.Employers)
		}
		if _, err := f.svc.Dashboard(ctx, 700, f.clock.Now()); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("a worker's dashboard: %v", err)
		}
		loads, err := f.svc.MediatorCaseloads(ctx, admin)
		if err != nil || len(loads) != 2 || loads[0] != (intake.MediatorCaseload{UserID: mediatorA, Open: 2, Total: 2}) {
			t.Errorf("MediatorCaseloads = %+v, %v", loads, err)
		}
		if _, err := f.svc.MediatorCaseloads(ctx, mediatorA); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("a mediator's MediatorCaseloads: %v", err)
		}
	})
}

func TestExportQueue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := queueFixture(t, open)
		ctx := t.Context()
		var buf bytes.Buffer
		if err := f.svc.ExportQueue(ctx, mediatorB, intake.QueueQuery{Province: "广东"}, intake.FormatCSV, true, &buf); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("a mediator's export with personal data: %v", err)
		}
		buf.Reset()
		if err := f.svc.ExportQueue(ctx, mediatorB, intake.QueueQuery{Province: "广东"}, intake.FormatCSV, false, &buf); err != nil {
			t.Fatal(err)
		}
		csv := buf.String()
		if strings.Count(csv, "\n") != 4 || strings.Contains(csv, "13987654321") || strings.Contains(csv, "王小明") || strings.Contains(csv, "星光") {
			t.Errorf("a mediator's export of Guangdong:\n%s", csv)
		}
		buf.Reset()
		if err := f.svc.ExportQueue(ctx, admin, intake.QueueQuery{View: intake.ViewAll}, intake.FormatJSON, true, &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "13987654321") || !strings.Contains(buf.String(), "李四") {
			t.Errorf("an admin's export with personal data lacks it:\n%s", buf.String())
		}
		recs, _ := f.svc.Audit(ctx, admin, intake.AuditFilter{Action: intake.ActionExport})
		if len(recs) != 2 || !strings.Contains(recs[0].Detail, "personal") || recs[1].UserID != mediatorB {
			t.Errorf("exports in the audit log: %+v", recs)
		}
	})
}

func TestMessagesInTheTrail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, open, sealer)
		ctx := t.Context()
		tk := f.submit(t, 700, complaint{})
		if _, err := f.svc.RecordMessage(ctx, mediatorA, tk.Number, "明天上午方便通话吗？"); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("a message on an unclaimed ticket by a mediator: %v", err)
		}
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordMessage(ctx, mediatorA, tk.Number, "明天上午方便通话吗？"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordReply(ctx, 701, tk.Number, "不是我的投诉"); !errors.Is(err, intake.ErrForbidden) {
			t.Fatalf("another worker's reply: %v", err)
		}
		if _, err := f.svc.RecordReply(ctx, 700, tk.Number, "方便，十点以后"); err != nil {
			t.Fatal(err)
		}
		evs, err := f.svc.Events(ctx, mediatorA, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-2:]
		if last[0].Action != intake.ActionMessage || last[0].Note != "明天上午方便通话吗？" || last[1].Action != intake.ActionReply ||
			last[1].Note != "方便，十点以后" || last[1].Role != intake.RoleWorker {
			t.Errorf("trail: %+v", last)
		}
		raw := f.raw(t)
		if bytes.Contains(raw, []byte("十点以后")) || bytes.Contains(raw, []byte("方便通话")) {
			t.Error("the messages are stored in the clear")
		}
		// The audit log records that a message went out, never its text.
		recs, _ := f.svc.Audit(ctx, admin, intake.AuditFilter{Ticket: tk.Number})
		for _, r := range recs {
			if strings.Contains(r.Detail, "方便") {
				t.Errorf("audit record with the message: %+v", r)
			}
		}
		// Erasing the worker's data erases the conversation.
		if _, err := f.svc.DeleteWorkerData(ctx, 700); err != nil {
			t.Fatal(err)
		}
		evs, _ = f.svc.Events(ctx, admin, tk.Number)
		for _, e := range evs {
			if e.Note != "" {
				t.Errorf("a note survived erasure: %+v", e)
			}
		}
	})
}
