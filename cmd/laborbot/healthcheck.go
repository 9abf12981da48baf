package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// runHealthcheck asks the running bot's /healthz on OPS_ADDR and exits 0
// when it answers 200 (ok, or degraded: the bot works without its model),
// 1 otherwise. It is the container's HEALTHCHECK: distroless has no curl.
// It reads only OPS_ADDR, so a configuration the bot would refuse cannot
// make the check itself fail in another way than "not running".
func (m *Main) runHealthcheck(ctx context.Context, args []string) error {
	fs := m.flagSet("healthcheck", "[--addr HOST:PORT] [--timeout D]",
		"ask the running bot's /healthz on OPS_ADDR; exit 0 when it is ok or degraded, 1 when down or unreachable")
	addr := fs.String("addr", "", "the operators' address (default: $OPS_ADDR, else "+defaultOpsAddr+")")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := m.parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *addr == "" {
		*addr = strings.TrimSpace(m.Environ["OPS_ADDR"])
	}
	if *addr == "" {
		*addr = defaultOpsAddr
	}
	u, err := healthURL(*addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("healthcheck: no answer from %s (is the bot running, with this OPS_ADDR?): %w", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	var h health
	if json.Unmarshal(body, &h) != nil || h.Status == "" {
		h.Status = strings.TrimSpace(string(body))
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s: HTTP %d: %s", u, resp.StatusCode, summary(h))
	}
	fmt.Fprintln(m.Stdout, summary(h))
	return nil
}

// healthURL is the URL of /healthz for a listening address: a wildcard
// host (":9090", "0.0.0.0:9090", "[::]:9090") is reached on loopback.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("OPS_ADDR %q must be host:port, like 127.0.0.1:9090", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// summary is one line of a health report: the status and what is not ok.
func summary(h health) string {
	var parts []string
	for _, p := range []struct{ name, state string }{{"store", h.Store}, {"telegram", h.Telegram}, {"model", h.Model}} {
		if p.state != "" && p.state != "ok" && p.state != "off" {
			parts = append(parts, p.name+" "+p.state)
		}
	}
	if h.ModelErr != "" {
		parts = append(parts, h.ModelErr)
	}
	if len(parts) == 0 {
		return h.Status
	}
	return h.Status + ": " + strings.Join(parts, "; ")
}

// flagSet makes a subcommand's flag set whose usage (on -h, and after a
// bad flag) is its synopsis, what it does, and its flags.
func (m *Main) flagSet(name, synopsis, what string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\n%s\n", strings.TrimSpace("laborbot "+name+" "+synopsis), what)
		var n int
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args and wants exactly nargs arguments besides the
// flags (-1: any number); a wrong count prints the usage. Flags may come
// after the arguments too ("restore FILE --force"), as operators type
// them: Go's flag package alone stops at the first argument and would
// count "--force" as a second file.
func (m *Main) parseFlags(fs *flag.FlagSet, args []string, nargs int) error {
	if err := parseInterspersed(fs, args); err != nil {
		return errUsage
	}
	if nargs >= 0 && fs.NArg() != nargs {
		if nargs == 0 {
			fmt.Fprintf(fs.Output(), "laborbot %s takes no arguments (got %q)\n\n", fs.Name(), fs.Arg(0))
		} else {
			fmt.Fprintf(fs.Output(), "laborbot %s takes %d argument(s), got %d\n\n", fs.Name(), nargs, fs.NArg())
		}
		fs.Usage()
		return errUsage
	}
	return nil
}

// parseInterspersed parses flags wherever they are among args; "--" ends
// the flags, and fs.Args() are the arguments afterwards.
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if len(rest) == 0 || consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}
