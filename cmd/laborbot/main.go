// Command laborbot is the front door through which workers get legal help
// and reach their trade union: a Telegram bot (the default), a terminal chat,
// and tools for union staff (ask, eval, calc). All wiring lives here:
// configuration from the environment, then the pieces, then running them.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/web/webchat"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: environMap(os.Environ())}
	routeRedisLogs(m)
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "laborbot:", err)
		}
		os.Exit(1)
	}
}

// errUsage marks an error whose message was already printed with the usage.
var errUsage = errors.New("usage")

const usage = `laborbot: legal help for workers and a way to their trade union.

Usage:
  laborbot [run]                      run the bot: the web chat on HTTP_ADDR, and Telegram with TELEGRAM_BOT_TOKEN
  laborbot chat [--lang zh|en]        talk to the bot in this terminal (Chinese unless --lang en)
  laborbot ask [--json] [-k N] [--lang zh|en] QUESTION
                                      answer one question ("-" reads one per line from stdin, JSON out)
  laborbot eval [--file A.jsonl,B.jsonl] [--entries-only] [--misses] [--json] [--calibrate OUT.json]
                                      measure answers (useful first answer, refusals, hit@3, MRR) on
                                      evaluation sets (default eval/questions.jsonl and ../shared/eval/dev.jsonl);
                                      --calibrate fits the relevance decision (use it with DECISION_FILE)
  laborbot export [--format csv|json] [--personal] [--out FILE]
                                      write all tickets for the court's mediation platform and the union's records
                                      (names, phones and the workers' own words only with --personal)
  laborbot backup FILE                a consistent copy of the embedded store, also while the bot runs
  laborbot restore [--force] FILE     put a backup back, also while the bot runs (asks first unless --force)
  laborbot kb validate|export|import PATH
                                      check entry files, export the published knowledge base, import files into it
  laborbot calc KIND [flags]          compute severance, overtime, double wages, leave, injury, deadlines, minimum wage
  laborbot poster --source TAG --title "…" [--union "…"] [--url URL] [--out DIR]
                                      a poster (PNG and A4 PDF) with the QR code of the web chat's link for TAG
  laborbot console-link USER_ID       a one-time sign-in link to the web console (for use without Telegram)
  laborbot webpush-keys               a new key pair for the web chat's push notifications
  laborbot healthcheck [--addr HOST:PORT] [--timeout D]
                                      ask the running bot's /healthz on OPS_ADDR: exit 0 when ok or
                                      degraded, 1 when down (the container's HEALTHCHECK)
  laborbot version                    the version, Go version and source revision (also --version)
  laborbot help [COMMAND]             this text, or a command's (also COMMAND --help)

Configuration is read from environment variables; see README.md.
`

// Main is the program, reusable by end-to-end tests: they fill in the
// environment and the streams, call Run, and talk to it over HTTP.
type Main struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ map[string]string

	// Logger is made from the configuration when nil.
	Logger *slog.Logger
	// OnReady, when set, is called once the bot is up, with the address
	// the HTTP server listens on (tests use HTTP_ADDR=127.0.0.1:0).
	OnReady func(httpAddr string)
	// OnOpsReady, when set, is called just before OnReady with the address
	// of the operators' server (/healthz, /metrics; tests use
	// OPS_ADDR=127.0.0.1:0).
	OnOpsReady func(opsAddr string)
	// PollTimeout overrides Telegram's long-polling timeout (tests).
	PollTimeout time.Duration
	// ChatRate overrides the per-chat message rate (tests that walk through
	// a long interview).
	ChatRate float64
	// Clock overrides the clock the Telegram transport's retries and
	// outbox wait by (fault tests run it fast).
	Clock bot.Clock
	// Now is the clock of tickets and follow-ups (tests move it; nil: the
	// real one), and SchedulePoll how often due follow-ups are looked for
	// (0: every 30s).
	Now          func() time.Time
	SchedulePoll time.Duration
	// PushEndpoints overrides which Web Push endpoints the web chat posts
	// to (tests use a fake push service on 127.0.0.1).
	PushEndpoints func(*url.URL) bool
	// WebChatLimits adjusts the web chat's options (tests: rate limits).
	WebChatLimits func(*webchat.Options)
}

// errUnknown is an unknown command (the usage was printed).
var errUnknown = fmt.Errorf("unknown command: %w", errUsage)

// Run reads the configuration and runs the subcommand in args.
func (m *Main) Run(ctx context.Context, args []string) error {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && cmd == "run" {
		// A flag before any command is the program's own.
		switch args[0] {
		case "-h", "-help", "--help":
			fmt.Fprint(m.Stdout, usage)
			return nil
		case "-version", "--version":
			return m.runVersion(args[1:])
		}
		fmt.Fprintf(m.Stderr, "laborbot: unknown flag %s\n\n%s", args[0], usage)
		return errUsage
	}
	if cmd == "help" {
		if len(args) == 0 || args[0] == "help" || wantsHelp(args[:1]) {
			fmt.Fprint(m.Stdout, usage)
			return nil
		}
		return m.help(ctx, args[0], args[1:])
	}
	if wantsHelp(args) {
		return m.help(ctx, cmd, args)
	}
	return m.run(ctx, cmd, args, false)
}

// wantsHelp reports whether args ask for help (before any "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// help prints cmd's usage on stdout, from its own flag set, and returns
// nil: `laborbot COMMAND --help` and `laborbot help COMMAND`. Only the
// words naming a kb or calc subcommand are kept from args, so help never
// runs anything.
func (m *Main) help(ctx context.Context, cmd string, args []string) error {
	hargs := []string{"-h"}
	if cmd == "kb" || cmd == "calc" {
		var words []string
		for _, a := range args {
			if strings.HasPrefix(a, "-") {
				break
			}
			words = append(words, a)
		}
		hargs = append(words, hargs...)
	}
	// The usage goes to stdout, as asked for; an unknown command's
	// complaint to stderr.
	var out bytes.Buffer
	hm := *m
	hm.Stdout, hm.Stderr = &out, &out
	err := hm.run(ctx, cmd, hargs, true)
	if errors.Is(err, errUnknown) || err != nil && !errors.Is(err, errUsage) {
		m.Stderr.Write(out.Bytes())
		return err
	}
	_, err = m.Stdout.Write(out.Bytes())
	return err
}

// run runs cmd. For help (args is then -h) a configuration that does not
// load is replaced by the defaults, so help works whatever the
// environment holds.
func (m *Main) run(ctx context.Context, cmd string, args []string, forHelp bool) error {
	switch cmd {
	case "calc":
		// The calculators need no configuration at all.
		return runCalc(ctx, args, m.Stdout, m.Stderr)
	case "version":
		return m.runVersion(args)
	case "healthcheck":
		// Only OPS_ADDR: the check must not depend on the rest.
		return m.runHealthcheck(ctx, args)
	}
	cfg, err := LoadConfig(m.Environ)
	if err != nil && forHelp {
		cfg, err = LoadConfig(nil)
	}
	if err != nil {
		return err
	}
	if m.Logger == nil {
		level, _ := parseLevel(cfg.LogLevel)
		if (cmd == "chat" || cmd == "ask") && strings.TrimSpace(m.Environ["LOG_LEVEL"]) == "" {
			// The terminal's own tools write to the terminal the person
			// reads: info lines ("knowledge base loaded", "ticket created")
			// in JSON between the answers are noise there. Warnings stay;
			// LOG_LEVEL set says otherwise.
			level = slog.LevelWarn
		}
		m.Logger = newLogger(m.Stderr, level)
	}
	switch cmd {
	case "ask":
		return m.runAsk(ctx, cfg, args)
	case "eval":
		return m.runEval(ctx, cfg, args)
	case "run", "chat":
		return m.runBot(ctx, cfg, cmd, args)
	case "export":
		return m.runExport(ctx, cfg, args)
	case "backup":
		return m.runBackup(ctx, cfg, args)
	case "restore":
		return m.runRestore(ctx, cfg, args)
	case "kb":
		return m.runKB(ctx, cfg, args)
	case "console-link":
		return m.runConsoleLink(ctx, cfg, args)
	case "poster":
		return m.runPoster(ctx, cfg, args)
	case "webpush-keys":
		return m.runWebPushKeys(args)
	}
	fmt.Fprintf(m.Stderr, "laborbot: unknown command %q\n\n%s", cmd, usage)
	return errUnknown
}

func environMap(environ []string) map[string]string {
	out := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}
