package main

import (
	"fmt"
	"net/http"

	"github.com/laborbot/laborbot/web"
)

// webSites are the web pages served on the public server (HTTP_ADDR)
// beside the Telegram webhook: each is mounted at its path prefix.
type webSites struct {
	// Console is the mediators' and admins' console at /console/ (nil:
	// off).
	Console http.Handler
	// Chat is the workers' web chat at /chat (nil: off).
	Chat http.Handler
}

// mountWeb adds the web pages to the public server's mux: the shared
// static files at /static/ and each site at its prefix, every response
// with the security headers. The webhook stays as runBot mounts it;
// /healthz and /metrics are on the operators' address (OPS_ADDR) only.
func mountWeb(mux *http.ServeMux, sites webSites) error {
	assets, err := web.NewAssets()
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	mux.Handle(web.StaticPrefix, web.Secure(assets))
	if sites.Console != nil {
		mux.Handle("/console/", web.Secure(sites.Console))
		mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusMovedPermanently))
	}
	if sites.Chat != nil {
		chat := web.Secure(sites.Chat)
		mux.Handle("/chat", chat)
		mux.Handle("/chat/", chat)
		// The site's root leads to the chat: a worker types the bare
		// address from a poster.
		mux.Handle("GET /{$}", web.Secure(http.RedirectHandler("/chat", http.StatusFound)))
	}
	return nil
}
