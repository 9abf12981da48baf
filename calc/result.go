package calc

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/laborbot/laborbot/knowledge"
)

// Text is one message in Chinese and in English.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in the given language ("en" for English, anything
// else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.En
	}
	return t.Zh
}

func tx(zh, en string) Text { return Text{Zh: zh, En: en} }

func txf(zh, en string, args ...any) Text {
	return Text{Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)}
}

// Unit is the unit of a Result's amount.
type Unit string

// The units a Result can have.
const (
	UnitYuan Unit = "yuan"
	UnitDays Unit = "days"
)

// Kind names of the calculators; they are also Result.Kind and the CLI
// subcommands.
const (
	KindSeverance   = "severance"
	KindOvertime    = "overtime"
	KindDoubleWage  = "double-wage"
	KindAnnualLeave = "annual-leave"
	KindInjury      = "injury"
	KindDeadline    = "deadline"
	KindMinWage     = "min-wage"
)

// Result is what a calculator returns.
type Result struct {
	// Kind is the calculator's name, e.g. "severance".
	Kind string
	// Exact is the exact figure in Unit (yuan or days) before rounding. It
	// is nil when there is no figure to give: a limitation period that is
	// not running yet, or a province without minimum-wage data.
	Exact *big.Rat
	// Amount is Exact rounded half-up to 2 decimals (0 when Exact is nil).
	Amount float64
	// Fen is the amount in fen (hundredths of a yuan, or of a day), rounded
	// half-up; use it rather than Amount for further exact arithmetic.
	Fen  int64
	Unit Unit
	// Formula is the computation with the inputs filled in.
	Formula Text
	// Citations are the statute articles the result rests on, in the
	// canonical short names of shared/laws/README.md.
	Citations []knowledge.Citation
	// Notes are the caveats: provincial differences, caps, what the worker
	// must prove.
	Notes []Text
}

// HasAmount reports whether the result carries a figure.
func (r Result) HasAmount() bool { return r.Exact != nil }

// AmountString renders the amount: "32000.00" for yuan, "12" for whole
// days; "" when there is no figure.
func (r Result) AmountString() string {
	if r.Exact == nil {
		return ""
	}
	if r.Unit == UnitDays && r.Exact.IsInt() {
		return r.Exact.Num().String()
	}
	return formatFen(r.Fen)
}

func newResult(kind string, unit Unit, exact *big.Rat) Result {
	r := Result{Kind: kind, Unit: unit}
	r.setExact(exact)
	return r
}

func (r *Result) setExact(exact *big.Rat) {
	r.Exact = nil
	r.Fen = 0
	r.Amount = 0
	if exact == nil {
		return
	}
	r.Exact = new(big.Rat).Set(exact)
	r.Fen = roundFen(exact)
	r.Amount = float64(r.Fen) / 100
}

func (r *Result) cite(law string, articles ...int) {
	for _, a := range articles {
		c := knowledge.Citation{Law: law, Article: a}
		dup := false
		for _, d := range r.Citations {
			if d == c {
				dup = true
				break
			}
		}
		if !dup {
			r.Citations = append(r.Citations, c)
		}
	}
}

func (r *Result) note(zh, en string)               { r.Notes = append(r.Notes, tx(zh, en)) }
func (r *Result) notef(zh, en string, args ...any) { r.Notes = append(r.Notes, txf(zh, en, args...)) }

// Canonical short names of the statutes cited (shared/laws/README.md).
const (
	lawLabor         = "劳动法"
	lawContract      = "劳动合同法"
	lawContractRegs  = "劳动合同法实施条例"
	lawArbitration   = "劳动争议调解仲裁法"
	lawInjury        = "工伤保险条例"
	lawLeaveRegs     = "职工带薪年休假条例"
	lawLeaveMeasures = "企业职工带薪年休假实施办法"
	lawMinWage       = "最低工资规定"
	lawWagePayment   = "工资支付暂行规定"
)

// ResultJSON is the JSON shape of a result for scripts and the CLI's
// --json: {"kind", "amount", "unit", "formula", "citations", "notes"}.
// Amount is null when the result has no figure.
type ResultJSON struct {
	Kind      string               `json:"kind"`
	Amount    *float64             `json:"amount"`
	Unit      Unit                 `json:"unit"`
	Formula   string               `json:"formula"`
	Citations []knowledge.Citation `json:"citations"`
	Notes     []string             `json:"notes"`
}

// JSON returns the result in its JSON shape, texts in the given language.
func (r Result) JSON(lang string) ResultJSON {
	out := ResultJSON{Kind: r.Kind, Unit: r.Unit, Formula: r.Formula.In(lang),
		Citations: append([]knowledge.Citation{}, r.Citations...), Notes: []string{}}
	if r.Exact != nil {
		a := r.Amount
		out.Amount = &a
	}
	for _, n := range r.Notes {
		out.Notes = append(out.Notes, n.In(lang))
	}
	return out
}

// Render formats the result as plain text in the given language: the
// formula, the amount, the citations and the notes.
func (r Result) Render(lang string) string {
	var b strings.Builder
	title := r.Kind
	if c, ok := LookupCalculator(r.Kind); ok {
		title = c.Title.In(lang)
	}
	b.WriteString(title)
	b.WriteString("\n\n")
	if lang == "en" {
		b.WriteString("Formula: ")
	} else {
		b.WriteString("计算：")
	}
	b.WriteString(r.Formula.In(lang))
	b.WriteString("\n")
	if r.Exact != nil {
		unit := map[Unit][2]string{UnitYuan: {"元", "yuan"}, UnitDays: {"天", "days"}}[r.Unit]
		if lang == "en" {
			fmt.Fprintf(&b, "Result: %s %s\n", r.AmountString(), unit[1])
		} else {
			fmt.Fprintf(&b, "结果：%s %s\n", r.AmountString(), unit[0])
		}
	}
	if len(r.Citations) > 0 {
		if lang == "en" {
			b.WriteString("\nLegal basis:\n")
		} else {
			b.WriteString("\n法律依据：\n")
		}
		for _, c := range r.Citations {
			b.WriteString("- ")
			b.WriteString(c.Format(lang))
			b.WriteString("\n")
		}
	}
	if len(r.Notes) > 0 {
		if lang == "en" {
			b.WriteString("\nNotes:\n")
		} else {
			b.WriteString("\n注意：\n")
		}
		for _, n := range r.Notes {
			b.WriteString("- ")
			b.WriteString(n.In(lang))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// InputError is a problem with a calculator's input, explained to the
// worker in Chinese and in English. Field names the offending input field
// (the Field.Name of Calculators), or is empty when the problem concerns
// several fields.
type InputError struct {
	Field string
	Msg   Text
	// Code names the kind of problem when a caller may want to react to
	// it rather than only show Msg (one of the Code constants, or "").
	Code string
}

// The codes of InputError.Code.
const (
	// CodeAmbiguous: the text has two plausible readings (6.000 is 6 or
	// 6000 yuan); the message offers both and asks which.
	CodeAmbiguous = "ambiguous"
	// CodeYearRange: a date's year is outside MinYear–MaxYear.
	CodeYearRange = "year-range"
	// CodeNeedMonth: only a year was given (前年, 2023年).
	CodeNeedMonth = "need-month"
)

// Error returns the English and Chinese messages.
func (e *InputError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s（%s）", e.Field, e.Msg.En, e.Msg.Zh)
	}
	return fmt.Sprintf("%s（%s）", e.Msg.En, e.Msg.Zh)
}

// Message returns the message in the given language.
func (e *InputError) Message(lang string) string { return e.Msg.In(lang) }

func inputErr(field, zh, en string) *InputError {
	return &InputError{Field: field, Msg: tx(zh, en)}
}

func inputErrf(field, zh, en string, args ...any) *InputError {
	return &InputError{Field: field, Msg: txf(zh, en, args...)}
}
