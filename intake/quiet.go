package intake

import (
	"time"

	"github.com/laborbot/laborbot/calc"
)

// Quiet hours: the bot sends no reminder between QuietStart and QuietEnd
// o'clock, by the worker's local clock for reminders to workers and by
// China time (Reporting) for reminders to staff. A reminder due then waits
// for the end of the quiet hours.
const (
	QuietStart = 22
	QuietEnd   = 8
)

// Urumqi is Xinjiang time (UTC+6), the clock many people in Xinjiang,
// Uyghur residents especially, live by, beside the official Beijing time.
var Urumqi = time.FixedZone("XJT", 6*3600)

// ProvinceClocks returns the local clocks people in a province live by
// (calc.Province.Short names; anything else gets China time). China has
// one legal time, UTC+8 (Reporting), and that is every province's first
// clock. Xinjiang also has its own: a worker there may read 22:00 Beijing
// time as 20:00 or 08:00 Beijing time as 06:00. Rather than guess which
// clock a worker keeps, quiet hours hold by both there, so reminders reach
// Xinjiang between 10:00 and 22:00 Beijing time (08:00–20:00 Xinjiang
// time): never at night by either clock. Add a province here to give it
// a clock of its own.
func ProvinceClocks(province string) []*time.Location {
	if p, ok := calc.LookupProvince(province); ok && p.Short == "新疆" {
		return []*time.Location{Reporting, Urumqi}
	}
	return []*time.Location{Reporting}
}

// QuietUntil reports whether at falls in the quiet hours of any of the
// clocks, and if so returns the first moment after it that is quiet on
// none of them.
func QuietUntil(at time.Time, clocks []*time.Location) (time.Time, bool) {
	t, moved := at, false
	// Each pass moves past one clock's night; with n clocks, n passes
	// reach a moment quiet on none.
	for range len(clocks) + 1 {
		changed := false
		for _, loc := range clocks {
			if end, quiet := quietEndIn(t, loc); quiet {
				t, changed, moved = end, true, true
			}
		}
		if !changed {
			break
		}
	}
	return t, moved
}

// quietEndIn returns the end of the quiet hours t falls in on loc's
// clock.
func quietEndIn(t time.Time, loc *time.Location) (time.Time, bool) {
	l := t.In(loc)
	y, m, d := l.Date()
	switch h := l.Hour(); {
	case h >= QuietStart:
		return time.Date(y, m, d+1, QuietEnd, 0, 0, 0, loc), true
	case h < QuietEnd:
		return time.Date(y, m, d, QuietEnd, 0, 0, 0, loc), true
	}
	return t, false
}

// dayAt returns o'clock on a calendar day (a date as the Service keeps
// dates: its day in Reporting) in the province's first clock.
func dayAt(day time.Time, hour int, province string) time.Time {
	y, m, d := calendarDay(day).Date()
	return time.Date(y, m, d, hour, 0, 0, 0, ProvinceClocks(province)[0])
}

// calendarDay is a date's calendar day as midnight UTC (calc's form),
// whether it is stored as calc's midnight UTC or as midnight China time.
func calendarDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if t.Location() == time.UTC && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t
	}
	y, m, d := t.In(Reporting).Date()
	return calc.Date(y, m, d)
}
