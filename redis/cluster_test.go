package redis

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/schedule"
	"github.com/laborbot/laborbot/storetest"
	"github.com/laborbot/laborbot/web"
	"github.com/laborbot/laborbot/web/webchat"
)

// clusterClient connects to the Redis Cluster named by REDIS_CLUSTER_URL
// (.ci/redis-cluster.sh starts one and prints its URL). Without it the
// test skips on a developer's machine and fails in CI: the README claims
// the store runs on a cluster, and only a real one can show a CROSSSLOT
// error.
func clusterClient(t *testing.T) *goredis.ClusterClient {
	t.Helper()
	url := os.Getenv("REDIS_CLUSTER_URL")
	if url == "" {
		msg := "no Redis Cluster: start one with `.ci/redis-cluster.sh start DIR` and set REDIS_CLUSTER_URL to the URL it prints"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set: .ci/run does both)")
		}
		t.Skip(msg)
	}
	c, ok := clientAt(t, url, "REDIS_CLUSTER_URL").(*goredis.ClusterClient)
	if !ok {
		t.Fatalf("REDIS_CLUSTER_URL does not name a cluster (give several seed addresses: redis://h1:p1,h2:p2,...)")
	}
	info, err := c.ClusterInfo(t.Context()).Result()
	if err != nil || !strings.Contains(info, "cluster_state:ok") {
		t.Fatalf("REDIS_CLUSTER_URL: the cluster is not ready: %v\n%s", err, info)
	}
	return c
}

func newClusterStore(t *testing.T) (*Store, *goredis.ClusterClient) {
	t.Helper()
	c := clusterClient(t)
	s := New(c, testPrefix(t, c))
	t.Cleanup(func() { s.Close() })
	return s, c
}

// TestClusterStore runs every conformance suite the Redis store passes on
// a three-master Redis Cluster: every script, MULTI and multi-key command
// of the store must keep to one slot, or Redis refuses it with CROSSSLOT.
func TestClusterStore(t *testing.T) {
	clusterClient(t) // skip or fail once, not in every subtest
	store := func(t *testing.T) *Store {
		s, _ := newClusterStore(t)
		return s
	}
	t.Run("bot", func(t *testing.T) {
		storetest.TestStore(t, func(t *testing.T) bot.Store { return store(t) })
	})
	t.Run("spool", func(t *testing.T) {
		storetest.TestSpool(t, func(t *testing.T) bot.Spool { return store(t) })
	})
	t.Run("intake", func(t *testing.T) {
		storetest.TestIntakeStore(t, func(t *testing.T) intake.Store { return store(t) })
	})
	t.Run("webchat", func(t *testing.T) {
		storetest.TestWebChatStore(t, func(t *testing.T) webchat.Store { return store(t) })
	})
	t.Run("knowledge", func(t *testing.T) {
		storetest.TestKnowledgeStore(t, func(t *testing.T) knowledge.Store { return store(t) })
	})
	t.Run("letters", func(t *testing.T) {
		storetest.TestLetterStore(t, func(t *testing.T) letter.Store { return store(t) })
	})
	t.Run("sessions", func(t *testing.T) {
		storetest.TestSessionStore(t, func(t *testing.T) web.SessionStore { return store(t) })
	})
	t.Run("schedule", func(t *testing.T) {
		storetest.TestScheduleStore(t, func(t *testing.T) (schedule.Store, func() schedule.Store) {
			s := store(t)
			return s, func() schedule.Store {
				// A restart: a new client and Store on the same keys.
				s.Close()
				return New(clusterClient(t), s.Prefix())
			}
		})
	})
}

// TestClusterKeysSpread shows the cluster tests mean something: the keys
// of different users, chats and tickets land on different masters, so
// the suite above did cross nodes.
func TestClusterKeysSpread(t *testing.T) {
	s, c := newClusterStore(t)
	ctx := t.Context()
	for id := int64(1); id <= 30; id++ {
		if err := s.SetPrefs(ctx, id, bot.Prefs{Lang: "zh"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetChatState(ctx, id, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkUpdate(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu     sync.Mutex
		counts = map[string]int{}
	)
	err := c.ForEachMaster(ctx, func(ctx context.Context, n *goredis.Client) error {
		keys, err := n.Keys(ctx, s.Prefix()+"*").Result()
		mu.Lock()
		counts[n.Options().Addr] = len(keys)
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, n := range counts {
		if n > 0 {
			used++
		}
	}
	if len(counts) < 3 || used < 3 {
		t.Errorf("keys per master = %v; want three masters, each holding some", counts)
	}
}

// TestClusterRebuildIndexDropsStale: a rebuild deletes the old index
// sets, found by SCAN, before writing new ones. On a cluster SCAN walks one
// node; go-redis sends it to the node of the pattern's hash tag ({intake}),
// and to any node at all without one, which would leave stale sets behind.
func TestClusterRebuildIndexDropsStale(t *testing.T) {
	s, c := newClusterStore(t)
	testRebuildIndexDropsStale(t, s, c)
}

func TestRebuildIndexDropsStale(t *testing.T) {
	s, c := newTestStore(t)
	testRebuildIndexDropsStale(t, s, c)
}

func testRebuildIndexDropsStale(t *testing.T, s *Store, c goredis.UniversalClient) {
	ctx := t.Context()
	for round := range 6 {
		stale := s.ixKey(fmt.Sprintf("stale-%d", round))
		if err := c.ZAdd(ctx, stale, goredis.Z{Score: 1, Member: "1"}).Err(); err != nil {
			t.Fatal(err)
		}
		// go-redis sends keyless commands to the nodes in turn: a few
		// more keyless commands each round shift where a SCAN that is
		// not aimed would land, so over the rounds it would miss.
		for range round {
			c.Scan(ctx, 0, "no-such-key", 1)
		}
		if err := s.RebuildIndex(ctx, fmt.Sprintf("v%d", round)); err != nil {
			t.Fatalf("RebuildIndex: %v", err)
		}
		if n, err := c.Exists(ctx, stale).Result(); err != nil || n != 0 {
			t.Fatalf("round %d: the stale index set %s survived the rebuild (%d, %v)", round, stale, n, err)
		}
	}
}

// TestClusterRefusesCrossSlot shows the cluster under test is strict: a
// MULTI over keys of two users (two hash tags, two slots) is refused with
// CROSSSLOT, the error every store operation above would meet if its keys
// did not share a tag.
func TestClusterRefusesCrossSlot(t *testing.T) {
	s, c := newClusterStore(t)
	_, err := c.TxPipelined(t.Context(), func(p goredis.Pipeliner) error {
		p.Set(t.Context(), s.userKey(1, "prefs"), "x", 0)
		p.Set(t.Context(), s.userKey(2, "prefs"), "y", 0)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("a MULTI over two users' keys gave %v, want CROSSSLOT", err)
	}
}
