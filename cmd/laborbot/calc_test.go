package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func calcRun(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runCalc(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

type calcJSON struct {
	Kind      string   `json:"kind"`
	Amount    *float64 `json:"amount"`
	Unit      string   `json:"unit"`
	Formula   string   `json:"formula"`
	Citations []struct {
		Law     string `json:"law"`
		Article int    `json:"article"`
	} `json:"citations"`
	Notes []string `json:"notes"`
}

func TestRunCalcExamples(t *testing.T) {
	cases := []struct {
		args   []string
		amount float64
		unit   string
		cite   string
	}{
		// 3y6m14d → 4 months × 8000 = 32000, × 2 for unlawful dismissal.
		{[]string{"severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000", "--local-avg", "9000", "--unlawful"}, 64000, "yuan", "劳动合同法 87"},
		{[]string{"severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000"}, 32000, "yuan", "劳动合同法 47"},
		// 6000 × 86 / 174.
		{[]string{"overtime", "--wage", "6000", "--weekday-hours", "20", "--restday-hours", "16", "--holiday-hours", "8"}, 2965.52, "yuan", "劳动法 44"},
		// 5000 × (5 + 22/31).
		{[]string{"double-wage", "--start", "2024-01-10", "--signed", "2024-08-01", "--wage", "5000"}, 28548.39, "yuan", "劳动合同法 82"},
		// Never signed, to 2025-06-30: 11 months.
		{[]string{"double-wage", "--start", "2024-01-10", "--end", "2025-06-30", "--wage", "5000"}, 55000, "yuan", "劳动合同法 14"},
		// 7 days × 7000/21.75 × 2.
		{[]string{"annual-leave", "--years", "12", "--taken", "3", "--wage", "7000"}, 4505.75, "yuan", "企业职工带薪年休假实施办法 10"},
		// 184/365 × 10 → 5 days.
		{[]string{"annual-leave", "--years", "12", "--joined", "2024-07-01"}, 5, "days", "企业职工带薪年休假实施办法 5"},
		{[]string{"injury", "--grade", "7", "--wage", "6000"}, 78000, "yuan", "工伤保险条例 37"},
		{[]string{"deadline", "--knew", "2025-06-01", "--today", "2025-11-23"}, 190, "days", "劳动争议调解仲裁法 27"},
		{[]string{"deadline", "--knew", "2025-01-01", "--wages", "--ended", "2025-03-10", "--today", "2025-11-23"}, 107, "days", "劳动争议调解仲裁法 27"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, err := calcRun(t, append(c.args, "--json")...)
			if err != nil {
				t.Fatalf("error %v; stderr: %s", err, errOut)
			}
			var j calcJSON
			if err := json.Unmarshal([]byte(out), &j); err != nil {
				t.Fatalf("bad JSON: %v\n%s", err, out)
			}
			if j.Kind != c.args[0] || j.Amount == nil || *j.Amount != c.amount || j.Unit != c.unit {
				t.Errorf("got kind %s amount %v unit %s; want %s %v %s", j.Kind, deref(j.Amount), j.Unit, c.args[0], c.amount, c.unit)
			}
			if j.Formula == "" || len(j.Notes) == 0 {
				t.Errorf("formula or notes empty: %s", out)
			}
			found := false
			for _, ct := range j.Citations {
				if ct.Law+" "+itoa(ct.Article) == c.cite {
					found = true
				}
			}
			if !found {
				t.Errorf("citation %s missing: %+v", c.cite, j.Citations)
			}
			// The text form carries the same figure.
			text, _, err := calcRun(t, c.args...)
			if err != nil || !strings.Contains(text, "法律依据") || !strings.Contains(text, "结果") {
				t.Errorf("text output: %v\n%s", err, text)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRunCalcTextAndLanguages(t *testing.T) {
	out, _, err := calcRun(t, "severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000", "--unlawful")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"64,000.00", "《劳动合同法》第87条", "《劳动合同法》第47条", "3年6个月15天", "注意"} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}
	out, _, err = calcRun(t, "severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000", "--lang", "en")
	if err != nil || !strings.Contains(out, "Labor Contract Law, art. 47") || !strings.Contains(out, "3 years 6 months 15 days") {
		t.Errorf("English text: %v\n%s", err, out)
	}
	out, _, err = calcRun(t, "overtime", "--wage", "6000", "--weekday-hours", "20", "--json", "--lang", "en")
	var j calcJSON
	if err != nil || json.Unmarshal([]byte(out), &j) != nil || !strings.HasPrefix(j.Formula, "hourly wage") {
		t.Errorf("English JSON: %v\n%s", err, out)
	}
	// A wage claim while employed has no figure: amount null.
	out, _, err = calcRun(t, "deadline", "--wages", "--json", "--today", "2025-11-23")
	if err != nil || !strings.Contains(out, `"amount": null`) {
		t.Errorf("deadline while employed: %v\n%s", err, out)
	}
}

func TestRunCalcMinWage(t *testing.T) {
	// The shipped data: the province is either present or reported missing.
	out, errOut, err := calcRun(t, "min-wage", "--province", "四川", "--wage", "1900", "--today", "2025-11-23")
	if err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	if !strings.Contains(out, "最低工资") {
		t.Errorf("output:\n%s", out)
	}
	// An admin's data file (invented figures).
	file := filepath.Join(t.TempDir(), "mw.json")
	data := `{"entries":[{"province":"四川","effective":"2022-04-01","source":"TEST (invented)","tiers":[{"tier":1,"monthly":2100,"hourly":22.2},{"tier":2,"monthly":1970,"hourly":20.8},{"tier":3,"monthly":1870,"hourly":19.5}]}]}`
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err = calcRun(t, "min-wage", "--province", "四川", "--wage", "1800", "--data", file, "--today", "2025-11-23", "--json")
	if err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	var j calcJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil || j.Amount == nil || *j.Amount != 70 {
		t.Errorf("shortfall below the lowest tier 1870: %v\n%s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"entries":[{"province":"四川","effective":"2022-04-01","source":"","tiers":[]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := calcRun(t, "min-wage", "--province", "四川", "--wage", "1800", "--data", bad); err == nil {
		t.Errorf("a data file without a source was accepted")
	}
}

func TestRunCalcUsage(t *testing.T) {
	if _, errOut, err := calcRun(t); !errors.Is(err, errUsage) || !strings.Contains(errOut, "severance") {
		t.Errorf("no args: %v %s", err, errOut)
	}
	if out, _, err := calcRun(t, "help"); err != nil || !strings.Contains(out, "min-wage") {
		t.Errorf("help: %v %s", err, out)
	}
	if _, errOut, err := calcRun(t, "pension"); !errors.Is(err, errUsage) || !strings.Contains(errOut, "unknown calculator") {
		t.Errorf("unknown: %v %s", err, errOut)
	}
	if _, errOut, err := calcRun(t, "severance", "-h"); err != nil || !strings.Contains(errOut, "--start") && !strings.Contains(errOut, "-start") {
		t.Errorf("-h: %v %s", err, errOut)
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"severance", "--nope"}, "nope"},
		{[]string{"severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000", "extra"}, "unexpected argument"},
		{[]string{"severance", "--start", "2021-03-01", "--end", "2024-09-15", "--wage", "8000", "--lang", "fr"}, "--lang"},
		{[]string{"severance", "--start", "2021-03-01", "--end", "2024-09-15"}, "--wage"},
		{[]string{"severance", "--start", "2024-09-15", "--end", "2021-03-01", "--wage", "8000"}, "离职"},
		{[]string{"severance", "--start", "2024-09-15", "--end", "2021-03-01", "--wage", "8000", "--lang", "en"}, "end date must be after"},
		{[]string{"double-wage", "--start", "2024-01-10", "--wage", "5000"}, "--signed"},
		{[]string{"deadline", "--knew", "2025-06-01", "--today", "tomorrow"}, "--today"},
		{[]string{"injury", "--grade", "12", "--wage", "6000"}, "--grade"},
	}
	for _, b := range bad {
		_, errOut, err := calcRun(t, b.args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: error %v, want errUsage", b.args, err)
		}
		if !strings.Contains(errOut, b.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", b.args, b.want, errOut)
		}
	}
}
