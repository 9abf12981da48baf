package intake

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/schedule"
)

// Follow-ups are the timed work that keeps a case from falling through
// the cracks between the complaint and the money paid: escalating a ticket
// nobody claims, prompting a mediator whose case has gone quiet, asking
// the worker on the pay-by day whether the employer paid, reminding the
// worker of the arbitration deadline, and asking the mediator how a
// referral ended.
//
// They are jobs in a schedule.Store. The jobs a ticket needs are a
// function of the ticket (followUpJobs): they are added after every change
// the Service makes, and again for all open tickets at start
// (ReconcileFollowUps), which covers a crash between a change and its
// jobs and tickets filed before follow-ups existed. Adding is idempotent
// (a job id once done is not added again). When a job fires, FollowUp
// looks at the ticket as it is now: a job for a ticket that has moved on
// does nothing. Every reminder sent (or skipped because the worker turned
// reminders off) is an event in the ticket's trail.
//
// The package decides whom to tell what, in which language and when;
// the channel delivers (the deliver function of FollowUp).

// Follow-up job kinds. They are stored: never change one.
const (
	FollowEscalateGroup  = "escalate_group"  // an unclaimed ticket, to the mediators' group
	FollowEscalateAdmins = "escalate_admins" // still unclaimed, to the admins
	FollowEscalateWorker = "escalate_worker" // the worker is told the union is on it
	FollowCheckIn        = "checkin"         // a claimed case without events, to its mediator
	FollowPayment        = "payment"         // on the pay-by day, to the worker
	FollowLimitation     = "limitation"      // before the arbitration deadline, to the worker
	FollowReferral       = "referral"        // after a referral, to the mediator
)

// FollowUpKinds are all the follow-up job kinds, for metrics that start
// every kind's series at 0.
func FollowUpKinds() []string {
	return []string{FollowEscalateGroup, FollowEscalateAdmins, FollowEscalateWorker, FollowCheckIn, FollowPayment,
		FollowLimitation, FollowReferral}
}

// The actions of follow-ups (events and authorization).
const (
	ActionReminder       Action = "reminder"        // the bot sent a reminder, or skipped one the worker turned off
	ActionPayment        Action = "payment"         // the worker says whether the settlement was paid
	ActionReferralResult Action = "referral_result" // how a referral to arbitration or court ended
	ActionReminders      Action = "reminders"       // the worker turns reminders off or on
)

// RoleSystem is the bot itself, the actor of its reminders' events.
const RoleSystem Role = "system"

// PaymentReport is what the worker says about the settlement's payment.
// The values are stored: never change one.
type PaymentReport string

// The answers to "did the money arrive?".
const (
	PaidFull PaymentReport = "full"
	PaidPart PaymentReport = "part"
	PaidNone PaymentReport = "none"
)

// ReferralResult is how a case referred to arbitration or court ended.
// The values are stored: never change one.
type ReferralResult string

// The results a mediator records.
const (
	ResultAward     ReferralResult = "award"     // an arbitral award
	ResultJudgment  ReferralResult = "judgment"  // a court judgment
	ResultSettled   ReferralResult = "settled"   // the parties settled (in arbitration or court)
	ResultWithdrawn ReferralResult = "withdrawn" // the worker withdrew the application or suit
)

// ReferralResults returns the results in the order they are offered.
func ReferralResults() []ReferralResult {
	return []ReferralResult{ResultAward, ResultJudgment, ResultSettled, ResultWithdrawn}
}

// Label is the result's name for people.
func (r ReferralResult) Label(lang string) string {
	switch r {
	case ResultAward:
		return calc.Text{Zh: "仲裁裁决", En: "arbitral award"}.In(lang)
	case ResultJudgment:
		return calc.Text{Zh: "法院判决", En: "court judgment"}.In(lang)
	case ResultSettled:
		return calc.Text{Zh: "和解/调解结案", En: "settled"}.In(lang)
	case ResultWithdrawn:
		return calc.Text{Zh: "撤回申请或起诉", En: "withdrawn"}.In(lang)
	}
	return string(r)
}

// FollowUp is a ticket's follow-up state. Everything but RemindersOff is
// kept when the worker's data is erased (statistics of the whole chain).
type FollowUp struct {
	// RemindersOff: the worker turned reminders off for this ticket.
	RemindersOff bool `json:"reminders_off,omitempty"`
	// Payment is the worker's last answer about the settlement's payment,
	// PaidAmount what they said arrived, PaymentAt when they answered.
	Payment    PaymentReport `json:"payment,omitempty"`
	PaidAmount calc.Money    `json:"paid_amount,omitempty"`
	PaymentAt  time.Time     `json:"payment_at,omitzero"`
	// ReferredAt is when the case was last referred to arbitration or
	// court; Result how that ended, recorded at ResultAt.
	ReferredAt time.Time      `json:"referred_at,omitzero"`
	Result     ReferralResult `json:"result,omitempty"`
	ResultAt   time.Time      `json:"result_at,omitzero"`
}

// FollowUpOptions configure follow-ups (Options.FollowUp).
type FollowUpOptions struct {
	// Jobs keeps the follow-up jobs (nil: no follow-ups).
	Jobs schedule.Store
	// EscalateAfter is how long a ticket may wait unclaimed before the
	// mediators' group is reminded (and the worker told); after twice as
	// long the admins are (default 24h, ESCALATE_AFTER).
	EscalateAfter time.Duration
	// CheckInAfter is how long a claimed case may go without an event
	// before its mediator is prompted (default 7 days).
	CheckInAfter time.Duration
	// ReferralAfter is how long after a referral the mediator is asked for
	// the result (default 45 days), and ReferralRepeat how often again
	// while none is recorded (default 30 days).
	ReferralAfter, ReferralRepeat time.Duration
	// LimitationDays are the days before the arbitration deadline on which
	// the worker is reminded (default 60 and 14).
	LimitationDays []int
	// MediatorGroup tells whether there is a mediators' group to remind
	// (MEDIATOR_CHAT_ID); without one the first escalation goes to the
	// admins.
	MediatorGroup bool
}

func (o FollowUpOptions) withDefaults() FollowUpOptions {
	if o.EscalateAfter <= 0 {
		o.EscalateAfter = 24 * time.Hour
	}
	if o.CheckInAfter <= 0 {
		o.CheckInAfter = 7 * 24 * time.Hour
	}
	if o.ReferralAfter <= 0 {
		o.ReferralAfter = 45 * 24 * time.Hour
	}
	if o.ReferralRepeat <= 0 {
		o.ReferralRepeat = 30 * 24 * time.Hour
	}
	if len(o.LimitationDays) == 0 {
		o.LimitationDays = []int{60, 14}
	}
	o.LimitationDays = slices.Clone(o.LimitationDays)
	slices.SortFunc(o.LimitationDays, func(a, b int) int { return cmp.Compare(b, a) })
	return o
}

// Times of day (in the worker's province's clock) at which dated
// reminders go out: the payment question late on the pay-by day, when the
// day's transfers have arrived; the deadline reminder in the morning.
const (
	paymentHour    = 18
	limitationHour = 10
)

// Audience is who a reminder is for.
type Audience string

// The audiences.
const (
	ToWorker   Audience = "worker"   // the worker, at ChatID
	ToMediator Audience = "mediator" // the claiming mediator, at ChatID (their user id)
	ToGroup    Audience = "group"    // the mediators' group (the channel knows where)
	ToAdmin    Audience = "admin"    // one admin, at ChatID (their user id)
)

// Reminder is one message a follow-up sends, for the channel to deliver.
// Ticket is the full ticket (personal data opened): a channel shows a
// group or an admin at most Ticket.Masked().
type Reminder struct {
	Kind   string // the job kind: FollowEscalateGroup, ...
	To     Audience
	ChatID int64
	Lang   string
	Text   string
	Ticket Ticket
}

// followUpData is a follow-up job's payload.
type followUpData struct {
	Ticket int64  `json:"ticket"`
	Day    string `json:"day,omitempty"`   // the pay-by day, or the deadline (2006-01-02)
	Days   int    `json:"days,omitempty"`  // limitation: days before the deadline
	State  State  `json:"state,omitempty"` // referral: the state referred to
}

func followUpJob(kind, id string, due time.Time, d followUpData) schedule.Job {
	data, _ := json.Marshal(d)
	return schedule.Job{ID: id, Kind: kind, Due: due, Data: string(data)}
}

// followUpJobs returns the jobs ticket t needs as of now. Jobs whose time
// has passed are still returned (due now): adding one already done is a
// no-op, and one never added should run.
func (s *Service) followUpJobs(t Ticket, now time.Time) []schedule.Job {
	if !t.State.Open() || t.Erased() {
		return nil
	}
	o := s.follow
	n := t.Number
	num := strconv.FormatInt(n, 10)
	var jobs []schedule.Job
	add := func(kind, id string, due time.Time, d followUpData) {
		d.Ticket = n
		jobs = append(jobs, followUpJob(kind, id, due, d))
	}
	if t.State == StateNew {
		add(FollowEscalateGroup, "escalate:"+num, t.CreatedAt.Add(o.EscalateAfter), followUpData{})
		add(FollowEscalateWorker, "escalate-worker:"+num, t.CreatedAt.Add(o.EscalateAfter), followUpData{})
		add(FollowEscalateAdmins, "escalate-admins:"+num, t.CreatedAt.Add(2*o.EscalateAfter), followUpData{})
	}
	if t.Mediator != 0 {
		add(FollowCheckIn, "checkin:"+num, t.ClaimedAt.Add(o.CheckInAfter), followUpData{})
	}
	if t.State == StateSettled && !t.PayBy.IsZero() && t.FollowUp.Payment == "" {
		day := calendarDay(t.PayBy).Format(time.DateOnly)
		add(FollowPayment, "payment:"+num+":"+day, dayAt(t.PayBy, paymentHour, t.Province), followUpData{Day: day})
	}
	if (t.State == StateReferredArbitration || t.State == StateReferredCourt) && t.FollowUp.Result == "" {
		at := t.FollowUp.ReferredAt
		if at.IsZero() {
			at = t.UpdatedAt
		}
		add(FollowReferral, "referral:"+num+":"+string(t.State), at.Add(o.ReferralAfter), followUpData{State: t.State})
	}
	if lim := LimitationOf(t); lim.Running && limitationApplies(t) {
		day := lim.Last.Format(time.DateOnly)
		for i, d := range o.LimitationDays { // furthest first
			due := dayAt(lim.Last.AddDate(0, 0, -d), limitationHour, t.Province)
			if !due.After(now) {
				// Its moment has passed (a ticket filed close to its
				// deadline): remind now, once, unless a nearer reminder's
				// moment has passed too or the deadline has.
				nearerPassed := i+1 < len(o.LimitationDays) &&
					!dayAt(lim.Last.AddDate(0, 0, -o.LimitationDays[i+1]), limitationHour, t.Province).After(now)
				if nearerPassed || lim.DaysLeft(now) < 0 {
					continue
				}
			}
			add(FollowLimitation, "limitation:"+num+":"+strconv.Itoa(d)+":"+day, due, followUpData{Day: day, Days: d})
		}
	}
	return jobs
}

// limitationApplies reports whether the arbitration deadline still
// matters to the case: not once it is in court, nor while a settlement
// stands that the worker has not reported unpaid.
func limitationApplies(t Ticket) bool {
	switch t.State {
	case StateNew, StateClaimed, StateInMediation, StateNotSettled, StateReferredArbitration:
		return true
	case StateSettled:
		return t.FollowUp.Payment == PaidNone || t.FollowUp.Payment == PaidPart
	}
	return false
}

// scheduleFollowUps adds the jobs ticket t needs after a change. A failure
// is logged, not returned: the change itself is done, and
// ReconcileFollowUps adds what is missing at the next start.
func (s *Service) scheduleFollowUps(ctx context.Context, t Ticket) {
	if s.follow.Jobs == nil {
		return
	}
	jobs := s.followUpJobs(t, s.now())
	if len(jobs) == 0 {
		return
	}
	if _, err := s.follow.Jobs.AddJobs(ctx, jobs...); err != nil {
		s.log.Warn("scheduling follow-ups failed; they are added at the next start", "ticket", t.Number, "err", err)
	}
}

// ReconcileFollowUps adds the follow-up jobs every open ticket needs and
// returns how many were missing. Run it at start.
func (s *Service) ReconcileFollowUps(ctx context.Context) (int, error) {
	if s.follow.Jobs == nil {
		return 0, nil
	}
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	added := 0
	var batch []schedule.Job
	flush := func() error {
		n, err := s.follow.Jobs.AddJobs(ctx, batch...)
		added += n
		batch = batch[:0]
		return err
	}
	for _, t := range all {
		batch = append(batch, s.followUpJobs(t, now)...)
		if len(batch) >= 500 {
			if err := flush(); err != nil {
				return added, err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return added, err
		}
	}
	return added, nil
}

// AdminIDs returns the configured admins' user ids, ascending.
func (s *Service) AdminIDs() []int64 {
	ids := make([]int64, 0, len(s.admins))
	for id := range s.admins {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// plan is what a follow-up does now.
type plan struct {
	send []Reminder
	// events are recorded once every reminder is delivered (a reminder
	// the worker turned off is an event without a message).
	events []Event
	// next: run the job again then (zero: the job is done).
	next time.Time
}

// FollowUp runs a follow-up job: it looks at the ticket as it is now,
// delivers the reminders that are due (deliver sends one; an error makes
// the scheduler retry the job) and records them in the ticket's trail.
func (s *Service) FollowUp(ctx context.Context, j schedule.Job, deliver func(context.Context, Reminder) error) (schedule.Result, error) {
	var d followUpData
	if err := json.Unmarshal([]byte(j.Data), &d); err != nil || d.Ticket <= 0 {
		s.log.Warn("dropping a follow-up job with bad data", "job", j.ID)
		return schedule.Result{}, nil
	}
	t, err := s.read(ctx, d.Ticket)
	if errors.Is(err, ErrNotFound) {
		return schedule.Result{}, nil
	}
	if err != nil {
		return schedule.Result{}, err
	}
	now := s.now()
	var p plan
	switch j.Kind {
	case FollowEscalateGroup, FollowEscalateAdmins:
		p = s.planEscalation(t, j.Kind, now)
	case FollowEscalateWorker:
		p = s.planWorker(t, j.Kind, now, t.State == StateNew, escalationWorkerText)
	case FollowCheckIn:
		p, err = s.planCheckIn(ctx, t, now)
	case FollowPayment:
		p = s.planPayment(t, d, now)
	case FollowLimitation:
		p = s.planLimitation(t, d, now)
	case FollowReferral:
		p = s.planReferral(t, d, now)
	default:
		s.log.Warn("dropping a follow-up job of an unknown kind", "job", j.ID, "kind", j.Kind)
		return schedule.Result{}, nil
	}
	if err != nil {
		return schedule.Result{}, err
	}
	for _, r := range p.send {
		if err := deliver(ctx, r); err != nil {
			return schedule.Result{}, fmt.Errorf("follow-up %s of ticket #%d to the %s: %w", j.Kind, t.Number, r.To, err)
		}
	}
	if len(p.events) > 0 {
		if err := s.appendSystemEvents(ctx, t.Number, p.events); err != nil {
			return schedule.Result{}, err
		}
		s.log.Info("follow-up", "ticket", t.Number, "kind", j.Kind, "sent", len(p.send))
	}
	return schedule.Result{Next: p.next}, nil
}

// quiet defers a plan to the end of the quiet hours when now falls in
// them on any of the clocks.
func quiet(now time.Time, clocks []*time.Location) (plan, bool) {
	if end, ok := QuietUntil(now, clocks); ok {
		return plan{next: end}, true
	}
	return plan{}, false
}

// reminderEvent is the trail's record of a reminder: kind and audience,
// in both languages (the trail is read by mediators of either).
func reminderEvent(t Ticket, kind string, to Audience, skipped bool, now time.Time) Event {
	note := kindLabel(kind).Zh + " → " + audienceLabel(to).Zh + " / " + kindLabel(kind).En + " → " + audienceLabel(to).En
	if skipped {
		note = kindLabel(kind).Zh + "：劳动者已关闭提醒，未发送 / " + kindLabel(kind).En + ": not sent, the worker turned reminders off"
	}
	return Event{Ticket: t.Number, Role: RoleSystem, Action: ActionReminder, Note: note, At: now}
}

func (s *Service) planEscalation(t Ticket, kind string, now time.Time) plan {
	if t.State != StateNew {
		return plan{}
	}
	if p, ok := quiet(now, []*time.Location{Reporting}); ok {
		return p
	}
	waited := now.Sub(t.CreatedAt)
	var p plan
	if kind == FollowEscalateGroup && s.follow.MediatorGroup {
		p.send = append(p.send, Reminder{Kind: kind, To: ToGroup, Lang: "zh", Text: escalationStaffText(t, waited, false), Ticket: t})
		p.events = append(p.events, reminderEvent(t, kind, ToGroup, false, now))
		return p
	}
	for _, id := range s.AdminIDs() {
		p.send = append(p.send, Reminder{Kind: kind, To: ToAdmin, ChatID: id, Lang: "zh", Text: escalationStaffText(t, waited, true), Ticket: t})
	}
	if len(p.send) == 0 {
		s.log.Warn("an unclaimed ticket to escalate, but no admins (ADMIN_IDS) and no mediators' group", "ticket", t.Number)
		return plan{}
	}
	p.events = append(p.events, reminderEvent(t, kind, ToAdmin, false, now))
	return p
}

// planWorker is a reminder to the worker when applies: skipped (and
// recorded) when they turned reminders off, dropped when they cannot be
// reached, deferred in their quiet hours.
func (s *Service) planWorker(t Ticket, kind string, now time.Time, applies bool, text func(Ticket, time.Time, string) string) plan {
	if !applies || t.ChatID == 0 || t.Erased() {
		return plan{}
	}
	if t.FollowUp.RemindersOff {
		return plan{events: []Event{reminderEvent(t, kind, ToWorker, true, now)}}
	}
	if p, ok := quiet(now, ProvinceClocks(t.Province)); ok {
		return p
	}
	return plan{
		send:   []Reminder{{Kind: kind, To: ToWorker, ChatID: t.ChatID, Lang: t.Lang, Text: text(t, now, t.Lang), Ticket: t}},
		events: []Event{reminderEvent(t, kind, ToWorker, false, now)},
	}
}

// checkInStates are the states in which a mediator is expected to move
// the case along; referrals wait for the arbitration commission or the
// court (FollowReferral asks about them), a settlement for its pay-by day.
func checkInApplies(t Ticket, now time.Time) bool {
	switch t.State {
	case StateClaimed, StateInMediation, StateNotSettled:
		return true
	case StateSettled:
		return t.PayBy.IsZero() || now.After(dayAt(t.PayBy, paymentHour, t.Province))
	}
	return false
}

func (s *Service) planCheckIn(ctx context.Context, t Ticket, now time.Time) (plan, error) {
	every := s.follow.CheckInAfter
	if !t.State.Open() || t.Mediator == 0 {
		return plan{}, nil
	}
	if !checkInApplies(t, now) {
		return plan{next: now.Add(every)}, nil
	}
	events, err := s.store.ListEvents(ctx, t.Number)
	if err != nil {
		return plan{}, err
	}
	last := t.ClaimedAt
	for _, e := range events {
		if e.Role != RoleSystem && e.At.After(last) {
			last = e.At
		}
	}
	if idle := now.Sub(last); idle < every {
		return plan{next: last.Add(every)}, nil
	}
	if p, ok := quiet(now, []*time.Location{Reporting}); ok {
		return p, nil
	}
	return plan{
		send:   []Reminder{{Kind: FollowCheckIn, To: ToMediator, ChatID: t.Mediator, Lang: "zh", Text: checkInText(t, now.Sub(last), "zh"), Ticket: t}},
		events: []Event{reminderEvent(t, FollowCheckIn, ToMediator, false, now)},
		next:   now.Add(every),
	}, nil
}

func (s *Service) planPayment(t Ticket, d followUpData, now time.Time) plan {
	applies := t.State == StateSettled && !t.PayBy.IsZero() && calendarDay(t.PayBy).Format(time.DateOnly) == d.Day && t.FollowUp.Payment == ""
	if !applies {
		return plan{}
	}
	if !t.FollowUp.RemindersOff && t.ChatID != 0 && !t.Erased() {
		return s.planWorker(t, FollowPayment, now, true, paymentQuestionText)
	}
	// The worker cannot be asked: the mediator checks instead.
	var p plan
	if t.FollowUp.RemindersOff {
		p.events = append(p.events, reminderEvent(t, FollowPayment, ToWorker, true, now))
	}
	if t.Mediator == 0 {
		return p
	}
	if q, ok := quiet(now, []*time.Location{Reporting}); ok {
		return q
	}
	p.send = append(p.send, Reminder{Kind: FollowPayment, To: ToMediator, ChatID: t.Mediator, Lang: "zh", Text: paymentMediatorText(t, "zh"), Ticket: t})
	p.events = append(p.events, reminderEvent(t, FollowPayment, ToMediator, false, now))
	return p
}

func (s *Service) planLimitation(t Ticket, d followUpData, now time.Time) plan {
	lim := LimitationOf(t)
	applies := t.State.Open() && limitationApplies(t) && lim.Running && lim.Last.Format(time.DateOnly) == d.Day && lim.DaysLeft(now) >= 0
	return s.planWorker(t, FollowLimitation, now, applies, limitationText)
}

func (s *Service) planReferral(t Ticket, d followUpData, now time.Time) plan {
	if t.State != d.State || t.FollowUp.Result != "" {
		return plan{}
	}
	if p, ok := quiet(now, []*time.Location{Reporting}); ok {
		return p
	}
	at := t.FollowUp.ReferredAt
	if at.IsZero() {
		at = t.UpdatedAt
	}
	text := referralText(t, now.Sub(at), s.follow.ReferralRepeat, "zh")
	p := plan{next: now.Add(s.follow.ReferralRepeat)}
	if t.Mediator != 0 {
		p.send = append(p.send, Reminder{Kind: FollowReferral, To: ToMediator, ChatID: t.Mediator, Lang: "zh", Text: text, Ticket: t})
		p.events = append(p.events, reminderEvent(t, FollowReferral, ToMediator, false, now))
		return p
	}
	for _, id := range s.AdminIDs() {
		p.send = append(p.send, Reminder{Kind: FollowReferral, To: ToAdmin, ChatID: id, Lang: "zh", Text: text, Ticket: t})
	}
	if len(p.send) > 0 {
		p.events = append(p.events, reminderEvent(t, FollowReferral, ToAdmin, false, now))
	}
	return p
}

// appendSystemEvents records the bot's own events in a ticket's trail,
// without changing the ticket (its UpdatedAt is a person's last change).
func (s *Service) appendSystemEvents(ctx context.Context, number int64, events []Event) error {
	sealed, err := s.sealNotes(events)
	if err != nil {
		return err
	}
	for range maxAttempts {
		t, err := s.store.GetTicket(ctx, number)
		if err != nil {
			return err
		}
		err = s.store.UpdateTicket(ctx, TicketUpdate{Ticket: t, Events: sealed})
		if errors.Is(err, ErrConflict) {
			continue
		}
		return err
	}
	return fmt.Errorf("intake: ticket #%d: %w (gave up after %d attempts)", number, ErrConflict, maxAttempts)
}
