package intake

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// The audit log answers "who did what, when" across the whole desk, for
// the union's admins: every change staff make to a ticket, every export,
// every change of the mediator list, and what the adapters report (a
// sign-in to the console, a view of a worker's evidence). A ticket's own
// trail (Events) tells its story to the people working it; the audit log
// is the admins' view across tickets and people.
//
// Only staff actions are logged, and a record never carries personal data:
// no names, phones, notes or message text, only ids, actions and states.
// Workers' own actions stay in their tickets' trails, which are erased
// with their data (DeleteWorkerData); the audit log is never erased.

// Audit-only actions, reported by adapters with RecordAudit or by the
// Service itself.
const (
	ActionAudit        Action = "audit"         // read the audit log
	ActionViewEvidence Action = "view_evidence" // open a worker's evidence file
	ActionSignIn       Action = "sign_in"       // sign in to the console
	ActionSignOut      Action = "sign_out"      // sign out (Detail "everywhere" for all sessions)
)

// MaxAuditDetail is the longest Detail kept; longer ones are cut.
const MaxAuditDetail = 200

// AuditRecord is one entry of the audit log. The JSON names are the stored
// format: never change one.
type AuditRecord struct {
	// ID is assigned by the store: ordered, newest greatest, opaque.
	ID     string    `json:"id,omitempty"`
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	Role   Role      `json:"role"`
	Action Action    `json:"action"`
	// Ticket is the ticket acted on (0: none).
	Ticket int64 `json:"ticket,omitempty"`
	// Detail is a short description without personal data: a state
	// change ("claimed → in_mediation"), an export's format, a mediator's
	// user id.
	Detail string `json:"detail,omitempty"`
}

// AuditFilter selects audit records. Zero fields select everything.
type AuditFilter struct {
	UserID int64
	Ticket int64
	Action Action
	// Before continues a listing: only records older than the record with
	// this ID (the last ID of the previous page).
	Before string
	// Limit is the most records returned (<= 0: DefaultAuditLimit; at most
	// MaxAuditLimit).
	Limit int
}

// Limits of a listing of the audit log.
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
	// AuditScanLimit bounds how many records one filtered listing reads,
	// so a filter that matches nothing cannot read the whole log: the
	// listing then returns what it found, and Before continues from there.
	AuditScanLimit = 20_000
)

// Match reports whether r passes the filter's field conditions (not
// Before or Limit, which are the store's).
func (f AuditFilter) Match(r AuditRecord) bool {
	return (f.UserID == 0 || r.UserID == f.UserID) &&
		(f.Ticket == 0 || r.Ticket == f.Ticket) &&
		(f.Action == "" || r.Action == f.Action)
}

// EffectiveLimit is f.Limit bounded to (0, MaxAuditLimit].
func (f AuditFilter) EffectiveLimit() int {
	switch {
	case f.Limit <= 0:
		return DefaultAuditLimit
	case f.Limit > MaxAuditLimit:
		return MaxAuditLimit
	}
	return f.Limit
}

// AuditLog is the store side of the audit log (part of Store).
type AuditLog interface {
	// AppendStaffAudit adds r (its ID is ignored) and returns the ID it got.
	AppendStaffAudit(ctx context.Context, r AuditRecord) (id string, err error)
	// ListStaffAudit returns the records matching f, newest first: at most
	// f.EffectiveLimit() of them, reading at most AuditScanLimit records.
	// A Before not in the form of the store's IDs is ErrBadCursor.
	ListStaffAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, error)
}

// ErrBadCursor is returned by ListStaffAudit for a Before that is not in
// the form of the store's IDs.
var ErrBadCursor = errors.New("intake: bad audit cursor")

// RecordAudit adds an action an adapter performed for userID (a console
// sign-in, a view of evidence) to the audit log. Actions of users who are
// not staff are not logged (see the top of this file). detail must not
// carry personal data.
func (s *Service) RecordAudit(ctx context.Context, userID int64, a Action, ticket int64, detail string) error {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return err
	}
	return s.audit(ctx, p, a, ticket, detail)
}

// audit appends a record for p, if p is staff.
func (s *Service) audit(ctx context.Context, p Principal, a Action, ticket int64, detail string) error {
	if !p.Role.Staff() {
		return nil
	}
	detail = strings.TrimSpace(detail)
	if len(detail) > MaxAuditDetail {
		detail = detail[:MaxAuditDetail]
		for !utf8.ValidString(detail) {
			detail = detail[:len(detail)-1]
		}
	}
	_, err := s.store.AppendStaffAudit(ctx, AuditRecord{At: s.now(), UserID: p.UserID, Role: p.Role, Action: a, Ticket: ticket, Detail: detail})
	if err != nil {
		// The action itself is done: report the gap loudly, but do not
		// undo or fail what the user did.
		s.log.Error("audit log: append failed", "action", string(a), "ticket", ticket, "err", err)
	}
	return err
}

// Audit returns audit records matching f, newest first, for admins.
// Reading the log is itself not logged (it changes nothing).
func (s *Service) Audit(ctx context.Context, userID int64, f AuditFilter) ([]AuditRecord, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActionAudit, nil); err != nil {
		return nil, err
	}
	return s.store.ListStaffAudit(ctx, f)
}

// auditDetail describes an event without its note (which may be about the
// worker): the state change, if any.
func auditDetail(e Event) string {
	if e.Action == ActionLetter {
		return e.Note // the letter's kind and number: no personal data
	}
	if e.From != "" || e.To != "" {
		return string(e.From) + " → " + string(e.To)
	}
	return ""
}
