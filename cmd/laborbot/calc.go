package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// chinaToday is today's date in China (one time zone, UTC+8, no daylight
// saving time): the CLI, not the domain, reads the clock.
func chinaToday() time.Time { return calc.Day(time.Now().In(time.FixedZone("CST", 8*60*60))) }

// runCalc runs `laborbot calc KIND [flags]`: args is everything after
// "calc". It prints the result as text, or as JSON with --json, to stdout;
// usage and input problems go to stderr and return errUsage.
func runCalc(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, calcUsage())
		return errUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		fmt.Fprint(stdout, calcUsage())
		return nil
	}
	c, ok := calc.LookupCalculator(name)
	if !ok {
		fmt.Fprintf(stderr, "laborbot calc: unknown calculator %q\n\n%s", name, calcUsage())
		return errUsage
	}

	fs := flag.NewFlagSet("laborbot calc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, `print {"kind","amount","unit","formula","citations","notes"} as JSON`)
	lang := fs.String("lang", "zh", "language of the formula and notes: zh or en")
	today := fs.String("today", "", "today's date, YYYY-MM-DD (default: the current date in China)")
	var dataFile *string
	if c.Name == calc.KindMinWage {
		dataFile = fs.String("data", "", "minimum-wage data file (JSON, the format of calc/minwage.json) instead of the shipped one")
	}
	strs := map[string]*string{}
	bools := map[string]*bool{}
	for _, f := range c.Fields {
		help := f.Prompt.En
		if f.Required {
			help += " [required]"
		}
		if f.Kind == calc.FieldBool {
			bools[f.Name] = fs.Bool(f.Name, false, help)
		} else {
			strs[f.Name] = fs.String(f.Name, "", fmt.Sprintf("%s [%s]", help, f.Kind))
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: laborbot calc %s [flags]\n\n%s — %s\n%s\n\nFlags:\n", c.Name, c.Title.Zh, c.Title.En, c.Summary.En)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "laborbot calc %s: unexpected argument %q (all inputs are flags, e.g. --wage 8000)\n", c.Name, fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if *lang != "zh" && *lang != "en" {
		fmt.Fprintf(stderr, "laborbot calc %s: --lang must be zh or en, not %q\n", c.Name, *lang)
		return errUsage
	}

	env := calc.Env{Today: chinaToday()}
	if *today != "" {
		d, err := calc.ParseDate(*today)
		if err != nil {
			fmt.Fprintf(stderr, "laborbot calc %s: --today: %s\n", c.Name, inputMessage(err, *lang))
			return errUsage
		}
		env.Today = d
	}
	if dataFile != nil && *dataFile != "" {
		f, err := os.Open(*dataFile)
		if err != nil {
			return fmt.Errorf("calc %s: %w", c.Name, err)
		}
		table, err := calc.LoadMinWageTable(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("calc %s: %s: %w", c.Name, *dataFile, err)
		}
		env.MinWage = table
	}

	values := calc.Values{}
	fs.Visit(func(fl *flag.Flag) {
		if p, ok := strs[fl.Name]; ok {
			values[fl.Name] = *p
		}
		if p, ok := bools[fl.Name]; ok {
			if *p {
				values[fl.Name] = "true"
			} else {
				values[fl.Name] = "false"
			}
		}
	})

	res, err := c.Run(values, env)
	if err != nil {
		var ie *calc.InputError
		if errors.As(err, &ie) {
			where := ""
			if ie.Field != "" {
				where = "--" + ie.Field + ": "
			}
			fmt.Fprintf(stderr, "laborbot calc %s: %s%s\n", c.Name, where, ie.Message(*lang))
			return errUsage
		}
		return fmt.Errorf("calc %s: %w", c.Name, err)
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res.JSON(*lang))
	}
	_, err = io.WriteString(stdout, res.Render(*lang))
	return err
}

func inputMessage(err error, lang string) string {
	var ie *calc.InputError
	if errors.As(err, &ie) {
		return ie.Message(lang)
	}
	return err.Error()
}

// calcUsage lists the calculators.
func calcUsage() string {
	var b strings.Builder
	b.WriteString("Usage: laborbot calc KIND [flags]   (laborbot calc KIND -h lists a calculator's flags)\n\nKinds:\n")
	cs := calc.Calculators()
	width := 0
	for _, c := range cs {
		width = max(width, len(c.Name))
	}
	for _, c := range cs {
		var req []string
		for _, f := range c.Fields {
			if f.Required {
				req = append(req, "--"+f.Name)
			}
		}
		fmt.Fprintf(&b, "  %-*s  %s / %s", width, c.Name, c.Title.Zh, c.Title.En)
		if len(req) > 0 {
			fmt.Fprintf(&b, " (required: %s)", strings.Join(req, " "))
		}
		b.WriteString("\n")
	}
	b.WriteString(`
Every kind also takes --json, --lang zh|en (default zh) and --today YYYY-MM-DD.

Examples:
  laborbot calc severance --start 2021-03-01 --end 2024-09-15 --wage 8000 --local-avg 9000 --unlawful
  laborbot calc overtime --wage 6000 --weekday-hours 20 --restday-hours 16 --holiday-hours 8
  laborbot calc double-wage --start 2024-01-10 --signed 2024-08-01 --wage 5000
  laborbot calc annual-leave --years 12 --taken 3 --wage 7000
  laborbot calc injury --grade 7 --wage 6000
  laborbot calc deadline --knew 2025-06-01 --json
  laborbot calc min-wage --province 四川 --wage 1900
`)
	return b.String()
}
