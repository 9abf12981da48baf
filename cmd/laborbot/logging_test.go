package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/redis"
)

// TestLoggerDurationsAsText: a duration is logged as "15s", not as
// 15000000000 nanoseconds (issue 12).
func TestLoggerDurationsAsText(t *testing.T) {
	var buf syncBuffer
	newLogger(&buf, slog.LevelInfo).Info("llm", "timeout", 15*time.Second, "waited", 1500*time.Millisecond,
		slog.Group("retry", "after", 2*time.Minute))
	var line map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &line); err != nil {
		t.Fatalf("not JSON: %q", buf.String())
	}
	if line["timeout"] != "15s" || line["waited"] != "1.5s" {
		t.Errorf("durations logged as %v and %v, want \"15s\" and \"1.5s\": %s", line["timeout"], line["waited"], buf.String())
	}
	if g, _ := line["retry"].(map[string]any); g == nil || g["after"] != "2m0s" {
		t.Errorf("a duration in a group logged as %v, want \"2m0s\"", line["retry"])
	}
}

// TestRedisLogsRouted: go-redis's own lines (here a failed dial) come out
// as JSON lines of the program's logger, not as go-redis's plain text.
func TestRedisLogsRouted(t *testing.T) {
	var buf syncBuffer
	m := &Main{Logger: newLogger(&buf, slog.LevelInfo)}
	routeRedisLogs(m)
	// The logger is process-wide: give it back to slog's default after.
	t.Cleanup(func() { goredis.SetLogger(redis.Logger{}) })

	// Port 1 on loopback: nothing listens, the dial is refused at once.
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("ping of 127.0.0.1:1 succeeded")
	}
	out := buf.String()
	found := false
	for line := range strings.Lines(out) {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Errorf("a line that is not JSON: %q", line)
			continue
		}
		if l["msg"] == "go-redis" && strings.Contains(l["detail"].(string), "127.0.0.1:1") {
			found = true
		}
	}
	if !found {
		t.Errorf("go-redis's failed dial did not reach the logger; got:\n%s", out)
	}
}
