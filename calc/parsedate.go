package calc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The years a date may have. Earlier years are typing mistakes (1900 for
// 2000) rather than anyone's first day at work; later ones likewise.
const (
	MinYear = 1950
	MaxYear = 2200
)

// ParsedDate is a date read from what a worker typed, with how it was
// read, so the reader can echo it back ("记为 2023年3月1日").
type ParsedDate struct {
	Time time.Time
	// NoDay: only the month was given and Time is its 1st (the prompts
	// tell workers to give the 1st when they do not remember the day).
	NoDay bool
	// Relative: the date was read against today (去年三月, 上个月底, 3月1号
	// without a year, last month).
	Relative bool
}

// Text is the date written out for a worker: "2023年3月1日" /
// "1 March 2023".
func (p ParsedDate) Text() Text { return DateText(p.Time) }

// DateText writes a day out in words: "2023年3月1日" / "1 March 2023".
func DateText(t time.Time) Text {
	return Text{Zh: fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()), En: t.Format("2 January 2006")}
}

// ParseDate reads a date that does not depend on today: 2024-09-15,
// 2024/9/15, 2024.9.15, 2024年9月15日, 20240915, 二〇二四年九月十五日,
// 15 September 2024, and a month alone (2023年3月, 2023-03, 2023.3, March
// 2023) as its 1st. See ParseDateOn for the forms relative to today.
func ParseDate(s string) (time.Time, error) {
	p, err := ParseDateOn(s, time.Time{})
	return p.Time, err
}

// ParseDateOn reads a date as workers write it. Besides the forms of
// ParseDate it takes, against today: 去年三月, 前年5月, 今年5月, 3月1号 (this
// year, or last year when that day is still to come), 15号, 上个月, 上个月底,
// 月底, 月初, 今天, 昨天, 三个月前, "last month", "end of last month",
// "March last year", "3 months ago". A zero today refuses the relative
// forms. Errors are *InputError; a year alone (前年, 2023年) has Code
// CodeNeedMonth and a year out of MinYear–MaxYear CodeYearRange.
func ParseDateOn(s string, today time.Time) (ParsedDate, error) {
	t := strings.ToLower(Normalize(s))
	t = strings.TrimRight(t, "。.!！ ")
	if t == "" {
		return ParsedDate{}, errDate(s)
	}
	r := dateReader{raw: strings.TrimSpace(s), today: Day(today)}
	if p, ok, err := r.chinese(t); ok || err != nil {
		return p, err
	}
	if p, ok, err := r.english(t); ok || err != nil {
		return p, err
	}
	return ParsedDate{}, errDate(s)
}

func errDate(s string) *InputError {
	return inputErrf("",
		"看不懂这个日期：“%s”。可以这样写：2023-03-01、2023年3月、去年三月、上个月底。",
		"%q is not a date I can read. You can write e.g. 2023-03-01, March 2023, last month.",
		strings.TrimSpace(s))
}

type dateReader struct {
	raw   string
	today time.Time // zero: relative forms are refused
}

// needToday refuses a relative date when there is no today to read it
// against (a calculator run without Env.Today).
func (r dateReader) needToday() error {
	if r.today.IsZero() {
		return inputErrf("", "请写具体的日期，例如 2023-03-01（收到的是“%s”）。", "Please give the full date, e.g. 2023-03-01 (got %q).", r.raw)
	}
	return nil
}

// day checks y-m-d and returns it.
func (r dateReader) day(y, m, d int, noDay, relative bool) (ParsedDate, bool, error) {
	if y < MinYear || y > MaxYear {
		e := inputErrf("",
			"“%s”的年份 %d 不对：请写 %d 年到 %d 年之间的日期。",
			"The year %[2]d in %[1]q is out of range: please give a date between %[3]d and %[4]d.",
			r.raw, y, MinYear, MaxYear)
		e.Code = CodeYearRange
		return ParsedDate{}, true, e
	}
	if m < 1 || m > 12 {
		return ParsedDate{}, true, inputErrf("", "没有 %d 月：月份只能是 1 到 12（收到的是“%s”）。", "There is no month %d: months go from 1 to 12 (got %q).", m, r.raw)
	}
	if n := daysIn(y, time.Month(m)); d < 1 || d > n {
		return ParsedDate{}, true, inputErrf("",
			"%[1]d年%[6]d月没有 %[3]d 号：这个月只有 %[4]d 天（收到的是“%[5]s”）。",
			"%[2]s %[1]d has no day %[3]d: it has %[4]d days (got %[5]q).",
			y, time.Month(m).String(), d, n, r.raw, m)
	}
	return ParsedDate{Time: Date(y, time.Month(m), d), NoDay: noDay, Relative: relative}, true, nil
}

// yearless reads a month and day given without a year: this year's, or
// last year's when this year's is still to come (workers describe the
// past).
func (r dateReader) yearless(m, d int, noDay bool) (ParsedDate, bool, error) {
	if err := r.needToday(); err != nil {
		return ParsedDate{}, true, err
	}
	y := r.today.Year()
	if m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, time.Month(m)) && Date(y, time.Month(m), d).After(r.today) {
		y--
	}
	return r.day(y, m, d, noDay, true)
}

// needMonth refuses a year alone: guessing January could add eleven
// months to a length of service.
func (r dateReader) needMonth(y int) (ParsedDate, bool, error) {
	e := inputErrf("",
		"只写了年份（%d 年）。请补上月份，例如“%d年3月”；记不清哪天就按那个月 1 号算。",
		"Only the year (%d) was given. Please add the month, e.g. \"March %d\"; if you don't remember the day, the 1st is used.",
		y, y)
	e.Code = CodeNeedMonth
	return ParsedDate{}, true, e
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// fullYear reads a year of two or four digits (23年 = 2023).
func fullYear(s string) int {
	y := atoi(s)
	if len(s) == 2 {
		if y <= 50 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

var (
	zhYMD      = regexp.MustCompile(`^(\d{4}|\d{2})年(\d{1,2})月(\d{1,2})日?$|^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})日?$`)
	zhYM       = regexp.MustCompile(`^(\d{4}|\d{2})年(\d{1,2})月?(底|初)?$|^(\d{4})[-/.](\d{1,2})$`)
	zhCompact  = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})?$`)
	zhYear     = regexp.MustCompile(`^(\d{4})年?$|^(\d{2})年$`)
	zhYearPart = regexp.MustCompile(`^(\d{4}|\d{2})年(底|初)$`)
	zhRelYear  = regexp.MustCompile(`^(大前年|前年|去年|今年|明年)(?:(\d{1,2})月(?:(\d{1,2})日|(底|初))?|(底|初))?$`)
	zhMD       = regexp.MustCompile(`^(\d{1,2})月(?:(\d{1,2})日|(底|初))?$|^(\d{1,2})[/.-](\d{1,2})$`)
	zhRelMonth = regexp.MustCompile(`^(上上月|上月|本月|下月)?(?:(\d{1,2})日|(底|初))?$`)
	zhAgo      = regexp.MustCompile(`^(\d+|半)(个)?(天|周|星期|月|年)(前|以前|之前)$`)
	zhNumerals = regexp.MustCompile(`[〇○零一二两三四五六七八九十]+`)
)

// zhWords are rewritten before matching so that the patterns stay few.
var zhWords = strings.NewReplacer(
	"上上个月", "上上月", "上个月", "上月", "这个月", "本月", "这月", "本月", "下个月", "下月",
	"号", "日", "月份", "月", "月末", "月底", "年年底", "年底", "年年末", "年底", "年末", "年底", "年年初", "年初",
	// A part of a month as its middle day: the echo shows the day taken
	// and the worker can change it.
	"上旬", "5日", "中旬", "15日", "下旬", "25日",
	"左右", "", "大概", "", "大约", "", "差不多", "", "的时候", "", "那天", "", "开始", "", "入职", "", "离职", "",
)

// chinese reads the Chinese and numeric forms. ok is false when the text
// is none of them.
func (r dateReader) chinese(t string) (ParsedDate, bool, error) {
	c := strings.Join(strings.Fields(t), "")
	c = zhWords.Replace(c)
	// 二〇二三 → 2023 (digit by digit), 十二 → 12, 三十一 → 31.
	c = zhNumerals.ReplaceAllStringFunc(c, func(run string) string {
		if strings.Contains(run, "十") {
			if v, err := parseNumber(run); err == nil && v.IsInt() {
				return v.Num().String()
			}
			return run
		}
		var b strings.Builder
		for _, ch := range run {
			b.WriteByte(byte('0' + cnDigits[ch]))
		}
		return b.String()
	})
	switch c {
	case "今天", "今日":
		return r.offset(0, 0, 0)
	case "昨天", "昨日":
		return r.offset(0, 0, -1)
	case "前天":
		return r.offset(0, 0, -2)
	case "明天":
		return r.offset(0, 0, 1)
	}
	if m := zhYMD.FindStringSubmatch(c); m != nil {
		if m[1] != "" {
			return r.day(fullYear(m[1]), atoi(m[2]), atoi(m[3]), false, false)
		}
		return r.day(atoi(m[4]), atoi(m[5]), atoi(m[6]), false, false)
	}
	if m := zhYM.FindStringSubmatch(c); m != nil {
		if m[1] != "" {
			return r.monthPart(fullYear(m[1]), atoi(m[2]), m[3], false)
		}
		return r.day(atoi(m[4]), atoi(m[5]), 1, true, false)
	}
	if m := zhCompact.FindStringSubmatch(c); m != nil {
		if m[3] == "" {
			return r.day(atoi(m[1]), atoi(m[2]), 1, true, false)
		}
		return r.day(atoi(m[1]), atoi(m[2]), atoi(m[3]), false, false)
	}
	if m := zhYearPart.FindStringSubmatch(c); m != nil {
		if m[2] == "底" {
			return r.day(fullYear(m[1]), 12, 31, false, false)
		}
		return r.day(fullYear(m[1]), 1, 1, false, false)
	}
	if m := zhYear.FindStringSubmatch(c); m != nil {
		if m[1] != "" {
			return r.needMonth(atoi(m[1]))
		}
		return r.needMonth(fullYear(m[2]))
	}
	if c == "年初" || c == "年底" {
		c = "今年" + c[len("年"):] // 年初 alone is this year's
	}
	if m := zhRelYear.FindStringSubmatch(c); m != nil {
		if err := r.needToday(); err != nil {
			return ParsedDate{}, true, err
		}
		y := r.today.Year() + map[string]int{"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "明年": 1}[m[1]]
		switch {
		case m[2] != "" && m[3] != "":
			return r.day(y, atoi(m[2]), atoi(m[3]), false, true)
		case m[2] != "":
			return r.monthPart(y, atoi(m[2]), m[4], true)
		case m[5] == "底":
			return r.day(y, 12, 31, false, true)
		case m[5] == "初":
			return r.day(y, 1, 1, true, true)
		}
		return r.needMonth(y)
	}
	if m := zhMD.FindStringSubmatch(c); m != nil {
		if m[1] == "" {
			return r.yearless(atoi(m[4]), atoi(m[5]), false)
		}
		mo := atoi(m[1])
		switch {
		case m[2] != "":
			return r.yearless(mo, atoi(m[2]), false)
		case m[3] == "底":
			if err := r.needToday(); err != nil {
				return ParsedDate{}, true, err
			}
			p, _, err := r.yearless(mo, 1, false)
			if err != nil {
				return p, true, err
			}
			return r.day(p.Time.Year(), mo, daysIn(p.Time.Year(), time.Month(mo)), false, true)
		}
		return r.yearless(mo, 1, true)
	}
	if m := zhRelMonth.FindStringSubmatch(c); m != nil && c != "" && (m[1] != "" || m[2] != "" || m[3] != "") {
		if m[1] == "" && m[2] == "" {
			// 底 or 初 alone is "月底"/"年底" cut short: only 月底/月初 get here.
			return ParsedDate{}, false, nil
		}
		return r.monthRelative(m[1], m[2], m[3])
	}
	if c == "月底" || c == "月初" {
		return r.monthRelative("本月", "", strings.TrimPrefix(c, "月"))
	}
	if m := zhAgo.FindStringSubmatch(c); m != nil {
		n := atoi(m[1])
		if m[1] != "半" && (n <= 0 || n > 10000) {
			return ParsedDate{}, false, nil
		}
		unit := m[3]
		if m[1] == "半" {
			switch unit {
			case "年":
				n, unit = 6, "月"
			case "月":
				n, unit = 15, "天"
			default:
				return ParsedDate{}, false, nil
			}
		}
		switch unit {
		case "天":
			return r.offset(0, 0, -n)
		case "周", "星期":
			return r.offset(0, 0, -7*n)
		case "月":
			return r.offset(0, -n, 0)
		}
		return r.offset(-n, 0, 0)
	}
	return ParsedDate{}, false, nil
}

// monthPart is a month of a known year, with 底 (its last day) or 初 (its
// 1st) or nothing (its 1st, the day not given).
func (r dateReader) monthPart(y, m int, part string, relative bool) (ParsedDate, bool, error) {
	if part == "底" && m >= 1 && m <= 12 {
		return r.day(y, m, daysIn(y, time.Month(m)), false, relative)
	}
	return r.day(y, m, 1, part == "", relative)
}

// monthRelative is 上月/本月/下月 (or none: this month) with a day, 底 or
// 初, or neither (the 1st, the day not given).
func (r dateReader) monthRelative(which, day, part string) (ParsedDate, bool, error) {
	if err := r.needToday(); err != nil {
		return ParsedDate{}, true, err
	}
	shift := map[string]int{"上上月": -2, "上月": -1, "本月": 0, "下月": 1, "": 0}[which]
	first := addMonths(Date(r.today.Year(), r.today.Month(), 1), shift)
	y, m := first.Year(), int(first.Month())
	switch {
	case day != "":
		d := atoi(day)
		if which == "" && d >= 1 && d <= 31 && d > r.today.Day() {
			// "15号" on the 4th: the 15th of last month.
			prev := addMonths(first, -1)
			y, m = prev.Year(), int(prev.Month())
		}
		return r.day(y, m, d, false, true)
	case part == "底":
		return r.day(y, m, daysIn(y, time.Month(m)), false, true)
	case part == "初":
		return r.day(y, m, 1, false, true)
	}
	return r.day(y, m, 1, true, true)
}

// offset is today moved by years, months and days.
func (r dateReader) offset(years, months, days int) (ParsedDate, bool, error) {
	if err := r.needToday(); err != nil {
		return ParsedDate{}, true, err
	}
	t := addMonths(r.today, 12*years+months).AddDate(0, 0, days)
	return r.day(t.Year(), int(t.Month()), t.Day(), false, true)
}

var monthNames = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
	"june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var (
	enOrdinal = regexp.MustCompile(`(\d+)(st|nd|rd|th)\b`)
	enMonth   = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`
	enDMY     = regexp.MustCompile(`^(?:(\d{1,2}) )?(?:of )?` + enMonth + `(?: (\d{1,2}))?(?: (\d{4}))?$`)
	enYM      = regexp.MustCompile(`^(\d{4}) ` + enMonth + `$`)
	enRelYear = regexp.MustCompile(`^(?:(\d{1,2}) )?` + enMonth + `(?: (\d{1,2}))? (?:of )?(last|this|next) year$`)
	enLastM   = regexp.MustCompile(`^last ` + enMonth + `$`)
	enRelMon  = regexp.MustCompile(`^(?:the )?(?:(end|start|beginning) of )?(?:the )?(last|this|next|the) month$`)
	enAgo     = regexp.MustCompile(`^(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (day|week|month|year)s? ago$`)
)

var enNumbers = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

// english reads the English forms.
func (r dateReader) english(t string) (ParsedDate, bool, error) {
	e := strings.Join(strings.Fields(strings.NewReplacer(",", " ").Replace(t)), " ")
	e = enOrdinal.ReplaceAllString(e, "$1")
	switch e {
	case "today":
		return r.offset(0, 0, 0)
	case "yesterday":
		return r.offset(0, 0, -1)
	case "tomorrow":
		return r.offset(0, 0, 1)
	}
	if m := enRelMon.FindStringSubmatch(e); m != nil {
		if m[2] == "the" && m[1] == "" {
			return ParsedDate{}, false, nil
		}
		which := map[string]string{"last": "上月", "this": "本月", "the": "本月", "next": "下月"}[m[2]]
		part := map[string]string{"end": "底", "start": "初", "beginning": "初"}[m[1]]
		return r.monthRelative(which, "", part)
	}
	if m := enAgo.FindStringSubmatch(e); m != nil {
		n, ok := enNumbers[m[1]]
		if !ok {
			n = atoi(m[1])
		}
		if n <= 0 || n > 10000 {
			return ParsedDate{}, false, nil
		}
		switch m[2] {
		case "day":
			return r.offset(0, 0, -n)
		case "week":
			return r.offset(0, 0, -7*n)
		case "month":
			return r.offset(0, -n, 0)
		}
		return r.offset(-n, 0, 0)
	}
	if m := enLastM.FindStringSubmatch(e); m != nil {
		// "last March": the most recent March before this month.
		if err := r.needToday(); err != nil {
			return ParsedDate{}, true, err
		}
		mo := monthNames[m[1]]
		y := r.today.Year()
		if mo >= int(r.today.Month()) {
			y--
		}
		return r.day(y, mo, 1, true, true)
	}
	if m := enRelYear.FindStringSubmatch(e); m != nil {
		if err := r.needToday(); err != nil {
			return ParsedDate{}, true, err
		}
		y := r.today.Year() + map[string]int{"last": -1, "this": 0, "next": 1}[m[4]]
		return r.dayOrMonth(y, monthNames[m[2]], m[1], m[3], true)
	}
	if m := enYM.FindStringSubmatch(e); m != nil {
		return r.day(atoi(m[1]), monthNames[m[2]], 1, true, false)
	}
	if m := enDMY.FindStringSubmatch(e); m != nil {
		if m[1] != "" && m[3] != "" {
			return ParsedDate{}, false, nil // "1 March 2"
		}
		if m[4] == "" {
			if m[1] == "" && m[3] == "" {
				return r.yearless(monthNames[m[2]], 1, true)
			}
			return r.yearless(monthNames[m[2]], atoi(m[1]+m[3]), false)
		}
		return r.dayOrMonth(atoi(m[4]), monthNames[m[2]], m[1], m[3], false)
	}
	return ParsedDate{}, false, nil
}

// dayOrMonth is y-m with the day given before or after the month name,
// or no day (the 1st).
func (r dateReader) dayOrMonth(y, m int, before, after string, relative bool) (ParsedDate, bool, error) {
	switch {
	case before != "" && after != "":
		return ParsedDate{}, false, nil
	case before == "" && after == "":
		return r.day(y, m, 1, true, relative)
	}
	return r.day(y, m, atoi(before+after), false, relative)
}
