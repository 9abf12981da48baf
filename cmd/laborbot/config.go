package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/laborbot/laborbot/knowledge"
)

// Config is everything laborbot reads from the environment. It is read and
// validated once, at start, with messages that say which variable is wrong.
type Config struct {
	TelegramToken  string `env:"TELEGRAM_BOT_TOKEN"`
	TelegramAPIURL string `env:"TELEGRAM_API_URL"`
	WebhookURL     string `env:"WEBHOOK_URL"`
	WebhookSecret  string `env:"WEBHOOK_SECRET"`
	HTTPAddr       string `env:"HTTP_ADDR" envDefault:":8080"`
	// OpsAddr serves the operators' endpoints, /healthz and /metrics: on
	// loopback by default, never on the public address.
	OpsAddr      string  `env:"OPS_ADDR" envDefault:"127.0.0.1:9090"`
	TelegramRate float64 `env:"TELEGRAM_MAX_RATE" envDefault:"30"`

	DataDir     string `env:"DATA_DIR" envDefault:"./data"`
	RedisURL    string `env:"REDIS_URL"`
	RedisPrefix string `env:"REDIS_PREFIX" envDefault:"laborbot:"`
	DataKey     string `env:"DATA_KEY"`
	LawsDir     string `env:"LAWS_DIR"`

	OpenAIAPIKey         string        `env:"OPENAI_API_KEY"`
	OpenAIBaseURL        string        `env:"OPENAI_BASE_URL"`
	OpenAIModel          string        `env:"OPENAI_MODEL"`
	OpenAIEmbeddingModel string        `env:"OPENAI_EMBEDDING_MODEL"`
	LLMTimeout           time.Duration `env:"LLM_TIMEOUT" envDefault:"20s"`
	// DecisionFile is a relevance decision calibrated by `laborbot eval
	// --calibrate` (e.g. with an embeddings model); decision is it parsed.
	DecisionFile string `env:"DECISION_FILE"`
	decision     *knowledge.DecisionModel

	AdminIDs       []int64 `env:"ADMIN_IDS" envSeparator:","`
	MediatorChatID int64   `env:"MEDIATOR_CHAT_ID"`
	// EvidenceDownload keeps copies of complaint evidence in the store
	// (sealed with DATA_KEY), not only Telegram's file ids.
	EvidenceDownload bool `env:"EVIDENCE_DOWNLOAD" envDefault:"false"`

	// ConsoleURL turns the web console on: its public base URL (the
	// console is at /console/ under it; sign-in links point there).
	ConsoleURL string `env:"CONSOLE_URL"`
	// ConsoleIdle ends a console session after this long without a
	// request.
	ConsoleIdle time.Duration `env:"CONSOLE_IDLE" envDefault:"2h"`
	// WebChat serves the workers' web chat at /chat on HTTP_ADDR.
	WebChat bool `env:"WEBCHAT" envDefault:"true"`
	// WebChatKey signs the web chat's cookies and resume links (generated
	// and kept in the store when empty).
	WebChatKey string `env:"WEBCHAT_KEY"`
	// PublicURL is the site's public base URL: resume links and posters
	// point there, and with https cookies are Secure.
	PublicURL string `env:"PUBLIC_URL"`
	// TrustedProxies are reverse proxies whose X-Forwarded-For is believed.
	TrustedProxies string `env:"TRUSTED_PROXIES"`
	// Web Push for the web chat (off unless both keys are set).
	WebPushPublicKey  string `env:"WEBPUSH_PUBLIC_KEY"`
	WebPushPrivateKey string `env:"WEBPUSH_PRIVATE_KEY"`
	WebPushSubject    string `env:"WEBPUSH_SUBJECT"`
	// UnionName is the union's name on posters.
	UnionName string `env:"UNION_NAME"`

	// EscalateAfter is how long a ticket may wait unclaimed before the
	// mediators' group is reminded (the admins after twice as long).
	EscalateAfter time.Duration `env:"ESCALATE_AFTER" envDefault:"24h"`

	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
}

// LoadConfig reads the configuration from environ (os.Environ() in
// production, a map in tests).
func LoadConfig(environ map[string]string) (Config, error) {
	environ = tidyEnviron(environ)
	cfg, err := env.ParseAsWithOptions[Config](env.Options{Environment: environ})
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", describeEnvError(err, environ))
	}
	if err := cfg.validate(); err != nil {
		return cfg, err
	}
	cfg.decision, err = loadDecision(cfg.DecisionFile)
	return cfg, err
}

func (c Config) validate() error {
	var errs []error
	if c.TelegramAPIURL != "" {
		if u, err := url.Parse(c.TelegramAPIURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("TELEGRAM_API_URL %q is not a URL like https://api.telegram.org", c.TelegramAPIURL))
		}
	}
	if c.TelegramRate <= 0 || c.TelegramRate > 1000 {
		errs = append(errs, fmt.Errorf("TELEGRAM_MAX_RATE=%v must be more than 0 and at most 1000 (messages a second; Telegram allows about 30)", c.TelegramRate))
	}
	if err := checkAddr(c.OpsAddr); err != nil {
		errs = append(errs, fmt.Errorf("OPS_ADDR %q %v, like 127.0.0.1:9090", c.OpsAddr, err))
	} else if c.OpsAddr == c.HTTPAddr && !strings.HasSuffix(c.OpsAddr, ":0") {
		errs = append(errs, fmt.Errorf("OPS_ADDR %q must differ from HTTP_ADDR: /metrics and /healthz are for operators, not the public", c.OpsAddr))
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			errs = append(errs, fmt.Errorf("WEBHOOK_URL %q is not an http(s) URL", c.WebhookURL))
		}
		if c.WebhookSecret == "" {
			errs = append(errs, errors.New("WEBHOOK_SECRET is required with WEBHOOK_URL, so forged updates can be rejected"))
		}
	}
	if c.WebhookSecret != "" && !validSecret(c.WebhookSecret) {
		errs = append(errs, errors.New("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		errs = append(errs, fmt.Errorf("REDIS_URL must start with redis:// or rediss://"))
	}
	if strings.ContainsAny(c.RedisPrefix, "{}") || c.RedisPrefix == "" {
		errs = append(errs, errors.New("REDIS_PREFIX must be non-empty and must not contain { or } (Redis Cluster hash tags)"))
	}
	if c.OpenAIBaseURL != "" {
		if u, err := url.Parse(c.OpenAIBaseURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("OPENAI_BASE_URL %q is not a URL like https://api.openai.com/v1", c.OpenAIBaseURL))
		}
	}
	// Without a base URL the server is OpenAI's, which answers nothing
	// without a key: refuse rather than fall back on every answer. With a
	// base URL no key is fine (Ollama, vLLM need none).
	if (c.OpenAIModel != "" || c.OpenAIEmbeddingModel != "") && c.OpenAIAPIKey == "" && c.OpenAIBaseURL == "" {
		errs = append(errs, errors.New("OPENAI_MODEL is set but OPENAI_API_KEY is not: OpenAI's API needs a key; set OPENAI_API_KEY, or OPENAI_BASE_URL for a server that needs none (e.g. Ollama at http://localhost:11434/v1)"))
	}
	if (c.OpenAIAPIKey != "" || c.OpenAIBaseURL != "") && c.OpenAIModel == "" && c.OpenAIEmbeddingModel == "" {
		errs = append(errs, errors.New("OPENAI_MODEL is required when OPENAI_API_KEY or OPENAI_BASE_URL is set (e.g. gpt-4o-mini, deepseek-chat, qwen-plus)"))
	}
	if c.LLMTimeout <= 0 || c.LLMTimeout > 5*time.Minute {
		errs = append(errs, fmt.Errorf("LLM_TIMEOUT=%s must be more than 0 and at most 5m (e.g. 20s)", c.LLMTimeout))
	}
	if c.DataKey != "" && len(c.DataKey) < 16 {
		errs = append(errs, errors.New("DATA_KEY must be at least 16 characters"))
	}
	if c.ConsoleURL != "" {
		if u, err := url.Parse(c.ConsoleURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("CONSOLE_URL %q must be the site's base URL, like https://union.example.org (the console is served at /console/)", c.ConsoleURL))
		}
	}
	if c.ConsoleIdle < time.Minute || c.ConsoleIdle > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("CONSOLE_IDLE=%s must be at least 1m and at most 720h (e.g. 2h)", c.ConsoleIdle))
	}
	if c.EscalateAfter < time.Hour || c.EscalateAfter > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("ESCALATE_AFTER=%s must be at least 1h and at most 720h (e.g. 24h, 48h)", c.EscalateAfter))
	}
	errs = append(errs, c.validateWeb()...)
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// LLMEnabled reports whether answers are written by a language model.
func (c Config) LLMEnabled() bool { return c.OpenAIModel != "" }

func validSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("LOG_LEVEL %q must be debug, info, warn or error", s)
	}
	return l, nil
}

// configKeys maps the Go name of each Config field to its variable, so a
// value that does not parse is reported by the name the user wrote.
func configKeys() map[string]reflect.StructField {
	t := reflect.TypeOf(Config{})
	out := make(map[string]reflect.StructField, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if key, _, _ := strings.Cut(f.Tag.Get("env"), ","); key != "" {
			out[f.Name] = f
		}
	}
	return out
}

func envKey(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
	return key
}

// tidyEnviron forgives what editors and .env files add: spaces around a
// value (a trailing \r from Windows too), and in lists spaces around items
// and empty items ("1, 2," is 1 and 2). It returns a copy.
func tidyEnviron(environ map[string]string) map[string]string {
	out := make(map[string]string, len(environ))
	for k, v := range environ {
		out[k] = v
	}
	for _, f := range configKeys() {
		key := envKey(f)
		v, ok := out[key]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if f.Type.Kind() == reflect.Slice {
			sep := f.Tag.Get("envSeparator")
			if sep == "" {
				sep = ","
			}
			var items []string
			for _, item := range strings.Split(v, sep) {
				if item = strings.TrimSpace(item); item != "" {
					items = append(items, item)
				}
			}
			v = strings.Join(items, sep)
		}
		out[key] = v
	}
	return out
}

// describeEnvError rewrites the env library's errors, which name Go
// fields ("TelegramRate"), into messages naming the variable, its value
// and what it should look like.
func describeEnvError(err error, environ map[string]string) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	keys := configKeys()
	var out []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if !errors.As(e, &pe) {
			out = append(out, e)
			continue
		}
		f, ok := keys[pe.Name]
		if !ok {
			out = append(out, e)
			continue
		}
		key := envKey(f)
		out = append(out, fmt.Errorf("%s=%q %s", key, environ[key], parseHint(f.Type, environ[key], pe.Err)))
	}
	return errors.Join(out...)
}

// parseHint says what a value of type t looks like.
func parseHint(t reflect.Type, value string, err error) string {
	var numErr *strconv.NumError
	tooBig := errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange)
	switch {
	case t == reflect.TypeOf(time.Duration(0)):
		if _, ferr := strconv.ParseFloat(value, 64); ferr == nil {
			return fmt.Sprintf("is not a duration: use a unit, e.g. %ss (s, m or h)", value)
		}
		return "is not a duration: use a number with a unit, e.g. 20s, 5m or 2h"
	case t.Kind() == reflect.Bool:
		return "must be true or false"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "is not a number (e.g. 30 or 2.5)"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 && tooBig:
		return "is too large a number"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "is not a whole number (e.g. 12345, or -1001234567890 for a group)"
	case t.Kind() == reflect.Slice:
		item := ""
		if numErr != nil {
			item = fmt.Sprintf("%q ", numErr.Num)
		}
		return fmt.Sprintf("has %sthat is not a whole number: give numbers separated by commas, e.g. 12345,67890", item)
	}
	return fmt.Sprintf("is not valid: %v", err)
}

// checkAddr checks a listening address: host:port with a numeric port.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be host:port")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("must end with a port number")
	}
	return nil
}
