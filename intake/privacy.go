package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Erase returns what is kept of a ticket once its worker's personal data is
// deleted. It copies an allow-list, so a field added to Ticket later is
// erased unless it is added here on purpose.
//
// Kept, for statistics and the union's records: the number, the dispute
// types, province and city, the employment dates, the monthly wage, the
// amount claimed, the number of co-workers, the state, the claiming
// mediator, the outcome and amount settled, the pay-by day, how the
// payment and a referral ended (FollowUp), and the times (created,
// claimed, concluded, closed, consent, erased).
//
// Erased: the worker's user and chat ids and language, name, phone,
// preferred contact time, the employer's name (with the employer link to
// other tickets: it would tell who complained about whom), the district,
// what happened, what the worker wants, and the evidence file ids (the
// downloaded evidence files themselves are deleted from the Store by the
// Service's erasure).
func Erase(t Ticket, now time.Time) Ticket {
	return Ticket{
		Number:        t.Number,
		Version:       t.Version,
		Types:         slices.Clone(t.Types),
		Province:      t.Province,
		City:          t.City,
		StartDate:     t.StartDate,
		EndDate:       t.EndDate,
		MonthlyWage:   t.MonthlyWage,
		Claimed:       t.Claimed,
		Coworkers:     t.Coworkers,
		Source:        t.Source,
		State:         t.State,
		Mediator:      t.Mediator,
		Outcome:       t.Outcome,
		SettledAmount: t.SettledAmount,
		PayBy:         t.PayBy,
		FollowUp:      keptFollowUp(t.FollowUp),
		CreatedAt:     t.CreatedAt,
		UpdatedAt:     now,
		ClaimedAt:     t.ClaimedAt,
		ConcludedAt:   t.ConcludedAt,
		ClosedAt:      t.ClosedAt,
		ConsentAt:     t.ConsentAt,
		ErasedAt:      now,
	}
}

// keptFollowUp is what Erase keeps of a ticket's follow-up state: how the
// payment and the referral ended, for statistics.
func keptFollowUp(f FollowUp) FollowUp {
	f.RemindersOff = false
	return f
}

// eraseEvent keeps what an event says about the process (action, states,
// amount, time, which mediator acted) and drops the note, which mediators
// write about the worker, and the worker's own user id.
func eraseEvent(e Event) Event {
	e.Note = ""
	if e.Role == RoleWorker {
		e.Actor = 0
	}
	return e
}

// DeleteWorkerData erases the personal data of a worker (/deletedata): on
// every ticket they filed (see Erase for what is kept) and its trail, and
// their consent record. Open tickets are withdrawn first, so the mediator
// is told. Last it has the Store overwrite what deleting leaves behind
// (Store.PurgeErased). It returns how many tickets it erased.
//
// The interview in progress lives in the conversation layer's chat state:
// the caller deletes that first (so the purge covers it too).
func (s *Service) DeleteWorkerData(ctx context.Context, userID int64) (int, error) {
	if userID == 0 {
		return 0, errors.New("intake: no user")
	}
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range all {
		if t.WorkerID != userID {
			continue
		}
		if CanTransition(t.State, StateWithdrawn) {
			_, err := s.Withdraw(ctx, userID, t.Number, "")
			var te *TransitionError
			// A mediator may have moved it on meanwhile: erase anyway.
			if err != nil && !errors.As(err, &te) {
				return n, err
			}
		}
		if err := s.erase(ctx, t.Number); err != nil {
			return n, err
		}
		n++
	}
	if err := s.store.DeleteConsent(ctx, userID); err != nil {
		return n, err
	}
	if err := s.store.PurgeErased(ctx); err != nil {
		return n, err
	}
	s.log.Info("worker data deleted", "tickets", n)
	return n, nil
}

// PurgeExpired erases the personal data of tickets closed or withdrawn more
// than the retention period before now, as the consent text promises. Run
// it daily. It returns how many tickets it erased.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range all {
		if t.State.Open() || t.Erased() || t.ClosedAt.IsZero() || now.Sub(t.ClosedAt) < s.retention {
			continue
		}
		if err := s.erase(ctx, t.Number); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		if err := s.store.PurgeErased(ctx); err != nil {
			return n, err
		}
		s.log.Info("expired personal data deleted", "tickets", n)
	}
	return n, nil
}

// erase replaces a ticket by Erase of it and its trail by the erased
// events plus one recording the erasure, atomically, retrying on
// conflict. The trail is read inside the retry: any event appended since
// changes the ticket's version, so none can slip through unerased.
func (s *Service) erase(ctx context.Context, number int64) error {
	for range maxAttempts {
		t, err := s.store.GetTicket(ctx, number)
		if err != nil {
			return err
		}
		events, err := s.store.ListEvents(ctx, number)
		if err != nil {
			return err
		}
		now := s.now()
		var trail []Event
		for _, e := range events {
			trail = append(trail, eraseEvent(e))
		}
		trail = append(trail, Event{Ticket: number, Role: RoleWorker, Action: ActionErase, From: t.State, To: t.State, At: now})
		err = s.store.UpdateTicket(ctx, TicketUpdate{Ticket: Erase(t, now), Events: trail, ReplaceEvents: true})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		// After the ticket: once it is erased StoreEvidence refuses new
		// blobs for it, so none can be stored after these are deleted.
		return s.store.DeleteEvidence(ctx, number)
	}
	return fmt.Errorf("intake: erase ticket #%d: %w", number, ErrConflict)
}
