package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/intake"
)

// The ticket indexes (intake.Indexes), changed by the same scripts that
// create and update tickets, so they share the {intake} hash tag:
//
//	<prefix>{intake}:ix:<set>     sorted set of ticket numbers by score
//	<prefix>{intake}:counters     hash counter name → value
//	<prefix>{intake}:emprank      sorted set of employer keys by workers affected
//	<prefix>{intake}:meta         hash: index_version
//	<prefix>{intake}:ixlock       held while one replica rebuilds the indexes
//
// The scripts get the change to apply (intake.DiffIndex, computed here
// from the old and new ticket) as JSON and apply it with applyIndexLua.

// applyIndexLua is a Lua function applying an index delta (JSON d) for
// ticket number n under key prefix p ("<prefix>{intake}:").
const applyIndexLua = `
local function apply_index(p, n, dj)
  local d = cjson.decode(dj)
  for _, set in ipairs(d.r) do redis.call('ZREM', p .. 'ix:' .. set, n) end
  for _, e in ipairs(d.a) do redis.call('ZADD', p .. 'ix:' .. e[1], e[2], n) end
  for k, v in pairs(d.c) do
    if redis.call('HINCRBY', p .. 'counters', k, v) == 0 then redis.call('HDEL', p .. 'counters', k) end
  end
  for _, key in ipairs(d.e) do
    local c = redis.call('ZCARD', p .. 'ix:emp:' .. key)
    if c == 0 then
      redis.call('ZREM', p .. 'emprank', key)
    else
      local top = redis.call('ZREVRANGE', p .. 'ix:empgroup:' .. key, 0, 0, 'WITHSCORES')
      local g = 0
      if top[2] then g = tonumber(top[2]) end
      if g > c then c = g end
      redis.call('ZADD', p .. 'emprank', c, key)
    end
  end
end
`

// indexDeltaJSON is DiffIndex(old, t) in the form applyIndexLua reads.
func indexDeltaJSON(old *intake.Ticket, t intake.Ticket) (string, error) {
	d := intake.DiffIndex(old, t)
	add := make([][2]any, 0, len(d.Add))
	for _, e := range d.Add {
		add = append(add, [2]any{e.Set, e.Score})
	}
	v := struct {
		R []string         `json:"r"`
		A [][2]any         `json:"a"`
		C map[string]int64 `json:"c"`
		E []string         `json:"e"`
	}{R: d.Remove, A: add, C: d.Counters, E: d.Employers}
	if v.R == nil {
		v.R = []string{}
	}
	if v.E == nil {
		v.E = []string{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	// cjson decodes an empty JSON object and array alike; the script only
	// iterates them.
	return string(b), nil
}

// reindexScript applies an index delta for one ticket (a rebuild).
// KEYS: counters (for the slot). ARGV: prefix, number, delta JSON.
const reindexScript = applyIndexLua + `
apply_index(ARGV[1], ARGV[2], ARGV[3])
return 1
`

func (s *Store) ixKey(set string) string { return s.intakeKey("ix:" + set) }

// RangeIndex implements intake.Indexes.
func (s *Store) RangeIndex(ctx context.Context, set string, r intake.IndexRange) ([]intake.IndexMember, int, error) {
	key := s.ixKey(set)
	var (
		zs    []goredis.Z
		total int64
		err   error
	)
	bounded := r.Min != 0 || r.Max != 0
	if bounded {
		by := &goredis.ZRangeBy{Min: strconv.FormatInt(r.Min, 10), Max: strconv.FormatInt(r.Max, 10), Offset: int64(r.Offset), Count: int64(r.Limit)}
		if r.Limit <= 0 {
			by.Count = -1
		}
		pipe := s.client.Pipeline()
		var zc *goredis.ZSliceCmd
		if r.Desc {
			zc = pipe.ZRevRangeByScoreWithScores(ctx, key, by)
		} else {
			zc = pipe.ZRangeByScoreWithScores(ctx, key, by)
		}
		cc := pipe.ZCount(ctx, key, by.Min, by.Max)
		if _, err = pipe.Exec(ctx); err == nil {
			zs, total = zc.Val(), cc.Val()
		}
	} else {
		stop := int64(-1)
		if r.Limit > 0 {
			stop = int64(r.Offset + r.Limit - 1)
		}
		pipe := s.client.Pipeline()
		var zc *goredis.ZSliceCmd
		if r.Desc {
			zc = pipe.ZRevRangeWithScores(ctx, key, int64(r.Offset), stop)
		} else {
			zc = pipe.ZRangeWithScores(ctx, key, int64(r.Offset), stop)
		}
		cc := pipe.ZCard(ctx, key)
		if _, err = pipe.Exec(ctx); err == nil {
			zs, total = zc.Val(), cc.Val()
		}
	}
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, 0, fmt.Errorf("redis: range index %s: %w", set, err)
	}
	out := make([]intake.IndexMember, 0, len(zs))
	for _, z := range zs {
		n, err := strconv.ParseInt(fmt.Sprint(z.Member), 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("redis: range index %s: bad member %v", set, z.Member)
		}
		out = append(out, intake.IndexMember{Number: n, Score: int64(z.Score)})
	}
	return out, int(total), nil
}

// IndexScores implements intake.Indexes.
func (s *Store) IndexScores(ctx context.Context, set string, numbers []int64) ([]int64, []bool, error) {
	scores, ok := make([]int64, len(numbers)), make([]bool, len(numbers))
	if len(numbers) == 0 {
		return scores, ok, ctx.Err()
	}
	members := make([]string, len(numbers))
	for i, n := range numbers {
		members[i] = strconv.FormatInt(n, 10)
	}
	res, err := s.client.Do(ctx, append([]any{"ZMSCORE", s.ixKey(set)}, anySlice(members)...)...).Slice()
	if err != nil {
		return nil, nil, fmt.Errorf("redis: index scores %s: %w", set, err)
	}
	for i, v := range res {
		if i >= len(numbers) || v == nil {
			continue
		}
		var f float64
		switch x := v.(type) {
		case string:
			f, err = strconv.ParseFloat(x, 64)
		case float64:
			f = x
		case int64:
			f = float64(x)
		default:
			err = fmt.Errorf("unexpected %T", v)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("redis: index scores %s: %w", set, err)
		}
		scores[i], ok[i] = int64(f), true
	}
	return scores, ok, nil
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// IndexSizes implements intake.Indexes.
func (s *Store) IndexSizes(ctx context.Context, sets ...string) ([]int, error) {
	pipe := s.client.Pipeline()
	cmds := make([]*goredis.IntCmd, len(sets))
	for i, set := range sets {
		cmds[i] = pipe.ZCard(ctx, s.ixKey(set))
	}
	if len(sets) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("redis: index sizes: %w", err)
		}
	}
	out := make([]int, len(sets))
	for i, c := range cmds {
		out[i] = int(c.Val())
	}
	return out, nil
}

// Counters implements intake.Indexes.
func (s *Store) Counters(ctx context.Context) (map[string]int64, error) {
	all, err := s.client.HGetAll(ctx, s.intakeKey("counters")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: counters: %w", err)
	}
	out := make(map[string]int64, len(all))
	for k, v := range all {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis: counter %s: %w", k, err)
		}
		if n != 0 {
			out[k] = n
		}
	}
	return out, nil
}

// TopEmployers implements intake.Indexes.
func (s *Store) TopEmployers(ctx context.Context, n int) ([]intake.EmployerRank, error) {
	if n <= 0 {
		return nil, ctx.Err()
	}
	zs, err := s.client.ZRevRangeWithScores(ctx, s.intakeKey("emprank"), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: top employers: %w", err)
	}
	var out []intake.EmployerRank
	for _, z := range zs {
		out = append(out, intake.EmployerRank{Key: fmt.Sprint(z.Member), Affected: int64(z.Score)})
	}
	return out, nil
}

// EmployerKeys implements intake.Indexes.
func (s *Store) EmployerKeys(ctx context.Context) ([]string, error) {
	keys, err := s.client.ZRange(ctx, s.intakeKey("emprank"), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: employer keys: %w", err)
	}
	return keys, nil
}

// GetTickets implements intake.Indexes.
func (s *Store) GetTickets(ctx context.Context, numbers []int64) ([]intake.Ticket, error) {
	if len(numbers) == 0 {
		return nil, ctx.Err()
	}
	fields := make([]string, len(numbers))
	for i, n := range numbers {
		fields[i] = strconv.FormatInt(n, 10)
	}
	vs, err := s.client.HMGet(ctx, s.intakeKey("tickets"), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: get tickets: %w", err)
	}
	out := make([]intake.Ticket, 0, len(vs))
	for i, v := range vs {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var t intake.Ticket
		if err := json.Unmarshal([]byte(str), &t); err != nil {
			return nil, fmt.Errorf("redis: decode ticket %s: %w", fields[i], err)
		}
		out = append(out, t)
	}
	return out, nil
}

// IndexVersion implements intake.Indexes.
func (s *Store) IndexVersion(ctx context.Context) (string, error) {
	v, err := s.client.HGet(ctx, s.intakeKey("meta"), "index_version").Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redis: index version: %w", err)
	}
	return v, nil
}

// RebuildIndex implements intake.Indexes. One replica rebuilds at a time
// (a lock key); another that finds the lock taken waits for it to finish.
// Tickets changed by other replicas during a rebuild may be indexed
// twice: upgrade one replica first, then the others.
func (s *Store) RebuildIndex(ctx context.Context, version string) error {
	lock := s.intakeKey("ixlock")
	ok, err := s.client.SetNX(ctx, lock, "1", 5*time.Minute).Result()
	if err != nil {
		return fmt.Errorf("redis: rebuild index: %w", err)
	}
	if !ok {
		for range 600 {
			if v, err := s.IndexVersion(ctx); err != nil || v == version {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(500 * time.Millisecond):
			}
		}
		return errors.New("redis: rebuild index: another replica holds the lock and did not finish")
	}
	defer s.client.Del(context.WithoutCancel(ctx), lock)
	iter := s.client.Scan(ctx, 0, globEscape(s.intakeKey("ix:"))+"*", 1000).Iterator()
	var old []string
	for iter.Next(ctx) {
		old = append(old, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("redis: rebuild index: %w", err)
	}
	old = append(old, s.intakeKey("counters"), s.intakeKey("emprank"))
	for len(old) > 0 {
		n := min(len(old), 500)
		if err := s.client.Unlink(ctx, old[:n]...).Err(); err != nil {
			return fmt.Errorf("redis: rebuild index: %w", err)
		}
		old = old[n:]
	}
	all, err := s.ListTickets(ctx)
	if err != nil {
		return err
	}
	script := goredis.NewScript(reindexScript)
	if err := script.Load(ctx, s.client).Err(); err != nil {
		return fmt.Errorf("redis: rebuild index: %w", err)
	}
	for len(all) > 0 {
		n := min(len(all), 500)
		pipe := s.client.Pipeline()
		for _, t := range all[:n] {
			d, err := indexDeltaJSON(nil, t)
			if err != nil {
				return err
			}
			script.EvalSha(ctx, pipe, []string{s.intakeKey("counters")}, s.intakeKey(""), t.Number, d)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("redis: rebuild index: %w", err)
		}
		all = all[n:]
	}
	if err := s.client.HSet(ctx, s.intakeKey("meta"), "index_version", version).Err(); err != nil {
		return fmt.Errorf("redis: rebuild index: %w", err)
	}
	return nil
}

// globEscape escapes the characters SCAN's MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
