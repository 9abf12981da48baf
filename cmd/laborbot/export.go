package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/laborbot/laborbot/intake"
)

const exportUsage = `write every ticket for the court's mediation platform and the union's records, while the
bot runs or not. CSV starts with a byte-order mark, so Excel reads the Chinese. Names,
phones, contact times, the workers' own words, district and employer are left out unless
--personal is given. Every export is recorded in the staff audit log.
`

// runExport writes every ticket as CSV or JSON: the union's IT volunteer
// runs it for the court's mediation platform and the union's records.
// Whoever runs it holds the store, so is an admin (the audit log names the
// command line); personal fields still only on request, so the file that
// is mailed around by default carries none.
func (m *Main) runExport(ctx context.Context, cfg Config, args []string) error {
	fs := m.flagSet("export", "[--format csv|json] [--personal] [--out FILE]", strings.TrimSpace(exportUsage))
	formatName := fs.String("format", "csv", "csv or json")
	outPath := fs.String("out", "", "file to write (default: standard output)")
	personal := fs.Bool("personal", false, "include names, phones and the other personal fields")
	if err := m.parseFlags(fs, args, 0); err != nil {
		return err
	}
	format, err := intake.ParseFormat(*formatName)
	if err != nil {
		fmt.Fprintln(m.Stderr, "laborbot export:", err)
		return errUsage
	}
	req := controlRequest{Cmd: "export", Format: string(format), Personal: *personal}
	if *outPath == "" {
		return m.onStore(ctx, cfg, req, nil, m.Stdout, nil)
	}
	// A private temporary file renamed into place when complete: the
	// export holds personal data, and a failed one leaves nothing behind.
	tmp, err := os.CreateTemp(filepath.Dir(*outPath), "."+filepath.Base(*outPath)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	var w io.Writer = tmp
	err = m.onStore(ctx, cfg, req, nil, w, nil)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *outPath)
}
