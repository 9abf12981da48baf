package bolt

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/storetest"
)

func TestKnowledgeStore(t *testing.T) {
	storetest.TestKnowledgeStore(t, func(t *testing.T) knowledge.Store {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}

// TestKnowledgePersistence checks that the knowledge base outlives a
// restart, in a file that also holds the bot's other buckets.
func TestKnowledgePersistence(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "laborbot.db")
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutEntryVersion(ctx, knowledge.EntryVersion{ID: "a-zh", Source: "A1", Actor: "cli", At: at},
		knowledge.AuditRecord{Action: knowledge.AuditPublish, ID: "a-zh", Actor: "cli", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordGap(ctx, "zh", "问题", knowledge.GapNotCovered, at, 10); err != nil {
		t.Fatal(err)
	}
	v, err := s.KBVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, path)
	snap, err := s.LoadKB(ctx)
	if err != nil || snap.Version != v || len(snap.Entries) != 1 || snap.Entries[0].Source != "A1" {
		t.Errorf("after reopen LoadKB = %+v, %v; want a-zh v1 at version %d", snap, err, v)
	}
	// Versions continue from where they were.
	if n, err := s.PutEntryVersion(ctx, knowledge.EntryVersion{ID: "a-zh", Source: "A2"}, knowledge.AuditRecord{}); err != nil || n != 2 {
		t.Errorf("first publish after reopen = v%d, %v; want v2", n, err)
	}
	if g, err := s.ListGaps(ctx, 10); err != nil || len(g) != 1 || g[0].Count != 1 {
		t.Errorf("after reopen ListGaps = %+v, %v", g, err)
	}
}
