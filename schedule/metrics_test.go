package schedule_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laborbot/laborbot/schedule"
)

// TestMetricsKindsStartAtZero: the series of every job kind given to
// NewMetrics exist at 0 before any job runs.
func TestMetricsKindsStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	schedule.NewMetrics(reg, "payment", "checkin")
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if m.GetCounter().GetValue() != 0 {
				t.Errorf("%s %v = %v at start", f.GetName(), m.GetLabel(), m.GetCounter().GetValue())
			}
			got[f.GetName()]++
		}
	}
	for _, name := range []string{"laborbot_jobs_done_total", "laborbot_jobs_retried_total", "laborbot_jobs_failed_total"} {
		if got[name] != 2 {
			t.Errorf("%s has %d series at start, want one per kind (2)", name, got[name])
		}
	}
}
