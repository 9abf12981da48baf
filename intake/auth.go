package intake

import (
	"errors"
	"fmt"
)

// ErrForbidden is returned when the acting user may not do what they
// asked. It says nothing about the ticket, not even whether it exists: a
// worker probing ticket numbers learns nothing.
var ErrForbidden = errors.New("intake: not allowed")

// ErrNotFound is returned for a ticket that does not exist, to staff only
// (workers get ErrForbidden).
var ErrNotFound = errors.New("intake: no such ticket")

// ErrAlreadyClaimed is returned by Claim when another mediator was first.
var ErrAlreadyClaimed = errors.New("intake: ticket already claimed")

// TransitionError is a state change the transition table does not allow.
type TransitionError struct {
	From, To State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("intake: a ticket cannot go from %q to %q", e.From, e.To)
}

// Principal is an acting user with the role the server determined for them
// (never a role the client claimed).
type Principal struct {
	UserID int64
	Role   Role
}

// Authorize answers "may p do a on ticket t?" with nil or ErrForbidden.
// t is nil for actions on no particular ticket (submit, list, stats,
// export, manage mediators).
//
//   - A worker acts only on their own tickets: view them, withdraw them, add
//     evidence. Any user (mediators too) may submit a complaint of their own.
//   - Listing, statistics and viewing any ticket (contact details masked)
//     are for mediators and admins.
//   - Claiming is for mediators and admins, but never of one's own
//     complaint.
//   - Everything done to a claimed case (notes, messages to the worker,
//     outcomes, referrals, closing, the full contact details, the audit
//     trail) is for the claiming mediator and for admins, and never for
//     the complainant themself.
//   - Export, managing mediators and reading the audit log are for admins.
//
// The ticket's state is not checked here: that is the transition table's
// job (CheckTransition).
func Authorize(p Principal, a Action, t *Ticket) error {
	if p.UserID == 0 {
		return ErrForbidden
	}
	own := t != nil && t.WorkerID != 0 && t.WorkerID == p.UserID
	admin := p.Role == RoleAdmin
	staff := p.Role.Staff()
	claimant := t != nil && p.Role == RoleMediator && t.Mediator == p.UserID
	ok := false
	switch a {
	case ActionSubmit:
		ok = true
	case ActionView:
		ok = own || (t != nil && staff)
	case ActionViewContact:
		ok = own || (t != nil && (admin || claimant))
	case ActionWithdraw, ActionAddEvidence, ActionReply, ActionPayment, ActionReminders:
		ok = own
	case ActionList, ActionStats:
		ok = staff
	case ActionClaim:
		ok = t != nil && staff && !own
	case ActionHistory, ActionTransition, ActionNote, ActionRequestEvidence, ActionMessage,
		ActionOutcome, ActionRefer, ActionClose, ActionReferralResult, ActionLetter:
		ok = t != nil && (admin || claimant) && !own
	case ActionExport, ActionManageMediators, ActionAudit, ActionLetterSettings:
		ok = admin
	case ActionErase:
		// Only through DeleteWorkerData, for oneself; never on a ticket.
		ok = t == nil
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}
