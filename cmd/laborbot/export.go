package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/laborbot/laborbot/intake"
)

// runExport writes every ticket as CSV or JSON: the union's IT volunteer
// runs it for the court's mediation platform and the union's records.
func (m *Main) runExport(ctx context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	formatName := fs.String("format", "csv", "csv or json")
	outPath := fs.String("out", "", "file to write (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	format, err := intake.ParseFormat(*formatName)
	if err != nil {
		fmt.Fprintln(m.Stderr, "laborbot export:", err)
		return errUsage
	}
	store, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	sealer, err := intake.NewSealer(cfg.DataKey)
	if err != nil {
		return fmt.Errorf("DATA_KEY: %w", err)
	}
	svc := intake.NewService(store, intake.Options{Admins: cfg.AdminIDs, Sealer: sealer, Logger: m.Logger})
	var w io.Writer = m.Stdout
	if *outPath != "" {
		f, err := os.OpenFile(*outPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return svc.ExportAll(ctx, w, format)
}
