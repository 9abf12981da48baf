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

	"github.com/laborbot/laborbot/redis"
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
	opts, err := redis.ParseURL(url)
	if err != nil {
		return false
	}
	c := goredis.NewUniversalClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.Ping(ctx).Err() == nil
}

// deleteRedisKeys removes what a test wrote under its prefix, on every
// master when url names a cluster (SCAN walks one node).
func deleteRedisKeys(url, prefix string) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	c := goredis.NewUniversalClient(opts)
	defer c.Close()
	ctx := context.Background()
	for _, k := range redisKeys(ctx, c, prefix) {
		c.Del(ctx, k)
	}
}

// testRedisCluster is testRedis on the Redis Cluster of REDIS_CLUSTER_URL
// (.ci/redis-cluster.sh starts one and prints its URL; .ci/run does). Without
// it the test is skipped, or fails in CI.
func testRedisCluster(t *testing.T, name string) (url, prefix string) {
	t.Helper()
	url = os.Getenv("REDIS_CLUSTER_URL")
	if url == "" {
		msg := "no Redis Cluster: start one with `.ci/redis-cluster.sh start DIR` and set REDIS_CLUSTER_URL to the URL it prints"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: .ci/run does both)")
		}
		t.Skip(msg)
	}
	if opts, err := redis.ParseURL(url); err != nil || len(opts.Addrs) < 2 {
		t.Fatalf("REDIS_CLUSTER_URL must list the cluster's seed nodes (redis://h1:p1,h2:p2,...): %v", err)
	}
	if !redisReachable(url) {
		t.Fatalf("the Redis Cluster at REDIS_CLUSTER_URL is unreachable")
	}
	prefix = fmt.Sprintf("%s-%d:", name, time.Now().UnixNano())
	t.Cleanup(func() { deleteRedisKeys(url, prefix) })
	return url, prefix
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
