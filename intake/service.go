package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// SubmissionKeyTTL is how long a submission key is remembered. It matches
// bot.UpdateTTL: Telegram gives up redelivering an update after a day.
const SubmissionKeyTTL = 48 * time.Hour

// DefaultRetention is how long personal data is kept after a case is
// closed or withdrawn (PurgeExpired). The consent text promises it.
const DefaultRetention = 2 * 365 * 24 * time.Hour

// maxAttempts bounds the retries of an update that keeps conflicting with
// concurrent ones; a handful is plenty for a ticket's few actors.
const maxAttempts = 8

// Options configures a Service.
type Options struct {
	// Admins are the admins' user ids (ADMIN_IDS). They are admins
	// whatever the Store says.
	Admins []int64
	// Sealer seals personal data (nil: NoSealer).
	Sealer Sealer
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Retention is how long personal data is kept after a case ends
	// (0: DefaultRetention).
	Retention time.Duration
	// Logger gets ticket numbers, states and errors, never personal data
	// (nil: discard).
	Logger *slog.Logger
	// FollowUp turns on follow-ups (followup.go) when its Jobs is set.
	FollowUp FollowUpOptions
}

// Service runs intake against a Store. Every method that acts for a user
// takes that user's id and checks, on the server side, what they may do:
// a forged button or a guessed ticket number gets ErrForbidden.
type Service struct {
	store     Store
	admins    map[int64]bool // read-only after NewService
	sealer    Sealer
	now       func() time.Time
	retention time.Duration
	log       *slog.Logger
	follow    FollowUpOptions
}

// NewService returns a Service using store.
func NewService(store Store, o Options) *Service {
	s := &Service{store: store, admins: map[int64]bool{}, sealer: o.Sealer, now: o.Now, retention: o.Retention, log: o.Logger,
		follow: o.FollowUp.withDefaults()}
	for _, id := range o.Admins {
		s.admins[id] = true
	}
	if s.sealer == nil {
		s.sealer = NoSealer{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.retention <= 0 {
		s.retention = DefaultRetention
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// ParseAdminIDs reads ADMIN_IDS: user ids separated by commas (spaces
// allowed, empty allowed).
func ParseAdminIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("ADMIN_IDS: %q is not a Telegram user id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Principal returns the user with the role the server gives them: admin
// (configured), mediator (in the Store), or worker.
func (s *Service) Principal(ctx context.Context, userID int64) (Principal, error) {
	if s.admins[userID] {
		return Principal{UserID: userID, Role: RoleAdmin}, nil
	}
	ok, err := s.store.IsMediator(ctx, userID)
	if err != nil {
		return Principal{}, err
	}
	if ok {
		return Principal{UserID: userID, Role: RoleMediator}, nil
	}
	return Principal{UserID: userID, Role: RoleWorker}, nil
}

// RecordConsent records that the user agreed to the data collection at the
// given time. Call it when the worker presses "I agree"; SubmitInterview
// records it again from the interview.
func (s *Service) RecordConsent(ctx context.Context, userID int64, at time.Time) error {
	return s.store.RecordConsent(ctx, userID, at)
}

// Submitter is the worker filing a complaint and where to reach them.
type Submitter struct {
	UserID int64
	ChatID int64
	Lang   string
	// Source is the tag of the link the worker came through ("" = none).
	Source string
}

// SubmitInterview turns a confirmed interview (Step == StepDone) into a
// ticket in state new, queues the "new ticket" notification and returns
// the ticket. key identifies the submission: the same key (for this chat)
// within SubmissionKeyTTL returns the ticket already created, with created
// == false. An empty key means iv.ID, the best choice: it also makes one
// ticket of two presses of Submit, which arrive as two updates.
func (s *Service) SubmitInterview(ctx context.Context, w Submitter, key string, iv *Interview) (t Ticket, created bool, err error) {
	if iv == nil || iv.Step != StepDone {
		return Ticket{}, false, errors.New("intake: submit: the interview is not confirmed")
	}
	if err := iv.Complete(); err != nil {
		return Ticket{}, false, err
	}
	if w.UserID == 0 || w.ChatID == 0 {
		return Ticket{}, false, errors.New("intake: submit: no user or chat")
	}
	if key == "" {
		key = iv.ID
	}
	now := s.now()
	a := iv.Answers
	t = Ticket{
		WorkerID: w.UserID, ChatID: w.ChatID, Lang: w.Lang, Source: w.Source,
		Types: slices.Clone(a.Types), Employer: a.Employer, EmployerKey: NormalizeEmployer(a.Employer),
		Province: a.Province, City: a.City, District: a.District,
		StartDate: a.StartDate, EndDate: a.EndDate, MonthlyWage: a.MonthlyWage, Claimed: a.Claimed,
		Coworkers: a.Coworkers, Description: a.Description, Evidence: slices.Clone(a.Evidence),
		Demands: a.Demands, Name: a.Name, NameKey: s.NameKey(a.Name), Phone: a.Phone, ContactTime: a.ContactTime,
		State: StateNew, CreatedAt: now, UpdatedAt: now, ConsentAt: iv.ConsentAt,
	}
	if err := sealFields(&t, s.sealer.Seal); err != nil {
		return Ticket{}, false, err
	}
	if err := s.store.RecordConsent(ctx, w.UserID, iv.ConsentAt); err != nil {
		return Ticket{}, false, err
	}
	ev := Event{Actor: w.UserID, Role: RoleWorker, Action: ActionSubmit, To: StateNew, At: now}
	number, created, err := s.store.CreateTicket(ctx, submissionKey(w.ChatID, key), SubmissionKeyTTL, t, ev, notificationOf(ev))
	if err != nil {
		return Ticket{}, false, err
	}
	if created {
		s.log.Info("ticket created", "ticket", number)
	} else {
		s.log.Info("duplicate submission", "ticket", number)
	}
	t, err = s.read(ctx, number)
	if err != nil {
		return Ticket{}, false, err
	}
	s.scheduleFollowUps(ctx, t)
	return t, created, nil
}

// submissionKey hashes the chat and the caller's key: the stored key then
// carries no chat id, and has a fixed length and no special characters.
func submissionKey(chatID int64, key string) string {
	sum := sha256.Sum256([]byte("submission\x00" + strconv.FormatInt(chatID, 10) + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// read loads a ticket, opens its personal data and fills Linked.
func (s *Service) read(ctx context.Context, number int64) (Ticket, error) {
	t, err := s.store.GetTicket(ctx, number)
	if err != nil {
		return Ticket{}, err
	}
	if err := s.open(&t); err != nil {
		return Ticket{}, err
	}
	if t.EmployerKey != "" {
		nums, err := s.store.TicketsByEmployer(ctx, t.EmployerKey)
		if err != nil {
			return Ticket{}, err
		}
		t.Linked = slices.DeleteFunc(nums, func(n int64) bool { return n == t.Number })
	}
	return t, nil
}

// authorized loads ticket number with load and checks that p may do a on
// it. A worker gets ErrForbidden alike for someone else's ticket and for a
// number that does not exist, so probing numbers tells them nothing.
func (s *Service) authorized(ctx context.Context, p Principal, number int64, a Action, load func(context.Context, int64) (Ticket, error)) (Ticket, error) {
	t, err := load(ctx, number)
	if errors.Is(err, ErrNotFound) && !p.Role.Staff() {
		return Ticket{}, ErrForbidden
	}
	if err != nil {
		return Ticket{}, err
	}
	if err := Authorize(p, a, &t); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

func (s *Service) open(t *Ticket) error {
	if err := sealFields(t, s.sealer.Open); err != nil {
		return fmt.Errorf("intake: ticket #%d: %w", t.Number, err)
	}
	return nil
}

// visibleTo returns t as p may see it: masked contact details unless p
// may view them, no links to other workers' tickets for workers.
func visibleTo(p Principal, t Ticket) Ticket {
	if Authorize(p, ActionViewContact, &t) != nil {
		t = t.Masked()
	}
	if !p.Role.Staff() {
		t.Linked = nil
	}
	return t
}

// Ticket returns ticket number as the user may see it. Workers get
// ErrForbidden for other people's tickets and for numbers that do not
// exist alike.
func (s *Service) Ticket(ctx context.Context, userID, number int64) (Ticket, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return Ticket{}, err
	}
	t, err := s.authorized(ctx, p, number, ActionView, s.read)
	if err != nil {
		return Ticket{}, err
	}
	return visibleTo(p, t), nil
}

// NotificationTicket returns the full ticket a notification is about, for
// the notification consumer, which runs as the bot itself rather than for
// a user: it posts t.Masked() to the mediators' group, sends the full
// ticket to the claiming mediator only, and tells the worker at t.ChatID
// (WorkerNotice). Never hand its result to a user unchecked.
func (s *Service) NotificationTicket(ctx context.Context, number int64) (Ticket, error) {
	return s.read(ctx, number)
}

// Events returns a ticket's audit trail, for the claiming mediator and
// admins.
func (s *Service) Events(ctx context.Context, userID, number int64) ([]Event, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	if _, err := s.authorized(ctx, p, number, ActionHistory, s.store.GetTicket); err != nil {
		return nil, err
	}
	events, err := s.store.ListEvents(ctx, number)
	if err != nil {
		return nil, err
	}
	for i := range events {
		if events[i].Note, err = s.sealer.Open(events[i].Note); err != nil {
			return nil, fmt.Errorf("intake: ticket #%d: event %d: %w", number, i, err)
		}
	}
	return events, nil
}

// sealNotes returns copies of events with their notes sealed.
func (s *Service) sealNotes(events []Event) ([]Event, error) {
	out := make([]Event, len(events))
	for i, e := range events {
		var err error
		if e.Note, err = s.sealer.Seal(e.Note); err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// Filter selects tickets for ListTickets. Zero fields select everything.
type Filter struct {
	States   []State // in any of these states
	OpenOnly bool    // not closed or withdrawn
	Mediator int64   // claimed by this mediator ("mine")
	Worker   int64   // filed by this worker
}

func (f Filter) match(t Ticket) bool {
	return (len(f.States) == 0 || slices.Contains(f.States, t.State)) &&
		(!f.OpenOnly || t.State.Open()) &&
		(f.Mediator == 0 || t.Mediator == f.Mediator) &&
		(f.Worker == 0 || t.WorkerID == f.Worker)
}

// ListTickets returns the tickets matching f, by number, as the user may
// see them. A worker only ever gets their own (f.Worker is forced to
// them), for /status; mediators and admins get any, for /tickets.
func (s *Service) ListTickets(ctx context.Context, userID int64, f Filter) ([]Ticket, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	if Authorize(p, ActionList, nil) != nil {
		f.Worker = userID
	}
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return nil, err
	}
	byEmployer := map[string][]int64{}
	for _, t := range all {
		if t.EmployerKey != "" {
			byEmployer[t.EmployerKey] = append(byEmployer[t.EmployerKey], t.Number)
		}
	}
	var out []Ticket
	for _, t := range all {
		if !f.match(t) {
			continue
		}
		if err := s.open(&t); err != nil {
			return nil, err
		}
		if t.EmployerKey != "" {
			t.Linked = slices.DeleteFunc(slices.Clone(byEmployer[t.EmployerKey]), func(n int64) bool { return n == t.Number })
		}
		out = append(out, visibleTo(p, t))
	}
	return out, nil
}

// change is what an action does to a ticket: it checks the ticket's state
// and returns the events to record (and notify).
type change func(p Principal, t *Ticket, now time.Time) ([]Event, error)

// modify runs an action on a ticket for a user: it checks the user's right
// to it, applies fn, and stores the result with its events and
// notifications, retrying if someone changed the ticket meanwhile. fn sees
// the stored ticket (personal fields still sealed) and must not touch
// personal fields.
func (s *Service) modify(ctx context.Context, userID, number int64, a Action, fn change) (Ticket, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return Ticket{}, err
	}
	for range maxAttempts {
		t, err := s.authorized(ctx, p, number, a, s.store.GetTicket)
		if errors.Is(err, ErrForbidden) {
			s.log.Info("refused", "action", string(a), "ticket", number, "role", string(p.Role))
		}
		if err != nil {
			return Ticket{}, err
		}
		now := s.now()
		events, err := fn(p, &t, now)
		if err != nil {
			return Ticket{}, err
		}
		if len(events) > 0 {
			t.UpdatedAt = now
			// Notes (and the messages between mediator and worker) are
			// about the worker: sealed like the ticket's personal fields.
			sealed, err := s.sealNotes(events)
			if err != nil {
				return Ticket{}, err
			}
			u := TicketUpdate{Ticket: t, Events: sealed}
			for _, e := range events {
				u.Notify = append(u.Notify, notificationOf(e))
			}
			err = s.store.UpdateTicket(ctx, u)
			if errors.Is(err, ErrConflict) {
				continue
			}
			if err != nil {
				return Ticket{}, err
			}
			s.log.Info("ticket changed", "ticket", number, "action", string(a), "state", string(t.State))
			s.scheduleFollowUps(ctx, t)
			for _, e := range events {
				_ = s.audit(ctx, p, e.Action, number, auditDetail(e))
			}
		}
		// else nothing happened (the evidence was there already).
		t, err = s.read(ctx, number)
		if err != nil {
			return Ticket{}, err
		}
		return visibleTo(p, t), nil
	}
	return Ticket{}, fmt.Errorf("intake: ticket #%d: %w (gave up after %d attempts)", number, ErrConflict, maxAttempts)
}

// move changes t's state if the table allows it, keeps the bookkeeping
// (claim time, outcome, conclusion and closing times) and returns the
// event.
func move(p Principal, t *Ticket, a Action, to State, note string, now time.Time) (Event, error) {
	if err := CheckTransition(t.State, to); err != nil {
		return Event{}, err
	}
	ev := Event{Ticket: t.Number, Actor: p.UserID, Role: p.Role, Action: a, From: t.State, To: to, Note: strings.TrimSpace(note), At: now}
	t.State = to
	switch to {
	case StateClaimed:
		t.Mediator, t.ClaimedAt = p.UserID, now
	case StateSettled:
		t.Outcome, t.ConcludedAt = OutcomeSettled, now
	case StateNotSettled:
		t.Outcome, t.ConcludedAt, t.SettledAmount = OutcomeNotSettled, now, 0
	case StateClosed, StateWithdrawn:
		t.ClosedAt = now
	case StateReferredArbitration, StateReferredCourt:
		t.FollowUp.ReferredAt = now
	}
	return ev, nil
}

// Claim gives a new ticket to the mediator (or admin) who pressed Claim.
// A worker or anyone else gets ErrForbidden; the second of two mediators
// gets ErrAlreadyClaimed.
func (s *Service) Claim(ctx context.Context, userID, number int64) (Ticket, error) {
	return s.modify(ctx, userID, number, ActionClaim, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if t.State != StateNew && t.Mediator != 0 {
			return nil, ErrAlreadyClaimed
		}
		ev, err := move(p, t, ActionClaim, StateClaimed, "", now)
		return []Event{ev}, err
	})
}

// Transition moves a claimed ticket to another state the table allows,
// with a note; typically claimed → in mediation. Claiming and withdrawing
// have their own methods (they say who), and so do outcomes, referrals
// and closing, which this accepts too.
func (s *Service) Transition(ctx context.Context, userID, number int64, to State, note string) (Ticket, error) {
	if to == StateClaimed || to == StateWithdrawn || !to.Valid() {
		return Ticket{}, fmt.Errorf("intake: Transition to %q: use Claim or Withdraw", to)
	}
	return s.modify(ctx, userID, number, ActionTransition, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		ev, err := move(p, t, ActionTransition, to, note, now)
		return []Event{ev}, err
	})
}

// AddNote adds an internal note by the claiming mediator or an admin.
func (s *Service) AddNote(ctx context.Context, userID, number int64, note string) (Ticket, error) {
	return s.annotate(ctx, userID, number, ActionNote, note)
}

// RequestEvidence asks the worker for more evidence (the note says what);
// the notification tells the worker.
func (s *Service) RequestEvidence(ctx context.Context, userID, number int64, note string) (Ticket, error) {
	return s.annotate(ctx, userID, number, ActionRequestEvidence, note)
}

func (s *Service) annotate(ctx context.Context, userID, number int64, a Action, note string) (Ticket, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return Ticket{}, errors.New("intake: empty note")
	}
	return s.modify(ctx, userID, number, a, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if !t.State.Open() {
			return nil, fmt.Errorf("intake: ticket #%d is %s", t.Number, t.State)
		}
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: p.Role, Action: a, Note: note, At: now}}, nil
	})
}

// RecordOutcome ends a mediation: settled (with the amount agreed, 0 for
// a settlement without money) or not settled.
func (s *Service) RecordOutcome(ctx context.Context, userID, number int64, o Outcome, amount calc.Money, note string) (Ticket, error) {
	var to State
	switch o {
	case OutcomeSettled:
		to = StateSettled
	case OutcomeNotSettled:
		to = StateNotSettled
		if amount != 0 {
			return Ticket{}, errors.New("intake: an amount for a mediation that did not settle")
		}
	default:
		return Ticket{}, fmt.Errorf("intake: unknown outcome %q", o)
	}
	if amount < 0 {
		return Ticket{}, errors.New("intake: negative settlement amount")
	}
	return s.modify(ctx, userID, number, ActionOutcome, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		ev, err := move(p, t, ActionOutcome, to, note, now)
		if err != nil {
			return nil, err
		}
		t.SettledAmount, ev.Amount = amount, amount
		return []Event{ev}, nil
	})
}

// Refer refers a case that did not settle to arbitration or a court.
func (s *Service) Refer(ctx context.Context, userID, number int64, r Referral, note string) (Ticket, error) {
	to, err := r.State()
	if err != nil {
		return Ticket{}, err
	}
	return s.modify(ctx, userID, number, ActionRefer, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		ev, err := move(p, t, ActionRefer, to, note, now)
		return []Event{ev}, err
	})
}

// Close closes a ticket.
func (s *Service) Close(ctx context.Context, userID, number int64, note string) (Ticket, error) {
	return s.modify(ctx, userID, number, ActionClose, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		ev, err := move(p, t, ActionClose, StateClosed, note, now)
		return []Event{ev}, err
	})
}

// Withdraw withdraws the worker's own complaint.
func (s *Service) Withdraw(ctx context.Context, userID, number int64, note string) (Ticket, error) {
	return s.modify(ctx, userID, number, ActionWithdraw, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		ev, err := move(Principal{UserID: p.UserID, Role: RoleWorker}, t, ActionWithdraw, StateWithdrawn, note, now)
		return []Event{ev}, err
	})
}

// AddEvidence adds photos or files the worker sent to their open ticket
// (after a mediator asked for more); the notification tells the mediator.
func (s *Service) AddEvidence(ctx context.Context, userID, number int64, files ...Evidence) (Ticket, error) {
	if len(files) == 0 {
		return Ticket{}, errors.New("intake: no evidence")
	}
	return s.modify(ctx, userID, number, ActionAddEvidence, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		if !t.State.Open() {
			return nil, fmt.Errorf("intake: ticket #%d is %s", t.Number, t.State)
		}
		added := 0
		for _, e := range files {
			if e.FileID == "" || slices.ContainsFunc(t.Evidence, func(x Evidence) bool {
				return x.FileID == e.FileID || (e.UniqueID != "" && x.UniqueID == e.UniqueID)
			}) {
				continue
			}
			if len(t.Evidence) >= 2*MaxEvidence {
				return nil, invalid(StepEvidence,
					"证据文件已经很多了，其余的请保存好，直接交给调解员。",
					"There are many evidence files already; keep the rest for the mediator.")
			}
			if e.AddedAt.IsZero() {
				e.AddedAt = now
			}
			t.Evidence = append(t.Evidence, e)
			added++
		}
		if added == 0 {
			return nil, nil
		}
		return []Event{{Ticket: t.Number, Actor: p.UserID, Role: RoleWorker, Action: ActionAddEvidence, At: now}}, nil
	})
}

// Relay is where a worker's messages go: the mediator of their open ticket.
type Relay struct {
	Ticket   int64
	Mediator int64
}

// RelayTarget returns the claiming mediator of the worker's open ticket
// (the most recently changed one, if several are claimed), so that the
// worker's replies reach that mediator; ok is false when no open ticket of
// theirs has a mediator.
func (s *Service) RelayTarget(ctx context.Context, workerID int64) (r Relay, ok bool, err error) {
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return Relay{}, false, err
	}
	var best *Ticket
	for i := range all {
		t := &all[i]
		if t.WorkerID != workerID || !t.State.Open() || t.Mediator == 0 {
			continue
		}
		if best == nil || t.UpdatedAt.After(best.UpdatedAt) {
			best = t
		}
	}
	if best == nil {
		return Relay{}, false, nil
	}
	return Relay{Ticket: best.Number, Mediator: best.Mediator}, true, nil
}

// WorkerChat returns the chat of a ticket's worker, for the claiming
// mediator (or an admin) to send them a message through the bot.
func (s *Service) WorkerChat(ctx context.Context, userID, number int64) (chatID int64, lang string, err error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return 0, "", err
	}
	t, err := s.authorized(ctx, p, number, ActionMessage, s.store.GetTicket)
	if err != nil {
		return 0, "", err
	}
	if t.ChatID == 0 || !t.State.Open() {
		return 0, "", fmt.Errorf("intake: ticket #%d: the worker cannot be reached (%s)", number, t.State)
	}
	return t.ChatID, t.Lang, nil
}

// AddMediator makes a user a mediator; only admins may.
func (s *Service) AddMediator(ctx context.Context, adminID, userID int64) error {
	if err := s.requireAdmin(ctx, adminID); err != nil {
		return err
	}
	if userID <= 0 {
		return fmt.Errorf("intake: %d is not a user id", userID)
	}
	if err := s.store.AddMediator(ctx, userID); err != nil {
		return err
	}
	_ = s.RecordAudit(ctx, adminID, ActionManageMediators, 0, "add "+strconv.FormatInt(userID, 10))
	return nil
}

// RemoveMediator takes a user's mediator role away; only admins may. The
// tickets they claimed stay assigned to them, and admins can act on them.
// Configured admins stay admins.
func (s *Service) RemoveMediator(ctx context.Context, adminID, userID int64) error {
	if err := s.requireAdmin(ctx, adminID); err != nil {
		return err
	}
	if err := s.store.RemoveMediator(ctx, userID); err != nil {
		return err
	}
	_ = s.RecordAudit(ctx, adminID, ActionManageMediators, 0, "remove "+strconv.FormatInt(userID, 10))
	return nil
}

// Mediators lists the mediators, for mediators and admins.
func (s *Service) Mediators(ctx context.Context, userID int64) ([]int64, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActionList, nil); err != nil {
		return nil, err
	}
	return s.store.ListMediators(ctx)
}

func (s *Service) requireAdmin(ctx context.Context, userID int64) error {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return err
	}
	return Authorize(p, ActionManageMediators, nil)
}

// Export writes all tickets (see WriteExport) for an admin.
func (s *Service) Export(ctx context.Context, userID int64, w io.Writer, f Format) error {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return err
	}
	if err := Authorize(p, ActionExport, nil); err != nil {
		return err
	}
	if err := s.ExportAll(ctx, w, f); err != nil {
		return err
	}
	_ = s.audit(ctx, p, ActionExport, 0, string(f))
	return nil
}

// ExportAll writes all tickets without checking who asks: for the
// command line (laborbot export), whose user already holds the store.
func (s *Service) ExportAll(ctx context.Context, w io.Writer, f Format) error {
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return err
	}
	for i := range all {
		if err := s.open(&all[i]); err != nil {
			return err
		}
	}
	return WriteExport(w, f, all)
}

// Stats computes the statistics (see ComputeStats) for mediators and
// admins.
func (s *Service) Stats(ctx context.Context, userID int64, now time.Time) (Stats, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return Stats{}, err
	}
	if err := Authorize(p, ActionStats, nil); err != nil {
		return Stats{}, err
	}
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return Stats{}, err
	}
	return ComputeStats(all, now), nil
}
