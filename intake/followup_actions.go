package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// What workers and mediators answer to follow-ups.

// ErrNotAwaitingPayment is returned by ReportPayment for a ticket that is
// not a settlement waiting to be paid (already closed, never settled).
var ErrNotAwaitingPayment = errors.New("intake: the complaint is not waiting for a payment")

// ErrPayByBeforeComplaint is returned by Settle for a pay-by day before
// the complaint was filed.
var ErrPayByBeforeComplaint = errors.New("intake: the pay-by date is before the complaint")

// ReportPayment records the worker's answer to "did the money arrive?"
// on their settled ticket: paid in full closes the ticket with the amount
// agreed; part (with the amount that arrived) or nothing keeps it open,
// and the notification alerts the mediator. The worker may answer again
// later (the rest arrived).
func (s *Service) ReportPayment(ctx context.Context, workerID, number int64, r PaymentReport, paid calc.Money) (Ticket, error) {
	switch r {
	case PaidFull, PaidNone:
		if paid != 0 && r == PaidNone {
			return Ticket{}, errors.New("intake: an amount with \"nothing arrived\"")
		}
	case PaidPart:
		if paid <= 0 {
			return Ticket{}, invalid("", "请输入到账的金额（元），大于 0。", "Type the amount that arrived, in yuan, above 0.")
		}
	default:
		return Ticket{}, fmt.Errorf("intake: unknown payment report %q", r)
	}
	return s.modify(ctx, workerID, number, ActionPayment, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if t.State != StateSettled {
			return nil, ErrNotAwaitingPayment
		}
		if r == PaidPart && t.SettledAmount > 0 && paid >= t.SettledAmount {
			return nil, invalid("",
				fmt.Sprintf("部分到账的金额应少于约定的 %s 元；如果已经全部到账，请选“全部到账”。", t.SettledAmount),
				fmt.Sprintf("A part payment is less than the %s yuan agreed; if all of it arrived, choose \"paid in full\".", t.SettledAmount))
		}
		if r == PaidFull {
			paid = t.SettledAmount
		}
		worker := Principal{UserID: p.UserID, Role: RoleWorker}
		t.FollowUp.Payment, t.FollowUp.PaidAmount, t.FollowUp.PaymentAt = r, paid, now
		ev := Event{Ticket: t.Number, Actor: p.UserID, Role: RoleWorker, Action: ActionPayment, Note: string(r), Amount: paid, At: now}
		if r != PaidFull {
			return []Event{ev}, nil
		}
		closing, err := move(worker, t, ActionPayment, StateClosed, string(r), now)
		if err != nil {
			return nil, err
		}
		closing.Amount = paid
		return []Event{closing}, nil
	})
}

// RecordReferralResult records how a case referred to arbitration or
// court ended and closes it, so the statistics follow the case to its
// end. For the claiming mediator and admins.
func (s *Service) RecordReferralResult(ctx context.Context, userID, number int64, r ReferralResult, note string) (Ticket, error) {
	if !slices.Contains(ReferralResults(), r) {
		return Ticket{}, fmt.Errorf("intake: unknown referral result %q", r)
	}
	return s.modify(ctx, userID, number, ActionReferralResult, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if t.State != StateReferredArbitration && t.State != StateReferredCourt {
			return nil, &TransitionError{From: t.State, To: StateClosed}
		}
		result := Event{Ticket: t.Number, Actor: p.UserID, Role: p.Role, Action: ActionReferralResult, Note: string(r), At: now}
		t.FollowUp.Result, t.FollowUp.ResultAt = r, now
		closing, err := move(p, t, ActionClose, StateClosed, note, now)
		if err != nil {
			return nil, err
		}
		return []Event{result, closing}, nil
	})
}

// SetReminders turns the worker's reminders on a ticket of theirs on or
// off. Turning them to what they are is no change (and no event).
func (s *Service) SetReminders(ctx context.Context, workerID, number int64, on bool) (Ticket, error) {
	return s.modify(ctx, workerID, number, ActionReminders, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if t.FollowUp.RemindersOff == !on {
			return nil, nil
		}
		t.FollowUp.RemindersOff = !on
		note := "off"
		if on {
			note = "on"
		}
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: RoleWorker, Action: ActionReminders, Note: note, At: now}}, nil
	})
}
