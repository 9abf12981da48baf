package main

import (
	"fmt"
	"os"

	"github.com/laborbot/laborbot/knowledge"
)

// loadDecision reads DECISION_FILE: a relevance decision calibrated with
// `laborbot eval --calibrate FILE` (nil, the built-in one, when unset).
func loadDecision(path string) (*knowledge.DecisionModel, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("DECISION_FILE: %w", err)
	}
	m, err := knowledge.ParseDecisionModel(b)
	if err != nil {
		return nil, fmt.Errorf("DECISION_FILE %s: %w (write it with laborbot eval --calibrate)", path, err)
	}
	return &m, nil
}
