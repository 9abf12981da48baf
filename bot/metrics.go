package bot

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/laborbot/laborbot/knowledge"
)

// Metrics are the bot's Prometheus metrics. They are registered on the
// registry given to NewMetrics, never on a global one, so tests and two bots
// in one process do not collide.
type Metrics struct {
	Updates       *prometheus.CounterVec // by kind
	Duplicates    prometheus.Counter
	Answers       *prometheus.CounterVec // by mode
	LLMLatency    prometheus.Histogram
	LLMFailures   prometheus.Counter
	Errors        *prometheus.CounterVec // by where
	RepliesFailed prometheus.Counter
	Feedback      *prometheus.CounterVec // by vote

	// The outbox (outbox.go) and the inbox of a channel that spools its
	// updates.
	OutboxBacklog   prometheus.Gauge
	OutboxQueued    prometheus.Counter
	OutboxDelivered prometheus.Counter
	OutboxExpired   prometheus.Counter
	UpdatesReplayed prometheus.Counter
}

// NewMetrics makes the metrics and registers them on reg (nil: not
// registered, for tests that do not look at them).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_updates_total",
			Help: "Updates received, by kind."}, []string{"kind"}),
		Duplicates: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_updates_duplicate_total",
			Help: "Updates delivered more than once and handled once."}),
		Answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_answers_total",
			Help: "Answers given, by mode (retrieval, llm, fallback, article, none)."}, []string{"mode"}),
		LLMLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "laborbot_llm_latency_seconds",
			Help: "Time the language model took for one answer.", Buckets: []float64{0.5, 1, 2, 4, 8, 15, 30}}),
		LLMFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_llm_failures_total",
			Help: "Model answers that failed and fell back to retrieval."}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_errors_total",
			Help: "Errors, by where they happened."}, []string{"where"}),
		RepliesFailed: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_replies_failed_total",
			Help: "Replies that could not be delivered after retries."}),
		Feedback: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_feedback_total",
			Help: "Answer feedback, by vote."}, []string{"vote"}),
		OutboxBacklog: prometheus.NewGauge(prometheus.GaugeOpts{Name: "laborbot_outbox_backlog",
			Help: "Replies waiting in the outbox for their channel."}),
		OutboxQueued: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_outbox_queued_total",
			Help: "Replies that could not be delivered at once and were queued."}),
		OutboxDelivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_outbox_delivered_total",
			Help: "Queued replies delivered later."}),
		OutboxExpired: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_outbox_expired_total",
			Help: "Queued replies dropped as too old (the chat is told)."}),
		UpdatesReplayed: prometheus.NewCounter(prometheus.CounterOpts{Name: "laborbot_updates_replayed_total",
			Help: "Updates taken in before a restart and handled after it."}),
	}
	// Every series exists from the start, at 0: an alert on a rate of
	// errors sees no data, rather than a zero, until the first one, and a
	// series that appears later looks like a jump in a dashboard.
	for _, k := range []Kind{KindText, KindCommand, KindCallback, KindSticker, KindVoice, KindPhoto, KindDocument,
		KindEdited, KindForwarded, KindOther} {
		m.Updates.WithLabelValues(string(k))
	}
	for _, mode := range []knowledge.Mode{knowledge.ModeRetrieval, knowledge.ModeLLM, knowledge.ModeFallback,
		knowledge.ModeArticle, knowledge.ModeNone} {
		m.Answers.WithLabelValues(string(mode))
	}
	for _, where := range ErrorPlaces() {
		m.Errors.WithLabelValues(where)
	}
	m.Feedback.WithLabelValues("up")
	m.Feedback.WithLabelValues("down")
	if reg != nil {
		reg.MustRegister(m.Updates, m.Duplicates, m.Answers, m.LLMLatency, m.LLMFailures, m.Errors, m.RepliesFailed, m.Feedback,
			m.OutboxBacklog, m.OutboxQueued, m.OutboxDelivered, m.OutboxExpired, m.UpdatesReplayed)
	}
	return m
}

// ErrorPlaces are the values of laborbot_errors_total's "where" label,
// each set up at 0 by NewMetrics. A new place must be added here (a test
// looks for Errors.WithLabelValues calls with other values).
func ErrorPlaces() []string {
	return []string{
		"store",             // marking an update as seen failed
		"store_unavailable", // handling failed while the store was down
		"handle",            // handling an update failed
		"panic",             // a handler panicked
		"flood",             // Telegram asked us to slow down
		"webhook_secret",    // a webhook call without the right secret
		"forged_update",     // an update that cannot be from Telegram
		"inbox",             // the spooled inbox of updates failed
	}
}
