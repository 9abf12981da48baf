package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Handler runs one job. It returns the zero Result when the job is done,
// or a Result with Next set to run the job again then (a reminder that
// waits for the end of quiet hours, a check that repeats). An error makes
// the Runner retry the job later with backoff, so handlers must tolerate
// being run again for the same job.
type Handler func(ctx context.Context, j Job) (Result, error)

// Result is what a handler did with a job.
type Result struct {
	// Next, when not zero, is when the job runs again (its attempts are
	// counted afresh). Zero: the job is done.
	Next time.Time
	// Data replaces the job's payload for its next run (empty: kept).
	Data string
}

// Options configure a Runner. Zero fields take the defaults.
type Options struct {
	// Owner names this process among the replicas (host name and pid);
	// claims are held in its name. Required.
	Owner string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Poll is how often Run looks for due jobs (default 30s). Jobs run
	// within Poll of their due time.
	Poll time.Duration
	// Lease is how long a claim holds (default 5m): a job whose owner died
	// runs again after it. Every run is cut off at half of it, so a slow
	// run cannot outlive its claim.
	Lease time.Duration
	// Batch is how many jobs one claim takes (default 20).
	Batch int
	// MaxAttempts is how many failed runs a job gets before it is given up
	// (default 8).
	MaxAttempts int
	// Backoff is the pause before retrying after the n-th failed run
	// (default: 1 min doubling to at most 6 h).
	Backoff func(n int) time.Duration
	// Metrics, when set, are updated (see NewMetrics).
	Metrics *Metrics
	// Logger gets job ids, kinds and errors (nil: discard). Handlers must
	// not put personal data in their errors.
	Logger *slog.Logger
}

// DefaultBackoff waits 1 minute after the first failure, doubling up to 6
// hours: 1m, 2m, 4m, ... 4h16m, 6h.
func DefaultBackoff(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Runner claims due jobs from a Store and runs them with a Handler.
type Runner struct {
	store  Store
	handle Handler
	o      Options
}

// NewRunner returns a Runner; it does nothing until Run or RunDue.
func NewRunner(store Store, handle Handler, o Options) (*Runner, error) {
	if o.Owner == "" {
		return nil, errors.New("schedule: a runner needs an owner name")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{store: store, handle: handle, o: o}, nil
}

// Run runs due jobs every Poll until ctx is done.
func (r *Runner) Run(ctx context.Context) error {
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.o.Logger.Warn("scheduled jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(r.o.Poll):
		}
	}
}

// RunDue claims and runs every job due now, a batch at a time, and returns
// how many ran. Tests call it after moving their clock.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for ctx.Err() == nil {
		now := r.o.Now()
		jobs, err := r.store.ClaimDueJobs(ctx, r.o.Owner, now, r.o.Lease, r.o.Batch)
		if err != nil {
			return ran, fmt.Errorf("schedule: claim: %w", err)
		}
		for _, j := range jobs {
			r.run(ctx, j, now)
			ran++
		}
		if len(jobs) < r.o.Batch {
			break
		}
	}
	r.updateGauges(ctx)
	return ran, ctx.Err()
}

// run runs one claimed job and records what came of it.
func (r *Runner) run(ctx context.Context, j Job, claimedAt time.Time) {
	m := r.o.Metrics
	if m != nil {
		m.Delay.Observe(max(claimedAt.Sub(j.Due), 0).Seconds())
	}
	runCtx, cancel := context.WithTimeout(ctx, r.o.Lease/2)
	res, err := r.safeHandle(runCtx, j)
	cancel()
	now := r.o.Now()
	var serr error
	switch {
	case err != nil && ctx.Err() != nil:
		// Shutting down: the claim runs out and another run takes it.
		return
	case err != nil:
		j.Attempt++
		if j.Attempt >= r.o.MaxAttempts {
			r.o.Logger.Error("scheduled job given up", "job", j.ID, "kind", j.Kind, "attempts", j.Attempt, "err", err)
			serr = r.store.FailJob(ctx, j.ID, r.o.Owner, err.Error(), now)
			if m != nil && serr == nil {
				m.Failed.WithLabelValues(j.Kind).Inc()
			}
			break
		}
		wait := r.o.Backoff(j.Attempt)
		r.o.Logger.Warn("scheduled job failed; will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "in", wait.String(), "err", err)
		j.Due = now.Add(wait)
		serr = r.store.RescheduleJob(ctx, j, r.o.Owner)
		if m != nil && serr == nil {
			m.Retried.WithLabelValues(j.Kind).Inc()
		}
	case !res.Next.IsZero():
		// Never "again right now": that would spin within one RunDue.
		j.Due, j.Attempt = res.Next, 0
		if !j.Due.After(now) {
			j.Due = now.Add(time.Second)
		}
		if res.Data != "" {
			j.Data = res.Data
		}
		serr = r.store.RescheduleJob(ctx, j, r.o.Owner)
	default:
		serr = r.store.CompleteJob(ctx, j.ID, r.o.Owner, now)
		if m != nil && serr == nil {
			m.Done.WithLabelValues(j.Kind).Inc()
		}
	}
	if serr != nil && ctx.Err() == nil {
		r.o.Logger.Warn("scheduled job: recording the result failed", "job", j.ID, "kind", j.Kind, "err", serr)
	}
}

// safeHandle turns a handler's panic into an error, so one bad job does
// not stop the others.
func (r *Runner) safeHandle(ctx context.Context, j Job) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("schedule: job %s panicked: %v", j.ID, p)
		}
	}()
	return r.handle(ctx, j)
}

func (r *Runner) updateGauges(ctx context.Context) {
	if r.o.Metrics == nil || ctx.Err() != nil {
		return
	}
	now := r.o.Now()
	due, oldest, err := r.store.JobStats(ctx, now)
	if err != nil {
		return
	}
	r.o.Metrics.Due.Set(float64(due))
	lag := 0.0
	if !oldest.IsZero() {
		lag = max(now.Sub(oldest), 0).Seconds()
	}
	r.o.Metrics.Lag.Set(lag)
}

// Metrics are the scheduler's Prometheus metrics.
type Metrics struct {
	Due     prometheus.Gauge       // jobs due and waiting to run
	Lag     prometheus.Gauge       // how late the most overdue waiting job is
	Delay   prometheus.Histogram   // from due time to the start of a run
	Done    *prometheus.CounterVec // by kind
	Retried *prometheus.CounterVec // failed runs that will be retried, by kind
	Failed  *prometheus.CounterVec // jobs given up, by kind
}

// NewMetrics makes the metrics and registers them on reg (nil: not
// registered). The series of each of kinds (the job kinds the handler
// knows) start at 0, so alerts on them see a zero rather than no data.
func NewMetrics(reg prometheus.Registerer, kinds ...string) *Metrics {
	m := &Metrics{
		Due: prometheus.NewGauge(prometheus.GaugeOpts{Name: "laborbot_jobs_due",
			Help: "Scheduled jobs due and waiting to run, at the last poll."}),
		Lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "laborbot_jobs_lag_seconds",
			Help: "How overdue the oldest waiting job was at the last poll."}),
		Delay: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "laborbot_jobs_delay_seconds",
			Help: "Time from a job's due time to the start of its run.", Buckets: []float64{1, 5, 30, 60, 300, 1800, 3600, 6 * 3600}}),
		Done: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_jobs_done_total",
			Help: "Scheduled jobs run to completion, by kind."}, []string{"kind"}),
		Retried: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_jobs_retried_total",
			Help: "Scheduled job runs that failed and will be retried, by kind."}, []string{"kind"}),
		Failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "laborbot_jobs_failed_total",
			Help: "Scheduled jobs given up after too many failed runs, by kind."}, []string{"kind"}),
	}
	for _, k := range kinds {
		m.Done.WithLabelValues(k)
		m.Retried.WithLabelValues(k)
		m.Failed.WithLabelValues(k)
	}
	if reg != nil {
		reg.MustRegister(m.Due, m.Lag, m.Delay, m.Done, m.Retried, m.Failed)
	}
	return m
}
