package bot

import (
	"context"
	"time"
)

// A channel must not lose what it took in or what it owes: an update
// fetched from the messaging service is answered even if the process is
// killed right after fetching it, and a reply the service refused for a
// while is delivered when it is back. Both are kept in a Spool: the inbox
// of updates fetched and not yet handled, the outbox of replies not yet
// delivered (outbox.go). The Store keeps spools durably (package bolt: one
// fsync'd transaction per call; package redis: Lua scripts on one hash
// slot).

// SpoolItem is one entry of a spool.
type SpoolItem struct {
	// ID is the caller's id for the item, unique within its spool: an
	// update id, a reply's id.
	ID string `json:"id"`
	// Chat is whose item it is: a consumer keeps one chat's items in
	// order.
	Chat int64 `json:"chat"`
	// Data is the item, opaque to the store (sealed by the caller when it
	// holds personal data).
	Data []byte `json:"data"`
	// Added is when the item was added (set by the store).
	Added time.Time `json:"added"`
	// Owner is the process that has the item (set by the store): the one
	// that added it or last claimed it.
	Owner string `json:"owner"`
	// Touched is when the item was added or last claimed (set by the
	// store); an item untouched for long belongs to a process that died.
	Touched time.Time `json:"touched"`
}

// Spool is a durable, ordered list of items per named spool. The methods
// are safe for concurrent use, also by several processes sharing the store
// (Redis), and each is atomic.
type Spool interface {
	// SpoolAdd appends items to spool, in order, owned by owner, in one
	// durable write. An item whose ID was added to the spool within
	// UpdateTTL is skipped, even if it is done since: an update delivered
	// twice is taken in once. It returns the IDs added.
	SpoolAdd(ctx context.Context, spool, owner string, items []SpoolItem) (added []string, err error)
	// SpoolClaim returns up to limit items of spool, oldest first, and
	// makes them owner's, touched now: those owned by owner when own is
	// true, and those of other owners untouched for at least minIdle
	// (their process died).
	SpoolClaim(ctx context.Context, spool, owner string, own bool, minIdle time.Duration, limit int) ([]SpoolItem, error)
	// SpoolDone removes items: they are handled. Unknown IDs are no error.
	// Their IDs stay known to SpoolAdd until UpdateTTL has passed.
	SpoolDone(ctx context.Context, spool string, ids ...string) error
	// SpoolLen is the number of items not done.
	SpoolLen(ctx context.Context, spool string) (int, error)
}
