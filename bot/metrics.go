package bot

import "github.com/prometheus/client_golang/prometheus"

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
	}
	if reg != nil {
		reg.MustRegister(m.Updates, m.Duplicates, m.Answers, m.LLMLatency, m.LLMFailures, m.Errors, m.RepliesFailed, m.Feedback)
	}
	return m
}
