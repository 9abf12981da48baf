package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func redisReachable(url string) bool {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return false
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.Ping(ctx).Err() == nil
}

// deleteRedisKeys removes what a test wrote under its prefix.
func deleteRedisKeys(url, prefix string) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}

// testRedis returns the Redis to test against (REDIS_URL, default the local
// server) and a key prefix of the test's own, removed when it ends. When
// Redis is unreachable the test fails in CI and is skipped elsewhere.
func testRedis(t *testing.T, name string) (url, prefix string) {
	t.Helper()
	url = os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	if !redisReachable(url) {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s is unreachable (CI is set)", url)
		}
		t.Skipf("Redis at %s is unreachable", url)
	}
	prefix = fmt.Sprintf("%s-%d:", name, time.Now().UnixNano())
	t.Cleanup(func() { deleteRedisKeys(url, prefix) })
	return url, prefix
}
