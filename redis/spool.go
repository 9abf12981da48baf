package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
)

// Spools (bot.Spool) in Redis, all keys of one spool under one hash tag so
// that each call is one Lua script on one slot:
//
//	<prefix>{spool:<name>}:items    HASH sequence → JSON bot.SpoolItem (ID, Chat, Data, Added)
//	<prefix>{spool:<name>}:meta     HASH sequence → "owner|touched (Unix ms)"
//	<prefix>{spool:<name>}:order    ZSET sequence, scored by itself: the items in order
//	<prefix>{spool:<name>}:ids      HASH item ID → sequence ("0" once done)
//	<prefix>{spool:<name>}:idtimes  ZSET item ID, scored by when it was added (Unix ms)
//	<prefix>{spool:<name>}:seq      the last sequence number
//
// ids outlives the items for bot.UpdateTTL so that an ID added again is
// recognised; each SpoolAdd forgets up to 100 expired ones.

func (s *Store) spoolKeys(name string) []string {
	base := s.prefix + "{spool:" + name + "}:"
	return []string{base + "items", base + "meta", base + "order", base + "ids", base + "idtimes", base + "seq"}
}

// spoolAddScript: KEYS as spoolKeys; ARGV now, ttl (ms), owner, then the
// items as pairs of ID and JSON. Returns the IDs added.
var spoolAddScript = goredis.NewScript(`
local now, ttl, owner = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local old = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now - ttl, 'LIMIT', 0, 100)
for _, id in ipairs(old) do
  if redis.call('HGET', KEYS[4], id) == '0' then redis.call('HDEL', KEYS[4], id) end
  redis.call('ZREM', KEYS[5], id)
end
local added = {}
for i = 4, #ARGV, 2 do
  local id, item = ARGV[i], ARGV[i+1]
  local at = redis.call('ZSCORE', KEYS[5], id)
  if not (redis.call('HEXISTS', KEYS[4], id) == 1 and at and now - tonumber(at) < ttl) then
    local seq = redis.call('INCR', KEYS[6])
    redis.call('HSET', KEYS[1], seq, item)
    redis.call('HSET', KEYS[2], seq, owner .. '|' .. now)
    redis.call('ZADD', KEYS[3], seq, seq)
    redis.call('HSET', KEYS[4], id, seq)
    redis.call('ZADD', KEYS[5], now, id)
    table.insert(added, id)
  end
end
return added
`)

// spoolClaimScript: KEYS as spoolKeys; ARGV owner, own (1/0), now, minIdle
// (ms), limit. Returns the claimed sequences with their items, flattened.
var spoolClaimScript = goredis.NewScript(`
local owner, own, now, idle, limit = ARGV[1], ARGV[2] == '1', tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for _, seq in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  if #out >= 2 * limit then break end
  local meta = redis.call('HGET', KEYS[2], seq)
  if meta then
    local sep = string.find(meta, '|', 1, true)
    local who, touched = string.sub(meta, 1, sep - 1), tonumber(string.sub(meta, sep + 1))
    local take
    if who == owner then take = own else take = now - touched >= idle end
    if take then
      redis.call('HSET', KEYS[2], seq, owner .. '|' .. now)
      table.insert(out, seq)
      table.insert(out, redis.call('HGET', KEYS[1], seq))
    end
  end
end
return out
`)

// spoolDoneScript: KEYS as spoolKeys; ARGV the IDs.
var spoolDoneScript = goredis.NewScript(`
for _, id in ipairs(ARGV) do
  local seq = redis.call('HGET', KEYS[4], id)
  if seq and seq ~= '0' then
    redis.call('HDEL', KEYS[1], seq)
    redis.call('HDEL', KEYS[2], seq)
    redis.call('ZREM', KEYS[3], seq)
    redis.call('HSET', KEYS[4], id, '0')
  end
end
return 0
`)

// SpoolAdd implements bot.Spool.
func (s *Store) SpoolAdd(ctx context.Context, name, owner string, items []bot.SpoolItem) ([]string, error) {
	if strings.Contains(owner, "|") {
		return nil, fmt.Errorf("redis: spool %s: owner %q must not contain '|'", name, owner)
	}
	now := time.Now()
	args := []any{now.UnixMilli(), bot.UpdateTTL.Milliseconds(), owner}
	for _, it := range items {
		it.Added, it.Owner, it.Touched = now, "", time.Time{}
		v, err := json.Marshal(it)
		if err != nil {
			return nil, err
		}
		args = append(args, it.ID, v)
	}
	added, err := spoolAddScript.Run(ctx, s.client, s.spoolKeys(name), args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redis: spool %s: add: %w", name, err)
	}
	return added, nil
}

// SpoolClaim implements bot.Spool.
func (s *Store) SpoolClaim(ctx context.Context, name, owner string, own bool, minIdle time.Duration, limit int) ([]bot.SpoolItem, error) {
	now := time.Now()
	ownArg := "0"
	if own {
		ownArg = "1"
	}
	res, err := spoolClaimScript.Run(ctx, s.client, s.spoolKeys(name), owner, ownArg, now.UnixMilli(), minIdle.Milliseconds(), max(limit, 1)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redis: spool %s: claim: %w", name, err)
	}
	var out []bot.SpoolItem
	for i := 0; i+1 < len(res); i += 2 {
		var it bot.SpoolItem
		if err := json.Unmarshal([]byte(res[i+1]), &it); err != nil {
			return nil, fmt.Errorf("redis: spool %s: item %s: %w", name, res[i], err)
		}
		it.Owner, it.Touched = owner, now
		out = append(out, it)
	}
	return out, nil
}

// SpoolDone implements bot.Spool.
func (s *Store) SpoolDone(ctx context.Context, name string, ids ...string) error {
	if len(ids) == 0 {
		return ctx.Err()
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if err := spoolDoneScript.Run(ctx, s.client, s.spoolKeys(name), args...).Err(); err != nil {
		return fmt.Errorf("redis: spool %s: done: %w", name, err)
	}
	return nil
}

// SpoolLen implements bot.Spool.
func (s *Store) SpoolLen(ctx context.Context, name string) (int, error) {
	n, err := s.client.ZCard(ctx, s.spoolKeys(name)[2]).Result()
	if err != nil {
		return 0, fmt.Errorf("redis: spool %s: len: %w", name, err)
	}
	return int(n), nil
}
