package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// A ticket's trail carries notes in staff's own words (a note, what
// evidence to bring, why a case closed, messages): mediators write about
// the worker there, phone numbers included. Notes are sealed like the
// ticket's other personal fields (modify seals them, Events opens them).
// Notes stored before that (or before DATA_KEY was set) stay readable, and
// SealStoredNotes seals them.

// SealStoredNotes seals the notes still stored in clear (written before
// notes were sealed, or before DATA_KEY was set) and returns how many
// tickets it changed. Without DATA_KEY it does nothing. It is safe to run
// at every start and on several replicas at once: a ticket whose notes are
// all sealed is left alone, and a ticket that changes meanwhile is read
// again.
func (s *Service) SealStoredNotes(ctx context.Context) (int, error) {
	if _, none := s.sealer.(NoSealer); none {
		return 0, nil
	}
	tickets, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, t := range tickets {
		done, err := s.sealTicketNotes(ctx, t.Number)
		if err != nil {
			return changed, fmt.Errorf("intake: seal notes of #%d: %w", t.Number, err)
		}
		if done {
			changed++
		}
	}
	if changed > 0 {
		// The clear notes must not linger in space the store freed.
		if err := s.store.PurgeErased(ctx); err != nil {
			return changed, err
		}
		s.log.Info("notes stored in clear are now sealed", "tickets", changed)
	}
	return changed, nil
}

func (s *Service) sealTicketNotes(ctx context.Context, number int64) (bool, error) {
	for range maxAttempts {
		t, err := s.store.GetTicket(ctx, number)
		if err != nil {
			return false, err
		}
		events, err := s.store.ListEvents(ctx, number)
		if err != nil {
			return false, err
		}
		plain := false
		for _, e := range events {
			if e.Note != "" && !strings.HasPrefix(e.Note, sealedPrefix) {
				plain = true
			}
		}
		if !plain {
			return false, nil
		}
		for i, e := range events {
			if e.Note != "" && !strings.HasPrefix(e.Note, sealedPrefix) {
				if events[i].Note, err = s.sealer.Seal(e.Note); err != nil {
					return false, err
				}
			}
		}
		// The ticket is stored as read (its fields still sealed); only the
		// trail is replaced.
		err = s.store.UpdateTicket(ctx, TicketUpdate{Ticket: t, Events: events, ReplaceEvents: true})
		if errors.Is(err, ErrConflict) {
			continue
		}
		return err == nil, err
	}
	return false, ErrConflict
}
