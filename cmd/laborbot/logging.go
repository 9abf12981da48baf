package main

import (
	"io"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/redis"
)

// newLogger makes the program's logger: JSON lines on w from level up.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: readableDurations}))
}

// readableDurations writes durations as Go writes them ("15s", "1m30s")
// rather than slog's JSON default of nanoseconds (15000000000), which
// nobody reading a log can take in at a glance.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// routeRedisLogs sends go-redis's own log lines into m's logger (whatever
// Run makes it). go-redis has a single logger for the whole process
// (goredis.SetLogger), not one per client, so this is done once, by main,
// and not in Run: tests run many Mains in one process, and each Run would
// take the others' lines.
func routeRedisLogs(m *Main) {
	goredis.SetLogger(redis.Logger{Log: func() *slog.Logger { return m.Logger }})
}
