package calc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func y(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// checkAmount compares a result's rounded amount (in fen) with want, a
// decimal string like "32000.00".
func checkAmount(t *testing.T, r Result, want string) {
	t.Helper()
	if !r.HasAmount() {
		t.Fatalf("no amount; want %s (formula: %s)", want, r.Formula.Zh)
	}
	w := y(want)
	if r.Fen != int64(w) {
		t.Errorf("amount = %s, want %s\nformula: %s", formatFen(r.Fen), w, r.Formula.Zh)
	}
	if r.Amount != float64(w)/100 {
		t.Errorf("Amount float = %v, want %v", r.Amount, float64(w)/100)
	}
	if r.Formula.Zh == "" || r.Formula.En == "" {
		t.Errorf("formula missing a language: %+v", r.Formula)
	}
	for _, n := range r.Notes {
		if n.Zh == "" || n.En == "" {
			t.Errorf("note missing a language: %+v", n)
		}
	}
	if len(r.Citations) == 0 {
		t.Errorf("no citations")
	}
}

func hasCite(r Result, law string, art int) bool {
	for _, c := range r.Citations {
		if c.Law == law && c.Article == art {
			return true
		}
	}
	return false
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want *InputError for %s", err, field)
	}
	if ie.Field != field {
		t.Errorf("error field = %q, want %q (%v)", ie.Field, field, err)
	}
	if ie.Msg.Zh == "" || ie.Msg.En == "" {
		t.Errorf("error lacks a language: %+v", ie.Msg)
	}
}

func TestElapsed(t *testing.T) {
	cases := []struct {
		start, end   string
		months, days int
	}{
		{"2024-01-01", "2024-06-30", 5, 29}, // 5 months 29 days
		{"2024-01-01", "2024-07-01", 6, 0},  // exactly 6 months
		{"2023-03-01", "2024-03-01", 12, 0}, // exactly one year
		{"2023-03-01", "2024-02-29", 11, 28},
		{"2024-01-31", "2024-02-29", 1, 0}, // no 31 February: the month's last day ends the month
		{"2024-01-31", "2024-03-30", 1, 30},
		{"2024-01-31", "2024-03-31", 2, 0},
		{"2021-03-01", "2024-09-15", 42, 14},
		{"2024-02-29", "2025-02-28", 12, 0},
		{"2024-05-05", "2024-05-05", 0, 0},
	}
	for _, c := range cases {
		got := elapsed(d(c.start), d(c.end))
		if got.Months != c.months || got.Days != c.days {
			t.Errorf("elapsed(%s, %s) = %d months %d days, want %d months %d days", c.start, c.end, got.Months, got.Days, c.months, c.days)
		}
	}
}

// TestServiceCountedTheSameEverywhere: service runs from the first day of
// work to the last, both counted, in every calculator. Severance is tested
// at each boundary (six months − 1 day, six months, + 1 day, exactly N
// years, + 1 day); the double wage's first month (the month to sign in)
// ends on the same day six-month service would be counted from; annual
// leave counts the joining and leaving days.
func TestServiceCountedTheSameEverywhere(t *testing.T) {
	months := func(start, end string) string {
		r, err := Severance(SeveranceInput{Start: d(start), End: d(end), MonthlyWage: y("1000")})
		if err != nil {
			t.Fatal(err)
		}
		return r.Exact.FloatString(1)
	}
	cases := []struct {
		start, end string
		want       string // months of wage (the wage is 1000)
	}{
		{"2024-01-01", "2024-06-29", "500.0"},  // six months − 1 day: half a month
		{"2024-01-01", "2024-06-30", "1000.0"}, // six months: one month
		{"2024-01-01", "2024-07-01", "1000.0"}, // six months + 1 day: one month
		{"2024-01-01", "2024-01-01", ""},       // a single day: the end must be after the start
		{"2024-01-01", "2024-01-02", "500.0"},  // two days: half a month
		{"2023-03-01", "2024-02-28", "1000.0"}, // one year − 1 day: one month (six months or more)
		{"2023-03-01", "2024-02-29", "1000.0"}, // exactly one year
		{"2023-03-01", "2024-03-01", "1500.0"}, // one year + 1 day
		{"2021-07-01", "2024-06-30", "3000.0"}, // exactly three years
		{"2021-07-01", "2024-07-01", "3500.0"}, // three years + 1 day
		{"2021-07-01", "2024-12-30", "3500.0"}, // three years six months − 1 day
		{"2021-07-01", "2024-12-31", "4000.0"}, // three years six months
	}
	for _, c := range cases {
		if c.want == "" {
			if _, err := Severance(SeveranceInput{Start: d(c.start), End: d(c.end), MonthlyWage: y("1000")}); err == nil {
				t.Errorf("%s to %s: no error", c.start, c.end)
			}
			continue
		}
		if got := months(c.start, c.end); got != c.want {
			t.Errorf("severance %s to %s = %s, want %s", c.start, c.end, got, c.want)
		}
	}
	if sp := serviceSpan(d("2024-01-01"), d("2024-06-30")); sp.Months != 6 || sp.Days != 0 {
		t.Errorf("serviceSpan(2024-01-01, 2024-06-30) = %+v, want six months", sp)
	}
	// Double wages: the first month is 2024-01-01 to 2024-01-31, the
	// month in which to sign. Leaving on its last day owes nothing; a day
	// later one day of the second month is owed.
	for _, c := range []struct {
		end     string
		nonzero bool
	}{{"2024-01-31", false}, {"2024-02-01", true}} {
		r, err := DoubleWage(DoubleWageInput{Start: d("2024-01-01"), End: d(c.end), MonthlyWage: y("3100")})
		if err != nil {
			t.Fatal(err)
		}
		if (r.Exact.Sign() != 0) != c.nonzero {
			t.Errorf("double wage to %s = %s", c.end, r.Exact.FloatString(2))
		}
	}
	// Annual leave: joining on 1 July and leaving on 31 December is 184
	// days of the year, both counted.
	r, err := AnnualLeave(AnnualLeaveInput{Years: 10, Joined: d("2024-07-01"), Left: d("2024-12-31"), Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Formula.Zh, "184 天") {
		t.Errorf("annual leave does not count the first and last days: %s", r.Formula.Zh)
	}
}

func TestSeverance(t *testing.T) {
	cases := []struct {
		name string
		in   SeveranceInput
		want string
		cite []int // 劳动合同法 articles that must be cited
	}{
		// 3 years 6 months 15 days (both ends counted): 3 + 1 = 4 months × 8000 = 32000.
		{"issue example", SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000")}, "32000.00", []int{46, 47}},
		// 2024-01-01 to 2024-06-30, both days counted, is six months: one month × 10000.
		{"six months", SeveranceInput{Start: d("2024-01-01"), End: d("2024-06-30"), MonthlyWage: y("10000")}, "10000.00", nil},
		// Exactly one year (2023-03-01 to 2024-02-29): 1 month × 6000.
		{"exactly one year", SeveranceInput{Start: d("2023-03-01"), End: d("2024-02-29"), MonthlyWage: y("6000")}, "6000.00", nil},
		// One year and one day: 1 + 0.5 = 1.5 months × 6000 = 9000.
		{"one year and a day", SeveranceInput{Start: d("2023-03-01"), End: d("2024-03-01"), MonthlyWage: y("6000")}, "9000.00", nil},
		// 31 January to 29 February is one month and a day: half a month × 5000 = 2500.
		{"month end", SeveranceInput{Start: d("2024-01-31"), End: d("2024-02-29"), MonthlyWage: y("5000")}, "2500.00", nil},
		// 15 years 6 months = 16 months; wage 30000 > 3 × 9000 = 27000:
		// base 27000, at most 12 months: 27000 × 12 = 324000.
		{"12-year cap", SeveranceInput{Start: d("2009-01-01"), End: d("2024-07-01"), MonthlyWage: y("30000"), LocalAverage: y("9000")}, "324000.00", nil},
		// Wage exactly 3 × 9000 is not above it: no cap, 27000 × 16 = 432000.
		{"wage equal to three times", SeveranceInput{Start: d("2009-01-01"), End: d("2024-07-01"), MonthlyWage: y("27000"), LocalAverage: y("9000")}, "432000.00", nil},
		// No local average given: no cap, 30000 × 16 = 480000.
		{"long service without local average", SeveranceInput{Start: d("2009-01-01"), End: d("2024-07-01"), MonthlyWage: y("30000")}, "480000.00", nil},
		// 4 years, wage 40000 > 3 × 10000: base 30000 × 4 = 120000 (years under 12).
		{"three-times cap", SeveranceInput{Start: d("2020-01-01"), End: d("2023-12-31"), MonthlyWage: y("40000"), LocalAverage: y("10000")}, "120000.00", nil},
		// Unlawful: 32000 × 2 = 64000.
		{"unlawful", SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000"), Unlawful: true}, "64000.00", []int{48, 87}},
		// Unlawful with the 12-year cap: 324000 × 2 = 648000.
		{"unlawful capped", SeveranceInput{Start: d("2009-01-01"), End: d("2024-07-01"), MonthlyWage: y("30000"), LocalAverage: y("9000"), Unlawful: true}, "648000.00", nil},
		// In lieu of notice: 32000 + last month's 8500 = 40500.
		{"in lieu of notice", SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000"), InLieuOfNotice: true, LastMonthWage: y("8500")}, "40500.00", []int{40}},
		// In lieu, no last month's wage: 32000 + 8000 = 40000.
		{"in lieu default wage", SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000"), InLieuOfNotice: true}, "40000.00", nil},
		// Unlawful and in lieu: damages only, 64000.
		{"unlawful ignores in lieu", SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000"), Unlawful: true, InLieuOfNotice: true}, "64000.00", nil},
		// Half a month of 3333.33 = 1666.665, rounded half-up to 1666.67.
		{"rounding half up", SeveranceInput{Start: d("2024-01-01"), End: d("2024-03-01"), MonthlyWage: y("3333.33")}, "1666.67", nil},
		// Service from before 2008: 2005-01-01 to 2009-12-31, 5 years × 4000 = 20000, with art. 97 noted.
		{"before 2008", SeveranceInput{Start: d("2005-01-01"), End: d("2009-12-31"), MonthlyWage: y("4000")}, "20000.00", []int{97}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Severance(c.in)
			if err != nil {
				t.Fatal(err)
			}
			checkAmount(t, r, c.want)
			if r.Kind != KindSeverance || r.Unit != UnitYuan {
				t.Errorf("kind/unit = %s/%s", r.Kind, r.Unit)
			}
			for _, a := range c.cite {
				if !hasCite(r, lawContract, a) {
					t.Errorf("missing citation 劳动合同法 %d: %v", a, r.Citations)
				}
			}
			if !hasCite(r, lawContractRegs, 27) {
				t.Errorf("missing 劳动合同法实施条例 27")
			}
		})
	}

	r, _ := Severance(SeveranceInput{Start: d("2009-01-01"), End: d("2024-07-01"), MonthlyWage: y("30000"), LocalAverage: y("9000")})
	if !strings.Contains(r.Formula.Zh, "12年") || !strings.Contains(r.Formula.Zh, "27,000.00") {
		t.Errorf("capped formula should state the caps: %s", r.Formula.Zh)
	}
	r, _ = Severance(SeveranceInput{Start: d("2024-01-01"), End: d("2024-06-29"), MonthlyWage: y("10000")})
	if !strings.Contains(r.Formula.Zh, "5个月29天") || !strings.Contains(r.Formula.Zh, "半个月") {
		t.Errorf("formula should show 5个月29天 counting half a month: %s", r.Formula.Zh)
	}

	errs := []struct {
		in    SeveranceInput
		field string
	}{
		{SeveranceInput{End: d("2024-01-01"), MonthlyWage: 1}, "start"},
		{SeveranceInput{Start: d("2024-01-01"), MonthlyWage: 1}, "end"},
		{SeveranceInput{Start: d("2024-01-01"), End: d("2023-01-01"), MonthlyWage: 1}, "end"},
		{SeveranceInput{Start: d("2024-01-01"), End: d("2024-01-01"), MonthlyWage: 1}, "end"},
		{SeveranceInput{Start: d("2023-01-01"), End: d("2024-01-01")}, "wage"},
	}
	for _, e := range errs {
		_, err := Severance(e.in)
		wantField(t, err, e.field)
	}
}

func TestOvertime(t *testing.T) {
	cases := []struct {
		name string
		in   OvertimeInput
		want string
	}{
		// 6000/174 × (20×1.5 + 16×2 + 8×3) = 6000 × 86 / 174 = 2965.517… → 2965.52.
		{"issue example", OvertimeInput{MonthlyWage: y("6000"), WeekdayHours: 20, RestDayHours: 16, HolidayHours: 8}, "2965.52"},
		// 5000/174 × 1.5 × 1.5 = 11250/174 = 64.655… → 64.66.
		{"half hours", OvertimeInput{MonthlyWage: y("5000"), WeekdayHours: 1.5}, "64.66"},
		// 8700/174 = 50 an hour; 16 rest-day hours, 8 made up with time off: 8 × 50 × 2 = 800.
		{"time off given", OvertimeInput{MonthlyWage: y("8700"), RestDayHours: 16, RestDayOffHours: 8}, "800.00"},
		// All rest-day hours made up with time off: 0.
		{"all time off", OvertimeInput{MonthlyWage: y("8700"), RestDayHours: 8, RestDayOffHours: 8}, "0.00"},
		// 8700/174 = 50; 8 holiday hours × 50 × 3 = 1200.
		{"holiday", OvertimeInput{MonthlyWage: y("8700"), HolidayHours: 8}, "1200.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Overtime(c.in)
			if err != nil {
				t.Fatal(err)
			}
			checkAmount(t, r, c.want)
			if !hasCite(r, lawLabor, 44) {
				t.Errorf("missing 劳动法 44")
			}
		})
	}
	r, _ := Overtime(OvertimeInput{MonthlyWage: y("6000"), WeekdayHours: 20, RestDayHours: 16, HolidayHours: 8})
	if !hasCite(r, lawLabor, 41) {
		t.Errorf("44 hours should mention the 36-hour limit of 劳动法 41")
	}
	for _, f := range []string{"174", "150%", "200%", "300%"} {
		if !strings.Contains(r.Formula.Zh, f) {
			t.Errorf("formula lacks %s: %s", f, r.Formula.Zh)
		}
	}

	errs := []struct {
		in    OvertimeInput
		field string
	}{
		{OvertimeInput{WeekdayHours: 1}, "wage"},
		{OvertimeInput{MonthlyWage: 100}, "weekday-hours"},
		{OvertimeInput{MonthlyWage: 100, WeekdayHours: -1}, "weekday-hours"},
		{OvertimeInput{MonthlyWage: 100, RestDayHours: 2, RestDayOffHours: 3}, "restday-off-hours"},
		{OvertimeInput{MonthlyWage: 100, HolidayHours: 1.005}, "holiday-hours"},
	}
	for _, e := range errs {
		_, err := Overtime(e.in)
		wantField(t, err, e.field)
	}
}

func TestDoubleWage(t *testing.T) {
	cases := []struct {
		name string
		in   DoubleWageInput
		want string
	}{
		// From 2024-02-10 to 2024-07-31: 5 months (to 07-10) + 22 days of the
		// 31-day month 07-10..08-09: 5000 × (5 + 22/31) = 28548.387… → 28548.39.
		{"issue example", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-08-01"), MonthlyWage: y("5000")}, "28548.39"},
		// Signed within the first month: 0.
		{"signed in first month", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-02-05"), MonthlyWage: y("5000")}, "0.00"},
		// Signed on the first day of the second month: the day before signing
		// is still in the first month: 0.
		{"signed on day one of month two", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-02-10"), MonthlyWage: y("5000")}, "0.00"},
		// Signed 2024-02-11: one day (02-10) of the 29-day month 02-10..03-09: 5000/29 = 172.41.
		{"one day", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-02-11"), MonthlyWage: y("5000")}, "172.41"},
		// Contract signed before work started: 0.
		{"signed before start", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-01-01"), MonthlyWage: y("5000")}, "0.00"},
		// Never signed, left 2025-06-30: capped at 11 months × 5000 = 55000.
		{"never signed, over a year", DoubleWageInput{Start: d("2024-01-10"), End: d("2025-06-30"), MonthlyWage: y("5000")}, "55000.00"},
		// Signed after more than a year: 11 months = 55000.
		{"signed late", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2025-03-01"), MonthlyWage: y("5000")}, "55000.00"},
		// Never signed, last day 2024-03-09: the whole month 02-10..03-09 = 5000.
		{"never signed, one month", DoubleWageInput{Start: d("2024-01-10"), End: d("2024-03-09"), MonthlyWage: y("5000")}, "5000.00"},
		// Still in the first month at End: 0.
		{"end within first month", DoubleWageInput{Start: d("2024-01-10"), End: d("2024-02-01"), MonthlyWage: y("5000")}, "0.00"},
		// Start on 31 January: month two is 02-29..03-30; signed 03-31 = 1 month.
		{"month-end start", DoubleWageInput{Start: d("2024-01-31"), Signed: d("2024-03-31"), MonthlyWage: y("5000")}, "5000.00"},
		// Left before signing: End bounds it. 2024-02-10..2024-04-19: 2 months
		// (to 04-10) + 10 days of the 30-day month 04-10..05-09: 6000 × (2 + 10/30) = 14000.
		{"left before signing", DoubleWageInput{Start: d("2024-01-10"), Signed: d("2024-08-01"), End: d("2024-04-19"), MonthlyWage: y("6000")}, "14000.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := DoubleWage(c.in)
			if err != nil {
				t.Fatal(err)
			}
			checkAmount(t, r, c.want)
			if !hasCite(r, lawContract, 82) || !hasCite(r, lawContractRegs, 6) {
				t.Errorf("missing 劳动合同法 82 / 实施条例 6: %v", r.Citations)
			}
		})
	}
	r, _ := DoubleWage(DoubleWageInput{Start: d("2024-01-10"), End: d("2025-06-30"), MonthlyWage: y("5000")})
	if !hasCite(r, lawContract, 14) || !hasCite(r, lawContractRegs, 7) {
		t.Errorf("over a year should cite 劳动合同法 14 and 实施条例 7: %v", r.Citations)
	}
	if !strings.Contains(r.Formula.Zh, "2025-01-09") {
		t.Errorf("period should end 2025-01-09, the day before the anniversary: %s", r.Formula.Zh)
	}

	errs := []struct {
		in    DoubleWageInput
		field string
	}{
		{DoubleWageInput{Signed: d("2024-03-01"), MonthlyWage: 1}, "start"},
		{DoubleWageInput{Start: d("2024-01-01"), Signed: d("2024-03-01")}, "wage"},
		{DoubleWageInput{Start: d("2024-01-01"), MonthlyWage: 1}, "signed"},
		{DoubleWageInput{Start: d("2024-01-01"), End: d("2023-01-01"), MonthlyWage: 1}, "end"},
	}
	for _, e := range errs {
		_, err := DoubleWage(e.in)
		wantField(t, err, e.field)
	}
}

func TestAnnualLeave(t *testing.T) {
	cases := []struct {
		name string
		in   AnnualLeaveInput
		want string
		unit Unit
	}{
		// 12 years → 10 days; 3 taken → 7; 7 × 7000/21.75 × 200% = 98000/21.75 = 4505.747… → 4505.75.
		{"issue example", AnnualLeaveInput{Years: 12, Taken: 3, MonthlyWage: y("7000")}, "4505.75", UnitYuan},
		{"under one year", AnnualLeaveInput{Years: 0}, "0", UnitDays},
		{"one year", AnnualLeaveInput{Years: 1}, "5", UnitDays},
		{"nine years", AnnualLeaveInput{Years: 9}, "5", UnitDays},
		{"ten years", AnnualLeaveInput{Years: 10}, "10", UnitDays},
		{"nineteen years", AnnualLeaveInput{Years: 19}, "10", UnitDays},
		{"twenty years", AnnualLeaveInput{Years: 20}, "15", UnitDays},
		// Joined 2024-07-01: 184 days left in 2024; 184/365 × 10 = 5.04 → 5.
		{"joined mid-year", AnnualLeaveInput{Years: 12, Joined: d("2024-07-01")}, "5", UnitDays},
		// Joined 2025-10-01: 92 days; 92/365 × 5 = 1.26 → 1; wage 4350 → daily 200; 1 × 200 × 2 = 400.
		{"joined in autumn", AnnualLeaveInput{Years: 3, Joined: d("2025-10-01"), MonthlyWage: y("4350")}, "400.00", UnitYuan},
		// Left 2025-06-30: 181 days; 181/365 × 5 = 2.47 → 2, minus 1 taken = 1 day × 200 × 2 = 400.
		{"left mid-year", AnnualLeaveInput{Years: 5, Taken: 1, Left: d("2025-06-30"), MonthlyWage: y("4350")}, "400.00", UnitYuan},
		// Left 2025-03-31: 90 days; 90/365 × 15 = 3.69 → 3; 10 already taken: 0, not clawed back.
		{"left after taking more", AnnualLeaveInput{Years: 25, Taken: 10, Left: d("2025-03-31")}, "0", UnitDays},
		// Joined 2025-03-01, left 2025-08-31: 184 days; 184/365 × 10 = 5.04 → 5.
		{"joined and left", AnnualLeaveInput{Years: 10, Joined: d("2025-03-01"), Left: d("2025-08-31")}, "5", UnitDays},
		// Joined 2024-01-02 in a leap year: 365 days; 365/365 × 5 = 5.
		{"leap year", AnnualLeaveInput{Years: 2, Joined: d("2024-01-02")}, "5", UnitDays},
		// Joined 2025-12-31: 1 day; 1/365 × 15 → 0.
		{"joined on the last day", AnnualLeaveInput{Years: 30, Joined: d("2025-12-31")}, "0", UnitDays},
		// Year given, joined the previous year: a full year, 5 days.
		{"joined earlier year", AnnualLeaveInput{Years: 4, Year: 2025, Joined: d("2024-05-01")}, "5", UnitDays},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := AnnualLeave(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Unit != c.unit {
				t.Errorf("unit = %s, want %s", r.Unit, c.unit)
			}
			if c.unit == UnitDays {
				if r.AmountString() != c.want {
					t.Errorf("days = %s, want %s\nformula: %s", r.AmountString(), c.want, r.Formula.Zh)
				}
				return
			}
			checkAmount(t, r, c.want)
			if !hasCite(r, lawLeaveMeasures, 10) || !hasCite(r, lawLeaveMeasures, 11) || !hasCite(r, lawLeaveRegs, 3) {
				t.Errorf("missing citations: %v", r.Citations)
			}
		})
	}
	r, _ := AnnualLeave(AnnualLeaveInput{Years: 12, Joined: d("2024-07-01")})
	if !hasCite(r, lawLeaveMeasures, 5) || !strings.Contains(r.Formula.Zh, "184 ÷ 365 × 10") {
		t.Errorf("new employee pro-rating should cite 实施办法 5 and show 184 ÷ 365 × 10: %s %v", r.Formula.Zh, r.Citations)
	}
	r, _ = AnnualLeave(AnnualLeaveInput{Years: 5, Left: d("2025-06-30")})
	if !hasCite(r, lawLeaveMeasures, 12) {
		t.Errorf("departing employee should cite 实施办法 12")
	}
	r, _ = AnnualLeave(AnnualLeaveInput{Years: 12, Taken: 3, MonthlyWage: y("7000")})
	if !strings.Contains(r.Formula.Zh, "300%") || !strings.Contains(r.Formula.En, "300%") {
		t.Errorf("formula should state the 300%%: %s", r.Formula.Zh)
	}

	errs := []struct {
		in    AnnualLeaveInput
		field string
	}{
		{AnnualLeaveInput{Years: -1}, "years"},
		{AnnualLeaveInput{Years: 3, Taken: -2}, "taken"},
		{AnnualLeaveInput{Years: 3, Year: 1990}, "year"},
		{AnnualLeaveInput{Years: 3, Year: 2024, Joined: d("2025-02-01")}, "joined"},
		{AnnualLeaveInput{Years: 3, Year: 2025, Left: d("2024-02-01")}, "left"},
		{AnnualLeaveInput{Years: 3, Joined: d("2025-05-01"), Left: d("2025-02-01")}, "left"},
	}
	for _, e := range errs {
		_, err := AnnualLeave(e.in)
		wantField(t, err, e.field)
	}
}

func TestInjury(t *testing.T) {
	// Months by grade (工伤保险条例 35, 36, 37) × 6000.
	want := map[int]string{1: "162000.00", 2: "150000.00", 3: "138000.00", 4: "126000.00", 5: "108000.00",
		6: "96000.00", 7: "78000.00", 8: "66000.00", 9: "54000.00", 10: "42000.00"}
	for g := 1; g <= 10; g++ {
		r, err := Injury(InjuryInput{Grade: g, MonthlyWage: y("6000")})
		if err != nil {
			t.Fatal(err)
		}
		checkAmount(t, r, want[g])
		if !hasCite(r, lawInjury, disabilityArticle(g)) || !hasCite(r, lawInjury, 64) {
			t.Errorf("grade %d: citations %v", g, r.Citations)
		}
	}
	cases := []struct {
		name string
		in   InjuryInput
		want string
	}{
		// 20000 > 300% of 5000: 15000 × 13 = 195000.
		{"above 300%", InjuryInput{Grade: 7, MonthlyWage: y("20000"), LocalAverage: y("5000")}, "195000.00"},
		// 2000 < 60% of 5000: 3000 × 7 = 21000.
		{"below 60%", InjuryInput{Grade: 10, MonthlyWage: y("2000"), LocalAverage: y("5000")}, "21000.00"},
		// Within bounds: 6000 × 18 = 108000.
		{"within bounds", InjuryInput{Grade: 5, MonthlyWage: y("6000"), LocalAverage: y("5000")}, "108000.00"},
	}
	for _, c := range cases {
		r, err := Injury(c.in)
		if err != nil {
			t.Fatal(err)
		}
		checkAmount(t, r, c.want)
	}
	for _, in := range []InjuryInput{{Grade: 0, MonthlyWage: 1}, {Grade: 11, MonthlyWage: 1}} {
		_, err := Injury(in)
		wantField(t, err, "grade")
	}
	_, err := Injury(InjuryInput{Grade: 3})
	wantField(t, err, "wage")
}

func TestDeadline(t *testing.T) {
	today := d("2025-11-23")
	cases := []struct {
		name string
		in   DeadlineInput
		want string // days left; "" for no figure
	}{
		// Last day 2026-06-01: 8 days to Dec 1, 182 to Jun 1 = 190.
		{"issue example", DeadlineInput{Knew: d("2025-06-01"), Today: today}, "190"},
		{"last day today", DeadlineInput{Knew: d("2024-11-23"), Today: today}, "0"},
		{"one day late", DeadlineInput{Knew: d("2024-11-22"), Today: today}, "-1"},
		{"wages while employed", DeadlineInput{Wages: true, Today: today}, ""},
		{"wages while employed with knew", DeadlineInput{Knew: d("2020-01-01"), Wages: true, Today: today}, ""},
		// Wages, employment ended 2025-03-10: last day 2026-03-10 = 8 + 90 + 9 = 107.
		{"wages after leaving", DeadlineInput{Ended: d("2025-03-10"), Wages: true, Today: today}, "107"},
		// Non-wage claim: from knew even when ended is given.
		{"not wages, ended given", DeadlineInput{Knew: d("2025-06-01"), Ended: d("2025-03-10"), Today: today}, "190"},
		// 29 February: a year later is 28 February.
		{"leap day", DeadlineInput{Knew: d("2024-02-29"), Today: d("2025-02-28")}, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Deadline(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Unit != UnitDays || !hasCite(r, lawArbitration, 27) {
				t.Errorf("unit %s citations %v", r.Unit, r.Citations)
			}
			if got := r.AmountString(); got != c.want {
				t.Errorf("days left = %q, want %q\nformula: %s", got, c.want, r.Formula.Zh)
			}
			if c.want == "" && r.JSON("zh").Amount != nil {
				t.Errorf("JSON amount should be null")
			}
		})
	}
	r, _ := Deadline(DeadlineInput{Knew: d("2024-01-01"), Today: today})
	if r.Amount >= 0 || !strings.Contains(r.Formula.Zh, "已超过") || !strings.Contains(r.Formula.En, "run out") {
		t.Errorf("expired deadline should say so: %v %s", r.Amount, r.Formula.Zh)
	}
	errs := []struct {
		in    DeadlineInput
		field string
	}{
		{DeadlineInput{Knew: d("2025-01-01")}, "today"},
		{DeadlineInput{Today: today}, "knew"},
		{DeadlineInput{Knew: d("2025-12-01"), Today: today}, "knew"},
		{DeadlineInput{Wages: true, Ended: d("2025-12-01"), Today: today}, "ended"},
	}
	for _, e := range errs {
		_, err := Deadline(e.in)
		wantField(t, err, e.field)
	}
}

// testMinWage is a fixture with invented figures, not real data.
const testMinWage = `{
  "description": "test fixture: invented figures",
  "entries": [
    {"province": "四川省", "effective": "2020-01-01", "source": "TEST FIXTURE (invented)",
     "tiers": [{"tier": 1, "monthly": 1800, "hourly": 18}, {"tier": 2, "monthly": 1700, "hourly": 17}]},
    {"province": "四川", "effective": "2022-04-01", "source": "TEST FIXTURE 2 (invented)",
     "tiers": [{"tier": 3, "monthly": 1870, "hourly": 19.5, "areas": "其他地区"}, {"tier": 1, "monthly": "2100", "hourly": 22.2}, {"tier": 2, "monthly": 1970, "hourly": 20.8}]}
  ]
}`

func TestMinWage(t *testing.T) {
	table, err := LoadMinWageTable(strings.NewReader(testMinWage))
	if err != nil {
		t.Fatal(err)
	}
	on := d("2025-01-01")
	cases := []struct {
		name string
		in   MinWageInput
		want string // shortfall; "" for no figure
		has  string // the formula must contain this
	}{
		{"below all tiers", MinWageInput{Province: "四川", Wage: y("1800"), Date: on}, "70.00", "最低一档"},
		{"between tiers", MinWageInput{Province: "Sichuan", Wage: y("1900"), Date: on}, "0.00", "取决于"},
		{"above all tiers", MinWageInput{Province: "四川省", Wage: y("2100"), Date: on}, "0.00", "不低于最高一档"},
		{"tier given", MinWageInput{Province: "四川", Wage: y("1950"), Tier: 1, Date: on}, "150.00", "第1档"},
		{"tier given, met", MinWageInput{Province: "四川", Wage: y("1950"), Tier: 3, Date: on}, "0.00", "不低于"},
		{"hourly", MinWageInput{Province: "四川", Wage: y("19"), Hourly: true, Date: on}, "0.50", "小时"},
		{"older entry by date", MinWageInput{Province: "四川", Wage: y("1750"), Date: d("2021-06-01")}, "0.00", "2020-01-01"},
		{"before any entry", MinWageInput{Province: "四川", Wage: y("1750"), Date: d("2019-06-01")}, "", "暂无"},
		{"province missing", MinWageInput{Province: "广东", Wage: y("1750"), Date: on}, "", "暂无广东省"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Table = table
			r, err := MinWage(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				if r.HasAmount() {
					t.Errorf("want no figure, got %s", r.AmountString())
				}
				found := false
				for _, n := range r.Notes {
					if strings.Contains(n.Zh, "12333") && strings.Contains(n.En, "12333") {
						found = true
					}
				}
				if !found {
					t.Errorf("a missing province should point to 12333: %v", r.Notes)
				}
			} else {
				checkAmount(t, r, c.want)
			}
			if !strings.Contains(r.Formula.Zh, c.has) {
				t.Errorf("formula lacks %q: %s", c.has, r.Formula.Zh)
			}
			if !hasCite(r, lawMinWage, 12) || !hasCite(r, lawLabor, 48) {
				t.Errorf("citations %v", r.Citations)
			}
		})
	}
	_, err = MinWage(MinWageInput{Province: "四川", Wage: y("1950"), Tier: 4, Date: on, Table: table})
	wantField(t, err, "tier")
	_, err = MinWage(MinWageInput{Province: "火星", Wage: 1, Date: on, Table: table})
	wantField(t, err, "province")
	_, err = MinWage(MinWageInput{Province: "四川", Date: on, Table: table})
	wantField(t, err, "wage")
	_, err = MinWage(MinWageInput{Province: "四川", Wage: 1, Table: table})
	wantField(t, err, "date")

	e, ok := table.Lookup("四川", on)
	if !ok || e.Tiers[0].Tier != 1 || e.Tiers[2].Areas != "其他地区" || e.Tiers[1].Hourly != y("20.8") {
		t.Errorf("lookup = %+v", e)
	}
}

func TestLoadMinWageTableErrors(t *testing.T) {
	bad := map[string]string{
		"unknown province": `{"entries":[{"province":"火星","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":1,"hourly":1}]}]}`,
		"no source":        `{"entries":[{"province":"四川","effective":"2024-01-01","source":" ","tiers":[{"tier":1,"monthly":1,"hourly":1}]}]}`,
		"bad date":         `{"entries":[{"province":"四川","effective":"2024-13-01","source":"x","tiers":[{"tier":1,"monthly":1,"hourly":1}]}]}`,
		"no tiers":         `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[]}]}`,
		"zero monthly":     `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":0,"hourly":1}]}]}`,
		"no hourly":        `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":1}]}]}`,
		"repeated tier":    `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":1,"hourly":1},{"tier":1,"monthly":2,"hourly":2}]}]}`,
		"repeated entry":   `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":1,"hourly":1}]},{"province":"四川省","effective":"2024-01-01","source":"y","tiers":[{"tier":1,"monthly":1,"hourly":1}]}]}`,
		"not json":         `{"entries":[`,
		"three decimals":   `{"entries":[{"province":"四川","effective":"2024-01-01","source":"x","tiers":[{"tier":1,"monthly":1,"hourly":1.005}]}]}`,
	}
	for name, s := range bad {
		if _, err := LoadMinWageTable(strings.NewReader(s)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDefaultMinWageTable(t *testing.T) {
	table, err := DefaultMinWageTable()
	if err != nil {
		t.Fatalf("shipped minwage.json does not load: %v", err)
	}
	// Every shipped entry names its source and date (the loader enforces it);
	// every province without data is reported as missing, not guessed.
	on := d("2025-01-01")
	for _, p := range Provinces() {
		r, err := MinWage(MinWageInput{Province: p.Short, Wage: y("1"), Date: on, Table: table})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := table.Lookup(p.Short, on); ok != r.HasAmount() {
			t.Errorf("%s: has data %v but result has amount %v", p.Short, ok, r.HasAmount())
		}
	}
	for _, e := range table.Entries() {
		if e.Source == "" || e.Effective.IsZero() {
			t.Errorf("entry without source or date: %+v", e)
		}
	}
	// nil Table uses the shipped one.
	if _, err := MinWage(MinWageInput{Province: "四川", Wage: y("1900"), Date: on}); err != nil {
		t.Fatal(err)
	}
}

func TestParsers(t *testing.T) {
	money := map[string]Money{"8000": 800000, "8,000": 800000, "8000.5": 800050, "8000.55元": 800055, "¥8000": 800000, "0.8万": 800000, " 12 ": 1200, "0": 0}
	for s, want := range money {
		got, err := ParseMoney(s)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "abc", "-5", "1.234", "1e3", "1.2.3", "."} {
		if _, err := ParseMoney(s); err == nil {
			t.Errorf("ParseMoney(%q): no error", s)
		}
	}
	dates := map[string]string{"2024-09-15": "2024-09-15", "2024/9/5": "2024-09-05", "2024.9.5": "2024-09-05", "2024年9月5日": "2024-09-05", "2024年9月5号": "2024-09-05"}
	for s, want := range dates {
		got, err := ParseDate(s)
		if err != nil || ymd(got) != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", s, got, err, want)
		}
	}
	for _, s := range []string{"2024-02-30", "2023-02-29", "15/09/2024", "yesterday", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q): no error", s)
		}
	}
	if formatFen(123456789) != "1,234,567.89" || formatFen(5) != "0.05" || formatFen(-150) != "-1.50" {
		t.Errorf("formatFen: %s %s %s", formatFen(123456789), formatFen(5), formatFen(-150))
	}
}

func TestResultJSONAndRender(t *testing.T) {
	r, _ := Severance(SeveranceInput{Start: d("2021-03-01"), End: d("2024-09-15"), MonthlyWage: y("8000")})
	j := r.JSON("en")
	if j.Kind != "severance" || j.Amount == nil || *j.Amount != 32000 || j.Unit != UnitYuan || !strings.HasPrefix(j.Formula, "Service") || len(j.Notes) != len(r.Notes) {
		t.Errorf("JSON = %+v", j)
	}
	txt := r.Render("zh")
	for _, s := range []string{"32,000.00", "《劳动合同法》第47条", "注意"} {
		if !strings.Contains(txt, s) {
			t.Errorf("Render lacks %q:\n%s", s, txt)
		}
	}
	if !strings.Contains(r.Render("en"), "Labor Contract Law, art. 47") {
		t.Errorf("English render lacks the English citation:\n%s", r.Render("en"))
	}
}

func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(MinWageTier{Tier: 1, Monthly: y("2100"), Hourly: y("22.2")})
	if err != nil || string(b) != `{"tier":1,"monthly":2100.00,"hourly":22.20}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
	var tier MinWageTier
	if err := json.Unmarshal([]byte(`{"tier":2,"monthly":"1970","hourly":20.8}`), &tier); err != nil || tier.Monthly != y("1970") || tier.Hourly != y("20.8") {
		t.Errorf("unmarshal = %+v, %v", tier, err)
	}
}
