package calc

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseMoneyForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Money // in fen; 0 with code "" means "refused"
		code string
	}{
		{"8000", Yuan(8000), ""},
		{"一万五", Yuan(15000), ""},
		{"1.5万", Yuan(15000), ""},
		{"1万5千", Yuan(15000), ""},
		{"1万5", Yuan(15000), ""},
		{"15k", Yuan(15000), ""},
		{"15K", Yuan(15000), ""},
		{"1.5k", Yuan(1500), ""},
		{"1.5w", Yuan(15000), ""},
		{"两千三", Yuan(2300), ""},
		{"三千五百元", Yuan(3500), ""},
		{"三千五", Yuan(3500), ""},
		{"¥15,000", Yuan(15000), ""},
		{"￥15,000", Yuan(15000), ""},
		{"15,000元", Yuan(15000), ""},
		{"15，000元", Yuan(15000), ""}, // full-width comma
		{"1,234,567.5", 123456750, ""},
		{"8千", Yuan(8000), ""},
		{"八千块", Yuan(8000), ""},
		{"十万", Yuan(100000), ""},
		{"二十万", Yuan(200000), ""},
		{"一百二", Yuan(120), ""},
		{"一千零五", Yuan(1005), ""},
		{"一千零五十", Yuan(1050), ""},
		{"5万3", Yuan(53000), ""},
		{"２万", Yuan(20000), ""},
		{"１５０００", Yuan(15000), ""},
		{"1\u200b5000", Yuan(15000), ""}, // zero-width space inside
		{"\ufeff6500", Yuan(6500), ""},
		{"大概6000左右", Yuan(6000), ""},
		{"月薪 6500 元", Yuan(6500), ""},
		{"3000多", Yuan(3000), ""},
		{"RMB 15000", Yuan(15000), ""},
		{"15000 yuan", Yuan(15000), ""},
		{"8000.5", 800050, ""},
		{"0.500", 50, ""}, // a leading 0 cannot be thousands
		{"1.234.567", Yuan(1234567), ""},
		{"6.000", 0, CodeAmbiguous},
		{"1.234", 0, CodeAmbiguous},
		{"6,5", 0, CodeAmbiguous},
		{"8000.123", 0, ""},
		{"abc", 0, ""},
		{"一五", 0, ""},
		{"三百千", 0, ""},
		{"万", 0, ""},
		{"-5", 0, ""},
		{"", 0, ""},
		{"1e3", 0, ""},
		{"15,00", 0, CodeAmbiguous},
		{"15,0000", 0, ""},
	} {
		got, err := ParseMoney(tc.in)
		if tc.want != 0 {
			if err != nil || got != tc.want {
				t.Errorf("ParseMoney(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("ParseMoney(%q) = %v, %v; want an *InputError", tc.in, got, err)
			continue
		}
		if ie.Code != tc.code || ie.Msg.Zh == "" || ie.Msg.En == "" {
			t.Errorf("ParseMoney(%q): code %q, msg %+v; want code %q and both languages", tc.in, ie.Code, ie.Msg, tc.code)
		}
	}
}

// TestParseMoneyAmbiguousOffersBoth: "6.000" is not taken as 6 yuan; the
// worker is asked, with both readings named.
func TestParseMoneyAmbiguousOffersBoth(t *testing.T) {
	_, err := ParseMoney("6.000")
	var ie *InputError
	if !errors.As(err, &ie) || ie.Code != CodeAmbiguous {
		t.Fatalf("ParseMoney(6.000) error %v, want CodeAmbiguous", err)
	}
	for _, lang := range []string{"zh", "en"} {
		msg := ie.Message(lang)
		if !strings.Contains(msg, " 6 ") || !strings.Contains(msg, "6000") {
			t.Errorf("%s message %q does not offer 6 and 6000", lang, msg)
		}
	}
}

func TestParseDateOnForms(t *testing.T) {
	today := Date(2025, 6, 10)
	for _, tc := range []struct {
		in       string
		want     string // "" refused
		noDay    bool
		relative bool
	}{
		{"2023-03-01", "2023-03-01", false, false},
		{"2023/3/1", "2023-03-01", false, false},
		{"2023.3.1", "2023-03-01", false, false},
		{"2023年3月1日", "2023-03-01", false, false},
		{"2023年3月1号", "2023-03-01", false, false},
		{"20230301", "2023-03-01", false, false},
		{"２０２３－０３－０１", "2023-03-01", false, false},
		{"2023-\u200b03-01", "2023-03-01", false, false},
		{"2023年3月", "2023-03-01", true, false},
		{"2023年3月份", "2023-03-01", true, false},
		{"2023-03", "2023-03-01", true, false},
		{"2023.3", "2023-03-01", true, false},
		{"2023/3", "2023-03-01", true, false},
		{"202303", "2023-03-01", true, false},
		{"23年3月", "2023-03-01", true, false},
		{"二〇二三年三月", "2023-03-01", true, false},
		{"二零二三年十二月三十一日", "2023-12-31", false, false},
		{"2023年3月底", "2023-03-31", false, false},
		{"2023年年底", "2023-12-31", false, false},
		{"2023年底", "2023-12-31", false, false},
		{"2023年初", "2023-01-01", false, false},
		{"去年三月", "2024-03-01", true, true},
		{"2023年3月中旬", "2023-03-15", false, false},
		{"去年3月下旬", "2024-03-25", false, true},
		{"3月上旬", "2025-03-05", false, true},
		{"年初", "2025-01-01", true, true},
		{"年底", "2025-12-31", false, true},
		{"去年3月15号", "2024-03-15", false, true},
		{"去年底", "2024-12-31", false, true},
		{"去年年底", "2024-12-31", false, true},
		{"前年5月", "2023-05-01", true, true},
		{"今年5月", "2025-05-01", true, true},
		{"今年二月底", "2025-02-28", false, true},
		{"3月1号", "2025-03-01", false, true},
		{"3月1日", "2025-03-01", false, true},
		{"三月一日", "2025-03-01", false, true},
		{"8月1号", "2024-08-01", false, true}, // still to come this year: last year's
		{"3月", "2025-03-01", true, true},
		{"3.1", "2025-03-01", false, true},
		{"上个月底", "2025-05-31", false, true},
		{"上个月", "2025-05-01", true, true},
		{"上月15号", "2025-05-15", false, true},
		{"上上个月", "2025-04-01", true, true},
		{"月底", "2025-06-30", false, true},
		{"这个月初", "2025-06-01", false, true},
		{"5号", "2025-06-05", false, true},
		{"15号", "2025-05-15", false, true}, // the 15th is still to come: last month's
		{"今天", "2025-06-10", false, true},
		{"昨天", "2025-06-09", false, true},
		{"三个月前", "2025-03-10", false, true},
		{"半年前", "2024-12-10", false, true},
		{"today", "2025-06-10", false, true},
		{"yesterday", "2025-06-09", false, true},
		{"last month", "2025-05-01", true, true},
		{"end of last month", "2025-05-31", false, true},
		{"the end of the month", "2025-06-30", false, true},
		{"March 2023", "2023-03-01", true, false},
		{"Mar. 2023", "2023-03-01", true, false},
		{"1 March 2023", "2023-03-01", false, false},
		{"March 1, 2023", "2023-03-01", false, false},
		{"March 1st 2023", "2023-03-01", false, false},
		{"2023 March", "2023-03-01", true, false},
		{"March last year", "2024-03-01", true, true},
		{"15 March last year", "2024-03-15", false, true},
		{"last March", "2025-03-01", true, true},
		{"last September", "2024-09-01", true, true},
		{"3 months ago", "2025-03-10", false, true},
		{"two years ago", "2023-06-10", false, true},
		{"2023-02-29", "", false, false},
		{"2023-13-01", "", false, false},
		{"1900-01-01", "", false, false},
		{"前年", "", false, false},
		{"2023年", "", false, false},
		{"2023", "", false, false},
		{"15/09/2024", "", false, false},
		{"加班费怎么算？", "", false, false},
		{"sometime", "", false, false},
		{"", "", false, false},
	} {
		got, err := ParseDateOn(tc.in, today)
		if tc.want == "" {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Msg.Zh == "" || ie.Msg.En == "" {
				t.Errorf("ParseDateOn(%q) = %v, %v; want an *InputError in both languages", tc.in, got.Time, err)
			}
			continue
		}
		if err != nil || ymd(got.Time) != tc.want || got.NoDay != tc.noDay || got.Relative != tc.relative {
			t.Errorf("ParseDateOn(%q) = %s noDay=%v relative=%v, %v; want %s noDay=%v relative=%v",
				tc.in, ymd(got.Time), got.NoDay, got.Relative, err, tc.want, tc.noDay, tc.relative)
		}
	}
}

// TestParseDateCodes: a year alone asks for the month (naming the year it
// understood); a year out of range names the allowed years.
func TestParseDateCodes(t *testing.T) {
	today := Date(2025, 6, 10)
	for _, tc := range []struct{ in, code, mention string }{
		{"前年", CodeNeedMonth, "2023"},
		{"2023年", CodeNeedMonth, "2023"},
		{"1900-01-01", CodeYearRange, "1950"},
		{"3000年1月", CodeYearRange, "2200"},
	} {
		_, err := ParseDateOn(tc.in, today)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Code != tc.code {
			t.Errorf("%q: error %v, want code %q", tc.in, err, tc.code)
			continue
		}
		if !strings.Contains(ie.Msg.Zh, tc.mention) || !strings.Contains(ie.Msg.En, tc.mention) {
			t.Errorf("%q: message %+v does not mention %s", tc.in, ie.Msg, tc.mention)
		}
	}
	// 2023年2月 has no 29th: the message says how many days it has.
	_, err := ParseDateOn("2023-02-29", today)
	if err == nil || !strings.Contains(err.Error(), "28") {
		t.Errorf("2023-02-29: %v, want the 28 days named", err)
	}
}

// TestParseDateWithoutToday: relative forms need today; ParseDate (no
// today) refuses them instead of reading the clock.
func TestParseDateWithoutToday(t *testing.T) {
	for _, s := range []string{"去年三月", "上个月底", "3月1号", "yesterday", "last month"} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v without today", s, d)
		}
	}
	if d, err := ParseDate("2023年3月"); err != nil || ymd(d) != "2023-03-01" {
		t.Errorf("ParseDate(2023年3月) = %v, %v", d, err)
	}
}

func TestDateText(t *testing.T) {
	got := DateText(Date(2023, 3, 1))
	if got.Zh != "2023年3月1日" || got.En != "1 March 2023" {
		t.Errorf("DateText = %+v", got)
	}
}

// TestFieldParseOnRelative: a calculator's date field reads 去年三月
// against Env.Today.
func TestFieldParseOnRelative(t *testing.T) {
	c, _ := LookupCalculator(KindSeverance)
	f, _ := c.Field("start")
	v, err := f.ParseOn("去年三月", Date(2025, 6, 10))
	if d, ok := v.(time.Time); err != nil || !ok || ymd(d) != "2024-03-01" {
		t.Fatalf("ParseOn = %v, %v", v, err)
	}
	if _, err := f.Parse("去年三月"); err == nil {
		t.Error("Parse without today took a relative date")
	}
	r, err := c.Run(Values{"start": "前年3月", "end": "上个月底", "wage": "一万五"}, Env{Today: Date(2025, 6, 10)})
	if err != nil {
		t.Fatal(err)
	}
	// 2023-03-01 to 2025-05-31: two years and three months of service.
	if !strings.Contains(r.Formula.Zh, "15,000.00") {
		t.Errorf("severance formula %q does not use the wage 15,000", r.Formula.Zh)
	}
}

// FuzzParse: no input makes the parsers panic, and what they accept is in
// range.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"一万五", "1万5千", "6.000", "15,000元", "去年三月", "上个月底", "99999999999999999999个月前",
		"2023年3月", "March 1, 2023", "3 months ago", "零", "十", "万万", "1.5.5万", "k", "¥", "\u200b", "２０２３－０３"} {
		f.Add(s)
	}
	today := Date(2025, 6, 10)
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := ParseMoney(s); err == nil && (m < 0 || int64(m) > 1e15) {
			t.Errorf("ParseMoney(%q) = %d", s, m)
		}
		if p, err := ParseDateOn(s, today); err == nil && (p.Time.Year() < MinYear || p.Time.Year() > MaxYear) {
			t.Errorf("ParseDateOn(%q) = %v", s, p.Time)
		}
		ParseNumber(s)
	})
}
