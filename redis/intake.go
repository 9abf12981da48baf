package redis

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/intake"
)

// Intake (intake.Store) keys. Tickets, their trails, the employer index,
// submission keys, the mediators and the notification stream change
// together, so they all carry the {intake} hash tag: on a Cluster they
// share a slot and the Lua scripts below can touch them atomically. A
// union's complaints are a small, slow stream; one slot carries them
// easily.
//
//	<prefix>{intake}:seq              INCR counter of ticket numbers
//	<prefix>{intake}:tickets          hash number → JSON intake.Ticket
//	<prefix>{intake}:versions         hash number → version (for the scripts' check)
//	<prefix>{intake}:employer_of      hash number → employer key
//	<prefix>{intake}:employers        sorted set of "<len>:<employer key>:<number>" (score 0, read by lex range)
//	<prefix>{intake}:events:<number>  list of JSON intake.Event, oldest first
//	<prefix>{intake}:sub:<key>        number of the ticket a submission key created, expiring
//	<prefix>{intake}:mediators        set of user ids
//	<prefix>{intake}:queue            stream of notifications (queue.go)
//	<prefix>{user:<id>}:consent       time of consent (RFC 3339)
//
// The scripts build the events key of a ticket whose number they have just
// taken from the counter: a key not passed in KEYS, which Redis allows for
// keys in the slot of the declared ones, and the hash tag guarantees that.

func (s *Store) intakeKey(what string) string { return s.prefix + "{intake}:" + what }

func (s *Store) ticketEventsKey(number int64) string {
	return s.intakeKey("events:" + strconv.FormatInt(number, 10))
}

// employerMember is a ticket's member in the employer index. The length
// prefix keeps one key's members apart from a longer key's.
func employerMember(key string, number int64) string {
	return employerMemberPrefix(key) + strconv.FormatInt(number, 10)
}

func employerMemberPrefix(key string) string {
	return strconv.Itoa(len(key)) + ":" + key + ":"
}

// createTicketScript creates a ticket unless the submission key exists.
// KEYS: sub, seq, tickets, versions, employer_of, employers, queue.
// ARGV: key TTL in ms, ticket JSON after `{"number":0`, employer key,
// employer member prefix, events key prefix, event JSON after
// `{"ticket":0`, notification JSON after `{"ticket":0`, the intake key
// prefix and the index delta (intake_index.go).
// Returns {number, created (1/0)}.
const createTicketScript = applyIndexLua + `
local existing = redis.call('GET', KEYS[1])
if existing then return {tonumber(existing), 0} end
local n = redis.call('INCR', KEYS[2])
local ns = tostring(n)
redis.call('HSET', KEYS[3], ns, '{"number":' .. ns .. ARGV[2])
redis.call('HSET', KEYS[4], ns, '1')
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[5], ns, ARGV[3])
  redis.call('ZADD', KEYS[6], 0, ARGV[4] .. ns)
end
redis.call('RPUSH', ARGV[5] .. ns, '{"ticket":' .. ns .. ARGV[6])
redis.call('XADD', KEYS[7], '*', 'n', '{"ticket":' .. ns .. ARGV[7])
redis.call('SET', KEYS[1], ns, 'PX', ARGV[1])
apply_index(ARGV[8], ns, ARGV[9])
return {n, 1}
`

// updateTicketScript replaces a ticket if its version matches.
// KEYS: tickets, versions, employer_of, employers, events, queue.
// ARGV: number, expected version, ticket JSON, employer key, employer
// member, replace events ("1"/"0"), event count E, the intake key prefix,
// the index delta, E event JSONs, then notification JSONs.
// Returns 1 (done), 0 (version mismatch), -1 (no such ticket).
const updateTicketScript = applyIndexLua + `
local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return -1 end
if v ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], tostring(tonumber(v) + 1))
local old = redis.call('HGET', KEYS[3], ARGV[1])
if not old then old = '' end
if old ~= ARGV[4] then
  if old ~= '' then
    redis.call('ZREM', KEYS[4], string.len(old) .. ':' .. old .. ':' .. ARGV[1])
  end
  if ARGV[4] ~= '' then
    redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
    redis.call('ZADD', KEYS[4], 0, ARGV[5])
  else
    redis.call('HDEL', KEYS[3], ARGV[1])
  end
end
if ARGV[6] == '1' then redis.call('DEL', KEYS[5]) end
local e = tonumber(ARGV[7])
for i = 10, 9 + e do redis.call('RPUSH', KEYS[5], ARGV[i]) end
for i = 10 + e, #ARGV do redis.call('XADD', KEYS[6], '*', 'n', ARGV[i]) end
apply_index(ARGV[8], ARGV[1], ARGV[9])
return 1
`

var _ intake.Store = (*Store)(nil)

// jsonAfterFirstField marshals v, whose first field must be the number
// field name with value 0, and returns the JSON after `{"name":0`, for a
// script to put the number it assigns in front.
func jsonAfterFirstField(v any, name string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	head := []byte(`{"` + name + `":0`)
	if !bytes.HasPrefix(b, head) {
		return "", fmt.Errorf("JSON of %T does not start with %s", v, head)
	}
	return string(b[len(head):]), nil
}

// CreateTicket implements intake.Store.
func (s *Store) CreateTicket(ctx context.Context, key string, keyTTL time.Duration, t intake.Ticket, first intake.Event, n intake.Notification) (int64, bool, error) {
	if key == "" {
		return 0, false, errors.New("redis: create ticket: empty submission key")
	}
	t.Number, t.Version, first.Ticket, n.Ticket = 0, 1, 0, 0
	ticketRest, err := jsonAfterFirstField(t, "number")
	if err != nil {
		return 0, false, fmt.Errorf("redis: create ticket: %w", err)
	}
	eventRest, err := jsonAfterFirstField(first, "ticket")
	if err != nil {
		return 0, false, fmt.Errorf("redis: create ticket: %w", err)
	}
	notifRest, err := jsonAfterFirstField(n, "ticket")
	if err != nil {
		return 0, false, fmt.Errorf("redis: create ticket: %w", err)
	}
	delta, err := indexDeltaJSON(nil, t)
	if err != nil {
		return 0, false, fmt.Errorf("redis: create ticket: %w", err)
	}
	ttl := max(keyTTL.Milliseconds(), 1)
	res, err := s.client.Eval(ctx, createTicketScript,
		[]string{s.intakeKey("sub:" + key), s.intakeKey("seq"), s.intakeKey("tickets"), s.intakeKey("versions"),
			s.intakeKey("employer_of"), s.intakeKey("employers"), s.intakeKey("queue")},
		ttl, ticketRest, t.EmployerKey, employerMemberPrefix(t.EmployerKey), s.intakeKey("events:"), eventRest, notifRest,
		s.intakeKey(""), delta,
	).Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("redis: create ticket: %w", err)
	}
	if len(res) != 2 {
		return 0, false, fmt.Errorf("redis: create ticket: unexpected reply %v", res)
	}
	return res[0], res[1] == 1, nil
}

// GetTicket implements intake.Store.
func (s *Store) GetTicket(ctx context.Context, number int64) (intake.Ticket, error) {
	v, err := s.client.HGet(ctx, s.intakeKey("tickets"), strconv.FormatInt(number, 10)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return intake.Ticket{}, intake.ErrNotFound
	}
	if err != nil {
		return intake.Ticket{}, fmt.Errorf("redis: get ticket %d: %w", number, err)
	}
	var t intake.Ticket
	if err := json.Unmarshal(v, &t); err != nil {
		return intake.Ticket{}, fmt.Errorf("redis: decode ticket %d: %w", number, err)
	}
	return t, nil
}

// ListTickets implements intake.Store.
func (s *Store) ListTickets(ctx context.Context) ([]intake.Ticket, error) {
	all, err := s.client.HGetAll(ctx, s.intakeKey("tickets")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list tickets: %w", err)
	}
	out := make([]intake.Ticket, 0, len(all))
	for k, v := range all {
		var t intake.Ticket
		if err := json.Unmarshal([]byte(v), &t); err != nil {
			return nil, fmt.Errorf("redis: decode ticket %s: %w", k, err)
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b intake.Ticket) int { return cmp.Compare(a.Number, b.Number) })
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// UpdateTicket implements intake.Store.
func (s *Store) UpdateTicket(ctx context.Context, u intake.TicketUpdate) error {
	number := u.Ticket.Number
	// The index delta is computed from the stored ticket: the script
	// applies it only if the version is still the one read here, and a
	// version names one content.
	old, err := s.GetTicket(ctx, number)
	if err != nil {
		return err
	}
	if old.Version != u.Ticket.Version {
		return intake.ErrConflict
	}
	t := u.Ticket
	t.Version++
	delta, err := indexDeltaJSON(&old, t)
	if err != nil {
		return fmt.Errorf("redis: update ticket %d: %w", number, err)
	}
	tj, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("redis: encode ticket %d: %w", number, err)
	}
	member := ""
	if t.EmployerKey != "" {
		member = employerMember(t.EmployerKey, number)
	}
	replace := "0"
	if u.ReplaceEvents {
		replace = "1"
	}
	args := []any{number, u.Ticket.Version, tj, t.EmployerKey, member, replace, len(u.Events), s.intakeKey(""), delta}
	for _, e := range u.Events {
		e.Ticket = number
		v, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("redis: encode event: %w", err)
		}
		args = append(args, v)
	}
	for _, n := range u.Notify {
		n.Ticket = number
		v, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("redis: encode notification: %w", err)
		}
		args = append(args, v)
	}
	res, err := s.client.Eval(ctx, updateTicketScript,
		[]string{s.intakeKey("tickets"), s.intakeKey("versions"), s.intakeKey("employer_of"),
			s.intakeKey("employers"), s.ticketEventsKey(number), s.intakeKey("queue")},
		args...).Int64()
	if err != nil {
		return fmt.Errorf("redis: update ticket %d: %w", number, err)
	}
	switch res {
	case 1:
		return nil
	case 0:
		return intake.ErrConflict
	case -1:
		return intake.ErrNotFound
	}
	return fmt.Errorf("redis: update ticket %d: unexpected reply %d", number, res)
}

// ListEvents implements intake.Store.
func (s *Store) ListEvents(ctx context.Context, number int64) ([]intake.Event, error) {
	vs, err := s.client.LRange(ctx, s.ticketEventsKey(number), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list events of ticket %d: %w", number, err)
	}
	if len(vs) == 0 {
		return nil, nil
	}
	out := make([]intake.Event, len(vs))
	for i, v := range vs {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, fmt.Errorf("redis: decode event %d of ticket %d: %w", i, number, err)
		}
	}
	return out, nil
}

// TicketsByEmployer implements intake.Store.
func (s *Store) TicketsByEmployer(ctx context.Context, key string) ([]int64, error) {
	if key == "" {
		return nil, ctx.Err()
	}
	prefix := employerMemberPrefix(key)
	// Members are the prefix and decimal digits, all below \xff.
	members, err := s.client.ZRangeByLex(ctx, s.intakeKey("employers"), &goredis.ZRangeBy{Min: "[" + prefix, Max: "(" + prefix + "\xff"}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: tickets by employer: %w", err)
	}
	var out []int64
	for _, m := range members {
		if n, err := strconv.ParseInt(strings.TrimPrefix(m, prefix), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// RecordConsent implements intake.Store.
func (s *Store) RecordConsent(ctx context.Context, userID int64, at time.Time) error {
	if err := s.client.Set(ctx, s.userKey(userID, "consent"), at.Format(time.RFC3339Nano), 0).Err(); err != nil {
		return fmt.Errorf("redis: record consent of user %d: %w", userID, err)
	}
	return nil
}

// GetConsent implements intake.Store.
func (s *Store) GetConsent(ctx context.Context, userID int64) (time.Time, bool, error) {
	v, err := s.client.Get(ctx, s.userKey(userID, "consent")).Result()
	if errors.Is(err, goredis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("redis: get consent of user %d: %w", userID, err)
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("redis: decode consent of user %d: %w", userID, err)
	}
	return at, true, nil
}

// DeleteConsent implements intake.Store.
func (s *Store) DeleteConsent(ctx context.Context, userID int64) error {
	if err := s.client.Del(ctx, s.userKey(userID, "consent")).Err(); err != nil {
		return fmt.Errorf("redis: delete consent of user %d: %w", userID, err)
	}
	return nil
}

// AddMediator implements intake.Store.
func (s *Store) AddMediator(ctx context.Context, userID int64) error {
	if err := s.client.SAdd(ctx, s.intakeKey("mediators"), userID).Err(); err != nil {
		return fmt.Errorf("redis: add mediator %d: %w", userID, err)
	}
	return nil
}

// RemoveMediator implements intake.Store.
func (s *Store) RemoveMediator(ctx context.Context, userID int64) error {
	if err := s.client.SRem(ctx, s.intakeKey("mediators"), userID).Err(); err != nil {
		return fmt.Errorf("redis: remove mediator %d: %w", userID, err)
	}
	return nil
}

// IsMediator implements intake.Store.
func (s *Store) IsMediator(ctx context.Context, userID int64) (bool, error) {
	ok, err := s.client.SIsMember(ctx, s.intakeKey("mediators"), userID).Result()
	if err != nil {
		return false, fmt.Errorf("redis: is mediator %d: %w", userID, err)
	}
	return ok, nil
}

// ListMediators implements intake.Store.
func (s *Store) ListMediators(ctx context.Context) ([]int64, error) {
	vs, err := s.client.SMembers(ctx, s.intakeKey("mediators")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list mediators: %w", err)
	}
	var out []int64
	for _, v := range vs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis: list mediators: bad member %q", v)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// PurgeErased implements intake.Store. Redis frees a deleted value's
// memory, so there is nothing to overwrite. (A server with AOF persistence
// keeps the old commands in its log until the log is rewritten; that is
// the server operator's schedule, not this program's.)
func (s *Store) PurgeErased(ctx context.Context) error { return ctx.Err() }
