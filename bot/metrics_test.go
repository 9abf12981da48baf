package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestMetricsStartAtZero: right after NewMetrics every counter and every
// known labelled series is exported at 0, so alerts and dashboards see a
// zero before the first event rather than no data.
func TestMetricsStartAtZero(t *testing.T) {
	reg := prometheus.NewRegistry()
	NewMetrics(reg)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]*dto.Metric{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			series[key] = m
		}
	}
	want := []string{
		"laborbot_errors_total where=store", "laborbot_errors_total where=handle", "laborbot_errors_total where=panic",
		"laborbot_errors_total where=flood", "laborbot_errors_total where=forged_update",
		"laborbot_updates_total kind=text", "laborbot_updates_total kind=callback", "laborbot_updates_total kind=other",
		"laborbot_answers_total mode=retrieval", "laborbot_answers_total mode=llm", "laborbot_answers_total mode=none",
		"laborbot_feedback_total vote=up", "laborbot_feedback_total vote=down",
		"laborbot_updates_duplicate_total", "laborbot_llm_failures_total", "laborbot_replies_failed_total",
		"laborbot_outbox_queued_total", "laborbot_outbox_delivered_total", "laborbot_outbox_expired_total",
		"laborbot_updates_replayed_total", "laborbot_outbox_backlog", "laborbot_llm_latency_seconds",
	}
	for _, k := range want {
		m, ok := series[k]
		if !ok {
			t.Errorf("no series %s after NewMetrics", k)
			continue
		}
		if v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount()); v != 0 {
			t.Errorf("%s = %v at start, want 0", k, v)
		}
	}
	for _, where := range ErrorPlaces() {
		if _, ok := series["laborbot_errors_total where="+where]; !ok {
			t.Errorf("laborbot_errors_total{where=%q} missing", where)
		}
	}
}

// TestErrorPlacesComplete: every "where" the code counts errors under is
// one of ErrorPlaces, so it too starts at 0. It reads the sources of the
// packages that count errors.
func TestErrorPlacesComplete(t *testing.T) {
	re := regexp.MustCompile(`Errors\.WithLabelValues\("([^"]+)"\)`)
	found := 0
	for _, dir := range []string{".", "telegram", "terminal"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found++
				if !slices.Contains(ErrorPlaces(), m[1]) {
					t.Errorf("%s counts errors under %q, which is not in ErrorPlaces", f, m[1])
				}
			}
		}
	}
	if found < 5 {
		t.Errorf("found only %d Errors.WithLabelValues calls: the pattern no longer matches the code", found)
	}
}
