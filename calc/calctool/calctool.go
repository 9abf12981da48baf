// Package calctool offers the calculators of package calc to a language
// model as knowledge.Tool values, so that when a question needs a number the
// number comes from the calculator, with its formula and legal basis.
//
// It is a package of its own because calc imports knowledge (for
// Citation): knowledge cannot import calc, and calc should not know how a
// model calls it.
package calctool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/knowledge"
)

// NamePrefix starts every tool's name, so the model reads "calc_severance"
// as a calculation; hyphens of calculator names become underscores.
const NamePrefix = "calc_"

// ToolName is the tool name of a calculator: severance → calc_severance,
// double-wage → calc_double_wage.
func ToolName(calculator string) string {
	return NamePrefix + strings.ReplaceAll(calculator, "-", "_")
}

// Tools returns one tool per calculator of calc.Calculators. now gives the
// current time (read when a tool runs, never in package calc), for the
// deadline calculator and the default date of the minimum-wage check; pass
// the time in China.
func Tools(now func() time.Time) []knowledge.Tool {
	var out []knowledge.Tool
	for _, c := range calc.Calculators() {
		out = append(out, Tool(c, func() calc.Env { return calc.Env{Today: calc.Day(now())} }))
	}
	return out
}

// Tool makes the tool of one calculator; env is called for each run.
func Tool(c calc.Calculator, env func() calc.Env) knowledge.Tool {
	return knowledge.Tool{
		Name:        ToolName(c.Name),
		Description: fmt.Sprintf("%s (%s): %s", c.Title.En, c.Title.Zh, c.Summary.En),
		Parameters:  Schema(c),
		Call: func(ctx context.Context, lang, arguments string) (string, []knowledge.Citation, error) {
			if err := ctx.Err(); err != nil {
				return "", nil, err
			}
			values, err := parseArguments(arguments)
			if err != nil {
				return "", nil, err
			}
			res, err := c.Run(values, env())
			if err != nil {
				return "", nil, explain(err, lang)
			}
			out, err := json.Marshal(resultFor(c, res, lang))
			if err != nil {
				return "", nil, err
			}
			return string(out), res.Citations, nil
		},
	}
}

// Schema is the JSON schema of a calculator's arguments: one property per
// field, named as the field. Dates and money are strings (money keeps its
// exact decimals), bools are booleans, choices and provinces are enums.
func Schema(c calc.Calculator) json.RawMessage {
	props := map[string]any{}
	required := []string{}
	for _, f := range c.Fields {
		props[f.Name] = property(f)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out, err := json.Marshal(map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	})
	if err != nil {
		// Only strings, bools and slices of them: cannot fail.
		panic(fmt.Sprintf("calctool: schema of %s: %v", c.Name, err))
	}
	return out
}

func property(f calc.Field) map[string]any {
	p := map[string]any{"description": f.Prompt.En}
	switch f.Kind {
	case calc.FieldDate:
		p["type"] = "string"
		p["format"] = "date"
		p["description"] = f.Prompt.En + " Format YYYY-MM-DD."
	case calc.FieldMoney:
		p["type"] = "string"
		p["pattern"] = `^[0-9]+(\.[0-9]{1,2})?$`
		p["description"] = f.Prompt.En + " Yuan, digits only, e.g. \"8000\" or \"8000.50\"."
	case calc.FieldInt:
		p["type"] = "integer"
	case calc.FieldNumber:
		p["type"] = "number"
	case calc.FieldBool:
		p["type"] = "boolean"
	case calc.FieldChoice:
		var vals []string
		for _, ch := range f.Choices {
			vals = append(vals, ch.Value)
		}
		p["type"] = "string"
		p["enum"] = vals
	case calc.FieldProvince:
		var vals []string
		for _, pr := range calc.Provinces() {
			vals = append(vals, pr.Short)
		}
		p["type"] = "string"
		p["enum"] = vals
		p["description"] = f.Prompt.En + " The Chinese short name, e.g. 四川 for Sichuan."
	default:
		p["type"] = "string"
	}
	return p
}

// parseArguments turns the model's JSON object into calc.Values, the raw
// text each field's parser reads. Models do not always keep to the schema's
// types, so numbers and booleans are accepted for any field and passed on
// as written; the calculator's own validation judges them.
func parseArguments(arguments string) (calc.Values, error) {
	if strings.TrimSpace(arguments) == "" {
		arguments = "{}"
	}
	dec := json.NewDecoder(strings.NewReader(arguments))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, errors.New("the arguments must be a JSON object of the tool's parameters")
	}
	values := calc.Values{}
	for name, v := range raw {
		switch v := v.(type) {
		case nil:
			// A null is a skipped field.
		case string:
			values[name] = v
		case json.Number:
			values[name] = v.String()
		case bool:
			values[name] = fmt.Sprint(v)
		default:
			return nil, fmt.Errorf("parameter %q must be a string, a number or a boolean", name)
		}
	}
	return values, nil
}

// explain turns a calculator's error into what the model reads: the
// worker-facing message, in the answer's language, naming the field.
func explain(err error, lang string) error {
	var ie *calc.InputError
	if !errors.As(err, &ie) {
		return fmt.Errorf("the calculation failed: %w", err)
	}
	if ie.Field == "" {
		return errors.New(ie.Message(lang))
	}
	return fmt.Errorf("parameter %q: %s", ie.Field, ie.Message(lang))
}

// result is what the model reads after a calculation: the figure exactly
// as the calculator rounded it, the formula with the inputs filled in, the
// articles in the form the answer cites them ("劳动合同法 47"), the caveats.
type result struct {
	Calculator string   `json:"calculator"`
	Title      string   `json:"title"`
	Amount     *string  `json:"amount"` // null when there is no figure
	Unit       string   `json:"unit"`
	Formula    string   `json:"formula"`
	Citations  []string `json:"citations"`
	Notes      []string `json:"notes"`
}

func resultFor(c calc.Calculator, r calc.Result, lang string) result {
	out := result{Calculator: c.Name, Title: c.Title.In(lang), Unit: string(r.Unit),
		Formula: r.Formula.In(lang), Citations: []string{}, Notes: []string{}}
	if r.HasAmount() {
		a := r.AmountString()
		out.Amount = &a
	}
	for _, cit := range r.Citations {
		out.Citations = append(out.Citations, cit.String())
	}
	for _, n := range r.Notes {
		out.Notes = append(out.Notes, n.In(lang))
	}
	return out
}
