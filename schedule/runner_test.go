package schedule_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/schedule"
)

// clock is a settable clock: the tests move time instead of sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func openStore(t *testing.T) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newRunner(t *testing.T, s schedule.Store, c *clock, owner string, m *schedule.Metrics, h schedule.Handler) *schedule.Runner {
	t.Helper()
	r, err := schedule.NewRunner(s, h, schedule.Options{Owner: owner, Now: c.Now, Metrics: m, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// metric reads a counter or gauge (with the label value kind, or none)
// from the registry.
func metric(t *testing.T, reg *prometheus.Registry, name, kind string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if kind != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != kind) {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

func runDue(t *testing.T, r *schedule.Runner) int {
	t.Helper()
	n, err := r.RunDue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRunnerRunsDueJobsOnce(t *testing.T) {
	s := openStore(t)
	c := &clock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	m := schedule.NewMetrics(reg)
	var runs atomic.Int32
	r := newRunner(t, s, c, "a", m, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		runs.Add(1)
		return schedule.Result{}, nil
	})
	if _, err := s.AddJobs(t.Context(), schedule.Job{ID: "j1", Kind: "k", Due: c.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n := runDue(t, r); n != 0 {
		t.Fatalf("ran %d jobs an hour early", n)
	}
	c.Add(time.Hour)
	if n := runDue(t, r); n != 1 || runs.Load() != 1 {
		t.Fatalf("at the due time: ran %d (handler %d times)", n, runs.Load())
	}
	c.Add(24 * time.Hour)
	runDue(t, r)
	if runs.Load() != 1 {
		t.Fatalf("the job ran %d times", runs.Load())
	}
	if v := metric(t, reg, "laborbot_jobs_done_total", "k"); v != 1 {
		t.Errorf("done metric = %v", v)
	}
}

func TestRunnerRetriesWithBackoffThenGivesUp(t *testing.T) {
	s := openStore(t)
	c := &clock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	m := schedule.NewMetrics(reg)
	var runs atomic.Int32
	r := newRunner(t, s, c, "a", m, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		runs.Add(1)
		if runs.Load() == 2 {
			panic("boom") // a panic counts as a failure, not a crash
		}
		return schedule.Result{}, errors.New("the chat cannot be reached")
	})
	s.AddJobs(t.Context(), schedule.Job{ID: "j", Kind: "k", Due: c.Now()})
	runDue(t, r) // attempt 1 fails: retry in 1 min
	c.Add(59 * time.Second)
	if runDue(t, r); runs.Load() != 1 {
		t.Fatalf("retried before the backoff: %d runs", runs.Load())
	}
	c.Add(time.Second)
	runDue(t, r) // attempt 2 panics: retry in 2 min
	c.Add(119 * time.Second)
	if runDue(t, r); runs.Load() != 2 {
		t.Fatalf("retried before the second backoff: %d runs", runs.Load())
	}
	c.Add(time.Second)
	runDue(t, r) // attempt 3 fails: given up (MaxAttempts 3)
	if _, st, _ := s.GetJob(t.Context(), "j"); st != schedule.StatusFailed {
		t.Fatalf("after 3 failures the job is %q", st)
	}
	c.Add(24 * time.Hour)
	if runDue(t, r); runs.Load() != 3 {
		t.Fatalf("a failed job ran again: %d runs", runs.Load())
	}
	if v := metric(t, reg, "laborbot_jobs_retried_total", "k"); v != 2 {
		t.Errorf("retried metric = %v; want 2", v)
	}
	if v := metric(t, reg, "laborbot_jobs_failed_total", "k"); v != 1 {
		t.Errorf("failed metric = %v; want 1", v)
	}
}

func TestRunnerReschedulesAndReportsLag(t *testing.T) {
	s := openStore(t)
	c := &clock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	m := schedule.NewMetrics(reg)
	var seen []string
	r := newRunner(t, s, c, "a", m, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		seen = append(seen, j.Data)
		if j.Data == "first" {
			return schedule.Result{Next: c.Now().Add(7 * 24 * time.Hour), Data: "second"}, nil
		}
		return schedule.Result{}, nil
	})
	s.AddJobs(t.Context(), schedule.Job{ID: "w", Kind: "weekly", Due: c.Now(), Data: "first"},
		schedule.Job{ID: "late", Kind: "k", Due: c.Now().Add(time.Hour)})
	runDue(t, r)
	// Another job is overdue while nothing runs: the gauges show it.
	c.Add(3 * time.Hour)
	if due, oldest, err := s.JobStats(t.Context(), c.Now()); err != nil || due != 1 || c.Now().Sub(oldest) != 2*time.Hour {
		t.Fatalf("JobStats = %d, %v, %v", due, oldest, err)
	}
	runDue(t, r)
	c.Add(7 * 24 * time.Hour)
	runDue(t, r)
	if len(seen) != 3 || seen[0] != "first" || seen[2] != "second" {
		t.Fatalf("runs saw %q", seen)
	}
	if v := metric(t, reg, "laborbot_jobs_due", ""); v != 0 {
		t.Errorf("due gauge = %v after everything ran", v)
	}
}

func TestTwoRunnersRunEachJobOnce(t *testing.T) {
	s := openStore(t)
	c := &clock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	count := map[string]int{}
	h := func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		mu.Lock()
		count[j.ID]++
		mu.Unlock()
		return schedule.Result{}, nil
	}
	var jobs []schedule.Job
	for i := range 100 {
		jobs = append(jobs, schedule.Job{ID: string(rune('A'+i%26)) + time.Duration(i).String(), Kind: "k", Due: c.Now()})
	}
	s.AddJobs(t.Context(), jobs...)
	a, b := newRunner(t, s, c, "a", nil, h), newRunner(t, s, c, "b", nil, h)
	var wg sync.WaitGroup
	wg.Go(func() { a.RunDue(context.Background()) })
	wg.Go(func() { b.RunDue(context.Background()) })
	wg.Wait()
	if len(count) != 100 {
		t.Fatalf("%d jobs ran; want 100", len(count))
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("%s ran %d times", id, n)
		}
	}
}
