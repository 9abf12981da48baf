package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecisionFile: DECISION_FILE loads a calibrated decision; a missing or
// malformed one stops the program with a message naming the variable.
func TestDecisionFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "decision.json")
	model := `{"domain":{"bias":-1,"weights":{"labor_words":2},"threshold":0.5},"answer":{"bias":0,"weights":{"match":1},"threshold":0.75},"ranking":{"zh":{"match":1}},"exact_match":0.9}`
	if err := os.WriteFile(good, []byte(model), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(map[string]string{"DECISION_FILE": good})
	if err != nil || cfg.decision == nil || cfg.decision.Answer.Threshold != 0.75 {
		t.Fatalf("a good DECISION_FILE: %v, %+v", err, cfg.decision)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"domain":{}}`), 0o600)
	for _, path := range []string{filepath.Join(dir, "missing.json"), bad} {
		if _, err := LoadConfig(map[string]string{"DECISION_FILE": path}); err == nil || !strings.Contains(err.Error(), "DECISION_FILE") {
			t.Errorf("DECISION_FILE=%s: %v, want an error naming the variable", path, err)
		}
	}
}
