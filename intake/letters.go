package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Letters (package letter, "一函两书") are issued from a ticket by the
// mediator working it or an admin; intake decides who may, and keeps the
// issuing in the ticket's trail and the audit log.
const (
	// ActionLetter issues a letter on a ticket (event and audit; the
	// note, and the audit detail, are the letter's kind and number).
	ActionLetter Action = "letter"
	// ActionLetterSettings changes the letters' templates or letterhead
	// (audit only).
	ActionLetterSettings Action = "letter_settings"
)

// LetterTicket returns the full ticket for drafting a letter on it, to
// those who may issue one: the claiming mediator and admins.
func (s *Service) LetterTicket(ctx context.Context, userID, number int64) (Ticket, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return Ticket{}, err
	}
	t, err := s.authorized(ctx, p, number, ActionLetter, s.read)
	if err != nil {
		return Ticket{}, err
	}
	return visibleTo(p, t), nil
}

// RecordLetter adds an issued letter to the ticket's trail (note: its
// kind and number, no personal data) and the audit log. The ticket must
// be open: a closed case gets no more letters.
func (s *Service) RecordLetter(ctx context.Context, userID, number int64, note string) (Ticket, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return Ticket{}, errors.New("intake: a letter without a number")
	}
	return s.modify(ctx, userID, number, ActionLetter, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if !t.State.Open() {
			return nil, fmt.Errorf("intake: ticket #%d is %s", t.Number, t.State)
		}
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: p.Role, Action: ActionLetter, Note: note, At: now}}, nil
	})
}

// CheckLetterSettings returns ErrForbidden unless userID is an admin: only
// admins change the letters' templates and letterhead.
func (s *Service) CheckLetterSettings(ctx context.Context, userID int64) error {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return err
	}
	return Authorize(p, ActionLetterSettings, nil)
}
