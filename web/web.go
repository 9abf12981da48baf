// Package web is the plumbing shared by laborbot's web pages: the console
// for mediators and admins (web/console) and the web chat for workers
// (web/webchat). It knows nothing of tickets or answers; it gives them
//
//   - security headers on every response (Secure): a Content-Security-Policy
//     without inline script or style, no framing, no referrer, no sniffing;
//   - cross-origin protection for every state-changing request
//     (CrossOrigin, Go's http.CrossOriginProtection);
//   - request-size limits (LimitBody) and a recovery from panics that shows
//     the error page, never a stack trace (Renderer.Recover);
//   - the static files (CSS, the little JavaScript there is, icons),
//     embedded in the binary and served under /static/ with cache headers
//     (Assets);
//   - html/template rendering with one base layout, zh/en texts and a clear
//     error page (Renderer).
//
// Nothing here is fetched from the internet at run time.
package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
)

// ContentSecurityPolicy is sent with every response: only this origin's
// scripts, styles and images (and data:/blob: images, for previews), no
// inline script or style, no plugins, never framed, forms post only here.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Secure sets the security headers on every response of next.
func Secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}

// CrossOrigin refuses state-changing requests (anything but GET, HEAD and
// OPTIONS) that a browser marks as coming from another site, with deny (a
// 403 page). It is Go's http.CrossOriginProtection: it reads
// Sec-Fetch-Site, or compares Origin with Host, so it needs no tokens in
// forms and works behind a reverse proxy that keeps the Host header.
func CrossOrigin(next, deny http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	if deny != nil {
		p.SetDenyHandler(deny)
	}
	return p.Handler(next)
}

// Default request limits.
const (
	// MaxFormBytes bounds a form post: notes and messages are short.
	MaxFormBytes = 64 << 10
	// MaxHeaderBytes is for http.Server.MaxHeaderBytes.
	MaxHeaderBytes = 16 << 10
)

// LimitBody caps every request body of next at n bytes: reading more
// fails with *http.MaxBytesError (see TooLarge).
func LimitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			w.Header().Set("Connection", "close")
			http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

// TooLarge reports whether err comes from a body over LimitBody's limit.
func TooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// Lang is the language for a request: the "lang" cookie if it is zh or
// en, else English when the browser prefers it, else Chinese (most users
// are Chinese).
func Lang(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "zh" || c.Value == "en") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "zh"
}

// LangCookie holds the language a user chose.
const LangCookie = "lang"

// SetLang remembers lang ("zh" or "en") for the site in a cookie.
func SetLang(w http.ResponseWriter, lang string, secure bool) {
	if lang != "en" {
		lang = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// LocalPath returns next if it is a path on this site ("/console/..."),
// else fallback: a redirect target taken from a request must not lead
// elsewhere ("//evil.example", "https://...", "/\\evil").
func LocalPath(next, fallback string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return fallback
	}
	return next
}

// logger returns l or a logger that discards.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// TokenHash is what a store keeps of a secret token (a sign-in link's
// token, a session id): its SHA-256 in hex.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a random token of 52 base32 characters (260 bits: not
// guessable, not enumerable; safe in URLs and cookies).
func NewToken() string {
	return rand.Text() + rand.Text()
}
