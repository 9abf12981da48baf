package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/knowledge"
)

// The administered knowledge base (knowledge.Store). All its keys share the
// hash tag {kb}: a publish changes the entry's versions, its state, the
// audit trail and the change counter together, in one Lua script, which on
// a Redis Cluster needs them in one slot.
//
//	<prefix>{kb}:version        the change counter (INCR)
//	<prefix>{kb}:entries        hash: entry id → JSON knowledge.EntryState
//	<prefix>{kb}:versions:<id>  list: JSON knowledge.EntryVersion, version n at index n-1
//	<prefix>{kb}:draftseq       the last draft id (INCR)
//	<prefix>{kb}:drafts         hash: draft id → JSON knowledge.Draft
//	<prefix>{kb}:statutes       hash: short name → JSON knowledge.StatuteFile
//	<prefix>{kb}:gaps:rank      sorted set: gap key → minus its count (so equal counts sort by key, ascending)
//	<prefix>{kb}:gaps:last      hash: gap key → last seen, Unix nanoseconds
//	<prefix>{kb}:gaps:reasons   hash: gap key + "\n" + reason → count
//	<prefix>{kb}:audit          list: JSON knowledge.AuditRecord, oldest first
//
// Every change to what the engine serves increments {kb}:version and
// publishes it on the channel <prefix>{kb}:changed, in the same script.
// WatchKB listens on the channel for speed and also reads the counter every
// kbPollInterval, because pub/sub drops messages while a subscriber is
// reconnecting.

// kbPollInterval bounds how late a replica notices a change whose pub/sub
// message it missed.
const kbPollInterval = time.Second

var _ knowledge.Store = (*Store)(nil)

func (s *Store) kbKey(what string) string { return s.prefix + "{kb}:" + what }

func (s *Store) kbChannel() string { return s.kbKey("changed") }

// The scripts below are immutable after start-up (a Script is its source
// and hash). Each takes every key it touches in KEYS, all in {kb}.

// putEntryVersionScript numbers and appends a version, makes it current and
// enabled, appends the audit record with the version, and bumps the counter.
// KEYS: versions, entries, audit, version. ARGV: id, version JSON, state
// JSON, audit JSON, channel.
var putEntryVersionScript = goredis.NewScript(`
local n = redis.call('LLEN', KEYS[1]) + 1
local v = cjson.decode(ARGV[2]); v.version = n
redis.call('RPUSH', KEYS[1], cjson.encode(v))
local st = cjson.decode(ARGV[3]); st.version = n
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(st))
local a = cjson.decode(ARGV[4]); a.version = n
redis.call('RPUSH', KEYS[3], cjson.encode(a))
redis.call('PUBLISH', ARGV[5], redis.call('INCR', KEYS[4]))
return n
`)

// setDisabledScript flips an entry's disabled mark if it differs.
// KEYS: entries, audit, version. ARGV: id, "1"/"0", audit JSON, actor,
// time (RFC 3339), channel. Returns 1 when it changed something.
var setDisabledScript = goredis.NewScript(`
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local st
if raw then st = cjson.decode(raw) else st = {id = ARGV[1], version = 0, source = '', disabled = false} end
local want = ARGV[2] == '1'
if st.disabled == want then return 0 end
st.disabled = want; st.actor = ARGV[4]; st.at = ARGV[5]
if st.version == 0 and not want then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(st))
end
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[6], redis.call('INCR', KEYS[3]))
return 1
`)

// hdelAuditScript deletes a hash field if it exists, appends the audit
// record and, when ARGV[3] is "1", bumps the counter.
// KEYS: hash, audit, version. ARGV: field, audit JSON, bump, channel.
// Returns 1 when the field existed.
var hdelAuditScript = goredis.NewScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
if ARGV[3] == '1' then redis.call('PUBLISH', ARGV[4], redis.call('INCR', KEYS[3])) end
return 1
`)

// hsetExistingAuditScript replaces an existing hash field and appends the
// audit record. KEYS: hash, audit. ARGV: field, value, audit JSON.
// Returns 0 when the field did not exist.
var hsetExistingAuditScript = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
return 1
`)

// recordGapScript counts one occurrence of a gap and keeps the number of
// gaps capped. KEYS: rank, last, reasons. ARGV: gap key, time (Unix ns),
// reason, max gaps, then every reason (to clear an evicted gap's counts).
var recordGapScript = goredis.NewScript(`
local isNew = not redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZINCRBY', KEYS[1], -1, ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[1] .. '\n' .. ARGV[3], 1)
local last = redis.call('HGET', KEYS[2], ARGV[1])
if (not last) or tonumber(last) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
local max = tonumber(ARGV[4])
if isNew and max > 0 and redis.call('ZCARD', KEYS[1]) > max then
  -- Counts are negated: the least frequent gaps have the highest scores.
  local cand = redis.call('ZRANGE', KEYS[1], -2, -1)
  local victim = cand[#cand]
  if victim == ARGV[1] then victim = cand[1] end
  redis.call('ZREM', KEYS[1], victim)
  redis.call('HDEL', KEYS[2], victim)
  for i = 5, #ARGV do redis.call('HDEL', KEYS[3], victim .. '\n' .. ARGV[i]) end
end
return 1
`)

// listGapsScript returns, for the first ARGV[1] gaps, flat groups of: key,
// score, last seen, then the count of each reason in ARGV[2..].
// KEYS: rank, last, reasons.
var listGapsScript = goredis.NewScript(`
local out = {}
local ranked = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
for i = 1, #ranked, 2 do
  local m = ranked[i]
  table.insert(out, m)
  table.insert(out, ranked[i + 1])
  table.insert(out, redis.call('HGET', KEYS[2], m) or '0')
  for j = 2, #ARGV do table.insert(out, redis.call('HGET', KEYS[3], m .. '\n' .. ARGV[j]) or '0') end
end
return out
`)

// deleteGapsScript removes gaps and, when any existed, appends the audit
// record. KEYS: rank, last, reasons, audit. ARGV: audit JSON, number of
// reasons r, r reasons, then the gap keys. Returns how many existed.
var deleteGapsScript = goredis.NewScript(`
local nr = tonumber(ARGV[2])
local deleted = 0
for i = 3 + nr, #ARGV do
  local m = ARGV[i]
  if redis.call('ZREM', KEYS[1], m) == 1 then
    deleted = deleted + 1
    redis.call('HDEL', KEYS[2], m)
    for j = 3, 2 + nr do redis.call('HDEL', KEYS[3], m .. '\n' .. ARGV[j]) end
  end
end
if deleted > 0 then redis.call('RPUSH', KEYS[4], ARGV[1]) end
return deleted
`)

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// LoadKB implements knowledge.Store: one MULTI, so the entries, statutes
// and counter are of one moment.
func (s *Store) LoadKB(ctx context.Context) (knowledge.KBSnapshot, error) {
	var ver *goredis.StringCmd
	var entries, statutes *goredis.MapStringStringCmd
	_, err := s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		ver = p.Get(ctx, s.kbKey("version"))
		entries = p.HGetAll(ctx, s.kbKey("entries"))
		statutes = p.HGetAll(ctx, s.kbKey("statutes"))
		return nil
	})
	// A missing counter fails the GET with redis.Nil, which is "version 0";
	// any other failure is an error.
	if err != nil && !errors.Is(err, goredis.Nil) {
		return knowledge.KBSnapshot{}, fmt.Errorf("redis: load knowledge base: %w", err)
	}
	for _, cmd := range []goredis.Cmder{entries, statutes} {
		if err := cmd.Err(); err != nil {
			return knowledge.KBSnapshot{}, fmt.Errorf("redis: load knowledge base: %w", err)
		}
	}
	var snap knowledge.KBSnapshot
	if snap.Version, err = parseVersion(ver); err != nil {
		return knowledge.KBSnapshot{}, err
	}
	for id, v := range entries.Val() {
		var st knowledge.EntryState
		if err := json.Unmarshal([]byte(v), &st); err != nil {
			return knowledge.KBSnapshot{}, fmt.Errorf("redis: decode entry %s: %w", id, err)
		}
		snap.Entries = append(snap.Entries, st)
	}
	for short, v := range statutes.Val() {
		var sf knowledge.StatuteFile
		if err := json.Unmarshal([]byte(v), &sf); err != nil {
			return knowledge.KBSnapshot{}, fmt.Errorf("redis: decode statute %s: %w", short, err)
		}
		snap.Statutes = append(snap.Statutes, sf)
	}
	sort.Slice(snap.Entries, func(i, j int) bool { return snap.Entries[i].ID < snap.Entries[j].ID })
	sort.Slice(snap.Statutes, func(i, j int) bool { return snap.Statutes[i].Short < snap.Statutes[j].Short })
	return snap, nil
}

func parseVersion(cmd *goredis.StringCmd) (uint64, error) {
	v, err := cmd.Uint64()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis: knowledge base version: %w", err)
	}
	return v, nil
}

// KBVersion implements knowledge.Store.
func (s *Store) KBVersion(ctx context.Context) (uint64, error) {
	return parseVersion(s.client.Get(ctx, s.kbKey("version")))
}

// WatchKB implements knowledge.Store. It subscribes and reads the counter
// before returning, so a change made after it returns is either announced
// on the channel or seen by the next poll.
func (s *Store) WatchKB(ctx context.Context) (<-chan struct{}, error) {
	sub := s.client.Subscribe(ctx, s.kbChannel())
	// Wait for the subscription to be confirmed: Subscribe alone is lazy.
	if _, err := sub.Receive(ctx); err != nil {
		sub.Close()
		return nil, fmt.Errorf("redis: subscribe to knowledge base changes: %w", err)
	}
	last, err := s.KBVersion(ctx)
	if err != nil {
		sub.Close()
		return nil, err
	}
	msgs := sub.Channel()
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		defer sub.Close()
		tick := time.NewTicker(kbPollInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-msgs:
				if !ok {
					msgs = nil // closed by sub.Close elsewhere: keep polling
				}
			case <-tick.C:
			}
			v, err := s.KBVersion(ctx)
			if err != nil || v == last {
				continue
			}
			last = v
			select {
			case out <- struct{}{}:
			default: // a signal is already waiting: they coalesce
			}
		}
	}()
	return out, nil
}

// PutEntryVersion implements knowledge.Store.
func (s *Store) PutEntryVersion(ctx context.Context, v knowledge.EntryVersion, audit knowledge.AuditRecord) (int, error) {
	if v.ID == "" {
		return 0, errors.New("redis: put entry version: empty id")
	}
	v.Version = 0
	verJSON, err := jsonString(v)
	if err != nil {
		return 0, fmt.Errorf("redis: encode entry version: %w", err)
	}
	stJSON, err := jsonString(knowledge.EntryState{ID: v.ID, Source: v.Source, Actor: v.Actor, At: v.At})
	if err != nil {
		return 0, fmt.Errorf("redis: encode entry state: %w", err)
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return 0, fmt.Errorf("redis: encode audit record: %w", err)
	}
	n, err := putEntryVersionScript.Run(ctx, s.client,
		[]string{s.kbKey("versions:" + v.ID), s.kbKey("entries"), s.kbKey("audit"), s.kbKey("version")},
		v.ID, verJSON, stJSON, auditJSON, s.kbChannel()).Int()
	if err != nil {
		return 0, fmt.Errorf("redis: put entry %s: %w", v.ID, err)
	}
	return n, nil
}

// EntryVersion implements knowledge.Store.
func (s *Store) EntryVersion(ctx context.Context, id string, version int) (knowledge.EntryVersion, error) {
	if version <= 0 {
		return knowledge.EntryVersion{}, fmt.Errorf("redis: entry %s version %d: %w", id, version, knowledge.ErrNotFound)
	}
	raw, err := s.client.LIndex(ctx, s.kbKey("versions:"+id), int64(version-1)).Result()
	if errors.Is(err, goredis.Nil) {
		return knowledge.EntryVersion{}, fmt.Errorf("redis: entry %s version %d: %w", id, version, knowledge.ErrNotFound)
	}
	if err != nil {
		return knowledge.EntryVersion{}, fmt.Errorf("redis: entry %s version %d: %w", id, version, err)
	}
	var v knowledge.EntryVersion
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return knowledge.EntryVersion{}, fmt.Errorf("redis: decode entry %s version %d: %w", id, version, err)
	}
	return v, nil
}

// EntryHistory implements knowledge.Store.
func (s *Store) EntryHistory(ctx context.Context, id string) ([]knowledge.EntryVersion, error) {
	raws, err := s.client.LRange(ctx, s.kbKey("versions:"+id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: history of entry %s: %w", id, err)
	}
	var out []knowledge.EntryVersion
	for i, raw := range raws {
		var v knowledge.EntryVersion
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("redis: decode entry %s version %d: %w", id, i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// SetEntryDisabled implements knowledge.Store.
func (s *Store) SetEntryDisabled(ctx context.Context, id string, disabled bool, audit knowledge.AuditRecord) (bool, error) {
	if id == "" {
		return false, errors.New("redis: set entry disabled: empty id")
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return false, fmt.Errorf("redis: encode audit record: %w", err)
	}
	flag := "0"
	if disabled {
		flag = "1"
	}
	n, err := setDisabledScript.Run(ctx, s.client,
		[]string{s.kbKey("entries"), s.kbKey("audit"), s.kbKey("version")},
		id, flag, auditJSON, audit.Actor, audit.At.Format(time.RFC3339Nano), s.kbChannel()).Int()
	if err != nil {
		return false, fmt.Errorf("redis: set entry %s disabled=%v: %w", id, disabled, err)
	}
	return n == 1, nil
}

// AddDraft implements knowledge.Store.
func (s *Store) AddDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) (knowledge.Draft, error) {
	id, err := s.client.Incr(ctx, s.kbKey("draftseq")).Result()
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: add draft: %w", err)
	}
	d.ID = id
	audit.ID = knowledge.DraftRef(id)
	dJSON, err := jsonString(d)
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: encode draft: %w", err)
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: encode audit record: %w", err)
	}
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, s.kbKey("drafts"), strconv.FormatInt(id, 10), dJSON)
		p.RPush(ctx, s.kbKey("audit"), auditJSON)
		return nil
	})
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: add draft %d: %w", id, err)
	}
	return d, nil
}

// GetDraft implements knowledge.Store.
func (s *Store) GetDraft(ctx context.Context, id int64) (knowledge.Draft, error) {
	raw, err := s.client.HGet(ctx, s.kbKey("drafts"), strconv.FormatInt(id, 10)).Result()
	if errors.Is(err, goredis.Nil) {
		return knowledge.Draft{}, fmt.Errorf("redis: draft %d: %w", id, knowledge.ErrNotFound)
	}
	if err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: draft %d: %w", id, err)
	}
	var d knowledge.Draft
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return knowledge.Draft{}, fmt.Errorf("redis: decode draft %d: %w", id, err)
	}
	return d, nil
}

// ListDrafts implements knowledge.Store.
func (s *Store) ListDrafts(ctx context.Context) ([]knowledge.Draft, error) {
	all, err := s.client.HGetAll(ctx, s.kbKey("drafts")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list drafts: %w", err)
	}
	var out []knowledge.Draft
	for id, raw := range all {
		var d knowledge.Draft
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return nil, fmt.Errorf("redis: decode draft %s: %w", id, err)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// UpdateDraft implements knowledge.Store.
func (s *Store) UpdateDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) error {
	dJSON, err := jsonString(d)
	if err != nil {
		return fmt.Errorf("redis: encode draft: %w", err)
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return fmt.Errorf("redis: encode audit record: %w", err)
	}
	n, err := hsetExistingAuditScript.Run(ctx, s.client, []string{s.kbKey("drafts"), s.kbKey("audit")},
		strconv.FormatInt(d.ID, 10), dJSON, auditJSON).Int()
	if err != nil {
		return fmt.Errorf("redis: update draft %d: %w", d.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("redis: update draft %d: %w", d.ID, knowledge.ErrNotFound)
	}
	return nil
}

// DeleteDraft implements knowledge.Store.
func (s *Store) DeleteDraft(ctx context.Context, id int64, audit knowledge.AuditRecord) error {
	return s.hdelAudit(ctx, "drafts", strconv.FormatInt(id, 10), audit, false, "draft")
}

// PutStatute implements knowledge.Store.
func (s *Store) PutStatute(ctx context.Context, sf knowledge.StatuteFile, audit knowledge.AuditRecord) error {
	if sf.Short == "" {
		return errors.New("redis: put statute: empty short name")
	}
	sfJSON, err := jsonString(sf)
	if err != nil {
		return fmt.Errorf("redis: encode statute: %w", err)
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return fmt.Errorf("redis: encode audit record: %w", err)
	}
	_, err = s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, s.kbKey("statutes"), sf.Short, sfJSON)
		p.RPush(ctx, s.kbKey("audit"), auditJSON)
		p.Incr(ctx, s.kbKey("version"))
		p.Publish(ctx, s.kbChannel(), "statute")
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: put statute %s: %w", sf.Short, err)
	}
	return nil
}

// DeleteStatute implements knowledge.Store.
func (s *Store) DeleteStatute(ctx context.Context, short string, audit knowledge.AuditRecord) error {
	return s.hdelAudit(ctx, "statutes", short, audit, true, "statute")
}

func (s *Store) hdelAudit(ctx context.Context, hash, field string, audit knowledge.AuditRecord, bump bool, what string) error {
	auditJSON, err := jsonString(audit)
	if err != nil {
		return fmt.Errorf("redis: encode audit record: %w", err)
	}
	flag := "0"
	if bump {
		flag = "1"
	}
	n, err := hdelAuditScript.Run(ctx, s.client, []string{s.kbKey(hash), s.kbKey("audit"), s.kbKey("version")},
		field, auditJSON, flag, s.kbChannel()).Int()
	if err != nil {
		return fmt.Errorf("redis: delete %s %s: %w", what, field, err)
	}
	if n == 0 {
		return fmt.Errorf("redis: delete %s %s: %w", what, field, knowledge.ErrNotFound)
	}
	return nil
}

func (s *Store) gapKeys() []string {
	return []string{s.kbKey("gaps:rank"), s.kbKey("gaps:last"), s.kbKey("gaps:reasons")}
}

// gapReasonArgs are the reasons whose counts are kept per gap.
func gapReasonArgs(extra knowledge.GapReason) []any {
	var out []any
	known := false
	for _, r := range knowledge.GapReasons() {
		out = append(out, string(r))
		known = known || r == extra
	}
	if !known && extra != "" {
		out = append(out, string(extra))
	}
	return out
}

// RecordGap implements knowledge.Store.
func (s *Store) RecordGap(ctx context.Context, lang, question string, reason knowledge.GapReason, at time.Time, maxGaps int) error {
	args := append([]any{knowledge.GapKey(lang, question), strconv.FormatInt(at.UnixNano(), 10), string(reason), maxGaps},
		gapReasonArgs(reason)...)
	if err := recordGapScript.Run(ctx, s.client, s.gapKeys(), args...).Err(); err != nil {
		return fmt.Errorf("redis: record gap: %w", err)
	}
	return nil
}

// ListGaps implements knowledge.Store.
func (s *Store) ListGaps(ctx context.Context, limit int) ([]knowledge.Gap, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	reasons := knowledge.GapReasons()
	args := append([]any{limit}, gapReasonArgs("")...)
	flat, err := listGapsScript.Run(ctx, s.client, s.gapKeys(), args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redis: list gaps: %w", err)
	}
	group := 3 + len(reasons)
	var out []knowledge.Gap
	for i := 0; i+group <= len(flat); i += group {
		lang, question, _ := strings.Cut(flat[i], ":")
		score, err := strconv.ParseFloat(flat[i+1], 64)
		if err != nil {
			return nil, fmt.Errorf("redis: gap %q: count %q: %w", flat[i], flat[i+1], err)
		}
		ns, err := strconv.ParseInt(flat[i+2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis: gap %q: last seen %q: %w", flat[i], flat[i+2], err)
		}
		g := knowledge.Gap{Question: question, Lang: lang, Count: int(-score), Reasons: map[knowledge.GapReason]int{}}
		if ns != 0 {
			g.LastSeen = time.Unix(0, ns)
		}
		for j, r := range reasons {
			if n, _ := strconv.Atoi(flat[i+3+j]); n > 0 {
				g.Reasons[r] = n
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// DeleteGaps implements knowledge.Store.
func (s *Store) DeleteGaps(ctx context.Context, keys []string, audit knowledge.AuditRecord) (int, error) {
	if len(keys) == 0 {
		return 0, ctx.Err()
	}
	auditJSON, err := jsonString(audit)
	if err != nil {
		return 0, fmt.Errorf("redis: encode audit record: %w", err)
	}
	reasons := gapReasonArgs("")
	args := append([]any{auditJSON, len(reasons)}, reasons...)
	for _, k := range keys {
		args = append(args, k)
	}
	n, err := deleteGapsScript.Run(ctx, s.client, append(s.gapKeys(), s.kbKey("audit")), args...).Int()
	if err != nil {
		return 0, fmt.Errorf("redis: delete gaps: %w", err)
	}
	return n, nil
}

// ListAudit implements knowledge.Store.
func (s *Store) ListAudit(ctx context.Context, limit int) ([]knowledge.AuditRecord, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	raws, err := s.client.LRange(ctx, s.kbKey("audit"), -int64(limit), -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: list audit: %w", err)
	}
	out := make([]knowledge.AuditRecord, 0, len(raws))
	for i := len(raws) - 1; i >= 0; i-- {
		var r knowledge.AuditRecord
		if err := json.Unmarshal([]byte(raws[i]), &r); err != nil {
			return nil, fmt.Errorf("redis: decode audit record: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}
