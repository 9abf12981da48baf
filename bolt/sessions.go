package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/web"
)

// Web sessions and sign-in tokens (web.SessionStore). Keys are hashes of
// the secrets, never the secrets. Bucket names and layouts are part of
// the file format:
//
//	web_signin          token hash → user id, expiry (Unix ns), big-endian each
//	web_sessions        session hash → JSON storedSession
//	web_user_sessions   user id (8 bytes), session hash → empty
const (
	bucketWebSignIn       = "web_signin"
	bucketWebSessions     = "web_sessions"
	bucketWebUserSessions = "web_user_sessions"
)

var _ web.SessionStore = (*Store)(nil)

type storedSession struct {
	web.Session
	Expires time.Time `json:"expires"`
}

func (s *Store) webUpdate(ctx context.Context, fn func(signin, sessions, users *bbolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		var bs [3]*bbolt.Bucket
		for i, name := range []string{bucketWebSignIn, bucketWebSessions, bucketWebUserSessions} {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			bs[i] = b
		}
		return fn(bs[0], bs[1], bs[2])
	})
}

// sweepWeb deletes expired tokens and sessions: there are few (a union's
// staff), so a sweep on each new session is cheap and bounds the file.
func sweepWeb(signin, sessions, users *bbolt.Bucket, now time.Time) error {
	var dead [][]byte
	_ = signin.ForEach(func(k, v []byte) error {
		if len(v) != 16 || now.UnixNano() >= int64(binary.BigEndian.Uint64(v[8:])) {
			dead = append(dead, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range dead {
		if err := signin.Delete(k); err != nil {
			return err
		}
	}
	var gone []storedSession
	_ = sessions.ForEach(func(k, v []byte) error {
		var ss storedSession
		if json.Unmarshal(v, &ss) != nil || !now.Before(ss.Expires) {
			ss.Hash = string(k)
			gone = append(gone, ss)
		}
		return nil
	})
	for _, ss := range gone {
		if err := sessions.Delete([]byte(ss.Hash)); err != nil {
			return err
		}
		if err := users.Delete(append(idKey(ss.UserID), ss.Hash...)); err != nil {
			return err
		}
	}
	return nil
}

// PutSignInToken implements web.SessionStore.
func (s *Store) PutSignInToken(ctx context.Context, hash string, userID int64, exp time.Time) error {
	err := s.webUpdate(ctx, func(signin, _, _ *bbolt.Bucket) error {
		v := binary.BigEndian.AppendUint64(nil, uint64(userID))
		return signin.Put([]byte(hash), binary.BigEndian.AppendUint64(v, uint64(exp.UnixNano())))
	})
	if err != nil {
		return fmt.Errorf("bolt: put sign-in token: %w", err)
	}
	return nil
}

// TakeSignInToken implements web.SessionStore. bbolt runs one write
// transaction at a time, so reading and deleting are atomic.
func (s *Store) TakeSignInToken(ctx context.Context, hash string, now time.Time) (int64, bool, error) {
	var (
		user int64
		ok   bool
	)
	err := s.webUpdate(ctx, func(signin, _, _ *bbolt.Bucket) error {
		v := signin.Get([]byte(hash))
		if v == nil {
			return nil
		}
		if len(v) == 16 && now.UnixNano() < int64(binary.BigEndian.Uint64(v[8:])) {
			user, ok = int64(binary.BigEndian.Uint64(v[:8])), true
		}
		return signin.Delete([]byte(hash))
	})
	if err != nil {
		return 0, false, fmt.Errorf("bolt: take sign-in token: %w", err)
	}
	return user, ok, nil
}

// PutSession implements web.SessionStore.
func (s *Store) PutSession(ctx context.Context, sess web.Session, idle time.Duration) error {
	v, err := json.Marshal(storedSession{Session: sess, Expires: sess.LastSeen.Add(idle)})
	if err != nil {
		return err
	}
	err = s.webUpdate(ctx, func(signin, sessions, users *bbolt.Bucket) error {
		// Expiry is by the caller's clock (sess.LastSeen is its now).
		if err := sweepWeb(signin, sessions, users, sess.LastSeen); err != nil {
			return err
		}
		if err := sessions.Put([]byte(sess.Hash), v); err != nil {
			return err
		}
		return users.Put(append(idKey(sess.UserID), sess.Hash...), []byte{})
	})
	if err != nil {
		return fmt.Errorf("bolt: put session: %w", err)
	}
	return nil
}

// GetSession implements web.SessionStore.
func (s *Store) GetSession(ctx context.Context, hash string, now time.Time) (web.Session, bool, error) {
	if err := ctx.Err(); err != nil {
		return web.Session{}, false, err
	}
	var (
		ss storedSession
		ok bool
	)
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebSessions))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(hash))
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &ss); err != nil {
			return err
		}
		ok = now.Before(ss.Expires)
		return nil
	})
	if err != nil {
		return web.Session{}, false, fmt.Errorf("bolt: get session: %w", err)
	}
	if !ok {
		return web.Session{}, false, nil
	}
	ss.Hash = hash
	return ss.Session, true, nil
}

// TouchSession implements web.SessionStore.
func (s *Store) TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) error {
	err := s.webUpdate(ctx, func(_, sessions, _ *bbolt.Bucket) error {
		v := sessions.Get([]byte(hash))
		if v == nil {
			return nil
		}
		var ss storedSession
		if err := json.Unmarshal(v, &ss); err != nil {
			return err
		}
		if !now.Before(ss.Expires) {
			return nil
		}
		ss.LastSeen, ss.Expires = now, now.Add(idle)
		nv, err := json.Marshal(ss)
		if err != nil {
			return err
		}
		return sessions.Put([]byte(hash), nv)
	})
	if err != nil {
		return fmt.Errorf("bolt: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements web.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	err := s.webUpdate(ctx, func(_, sessions, users *bbolt.Bucket) error {
		v := sessions.Get([]byte(hash))
		if v == nil {
			return nil
		}
		var ss storedSession
		if json.Unmarshal(v, &ss) == nil {
			if err := users.Delete(append(idKey(ss.UserID), hash...)); err != nil {
				return err
			}
		}
		return sessions.Delete([]byte(hash))
	})
	if err != nil {
		return fmt.Errorf("bolt: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions implements web.SessionStore.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	n := 0
	err := s.webUpdate(ctx, func(_, sessions, users *bbolt.Bucket) error {
		prefix := idKey(userID)
		var keys [][]byte
		c := users.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			hash := k[len(prefix):]
			if sessions.Get(hash) != nil {
				n++
				if err := sessions.Delete(hash); err != nil {
					return err
				}
			}
			if err := users.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: delete user sessions: %w", err)
	}
	return n, nil
}
