package main

import (
	"net/http"
	"strings"
	"testing"
)

// The public server serves the shared static files, with the security
// headers, and not /healthz nor /metrics (those are on OPS_ADDR).
func TestE2EStaticFiles(t *testing.T) {
	r := startBot(t, nil, nil)
	resp, err := http.Get("http://" + r.httpAddr + "/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("/static/app.css: %d %v", resp.StatusCode, resp.Header)
	}
	if code, _ := r.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	// The operators' endpoints are not on the public address.
	for _, p := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get("http://" + r.httpAddr + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404", p, resp.StatusCode)
		}
	}
}
