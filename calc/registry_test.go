package calc

import (
	"errors"
	"testing"
	"time"
)

func TestCalculatorsDescribeThemselves(t *testing.T) {
	kinds := map[FieldKind]bool{FieldDate: true, FieldMoney: true, FieldInt: true, FieldNumber: true, FieldBool: true, FieldChoice: true, FieldProvince: true}
	names := map[string]bool{}
	cs := Calculators()
	if len(cs) != 7 {
		t.Fatalf("%d calculators, want 7", len(cs))
	}
	for _, c := range cs {
		if names[c.Name] {
			t.Errorf("duplicate calculator %s", c.Name)
		}
		names[c.Name] = true
		if c.Title.Zh == "" || c.Title.En == "" || c.Summary.Zh == "" || c.Summary.En == "" {
			t.Errorf("%s: title or summary missing a language", c.Name)
		}
		if got, ok := LookupCalculator(c.Name); !ok || got.Name != c.Name {
			t.Errorf("LookupCalculator(%s) failed", c.Name)
		}
		fields := map[string]bool{}
		for _, f := range c.Fields {
			if fields[f.Name] {
				t.Errorf("%s: duplicate field %s", c.Name, f.Name)
			}
			fields[f.Name] = true
			if !kinds[f.Kind] {
				t.Errorf("%s.%s: bad kind %q", c.Name, f.Name, f.Kind)
			}
			if f.Prompt.Zh == "" || f.Prompt.En == "" {
				t.Errorf("%s.%s: prompt missing a language", c.Name, f.Name)
			}
			if (f.Kind == FieldChoice) != (len(f.Choices) > 0) {
				t.Errorf("%s.%s: choices only for choice fields", c.Name, f.Name)
			}
		}
	}
	if _, ok := LookupCalculator("nope"); ok {
		t.Errorf("LookupCalculator(nope) succeeded")
	}
}

func TestCalculatorRun(t *testing.T) {
	env := Env{Today: Date(2025, time.November, 23)}
	cases := []struct {
		name   string
		values Values
		want   string
	}{
		{KindSeverance, Values{"start": "2021-03-01", "end": "2024年9月15日", "wage": "8,000", "unlawful": "是"}, "64000.00"},
		{KindOvertime, Values{"wage": "6000", "weekday-hours": "20", "restday-hours": "16", "holiday-hours": "8小时"}, "2965.52"},
		{KindDoubleWage, Values{"start": "2024/1/10", "signed": "2024-08-01", "wage": "5000元"}, "28548.39"},
		{KindAnnualLeave, Values{"years": "12年", "taken": "3", "wage": "7000"}, "4505.75"},
		{KindAnnualLeave, Values{"years": "12", "joined": "2024-07-01", "taken": ""}, "5"},
		{KindInjury, Values{"grade": "七级", "wage": "6000"}, "78000.00"},
		{KindInjury, Values{"grade": "7", "wage": "6000"}, "78000.00"},
		{KindDeadline, Values{"knew": "2025-06-01"}, "190"},
		{KindDeadline, Values{"wages": "yes"}, ""},
		{KindMinWage, Values{"province": "四川", "wage": "1900"}, ""},
	}
	for _, c := range cases {
		calc, _ := LookupCalculator(c.name)
		r, err := calc.Run(c.values, env)
		if err != nil {
			t.Errorf("%s %v: %v", c.name, c.values, err)
			continue
		}
		if r.Kind != c.name {
			t.Errorf("kind %s, want %s", r.Kind, c.name)
		}
		if got := r.AmountString(); got != c.want && !(r.Unit == UnitYuan && got == formatFen(int64(y(c.want)))) {
			t.Errorf("%s %v = %q, want %q", c.name, c.values, got, c.want)
		}
	}

	bad := []struct {
		name   string
		values Values
		field  string
	}{
		{KindSeverance, Values{"start": "2021-03-01", "end": "2024-09-15"}, "wage"},              // required missing
		{KindSeverance, Values{"start": "sometime", "end": "2024-09-15", "wage": "1"}, "start"},  // bad date
		{KindSeverance, Values{"start": "2021-03-01", "end": "2024-09-15", "wage": "x"}, "wage"}, // bad money
		{KindSeverance, Values{"start": "2021-03-01", "end": "2024-09-15", "wage": "1", "bogus": "1"}, "bogus"},
		{KindSeverance, Values{"start": "2021-03-01", "end": "2024-09-15", "wage": "1", "unlawful": "maybe"}, "unlawful"},
		{KindInjury, Values{"grade": "11", "wage": "1"}, "grade"},
		{KindMinWage, Values{"province": "Atlantis", "wage": "1"}, "province"},
		{KindOvertime, Values{"wage": "1", "weekday-hours": "two"}, "weekday-hours"},
		{KindDoubleWage, Values{"start": "2024-01-10", "wage": "5000"}, "signed"}, // Validate: signed or end
	}
	for _, b := range bad {
		calc, _ := LookupCalculator(b.name)
		_, err := calc.Run(b.values, env)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s %v: error %v, want *InputError", b.name, b.values, err)
			continue
		}
		if ie.Field != b.field {
			t.Errorf("%s %v: field %q, want %q (%v)", b.name, b.values, ie.Field, b.field, err)
		}
	}
}

func TestFieldParse(t *testing.T) {
	c, _ := LookupCalculator(KindMinWage)
	f, _ := c.Field("province")
	v, err := f.Parse("四川省")
	if err != nil || v != "四川" {
		t.Errorf("province parse = %v, %v", v, err)
	}
	f, _ = c.Field("hourly")
	for raw, want := range map[string]bool{"是": true, "否": false, "yes": true, "N": false, "true": true} {
		v, err := f.Parse(raw)
		if err != nil || v != want {
			t.Errorf("bool parse %q = %v, %v", raw, v, err)
		}
	}
	f, _ = c.Field("wage")
	if v, err := f.Parse("2,100.5"); err != nil || v != Money(210050) {
		t.Errorf("money parse = %v, %v", v, err)
	}
	if _, err := f.Parse("lots"); err == nil {
		t.Errorf("money parse accepted junk")
	} else if ie := (*InputError)(nil); !errors.As(err, &ie) || ie.Field != "wage" || ie.Message("zh") == "" || ie.Message("en") == "" {
		t.Errorf("parse error = %v", err)
	}
	if p, ok := LookupProvince("Tibet"); !ok || p.Short != "西藏" {
		t.Errorf("Tibet → %v", p)
	}
	if len(Provinces()) != 31 {
		t.Errorf("%d provinces", len(Provinces()))
	}
}

// The last month's wage is asked only when a month in lieu of notice is
// owed: after "no" (or an unlawful dismissal) the question cannot change
// the result.
func TestSeveranceAsksLastWageOnlyWhenOwed(t *testing.T) {
	k, ok := LookupCalculator(KindSeverance)
	if !ok {
		t.Fatal("no severance calculator")
	}
	for _, tc := range []struct {
		unlawful, inLieu string
		want             bool
	}{
		{"否", "是", true},
		{"", "yes", true},
		{"否", "否", false},
		{"否", "", false},
		{"是", "是", false},
	} {
		v := Values{"start": "2021-03-01", "end": "2024-09-15", "wage": "8000", "unlawful": tc.unlawful, "in-lieu": tc.inLieu}
		if got := k.Asks("last-wage", v); got != tc.want {
			t.Errorf("unlawful=%q in-lieu=%q: asks last-wage = %v, want %v", tc.unlawful, tc.inLieu, got, tc.want)
		}
	}
	if !k.Asks("wage", Values{}) {
		t.Error("a field without a condition is not asked")
	}
}
