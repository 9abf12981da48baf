package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/laborbot/laborbot/bot"
)

// Backup and restore of a data file that is in use. bbolt lets one process
// hold the file, so a copy taken with cp while the bot writes may be torn;
// these run inside the owning process instead: a backup is one read
// transaction (writers carry on), a restore one write transaction (readers
// see all the old data or all the new, never a mix).

// baseBuckets are the buckets every laborbot data file has (Open creates
// them): what tells a laborbot backup from any other bbolt file.
var baseBuckets = []string{bucketPrefs, bucketFeedback, bucketUpdates, bucketChatState}

// NotStoreError is returned for a file that is not a laborbot data file.
type NotStoreError struct {
	Path   string
	Reason string
}

func (e *NotStoreError) Error() string {
	return fmt.Sprintf("%s is not a laborbot data file (%s)", e.Path, e.Reason)
}

// WriteSnapshot writes a consistent copy of the whole data file to w and
// returns its size. The copy is itself a data file: Open and OpenReadOnly
// read it, Restore puts it back.
func (s *Store) WriteSnapshot(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("bolt: snapshot: %w", err)
	}
	return n, nil
}

// OpenReadOnly opens a data file (a backup) for reading only, after
// checking that it is one: a bbolt file with laborbot's buckets. Nothing is
// written to it, so a backup can be inspected without changing it.
func OpenReadOnly(path string) (*Store, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bolt: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotStoreError{Path: path, Reason: "not a regular file"}
	}
	if fi.Size() == 0 {
		// bbolt would try to initialise an empty file.
		return nil, &NotStoreError{Path: path, Reason: "the file is empty"}
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: DefaultLockTimeout})
	if errors.Is(err, bbolterrors.ErrTimeout) {
		return nil, &InUseError{Path: path}
	}
	if err != nil {
		return nil, &NotStoreError{Path: path, Reason: err.Error()}
	}
	err = db.View(func(tx *bbolt.Tx) error {
		for _, name := range baseBuckets {
			if tx.Bucket([]byte(name)) == nil {
				return &NotStoreError{Path: path, Reason: fmt.Sprintf("a bbolt file without laborbot's %q bucket", name)}
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, path: path, now: time.Now, maxFeedback: bot.MaxFeedback, pruneEvery: pruneInterval}, nil
}

// RestoreSummary says what Restore put in place.
type RestoreSummary struct {
	Buckets int // top-level buckets
	Keys    int // keys, nested buckets' included
}

// Restore replaces everything in s with the contents of src (a backup
// opened with OpenReadOnly), in one write transaction: if anything fails,
// nothing changes. Bucket sequences (ticket numbers, audit ids) are
// restored too, so numbers handed out after the restore continue the
// backup's. The state of delivery to Telegram is kept as it is (see
// deliveryState), and the staff audit log is merged (see mergedOnRestore).
// The caller reloads whatever it keeps in memory from the store.
func (s *Store) Restore(ctx context.Context, src *Store) (RestoreSummary, error) {
	var sum RestoreSummary
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if src == s {
		return sum, errors.New("bolt: restore from the store itself")
	}
	err := src.db.View(func(stx *bbolt.Tx) error {
		return s.db.Update(func(dtx *bbolt.Tx) error {
			var names [][]byte
			if err := dtx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
				if !deliveryState(string(name)) && !mergedOnRestore(string(name)) {
					names = append(names, bytes.Clone(name))
				}
				return nil
			}); err != nil {
				return err
			}
			for _, name := range names {
				if err := dtx.DeleteBucket(name); err != nil {
					return fmt.Errorf("clear bucket %q: %w", name, err)
				}
			}
			return stx.ForEach(func(name []byte, b *bbolt.Bucket) error {
				if deliveryState(string(name)) {
					return nil
				}
				if mergedOnRestore(string(name)) {
					nb, err := dtx.CreateBucketIfNotExists(bytes.Clone(name))
					if err != nil {
						return fmt.Errorf("open bucket %q: %w", name, err)
					}
					sum.Buckets++
					return mergeBucket(nb, b, &sum.Keys)
				}
				nb, err := dtx.CreateBucket(bytes.Clone(name))
				if err != nil {
					return fmt.Errorf("create bucket %q: %w", name, err)
				}
				sum.Buckets++
				return copyBucket(nb, b, &sum.Keys)
			})
		})
	})
	if err != nil {
		return RestoreSummary{}, fmt.Errorf("bolt: restore: %w", err)
	}
	return sum, nil
}

// deliveryState reports whether a bucket holds the running process's
// state of delivery to Telegram rather than the union's data: the update
// ids already handled (a restored older set would let an update Telegram
// sends again be handled twice) and the spools of messages being sent (a
// restored older spool would send messages again). Restore keeps these as
// they are.
func deliveryState(name string) bool {
	return name == bucketUpdates || strings.HasPrefix(name, spoolBucketPrefix)
}

// mergedOnRestore reports whether a bucket is merged rather than replaced
// by Restore: the staff audit log, which is never erased, so what staff did
// after the backup stays on record next to what the backup holds.
func mergedOnRestore(name string) bool { return name == bucketIntakeAudit }

// mergeBucket adds src's keys that dst lacks (a key in both keeps dst's
// value: the same record) and raises dst's sequence to src's if lower, so
// new records never reuse an id.
func mergeBucket(dst, src *bbolt.Bucket, keys *int) error {
	if src.Sequence() > dst.Sequence() {
		if err := dst.SetSequence(src.Sequence()); err != nil {
			return err
		}
	}
	return src.ForEach(func(k, v []byte) error {
		if v == nil || dst.Get(k) != nil {
			return nil
		}
		*keys++
		return dst.Put(bytes.Clone(k), bytes.Clone(v))
	})
}

// copyBucket copies src's keys, nested buckets and sequence into dst. Keys
// and values are cloned: they belong to src's transaction, and dst's
// commit comes after it ends.
func copyBucket(dst, src *bbolt.Bucket, keys *int) error {
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	// Keys come in order: packing the pages full keeps the file small.
	dst.FillPercent = 0.9
	return src.ForEach(func(k, v []byte) error {
		if v == nil {
			nb, err := dst.CreateBucket(bytes.Clone(k))
			if err != nil {
				return fmt.Errorf("create nested bucket %q: %w", k, err)
			}
			return copyBucket(nb, src.Bucket(k), keys)
		}
		*keys++
		return dst.Put(bytes.Clone(k), bytes.Clone(v))
	})
}
