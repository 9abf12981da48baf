package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// What the web console asks of intake: the queue, the dashboard, exports
// of a filtered view, the conversation with the worker in the trail. They
// read the indexes (index.go), never every ticket.

// Queue views.
const (
	ViewOpen = "open" // unclaimed first (longest waiting first), then the other open cases, newest first
	ViewMine = "mine" // the open cases the user claimed
	ViewAll  = "all"  // every case, newest first
)

// QueueQuery selects a page of the queue.
type QueueQuery struct {
	// View is ViewOpen (default), ViewMine, ViewAll, or a State.
	View string
	// Type, Province, City filter by dispute type and place ("" = any).
	Type     DisputeType
	Province string
	City     string
	// Employer keeps tickets whose employer's name contains it (compared
	// as NormalizeEmployer keys).
	Employer string
	// From and To keep tickets filed on those days (inclusive, in the
	// Reporting zone); zero = open-ended.
	From, To time.Time
	// Search is a ticket number ("12", "#12"), a worker's full name or
	// part of an employer's name.
	Search string
	// Page counts from 1; PerPage defaults to DefaultPerPage.
	Page, PerPage int
}

// Queue page sizes.
const (
	DefaultPerPage = 25
	MaxPerPage     = 200
)

// QueuePage is one page of the queue.
type QueuePage struct {
	Tickets []Ticket
	// Total matches the query; Pages = ceil(Total / PerPage).
	Total, Page, PerPage, Pages int
	// ByState counts every ticket by state; Open, Mine the open ones and
	// the user's open ones.
	ByState    map[State]int
	Open, Mine int
	// Affected is, per employer key on the page, the workers affected by
	// all its tickets (see SetEmployerGroups).
	Affected map[string]int64
}

// segment is a part of a view: a set in one order.
type segment struct {
	set  string
	desc bool
}

func (q QueueQuery) segments(userID int64) ([]segment, error) {
	switch q.View {
	case "", ViewOpen:
		return []segment{{SetState(StateNew), false}, {SetActive, true}}, nil
	case ViewMine:
		return []segment{{SetMediatorOpen(userID), true}}, nil
	case ViewAll:
		return []segment{{SetAll, true}}, nil
	}
	if s := State(q.View); s.Valid() {
		return []segment{{SetState(s), s != StateNew}}, nil
	}
	return nil, fmt.Errorf("intake: unknown queue view %q", q.View)
}

// bounds are the score bounds of q's dates (0, 0: none).
func (q QueueQuery) bounds() (lo, hi int64) {
	if q.From.IsZero() && q.To.IsZero() {
		return 0, 0
	}
	lo, hi = 1, math.MaxInt64/2
	if !q.From.IsZero() {
		y, m, d := q.From.Date()
		lo = time.Date(y, m, d, 0, 0, 0, 0, Reporting).UnixMilli()
	}
	if !q.To.IsZero() {
		y, m, d := q.To.Date()
		hi = time.Date(y, m, d+1, 0, 0, 0, 0, Reporting).UnixMilli() - 1
	}
	return lo, hi
}

// ParseTicketNumber reads "12" or "#12".
func ParseTicketNumber(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return n, err == nil && n > 0
}

// filterGroups are the sets a ticket must be in, one of each group.
func (s *Service) filterGroups(ctx context.Context, q QueueQuery) ([][]string, error) {
	var groups [][]string
	if q.Type != "" {
		groups = append(groups, []string{SetType(q.Type)})
	}
	switch {
	case q.Province != "" && q.City != "":
		groups = append(groups, []string{SetCity(q.Province, q.City)})
	case q.Province != "":
		groups = append(groups, []string{SetProvince(q.Province)})
	}
	employerSets := func(text string) ([]string, error) {
		part := NormalizeEmployer(text)
		if part == "" {
			return nil, nil
		}
		keys, err := s.store.EmployerKeys(ctx)
		if err != nil {
			return nil, err
		}
		var sets []string
		for _, k := range keys {
			if strings.Contains(k, part) {
				sets = append(sets, SetEmployer(k))
			}
		}
		return sets, nil
	}
	if strings.TrimSpace(q.Employer) != "" {
		sets, err := employerSets(q.Employer)
		if err != nil {
			return nil, err
		}
		groups = append(groups, append(sets, "")) // "" keeps the group even when nothing matched
	}
	if search := strings.TrimSpace(q.Search); search != "" {
		sets, err := employerSets(search)
		if err != nil {
			return nil, err
		}
		if k := s.NameKey(search); k != "" {
			sets = append(sets, SetName(k))
		}
		groups = append(groups, append(sets, ""))
	}
	return groups, nil
}

// Queue returns a page of the queue for staff.
func (s *Service) Queue(ctx context.Context, userID int64, q QueueQuery) (QueuePage, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return QueuePage{}, err
	}
	if err := Authorize(p, ActionList, nil); err != nil {
		return QueuePage{}, err
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	q.Page = max(q.Page, 1)
	page := QueuePage{Page: q.Page, PerPage: q.PerPage, ByState: map[State]int{}, Affected: map[string]int64{}}
	if err := s.queueCounts(ctx, userID, &page); err != nil {
		return QueuePage{}, err
	}
	numbers, total, err := s.queueNumbers(ctx, userID, q)
	if err != nil {
		return QueuePage{}, err
	}
	page.Total = total
	page.Pages = max(1, (total+q.PerPage-1)/q.PerPage)
	tickets, err := s.store.GetTickets(ctx, numbers)
	if err != nil {
		return QueuePage{}, err
	}
	for i := range tickets {
		if err := s.fillLinks(ctx, &tickets[i], page.Affected); err != nil {
			return QueuePage{}, err
		}
		if err := s.open(&tickets[i]); err != nil {
			return QueuePage{}, err
		}
		page.Tickets = append(page.Tickets, visibleTo(p, tickets[i]))
	}
	return page, nil
}

func (s *Service) queueCounts(ctx context.Context, userID int64, page *QueuePage) error {
	sets := []string{SetOpen, SetMediatorOpen(userID)}
	for _, st := range States() {
		sets = append(sets, SetState(st))
	}
	sizes, err := s.store.IndexSizes(ctx, sets...)
	if err != nil {
		return err
	}
	page.Open, page.Mine = sizes[0], sizes[1]
	for i, st := range States() {
		page.ByState[st] = sizes[2+i]
	}
	return nil
}

// fillLinks fills t.Linked and the workers affected by its employer.
func (s *Service) fillLinks(ctx context.Context, t *Ticket, affected map[string]int64) error {
	if t.EmployerKey == "" {
		return nil
	}
	ms, n, err := s.store.RangeIndex(ctx, SetEmployer(t.EmployerKey), IndexRange{})
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Number != t.Number {
			t.Linked = append(t.Linked, m.Number)
		}
	}
	slices.Sort(t.Linked)
	if _, ok := affected[t.EmployerKey]; !ok {
		top, _, err := s.store.RangeIndex(ctx, SetEmployerGroups(t.EmployerKey), IndexRange{Desc: true, Limit: 1})
		if err != nil {
			return err
		}
		a := int64(n)
		if len(top) == 1 {
			a = max(a, top[0].Score)
		}
		affected[t.EmployerKey] = a
	}
	return nil
}

// queueNumbers returns the numbers of the page's tickets, in order, and
// how many tickets match in all.
func (s *Service) queueNumbers(ctx context.Context, userID int64, q QueueQuery) ([]int64, int, error) {
	if n, ok := ParseTicketNumber(q.Search); ok {
		// A number finds that ticket, whatever the view.
		if _, err := s.store.GetTicket(ctx, n); errors.Is(err, ErrNotFound) {
			return nil, 0, nil
		} else if err != nil {
			return nil, 0, err
		}
		return []int64{n}, 1, nil
	}
	segs, err := q.segments(userID)
	if err != nil {
		return nil, 0, err
	}
	groups, err := s.filterGroups(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	lo, hi := q.bounds()
	offset, limit := (q.Page-1)*q.PerPage, q.PerPage
	if len(groups) == 0 {
		// Straight from the index: only the page is read.
		var out []int64
		total := 0
		for _, sg := range segs {
			ms, n, err := s.store.RangeIndex(ctx, sg.set, IndexRange{Min: lo, Max: hi, Desc: sg.desc, Offset: max(0, offset-total), Limit: limit - len(out)})
			if err != nil {
				return nil, 0, err
			}
			if offset-total < n {
				for _, m := range ms {
					out = append(out, m.Number)
				}
			}
			total += n
			if len(out) >= limit {
				// Count the rest without reading it.
				for _, rest := range segs[slices.Index(segs, sg)+1:] {
					_, n, err := s.store.RangeIndex(ctx, rest.set, IndexRange{Min: lo, Max: hi, Limit: 1})
					if err != nil {
						return nil, 0, err
					}
					total += n
				}
				break
			}
		}
		return out, total, nil
	}
	// Filtered: the members of the smallest filter group within the
	// dates, then the view's order among them.
	allowed := make([]map[int64]bool, len(groups))
	for i, g := range groups {
		allowed[i] = map[int64]bool{}
		for _, set := range g {
			if set == "" {
				continue
			}
			ms, _, err := s.store.RangeIndex(ctx, set, IndexRange{Min: lo, Max: hi})
			if err != nil {
				return nil, 0, err
			}
			for _, m := range ms {
				allowed[i][m.Number] = true
			}
		}
	}
	slices.SortFunc(allowed, func(a, b map[int64]bool) int { return len(a) - len(b) })
	var matches []int64
	for _, sg := range segs {
		cands := make([]int64, 0, len(allowed[0]))
		for n := range allowed[0] {
			cands = append(cands, n)
		}
		scores, ok, err := s.store.IndexScores(ctx, sg.set, cands)
		if err != nil {
			return nil, 0, err
		}
		type scored struct{ n, score int64 }
		var in []scored
		for i, n := range cands {
			if !ok[i] {
				continue
			}
			keep := true
			for _, a := range allowed[1:] {
				if !a[n] {
					keep = false
					break
				}
			}
			if keep {
				in = append(in, scored{n, scores[i]})
			}
		}
		slices.SortFunc(in, func(a, b scored) int {
			if a.score != b.score {
				if sg.desc {
					return cmpInt(b.score, a.score)
				}
				return cmpInt(a.score, b.score)
			}
			return cmpInt(a.n, b.n)
		})
		for _, x := range in {
			matches = append(matches, x.n)
		}
	}
	total := len(matches)
	if offset >= total {
		return nil, total, nil
	}
	return matches[offset:min(total, offset+limit)], total, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// QueueAll returns every ticket matching q (all pages), for an export.
func (s *Service) queueAll(ctx context.Context, userID int64, q QueueQuery) ([]Ticket, error) {
	q.Page, q.PerPage = 1, math.MaxInt32
	numbers, _, err := s.queueNumbers(ctx, userID, q)
	if err != nil {
		return nil, err
	}
	tickets, err := s.store.GetTickets(ctx, numbers)
	if err != nil {
		return nil, err
	}
	for i := range tickets {
		if err := s.open(&tickets[i]); err != nil {
			return nil, err
		}
	}
	return tickets, nil
}

// ExportQueue writes every ticket matching q in format f, for staff:
// without personal fields (name, phone, contact time, description,
// demands, district, employer; see Erase), unless personal is asked for,
// which only admins may. Exports are in the audit log.
func (s *Service) ExportQueue(ctx context.Context, userID int64, q QueueQuery, f Format, personal bool, w io.Writer) error {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return err
	}
	if err := Authorize(p, ActionList, nil); err != nil {
		return err
	}
	if personal {
		if err := Authorize(p, ActionExport, nil); err != nil {
			return err
		}
	}
	tickets, err := s.queueAll(ctx, userID, q)
	if err != nil {
		return err
	}
	if !personal {
		for i, t := range tickets {
			e := Erase(t, t.ErasedAt)
			e.ErasedAt = t.ErasedAt
			e.UpdatedAt = t.UpdatedAt
			tickets[i] = e
		}
	}
	if err := WriteExport(w, f, tickets); err != nil {
		return err
	}
	detail := string(f) + " " + strconv.Itoa(len(tickets)) + " tickets"
	if personal {
		detail += " with personal data"
	}
	_ = s.audit(ctx, p, ActionExport, 0, detail)
	return nil
}

// Figures are counts and amounts for one value of a dimension (a month, a
// dispute type, a place).
type Figures struct {
	Key       string // "2026-05", "overtime", "广东", "广东/深圳"
	Cases     int
	Concluded int // mediations ended (an outcome recorded)
	Settled   int
	// Rate is Settled ÷ Concluded (0 when none concluded).
	Rate    float64
	Amount  calc.Money // settled
	Claimed calc.Money // claimed by the workers
}

// Durations summarise how long something took (time to claim, to close).
type Durations struct {
	Count       int
	Median, P90 time.Duration
}

// MediatorLoad is a mediator's open caseload.
type MediatorLoad struct {
	UserID int64
	Open   int
}

// EmployerFigures is an employer in the ranking by workers affected.
type EmployerFigures struct {
	Key      string
	Name     string // as one of its tickets gives it
	Tickets  int
	Affected int64
	Open     int
}

// Dashboard is the desk's figures at a glance.
type Dashboard struct {
	At time.Time
	// All is the totals; its Rate is the settlement rate as the seeds
	// count it: settled ÷ mediations ended.
	All                     Figures
	Open, Unclaimed, Over24 int // Over24: unclaimed for more than 24 hours
	ByState                 map[State]int
	ByMonth                 []Figures // the last 12 months, oldest first
	ByType                  []Figures // in DisputeTypes order
	ByProvince              []Figures // most cases first
	ByCity                  []Figures // most cases first, at most 20
	// BySource counts by the link workers came through (SourceKey: a
	// poster's tag, "web", "telegram"), most cases first.
	BySource           []Figures
	ToClaim, ToOutcome Durations
	ToClose            Durations
	Mediators          []MediatorLoad // most open first
	Employers          []EmployerFigures
}

// Dashboard computes the dashboard for staff, from the counters and
// indexes: its cost does not grow with the number of tickets (but for the
// ranks it reads for the medians).
func (s *Service) Dashboard(ctx context.Context, userID int64, now time.Time) (Dashboard, error) {
	p, err := s.Principal(ctx, userID)
	if err != nil {
		return Dashboard{}, err
	}
	if err := Authorize(p, ActionStats, nil); err != nil {
		return Dashboard{}, err
	}
	c, err := s.store.Counters(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{At: now, ByState: map[State]int{}}
	figures := func(dim, key string) Figures {
		f := Figures{Key: key, Cases: int(c[CounterKey(dim, "n")]), Concluded: int(c[CounterKey(dim, "concluded")]),
			Settled: int(c[CounterKey(dim, "settled")]), Amount: calc.Money(c[CounterKey(dim, "amount")]),
			Claimed: calc.Money(c[CounterKey(dim, "claimed")])}
		if f.Concluded > 0 {
			f.Rate = float64(f.Settled) / float64(f.Concluded)
		}
		return f
	}
	d.All = figures("all", "all")
	for _, st := range States() {
		d.ByState[st] = int(c[CounterKey("s:"+string(st), "n")])
		if st.Open() {
			d.Open += d.ByState[st]
		}
	}
	d.Unclaimed = d.ByState[StateNew]
	first := time.Date(now.In(Reporting).Year(), now.In(Reporting).Month()-11, 1, 0, 0, 0, 0, Reporting)
	for i := range 12 {
		m := first.AddDate(0, i, 0).Format("2006-01")
		d.ByMonth = append(d.ByMonth, figures("m:"+m, m))
	}
	for _, t := range DisputeTypes() {
		d.ByType = append(d.ByType, figures("t:"+string(t), string(t)))
	}
	for k := range c {
		dim, what, _ := strings.Cut(k, "|")
		if what != "n" {
			continue
		}
		switch {
		case strings.HasPrefix(dim, "p:"):
			d.ByProvince = append(d.ByProvince, figures(dim, dim[2:]))
		case strings.HasPrefix(dim, "c:"):
			d.ByCity = append(d.ByCity, figures(dim, dim[2:]))
		case strings.HasPrefix(dim, "src:"):
			d.BySource = append(d.BySource, figures(dim, dim[4:]))
		case strings.HasPrefix(dim, "mo:"):
			if id, err := strconv.ParseInt(dim[3:], 10, 64); err == nil {
				d.Mediators = append(d.Mediators, MediatorLoad{UserID: id, Open: int(c[k])})
			}
		}
	}
	byCases := func(a, b Figures) int {
		if a.Cases != b.Cases {
			return b.Cases - a.Cases
		}
		return strings.Compare(a.Key, b.Key)
	}
	slices.SortFunc(d.ByProvince, byCases)
	slices.SortFunc(d.ByCity, byCases)
	slices.SortFunc(d.BySource, byCases)
	d.ByCity = d.ByCity[:min(len(d.ByCity), 20)]
	slices.SortFunc(d.Mediators, func(a, b MediatorLoad) int {
		if a.Open != b.Open {
			return b.Open - a.Open
		}
		return cmpInt(a.UserID, b.UserID)
	})
	_, over, err := s.store.RangeIndex(ctx, SetState(StateNew), IndexRange{Min: 1, Max: now.Add(-24 * time.Hour).UnixMilli(), Limit: 1})
	if err != nil {
		return Dashboard{}, err
	}
	d.Over24 = over
	for _, x := range []struct {
		set string
		out *Durations
	}{{SetToClaim, &d.ToClaim}, {SetConcluded, &d.ToOutcome}, {SetToClose, &d.ToClose}} {
		if *x.out, err = s.durations(ctx, x.set); err != nil {
			return Dashboard{}, err
		}
	}
	top, err := s.store.TopEmployers(ctx, 10)
	if err != nil {
		return Dashboard{}, err
	}
	for _, e := range top {
		ms, n, err := s.store.RangeIndex(ctx, SetEmployer(e.Key), IndexRange{Desc: true, Limit: 1})
		if err != nil {
			return Dashboard{}, err
		}
		ef := EmployerFigures{Key: e.Key, Affected: e.Affected, Tickets: n}
		if len(ms) == 1 {
			if ts, err := s.store.GetTickets(ctx, []int64{ms[0].Number}); err == nil && len(ts) == 1 {
				ef.Name = ts[0].Employer
			}
		}
		d.Employers = append(d.Employers, ef)
	}
	return d, nil
}

// durations reads the median and 90th percentile of a duration set by
// rank (nearest rank).
func (s *Service) durations(ctx context.Context, set string) (Durations, error) {
	sizes, err := s.store.IndexSizes(ctx, set)
	if err != nil {
		return Durations{}, err
	}
	d := Durations{Count: sizes[0]}
	if d.Count == 0 {
		return d, nil
	}
	at := func(p float64) (time.Duration, error) {
		rank := int(math.Ceil(p*float64(d.Count))) - 1
		ms, _, err := s.store.RangeIndex(ctx, set, IndexRange{Offset: max(rank, 0), Limit: 1})
		if err != nil || len(ms) == 0 {
			return 0, err
		}
		return time.Duration(ms[0].Score) * time.Second, nil
	}
	if d.Median, err = at(0.5); err != nil {
		return d, err
	}
	d.P90, err = at(0.9)
	return d, err
}

// MediatorCaseload is a mediator with the cases they hold.
type MediatorCaseload struct {
	UserID      int64
	Open, Total int
}

// MediatorCaseloads lists the mediators with their caseloads, for admins.
func (s *Service) MediatorCaseloads(ctx context.Context, adminID int64) ([]MediatorCaseload, error) {
	if err := s.requireAdmin(ctx, adminID); err != nil {
		return nil, err
	}
	ids, err := s.store.ListMediators(ctx)
	if err != nil {
		return nil, err
	}
	var sets []string
	for _, id := range ids {
		sets = append(sets, SetMediatorOpen(id), SetMediator(id))
	}
	sizes, err := s.store.IndexSizes(ctx, sets...)
	if err != nil {
		return nil, err
	}
	out := make([]MediatorCaseload, len(ids))
	for i, id := range ids {
		out[i] = MediatorCaseload{UserID: id, Open: sizes[2*i], Total: sizes[2*i+1]}
	}
	return out, nil
}

// Admin reports whether userID is a configured admin.
func (s *Service) Admin(userID int64) bool { return s.admins[userID] }

// Settle records a settlement: the amount agreed and the day the employer
// must pay by (zero: not agreed), as RecordOutcome(OutcomeSettled) does.
func (s *Service) Settle(ctx context.Context, userID, number int64, amount calc.Money, payBy time.Time, note string) (Ticket, error) {
	if amount < 0 {
		return Ticket{}, errors.New("intake: negative settlement amount")
	}
	return s.modify(ctx, userID, number, ActionOutcome, func(p Principal, t *Ticket, now time.Time) ([]Event, error) {
		// A calendar day, kept like the interview's dates (midnight UTC)
		// whatever zone the caller parsed it in.
		payBy = calendarDay(payBy)
		if !payBy.IsZero() && payBy.Before(t.CreatedAt.AddDate(0, 0, -1)) {
			return nil, ErrPayByBeforeComplaint
		}
		ev, err := move(p, t, ActionOutcome, StateSettled, note, now)
		if err != nil {
			return nil, err
		}
		t.SettledAmount, ev.Amount, t.PayBy = amount, amount, payBy
		return []Event{ev}, nil
	})
}
