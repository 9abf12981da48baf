// Package bot is the channel-agnostic conversation layer of laborbot: it
// turns a worker's messages into answers about PRC labor law and into
// complaints that become tickets for trade-union mediators, without knowing
// whether the messages came from Telegram or elsewhere.
//
// This file defines what the conversation layer needs from persistent
// storage. The interface lives here, next to its user, and the adapters are
// named after what they depend on (package bolt for an embedded file,
// package redis for a shared server), so that the conversation code never
// imports a database driver and tests can run it against any Store.
package bot

import (
	"context"
	"time"
)

// UpdateTTL is how long a Store remembers an update id passed to MarkUpdate.
// Telegram gives up redelivering an update after 24 hours; twice that leaves
// room for a replica that was down for a day and replays its backlog.
const UpdateTTL = 48 * time.Hour

// MaxFeedback is how many feedback entries a Store keeps at least; older ones
// may be dropped. Feedback is only used to find weak answers, so the recent
// past is enough and the store cannot grow without bound.
const MaxFeedback = 100_000

// Prefs are the settings a user chose for themselves.
type Prefs struct {
	// Lang is the user's chosen language ("" = not chosen yet, so the bot
	// asks or falls back to the Telegram client's language).
	Lang string `json:"lang"`
}

// Feedback is a 👍 or 👎 on one answer. It deliberately carries no user id
// and no message text: workers complain about their employers here, and
// feedback must not be traceable to a person.
//
// The JSON names are part of the stored format, so renaming a Go field
// does not orphan data already written.
type Feedback struct {
	AnswerID string    `json:"answer_id"` // the answer that was rated
	EntryID  string    `json:"entry_id"`  // the knowledge-base entry it was built from
	Lang     string    `json:"lang"`      // the language the answer was given in
	Helpful  bool      `json:"helpful"`   // 👍 = true, 👎 = false
	At       time.Time `json:"at"`        // when the rating was given
}

// Store is the bot's persistent state. Implementations must be safe for
// concurrent use: handlers run in parallel, and several replicas may share
// one Store.
//
// Methods return an error when ctx is already done.
type Store interface {
	// GetPrefs returns the user's preferences, or the zero Prefs and a nil
	// error when none were stored: a new user is not an error.
	GetPrefs(ctx context.Context, userID int64) (Prefs, error)
	// SetPrefs replaces the user's preferences.
	SetPrefs(ctx context.Context, userID int64, p Prefs) error
	// DeletePrefs forgets the user's preferences; deleting none is no error.
	DeletePrefs(ctx context.Context, userID int64) error

	// AddFeedback records one rating.
	AddFeedback(ctx context.Context, f Feedback) error
	// ListFeedback returns up to limit ratings, newest (last added) first.
	// A limit <= 0 returns none.
	ListFeedback(ctx context.Context, limit int) ([]Feedback, error)

	// MarkUpdate records that the update with this id is being handled and
	// reports whether this call was the first to do so. It is atomic, so an
	// update delivered twice (Telegram retries, two replicas) is handled
	// once. Ids are forgotten after UpdateTTL.
	MarkUpdate(ctx context.Context, updateID int64) (first bool, err error)

	// GetChatState returns the state a conversation flow saved for the chat
	// (an interview in progress), so a restart resumes at the same step. It
	// returns nil, nil when none is stored. The bytes are opaque to the
	// Store and the caller owns the returned slice.
	GetChatState(ctx context.Context, chatID int64) ([]byte, error)
	// SetChatState replaces the chat's state. An empty state deletes it,
	// because "no state" has one representation: nil from GetChatState.
	SetChatState(ctx context.Context, chatID int64, state []byte) error
	// DeleteChatState forgets the chat's state; deleting none is no error.
	DeleteChatState(ctx context.Context, chatID int64) error

	// Ping reports whether the Store can be used (for health checks).
	Ping(ctx context.Context) error
	// Close releases the Store's resources. Calling it again is a no-op.
	Close() error
}
