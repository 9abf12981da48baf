package intake

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Indexes let the console list and count tickets without reading every
// ticket: the stores keep, beside each ticket, its memberships of ordered
// sets (by state, mediator, employer, dispute type, place, ...) and its
// contributions to counters (cases and amounts by month, type, place),
// and a ranking of employers by workers affected.
// What a ticket contributes is computed here, from the ticket alone
// (TicketIndex), so both stores index alike: on every write a store
// removes what the old version of the ticket contributed and adds what
// the new one does, in the same atomic step as the write.
//
// List sets are scored by the ticket's filing time (Unix milliseconds), so
// any of them can be ranged by date; the duration sets by seconds.

// IndexVersion names the current layout of the indexes. A store whose
// indexes were built under another version (or none: tickets filed before
// indexes existed) rebuilds them (Store.RebuildIndex) when the Service
// starts (EnsureIndex).
const IndexVersion = "1"

// Index set names. A set's members are ticket numbers.
const (
	SetAll       = "all"  // every ticket
	SetOpen      = "open" // not closed or withdrawn
	SetActive    = "active"
	SetToClaim   = "to_claim"   // claimed tickets, scored by seconds from filing to claim
	SetToClose   = "to_close"   // closed tickets, scored by seconds from filing to closing
	SetConcluded = "to_outcome" // tickets with an outcome, scored by seconds from filing to it
)

// SetState is the set of tickets in state s.
// SourceKey is how the dashboard names a ticket's source: its tag, or
// "telegram" for a ticket filed in Telegram (no tag).
func SourceKey(source string) string {
	if source == "" {
		return "telegram"
	}
	return source
}

func SetState(s State) string { return "state:" + string(s) }

// SetMediator is the set of tickets claimed by a mediator; SetMediatorOpen
// those of them still open.
func SetMediator(id int64) string     { return "med:" + strconv.FormatInt(id, 10) }
func SetMediatorOpen(id int64) string { return "medopen:" + strconv.FormatInt(id, 10) }

// SetEmployer is the set of tickets against an employer (by EmployerKey).
func SetEmployer(key string) string { return "emp:" + key }

// SetType, SetProvince and SetCity are the sets of tickets of a dispute
// type and of a place.
func SetType(d DisputeType) string      { return "type:" + string(d) }
func SetProvince(p string) string       { return "prov:" + p }
func SetCity(province, c string) string { return "city:" + province + "/" + c }

// SetWorker is the set of a worker's tickets.
func SetWorker(id int64) string { return "worker:" + strconv.FormatInt(id, 10) }

// SetName is the set of tickets whose worker's name has blind index key.
func SetName(key string) string { return "name:" + key }

// IndexEntry is a ticket's membership of an ordered set.
type IndexEntry struct {
	Set   string
	Score int64
}

// TicketIndex is what a ticket contributes to the indexes: its set
// memberships and its counter increments, the employer it counts for in
// the ranking of employers (by workers affected), and the size of the
// group of workers it reports (itself and its co-workers).
type TicketIndex struct {
	Entries  []IndexEntry
	Counters map[string]int64
	Employer string
	Group    int64
}

// Reporting is the time zone the figures by month use: the unions' own.
var Reporting = time.FixedZone("CST", 8*3600)

// CounterKey is a dashboard counter: what (n, concluded, settled,
// amount) for a dimension value (all, m:2026-05, t:overtime, p:广东,
// c:广东/深圳, s:new, mo:<mediator>).
func CounterKey(dim, what string) string { return dim + "|" + what }

// IndexOf computes what t contributes to the indexes.
func IndexOf(t Ticket) TicketIndex {
	ix := TicketIndex{Counters: map[string]int64{}}
	at := t.CreatedAt.UnixMilli()
	add := func(set string, score int64) { ix.Entries = append(ix.Entries, IndexEntry{set, score}) }
	add(SetAll, at)
	add(SetState(t.State), at)
	if t.State.Open() {
		add(SetOpen, at)
		if t.State != StateNew {
			add(SetActive, at)
		}
	}
	if t.Mediator != 0 {
		add(SetMediator(t.Mediator), at)
		if t.State.Open() {
			add(SetMediatorOpen(t.Mediator), at)
			ix.Counters[CounterKey("mo:"+strconv.FormatInt(t.Mediator, 10), "n")] = 1
		}
	}
	if t.EmployerKey != "" {
		add(SetEmployer(t.EmployerKey), at)
		ix.Employer = t.EmployerKey
		ix.Group = int64(max(t.Coworkers, 0)) + 1
		add(SetEmployerGroups(t.EmployerKey), ix.Group)
	}
	if t.WorkerID != 0 {
		add(SetWorker(t.WorkerID), at)
	}
	if t.NameKey != "" {
		add(SetName(t.NameKey), at)
	}
	dims := []string{"all", "m:" + t.CreatedAt.In(Reporting).Format("2006-01"), "s:" + string(t.State)}
	seen := map[DisputeType]bool{}
	for _, d := range t.Types {
		if seen[d] {
			continue
		}
		seen[d] = true
		add(SetType(d), at)
		dims = append(dims, "t:"+string(d))
	}
	if t.Province != "" {
		add(SetProvince(t.Province), at)
		dims = append(dims, "p:"+t.Province)
		if t.City != "" {
			add(SetCity(t.Province, t.City), at)
			dims = append(dims, "c:"+t.Province+"/"+t.City)
		}
	}
	// The link the worker came through (a poster, the web chat, Telegram).
	dims = append(dims, "src:"+SourceKey(t.Source))
	if !t.ClaimedAt.IsZero() {
		add(SetToClaim, int64(t.ClaimedAt.Sub(t.CreatedAt)/time.Second))
	}
	if !t.ConcludedAt.IsZero() {
		add(SetConcluded, int64(t.ConcludedAt.Sub(t.CreatedAt)/time.Second))
	}
	if !t.ClosedAt.IsZero() && t.State == StateClosed {
		add(SetToClose, int64(t.ClosedAt.Sub(t.CreatedAt)/time.Second))
	}
	for _, dim := range dims {
		ix.Counters[CounterKey(dim, "n")]++
		if t.Outcome != "" {
			ix.Counters[CounterKey(dim, "concluded")]++
		}
		if t.Outcome == OutcomeSettled {
			ix.Counters[CounterKey(dim, "settled")]++
			ix.Counters[CounterKey(dim, "amount")] += int64(t.SettledAmount)
		}
		ix.Counters[CounterKey(dim, "claimed")] += int64(t.Claimed)
	}
	return ix
}

// IndexDelta is what a store applies when a ticket changes from old to
// new: memberships to remove (set names) and to add (or move to a new
// score), counter increments (non-zero only), and the employers whose
// ranking must be recomputed.
type IndexDelta struct {
	Remove    []string
	Add       []IndexEntry
	Counters  map[string]int64
	Employers []string
}

// DiffIndex returns the delta from old to new (old nil: a new ticket).
func DiffIndex(old *Ticket, new Ticket) IndexDelta {
	n := IndexOf(new)
	var o TicketIndex
	if old != nil {
		o = IndexOf(*old)
	}
	d := IndexDelta{Counters: map[string]int64{}}
	newScore := map[string]int64{}
	for _, e := range n.Entries {
		newScore[e.Set] = e.Score
	}
	oldScore := map[string]int64{}
	for _, e := range o.Entries {
		oldScore[e.Set] = e.Score
		if _, ok := newScore[e.Set]; !ok {
			d.Remove = append(d.Remove, e.Set)
		}
	}
	for _, e := range n.Entries {
		if s, ok := oldScore[e.Set]; !ok || s != e.Score {
			d.Add = append(d.Add, e)
		}
	}
	for k, v := range n.Counters {
		d.Counters[k] += v
	}
	for k, v := range o.Counters {
		d.Counters[k] -= v
	}
	for k, v := range d.Counters {
		if v == 0 {
			delete(d.Counters, k)
		}
	}
	if o.Employer != n.Employer || o.Group != n.Group {
		for _, k := range []string{o.Employer, n.Employer} {
			if k != "" && (len(d.Employers) == 0 || d.Employers[0] != k) {
				d.Employers = append(d.Employers, k)
			}
		}
	}
	return d
}

// SetEmployerGroups is the per-employer set of group sizes (a member per
// ticket, scored by the workers it reports affected: itself and its
// co-workers). An employer's workers affected is the larger of its
// ticket count and its largest group: three workers of one site who each
// report ten affected are ten workers, not thirty.
func SetEmployerGroups(key string) string { return "empgroup:" + key }

// IndexRange selects members of a set for Store.RangeIndex.
type IndexRange struct {
	// Min and Max bound the scores (inclusive); both 0: no bound.
	Min, Max int64
	// Desc orders by score descending (newest first for list sets).
	Desc bool
	// Offset skips members; Limit bounds how many (<= 0: all).
	Offset, Limit int
}

// IndexMember is a member of a set with its score.
type IndexMember struct {
	Number int64
	Score  int64
}

// EmployerRank is an employer in the ranking by workers affected.
type EmployerRank struct {
	Key      string
	Affected int64
}

// Indexes is the store side of the indexes (part of Store). Stores keep
// them in the same atomic step as CreateTicket and UpdateTicket (see
// DiffIndex).
type Indexes interface {
	// RangeIndex returns members of set within r, ordered by score (ties
	// in an order of the store's choosing), and how many members lie
	// within r's score bounds.
	RangeIndex(ctx context.Context, set string, r IndexRange) (members []IndexMember, total int, err error)
	// IndexScores returns, for each number, its score in set and whether
	// it is a member.
	IndexScores(ctx context.Context, set string, numbers []int64) (scores []int64, ok []bool, err error)
	// IndexSizes returns the number of members of each set.
	IndexSizes(ctx context.Context, sets ...string) ([]int, error)
	// Counters returns every dashboard counter that is not zero.
	Counters(ctx context.Context) (map[string]int64, error)
	// TopEmployers returns up to n employers with the most workers
	// affected, most first (ties by key, descending).
	TopEmployers(ctx context.Context, n int) ([]EmployerRank, error)
	// EmployerKeys returns every employer key that has tickets, for
	// searching by part of an employer's name.
	EmployerKeys(ctx context.Context) ([]string, error)
	// GetTickets returns the tickets with these numbers, in that order,
	// skipping numbers with no ticket.
	GetTickets(ctx context.Context, numbers []int64) ([]Ticket, error)
	// IndexVersion returns the version the indexes were built under (""
	// if never); RebuildIndex drops them and indexes every ticket again
	// under version.
	IndexVersion(ctx context.Context) (string, error)
	RebuildIndex(ctx context.Context, version string) error
}

// EnsureIndex rebuilds the store's indexes if they were built under
// another IndexVersion (or never): call it once at start.
func (s *Service) EnsureIndex(ctx context.Context) error {
	v, err := s.store.IndexVersion(ctx)
	if err != nil {
		return err
	}
	if v == IndexVersion {
		return nil
	}
	start := time.Now()
	if err := s.store.RebuildIndex(ctx, IndexVersion); err != nil {
		return err
	}
	s.log.Info("ticket indexes rebuilt", "from", v, "to", IndexVersion, "took", time.Since(start).String())
	return nil
}

// NameKey returns the blind index of a worker's name: a keyed hash (HMAC with
// a key derived from DATA_KEY, when set) of the name with spaces removed
// and letters lower-cased, so staff can find a ticket by the worker's full
// name while the index holds no name.
func (s *Service) NameKey(name string) string {
	n := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '·' || r == '•' {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
	if n == "" {
		return ""
	}
	key := []byte("laborbot name index")
	if b, ok := s.sealer.(interface{ BlindKey() []byte }); ok {
		key = b.BlindKey()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil)[:12])
}
