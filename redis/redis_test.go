package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/storetest"
)

// testURL is the Redis the tests use: REDIS_URL, or the local default.
func testURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379"
}

// testClient connects to the test Redis. Without one the tests cannot
// say anything about this package: they skip on a developer's machine but
// fail in CI, where a skipped store would look like a passing one.
func testClient(t *testing.T) goredis.UniversalClient {
	t.Helper()
	return clientAt(t, testURL(), "REDIS_URL")
}

// clientAt connects to the Redis at url, named by the variable env in
// messages; it skips or fails (in CI) the test when nothing answers.
func clientAt(t *testing.T, url, env string) goredis.UniversalClient {
	t.Helper()
	opts, err := ParseURL(url)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	// Probe with one dial attempt: go-redis's default retries would make
	// every test spend a second or more finding out there is no server.
	probeOpts := *opts
	probeOpts.DialerRetries, probeOpts.MaxRetries = 1, -1
	probe := goredis.NewUniversalClient(&probeOpts)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	err = probe.Ping(ctx).Err()
	probe.Close()
	if err != nil {
		msg := "no Redis at " + strings.Join(opts.Addrs, ",") + " (set " + env + "): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; skipping because CI is not set")
	}
	client := goredis.NewUniversalClient(opts)
	t.Cleanup(func() { client.Close() })
	return client
}

// testPrefix returns a prefix no other test run uses, and deletes every
// key under it when the test ends: the Redis may be shared.
func testPrefix(t *testing.T, client goredis.UniversalClient) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "laborbot-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		// t.Context is already canceled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, k := range keysUnder(t, ctx, client, prefix) {
			if err := client.Del(ctx, k).Err(); err != nil {
				t.Errorf("cleanup: delete %s: %v", k, err)
			}
		}
	})
	return prefix
}

func keysUnder(t *testing.T, ctx context.Context, client goredis.UniversalClient, prefix string) []string {
	t.Helper()
	var (
		mu   sync.Mutex
		keys []string
	)
	scan := func(ctx context.Context, c goredis.UniversalClient) error {
		// The random hex prefix holds no glob characters.
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	if cc, ok := client.(*goredis.ClusterClient); ok {
		// On a cluster SCAN sees one node's keys: ask every master.
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, client)
	}
	if err != nil {
		t.Errorf("scan %s*: %v", prefix, err)
	}
	return keys
}

func newTestStore(t *testing.T) (*Store, goredis.UniversalClient) {
	t.Helper()
	client := testClient(t)
	s := New(client, testPrefix(t, client))
	t.Cleanup(func() { s.Close() })
	return s, client
}

func TestStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestStore(t, func(t *testing.T) bot.Store {
		s, _ := newTestStore(t)
		return s
	})
}

func TestKeys(t *testing.T) {
	s, client := newTestStore(t)
	ctx := t.Context()
	p := s.Prefix()

	if err := s.SetPrefs(ctx, 42, bot.Prefs{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatState(ctx, -100, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkUpdate(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFeedback(ctx, bot.Feedback{AnswerID: "a"}); err != nil {
		t.Fatal(err)
	}

	want := map[string]bool{
		p + "{user:42}:prefs":   true,
		p + "{chat:-100}:state": true,
		p + "update:7":          true,
		p + "{feedback}:list":   true,
	}
	got := keysUnder(t, ctx, client, p)
	if len(got) != len(want) {
		t.Errorf("keys under %s = %v, want %d keys", p, got, len(want))
	}
	for _, k := range got {
		if !want[k] {
			t.Errorf("unexpected key %s", k)
		}
	}
}

func TestMarkUpdateSetsTTL(t *testing.T) {
	s, client := newTestStore(t)
	if _, err := s.MarkUpdate(t.Context(), 7); err != nil {
		t.Fatal(err)
	}
	ttl, err := client.TTL(t.Context(), s.updateKey(7)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= bot.UpdateTTL-time.Minute || ttl > bot.UpdateTTL {
		t.Errorf("TTL of the update key = %v, want about %v", ttl, bot.UpdateTTL)
	}

	// A duplicate must not extend the expiry.
	client.Expire(t.Context(), s.updateKey(7), time.Hour)
	if first, err := s.MarkUpdate(t.Context(), 7); err != nil || first {
		t.Fatalf("second MarkUpdate = %v, %v; want false", first, err)
	}
	if ttl, _ := client.TTL(t.Context(), s.updateKey(7)).Result(); ttl > time.Hour {
		t.Errorf("a duplicate MarkUpdate reset the TTL to %v", ttl)
	}
}

func TestOtherKeysDoNotExpire(t *testing.T) {
	s, client := newTestStore(t)
	ctx := t.Context()
	s.SetPrefs(ctx, 1, bot.Prefs{Lang: "en"})
	s.SetChatState(ctx, 1, []byte("x"))
	s.AddFeedback(ctx, bot.Feedback{AnswerID: "a"})
	for _, k := range []string{s.userKey(1, "prefs"), s.chatKey(1, "state"), s.feedbackKey()} {
		if ttl, err := client.TTL(ctx, k).Result(); err != nil || ttl != -1 {
			t.Errorf("TTL of %s = %v, %v; want -1 (no expiry)", k, ttl, err)
		}
	}
}

func TestFeedbackIsCapped(t *testing.T) {
	s, client := newTestStore(t)
	s.maxFeedback = 3
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		if err := s.AddFeedback(t.Context(), bot.Feedback{AnswerID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := client.LLen(t.Context(), s.feedbackKey()).Result(); err != nil || n != 3 {
		t.Errorf("feedback list length = %d, %v; want the cap of 3", n, err)
	}
	fb, err := s.ListFeedback(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fb {
		got = append(got, f.AnswerID)
	}
	if strings.Join(got, ",") != "e,d,c" {
		t.Errorf("ListFeedback = %v, want the newest three [e d c]", got)
	}
}

func TestDefaultPrefix(t *testing.T) {
	client := goredis.NewClient(&goredis.Options{}) // never connects
	defer client.Close()
	if got := New(client, "").Prefix(); got != DefaultPrefix {
		t.Errorf("New with empty prefix uses %q, want %q", got, DefaultPrefix)
	}
}

func TestPrefixWithBracesRejected(t *testing.T) {
	if _, err := Open(t.Context(), testURL(), "bot{1}:"); err == nil {
		t.Error("Open accepted a prefix with a hash tag")
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted a prefix with a hash tag")
		}
	}()
	client := goredis.NewClient(&goredis.Options{}) // never connects
	defer client.Close()
	New(client, "bot{1}:")
}

func TestOpenOwnsClient(t *testing.T) {
	client := testClient(t) // skips or fails without Redis
	prefix := testPrefix(t, client)

	s, err := Open(t.Context(), testURL(), prefix)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.SetPrefs(t.Context(), 1, bot.Prefs{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("Ping after Close succeeded: Close did not close the client Open made")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewLeavesClientOpen(t *testing.T) {
	s, client := newTestStore(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := client.Ping(t.Context()).Err(); err != nil {
		t.Errorf("client unusable after Store.Close: %v; New's client belongs to the caller", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	// Port 1 on loopback: nothing listens there, so the connection is
	// refused at once.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	s, err := Open(ctx, "redis://:secret@127.0.0.1:1/0?dial_timeout=1s&max_retries=-1", "")
	if err == nil {
		s.Close()
		t.Fatal("Open of an unreachable Redis succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q leaks the password", err)
	}
}
