package redis

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestLoggerWritesJSONWarnings(t *testing.T) {
	var buf bytes.Buffer
	l := Logger{Log: func() *slog.Logger { return slog.New(slog.NewJSONHandler(&buf, nil)) }}
	l.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "connection refused")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %q (%v)", buf.String(), err)
	}
	if line["level"] != "WARN" || line["msg"] != "go-redis" ||
		line["detail"] != "connection pool: failed to dial after 5 attempts: connection refused" {
		t.Errorf("line = %v", line)
	}
}
