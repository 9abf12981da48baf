package intake_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/redis"
)

// The Service tests run against both real stores: bolt (a file in a temp
// directory) and Redis (REDIS_URL or 127.0.0.1:6379; skipped without one
// unless CI is set, as in package redis).

// backend is an intake.Store under test with a view of its raw bytes.
type backend struct {
	store intake.Store
	// raw returns everything the store holds, as bytes: the bbolt file, or
	// every value of every key under the Redis prefix.
	raw func(t *testing.T) []byte
}

type backendFactory struct {
	name string
	open func(t *testing.T) backend
}

func backends(t *testing.T) []backendFactory {
	return []backendFactory{
		{"bolt", openBolt},
		{"redis", openRedis},
	}
}

func openBolt(t *testing.T) backend {
	t.Helper()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return backend{store: s, raw: func(t *testing.T) []byte {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}}
}

func openRedis(t *testing.T) backend {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	probeOpts := *opts
	probeOpts.DialerRetries, probeOpts.MaxRetries = 1, -1
	probe := goredis.NewUniversalClient(&probeOpts)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	err = probe.Ping(ctx).Err()
	cancel()
	probe.Close()
	if err != nil {
		msg := "no Redis at " + strings.Join(opts.Addrs, ",") + ": " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; skipping because CI is not set")
	}
	client := goredis.NewUniversalClient(opts)
	b := make([]byte, 8)
	rand.Read(b)
	prefix := "laborbot-test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, k := range redisKeys(t, ctx, client, prefix) {
			client.Del(ctx, k)
		}
		client.Close()
	})
	s := redis.New(client, prefix)
	return backend{store: s, raw: func(t *testing.T) []byte {
		t.Helper()
		ctx := context.Background()
		var out bytes.Buffer
		for _, k := range redisKeys(t, ctx, client, prefix) {
			fmt.Fprintf(&out, "%s\n", k)
			typ, err := client.Type(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			var v any
			switch typ {
			case "string":
				v, err = client.Get(ctx, k).Result()
			case "hash":
				v, err = client.HGetAll(ctx, k).Result()
			case "list":
				v, err = client.LRange(ctx, k, 0, -1).Result()
			case "set":
				v, err = client.SMembers(ctx, k).Result()
			case "zset":
				v, err = client.ZRange(ctx, k, 0, -1).Result()
			case "stream":
				v, err = client.XRange(ctx, k, "-", "+").Result()
			default:
				t.Fatalf("key %s has type %s the test cannot read", k, typ)
			}
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%v\n", v)
		}
		return out.Bytes()
	}}
}

func redisKeys(t testing.TB, ctx context.Context, client goredis.UniversalClient, prefix string) []string {
	var keys []string
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("scan: %v", err)
	}
	return keys
}

// clock is a settable clock for the Service and the interviews.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
