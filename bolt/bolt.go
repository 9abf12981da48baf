// Package bolt stores laborbot's state in a single embedded file using
// go.etcd.io/bbolt. It needs no server, which suits a bot run as one
// process; a deployment with several replicas uses package redis instead.
//
// Each kind of data has its own bucket and its own file in this package
// (prefs.go, feedback.go, updates.go, chatstate.go), so that stores added
// later (tickets, an events queue, knowledge-base versions) extend the same
// *Store without touching the existing ones.
package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/laborbot/laborbot/bot"
)

// Bucket names. They are part of the file format: never rename one.
const (
	bucketPrefs     = "prefs"
	bucketFeedback  = "feedback"
	bucketUpdates   = "updates"
	bucketChatState = "chat_state"
)

// DefaultLockTimeout is how long Open waits for another process to release
// the data file. It is long enough to ride out a restart in which the old
// process is still closing the file, and short enough that a second bot
// started by mistake fails at once instead of hanging.
const DefaultLockTimeout = 5 * time.Second

// pruneInterval is how often MarkUpdate sweeps expired update ids. Expiry
// itself does not depend on the sweep (MarkUpdate compares timestamps), so
// the sweep only bounds the file's growth and can be rare.
const pruneInterval = time.Hour

// Store is a bot.Store kept in one bbolt file. It is safe for concurrent
// use by one process; bbolt locks the file against other processes.
type Store struct {
	db   *bbolt.DB
	path string
	now  func() time.Time

	// maxFeedback is bot.MaxFeedback; a field so tests can lower it.
	maxFeedback uint64
	// pruneEvery is pruneInterval; a field so tests can change it.
	pruneEvery time.Duration
	// nextPrune is when MarkUpdate next sweeps expired ids. It is only read
	// and written inside write transactions (Update or Batch), which bbolt
	// runs one at a time, so it needs no lock of its own.
	nextPrune time.Time
	// nextSpoolPrune is when SpoolAdd next sweeps expired spool ids (the
	// same discipline as nextPrune).
	nextSpoolPrune time.Time
	// markSeq makes each MarkUpdate's stored mark unique (see MarkUpdate).
	markSeq atomic.Uint64

	closeOnce sync.Once
	closeErr  error
}

var _ bot.Store = (*Store)(nil)

// Option changes how Open opens a Store.
type Option func(*options)

type options struct {
	lockTimeout time.Duration
	now         func() time.Time
}

// WithLockTimeout sets how long Open waits for another process to release
// the file (default DefaultLockTimeout). It must be positive: bbolt treats
// zero as "wait forever", which is exactly what Open is meant to avoid.
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.lockTimeout = d }
}

// WithClock makes the Store read the time from now instead of time.Now, so
// tests can expire update ids without waiting two days.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// InUseError is returned by Open when another process holds the data file.
// bbolt allows one writer process per file; telling the operator so beats
// the generic lock timeout.
type InUseError struct {
	Path string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("data file %s is in use by another laborbot process", e.Path)
}

// Unwrap lets callers still match bbolt's own timeout error.
func (e *InUseError) Unwrap() error { return bbolterrors.ErrTimeout }

// Open opens the data file at path, creating it and its parent directories
// if needed. If another process has the file open, Open gives up after the
// lock timeout with an *InUseError.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: DefaultLockTimeout, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.lockTimeout <= 0 {
		return nil, fmt.Errorf("bolt: lock timeout must be positive, got %s", o.lockTimeout)
	}

	// 0700/0600: the file holds workers' conversations with the bot.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("bolt: create directory for %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: o.lockTimeout})
	if err == nil {
		// Group commits wait at most this long for company: short, since
		// every update waits on one.
		db.MaxBatchDelay = 2 * time.Millisecond
	}
	if errors.Is(err, bbolterrors.ErrTimeout) {
		return nil, &InUseError{Path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}

	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketPrefs, bucketFeedback, bucketUpdates, bucketChatState} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %q: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: init %s: %w", path, err)
	}

	return &Store{
		db:          db,
		path:        path,
		now:         o.now,
		maxFeedback: bot.MaxFeedback,
		pruneEvery:  pruneInterval,
	}, nil
}

// Path returns the data file's path.
func (s *Store) Path() string { return s.path }

// Ping reports whether the file is still open.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// A read transaction fails with bbolt's ErrDatabaseNotOpen after Close.
	return s.db.View(func(*bbolt.Tx) error { return nil })
}

// Close closes the file, releasing the lock for the next process.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.db.Close() })
	return s.closeErr
}

// view and update run fn in a read or write transaction on one bucket,
// after checking ctx: bbolt itself takes no context, so a cancelled request
// at least does not start new work.
func (s *Store) view(ctx context.Context, bucket string, fn func(*bbolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error { return fn(tx.Bucket([]byte(bucket))) })
}

func (s *Store) update(ctx context.Context, bucket string, fn func(*bbolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return fn(tx.Bucket([]byte(bucket))) })
}

// idKey encodes a Telegram id as a bucket key. Fixed-width big-endian keeps
// keys short and compares equal ids equal; the order of negative (group)
// ids among positive ones does not matter to any bucket keyed this way.
func idKey(id int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(id))
}
