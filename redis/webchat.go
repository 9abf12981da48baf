package redis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/web/webchat"
)

// The web chat's keys: one worker's share the {webchat:<id>} hash tag, so a
// Cluster keeps them in one slot.
//
//	<prefix>{webchat:<id>}:seq            the last inbox sequence number given
//	<prefix>{webchat:<id>}:inbox          list of "<seq>:<entry>", oldest first, capped at MaxInbox
//	<prefix>{webchat:<id>}:upload:<uid>   an uploaded file, expiring
//	<prefix>{webchat:<id>}:uploads        set of the worker's upload ids (to delete them)
//	<prefix>{webchat:<id>}:push           hash key → push subscription
//	<prefix>{webchat}:key             the cookie-signing key
//	<prefix>{webchat}:active          sorted set: worker → time of the last append (ms), for the purge

var _ webchat.Store = (*Store)(nil)

func (s *Store) chatKeyOf(worker int64, what string) string {
	return s.prefix + "{webchat:" + strconv.FormatInt(worker, 10) + "}:" + what
}

// appendInboxScript gives the next sequence numbers and pushes the
// entries in one step, so two appends never share a number or interleave.
var appendInboxScript = goredis.NewScript(`
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local cap = tonumber(ARGV[1])
for i = 2, #ARGV do
  seq = seq + 1
  redis.call('RPUSH', KEYS[2], seq .. ':' .. ARGV[i])
end
redis.call('SET', KEYS[1], seq)
redis.call('LTRIM', KEYS[2], -cap, -1)
return seq`)

// AppendInbox implements webchat.Store.
func (s *Store) AppendInbox(ctx context.Context, worker int64, entries ...[]byte) (int64, error) {
	if len(entries) == 0 {
		return 0, errors.New("redis: append to an inbox: no entries")
	}
	args := make([]any, 0, len(entries)+1)
	args = append(args, webchat.MaxInbox)
	for _, e := range entries {
		args = append(args, e)
	}
	seq, err := appendInboxScript.Run(ctx, s.client, []string{s.chatKeyOf(worker, "seq"), s.chatKeyOf(worker, "inbox")}, args...).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis: append to an inbox: %w", err)
	}
	// The activity set is in another slot: a separate write. Missing it
	// (a crash between the two) only delays this worker's purge until
	// their next message.
	if err := s.client.ZAdd(ctx, s.prefix+"{webchat}:active", goredis.Z{Score: float64(time.Now().UnixMilli()), Member: worker}).Err(); err != nil {
		return seq, fmt.Errorf("redis: append to an inbox: %w", err)
	}
	return seq, nil
}

// Inbox implements webchat.Store.
func (s *Store) Inbox(ctx context.Context, worker int64, after int64, limit int) ([]webchat.InboxEntry, error) {
	if limit <= 0 {
		return nil, ctx.Err()
	}
	vals, err := s.client.LRange(ctx, s.chatKeyOf(worker, "inbox"), int64(-limit), -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: read an inbox: %w", err)
	}
	var out []webchat.InboxEntry
	for _, v := range vals {
		num, data, ok := bytes.Cut([]byte(v), []byte(":"))
		seq, err := strconv.ParseInt(string(num), 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("redis: inbox entry without a sequence number")
		}
		if seq > after {
			out = append(out, webchat.InboxEntry{Seq: seq, Data: data})
		}
	}
	return out, nil
}

// PutUpload implements webchat.Store.
func (s *Store) PutUpload(ctx context.Context, worker int64, id string, data []byte, expires time.Time) error {
	if id == "" {
		return errors.New("redis: put upload: no id")
	}
	if len(data) > webchat.MaxUploadSize {
		return fmt.Errorf("redis: put upload: %d bytes is over the limit of %d", len(data), webchat.MaxUploadSize)
	}
	key := s.chatKeyOf(worker, "upload:"+id)
	_, err := s.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Set(ctx, key, data, 0)
		p.PExpireAt(ctx, key, expires) // in the past: deleted at once
		p.SAdd(ctx, s.chatKeyOf(worker, "uploads"), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis: put upload: %w", err)
	}
	return nil
}

// GetUpload implements webchat.Store.
func (s *Store) GetUpload(ctx context.Context, worker int64, id string) ([]byte, error) {
	v, err := s.client.Get(ctx, s.chatKeyOf(worker, "upload:"+id)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, webchat.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("redis: get upload: %w", err)
	}
	return v, nil
}

// PutPushSubscription implements webchat.Store.
func (s *Store) PutPushSubscription(ctx context.Context, worker int64, key string, sub []byte) error {
	if key == "" {
		return errors.New("redis: put push subscription: no key")
	}
	hkey := s.chatKeyOf(worker, "push")
	err := s.client.Watch(ctx, func(tx *goredis.Tx) error {
		keys, err := tx.HKeys(ctx, hkey).Result()
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			known := false
			for _, k := range keys {
				known = known || k == key
			}
			if !known {
				for i := 0; i <= len(keys)-webchat.MaxPushSubscriptions; i++ {
					p.HDel(ctx, hkey, keys[i])
				}
			}
			p.HSet(ctx, hkey, key, sub)
			return nil
		})
		return err
	}, hkey)
	if err != nil {
		return fmt.Errorf("redis: put push subscription: %w", err)
	}
	return nil
}

// PushSubscriptions implements webchat.Store.
func (s *Store) PushSubscriptions(ctx context.Context, worker int64) (map[string][]byte, error) {
	m, err := s.client.HGetAll(ctx, s.chatKeyOf(worker, "push")).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: push subscriptions: %w", err)
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out, nil
}

// DeletePushSubscription implements webchat.Store.
func (s *Store) DeletePushSubscription(ctx context.Context, worker int64, key string) error {
	if err := s.client.HDel(ctx, s.chatKeyOf(worker, "push"), key).Err(); err != nil {
		return fmt.Errorf("redis: delete push subscription: %w", err)
	}
	return nil
}

// DeleteWebWorker implements webchat.Store. The sequence counter stays, so
// numbers are never reused.
func (s *Store) DeleteWebWorker(ctx context.Context, worker int64) error {
	ids, err := s.client.SMembers(ctx, s.chatKeyOf(worker, "uploads")).Result()
	if err != nil {
		return fmt.Errorf("redis: delete a web worker: %w", err)
	}
	keys := []string{s.chatKeyOf(worker, "inbox"), s.chatKeyOf(worker, "uploads"), s.chatKeyOf(worker, "push")}
	for _, id := range ids {
		keys = append(keys, s.chatKeyOf(worker, "upload:"+id))
	}
	if err := s.client.Del(ctx, keys...).Err(); err != nil {
		return fmt.Errorf("redis: delete a web worker: %w", err)
	}
	return nil
}

// PurgeInactive implements webchat.Store.
func (s *Store) PurgeInactive(ctx context.Context, before time.Time) ([]int64, error) {
	active := s.prefix + "{webchat}:active"
	ids, err := s.client.ZRangeByScore(ctx, active, &goredis.ZRangeBy{Min: "-inf", Max: "(" + strconv.FormatInt(before.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: purge inactive web workers: %w", err)
	}
	var purged []int64
	for _, id := range ids {
		worker, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		if err := s.DeleteWebWorker(ctx, worker); err != nil {
			return purged, err
		}
		if err := s.client.ZRem(ctx, active, id).Err(); err != nil {
			return purged, fmt.Errorf("redis: purge inactive web workers: %w", err)
		}
		purged = append(purged, worker)
	}
	return purged, nil
}

// WebChatKey implements webchat.Store.
func (s *Store) WebChatKey(ctx context.Context, gen func() ([]byte, error)) ([]byte, error) {
	key := s.prefix + "{webchat}:key"
	v, err := s.client.Get(ctx, key).Bytes()
	if err == nil && len(v) > 0 {
		return v, nil
	}
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("redis: web chat key: %w", err)
	}
	fresh, err := gen()
	if err != nil {
		return nil, err
	}
	// SETNX: of two replicas starting at once, the first key wins and
	// both read it back.
	if err := s.client.SetNX(ctx, key, fresh, 0).Err(); err != nil {
		return nil, fmt.Errorf("redis: web chat key: %w", err)
	}
	v, err = s.client.Get(ctx, key).Bytes()
	if err != nil {
		return nil, fmt.Errorf("redis: web chat key: %w", err)
	}
	return v, nil
}
