package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// runCLI runs the program with args and returns its streams.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Environ: env}
	err = m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// usageCommands are the commands of the program's usage text, with the
// text of each (its synopsis and description lines).
func usageCommands(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	cur := ""
	for _, line := range strings.Split(usage, "\n") {
		if m := regexp.MustCompile(`^  laborbot (\[run\]|[a-z-]+)`).FindStringSubmatch(line); m != nil {
			cur = strings.Trim(m[1], "[]")
			out[cur] += line + "\n"
		} else if cur != "" && strings.HasPrefix(line, "     ") {
			out[cur] += line + "\n"
		} else {
			cur = ""
		}
	}
	if len(out) < 10 {
		t.Fatalf("usage lists %d commands", len(out))
	}
	return out
}

var flagRE = regexp.MustCompile(`(?:^|[\s\[])(--?[a-z][a-z0-9-]*)`)

// flagsIn are the flags a text names (-k, --json), without the dashes.
func flagsIn(text string) []string {
	var out []string
	for _, m := range flagRE.FindAllStringSubmatch(text, -1) {
		f := strings.TrimLeft(m[1], "-")
		if f != "h" && f != "help" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// definedFlags are the flags a command's --help lists (flag.PrintDefaults
// writes "  -name ...").
func definedFlags(help string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`).FindAllStringSubmatch(help, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

// TestCLIHelp: the program's help (--help, -h, help) and every command's
// (COMMAND --help, -h, help COMMAND) go to stdout, and Run returns nil,
// whatever the environment holds; each command's help lists exactly the
// flags the program's usage shows for it, so the usage cannot advertise a
// flag that does not exist (as it did `eval --laws`).
func TestCLIHelp(t *testing.T) {
	// A broken configuration must not stand in the way of help.
	broken := map[string]string{"TELEGRAM_MAX_RATE": "abc"}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}} {
		out, errOut, err := runCLI(t, broken, args...)
		if err != nil || out != usage || errOut != "" {
			t.Errorf("%v: %v, stderr %q, stdout %.60q", args, err, errOut, out)
		}
	}
	cmds := usageCommands(t)
	for cmd, text := range cmds {
		t.Run(cmd, func(t *testing.T) {
			var helps []string
			for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
				out, errOut, err := runCLI(t, broken, args...)
				if err != nil || errOut != "" || !strings.Contains(strings.ToLower(out), "usage") {
					t.Errorf("%v: %v, stderr %q, stdout %q", args, err, errOut, out)
				}
				helps = append(helps, out)
			}
			if helps[0] != helps[1] || helps[0] != helps[2] {
				t.Errorf("--help, -h and help %s differ", cmd)
			}
			switch cmd {
			case "calc", "help":
				return // calc's flags are per calculator (TestCLIHelpCalc)
			case "kb":
				out, _, err := runCLI(t, broken, "kb", "validate", "--help")
				if err != nil || !slices.Equal(definedFlags(out), []string{"strict"}) || !strings.Contains(text, "kb validate") {
					t.Errorf("kb validate --help: %v %q", err, out)
				}
				return
			}
			want := flagsIn(text)
			if cmd == "version" {
				// "(also --version)": the program's flag, not the command's.
				want = slices.DeleteFunc(want, func(f string) bool { return f == "version" })
			}
			if got := definedFlags(helps[0]); !slices.Equal(got, want) {
				t.Errorf("%s: the command defines %v, the usage shows %v\n%s", cmd, got, want, helps[0])
			}
		})
	}
}

func TestCLIHelpCalc(t *testing.T) {
	out, errOut, err := runCLI(t, nil, "calc", "severance", "--help")
	if err != nil || errOut != "" || !slices.Contains(definedFlags(out), "wage") {
		t.Errorf("calc severance --help: %v %q %q", err, errOut, out)
	}
}

// TestCLIErrors: unknown commands and flags exit non-zero with the usage
// on stderr; "laborbot run" with an argument says it takes none.
func TestCLIErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"bogus", "--help"}, `unknown command "bogus"`},
		{[]string{"ask", "--laws", "x", "q"}, "flag provided but not defined: -laws"},
		{[]string{"eval", "--laws", "x"}, "flag provided but not defined: -laws"},
		{[]string{"export", "--bogus"}, "flag provided but not defined"},
		{[]string{"run", "extra"}, `laborbot run takes no arguments (got "extra")`},
		{[]string{"version", "extra"}, "takes no arguments"},
		{[]string{"webpush-keys", "x"}, "takes no arguments"},
		{[]string{"console-link"}, "takes 1 argument(s), got 0"},
		{[]string{"healthcheck", "--bogus"}, "flag provided but not defined"},
	} {
		out, errOut, err := runCLI(t, nil, c.args...)
		if !errors.Is(err, errUsage) || out != "" || !strings.Contains(errOut, c.want) || !strings.Contains(strings.ToLower(errOut), "usage") {
			t.Errorf("%v: %v\nstdout %q\nstderr %q", c.args, err, out, errOut)
		}
	}
}

// TestCLIVersion: version and --version print the version, Go's and the
// revision (unknown without VCS information, as in tests).
func TestCLIVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		out, errOut, err := runCLI(t, nil, args...)
		if err != nil || errOut != "" || !strings.HasPrefix(out, "laborbot "+version+"\ngo go1.") || !strings.Contains(out, "\nrevision ") {
			t.Errorf("%v: %v %q %q", args, err, out, errOut)
		}
	}
}

// Flags after the arguments count as flags ("restore FILE --force" used to
// say "takes 1 argument(s), got 2"); "--" ends the flags.
func TestCLIFlagsAfterArguments(t *testing.T) {
	fs := (&Main{Stderr: &bytes.Buffer{}}).flagSet("restore", "[--force] FILE", "")
	force := fs.Bool("force", false, "")
	for _, c := range []struct {
		args      []string
		force     bool
		arguments []string
	}{
		{[]string{"--force", "a.db"}, true, []string{"a.db"}},
		{[]string{"a.db", "--force"}, true, []string{"a.db"}},
		{[]string{"a.db"}, false, []string{"a.db"}},
		{[]string{"--", "--force"}, false, []string{"--force"}},
		{[]string{"a.db", "--", "-b"}, false, []string{"a.db", "-b"}},
		{[]string{"-"}, false, []string{"-"}},
	} {
		*force = false
		if err := parseInterspersed(fs, c.args); err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if *force != c.force || !slices.Equal(fs.Args(), c.arguments) {
			t.Errorf("%v: force %v, arguments %q; want %v, %q", c.args, *force, fs.Args(), c.force, c.arguments)
		}
	}
	// Through the program: the file is one argument, and the flag is taken.
	_, errOut, err := runCLI(t, map[string]string{"DATA_DIR": t.TempDir()}, "restore", "/nonexistent/backup.db", "--force")
	if err == nil || strings.Contains(errOut, "argument(s)") || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("restore FILE --force: %v %q", err, errOut)
	}
}

// eval outside the checkout found none of its default sets and exited 0
// having measured nothing; a set named without --file was ignored.
func TestEvalNothingToMeasure(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, _, err := runCLI(t, nil, "eval"); err == nil || !strings.Contains(err.Error(), "no evaluation set found") {
		t.Errorf("eval with no set: %v", err)
	}
	if _, _, err := runCLI(t, nil, "eval", "--calibrate", "out.json"); err == nil || !strings.Contains(err.Error(), "nothing calibrated") {
		t.Errorf("eval --calibrate with no set: %v", err)
	}
	if _, errOut, err := runCLI(t, nil, "eval", "mine.jsonl"); !errors.Is(err, errUsage) || !strings.Contains(errOut, "--file") {
		t.Errorf("eval FILE: %v %q", err, errOut)
	}
}

// chat and ask talk to a person at a terminal: no JSON info lines between
// the answers unless LOG_LEVEL asks for them.
func TestTerminalToolsQuietLogs(t *testing.T) {
	dir := t.TempDir()
	run := func(env map[string]string, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		m := &Main{Stdin: strings.NewReader("/help\n"), Stdout: &out, Stderr: &errOut, Environ: env}
		if err := m.Run(context.Background(), args); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
		return errOut.String()
	}
	for _, args := range [][]string{{"chat"}, {"ask", "加班费怎么算"}} {
		if got := run(map[string]string{"DATA_DIR": dir}, args...); strings.Contains(got, `"level":"INFO"`) {
			t.Errorf("%v logs at info by default:\n%s", args, got)
		}
	}
	if got := run(map[string]string{"DATA_DIR": dir, "LOG_LEVEL": "info"}, "chat"); !strings.Contains(got, "knowledge base loaded") {
		t.Errorf("chat with LOG_LEVEL=info:\n%s", got)
	}
}
