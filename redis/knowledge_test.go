package redis

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/storetest"
)

func TestKnowledgeStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestKnowledgeStore(t, func(t *testing.T) knowledge.Store {
		s, _ := newTestStore(t)
		return s
	})
}

// TestKnowledgeTwoReplicas is two bot processes on one Redis: each has its
// own client, and a publish through one must reach the other's WatchKB
// within a second, with the new entry in its next LoadKB.
func TestKnowledgeTwoReplicas(t *testing.T) {
	first, _ := newTestStore(t)
	other := testClient(t) // a second connection pool, as another process has
	second := New(other, first.Prefix())

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, err := second.WatchKB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := first.PutEntryVersion(t.Context(), knowledge.EntryVersion{ID: "new-zh", Source: "S1", Actor: "tg:1", At: start},
		knowledge.AuditRecord{Action: knowledge.AuditPublish, ID: "new-zh", Actor: "tg:1", At: start}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
		t.Logf("replica notified after %s", time.Since(start).Round(time.Millisecond))
	case <-time.After(time.Second):
		t.Fatal("the other replica was not notified within a second")
	}
	snap, err := second.LoadKB(t.Context())
	if err != nil || len(snap.Entries) != 1 || snap.Entries[0].ID != "new-zh" || snap.Entries[0].Source != "S1" {
		t.Fatalf("the other replica's LoadKB = %+v, %v; want new-zh", snap, err)
	}
}

// TestKnowledgeWatchPollsCounter covers a change whose pub/sub message is
// lost (the subscriber was reconnecting): the counter is polled.
func TestKnowledgeWatchPollsCounter(t *testing.T) {
	s, client := newTestStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, err := s.WatchKB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// What a change does, minus the PUBLISH.
	if err := client.Incr(t.Context(), s.kbKey("version")).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(kbPollInterval + 2*time.Second):
		t.Fatal("a change without a pub/sub message was not noticed by polling")
	}
}

// TestKnowledgeKeys checks that every knowledge-base key carries the {kb}
// hash tag, so the scripts that change several of them work on a Cluster.
func TestKnowledgeKeys(t *testing.T) {
	s, client := newTestStore(t)
	ctx := t.Context()
	at := time.Now()
	audit := knowledge.AuditRecord{Actor: "tg:1", At: at}
	if _, err := s.PutEntryVersion(ctx, knowledge.EntryVersion{ID: "k-zh", Source: "x"}, audit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDraft(ctx, knowledge.Draft{Source: "d"}, audit); err != nil {
		t.Fatal(err)
	}
	if err := s.PutStatute(ctx, knowledge.StatuteFile{Short: "法"}, audit); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordGap(ctx, "zh", "q", knowledge.GapNotCovered, at, 10); err != nil {
		t.Fatal(err)
	}
	keys := keysUnder(t, ctx, client, s.Prefix())
	if len(keys) < 8 {
		t.Errorf("only %d keys written: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, s.Prefix()+"{kb}:") {
			t.Errorf("key %q lacks the {kb} hash tag", k)
		}
	}
}
