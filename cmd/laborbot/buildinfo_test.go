package main

import (
	"runtime"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestBuildInfo: laborbot_build_info is 1 with the version, Go version
// and revision as labels.
func TestBuildInfo(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(buildInfo())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(families) != 1 || families[0].GetName() != "laborbot_build_info" || len(families[0].GetMetric()) != 1 {
		t.Fatalf("gathered %v, want one laborbot_build_info series", families)
	}
	m := families[0].GetMetric()[0]
	if m.GetGauge().GetValue() != 1 {
		t.Errorf("laborbot_build_info = %v, want 1", m.GetGauge().GetValue())
	}
	labels := map[string]string{}
	for _, l := range m.GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["version"] != version || labels["goversion"] != runtime.Version() || labels["revision"] == "" {
		t.Errorf("labels = %v; want version %q, goversion %q and a revision", labels, version, runtime.Version())
	}
}
