package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/laborbot/laborbot/knowledge"
)

// Config is everything laborbot reads from the environment. It is read and
// validated once, at start, with messages that say which variable is wrong.
type Config struct {
	TelegramToken  string  `env:"TELEGRAM_BOT_TOKEN"`
	TelegramAPIURL string  `env:"TELEGRAM_API_URL"`
	WebhookURL     string  `env:"WEBHOOK_URL"`
	WebhookSecret  string  `env:"WEBHOOK_SECRET"`
	HTTPAddr       string  `env:"HTTP_ADDR" envDefault:":8080"`
	TelegramRate   float64 `env:"TELEGRAM_MAX_RATE" envDefault:"30"`

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
	cfg, err := env.ParseAsWithOptions[Config](env.Options{Environment: environ})
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
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
		errs = append(errs, fmt.Errorf("TELEGRAM_MAX_RATE %v must be between 0 and 1000 messages a second", c.TelegramRate))
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
	if (c.OpenAIAPIKey != "" || c.OpenAIBaseURL != "") && c.OpenAIModel == "" && c.OpenAIEmbeddingModel == "" {
		errs = append(errs, errors.New("OPENAI_MODEL is required when OPENAI_API_KEY or OPENAI_BASE_URL is set (e.g. gpt-4o-mini, deepseek-chat, qwen-plus)"))
	}
	if c.LLMTimeout <= 0 || c.LLMTimeout > 5*time.Minute {
		errs = append(errs, fmt.Errorf("LLM_TIMEOUT %s must be between 0 and 5m", c.LLMTimeout))
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
		errs = append(errs, fmt.Errorf("CONSOLE_IDLE %s must be between 1m and 720h", c.ConsoleIdle))
	}
	if c.EscalateAfter < time.Hour || c.EscalateAfter > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("ESCALATE_AFTER %s must be between 1h and 720h (e.g. 24h, 48h)", c.EscalateAfter))
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
