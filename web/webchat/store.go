package webchat

import (
	"context"
	"errors"
	"time"
)

// Store is what the web chat keeps beyond the conversation's own state
// (bot.Store) and tickets (intake.Store): each worker's inbox (the
// conversation as the page shows it, and what mediators and ticket changes
// sent while they were away), the files they uploaded before a complaint
// took them, their Web Push subscriptions, and the key that signs cookies.
// Package bolt and package redis implement it; storetest.TestWebChatStore
// is its conformance suite.
//
// Entries, uploads and subscriptions are opaque bytes: the web chat seals
// them (DATA_KEY) before they reach the Store. Methods return an error when
// ctx is already done.
type Store interface {
	// AppendInbox adds entries to the worker's inbox, in order, at once,
	// and returns the sequence number of the last: 1 for a worker's first
	// entry, then one more each time, never reused (also after
	// DeleteWebWorker). The inbox keeps the newest MaxInbox entries.
	AppendInbox(ctx context.Context, worker int64, entries ...[]byte) (last int64, err error)
	// Inbox returns the entries with a sequence number above after, oldest
	// first: the newest limit of them when there are more. A worker with
	// none has an empty inbox, not an error.
	Inbox(ctx context.Context, worker int64, after int64, limit int) ([]InboxEntry, error)

	// PutUpload keeps an uploaded file of the worker under id until
	// expires. A second put of the same id replaces the first.
	PutUpload(ctx context.Context, worker int64, id string, data []byte, expires time.Time) error
	// GetUpload returns the file, or ErrNotFound when there is none or it
	// has expired.
	GetUpload(ctx context.Context, worker int64, id string) ([]byte, error)

	// PutPushSubscription keeps a browser's Web Push subscription under
	// key (one per browser), at most MaxPushSubscriptions per worker: a
	// new key beyond that replaces an older one.
	PutPushSubscription(ctx context.Context, worker int64, key string, sub []byte) error
	// PushSubscriptions returns the worker's subscriptions by key.
	PushSubscriptions(ctx context.Context, worker int64) (map[string][]byte, error)
	// DeletePushSubscription forgets one (the push service said it is
	// gone); forgetting none is no error.
	DeletePushSubscription(ctx context.Context, worker int64, key string) error

	// DeleteWebWorker forgets everything of the worker above: inbox,
	// uploads and subscriptions.
	DeleteWebWorker(ctx context.Context, worker int64) error

	// PurgeInactive forgets, as DeleteWebWorker does, every worker whose
	// inbox got no entry since before, and returns whom it forgot (so
	// what other stores keep of them can go too).
	PurgeInactive(ctx context.Context, before time.Time) ([]int64, error)

	// WebChatKey returns the key that signs the web chat's cookies,
	// storing gen's the first time: every replica gets the same key.
	WebChatKey(ctx context.Context, gen func() ([]byte, error)) ([]byte, error)
}

// InboxRetention is how long a worker's inbox is kept after its last
// message: the consent text keeps a case's personal data two years after
// it ends, and the inbox holds what the worker typed in the interview.
const InboxRetention = 2 * 365 * 24 * time.Hour

// InboxEntry is one stored entry of an inbox.
type InboxEntry struct {
	Seq  int64
	Data []byte
}

// Limits of the Store.
const (
	// MaxInbox is how many entries an inbox keeps: a long conversation's
	// older part is dropped (the worker can ask again; tickets keep their
	// own trail).
	MaxInbox = 300
	// MaxPushSubscriptions is how many browsers of one worker are
	// notified.
	MaxPushSubscriptions = 5
	// MaxUploadSize is the largest blob PutUpload takes: a file of
	// MaxFileSize once sealed.
	MaxUploadSize = MaxFileSize/3*4 + 4096
)

// ErrNotFound is returned for an upload that is not (or no longer) there.
var ErrNotFound = errors.New("webchat: not found")
