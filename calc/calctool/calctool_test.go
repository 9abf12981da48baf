package calctool_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/calc/calctool"
	"github.com/laborbot/laborbot/knowledge"
)

func fixedNow() time.Time { return time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC) }

func toolFor(t *testing.T, tools []knowledge.Tool, calculator string) knowledge.Tool {
	t.Helper()
	for _, tool := range tools {
		if tool.Name == calctool.ToolName(calculator) {
			return tool
		}
	}
	t.Fatalf("no tool for the %s calculator", calculator)
	return knowledge.Tool{}
}

// toolResult is the JSON a tool returns, as the tests read it.
type toolResult struct {
	Calculator string   `json:"calculator"`
	Amount     *string  `json:"amount"`
	Unit       string   `json:"unit"`
	Formula    string   `json:"formula"`
	Citations  []string `json:"citations"`
	Notes      []string `json:"notes"`
}

func TestToolsCoverEveryCalculator(t *testing.T) {
	tools := calctool.Tools(fixedNow)
	cs := calc.Calculators()
	if len(tools) != len(cs) {
		t.Fatalf("%d tools for %d calculators", len(tools), len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		tool := tools[i]
		if seen[tool.Name] {
			t.Errorf("duplicate tool name %s", tool.Name)
		}
		seen[tool.Name] = true
		// OpenAI's rule for function names.
		for _, r := range tool.Name {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') || len(tool.Name) > 64 {
				t.Errorf("tool name %q is not a valid function name", tool.Name)
				break
			}
		}
		if !strings.Contains(tool.Description, c.Title.En) {
			t.Errorf("%s: description %q does not say what it computes", tool.Name, tool.Description)
		}
		var schema struct {
			Type       string                     `json:"type"`
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		}
		if err := json.Unmarshal(tool.Parameters, &schema); err != nil {
			t.Fatalf("%s: schema is not JSON: %v", tool.Name, err)
		}
		if schema.Type != "object" || len(schema.Properties) != len(c.Fields) {
			t.Errorf("%s: schema has type %q and %d properties for %d fields", tool.Name, schema.Type, len(schema.Properties), len(c.Fields))
		}
		var required []string
		for _, f := range c.Fields {
			if _, ok := schema.Properties[f.Name]; !ok {
				t.Errorf("%s: no property for field %s", tool.Name, f.Name)
			}
			if f.Required {
				required = append(required, f.Name)
			}
		}
		if !slices.Equal(schema.Required, required) {
			t.Errorf("%s: required %v, want %v", tool.Name, schema.Required, required)
		}
	}
}

func TestSchemaTypesByKind(t *testing.T) {
	tests := []struct {
		calculator, field, wantType string
		wantEnum                    []string // a few values the enum must hold
	}{
		{calc.KindSeverance, "start", "string", nil},
		{calc.KindSeverance, "wage", "string", nil},
		{calc.KindSeverance, "unlawful", "boolean", nil},
		{calc.KindOvertime, "weekday-hours", "number", nil},
		{calc.KindAnnualLeave, "years", "integer", nil},
		{calc.KindInjury, "grade", "string", []string{"1", "10"}},
		{calc.KindMinWage, "province", "string", []string{"四川", "内蒙古"}},
	}
	for _, tt := range tests {
		t.Run(tt.calculator+"/"+tt.field, func(t *testing.T) {
			c, ok := calc.LookupCalculator(tt.calculator)
			if !ok {
				t.Fatalf("no calculator %s", tt.calculator)
			}
			var schema struct {
				Properties map[string]struct {
					Type        string   `json:"type"`
					Enum        []string `json:"enum"`
					Description string   `json:"description"`
				} `json:"properties"`
			}
			if err := json.Unmarshal(calctool.Schema(c), &schema); err != nil {
				t.Fatal(err)
			}
			p := schema.Properties[tt.field]
			if p.Type != tt.wantType {
				t.Errorf("type %q, want %q", p.Type, tt.wantType)
			}
			for _, v := range tt.wantEnum {
				if !slices.Contains(p.Enum, v) {
					t.Errorf("enum %v lacks %q", p.Enum, v)
				}
			}
			if p.Description == "" {
				t.Error("no description: the model would not know what to put there")
			}
		})
	}
}

func TestCall(t *testing.T) {
	tests := []struct {
		name, calculator, lang, args string
		wantAmount                   string   // "" when an error is wanted
		wantCites                    []string // in the result
		wantErr                      []string // substrings of the error
	}{
		{name: "severance from strings", calculator: calc.KindSeverance, lang: "zh",
			args:       `{"start":"2021-03-01","end":"2024-09-15","wage":"8000"}`,
			wantAmount: "32,000.00", wantCites: []string{"劳动合同法 47", "劳动合同法 46"}},
		{name: "numbers and booleans as the model writes them", calculator: calc.KindSeverance, lang: "zh",
			args:       `{"start":"2021-03-01","end":"2024-09-15","wage":8000,"unlawful":true,"local-avg":null}`,
			wantAmount: "64,000.00", wantCites: []string{"劳动合同法 47", "劳动合同法 87"}},
		{name: "overtime with decimal hours", calculator: calc.KindOvertime, lang: "en",
			args:       `{"wage":"8700","weekday-hours":10.5}`,
			wantAmount: "787.50", wantCites: []string{"劳动法 44"}},
		{name: "injury grade from the enum", calculator: calc.KindInjury, lang: "zh",
			args:       `{"grade":"10","wage":"6000"}`,
			wantAmount: "42,000.00", wantCites: []string{"工伤保险条例 37"}},
		{name: "missing required field, zh", calculator: calc.KindSeverance, lang: "zh",
			args:    `{"start":"2021-03-01","end":"2024-09-15"}`,
			wantErr: []string{`"wage"`, "缺少必填项"}},
		{name: "missing required field, en", calculator: calc.KindSeverance, lang: "en",
			args:    `{"start":"2021-03-01","end":"2024-09-15"}`,
			wantErr: []string{`"wage"`, "Missing required input"}},
		{name: "bad date", calculator: calc.KindSeverance, lang: "en",
			args:    `{"start":"2021-13-45","end":"2024-09-15","wage":"8000"}`,
			wantErr: []string{`"start"`}},
		{name: "unknown parameter", calculator: calc.KindSeverance, lang: "en",
			args:    `{"start":"2021-03-01","end":"2024-09-15","wage":"8000","bonus":"1"}`,
			wantErr: []string{"bonus"}},
		{name: "not a JSON object", calculator: calc.KindSeverance, lang: "en",
			args:    `{"start":"2021-03-01"`,
			wantErr: []string{"JSON object"}},
		{name: "array value", calculator: calc.KindSeverance, lang: "en",
			args:    `{"start":["2021-03-01"],"end":"2024-09-15","wage":"8000"}`,
			wantErr: []string{`"start"`}},
	}
	tools := calctool.Tools(fixedNow)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, cites, err := toolFor(t, tools, tt.calculator).Call(context.Background(), tt.lang, tt.args)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error; result %s", out)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var res toolResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("result is not JSON: %v\n%s", err, out)
			}
			if res.Amount == nil || *res.Amount != tt.wantAmount {
				t.Errorf("amount %s, want %s\n%s", deref(res.Amount), tt.wantAmount, out)
			}
			if res.Calculator != tt.calculator || res.Formula == "" {
				t.Errorf("calculator %q, formula %q", res.Calculator, res.Formula)
			}
			for _, want := range tt.wantCites {
				if !slices.Contains(res.Citations, want) {
					t.Errorf("result cites %v, not %s", res.Citations, want)
				}
				c, err := knowledge.ParseCitation(want)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(cites, c) {
					t.Errorf("citations returned to the engine %v lack %s", cites, want)
				}
			}
			if len(cites) != len(res.Citations) {
				t.Errorf("the model reads %v, the engine allows %v", res.Citations, cites)
			}
		})
	}
}

// TestCallReadsTheClockWhenRun: the deadline depends on today, which is
// read at each call, not when the tools are made.
func TestCallReadsTheClockWhenRun(t *testing.T) {
	today := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tool := toolFor(t, calctool.Tools(func() time.Time { return today }), calc.KindDeadline)
	left := func() string {
		out, _, err := tool.Call(context.Background(), "zh", `{"knew":"2025-01-10"}`)
		if err != nil {
			t.Fatal(err)
		}
		var res toolResult
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Amount == nil {
			t.Fatalf("result %s: %v", out, err)
		}
		return *res.Amount
	}
	if got := left(); got != "223" {
		t.Errorf("days left on 2025-06-01: %s, want 223", got)
	}
	today = today.AddDate(0, 0, 23)
	if got := left(); got != "200" {
		t.Errorf("days left on 2025-06-24: %s, want 200", got)
	}
}

func TestCallHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := toolFor(t, calctool.Tools(fixedNow), calc.KindSeverance).Call(ctx, "zh", `{"start":"2021-03-01","end":"2024-09-15","wage":"8000"}`)
	if err == nil {
		t.Error("a cancelled call ran")
	}
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}
