package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The conversation between the mediator and the worker is part of the
// ticket's trail: what the mediator wrote (ActionMessage) and what the
// worker replied (ActionReply), so that whoever works the case, in
// Telegram or the console, sees it. Like every note, the text is personal
// and sealed with DATA_KEY in the store (Events opens it), erased with the
// worker's data, and never in the audit log.

// ActionReply is the worker's reply to the mediator, relayed by a channel.
const ActionReply Action = "reply"

// MaxMessageRunes bounds a message or reply kept in the trail.
const MaxMessageRunes = 4000

func cleanMessage(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("intake: empty message")
	}
	if utf8.RuneCountInString(text) > MaxMessageRunes {
		return "", fmt.Errorf("intake: message over %d characters", MaxMessageRunes)
	}
	return text, nil
}

// RecordMessage records, in the ticket's trail, a message the claiming
// mediator (or an admin) sent the worker through a channel. Call it after
// the message went out.
func (s *Service) RecordMessage(ctx context.Context, userID, number int64, text string) (Ticket, error) {
	text, err := cleanMessage(text)
	if err != nil {
		return Ticket{}, err
	}
	return s.modify(ctx, userID, number, ActionMessage, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if !t.State.Open() {
			return nil, fmt.Errorf("intake: ticket #%d is %s", t.Number, t.State)
		}
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: p.Role, Action: ActionMessage, Note: text, At: now}}, nil
	})
}

// RecordReply records the worker's reply to the mediator of their ticket.
// Only the ticket's own worker may.
func (s *Service) RecordReply(ctx context.Context, workerID, number int64, text string) (Ticket, error) {
	text, err := cleanMessage(text)
	if err != nil {
		return Ticket{}, err
	}
	return s.modify(ctx, workerID, number, ActionReply, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: RoleWorker, Action: ActionReply, Note: text, At: now}}, nil
	})
}

// EvidenceView returns the bytes of evidence fileID of ticket number for
// those who may see the worker's contact details: the copy in the store
// (opened with DATA_KEY) or, when none was downloaded, what fetch returns
// (the channel's copy; nil: none). The view is recorded in the audit log
// with where as its detail ("console").
func (s *Service) EvidenceView(ctx context.Context, userID, number int64, fileID, where string, fetch func(ctx context.Context, fileID string) ([]byte, error)) ([]byte, Evidence, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, Evidence{}, err
	}
	t, err := s.authorized(ctx, p, number, ActionViewContact, s.store.GetTicket)
	if err != nil {
		return nil, Evidence{}, err
	}
	i := slices.IndexFunc(t.Evidence, func(e Evidence) bool { return e.FileID == fileID })
	if fileID == "" || i < 0 {
		return nil, Evidence{}, ErrNotFound
	}
	var data []byte
	blob, err := s.store.GetEvidence(ctx, number, fileID)
	switch {
	case err == nil:
		if data, err = s.openEvidence(blob); err != nil {
			return nil, Evidence{}, fmt.Errorf("intake: ticket #%d: %w", number, err)
		}
	case errors.Is(err, ErrNotFound) && fetch != nil:
		if data, err = fetch(ctx, fileID); err != nil {
			return nil, Evidence{}, err
		}
	default:
		return nil, Evidence{}, err
	}
	_ = s.audit(ctx, p, ActionViewEvidence, number, where)
	return data, t.Evidence[i], nil
}
