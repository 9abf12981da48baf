// Package redis stores laborbot's state in Redis using go-redis, so that
// several replicas of the bot share one state (and one set of handled
// update ids). Package bolt is the single-process alternative.
//
// Keys all start with the Store's prefix (DefaultPrefix unless told
// otherwise) so that one Redis can serve several bots or test runs. Keys
// that belong to one user, chat or feature carry the same hash tag, so that
// on a Redis Cluster they live in one slot and can later be changed together
// in one MULTI or Lua script:
//
//	<prefix>{user:<id>}:prefs     JSON bot.Prefs
//	<prefix>{chat:<id>}:state     the chat's opaque state bytes
//	<prefix>{feedback}:list       JSON bot.Feedback, newest at the head, capped
//	<prefix>update:<id>           "1", expires after bot.UpdateTTL
//
// Update ids have no tag: each is set on its own, and spreading them over
// the cluster's slots spreads the write load.
//
// Like package bolt, the code is split by concern (prefs.go, feedback.go,
// updates.go, chatstate.go) so more stores can join the same *Store.
package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
)

// DefaultPrefix is the key prefix used when none is given.
const DefaultPrefix = "laborbot:"

// Store is a bot.Store in Redis. It is safe for concurrent use, also from
// several processes sharing the same Redis and prefix.
type Store struct {
	client goredis.UniversalClient
	prefix string
	// owned is true when Open created the client, so Close must close it;
	// a client passed to New belongs to the caller.
	owned bool

	// maxFeedback is bot.MaxFeedback; a field so tests can lower it.
	maxFeedback int64

	closeOnce sync.Once
	closeErr  error
}

var _ bot.Store = (*Store)(nil)

// New returns a Store that uses client with keys under prefix ("" means
// DefaultPrefix). Close does not close client.
//
// The prefix must not contain '{' or '}': Redis Cluster would take a brace
// pair in the prefix as every key's hash tag and put all keys in one slot.
// New panics if it does, as that is a programming error; Open returns an
// error instead.
func New(client goredis.UniversalClient, prefix string) *Store {
	prefix, err := checkPrefix(prefix)
	if err != nil {
		panic(err)
	}
	return &Store{client: client, prefix: prefix, maxFeedback: bot.MaxFeedback}
}

// Open connects to the Redis at rawURL (see ParseURL for its form, including
// Cluster and Sentinel) and pings it, so a wrong URL fails at start-up
// rather than at the first message. Close closes the connection.
func Open(ctx context.Context, rawURL string, prefix string) (*Store, error) {
	prefix, err := checkPrefix(prefix)
	if err != nil {
		return nil, err
	}
	opts, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	client := goredis.NewUniversalClient(opts)
	// The URL is not in the error: it may hold a password.
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("redis: ping %s: %w", strings.Join(opts.Addrs, ","), err)
	}
	s := New(client, prefix)
	s.owned = true
	return s, nil
}

func checkPrefix(prefix string) (string, error) {
	if prefix == "" {
		return DefaultPrefix, nil
	}
	if strings.ContainsAny(prefix, "{}") {
		return "", fmt.Errorf("redis: key prefix %q must not contain '{' or '}'", prefix)
	}
	return prefix, nil
}

// Prefix returns the prefix of all the Store's keys.
func (s *Store) Prefix() string { return s.prefix }

// Ping implements bot.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: ping: %w", err)
	}
	return nil
}

// Close implements bot.Store. It closes the client only if Open created it.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.owned {
			s.closeErr = s.client.Close()
		}
	})
	return s.closeErr
}

func (s *Store) userKey(userID int64, what string) string {
	return s.prefix + "{user:" + strconv.FormatInt(userID, 10) + "}:" + what
}

func (s *Store) chatKey(chatID int64, what string) string {
	return s.prefix + "{chat:" + strconv.FormatInt(chatID, 10) + "}:" + what
}

func (s *Store) updateKey(updateID int64) string {
	return s.prefix + "update:" + strconv.FormatInt(updateID, 10)
}

func (s *Store) feedbackKey() string {
	return s.prefix + "{feedback}:list"
}
