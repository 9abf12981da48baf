package web

import (
	"context"
	"time"
)

// Sessions of signed-in users and one-time sign-in tokens are kept in the
// store (bbolt or Redis), so that any replica accepts them. The store
// never sees a token or session id itself, only its SHA-256 (TokenHash):
// a copy of the store lets nobody sign in.

// Session is a signed-in user's session.
type Session struct {
	// Hash is TokenHash of the session id the cookie carries.
	Hash   string    `json:"-"`
	UserID int64     `json:"user_id"`
	Site   string    `json:"site"` // which site it is for ("console")
	At     time.Time `json:"at"`   // when it was created
	// LastSeen is the last request; the session ends after a site's idle
	// time without one.
	LastSeen time.Time `json:"last_seen"`
}

// SessionStore keeps sessions and one-time sign-in tokens. Hashes are
// TokenHash values (hex). Expired entries are never returned; stores
// delete them on their own schedule.
type SessionStore interface {
	// PutSignInToken stores a one-time token for userID, valid until exp.
	PutSignInToken(ctx context.Context, hash string, userID int64, exp time.Time) error
	// TakeSignInToken deletes the token and returns its user, atomically:
	// of two concurrent calls with one token at most one gets ok. An
	// expired or unknown token gives ok == false.
	TakeSignInToken(ctx context.Context, hash string, now time.Time) (userID int64, ok bool, err error)

	// PutSession stores a new session, ending after idle without a touch.
	PutSession(ctx context.Context, s Session, idle time.Duration) error
	// GetSession returns the session, or ok == false if there is none or
	// it has been idle longer than its idle time at now.
	GetSession(ctx context.Context, hash string, now time.Time) (s Session, ok bool, err error)
	// TouchSession records a request at now and restarts the idle time;
	// a session that is gone stays gone.
	TouchSession(ctx context.Context, hash string, now time.Time, idle time.Duration) error
	// DeleteSession ends one session; DeleteUserSessions ends all of a
	// user's sessions and returns how many there were.
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
}
