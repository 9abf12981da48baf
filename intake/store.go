package intake

import (
	"context"
	"errors"
	"time"
)

// ErrConflict is returned by Store.UpdateTicket when the ticket changed
// since it was read. The Service reads it again and retries.
var ErrConflict = errors.New("intake: ticket changed concurrently")

// Store is what intake needs from persistent storage. Implementations
// (package bolt, package redis) pass storetest.TestIntakeStore, and must be
// safe for concurrent use, also by several processes sharing one store
// where the store allows that (Redis).
//
// The Store keeps what it is given: sealing personal data is the
// Service's job. Interviews in progress are not kept here but in the
// conversation layer's chat state (bot.Store), as opaque bytes.
type Store interface {
	// CreateTicket stores t as a new ticket under the next number (1, 2,
	// ...), with Version 1, first as the first event of its trail and n
	// as a queued notification, all in one atomic step, and returns the
	// number. t.Number, first.Ticket and n.Ticket are ignored.
	//
	// key makes it idempotent: if a ticket was already created with the
	// same key within keyTTL, nothing is written and that ticket's number
	// is returned with created == false. Concurrent calls with one key
	// create one ticket.
	CreateTicket(ctx context.Context, key string, keyTTL time.Duration, t Ticket, first Event, n Notification) (number int64, created bool, err error)
	// GetTicket returns ticket number, or ErrNotFound.
	GetTicket(ctx context.Context, number int64) (Ticket, error)
	// ListTickets returns every ticket, by number.
	ListTickets(ctx context.Context) ([]Ticket, error)
	// UpdateTicket applies u atomically: it replaces the ticket (if its
	// stored Version still equals u.Ticket.Version, else ErrConflict, and
	// ErrNotFound if there is no such ticket), stores it with Version + 1,
	// appends u.Events to the trail (or replaces the trail with them if
	// u.ReplaceEvents), moves the ticket in the employer index if its
	// EmployerKey changed, and enqueues u.Notify.
	UpdateTicket(ctx context.Context, u TicketUpdate) error
	// ListEvents returns a ticket's trail, oldest first (none for an
	// unknown ticket).
	ListEvents(ctx context.Context, number int64) ([]Event, error)
	// TicketsByEmployer returns the numbers of the tickets whose
	// EmployerKey is key, ascending. The empty key matches nothing.
	TicketsByEmployer(ctx context.Context, key string) ([]int64, error)

	// RecordConsent records that the user agreed to the collection of
	// their data at the given time (a later call replaces it).
	RecordConsent(ctx context.Context, userID int64, at time.Time) error
	// GetConsent returns when the user consented, or ok == false.
	GetConsent(ctx context.Context, userID int64) (at time.Time, ok bool, err error)
	// DeleteConsent forgets the user's consent; none is no error.
	DeleteConsent(ctx context.Context, userID int64) error

	// AddMediator and RemoveMediator change the set of mediators; adding
	// one twice or removing an absent one is no error.
	AddMediator(ctx context.Context, userID int64) error
	RemoveMediator(ctx context.Context, userID int64) error
	IsMediator(ctx context.Context, userID int64) (bool, error)
	// ListMediators returns the mediators' user ids, ascending.
	ListMediators(ctx context.Context) ([]int64, error)

	// PutEvidence stores the bytes of a ticket's evidence file (as the
	// Service hands them over, sealed or not), replacing any stored under
	// the same file id. Blobs larger than MaxStoredEvidenceSize are
	// refused.
	PutEvidence(ctx context.Context, ticket int64, fileID string, data []byte) error
	// GetEvidence returns what PutEvidence stored, or ErrNotFound.
	GetEvidence(ctx context.Context, ticket int64, fileID string) ([]byte, error)
	// DeleteEvidence deletes every evidence blob of a ticket; none is no
	// error.
	DeleteEvidence(ctx context.Context, ticket int64) error

	// PurgeErased makes data deleted so far unrecoverable from the
	// store's medium where deleting alone does not (bbolt keeps old
	// pages in the file until they are reused). DeleteWorkerData calls it
	// last.
	PurgeErased(ctx context.Context) error

	Queue
	AuditLog
	Indexes
}

// TicketUpdate is one atomic change of a ticket (see Store.UpdateTicket).
type TicketUpdate struct {
	// Ticket is the new content; its Version is the version it was read
	// at.
	Ticket Ticket
	// Events are appended to the trail, or replace it if ReplaceEvents.
	Events        []Event
	ReplaceEvents bool
	// Notify are enqueued.
	Notify []Notification
}

// Queue is a durable queue of notifications with the semantics of a Redis
// Streams consumer group, so that a notification survives a restart and
// several replicas never handle the same one twice:
//
//   - ReadQueue hands each entry to exactly one consumer, once; it then
//     stays pending for that consumer until acknowledged.
//   - An entry whose consumer died stays pending (in the store, across
//     restarts) until ClaimStale moves it to a live consumer.
type Queue interface {
	// Enqueue appends n and returns its entry id.
	Enqueue(ctx context.Context, n Notification) (id string, err error)
	// ReadQueue returns up to count entries never delivered before, oldest
	// first, and makes them pending for consumer. If there are none it
	// waits up to block for some (block <= 0: no wait) and returns none,
	// without error, if none came.
	ReadQueue(ctx context.Context, consumer string, count int, block time.Duration) ([]QueueEntry, error)
	// AckQueue acknowledges entries: they are done and removed. Unknown or
	// already acknowledged ids are ignored.
	AckQueue(ctx context.Context, ids ...string) error
	// ClaimStale makes up to count entries that have been pending for at
	// least minIdle (with any consumer) pending for consumer instead, with
	// their idle time reset, and returns them.
	ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]QueueEntry, error)
	// PendingFor returns up to count entries pending for consumer
	// (delivered to it and not acknowledged), oldest first, without
	// changing whose they are. A process that restarts under the same
	// consumer name takes back at once what it had taken before it died,
	// instead of waiting for ClaimStale's minIdle.
	PendingFor(ctx context.Context, consumer string, count int) ([]QueueEntry, error)
}

// QueueEntry is a queued notification with its id (opaque; the Redis
// stream id in package redis).
type QueueEntry struct {
	ID           string
	Notification Notification
}
