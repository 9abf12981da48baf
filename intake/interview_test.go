package intake

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/markdown"
)

// today is the interview tests' clock.
var today = time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)

func newTestInterview(t *testing.T) *Interview {
	t.Helper()
	iv := NewInterview()
	iv.Clock = func() time.Time { return today }
	if iv.ID == "" || iv.Step != StepConsent {
		t.Fatalf("NewInterview = %+v", iv)
	}
	return iv
}

// typical are answers for every typed question, in order.
func typical() []struct {
	step Step
	raw  string
} {
	return []struct {
		step Step
		raw  string
	}{
		{StepTypes, "1、2"},
		{StepEmployer, "深圳市星光电子有限公司"},
		{StepProvince, "广东"},
		{StepCity, "深圳市"},
		{StepDistrict, "宝安区"},
		{StepStartDate, "2023-03-01"},
		{StepEndDate, "2026年5月31日"},
		{StepWage, "8000"},
		{StepClaimed, "24000"},
		{StepCoworkers, "12人"},
		{StepDescription, "老板拖欠三个月工资，还不付加班费。"},
		{StepEvidence, "完成"},
		{StepDemands, "补发工资和加班费"},
		{StepName, "王小明"},
		{StepPhone, "+86 139-8765-4321"},
		{StepContactTime, "晚上 7 点后"},
	}
}

func mustAnswer(t *testing.T, iv *Interview, raw string) {
	t.Helper()
	if err := iv.Answer(raw); err != nil {
		t.Fatalf("Answer(%q) at %s: %v", raw, iv.Step, err)
	}
}

func mustPress(t *testing.T, iv *Interview, value string) {
	t.Helper()
	if err := iv.Press(value); err != nil {
		t.Fatalf("Press(%q) at %s: %v", value, iv.Step, err)
	}
}

// completed returns an interview answered with typical() up to the summary.
func completed(t *testing.T) *Interview {
	t.Helper()
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	for _, a := range typical() {
		if iv.Step != a.step {
			t.Fatalf("at step %s, want %s", iv.Step, a.step)
		}
		mustAnswer(t, iv, a.raw)
	}
	if iv.Step != StepSummary {
		t.Fatalf("after all answers at %s, want summary", iv.Step)
	}
	return iv
}

func TestInterviewHappyPath(t *testing.T) {
	iv := newTestInterview(t)
	p := iv.Prompt("zh")
	if !strings.Contains(p.Text, "/deletedata") || !strings.Contains(p.Text, "调解员") || len(p.Options) != 1 || len(p.Options[0]) != 2 {
		t.Fatalf("consent prompt = %+v", p)
	}
	if en := iv.Prompt("en").Text; !strings.Contains(en, "/deletedata") || !strings.Contains(en, "2 years") {
		t.Fatalf("English consent prompt: %s", en)
	}
	if _, err := iv.Encode(NoSealer{}); err == nil {
		t.Fatal("Encode before consent succeeded: nothing may be stored before consent")
	}
	mustPress(t, iv, PressAgree)
	if !iv.ConsentAt.Equal(today) || iv.Step != StepTypes {
		t.Fatalf("after consent: %+v", iv)
	}

	// Types by buttons: toggle, untoggle, done.
	p = iv.Prompt("en")
	if p.Number != 1 || p.Total != len(Questions()) || len(p.Options) != len(DisputeTypes())+1 {
		t.Fatalf("types prompt = %+v", p)
	}
	if err := iv.Press(PressNext); err == nil {
		t.Fatal("Done with no type chosen was accepted")
	}
	mustPress(t, iv, PressType+string(TypeOvertime))
	mustPress(t, iv, PressType+string(TypeContract))
	mustPress(t, iv, PressType+string(TypeOvertime))
	if iv.Step != StepTypes || !slices.Equal(iv.Answers.Types, []DisputeType{TypeContract}) {
		t.Fatalf("after toggles: step %s types %v", iv.Step, iv.Answers.Types)
	}
	if !strings.HasPrefix(iv.Prompt("en").Options[5][0].Label, "✅") {
		t.Fatalf("chosen type not marked: %+v", iv.Prompt("en").Options)
	}
	mustPress(t, iv, PressNext)

	for _, a := range typical()[1:] {
		if iv.Step != a.step {
			t.Fatalf("at step %s, want %s", iv.Step, a.step)
		}
		if a.step.Optional() && len(iv.Prompt("zh").Options) == 0 {
			t.Fatalf("optional step %s has no skip button", a.step)
		}
		mustAnswer(t, iv, a.raw)
	}
	a := iv.Answers
	if a.Employer != "深圳市星光电子有限公司" || a.Province != "广东" || a.City != "深圳市" || a.District != "宝安区" ||
		!a.StartDate.Equal(calc.Date(2023, 3, 1)) || !a.EndDate.Equal(calc.Date(2026, 5, 31)) ||
		a.MonthlyWage != calc.Yuan(8000) || a.Claimed != calc.Yuan(24000) || a.Coworkers != 12 ||
		a.Phone != "13987654321" || a.Name != "王小明" || a.ContactTime != "晚上 7 点后" {
		t.Fatalf("answers = %+v", a)
	}

	sum := iv.Prompt("zh")
	// What the worker reads: answers show as typed (markdown.Literal).
	shown := markdown.Plain(sum.Text)
	if sum.Step != StepSummary || strings.Contains(shown, "13987654321") || !strings.Contains(shown, "139****4321") ||
		!strings.Contains(shown, "深圳市星光电子有限公司") || !strings.Contains(shown, "24,000.00 元") {
		t.Fatalf("summary:\n%s", sum.Text)
	}
	if sum.Options[0][0].Value != PressSubmit {
		t.Fatalf("summary's first button = %+v, want submit", sum.Options[0][0])
	}
	edits := 0
	for _, row := range sum.Options[1:] {
		for _, o := range row {
			if strings.HasPrefix(o.Value, PressEdit) {
				edits++
			}
		}
	}
	if edits != len(Questions()) {
		t.Fatalf("%d edit buttons, want one per question (%d)", edits, len(Questions()))
	}
	mustPress(t, iv, PressSubmit)
	if iv.Step != StepDone || iv.Complete() != nil {
		t.Fatalf("after submit: step %s, complete %v", iv.Step, iv.Complete())
	}
	if err := iv.Answer("more"); err == nil {
		t.Fatal("an answer after the interview was done was accepted")
	}
}

func TestInterviewValidationKeepsState(t *testing.T) {
	for _, tc := range []struct {
		step Step
		bad  []string
	}{
		{StepTypes, []string{"天气", "9"}},
		{StepEmployer, []string{"", "x"}},
		{StepProvince, []string{"深圳", "Texas"}},
		{StepStartDate, []string{"前年", "2023-02-30", "2027-01-01", "1900-01-01", "明天", "加班费怎么算？"}}, // 2027 and 明天 are after "today"
		{StepEndDate, []string{"2020-01-01", "2031-01-01"}},                                        // before the start; years ahead
		{StepWage, []string{"0", "很多", "-100", "2000000", "6.000", "6", "一千万"}},
		{StepClaimed, []string{"0", "abc"}},
		{StepCoworkers, []string{"很多", "-3", "15,000", "一万五"}},
		{StepDescription, []string{"欠", strings.Repeat("长", 3001)}},
		{StepEvidence, []string{"我有照片"}},
		{StepName, []string{"13987654321", ""}},
		{StepPhone, []string{"12345", "010-88888888", "1398765432", "为什么要手机号？"}},
	} {
		t.Run(string(tc.step), func(t *testing.T) {
			iv := newTestInterview(t)
			mustPress(t, iv, PressAgree)
			for _, a := range typical() {
				if a.step == tc.step {
					break
				}
				mustAnswer(t, iv, a.raw)
			}
			if iv.Step != tc.step {
				t.Fatalf("at %s, want %s", iv.Step, tc.step)
			}
			before, _ := iv.Encode(NoSealer{})
			for _, raw := range tc.bad {
				err := iv.Answer(raw)
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Step != tc.step || ve.Message("zh") == "" || ve.Message("en") == "" {
					t.Fatalf("Answer(%q) = %v; want a *ValidationError for %s in both languages", raw, err, tc.step)
				}
				after, _ := iv.Encode(NoSealer{})
				if string(after) != string(before) {
					t.Fatalf("a refused answer %q changed the interview:\n%s\n%s", raw, before, after)
				}
			}
		})
	}
}

func TestInterviewOptionalSteps(t *testing.T) {
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	answers := map[Step]string{StepDistrict: "跳过", StepEndDate: "还在职", StepClaimed: "不知道", StepEvidence: "没有", StepContactTime: "skip"}
	for _, a := range typical() {
		raw, skip := answers[a.step]
		switch {
		case !skip:
			mustAnswer(t, iv, a.raw)
		case a.step == StepEndDate || a.step == StepClaimed:
			mustPress(t, iv, PressNext) // the button
		default:
			mustAnswer(t, iv, raw) // typed
		}
	}
	if iv.Step != StepSummary {
		t.Fatalf("at %s, want summary", iv.Step)
	}
	a := iv.Answers
	if a.District != "" || !a.EndDate.IsZero() || a.Claimed != 0 || a.ContactTime != "" || len(a.Evidence) != 0 {
		t.Fatalf("skipped answers kept values: %+v", a)
	}
	if s := iv.Summary("zh"); !strings.Contains(s, "至今在职") || !strings.Contains(s, "（未填）") {
		t.Fatalf("summary of skipped answers:\n%s", s)
	}
	if err := iv.Complete(); err != nil {
		t.Fatal(err)
	}
	// A required step cannot be skipped.
	mustPress(t, iv, PressEdit+string(StepCity))
	iv.unmark(StepCity)
	if err := iv.Answer("skip"); err == nil {
		t.Fatal("a required step took 'skip'")
	}
	if err := iv.Press(PressNext); err == nil {
		t.Fatal("a required, unanswered step was passed with Next")
	}
}

func TestInterviewEditReturnsToSummary(t *testing.T) {
	iv := completed(t)
	mustPress(t, iv, PressEdit+string(StepPhone))
	if iv.Step != StepPhone || !strings.Contains(iv.Prompt("zh").Text, "13987654321") {
		t.Fatalf("editing the phone: step %s, prompt %q", iv.Step, iv.Prompt("zh").Text)
	}
	if err := iv.Answer("bad"); err == nil || iv.Step != StepPhone {
		t.Fatalf("bad phone while editing: %v, step %s", err, iv.Step)
	}
	mustAnswer(t, iv, "13500001111")
	if iv.Step != StepSummary || iv.Answers.Phone != "13500001111" {
		t.Fatalf("after editing the phone: step %s, phone %s", iv.Step, iv.Answers.Phone)
	}

	// Keep as is.
	mustPress(t, iv, PressEdit+string(StepEmployer))
	mustPress(t, iv, PressNext)
	if iv.Step != StepSummary || iv.Answers.Employer != "深圳市星光电子有限公司" {
		t.Fatalf("keep: step %s, employer %s", iv.Step, iv.Answers.Employer)
	}

	// A new province reopens the city; the district is asked again too.
	mustPress(t, iv, PressEdit+string(StepProvince))
	mustAnswer(t, iv, "四川")
	if iv.Step != StepCity || iv.Answers.City != "" {
		t.Fatalf("after a new province: step %s, city %q; want the city asked again", iv.Step, iv.Answers.City)
	}
	if err := iv.Press(PressSubmit); err == nil {
		t.Fatal("submitted with the city missing")
	}
	mustAnswer(t, iv, "成都市")
	if iv.Step != StepDistrict {
		t.Fatalf("after the city: %s, want district", iv.Step)
	}
	mustPress(t, iv, PressNext)
	if iv.Step != StepSummary {
		t.Fatalf("after the district: %s, want summary", iv.Step)
	}
	// A province with city and district answers all three.
	mustPress(t, iv, PressEdit+string(StepProvince))
	mustAnswer(t, iv, "北京市朝阳区")
	if iv.Step != StepSummary || iv.Answers.City != "北京市" || iv.Answers.District != "朝阳区" {
		t.Fatalf("after 北京市朝阳区: step %s, %+v", iv.Step, iv.Answers)
	}

	// A start date after the end date is refused, pointing to the fix.
	mustPress(t, iv, PressEdit+string(StepStartDate))
	if err := iv.Answer("2026-06-01"); err == nil || iv.Step != StepStartDate {
		t.Fatalf("start after end accepted: %v", err)
	}
	mustPress(t, iv, PressNext)
	mustPress(t, iv, PressSubmit)
	if iv.Step != StepDone {
		t.Fatalf("after submit: %s", iv.Step)
	}
	if err := iv.Edit(StepPhone); err == nil {
		t.Fatal("edited a submitted interview")
	}
}

func TestInterviewResumesAfterRestart(t *testing.T) {
	sealer, err := NewSealer("a-long-random-data-key-for-tests")
	if err != nil {
		t.Fatal(err)
	}
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	for _, a := range typical()[:13] { // up to the name
		mustAnswer(t, iv, a.raw)
	}
	if err := iv.AddEvidence(Evidence{FileID: "file-1", UniqueID: "u1", Kind: "photo"}); err != nil {
		t.Fatal(err)
	}
	saved, err := iv.Encode(sealer)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(saved), "深圳市星光电子") {
		t.Fatal("the sealed interview holds the employer in clear text")
	}

	// A new process: decode and go on where it stopped.
	back, err := DecodeInterview(sealer, saved)
	if err != nil {
		t.Fatal(err)
	}
	back.Clock = iv.Clock
	if back.Step != StepName || back.ID != iv.ID || !back.ConsentAt.Equal(iv.ConsentAt) ||
		back.Answers.Employer != iv.Answers.Employer || !back.Answers.StartDate.Equal(iv.Answers.StartDate) ||
		back.Answers.Claimed != iv.Answers.Claimed || len(back.Answers.Evidence) != 1 {
		t.Fatalf("decoded interview = %+v\nwant %+v", back, iv)
	}
	mustAnswer(t, back, "王小明")
	mustAnswer(t, back, "13987654321")
	mustPress(t, back, PressNext)
	mustPress(t, back, PressSubmit)
	if back.Step != StepDone {
		t.Fatalf("resumed interview ended at %s", back.Step)
	}

	if _, err := DecodeInterview(NoSealer{}, saved); !errors.Is(err, ErrNoDataKey) {
		t.Fatalf("decoding a sealed interview without the key: %v, want ErrNoDataKey", err)
	}
	if _, err := DecodeInterview(NoSealer{}, []byte(`{"flow":"calc"}`)); err == nil {
		t.Fatal("decoded something that is not an interview")
	}
}

func TestInterviewPrefill(t *testing.T) {
	iv := newTestInterview(t)
	if got := iv.Prefill(map[Step]string{StepEmployer: "星光"}); got != nil {
		t.Fatalf("Prefill before consent filled %v", got)
	}
	mustPress(t, iv, PressAgree)
	mustAnswer(t, iv, "1") // types answered by the worker
	filled := iv.Prefill(map[Step]string{
		StepTypes:     "2",         // answered already: ignored
		StepEmployer:  "星光电子",      // ok
		StepProvince:  "广东省深圳市",    // ok, with the city
		StepPhone:     "12345",     // invalid: ignored
		StepWage:      "8000",      // ok
		StepEvidence:  "photo.jpg", // never prefilled
		StepName:      "   ",       // empty: ignored
		Step("bogus"): "x",
	})
	if !slices.Equal(filled, []Step{StepEmployer, StepProvince, StepCity, StepWage}) {
		t.Fatalf("Prefill filled %v", filled)
	}
	if !slices.Equal(iv.Answers.Types, []DisputeType{TypeUnpaidWages}) || iv.Answers.Phone != "" {
		t.Fatalf("Prefill changed an answered or invalid field: %+v", iv.Answers)
	}

	// The worker confirms each one as the interview reaches it.
	if iv.Step != StepEmployer {
		t.Fatalf("at %s", iv.Step)
	}
	p := iv.Prompt("zh")
	if !strings.Contains(p.Text, "星光电子") || p.Options[len(p.Options)-1][0].Value != PressNext {
		t.Fatalf("prefilled prompt = %+v", p)
	}
	mustAnswer(t, iv, "星光电子科技有限公司") // corrected by typing
	if iv.Step != StepProvince || iv.Answers.Employer != "星光电子科技有限公司" {
		t.Fatalf("after correcting: %s %q", iv.Step, iv.Answers.Employer)
	}
	mustPress(t, iv, PressNext) // province confirmed
	if iv.Step != StepCity || iv.Answers.City != "深圳市" {
		t.Fatalf("after confirming the province: %s, city %q", iv.Step, iv.Answers.City)
	}
	mustPress(t, iv, PressNext) // city confirmed
	if iv.Step != StepDistrict {
		t.Fatalf("at %s, want district", iv.Step)
	}

	// Unconfirmed prefills block submission.
	iv2 := newTestInterview(t)
	mustPress(t, iv2, PressAgree)
	iv2.Prefill(map[Step]string{StepContactTime: "白天"})
	for _, a := range typical() {
		if iv2.Step == StepContactTime {
			break
		}
		mustAnswer(t, iv2, a.raw)
	}
	if iv2.Step != StepContactTime || !strings.Contains(iv2.Prompt("en").Text, "白天") {
		t.Fatalf("prefilled contact time not offered: %s", iv2.Step)
	}
	var ie *IncompleteError
	if err := iv2.Complete(); !errors.As(err, &ie) || !slices.Contains(ie.Missing, StepContactTime) {
		t.Fatalf("Complete with an unconfirmed prefill = %v", err)
	}
	mustPress(t, iv2, PressNext)
	if iv2.Step != StepSummary || iv2.Complete() != nil || iv2.Answers.ContactTime != "白天" {
		t.Fatalf("after confirming: %s %v %q", iv2.Step, iv2.Complete(), iv2.Answers.ContactTime)
	}
	if got := iv2.Prefill(map[Step]string{StepClaimed: "100"}); got != nil {
		t.Fatalf("Prefill at the summary filled %v: nothing may change unseen", got)
	}
}

func TestPrefillClaimedFromCalculator(t *testing.T) {
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	days := calc.Result{Exact: big.NewRat(12, 1), Fen: 1200, Unit: calc.UnitDays}
	if iv.PrefillClaimed(days) {
		t.Fatal("a result in days was taken as an amount of money")
	}
	yuan := calc.Result{Exact: big.NewRat(3200050, 100), Fen: 3200050, Unit: calc.UnitYuan}
	if !iv.PrefillClaimed(yuan) || iv.Answers.Claimed != 3200050 || !slices.Contains(iv.ToConfirm, StepClaimed) {
		t.Fatalf("PrefillClaimed: claimed %v, to confirm %v", iv.Answers.Claimed, iv.ToConfirm)
	}
}

func TestInterviewEvidence(t *testing.T) {
	iv := newTestInterview(t)
	if err := iv.AddEvidence(Evidence{FileID: "f"}); err == nil {
		t.Fatal("evidence accepted before consent")
	}
	mustPress(t, iv, PressAgree)
	if err := iv.AddEvidence(Evidence{}); err == nil {
		t.Fatal("evidence without a file id accepted")
	}
	for i := range MaxEvidence {
		if err := iv.AddEvidence(Evidence{FileID: "f" + string(rune('a'+i)), UniqueID: "u" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	// The same file again (same unique id, new file id) is no error and no copy.
	if err := iv.AddEvidence(Evidence{FileID: "other-id", UniqueID: "ua"}); err != nil || len(iv.Answers.Evidence) != MaxEvidence {
		t.Fatalf("duplicate: %v, %d files", err, len(iv.Answers.Evidence))
	}
	var ve *ValidationError
	if err := iv.AddEvidence(Evidence{FileID: "one-too-many"}); !errors.As(err, &ve) {
		t.Fatalf("evidence over the limit: %v, want a *ValidationError", err)
	}
	if !iv.Answers.Evidence[0].AddedAt.Equal(today) {
		t.Fatalf("evidence time = %v, want the clock's", iv.Answers.Evidence[0].AddedAt)
	}
	if iv.Step != StepTypes {
		t.Fatalf("evidence moved the interview to %s", iv.Step)
	}
}

func TestInterviewButtons(t *testing.T) {
	iv := newTestInterview(t)
	if err := iv.Press(PressDecline); !errors.Is(err, ErrDeclined) {
		t.Fatalf("decline: %v", err)
	}
	if err := iv.Answer("不同意"); !errors.Is(err, ErrDeclined) {
		t.Fatalf("typed decline: %v", err)
	}
	if err := iv.Answer("随便"); err == nil || iv.Consented() {
		t.Fatal("consent taken from an unclear answer")
	}
	mustAnswer(t, iv, "同意")
	if !iv.Consented() {
		t.Fatal("typed consent not taken")
	}
	// Stale buttons: a type button after the types step, submit too early,
	// an unknown type, an edit of a non-question.
	mustPress(t, iv, PressType+string(TypeOther))
	mustPress(t, iv, PressNext)
	for _, v := range []string{PressType + string(TypeOther), PressSubmit, PressAgree, "edit:summary", "edit:consent", "nonsense"} {
		if err := iv.Press(v); err == nil {
			t.Errorf("Press(%q) at %s accepted", v, iv.Step)
		}
	}
	if iv.Step != StepEmployer {
		t.Fatalf("stale buttons moved the interview to %s", iv.Step)
	}
}

// Workers say they still work there in many ways; each ends the end-date
// step without a date, as the "Still employed" button does.
func TestStillEmployedTyped(t *testing.T) {
	for _, raw := range []string{"还在职", "还在干", "还在做", "没有离职", "至今", "still work there"} {
		iv := newTestInterview(t)
		mustPress(t, iv, PressAgree)
		for _, a := range typical() {
			if a.step == StepEndDate {
				break
			}
			mustAnswer(t, iv, a.raw)
		}
		if iv.Step != StepEndDate {
			t.Fatalf("at %s, want the end date", iv.Step)
		}
		if err := iv.Answer(raw); err != nil {
			t.Errorf("%q at the end date: %v", raw, err)
			continue
		}
		if iv.Step == StepEndDate || !iv.Answers.EndDate.IsZero() {
			t.Errorf("%q: at %s, end date %v", raw, iv.Step, iv.Answers.EndDate)
		}
	}
}

// The summary in English names the province in English (it is stored by
// its Chinese name), and in Chinese in Chinese.
func TestSummaryProvinceInTheWorkersLanguage(t *testing.T) {
	iv := newTestInterview(t)
	mustPress(t, iv, PressAgree)
	for _, a := range typical() {
		mustAnswer(t, iv, a.raw)
	}
	if s := iv.Summary("en"); !strings.Contains(s, ": Guangdong\n") || strings.Contains(s, "广东") {
		t.Errorf("English summary:\n%s", s)
	}
	if s := iv.Summary("zh"); !strings.Contains(s, ": 广东\n") {
		t.Errorf("Chinese summary:\n%s", s)
	}
}

// The city question answered with the district too ("深圳宝安",
// "深圳市宝安区") does not ask for the district again.
func TestCityAnswerWithDistrict(t *testing.T) {
	for raw, want := range map[string][2]string{"深圳宝安": {"深圳", "宝安"}, "深圳市宝安区": {"深圳市", "宝安区"}} {
		iv := newTestInterview(t)
		mustPress(t, iv, PressAgree)
		for _, a := range typical() {
			if a.step == StepCity {
				break
			}
			mustAnswer(t, iv, a.raw)
		}
		mustAnswer(t, iv, raw)
		if iv.Step != StepStartDate || iv.Answers.City != want[0] || iv.Answers.District != want[1] {
			t.Errorf("%q: at %s, city %q, district %q", raw, iv.Step, iv.Answers.City, iv.Answers.District)
		}
	}
}
