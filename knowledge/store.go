package knowledge

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// This file defines what knowledge-base administration (admin.go) needs from
// persistent storage. As with bot.Store, the interface lives next to its
// user and the adapters are named after what they depend on: package bolt
// (an embedded file) and package redis (a server shared by replicas), both
// checked by the one conformance suite in package storetest.
//
// The store keeps raw files and records; it does not parse or validate
// anything. Validation (ParseEntry, CheckBundle, ParseStatute) happens in
// Admin before a write, so the same code checks a file whichever store is
// configured and whether it came from Telegram or the command line.

// ErrNotFound is returned (wrapped) for an entry version, draft or statute
// that does not exist.
var ErrNotFound = errors.New("not found")

// EntryVersion is one published version of an entry: the file as the admin
// sent it, who published it and when. Versions of an entry are numbered 1,
// 2, … in the order they were published; a rollback publishes an old
// version's file again as a new version, so history is never rewritten.
//
// The JSON names are part of the stored format.
type EntryVersion struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	// Source is the entry file. Empty means "the built-in entry of this id":
	// that is what a rollback to version 0 publishes, so the entry follows
	// the built-in text again, including later upgrades of the binary.
	Source string    `json:"source"`
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"` // e.g. "rollback to v2", "draft 3"
}

// EntryState is where an administered entry stands: its current (latest)
// version and whether it is disabled. An entry that was only disabled
// (a built-in one nobody published) has Version 0 and no Source.
type EntryState struct {
	ID       string    `json:"id"`
	Version  int       `json:"version"`
	Source   string    `json:"source"` // the current version's file ("" = the built-in entry)
	Disabled bool      `json:"disabled"`
	Actor    string    `json:"actor"` // who made the last change
	At       time.Time `json:"at"`
}

// Draft is an entry proposed by a mediator (or parked by an admin) that is
// not published yet. Source is what was sent: ideally an entry file, but a
// plain-text description is accepted too, for an admin to turn into one.
type Draft struct {
	ID       int64     `json:"id"`                 // assigned by the store: 1, 2, …
	EntryID  string    `json:"entry_id,omitempty"` // the entry it proposes, when the file names one
	Title    string    `json:"title,omitempty"`
	Source   string    `json:"source"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
	EditedBy string    `json:"edited_by,omitempty"`
	EditedAt time.Time `json:"edited_at,omitzero"`
}

// StatuteFile is a statute uploaded by an admin. It adds to, or replaces by
// short name, the statutes read from LAWS_DIR.
type StatuteFile struct {
	Short    string    `json:"short"` // canonical short name: the key
	Title    string    `json:"title"`
	Articles int       `json:"articles"`
	Source   string    `json:"source"` // the file, in the format of shared/laws
	Name     string    `json:"name"`   // the file name it was sent as
	Actor    string    `json:"actor"`
	At       time.Time `json:"at"`
}

// GapReason says why a question counts as something the knowledge base
// misses.
type GapReason string

// The reasons a question is recorded as a gap.
const (
	GapLowConfidence GapReason = "low_confidence" // partly covered, or answered with little confidence
	GapThumbsDown    GapReason = "thumbs_down"    // the worker marked the answer 👎
	GapNotCovered    GapReason = "not_covered"    // refused (off-topic with words about work), or nothing found
)

// GapReasons lists the reasons in display order.
func GapReasons() []GapReason { return []GapReason{GapNotCovered, GapLowConfidence, GapThumbsDown} }

// Gap is one question (normalized, see NormalizeQuestion) that the knowledge
// base answered badly or not at all, with how often and how recently it was
// asked. It holds no user id and nothing else about who asked.
type Gap struct {
	Question string            `json:"question"`
	Lang     string            `json:"lang"`
	Count    int               `json:"count"`
	LastSeen time.Time         `json:"last_seen"`
	Reasons  map[GapReason]int `json:"reasons"`
}

// Key identifies the gap: the language and the normalized question.
func (g Gap) Key() string { return GapKey(g.Lang, g.Question) }

// GapKey is the key of the gap for a normalized question in lang. Gaps
// with equal counts are listed in the order of their keys.
func GapKey(lang, question string) string { return lang + ":" + question }

// AuditAction names a change in the audit trail.
type AuditAction string

// The changes recorded in the audit trail.
const (
	AuditPublish       AuditAction = "publish"
	AuditRollback      AuditAction = "rollback"
	AuditDisable       AuditAction = "disable"
	AuditEnable        AuditAction = "enable"
	AuditSuggest       AuditAction = "suggest"
	AuditEditDraft     AuditAction = "edit_draft"
	AuditRejectDraft   AuditAction = "reject_draft"
	AuditPublishDraft  AuditAction = "publish_draft"
	AuditPutStatute    AuditAction = "put_statute"
	AuditDeleteStatute AuditAction = "delete_statute"
	AuditClearGaps     AuditAction = "clear_gaps"
)

// AuditRecord is one change to the knowledge base: who, what, which and
// when. Stores write it in the same transaction as the change itself, so
// the trail has every change and no change that did not happen.
type AuditRecord struct {
	At      time.Time   `json:"at"`
	Actor   string      `json:"actor"`
	Action  AuditAction `json:"action"`
	ID      string      `json:"id"`                // entry id, DraftRef, statute short name or gap key
	Version int         `json:"version,omitempty"` // the entry version a publish or rollback made
	Note    string      `json:"note,omitempty"`
}

// DraftRef is how a draft is named in the audit trail.
func DraftRef(id int64) string { return "draft:" + strconv.FormatInt(id, 10) }

// KBSnapshot is the administered part of the knowledge base at one moment:
// what BuildEffective combines with the built-in entries and LAWS_DIR.
type KBSnapshot struct {
	Version  uint64        // the change counter (see Store.KBVersion)
	Entries  []EntryState  // sorted by id
	Statutes []StatuteFile // sorted by short name
}

// Store keeps the administered knowledge base. Implementations must be safe
// for concurrent use, also by several processes sharing one store (Redis).
// Methods return an error when ctx is already done.
//
// Every method that changes what the engine serves (entry versions,
// disabling, statutes) increments the change counter in the same
// transaction; drafts, gaps and the audit trail do not.
type Store interface {
	// LoadKB returns the entry states, uploaded statutes and the change
	// counter, all as of one moment.
	LoadKB(ctx context.Context) (KBSnapshot, error)
	// KBVersion returns the change counter: 0 for an empty store, larger
	// after every change. Replicas compare it with the one they loaded.
	KBVersion(ctx context.Context) (uint64, error)
	// WatchKB returns a channel that receives a value soon (well within a
	// second with Redis pub/sub; the store may also poll) after the change
	// counter moves, whichever process made the change. Values coalesce: one
	// receive may stand for several changes. Changes made after WatchKB
	// returns are never missed. The channel is closed when ctx is done.
	WatchKB(ctx context.Context) (<-chan struct{}, error)

	// PutEntryVersion stores v as the next version of entry v.ID (v.Version
	// is ignored), makes it current and enabled, and appends audit with the
	// new version number. It returns the new version number. Concurrent
	// calls for one id get distinct, consecutive numbers.
	PutEntryVersion(ctx context.Context, v EntryVersion, audit AuditRecord) (int, error)
	// EntryVersion returns one version of an entry, or ErrNotFound.
	EntryVersion(ctx context.Context, id string, version int) (EntryVersion, error)
	// EntryHistory returns every version of an entry, oldest first (none
	// for an id never published).
	EntryHistory(ctx context.Context, id string) ([]EntryVersion, error)
	// SetEntryDisabled disables or enables an entry (published or not) and
	// appends audit, and reports whether that changed anything; when it
	// did not, nothing is written.
	SetEntryDisabled(ctx context.Context, id string, disabled bool, audit AuditRecord) (changed bool, err error)

	// AddDraft stores a new draft with the next draft id and appends audit
	// with its ID set to DraftRef of that id. It returns the stored draft.
	AddDraft(ctx context.Context, d Draft, audit AuditRecord) (Draft, error)
	// GetDraft returns a draft, or ErrNotFound.
	GetDraft(ctx context.Context, id int64) (Draft, error)
	// ListDrafts returns every draft, oldest first.
	ListDrafts(ctx context.Context) ([]Draft, error)
	// UpdateDraft replaces an existing draft (by d.ID) and appends audit;
	// ErrNotFound if there is none.
	UpdateDraft(ctx context.Context, d Draft, audit AuditRecord) error
	// DeleteDraft removes a draft and appends audit; ErrNotFound if there
	// is none (so a draft is rejected or published once).
	DeleteDraft(ctx context.Context, id int64, audit AuditRecord) error

	// PutStatute adds an uploaded statute or replaces the one with the same
	// short name, and appends audit.
	PutStatute(ctx context.Context, s StatuteFile, audit AuditRecord) error
	// DeleteStatute removes an uploaded statute and appends audit;
	// ErrNotFound if there is none.
	DeleteStatute(ctx context.Context, short string, audit AuditRecord) error

	// RecordGap counts one more occurrence of a normalized question in lang
	// for reason at the time at (LastSeen becomes the latest time recorded).
	// The store keeps at most maxGaps gaps: when a new one would exceed that,
	// the least frequent other gap is dropped.
	RecordGap(ctx context.Context, lang, question string, reason GapReason, at time.Time, maxGaps int) error
	// ListGaps returns up to limit gaps, the most frequent first, equal
	// counts in the order of their keys (Gap.Key).
	ListGaps(ctx context.Context, limit int) ([]Gap, error)
	// DeleteGaps removes the gaps with the given keys and returns how many
	// existed; when any did, it appends audit.
	DeleteGaps(ctx context.Context, keys []string, audit AuditRecord) (int, error)

	// ListAudit returns up to limit audit records, newest first.
	ListAudit(ctx context.Context, limit int) ([]AuditRecord, error)
}
