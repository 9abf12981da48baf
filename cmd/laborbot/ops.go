package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/openai"
)

// defaultOpsAddr is where /healthz and /metrics are served unless OPS_ADDR
// says otherwise: loopback, so they are never public by accident.
const defaultOpsAddr = "127.0.0.1:9090"

// imageUID is the user the container image runs as (distroless nonroot).
const imageUID = 65532

// health is what GET /healthz reports, as JSON. Status is "ok", "degraded"
// (the bot answers, but without its language model: HTTP 200, so an
// orchestrator does not restart it for a third party's outage) or "down"
// (the store or the Bot API is unreachable: HTTP 503).
type health struct {
	Status   string `json:"status"`
	Store    string `json:"store"`    // ok, unreachable
	Telegram string `json:"telegram"` // ok, unreachable, off
	Model    string `json:"model"`    // ok, degraded, off
	ModelErr string `json:"model_error,omitempty"`
	Version  string `json:"version"`
}

// healthChecks are the parts /healthz asks; telegram and model may be nil
// (not configured).
type healthChecks struct {
	store    func(context.Context) error
	telegram func(context.Context) error
	model    *modelState
}

func (h healthChecks) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		rep := health{Status: "ok", Store: "ok", Telegram: "off", Model: "off", Version: version}
		if err := h.store(ctx); err != nil {
			rep.Store, rep.Status = "unreachable", "down"
		}
		if h.telegram != nil {
			rep.Telegram = "ok"
			if err := h.telegram(ctx); err != nil {
				rep.Telegram, rep.Status = "unreachable", "down"
			}
		}
		if h.model != nil {
			rep.Model = "ok"
			if err := h.model.err(); err != nil {
				rep.Model, rep.ModelErr = "degraded", err.Error()
				if rep.Status == "ok" {
					rep.Status = "degraded"
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if rep.Status == "down" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(rep)
	})
}

// opsServer serves the operators' endpoints on OPS_ADDR.
type opsServer struct {
	srv  *http.Server
	ln   net.Listener
	errc chan error
}

func startOps(addr string, reg *prometheus.Registry, checks healthChecks) (*opsServer, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /healthz", checks.handler())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("OPS_ADDR: %w", err)
	}
	o := &opsServer{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln: ln, errc: make(chan error, 1)}
	go func() { o.errc <- o.srv.Serve(ln) }()
	return o, nil
}

// modelState is what the model server last said to the start-up check
// and its repeats: the bot answers retrieval-only while it fails, so
// operators see it in /healthz and the log rather than in workers' answers.
type modelState struct {
	check func(context.Context) (string, error)
	log   *slog.Logger

	mu      sync.Mutex
	last    error
	checked bool
}

// newModelState returns nil when no model is configured.
func newModelState(cfg Config, log *slog.Logger) *modelState {
	if cfg.OpenAIModel == "" && cfg.OpenAIEmbeddingModel == "" {
		return nil
	}
	client := openai.New(openai.Config{APIKey: cfg.OpenAIAPIKey, BaseURL: cfg.OpenAIBaseURL,
		Model: cfg.OpenAIModel, EmbeddingModel: cfg.OpenAIEmbeddingModel})
	return &modelState{check: client.Check, log: log}
}

func (s *modelState) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// probe checks once, within 5s, and logs a change: a warning when the
// model fails (and at the first check a warning about a model the server
// does not list), info when it is back.
func (s *modelState) probe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	warning, err := s.check(ctx)
	if ctx.Err() != nil && err != nil && errors.Is(err, context.Canceled) {
		return // the program is stopping
	}
	s.mu.Lock()
	first, was := !s.checked, s.last
	s.last, s.checked = err, true
	s.mu.Unlock()
	switch {
	case err != nil && (first || was == nil):
		s.log.Warn("the language model is unreachable: answers are retrieval-only (the knowledge base's text) until it is back; check OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL",
			"err", err.Error())
	case err == nil && !first && was != nil:
		s.log.Info("the language model is reachable again")
	case err == nil && first && warning != "":
		s.log.Warn("check OPENAI_MODEL: "+warning, "model_check", "listed")
	}
}

// follow repeats the check: every minute while it fails, every 15 minutes
// while it works (listing models costs nothing).
func (s *modelState) follow(ctx context.Context) {
	for {
		wait := 15 * time.Minute
		if s.err() != nil {
			wait = time.Minute
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		s.probe(ctx)
	}
}

// dataDirError explains a store file that cannot be opened; permission
// denied is nearly always a bind mount owned by root, which the image's
// user cannot write.
func dataDirError(dir string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("DATA_DIR %s is not writable by this process (uid %d): give it to the user the bot runs as, e.g. `sudo chown -R %d:%d %s` for the Docker image's user %d: %w",
			dir, os.Getuid(), imageUID, imageUID, dir, imageUID, err)
	}
	return fmt.Errorf("DATA_DIR: %w", err)
}

// lawsDirMissing says why LAWS_DIR holds no statutes to load ("" when it
// does): a missing or empty directory is a warning, not a reason to stop,
// so a fresh deployment without statute files still runs.
func lawsDirMissing(dir string) string {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case err != nil:
		return err.Error()
	case !fi.IsDir():
		return "is not a directory"
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, n := range names {
		if !strings.EqualFold(filepath.Base(n), "README.md") {
			return ""
		}
	}
	return "has no statute files (*.md)"
}

// loadLaws reads the statutes of LAWS_DIR (nil when it is not set, or
// missing or empty: then a warning).
func loadLaws(cfg Config, log *slog.Logger) (*knowledge.Statutes, error) {
	if cfg.LawsDir == "" {
		return nil, nil
	}
	if why := lawsDirMissing(cfg.LawsDir); why != "" {
		log.Warn("LAWS_DIR "+why+": answers cite articles without quoting the statutes, and article questions go unanswered (see README, Deploy)",
			"dir", cfg.LawsDir)
		return nil, nil
	}
	list, err := knowledge.LoadStatutesDir(cfg.LawsDir)
	if err != nil {
		return nil, fmt.Errorf("LAWS_DIR: %w", err)
	}
	return knowledge.NewStatutes(list...), nil
}

// runVersion prints the version (set by -ldflags at release builds), the
// Go version and the source revision the binary was built from.
func (m *Main) runVersion(args []string) error {
	fs := m.flagSet("version", "", "print the version, the Go version and the source revision")
	if err := m.parseFlags(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, versionText())
	return nil
}

func versionText() string {
	goVersion, rev, modified, at := runtime.Version(), "unknown", false, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			case "vcs.time":
				at = s.Value
			}
		}
	}
	if modified {
		rev += " (modified)"
	}
	if at != "" {
		rev += " " + at
	}
	return fmt.Sprintf("laborbot %s\ngo %s\nrevision %s\n", version, goVersion, rev)
}

// gatedModel fails at once while the model check fails: the engine then
// answers retrieval-only straight away. The checks (every minute while
// failing) open it again.
type gatedModel struct {
	knowledge.ToolChatModel
	state *modelState
}

func (g gatedModel) Stream(ctx context.Context, messages []knowledge.ChatMessage, onDelta func(string)) error {
	if err := g.state.err(); err != nil {
		return fmt.Errorf("skipped while the model check fails: %w", err)
	}
	return g.ToolChatModel.Stream(ctx, messages, onDelta)
}

func (g gatedModel) StreamWithTools(ctx context.Context, messages []knowledge.ChatMessage, rounds []knowledge.ToolRound, tools []knowledge.Tool, onDelta func(string)) ([]knowledge.ToolCall, error) {
	if err := g.state.err(); err != nil {
		return nil, fmt.Errorf("skipped while the model check fails: %w", err)
	}
	return g.ToolChatModel.StreamWithTools(ctx, messages, rounds, tools, onDelta)
}
