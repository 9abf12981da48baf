package intake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/markdown"
)

// Step is a step of the interview. The values are stored in chat state:
// never change one.
type Step string

// The steps, in the order they are asked. StepConsent comes first and
// StepSummary after the questions; StepDone means the worker confirmed the
// summary and the interview is ready for Service.SubmitInterview.
const (
	StepConsent     Step = "consent"
	StepTypes       Step = "types"
	StepEmployer    Step = "employer"
	StepProvince    Step = "province"
	StepCity        Step = "city"
	StepDistrict    Step = "district"
	StepStartDate   Step = "start_date"
	StepEndDate     Step = "end_date"
	StepWage        Step = "wage"
	StepClaimed     Step = "claimed"
	StepCoworkers   Step = "coworkers"
	StepDescription Step = "description"
	StepEvidence    Step = "evidence"
	StepDemands     Step = "demands"
	StepName        Step = "name"
	StepPhone       Step = "phone"
	StepContactTime Step = "contact_time"
	StepSummary     Step = "summary"
	StepDone        Step = "done"
)

// Questions returns the question steps in the order they are asked (all
// steps but consent, summary and done).
func Questions() []Step {
	return []Step{StepTypes, StepEmployer, StepProvince, StepCity, StepDistrict, StepStartDate, StepEndDate,
		StepWage, StepClaimed, StepCoworkers, StepDescription, StepEvidence, StepDemands, StepName, StepPhone,
		StepContactTime}
}

// Optional reports whether the step may be skipped.
func (s Step) Optional() bool {
	switch s {
	case StepDistrict, StepEndDate, StepClaimed, StepEvidence, StepContactTime:
		return true
	}
	return false
}

// Limits of the interview's answers.
const (
	MaxEvidence = 20
	maxWage     = calc.Money(1_000_000_00)   // a million yuan a month
	maxClaimed  = calc.Money(100_000_000_00) // a hundred million yuan
)

// Values of Option.Value that Press understands.
const (
	PressAgree   = "agree"   // consent given
	PressDecline = "decline" // consent refused: ErrDeclined
	PressNext    = "next"    // done choosing types, confirm, keep, skip, done sending evidence
	PressSubmit  = "submit"  // the summary is right: the interview moves to StepDone
	PressType    = "type:"   // + a DisputeType: toggle it
	PressEdit    = "edit:"   // + a Step: change that answer, then return to the summary
)

// ErrDeclined is returned when the worker refuses consent: the chat flow
// drops the interview without saving anything.
var ErrDeclined = errors.New("intake: the worker did not consent")

// IncompleteError lists the steps still missing an answer.
type IncompleteError struct {
	Missing []Step
}

func (e *IncompleteError) Error() string {
	var names []string
	for _, s := range e.Missing {
		names = append(names, string(s))
	}
	return "intake: interview incomplete: " + strings.Join(names, ", ")
}

// Answers are the worker's answers. Zero values mean "not given" (Done
// tells an answered optional step from an unanswered one).
type Answers struct {
	Types       []DisputeType `json:"types,omitempty"`
	Employer    string        `json:"employer,omitempty"`
	Province    string        `json:"province,omitempty"`
	City        string        `json:"city,omitempty"`
	District    string        `json:"district,omitempty"`
	StartDate   time.Time     `json:"start_date,omitzero"`
	EndDate     time.Time     `json:"end_date,omitzero"`
	MonthlyWage calc.Money    `json:"monthly_wage,omitempty"`
	Claimed     calc.Money    `json:"claimed,omitempty"`
	Coworkers   int           `json:"coworkers,omitempty"`
	Description string        `json:"description,omitempty"`
	Evidence    []Evidence    `json:"evidence,omitempty"`
	Demands     string        `json:"demands,omitempty"`
	Name        string        `json:"name,omitempty"`
	Phone       string        `json:"phone,omitempty"`
	ContactTime string        `json:"contact_time,omitempty"`
}

// Interview is a complaint being filed: a state machine a chat flow drives.
// Show Prompt, pass typed text to Answer, button presses (Option.Value) to
// Press and photos or files to AddEvidence; save it (Encode) after every
// change once Consented, and when Step is StepDone submit it with
// Service.SubmitInterview. Nothing may be saved before consent.
//
// It serialises to JSON (its fields are the format), so a restart resumes
// at the same step.
type Interview struct {
	// ID identifies this interview; SubmitInterview uses it to make sure
	// one interview becomes one ticket however often it is submitted.
	ID        string    `json:"id"`
	Step      Step      `json:"step"`
	ConsentAt time.Time `json:"consent_at,omitzero"`
	Answers   Answers   `json:"answers"`
	// Done are the steps the worker answered (or skipped, or confirmed).
	Done []Step `json:"done,omitempty"`
	// ToConfirm are steps filled in by Prefill that the worker has not
	// confirmed yet.
	ToConfirm []Step `json:"to_confirm,omitempty"`

	// Clock is the time source for consent, date checks and relative
	// dates such as 去年三月 (nil: time.Now). It is not saved.
	Clock func() time.Time `json:"-"`

	// echo is how the last answer was read ("入职日期记为 2025年3月1日"),
	// shown above the next question so the worker can check it; echoStep
	// is the step it belongs to. Neither is saved: they are for the very
	// next Prompt.
	echo     calc.Text
	echoStep Step
}

// NewInterview starts an interview at the consent step.
func NewInterview() *Interview {
	b := make([]byte, 12)
	rand.Read(b)
	return &Interview{ID: hex.EncodeToString(b), Step: StepConsent}
}

func (iv *Interview) now() time.Time {
	if iv.Clock != nil {
		return iv.Clock()
	}
	return time.Now()
}

// Consented reports whether the worker agreed: only then may the
// interview be saved.
func (iv *Interview) Consented() bool { return !iv.ConsentAt.IsZero() }

// Consent records the worker's agreement at the given time and moves to
// the first question.
func (iv *Interview) Consent(at time.Time) error {
	if iv.Step != StepConsent {
		return fmt.Errorf("intake: consent at step %q", iv.Step)
	}
	if at.IsZero() {
		return errors.New("intake: consent without a time")
	}
	iv.ConsentAt = at
	iv.advance()
	return nil
}

// Answer takes typed text as the answer to the current step. A
// *ValidationError explains what is wrong (show it and ask again); the
// interview is then unchanged. On success the interview moves on to the
// next unanswered step, or back to the summary when editing.
//
// A question typed instead of an answer ("加班费怎么算？" at a date) is a
// *ValidationError with Code CodeQuestion (see IsQuestion): the chat flow
// may answer it and show the same step again.
func (iv *Interview) Answer(raw string) error {
	// Invisible characters pasted along with an answer are never meant.
	raw = strings.TrimSpace(calc.StripInvisible(raw))
	iv.echo, iv.echoStep = calc.Text{}, ""
	if freeStep(iv.Step) == questionMarkOnly && strings.ContainsAny(calc.FoldWidth(raw), "?") {
		return questionError(iv.Step)
	}
	switch iv.Step {
	case StepConsent:
		switch strings.ToLower(raw) {
		case "同意", "我同意", "好", "好的", "可以", "是", "yes", "y", "ok", "agree", "i agree":
			return iv.Consent(iv.now())
		case "不同意", "不", "否", "no", "n", "disagree":
			return ErrDeclined
		}
		if LooksLikeQuestion(raw) {
			return questionError(StepConsent)
		}
		return invalid(StepConsent, "请点“同意”继续，或点“不同意”取消。", "Please press \"I agree\" to continue, or \"I don't agree\" to stop.")
	case StepSummary:
		switch strings.ToLower(raw) {
		case "提交", "确认", "没问题", "submit", "confirm", "ok":
			return iv.Press(PressSubmit)
		}
		if LooksLikeQuestion(raw) {
			return questionError(StepSummary)
		}
		return invalid(StepSummary, "请点“提交”，或点要修改的那一项。", "Please press \"Submit\", or the button of the answer to change.")
	case StepDone:
		return errors.New("intake: the interview is complete")
	case StepEvidence:
		if isSkipWord(raw) || isDoneWord(raw) {
			return iv.Press(PressNext)
		}
		if LooksLikeQuestion(raw) {
			return questionError(StepEvidence)
		}
		return invalid(StepEvidence, "请直接发送照片或文件；发完或没有证据请点“完成”。", "Please send photos or files; press \"Done\" when finished or if you have none.")
	}
	if !slices.Contains(Questions(), iv.Step) {
		return fmt.Errorf("intake: unknown step %q", iv.Step)
	}
	if iv.Step.Optional() && (isSkipWord(raw) || (iv.Step == StepEndDate && isStillEmployed(raw))) {
		iv.clear(iv.Step)
		iv.markDone(iv.Step)
		iv.advance()
		return nil
	}
	if !iv.Step.Optional() && iv.Step != StepCoworkers && isSkipWord(raw) {
		// "没有" is a fine number of co-workers (0), but not a city.
		return invalid(iv.Step, "这一项必须填写。", "This one is needed.")
	}
	filled, cleared, err := iv.apply(iv.Step, raw)
	if err != nil {
		iv.echo, iv.echoStep = calc.Text{}, ""
		if freeStep(iv.Step) == parsed && LooksLikeQuestion(raw) {
			return questionError(iv.Step)
		}
		return err
	}
	for _, s := range cleared {
		iv.unmark(s)
	}
	for _, s := range filled {
		iv.markDone(s)
	}
	iv.advance()
	return nil
}

// Press handles a button: an Option.Value from Prompt.
func (iv *Interview) Press(value string) error {
	iv.echo, iv.echoStep = calc.Text{}, ""
	switch {
	case value == PressAgree && iv.Step == StepConsent:
		return iv.Consent(iv.now())
	case value == PressDecline && iv.Step == StepConsent:
		return ErrDeclined
	case strings.HasPrefix(value, PressType) && iv.Step == StepTypes:
		t := DisputeType(strings.TrimPrefix(value, PressType))
		if !t.Valid() {
			return fmt.Errorf("intake: unknown dispute type %q", t)
		}
		if i := slices.Index(iv.Answers.Types, t); i >= 0 {
			iv.Answers.Types = slices.Delete(iv.Answers.Types, i, i+1)
		} else {
			iv.Answers.Types = append(iv.Answers.Types, t)
		}
		return nil
	case strings.HasPrefix(value, PressEdit):
		return iv.Edit(Step(strings.TrimPrefix(value, PressEdit)))
	case value == PressSubmit && iv.Step == StepSummary:
		if err := iv.Complete(); err != nil {
			return err
		}
		iv.Step = StepDone
		return nil
	case value == PressNext && slices.Contains(Questions(), iv.Step):
		return iv.next()
	}
	return invalid(iv.Step, "这个按钮已失效，请按最新的提示操作。", "That button is no longer valid; please follow the latest question.")
}

// next accepts the current step as it is: chosen types, a prefilled value,
// the value being edited, or nothing for an optional step.
func (iv *Interview) next() error {
	s := iv.Step
	switch {
	case s == StepTypes:
		if len(iv.Answers.Types) == 0 {
			return invalid(s, "请至少选一类。", "Please choose at least one.")
		}
	case iv.isDone(s) || iv.toConfirm(s):
	case s.Optional():
		if s != StepEvidence {
			iv.clear(s)
		}
	default:
		return invalid(s, "这一项必须填写。", "This one is needed.")
	}
	iv.markDone(s)
	iv.advance()
	return nil
}

// AddEvidence adds a photo or file the worker sent. It may come at any step
// after consent (workers send photos when they think of them); the step
// does not change. The same file sent twice is kept once.
func (iv *Interview) AddEvidence(e Evidence) error {
	if !iv.Consented() || iv.Step == StepDone {
		return fmt.Errorf("intake: evidence at step %q", iv.Step)
	}
	if e.FileID == "" {
		return errors.New("intake: evidence without a file id")
	}
	for _, x := range iv.Answers.Evidence {
		if x.FileID == e.FileID || (e.UniqueID != "" && x.UniqueID == e.UniqueID) {
			return nil
		}
	}
	if len(iv.Answers.Evidence) >= MaxEvidence {
		return invalid(StepEvidence,
			fmt.Sprintf("最多可以发 %d 个文件，更多的证据请保存好，交给调解员。", MaxEvidence),
			fmt.Sprintf("At most %d files; keep any further evidence for the mediator.", MaxEvidence))
	}
	if e.AddedAt.IsZero() {
		e.AddedAt = iv.now()
	}
	iv.Answers.Evidence = append(iv.Answers.Evidence, e)
	return nil
}

// Edit goes back to a question to change its answer; answering it (or
// pressing PressNext to keep it) returns to the summary, or to the next
// question still open.
func (iv *Interview) Edit(s Step) error {
	if !iv.Consented() || iv.Step == StepDone {
		return fmt.Errorf("intake: edit at step %q", iv.Step)
	}
	if !slices.Contains(Questions(), s) {
		return fmt.Errorf("intake: cannot edit step %q", s)
	}
	iv.Step = s
	return nil
}

// Complete returns an *IncompleteError unless consent was given, every
// required question answered and every prefilled answer confirmed.
func (iv *Interview) Complete() error {
	var missing []Step
	if !iv.Consented() {
		missing = append(missing, StepConsent)
	}
	for _, s := range Questions() {
		if !iv.isDone(s) && !s.Optional() {
			missing = append(missing, s)
		}
	}
	if len(iv.Answers.Types) == 0 && !slices.Contains(missing, StepTypes) {
		missing = append(missing, StepTypes)
	}
	for _, s := range iv.ToConfirm {
		if !slices.Contains(missing, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return &IncompleteError{Missing: missing}
	}
	return nil
}

// Prefill offers answers for questions the worker has not answered yet:
// from a calculator (StepClaimed) or a language model reading the worker's
// first description (any question but evidence). Each value is checked as
// if typed; the valid ones are kept for the worker to confirm when the
// interview reaches them. It does nothing before consent, and returns the
// steps it filled.
func (iv *Interview) Prefill(values map[Step]string) []Step {
	if !iv.Consented() || iv.Step == StepSummary || iv.Step == StepDone {
		// After the summary nothing may change without the worker seeing it.
		return nil
	}
	var filled []Step
	for _, s := range Questions() {
		raw, ok := values[s]
		if !ok || s == StepEvidence || iv.isDone(s) || strings.TrimSpace(raw) == "" {
			continue
		}
		// Work on a copy so a rejected value changes nothing, and a
		// province does not clear a city the worker already gave.
		trial := *iv
		trial.Answers.Types = slices.Clone(iv.Answers.Types)
		got, _, err := trial.apply(s, raw)
		if err != nil {
			continue
		}
		for _, g := range got {
			if iv.isDone(g) {
				continue
			}
			copyAnswer(&iv.Answers, &trial.Answers, g)
			if !iv.toConfirm(g) {
				iv.ToConfirm = append(iv.ToConfirm, g)
			}
			filled = append(filled, g)
		}
	}
	return filled
}

// PrefillClaimed offers a calculator's result as the amount claimed (see
// Prefill). It reports whether the amount was taken.
func (iv *Interview) PrefillClaimed(r calc.Result) bool {
	if !r.HasAmount() || r.Unit != calc.UnitYuan || r.Fen <= 0 {
		return false
	}
	return len(iv.Prefill(map[Step]string{StepClaimed: calc.Money(r.Fen).String()})) > 0
}

// apply checks raw as the answer to step s and stores it. It returns the
// steps it answered (a province answer may include the city and
// district) and those it invalidated (a new province clears the city).
func (iv *Interview) apply(s Step, raw string) (filled, cleared []Step, err error) {
	a := &iv.Answers
	defer func() {
		var ve *ValidationError
		if errors.As(err, &ve) && ve.Step == "" {
			ve.Step = s
		}
	}()
	switch s {
	case StepTypes:
		ts, err := ParseTypes(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Types = ts
	case StepEmployer:
		v, err := checkText(s, raw, 2, 100)
		if err != nil {
			return nil, nil, err
		}
		a.Employer = v
	case StepProvince:
		loc, err := ParseLocation(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Province, a.City, a.District = loc.Province, loc.City, loc.District
		filled = []Step{StepProvince}
		for _, x := range []struct {
			step  Step
			value string
		}{{StepCity, loc.City}, {StepDistrict, loc.District}} {
			if x.value != "" {
				filled = append(filled, x.step)
			} else {
				cleared = append(cleared, x.step)
			}
		}
		return filled, cleared, nil
	case StepCity:
		v, err := checkText(s, raw, 1, 40)
		if err != nil {
			return nil, nil, err
		}
		// "深圳市宝安区" or "深圳宝安" answers the district too.
		if city, district := splitCity(v); district != "" {
			a.City, a.District = city, district
			return []Step{StepCity, StepDistrict}, nil, nil
		}
		a.City = v
	case StepDistrict:
		v, err := checkText(s, raw, 1, 40)
		if err != nil {
			return nil, nil, err
		}
		a.District = v
	case StepStartDate:
		p, err := ParseDateOn(raw, calc.Day(iv.now()))
		if err != nil {
			return nil, nil, err
		}
		d := p.Time
		if d.After(calc.Day(iv.now())) {
			return nil, nil, rangeError(s,
				fmt.Sprintf("入职日期（%s）不能晚于今天（%s）。", calc.DateText(d).Zh, calc.DateText(iv.now()).Zh),
				fmt.Sprintf("The start date (%s) cannot be after today (%s).", calc.DateText(d).En, calc.DateText(iv.now()).En))
		}
		if !a.EndDate.IsZero() && d.After(a.EndDate) {
			return nil, nil, invalid(s,
				fmt.Sprintf("入职日期不能晚于离职日期（%s）。如果离职日期填错了，请点“不改了”，再改离职日期。", a.EndDate.Format("2006-01-02")),
				fmt.Sprintf("The start date cannot be after the end date (%s). If the end date is wrong, press \"Keep as is\" and edit the end date.", a.EndDate.Format("2006-01-02")))
		}
		a.StartDate = d
		iv.echoDate(s, p)
	case StepEndDate:
		p, err := ParseDateOn(raw, calc.Day(iv.now()))
		if err != nil {
			return nil, nil, err
		}
		d := p.Time
		if !a.StartDate.IsZero() && d.Before(a.StartDate) {
			return nil, nil, rangeError(s,
				fmt.Sprintf("离职日期（%s）不能早于入职日期（%s）。", calc.DateText(d).Zh, calc.DateText(a.StartDate).Zh),
				fmt.Sprintf("The end date (%s) cannot be before the start date (%s).", calc.DateText(d).En, calc.DateText(a.StartDate).En))
		}
		// A notice period may end in the future, but not years ahead.
		if d.After(calc.Day(iv.now()).AddDate(0, 3, 0)) {
			return nil, nil, rangeError(s,
				fmt.Sprintf("离职日期（%s）太远了，请检查。还在职请点“还在职”。", calc.DateText(d).Zh),
				fmt.Sprintf("That end date (%s) is too far ahead; please check it, or press \"Still employed\".", calc.DateText(d).En))
		}
		a.EndDate = d
		iv.echoDate(s, p)
	case StepWage:
		m, err := parseWage(raw)
		if err != nil {
			return nil, nil, err
		}
		a.MonthlyWage = m
		iv.echo, iv.echoStep = fmtText(echoTexts().wage, m), s
	case StepClaimed:
		m, err := parseClaimed(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Claimed = m
		iv.echo, iv.echoStep = fmtText(echoTexts().claimed, m), s
	case StepCoworkers:
		n, err := ParseCount(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Coworkers = n
		if _, err := strconv.Atoi(raw); err != nil {
			// "十二个", "约30人", "只有我": say what was understood.
			iv.echo, iv.echoStep = fmtText(echoTexts().coworkers, n), s
		}
	case StepDescription:
		v, err := checkText(s, raw, 5, 3000)
		if err != nil {
			return nil, nil, err
		}
		a.Description = v
	case StepDemands:
		v, err := checkText(s, raw, 2, 1000)
		if err != nil {
			return nil, nil, err
		}
		a.Demands = v
	case StepName:
		v, err := parseName(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Name = v
	case StepPhone:
		v, err := ParsePhone(raw)
		if err != nil {
			return nil, nil, err
		}
		a.Phone = v
	case StepContactTime:
		v, err := checkText(s, raw, 1, 100)
		if err != nil {
			return nil, nil, err
		}
		a.ContactTime = v
	default:
		return nil, nil, fmt.Errorf("intake: step %q takes no typed answer", s)
	}
	return []Step{s}, nil, nil
}

// copyAnswer copies one step's answer from src to dst.
func copyAnswer(dst, src *Answers, s Step) {
	switch s {
	case StepTypes:
		dst.Types = slices.Clone(src.Types)
	case StepEmployer:
		dst.Employer = src.Employer
	case StepProvince:
		dst.Province = src.Province
	case StepCity:
		dst.City = src.City
	case StepDistrict:
		dst.District = src.District
	case StepStartDate:
		dst.StartDate = src.StartDate
	case StepEndDate:
		dst.EndDate = src.EndDate
	case StepWage:
		dst.MonthlyWage = src.MonthlyWage
	case StepClaimed:
		dst.Claimed = src.Claimed
	case StepCoworkers:
		dst.Coworkers = src.Coworkers
	case StepDescription:
		dst.Description = src.Description
	case StepDemands:
		dst.Demands = src.Demands
	case StepName:
		dst.Name = src.Name
	case StepPhone:
		dst.Phone = src.Phone
	case StepContactTime:
		dst.ContactTime = src.ContactTime
	}
}

// clear empties a skipped optional step's answer.
func (iv *Interview) clear(s Step) {
	var zero Answers
	copyAnswer(&iv.Answers, &zero, s)
}

// advance moves to the first question not answered yet, or to the
// summary. Answers are taken in order, so in a first pass this is the next
// question; after an edit it is the summary (or a question the edit
// reopened, such as the city after a new province).
func (iv *Interview) advance() {
	for _, s := range Questions() {
		if !iv.isDone(s) {
			iv.Step = s
			return
		}
	}
	iv.Step = StepSummary
}

func (iv *Interview) isDone(s Step) bool    { return slices.Contains(iv.Done, s) }
func (iv *Interview) toConfirm(s Step) bool { return slices.Contains(iv.ToConfirm, s) }

func (iv *Interview) markDone(s Step) {
	if !iv.isDone(s) {
		iv.Done = append(iv.Done, s)
	}
	if i := slices.Index(iv.ToConfirm, s); i >= 0 {
		iv.ToConfirm = slices.Delete(iv.ToConfirm, i, i+1)
	}
}

func (iv *Interview) unmark(s Step) {
	if i := slices.Index(iv.Done, s); i >= 0 {
		iv.Done = slices.Delete(iv.Done, i, i+1)
	}
	if i := slices.Index(iv.ToConfirm, s); i >= 0 {
		iv.ToConfirm = slices.Delete(iv.ToConfirm, i, i+1)
	}
}

// IsSkipWord reports whether typed text means "skip this question" (跳过,
// 不知道, 没有, skip …): the calculators take it as the interview does.
func IsSkipWord(s string) bool { return isSkipWord(s) }

// IsStillEmployed reports whether typed text says the job has not ended
// (还在职, 还在干, still working …).
func IsStillEmployed(s string) bool { return isStillEmployed(s) }

func isSkipWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "跳过", "略过", "没有", "无", "不知道", "不清楚", "不记得", "skip", "none", "no", "n/a", "-", "/":
		return true
	}
	return false
}

func isDoneWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "完成", "好了", "发完了", "done", "finished":
		return true
	}
	return false
}

func isStillEmployed(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "在职", "还在职", "还在", "还在上班", "没离职", "未离职", "没有离职", "还没离职", "还没有离职", "没走", "还没走",
		"还在干", "还在做", "还在工作", "在上班", "在干", "至今", "至今在职", "现在还在", "现在还在干",
		"still employed", "still working", "still there", "still work there", "i still work there", "not yet":
		return true
	}
	return false
}

// Prompt is what the chat flow shows for the current step.
type Prompt struct {
	Step Step
	// Text is the question (with the value to confirm or being edited),
	// or the consent text, or the summary.
	Text string
	// Options are buttons, in rows; pass the Value of the pressed one to
	// Press.
	Options [][]Option
	// Number and Total are the question's position ("3/16"); 0 outside
	// the questions.
	Number, Total int
	// Echo is how the previous answer was read, for the worker to check
	// ("✅ 入职日期记为 2025年3月1日…"), or "". Text already starts with it.
	Echo string
}

// Option is a button.
type Option struct {
	Label string
	Value string
}

// Prompt returns what to show for the current step, in lang. Right after
// an answer that had to be read (a date, an amount, a number in words),
// the text starts with how it was read (Prompt.Echo), and a question step
// gets a button to change that answer.
func (iv *Interview) Prompt(lang string) Prompt {
	p := iv.prompt(lang)
	if iv.echo == (calc.Text{}) || iv.Step == StepConsent || iv.Step == StepDone {
		return p
	}
	p.Echo = "✅ " + iv.echo.In(lang)
	if iv.Step != StepSummary && slices.Contains(Questions(), iv.echoStep) {
		p.Echo += echoTexts().fix.In(lang)
		w := interviewWords()
		p.Options = append(p.Options, []Option{{w.edit.In(lang) + " " + iv.echoStep.label().In(lang), PressEdit + string(iv.echoStep)}})
	}
	p.Text = p.Echo + "\n\n" + p.Text
	return p
}

func (iv *Interview) prompt(lang string) Prompt {
	w := interviewWords()
	p := Prompt{Step: iv.Step}
	switch iv.Step {
	case StepConsent:
		p.Text = consentText().In(lang)
		p.Options = [][]Option{{{w.agree.In(lang), PressAgree}, {w.decline.In(lang), PressDecline}}}
		return p
	case StepSummary:
		p.Text = iv.Summary(lang)
		p.Options = [][]Option{{{w.submit.In(lang), PressSubmit}}}
		var row []Option
		for _, s := range Questions() {
			row = append(row, Option{w.edit.In(lang) + " " + s.label().In(lang), PressEdit + string(s)})
			if len(row) == 2 {
				p.Options = append(p.Options, row)
				row = nil
			}
		}
		if len(row) > 0 {
			p.Options = append(p.Options, row)
		}
		return p
	case StepDone:
		return p
	}
	qs := Questions()
	p.Number, p.Total = slices.Index(qs, iv.Step)+1, len(qs)
	var b strings.Builder
	fmt.Fprintf(&b, "(%d/%d) %s", p.Number, p.Total, iv.Step.prompt().In(lang))
	switch {
	case iv.toConfirm(iv.Step):
		b.WriteString("\n\n" + fmt.Sprintf(w.prefilled.In(lang), markdown.Literal(iv.display(iv.Step, lang))))
	case iv.isDone(iv.Step) && iv.Step != StepTypes && iv.Step != StepEvidence:
		b.WriteString("\n\n" + fmt.Sprintf(w.current.In(lang), markdown.Literal(iv.display(iv.Step, lang))))
	}
	if iv.Step == StepEvidence && len(iv.Answers.Evidence) > 0 {
		b.WriteString("\n\n" + fmt.Sprintf(w.files.In(lang), len(iv.Answers.Evidence)) + " ✅")
	}
	p.Text = b.String()

	if iv.Step == StepTypes {
		for _, t := range DisputeTypes() {
			label := t.Label(lang)
			if slices.Contains(iv.Answers.Types, t) {
				label = "✅ " + label
			}
			p.Options = append(p.Options, []Option{{label, PressType + string(t)}})
		}
	}
	var next calc.Text
	switch {
	case iv.toConfirm(iv.Step):
		next = w.confirm
	case iv.Step == StepTypes || (iv.Step == StepEvidence && len(iv.Answers.Evidence) > 0):
		next = w.done
	case iv.isDone(iv.Step):
		next = w.keep
	case iv.Step == StepEndDate:
		next = w.stillEmployed
	case iv.Step == StepEvidence:
		next = w.noEvidence
	case iv.Step.Optional():
		next = w.skip
	}
	if next != (calc.Text{}) {
		p.Options = append(p.Options, []Option{{next.In(lang), PressNext}})
	}
	return p
}

// Summary is the answers for the worker to check before submitting, with
// the phone masked (the summary may be seen over the worker's shoulder or
// in a forwarded message). Prefilled answers not yet confirmed are marked.
func (iv *Interview) Summary(lang string) string {
	w := interviewWords()
	var b strings.Builder
	b.WriteString(w.summaryHead.In(lang) + "\n")
	for _, s := range Questions() {
		v := iv.display(s, lang)
		if s == StepPhone {
			v = MaskPhone(iv.Answers.Phone)
		}
		// The worker's answers show as typed, never as formatting.
		v = markdown.Literal(v)
		if v == "" {
			v = w.notGiven.In(lang)
		}
		if iv.toConfirm(s) {
			v += " " + w.toConfirm.In(lang)
		}
		fmt.Fprintf(&b, "• %s: %s\n", s.label().In(lang), v)
	}
	b.WriteString("\n" + w.summaryFoot.In(lang))
	return b.String()
}

// display renders one answer ("" when not given).
func (iv *Interview) display(s Step, lang string) string {
	a := iv.Answers
	yuan := func(m calc.Money) string {
		if m == 0 {
			return ""
		}
		if lang == "en" {
			return m.String() + " yuan"
		}
		return m.String() + " 元"
	}
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	switch s {
	case StepTypes:
		return typeList(a.Types, lang)
	case StepEmployer:
		return a.Employer
	case StepProvince:
		// Stored by its Chinese short name; an English summary names it
		// in English.
		if p, ok := calc.LookupProvince(a.Province); ok && lang == "en" {
			return p.En
		}
		return a.Province
	case StepCity:
		return a.City
	case StepDistrict:
		return a.District
	case StepStartDate:
		return date(a.StartDate)
	case StepEndDate:
		if a.EndDate.IsZero() && iv.isDone(StepEndDate) {
			return labelsIn(lang).stillEmployed
		}
		return date(a.EndDate)
	case StepWage:
		return yuan(a.MonthlyWage)
	case StepClaimed:
		return yuan(a.Claimed)
	case StepCoworkers:
		if !iv.isDone(s) && !iv.toConfirm(s) {
			return ""
		}
		return strconv.Itoa(a.Coworkers)
	case StepDescription:
		return a.Description
	case StepEvidence:
		if len(a.Evidence) == 0 {
			return ""
		}
		return fmt.Sprintf(interviewWords().files.In(lang), len(a.Evidence))
	case StepDemands:
		return a.Demands
	case StepName:
		return a.Name
	case StepPhone:
		return a.Phone
	case StepContactTime:
		return a.ContactTime
	}
	return ""
}

// Encode serialises the interview for the chat state, sealed as a whole
// (it holds the name and phone before they reach a ticket).
func (iv *Interview) Encode(s Sealer) ([]byte, error) {
	if !iv.Consented() {
		return nil, errors.New("intake: an interview is not saved before consent")
	}
	raw, err := json.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("intake: encode interview: %w", err)
	}
	sealed, err := s.Seal(string(raw))
	if err != nil {
		return nil, err
	}
	return []byte(sealed), nil
}

// DecodeInterview reverses Encode.
func DecodeInterview(s Sealer, b []byte) (*Interview, error) {
	raw, err := s.Open(string(b))
	if err != nil {
		return nil, err
	}
	var iv Interview
	if err := json.Unmarshal([]byte(raw), &iv); err != nil {
		return nil, fmt.Errorf("intake: decode interview: %w", err)
	}
	if iv.Step == "" || iv.ID == "" {
		return nil, errors.New("intake: decode interview: not an interview")
	}
	return &iv, nil
}

// echoDate records how a date answer was read, for the next Prompt.
func (iv *Interview) echoDate(s Step, p calc.ParsedDate) {
	e := echoTexts()
	t := e.startDate
	if s == StepEndDate {
		t = e.endDate
	}
	dt := p.Text()
	iv.echo = calc.Text{Zh: fmt.Sprintf(t.Zh, dt.Zh), En: fmt.Sprintf(t.En, dt.En)}
	if p.NoDay {
		iv.echo.Zh += e.noDay.Zh
		iv.echo.En += e.noDay.En
	}
	iv.echoStep = s
}

// fmtText fills both languages of a one-argument text.
func fmtText(t calc.Text, arg any) calc.Text {
	return calc.Text{Zh: fmt.Sprintf(t.Zh, arg), En: fmt.Sprintf(t.En, arg)}
}

// How a step's typed answer is checked for a question typed in its place.
type questionCheck int

const (
	// freeText steps take any text (a description may well ask "why?").
	freeText questionCheck = iota
	// questionMarkOnly steps take almost any short text (an employer's
	// name): only a question mark makes it a question.
	questionMarkOnly
	// parsed steps read a value: text they cannot read is checked with
	// LooksLikeQuestion.
	parsed
)

func freeStep(s Step) questionCheck {
	switch s {
	case StepDescription, StepDemands, StepContactTime:
		return freeText
	case StepEmployer, StepCity, StepDistrict:
		return questionMarkOnly
	}
	return parsed
}

func questionError(s Step) *ValidationError {
	t := echoTexts().question
	return &ValidationError{Step: s, Code: CodeQuestion, Msg: t}
}

func rangeError(s Step, zh, en string) *ValidationError {
	return &ValidationError{Step: s, Code: CodeRange, Msg: calc.Text{Zh: zh, En: en}}
}

// The plausible monthly wage: below minWage is a slip (6 for 6000, a day's
// pay), above maxWage a key held down.
const minWage = calc.Money(100_00)

func parseWage(raw string) (calc.Money, error) {
	m, err := calc.ParseMoney(raw)
	if err != nil {
		return 0, fromCalc(err)
	}
	switch {
	case m <= 0:
		return 0, rangeError(StepWage,
			"月工资不能是 0。如果单位一直没发工资，请写当初约定的每月工资（税前）。",
			"The monthly wage cannot be 0. If you were never paid, give the monthly wage you were promised (before tax).")
	case m < minWage:
		return 0, rangeError(StepWage,
			fmt.Sprintf("月工资 %s 元太少了，请写一个月的工资总数，例如 6000 或 6千。按天或按小时拿工资的，请估算一个月大约多少。", m),
			fmt.Sprintf("A monthly wage of %s yuan is too little; please give the whole month's pay, e.g. 6000. If you are paid by the day or hour, estimate a month.", m))
	case m > maxWage:
		return 0, rangeError(StepWage,
			fmt.Sprintf("月工资 %s 元太多了，请检查是不是多写了 0（最多 %s 元）。", m, maxWage),
			fmt.Sprintf("A monthly wage of %s yuan is too much; please check for an extra 0 (at most %s).", m, maxWage))
	}
	return m, nil
}

func parseClaimed(raw string) (calc.Money, error) {
	m, err := calc.ParseMoney(raw)
	if err != nil {
		return 0, fromCalc(err)
	}
	switch {
	case m <= 0:
		return 0, rangeError(StepClaimed,
			"主张金额要大于 0。不清楚要多少，可以点“跳过”，调解员会帮你算。",
			"The amount claimed must be more than 0. If you don't know, press \"Skip\": the mediator will help you work it out.")
	case m > maxClaimed:
		return 0, rangeError(StepClaimed,
			fmt.Sprintf("主张金额 %s 元太多了，请检查是不是多写了 0（最多 %s 元）。", m, maxClaimed),
			fmt.Sprintf("%s yuan is too much to claim; please check for an extra 0 (at most %s).", m, maxClaimed))
	}
	return m, nil
}
