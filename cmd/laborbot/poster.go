package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/laborbot/laborbot/poster"
)

// runPoster writes a poster for a link with a source tag: a PNG and a
// printable A4 PDF with the union's name, the title, the QR code of the web
// chat's link and the hotline.
func (m *Main) runPoster(_ context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("poster", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	source := fs.String("source", "", "the link's source tag: where the poster hangs (a-z, 0-9, - and _; e.g. site-baoan-7)")
	title := fs.String("title", "", "the headline, e.g. \"工资被拖欠？先问问工会\"")
	union := fs.String("union", cfg.UnionName, "the union's name (default $UNION_NAME)")
	base := fs.String("url", cfg.publicURL(), "the site's public base URL (default $PUBLIC_URL)")
	out := fs.String("out", ".", "directory to write poster-TAG.png and poster-TAG.pdf into")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: laborbot poster --source TAG --title "…" [--union "…"] [--url URL] [--out DIR]

a poster (PNG and A4 PDF) with the QR code of the web chat's link for TAG

flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || *source == "" || *title == "" || *union == "" || *base == "" {
		fmt.Fprintln(m.Stderr, `usage: laborbot poster --source TAG --title "…" [--union "…"] [--url https://…] [--out DIR]
  --union defaults to UNION_NAME, --url to PUBLIC_URL (or CONSOLE_URL); all four are needed`)
		return errUsage
	}
	link, err := poster.Link(*base, *source)
	if err != nil {
		return fmt.Errorf("poster: %w", err)
	}
	p := poster.Poster{Union: *union, Title: *title, Link: link, Source: *source}
	pngData, err := p.PNG()
	if err != nil {
		return err
	}
	pdfData, err := p.PDF()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		ext  string
		data []byte
	}{{"png", pngData}, {"pdf", pdfData}} {
		path := filepath.Join(*out, "poster-"+*source+"."+f.ext)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, path)
	}
	fmt.Fprintln(m.Stdout, "link:", link)
	return nil
}

// runWebPushKeys prints a new VAPID key pair for Web Push, as the
// environment lines to add.
func (m *Main) runWebPushKeys(args []string) error {
	if err := m.parseFlags(m.flagSet("webpush-keys", "", "print a new VAPID key pair for the web chat's push notifications, as environment lines"), args, 0); err != nil {
		return err
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "WEBPUSH_PUBLIC_KEY=%s\nWEBPUSH_PRIVATE_KEY=%s\nWEBPUSH_SUBJECT=mailto:you@union.example\n", pub, priv)
	return nil
}
