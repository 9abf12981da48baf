package letter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
)

// Options configure a Service. Store and Tickets are required.
type Options struct {
	Store   Store
	Tickets *intake.Service
	// Statutes returns the statutes loaded now (the knowledge engine's
	// library: LAWS_DIR and uploads), or nil: articles are then cited by
	// name and number only.
	Statutes func() *knowledge.Statutes
	// Sealer seals letters' bodies at rest (DATA_KEY); nil: none.
	Sealer intake.Sealer
	Now    func() time.Time
	Logger *slog.Logger
}

// Service drafts and issues letters.
type Service struct {
	store    Store
	tickets  *intake.Service
	statutes func() *knowledge.Statutes
	sealer   intake.Sealer
	now      func() time.Time
	log      *slog.Logger
}

// NewService returns a Service.
func NewService(o Options) (*Service, error) {
	if o.Store == nil || o.Tickets == nil {
		return nil, errors.New("letter: Store and Tickets are required")
	}
	s := &Service{store: o.Store, tickets: o.Tickets, statutes: o.Statutes, sealer: o.Sealer, now: o.Now, log: o.Logger}
	if s.statutes == nil {
		s.statutes = func() *knowledge.Statutes { return nil }
	}
	if s.sealer == nil {
		s.sealer, _ = intake.NewSealer("")
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Draft is a letter ready for the mediator to edit.
type Draft struct {
	Kind      Kind
	Ticket    int64
	Title     string
	Recipient string
	Body      string
	Facts     Facts
	Union     Union
	// Letterhead is false while the union's details are missing: the
	// draft can be read but not issued.
	Letterhead bool
}

// maxLinked bounds the other complaints a letter lists.
const maxLinked = 100

// Draft drafts a letter of kind on ticket number for userID (the claiming
// mediator or an admin).
func (s *Service) Draft(ctx context.Context, userID, number int64, kind Kind) (Draft, error) {
	if !kind.Valid() {
		return Draft{}, fmt.Errorf("letter: kind %q: %w", kind, ErrNotFound)
	}
	t, err := s.tickets.LetterTicket(ctx, userID, number)
	if err != nil {
		return Draft{}, err
	}
	linked, err := s.linked(ctx, userID, t)
	if err != nil {
		return Draft{}, err
	}
	earlier, err := s.ticketLetters(ctx, number)
	if err != nil {
		return Draft{}, err
	}
	tpl, err := s.template(ctx, kind)
	if err != nil {
		return Draft{}, err
	}
	u, ok, err := s.store.LetterUnion(ctx)
	if err != nil {
		return Draft{}, err
	}
	now := s.now()
	f := gather(t, linked, s.statutes(), earlier, now)
	v := values(f, u, tpl, now)
	return Draft{Kind: kind, Ticket: number, Title: tpl.Title, Recipient: fill(tpl.Recipient, v), Body: fill(tpl.Body, v),
		Facts: f, Union: u, Letterhead: ok && strings.TrimSpace(u.Name) != ""}, nil
}

// linked returns the other open complaints against t's employer, as userID
// may see them (only their non-personal facts are used).
func (s *Service) linked(ctx context.Context, userID int64, t intake.Ticket) ([]intake.Ticket, error) {
	if len(t.Linked) == 0 || t.EmployerKey == "" {
		return nil, nil
	}
	page, err := s.tickets.Queue(ctx, userID, intake.QueueQuery{View: intake.ViewAll, Employer: t.Employer, PerPage: intake.MaxPerPage})
	if err != nil {
		return nil, err
	}
	var out []intake.Ticket
	for i := len(page.Tickets) - 1; i >= 0; i-- { // oldest first
		x := page.Tickets[i]
		if x.Number == t.Number || x.EmployerKey != t.EmployerKey || !x.State.Open() || x.Erased() {
			continue
		}
		out = append(out, x)
		if len(out) == maxLinked {
			break
		}
	}
	return out, nil
}

// Edit is what the mediator issues: the draft as edited.
type Edit struct {
	Title     string
	Recipient string
	Body      string
}

// Problems of an edit, shown to the mediator.
var (
	ErrEmpty   = errors.New("letter: the title, the recipient and the body must not be empty")
	ErrTooLong = errors.New("letter: too long")
)

// Issue issues a letter of kind on ticket number as edited by userID: it
// gets the next number of its kind this year, is stored with the ticket
// and recorded in the ticket's trail and the audit log.
func (s *Service) Issue(ctx context.Context, userID, number int64, kind Kind, e Edit) (Letter, error) {
	if !kind.Valid() {
		return Letter{}, fmt.Errorf("letter: kind %q: %w", kind, ErrNotFound)
	}
	e.Title, e.Recipient = strings.TrimSpace(e.Title), strings.TrimSpace(strings.TrimRight(strings.TrimSpace(e.Recipient), ":："))
	e.Body = strings.Join(Paragraphs(e.Body), "\n")
	switch {
	case e.Title == "" || e.Recipient == "" || e.Body == "":
		return Letter{}, ErrEmpty
	case utf8.RuneCountInString(e.Title) > MaxTitleRunes || utf8.RuneCountInString(e.Recipient) > MaxRecipientRunes ||
		utf8.RuneCountInString(e.Body) > MaxBodyRunes:
		return Letter{}, ErrTooLong
	}
	// May the user issue it? (Checked again when it is recorded.)
	t, err := s.tickets.LetterTicket(ctx, userID, number)
	if err != nil {
		return Letter{}, err
	}
	if !t.State.Open() {
		return Letter{}, ErrClosed
	}
	u, ok, err := s.store.LetterUnion(ctx)
	if err != nil {
		return Letter{}, err
	}
	if !ok || strings.TrimSpace(u.Name) == "" {
		return Letter{}, ErrNoLetterhead
	}
	tpl, err := s.template(ctx, kind)
	if err != nil {
		return Letter{}, err
	}
	now := s.now()
	body, err := s.sealer.Seal(e.Body)
	if err != nil {
		return Letter{}, err
	}
	l := Letter{Ticket: number, Kind: kind, Prefix: tpl.Prefix, Year: now.In(china).Year(), Title: e.Title, Recipient: e.Recipient,
		Body: body, Union: u, IssuedBy: userID, IssuedAt: now}
	l, err = s.store.AddLetter(ctx, l)
	if err != nil {
		return Letter{}, err
	}
	l.Body = e.Body
	if _, err := s.tickets.RecordLetter(ctx, userID, number, kind.Label("zh")+" "+l.Number()); err != nil {
		// The letter has its number and is kept: a number is never used
		// twice. Say so loudly; the trail lacks this one entry.
		s.log.Error("letter issued but not recorded in the ticket's trail", "ticket", number, "letter", l.ID, "err", err)
		return l, fmt.Errorf("letter %s issued, but recording it failed: %w", l.Number(), err)
	}
	s.log.Info("letter issued", "ticket", number, "kind", string(kind), "letter", l.ID)
	return l, nil
}

// Letters returns the letters issued on a ticket, oldest first, to those
// who may issue them.
func (s *Service) Letters(ctx context.Context, userID, number int64) ([]Letter, error) {
	if _, err := s.tickets.LetterTicket(ctx, userID, number); err != nil {
		return nil, err
	}
	return s.ticketLetters(ctx, number)
}

func (s *Service) ticketLetters(ctx context.Context, number int64) ([]Letter, error) {
	ls, err := s.store.TicketLetters(ctx, number)
	if err != nil {
		return nil, err
	}
	for i := range ls {
		if ls[i].Body, err = s.sealer.Open(ls[i].Body); err != nil {
			return nil, fmt.Errorf("letter %d: %w", ls[i].ID, err)
		}
	}
	return ls, nil
}

// Letter returns letter id of ticket number, to those who may issue
// letters on the ticket.
func (s *Service) Letter(ctx context.Context, userID, number, id int64) (Letter, error) {
	if _, err := s.tickets.LetterTicket(ctx, userID, number); err != nil {
		return Letter{}, err
	}
	l, err := s.store.GetLetter(ctx, id)
	if err != nil {
		return Letter{}, err
	}
	if l.Ticket != number {
		return Letter{}, ErrNotFound
	}
	if l.Body, err = s.sealer.Open(l.Body); err != nil {
		return Letter{}, err
	}
	return l, nil
}

// Templates returns the templates letters are drafted from (the saved
// ones, else the defaults), for admins.
func (s *Service) Templates(ctx context.Context, userID int64) (map[Kind]Template, error) {
	if err := s.tickets.CheckLetterSettings(ctx, userID); err != nil {
		return nil, err
	}
	out := DefaultTemplates()
	saved, err := s.store.LetterTemplates(ctx)
	if err != nil {
		return nil, err
	}
	for k, t := range saved {
		out[k] = t
	}
	return out, nil
}

func (s *Service) template(ctx context.Context, kind Kind) (Template, error) {
	saved, err := s.store.LetterTemplates(ctx)
	if err != nil {
		return Template{}, err
	}
	if t, ok := saved[kind]; ok {
		return t, nil
	}
	return DefaultTemplates()[kind], nil
}

// ProblemsError is the problems of a template, as an error.
type ProblemsError []calc.Text

func (p ProblemsError) Error() string {
	var parts []string
	for _, t := range p {
		parts = append(parts, t.En)
	}
	return "letter: " + strings.Join(parts, "; ")
}

// PutTemplate saves a template (admins only) once it has no problems
// (else a ProblemsError), and records the change in the audit log.
func (s *Service) PutTemplate(ctx context.Context, userID int64, t Template) error {
	if err := s.tickets.CheckLetterSettings(ctx, userID); err != nil {
		return err
	}
	t.Title, t.Prefix, t.Recipient = strings.TrimSpace(t.Title), strings.TrimSpace(t.Prefix), strings.TrimSpace(t.Recipient)
	t.Body = strings.TrimSpace(strings.ReplaceAll(t.Body, "\r\n", "\n"))
	if ps := t.Check(); len(ps) > 0 {
		return ProblemsError(ps)
	}
	t.UpdatedBy, t.UpdatedAt = userID, s.now()
	if err := s.store.PutLetterTemplate(ctx, t); err != nil {
		return err
	}
	_ = s.tickets.RecordAudit(ctx, userID, intake.ActionLetterSettings, 0, "template "+string(t.Kind))
	return nil
}

// Union returns the letterhead (zero until saved).
func (s *Service) Union(ctx context.Context, userID int64) (Union, error) {
	if err := s.tickets.CheckLetterSettings(ctx, userID); err != nil {
		return Union{}, err
	}
	u, _, err := s.store.LetterUnion(ctx)
	return u, err
}

// PutUnion saves the letterhead (admins only; the name is required) and
// records the change in the audit log.
func (s *Service) PutUnion(ctx context.Context, userID int64, u Union) error {
	if err := s.tickets.CheckLetterSettings(ctx, userID); err != nil {
		return err
	}
	for _, f := range []*string{&u.Name, &u.Unit, &u.Address, &u.Postcode, &u.Phone, &u.Contact} {
		*f = strings.TrimSpace(strings.ReplaceAll(*f, "\n", " "))
		if utf8.RuneCountInString(*f) > MaxRecipientRunes {
			return ProblemsError{{Zh: fmt.Sprintf("每项不能超过 %d 个字", MaxRecipientRunes), En: fmt.Sprintf("each field takes at most %d characters", MaxRecipientRunes)}}
		}
	}
	if u.Name == "" {
		return ProblemsError{{Zh: "工会名称不能为空", En: "the union's name is required"}}
	}
	u.UpdatedBy, u.UpdatedAt = userID, s.now()
	if err := s.store.PutLetterUnion(ctx, u); err != nil {
		return err
	}
	_ = s.tickets.RecordAudit(ctx, userID, intake.ActionLetterSettings, 0, "letterhead")
	return nil
}

// Preview renders a template (as an admin edits it, not yet saved) with
// sample facts: a made-up case of two workers, so admins see every
// placeholder filled.
func (s *Service) Preview(ctx context.Context, userID int64, t Template, u Union) (Letter, error) {
	if err := s.tickets.CheckLetterSettings(ctx, userID); err != nil {
		return Letter{}, err
	}
	now := s.now()
	f := gather(SampleTicket(now), []intake.Ticket{sampleCoworker(now)}, s.statutes(), nil, now)
	v := values(f, u, t, now)
	return Letter{Kind: t.Kind, Prefix: t.Prefix, Year: now.In(china).Year(), Seq: 1, Title: t.Title,
		Recipient: fill(t.Recipient, v), Body: fill(t.Body, v), Union: u, IssuedAt: now}, nil
}

// SampleTicket is the made-up case template previews are drafted from.
func SampleTicket(now time.Time) intake.Ticket {
	y := now.In(china).Year()
	return intake.Ticket{Number: 1, Types: []intake.DisputeType{intake.TypeUnpaidWages, intake.TypeOvertime}, Employer: "某某电子科技有限公司",
		City: "成都", StartDate: calc.Date(y-3, 3, 1), EndDate: calc.Date(y, 1, 31), MonthlyWage: calc.Yuan(6000), Claimed: calc.Yuan(18000), State: intake.StateClaimed}
}

func sampleCoworker(now time.Time) intake.Ticket {
	y := now.In(china).Year()
	return intake.Ticket{Number: 2, Types: []intake.DisputeType{intake.TypeUnpaidWages, intake.TypeDismissal}, Employer: "某某电子科技有限公司",
		City: "成都", StartDate: calc.Date(y-2, 7, 15), EndDate: calc.Date(y, 1, 31), MonthlyWage: calc.Yuan(5500), Claimed: calc.Yuan(11000), State: intake.StateClaimed}
}
