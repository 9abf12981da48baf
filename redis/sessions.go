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

	"github.com/laborbot/laborbot/web"
)

// Web sessions and sign-in tokens (web.SessionStore), under the {web}
// hash tag; keys hold hashes of the secrets, never the secrets, and
// expire by Redis's own TTL:
//
//	<prefix>{web}:signin:<hash>          user id, expiring with the link
//	<prefix>{web}:session:<hash>         JSON web.Session, expiring after the idle time
//	<prefix>{web}:user:<id>:sessions     set of the user's session hashes

var _ web.SessionStore = (*Store)(nil)

func (s *Store) webKey(what string) string { return s.prefix + "{web}:" + what }

func (s *Store) userSessionsKey(userID int64) string {
	return s.webKey("user:" + strconv.FormatInt(userID, 10) + ":sessions")
}

// PutSignInToken implements web.SessionStore.
func (s *Store) PutSignInToken(ctx context.Context, hash string, userID int64, exp time.Time) error {
	ttl := max(time.Until(exp), time.Second)
	// The value carries the expiry too, so the caller's clock decides
	// (the TTL only clears the key away).
	v := strconv.FormatInt(userID, 10) + " " + strconv.FormatInt(exp.UnixNano(), 10)
	if err := s.client.Set(ctx, s.webKey("signin:"+hash), v, ttl+time.Minute).Err(); err != nil {
		return fmt.Errorf("redis: put sign-in token: %w", err)
	}
	return nil
}

// TakeSignInToken implements web.SessionStore: GETDEL is atomic, so one
// link signs in once. (Expiry is Redis's TTL, set from the caller's clock
// when the token was stored.)
func (s *Store) TakeSignInToken(ctx context.Context, hash string, now time.Time) (int64, bool, error) {
	v, err := s.client.GetDel(ctx, s.webKey("signin:"+hash)).Result()
	if errors.Is(err, goredis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("redis: take sign-in token: %w", err)
	}
	idText, expText, _ := strings.Cut(v, " ")
	id, err1 := strconv.ParseInt(idText, 10, 64)
	exp, err2 := strconv.ParseInt(expText, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false, fmt.Errorf("redis: take sign-in token: bad value")
	}
	if now.UnixNano() >= exp {
		return 0, false, nil
	}
	return id, true, nil
}

// storedSession is a session with the end of its idle time, by the
// caller's clock (the key's TTL, a little longer, only clears it away).
type storedSession struct {
	web.Session
	Expires time.Time `json:"expires"`
}

// PutSession implements web.SessionStore.
func (s *Store) PutSession(ctx context.Context, sess web.Session, idle time.Duration) error {
	v, err := json.Marshal(storedSession{Session: sess, Expires: sess.LastSeen.Add(idle)})
	if err != nil {
		return err
	}
	pipe := s.client.TxPipeline()
	pipe.Set(ctx, s.webKey("session:"+sess.Hash), v, idle+time.Minute)
	pipe.SAdd(ctx, s.userSessionsKey(sess.UserID), sess.Hash)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redis: put session: %w", err)
	}
	return nil
}

// GetSession implements web.SessionStore.
func (s *Store) GetSession(ctx context.Context, hash string, now time.Time) (web.Session, bool, error) {
	v, err := s.client.Get(ctx, s.webKey("session:"+hash)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return web.Session{}, false, nil
	}
	if err != nil {
		return web.Session{}, false, fmt.Errorf("redis: get session: %w", err)
	}
	var ss storedSession
	if err := json.Unmarshal(v, &ss); err != nil {
		return web.Session{}, false, fmt.Errorf("redis: decode session: %w", err)
	}
	if !now.Before(ss.Expires) {
		return web.Session{}, false, nil
	}
	ss.Hash = hash
	return ss.Session, true, nil
}

// TouchSession implements web.SessionStore (SET XX: a session that
// expired or was deleted is not brought back).
func (s *Store) TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) error {
	sess, ok, err := s.GetSession(ctx, hash, now)
	if err != nil || !ok {
		return err
	}
	sess.LastSeen = now
	v, err := json.Marshal(storedSession{Session: sess, Expires: now.Add(idle)})
	if err != nil {
		return err
	}
	if err := s.client.SetXX(ctx, s.webKey("session:"+hash), v, idle+time.Minute).Err(); err != nil && !errors.Is(err, goredis.Nil) {
		return fmt.Errorf("redis: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements web.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	v, err := s.client.Get(ctx, s.webKey("session:"+hash)).Bytes()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return fmt.Errorf("redis: delete session: %w", err)
	}
	var sess storedSession
	ok := err == nil && json.Unmarshal(v, &sess) == nil
	pipe := s.client.TxPipeline()
	pipe.Del(ctx, s.webKey("session:"+hash))
	if ok {
		pipe.SRem(ctx, s.userSessionsKey(sess.UserID), hash)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redis: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions implements web.SessionStore.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	hashes, err := s.client.SMembers(ctx, s.userSessionsKey(userID)).Result()
	if err != nil {
		return 0, fmt.Errorf("redis: delete user sessions: %w", err)
	}
	keys := []string{}
	for _, h := range hashes {
		keys = append(keys, s.webKey("session:"+h))
	}
	n := int64(0)
	if len(keys) > 0 {
		if n, err = s.client.Del(ctx, keys...).Result(); err != nil {
			return 0, fmt.Errorf("redis: delete user sessions: %w", err)
		}
	}
	if err := s.client.Del(ctx, s.userSessionsKey(userID)).Err(); err != nil {
		return 0, fmt.Errorf("redis: delete user sessions: %w", err)
	}
	return int(n), nil
}
