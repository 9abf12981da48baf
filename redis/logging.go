package redis

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// Logger carries go-redis's own log lines (failed dials, pool and cluster
// trouble) into slog, as warnings in the same JSON log as everything
// else, instead of go-redis's plain text lines on stderr. Install it with
// goredis.SetLogger. go-redis has one logger for the whole process, not
// one per client, so the program sets it once; Logger asks for the slog
// logger at each line (nil: slog.Default).
type Logger struct {
	Log func() *slog.Logger
}

// Printf implements go-redis's internal.Logging.
func (l Logger) Printf(ctx context.Context, format string, v ...any) {
	var log *slog.Logger
	if l.Log != nil {
		log = l.Log()
	}
	if log == nil {
		log = slog.Default()
	}
	// go-redis's lines name addresses and errors, never keys or values.
	line := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	log.WarnContext(ctx, "go-redis", "detail", line)
}
