package intake_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// seed files six complaints and takes them through the process at known
// times (hours after t0):
//
//	#1 filed 0, 广东, unpaid wages; claimed 2 (A); mediation 3; settled 5000 at 26; closed 30
//	#2 filed 1, 广东, overtime + unpaid wages; claimed 5 (B); mediation 6; not settled at 51; referred to arbitration 52
//	#3 filed 2, 四川, social insurance; claimed 3 (A); mediation 4; settled 0 at 12
//	#4 filed 3, 四川, dismissal; never claimed
//	#5 filed 4, 北京, work injury; claimed 12 (B); withdrawn 13
//	#6 filed 5, 广东, other; never claimed
//
// so at hour 100, by hand:
//
//	total 6, open 4 (#2 #3 #4 #6), unclaimed 2, the oldest (#4) waiting 97h
//	states: closed 1, referred_arbitration 1, settled 1, new 2, withdrawn 1
//	types: unpaid wages 2, and 1 each of the other six
//	regions: 广东 3, 四川 2, 北京 1
//	concluded 3 (#1 #2 #3), settled 2 (#1 #3): rate 2/3; settled 5000 in all
//	time to claim: 2h, 4h, 1h, 8h → median (2+4)/2 = 3h
//	time to conclusion: 26h, 50h, 10h → median 26h
func seed(t *testing.T, f *fixture) {
	t.Helper()
	ctx := t.Context()
	at := func(h int) { f.clock.Set(t0.Add(time.Duration(h) * time.Hour)) }
	must := func(_ intake.Ticket, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	filings := []struct {
		hour   int
		worker int64
		cp     complaint
	}{
		{0, 101, complaint{types: "1", province: "广东深圳市", employer: "星光电子", claimed: "24000"}},
		{1, 102, complaint{types: "2,1", province: "广东省广州市", employer: "=cmd|' /C calc'!A0"}},
		{2, 103, complaint{types: "3", province: "四川成都市"}},
		{3, 104, complaint{types: "5", province: "四川"}},
		{4, 105, complaint{types: "4", province: "北京"}},
		{5, 106, complaint{types: "7", province: "广东深圳市"}},
	}
	for i, fl := range filings {
		at(fl.hour)
		if tk := f.submit(t, fl.worker, fl.cp); tk.Number != int64(i+1) {
			t.Fatalf("filing %d got #%d", i+1, tk.Number)
		}
	}
	at(2)
	must(f.svc.Claim(ctx, mediatorA, 1))
	at(3)
	must(f.svc.Transition(ctx, mediatorA, 1, intake.StateInMediation, ""))
	must(f.svc.Claim(ctx, mediatorA, 3))
	at(4)
	must(f.svc.Transition(ctx, mediatorA, 3, intake.StateInMediation, ""))
	at(5)
	must(f.svc.Claim(ctx, mediatorB, 2))
	at(6)
	must(f.svc.Transition(ctx, mediatorB, 2, intake.StateInMediation, ""))
	at(12)
	must(f.svc.RecordOutcome(ctx, mediatorA, 3, intake.OutcomeSettled, 0, "employer enrolled the worker"))
	must(f.svc.Claim(ctx, mediatorB, 5))
	at(13)
	must(f.svc.Withdraw(ctx, 105, 5, ""))
	at(26)
	must(f.svc.RecordOutcome(ctx, mediatorA, 1, intake.OutcomeSettled, calc.Yuan(5000), ""))
	at(30)
	must(f.svc.Close(ctx, mediatorA, 1, ""))
	at(51)
	must(f.svc.RecordOutcome(ctx, mediatorB, 2, intake.OutcomeNotSettled, 0, ""))
	at(52)
	must(f.svc.Refer(ctx, mediatorB, 2, intake.ReferArbitration, ""))
	at(100)
}

func TestStatsOnSeededTickets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		seed(t, f)
		now := t0.Add(100 * time.Hour)
		st, err := f.svc.Stats(t.Context(), mediatorA, now)
		if err != nil {
			t.Fatal(err)
		}
		checkInt := func(name string, got, want int) {
			t.Helper()
			if got != want {
				t.Errorf("%s = %d, want %d", name, got, want)
			}
		}
		checkInt("Total", st.Total, 6)
		checkInt("Open", st.Open, 4)
		checkInt("Unclaimed", st.Unclaimed, 2)
		for s, n := range map[intake.State]int{intake.StateClosed: 1, intake.StateReferredArbitration: 1, intake.StateSettled: 1,
			intake.StateNew: 2, intake.StateWithdrawn: 1, intake.StateClaimed: 0, intake.StateInMediation: 0} {
			checkInt("ByState["+string(s)+"]", st.ByState[s], n)
		}
		for d, n := range map[intake.DisputeType]int{intake.TypeUnpaidWages: 2, intake.TypeOvertime: 1, intake.TypeSocialInsurance: 1,
			intake.TypeWorkInjury: 1, intake.TypeDismissal: 1, intake.TypeContract: 0, intake.TypeOther: 1} {
			checkInt("ByType["+string(d)+"]", st.ByType[d], n)
		}
		for p, n := range map[string]int{"广东": 3, "四川": 2, "北京": 1} {
			checkInt("ByProvince["+p+"]", st.ByProvince[p], n)
		}
		checkInt("len(ByProvince)", len(st.ByProvince), 3)
		checkInt("Concluded", st.Concluded, 3)
		checkInt("Settled", st.Settled, 2)
		checkInt("ClaimedCount", st.ClaimedCount, 4)
		if st.SettlementRate != 2.0/3.0 {
			t.Errorf("SettlementRate = %v, want 2/3", st.SettlementRate)
		}
		if st.SettledAmount != calc.Yuan(5000) {
			t.Errorf("SettledAmount = %v, want 5000", st.SettledAmount)
		}
		for name, got := range map[string]time.Duration{"MedianToClaim": st.MedianToClaim, "MedianToConclusion": st.MedianToConclusion, "OldestUnclaimed": st.OldestUnclaimed} {
			want := map[string]time.Duration{"MedianToClaim": 3 * time.Hour, "MedianToConclusion": 26 * time.Hour, "OldestUnclaimed": 97 * time.Hour}[name]
			if got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		zh, en := st.Render("zh"), st.Render("en")
		for _, want := range []string{"2/3 = 67%", "5,000.00", "广东: 3", "受理用时中位数: 3小时0分钟", "办结用时中位数: 1天2小时"} {
			if !strings.Contains(zh, want) {
				t.Errorf("Render(zh) lacks %q:\n%s", want, zh)
			}
		}
		for _, want := range []string{"Guangdong: 3", "Median time to claim: 3h 0min", "Longest wait: 4d 1h"} {
			if !strings.Contains(en, want) {
				t.Errorf("Render(en) lacks %q:\n%s", want, en)
			}
		}
	})
}

func TestExportOnSeededTickets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		f := newFixture(t, open, nil)
		seed(t, f)
		ctx := t.Context()

		var buf bytes.Buffer
		if err := f.svc.Export(ctx, admin, &buf, intake.FormatCSV); err != nil {
			t.Fatal(err)
		}
		// The CSV starts with a byte-order mark, for Excel.
		body, ok := strings.CutPrefix(buf.String(), intake.BOM)
		if !ok {
			t.Errorf("the CSV does not start with a byte-order mark: %q", buf.String()[:min(buf.Len(), 20)])
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 7 || strings.Join(rows[0], ",") != strings.Join(intake.ExportColumns(), ",") {
			t.Fatalf("CSV has %d rows, header %v", len(rows), rows[0])
		}
		col := map[string]int{}
		for i, c := range rows[0] {
			col[c] = i
		}
		cell := func(row int, name string) string { return rows[row][col[name]] }
		for _, c := range []struct {
			row        int
			name, want string
		}{
			{1, "number", "1"}, {1, "state", "closed"}, {1, "types", "unpaid_wages"}, {1, "province", "广东"},
			{1, "city", "深圳市"}, {1, "employer", "星光电子"}, {1, "start_date", "2023-03-01"}, {1, "end_date", ""},
			{1, "monthly_wage", "8000.00"}, {1, "claimed", "24000.00"}, {1, "coworkers", "3"},
			{1, "name", "王小明"}, {1, "phone", "13987654321"}, {1, "mediator", "500"}, {1, "outcome", "settled"},
			{1, "settled_amount", "5000.00"}, {1, "created_at", "2026-03-02T08:00:00Z"},
			{1, "claimed_at", "2026-03-02T10:00:00Z"}, {1, "concluded_at", "2026-03-03T10:00:00Z"},
			{1, "closed_at", "2026-03-03T14:00:00Z"}, {1, "erased", "false"},
			{2, "types", "overtime;unpaid_wages"}, {2, "state", "referred_arbitration"}, {2, "outcome", "not_settled"},
			{2, "employer", "'=cmd|' /C calc'!A0"}, // defused for spreadsheets
			{4, "mediator", "0"}, {4, "claimed_at", ""}, {4, "outcome", ""}, {4, "settled_amount", "0.00"},
			{5, "state", "withdrawn"}, {5, "city", "北京市"},
		} {
			if got := cell(c.row, c.name); got != c.want {
				t.Errorf("CSV row %d %s = %q, want %q", c.row, c.name, got, c.want)
			}
		}

		buf.Reset()
		if err := f.svc.ExportAll(ctx, &buf, intake.FormatJSON); err != nil {
			t.Fatal(err)
		}
		// The JSON keys are the same columns, in the same order.
		dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
		dec.Token() // [
		dec.Token() // {
		var keys []string
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		if strings.Join(keys, ",") != strings.Join(intake.ExportColumns(), ",") {
			t.Fatalf("JSON keys %v\nwant %v", keys, intake.ExportColumns())
		}
		var recs []intake.ExportRecord
		if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
			t.Fatal(err)
		}
		if len(recs) != 6 || recs[0].SettledAmount != calc.Yuan(5000) || recs[1].Types != "overtime;unpaid_wages" ||
			recs[1].Employer != "=cmd|' /C calc'!A0" || recs[2].Outcome != intake.OutcomeSettled || recs[5].State != intake.StateNew {
			t.Fatalf("JSON records = %+v", recs)
		}

		// An erased ticket exports its statistics and nothing personal.
		if _, err := f.svc.DeleteWorkerData(ctx, 101); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := f.svc.ExportAll(ctx, &buf, intake.FormatJSON); err != nil {
			t.Fatal(err)
		}
		recs = nil
		json.Unmarshal(buf.Bytes(), &recs)
		r := recs[0]
		if !r.Erased || r.Name != "" || r.Phone != "" || r.Employer != "" || r.Description != "" ||
			r.SettledAmount != calc.Yuan(5000) || r.Province != "广东" || r.State != intake.StateClosed {
			t.Fatalf("erased record = %+v", r)
		}
		if _, err := intake.ParseFormat("xml"); err == nil {
			t.Fatal("ParseFormat(xml) accepted")
		}
		if f2, err := intake.ParseFormat(" CSV "); err != nil || f2 != intake.FormatCSV {
			t.Fatalf("ParseFormat(CSV) = %v, %v", f2, err)
		}
	})
}

func TestComputeStatsMedians(t *testing.T) {
	mk := func(claimH ...int) []intake.Ticket {
		var ts []intake.Ticket
		for _, h := range claimH {
			ts = append(ts, intake.Ticket{State: intake.StateClaimed, CreatedAt: t0, ClaimedAt: t0.Add(time.Duration(h) * time.Hour)})
		}
		return ts
	}
	for _, tc := range []struct {
		hours []int
		want  time.Duration
	}{
		{nil, 0},
		{[]int{5}, 5 * time.Hour},
		{[]int{9, 1, 5}, 5 * time.Hour},
		{[]int{4, 1}, 150 * time.Minute},
		{[]int{10, 1, 2, 100}, 6 * time.Hour},
	} {
		st := intake.ComputeStats(mk(tc.hours...), t0)
		if st.MedianToClaim != tc.want || st.ClaimedCount != len(tc.hours) {
			t.Errorf("median of %v = %v (count %d), want %v", tc.hours, st.MedianToClaim, st.ClaimedCount, tc.want)
		}
	}
	if st := intake.ComputeStats(nil, t0); st.SettlementRate != 0 || st.Total != 0 || !strings.Contains(st.Render("en"), "No mediation has concluded") {
		t.Errorf("empty stats = %+v", st)
	}
}

// Tickets count by the link the worker came through, and the source
// outlives the erasure of the worker's data (it is no personal data).
func TestStatsBySource(t *testing.T) {
	ts := []intake.Ticket{
		{State: intake.StateNew, CreatedAt: t0, Source: "site-7"},
		{State: intake.StateNew, CreatedAt: t0, Source: "site-7"},
		{State: intake.StateNew, CreatedAt: t0, Source: "web"},
		{State: intake.StateNew, CreatedAt: t0},
	}
	ts[1] = intake.Erase(ts[1], t0)
	st := intake.ComputeStats(ts, t0)
	if st.BySource["site-7"] != 2 || st.BySource["web"] != 1 || st.BySource[""] != 1 {
		t.Fatalf("BySource = %v", st.BySource)
	}
	out := st.Render("zh")
	if !strings.Contains(out, "按来源") || !strings.Contains(out, "• site-7: 2") || !strings.Contains(out, "• Telegram: 1") {
		t.Errorf("rendered stats lack the sources:\n%s", out)
	}
	if out := intake.ComputeStats(ts[3:], t0).Render("en"); strings.Contains(out, "By source") {
		t.Errorf("Telegram-only stats show a source section:\n%s", out)
	}
}
