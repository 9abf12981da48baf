package calc

import (
	"fmt"
	"strings"
	"time"
)

// Date returns the calendar day y-m-d as a time.Time at midnight UTC, the
// form all dates of this package take.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Day truncates t to its calendar day (in t's own location) at midnight UTC.
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return Date(y, m, d)
}

func daysIn(y int, m time.Month) int { return Date(y, m+1, 0).Day() }

// addMonths returns the day n months after t: the same day of the month, or
// the last day of the target month when it has no such day (2024-01-31 + 1
// month = 2024-02-29). It is always computed from t itself, never step by
// step, so the day of the month does not drift.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := int(m) - 1 + n
	ty := y + floorDiv(total, 12)
	tm := time.Month(total - floorDiv(total, 12)*12 + 1)
	if dd := daysIn(ty, tm); d > dd {
		d = dd
	}
	return Date(ty, tm, d)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

// daysBetween returns the number of days from a to b (b - a).
func daysBetween(a, b time.Time) int {
	return int(Day(b).Sub(Day(a)).Hours() / 24)
}

// span is a length of time in whole months and remaining days.
type span struct {
	Months, Days int
}

// elapsed measures the time from start to end the way the Civil Code
// (民法典 201, 202) counts periods: the first day is not counted and a period
// of n months ends on the corresponding day of the n-th month (or that
// month's last day when it has no corresponding day). So 2023-03-01 to
// 2024-03-01 is exactly 12 months, and 2024-01-01 to 2024-06-30 is 5 months
// 29 days. end must not be before start.
func elapsed(start, end time.Time) span {
	if end.Before(start) {
		return span{}
	}
	y1, m1, _ := start.Date()
	y2, m2, _ := end.Date()
	n := (y2-y1)*12 + int(m2-m1)
	for n > 0 && addMonths(start, n).After(end) {
		n--
	}
	return span{Months: n, Days: daysBetween(addMonths(start, n), end)}
}

// serviceSpan is the length of service from the first day of work to the
// last, both days counted, as every calculator counts service: a job from
// 2024-01-01 to 2024-06-30 is exactly six months, one from 2023-03-01 to
// 2024-02-29 exactly one year. (elapsed counts a period as the Civil Code
// does, without its first day; a job's first day is a day worked.)
func serviceSpan(firstDay, lastDay time.Time) span {
	return elapsed(Day(firstDay), addDays(Day(lastDay), 1))
}

func (s span) years() int     { return s.Months / 12 }
func (s span) remMonths() int { return s.Months % 12 }

func (s span) zh() string {
	var parts []string
	if y := s.years(); y > 0 {
		parts = append(parts, fmt.Sprintf("%d年", y))
	}
	if m := s.remMonths(); m > 0 {
		parts = append(parts, fmt.Sprintf("%d个月", m))
	}
	if s.Days > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d天", s.Days))
	}
	return strings.Join(parts, "")
}

func (s span) en() string {
	var parts []string
	if y := s.years(); y > 0 {
		parts = append(parts, plural(y, "year"))
	}
	if m := s.remMonths(); m > 0 {
		parts = append(parts, plural(m, "month"))
	}
	if s.Days > 0 || len(parts) == 0 {
		parts = append(parts, plural(s.Days, "day"))
	}
	return strings.Join(parts, " ")
}

func plural(n int, word string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }
