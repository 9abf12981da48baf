package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
)

// TestKnowledgeStore runs the conformance suite for knowledge.Store against
// the Store that open returns: a new, empty Store per call (subtests call
// it with their own t; open should close the Store in t.Cleanup).
func TestKnowledgeStore(t *testing.T, open func(t *testing.T) knowledge.Store) {
	t.Run("Empty", func(t *testing.T) { testKBEmpty(t, open(t)) })
	t.Run("Versions", func(t *testing.T) { testKBVersions(t, open(t)) })
	t.Run("SourceRoundTrip", func(t *testing.T) { testKBSourceRoundTrip(t, open(t)) })
	t.Run("ConcurrentPublish", func(t *testing.T) { testKBConcurrentPublish(t, open(t)) })
	t.Run("DisableEnable", func(t *testing.T) { testKBDisable(t, open(t)) })
	t.Run("Drafts", func(t *testing.T) { testKBDrafts(t, open(t)) })
	t.Run("Statutes", func(t *testing.T) { testKBStatutes(t, open(t)) })
	t.Run("Gaps", func(t *testing.T) { testKBGaps(t, open(t)) })
	t.Run("GapCap", func(t *testing.T) { testKBGapCap(t, open(t)) })
	t.Run("Audit", func(t *testing.T) { testKBAudit(t, open(t)) })
	t.Run("Watch", func(t *testing.T) { testKBWatch(t, open(t)) })
	t.Run("CanceledContext", func(t *testing.T) { testKBCanceled(t, open(t)) })
}

// kbAt returns a time minutes after a fixed one, in a zone other than UTC
// and with nanoseconds: a store may change the zone but must keep the
// instant.
func kbAt(minutes int) time.Time {
	return time.Date(2026, 11, 23, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600)).Add(time.Duration(minutes) * time.Minute)
}

func kbMustPut(t *testing.T, s knowledge.Store, id, source, actor string, when time.Time) int {
	t.Helper()
	n, err := s.PutEntryVersion(t.Context(), knowledge.EntryVersion{ID: id, Source: source, Actor: actor, At: when, Note: "note " + source},
		knowledge.AuditRecord{At: when, Actor: actor, Action: knowledge.AuditPublish, ID: id})
	if err != nil {
		t.Fatalf("PutEntryVersion(%s): %v", id, err)
	}
	return n
}

func kbMustVersion(t *testing.T, s knowledge.Store) uint64 {
	t.Helper()
	v, err := s.KBVersion(t.Context())
	if err != nil {
		t.Fatalf("KBVersion: %v", err)
	}
	return v
}

func kbMustLoad(t *testing.T, s knowledge.Store) knowledge.KBSnapshot {
	t.Helper()
	snap, err := s.LoadKB(t.Context())
	if err != nil {
		t.Fatalf("LoadKB: %v", err)
	}
	return snap
}

func kbMustAudit(t *testing.T, s knowledge.Store, limit int) []knowledge.AuditRecord {
	t.Helper()
	recs, err := s.ListAudit(t.Context(), limit)
	if err != nil {
		t.Fatalf("ListAudit(%d): %v", limit, err)
	}
	return recs
}

func testKBEmpty(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	if snap := kbMustLoad(t, s); snap.Version != 0 || len(snap.Entries) != 0 || len(snap.Statutes) != 0 {
		t.Errorf("LoadKB of an empty store = %+v, want version 0 and nothing", snap)
	}
	if v := kbMustVersion(t, s); v != 0 {
		t.Errorf("KBVersion of an empty store = %d, want 0", v)
	}
	if h, err := s.EntryHistory(ctx, "nothing-zh"); err != nil || len(h) != 0 {
		t.Errorf("EntryHistory of an unknown id = %v, %v; want none, nil", h, err)
	}
	for _, v := range []int{0, 1, -1} {
		if _, err := s.EntryVersion(ctx, "nothing-zh", v); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("EntryVersion(unknown, %d) error = %v, want ErrNotFound", v, err)
		}
	}
	if d, err := s.ListDrafts(ctx); err != nil || len(d) != 0 {
		t.Errorf("ListDrafts = %v, %v; want none", d, err)
	}
	if _, err := s.GetDraft(ctx, 1); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("GetDraft(1) error = %v, want ErrNotFound", err)
	}
	if g, err := s.ListGaps(ctx, 10); err != nil || len(g) != 0 {
		t.Errorf("ListGaps = %v, %v; want none", g, err)
	}
	if a := kbMustAudit(t, s, 10); len(a) != 0 {
		t.Errorf("ListAudit = %v, want none", a)
	}
}

func testKBVersions(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	if n := kbMustPut(t, s, "a-zh", "A1", "tg:1", kbAt(0)); n != 1 {
		t.Fatalf("first version of a-zh = %d, want 1", n)
	}
	if n := kbMustPut(t, s, "a-zh", "A2", "tg:2", kbAt(1)); n != 2 {
		t.Fatalf("second version of a-zh = %d, want 2", n)
	}
	if n := kbMustPut(t, s, "b-en", "B1", "cli", kbAt(2)); n != 1 {
		t.Fatalf("first version of b-en = %d, want 1: versions are numbered per entry", n)
	}
	if n := kbMustPut(t, s, "a-zh", "", "tg:1", kbAt(3)); n != 3 {
		t.Fatalf("third version of a-zh (empty source = built-in) = %d, want 3", n)
	}
	if v := kbMustVersion(t, s); v < 4 {
		t.Errorf("KBVersion after 4 publishes = %d, want at least 4 (it must grow with every change)", v)
	}

	h, err := s.EntryHistory(ctx, "a-zh")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		src, actor string
		when       time.Time
	}{{"A1", "tg:1", kbAt(0)}, {"A2", "tg:2", kbAt(1)}, {"", "tg:1", kbAt(3)}}
	if len(h) != len(want) {
		t.Fatalf("EntryHistory(a-zh) has %d versions, want %d: %+v", len(h), len(want), h)
	}
	for i, w := range want {
		g := h[i]
		if g.ID != "a-zh" || g.Version != i+1 || g.Source != w.src || g.Actor != w.actor || !g.At.Equal(w.when) || g.Note != "note "+w.src {
			t.Errorf("EntryHistory(a-zh)[%d] = %+v, want version %d, source %q, actor %s, at %v", i, g, i+1, w.src, w.actor, w.when)
		}
	}
	v2, err := s.EntryVersion(ctx, "a-zh", 2)
	if err != nil || v2.Source != "A2" || v2.Version != 2 || v2.Actor != "tg:2" {
		t.Errorf("EntryVersion(a-zh, 2) = %+v, %v; want A2 by tg:2", v2, err)
	}
	if _, err := s.EntryVersion(ctx, "a-zh", 4); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("EntryVersion(a-zh, 4) error = %v, want ErrNotFound", err)
	}
	if _, err := s.EntryVersion(ctx, "b-en", 2); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("EntryVersion(b-en, 2) error = %v, want ErrNotFound", err)
	}

	snap := kbMustLoad(t, s)
	if len(snap.Entries) != 2 {
		t.Fatalf("LoadKB has %d entries, want 2: %+v", len(snap.Entries), snap.Entries)
	}
	a, b := snap.Entries[0], snap.Entries[1]
	if a.ID != "a-zh" || a.Version != 3 || a.Source != "" || a.Disabled || a.Actor != "tg:1" || !a.At.Equal(kbAt(3)) {
		t.Errorf("state of a-zh = %+v, want version 3 (the latest), empty source, by tg:1", a)
	}
	if b.ID != "b-en" || b.Version != 1 || b.Source != "B1" {
		t.Errorf("state of b-en = %+v, want version 1, source B1", b)
	}
	if snap.Version != kbMustVersion(t, s) {
		t.Errorf("LoadKB version %d differs from KBVersion %d", snap.Version, kbMustVersion(t, s))
	}

	// The audit trail has every publish with the version it made.
	recs := kbMustAudit(t, s, 10)
	wantAudit := []struct {
		id string
		v  int
	}{{"a-zh", 3}, {"b-en", 1}, {"a-zh", 2}, {"a-zh", 1}}
	if len(recs) != len(wantAudit) {
		t.Fatalf("ListAudit has %d records, want %d: %+v", len(recs), len(wantAudit), recs)
	}
	for i, w := range wantAudit {
		if recs[i].ID != w.id || recs[i].Version != w.v || recs[i].Action != knowledge.AuditPublish {
			t.Errorf("ListAudit[%d] = %+v, want publish of %s v%d", i, recs[i], w.id, w.v)
		}
	}
}

func testKBSourceRoundTrip(t *testing.T, s knowledge.Store) {
	sources := map[string]string{
		"unicode-zh": "---\nid: x\n---\n老板拖欠工资 👷‍♀️ [劳动合同法 30]\r\nCRLF line\u2028sep </script> & \"quotes\" \\ back\\slash \t tab",
		"big-zh":     strings.Repeat("工资", knowledge.MaxEntryFileBytes/6),
		"json-en":    `{"version": 99, "id": "evil"}`,
	}
	for id, src := range sources {
		kbMustPut(t, s, id, src, "tg:1", kbAt(0))
	}
	for id, src := range sources {
		v, err := s.EntryVersion(t.Context(), id, 1)
		if err != nil || v.Source != src || v.ID != id {
			t.Errorf("EntryVersion(%s, 1) = id %q, source of %d bytes, %v; want the %d bytes stored", id, v.ID, len(v.Source), err, len(src))
		}
	}
	for _, st := range kbMustLoad(t, s).Entries {
		if st.Source != sources[st.ID] || st.Version != 1 {
			t.Errorf("LoadKB state of %s: version %d, source of %d bytes; want version 1 and the %d bytes stored", st.ID, st.Version, len(st.Source), len(sources[st.ID]))
		}
	}
}

func testKBConcurrentPublish(t *testing.T, s knowledge.Store) {
	// Two admins publishing the same entry at once must get two versions,
	// not one overwriting the other.
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int]bool{}
	var errs []error
	start := make(chan struct{})
	for g := range n {
		wg.Go(func() {
			<-start
			v, err := s.PutEntryVersion(t.Context(), knowledge.EntryVersion{ID: "c-zh", Source: fmt.Sprint(g), Actor: "a", At: kbAt(g)},
				knowledge.AuditRecord{Actor: "a", Action: knowledge.AuditPublish, ID: "c-zh", At: kbAt(g)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			got[v] = true
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("PutEntryVersion errors: %v", errs)
	}
	for v := 1; v <= n; v++ {
		if !got[v] {
			t.Fatalf("concurrent publishes got versions %v, want each of 1..%d once", got, n)
		}
	}
	h, err := s.EntryHistory(t.Context(), "c-zh")
	if err != nil || len(h) != n {
		t.Fatalf("EntryHistory after %d concurrent publishes has %d versions, %v", n, len(h), err)
	}
	seen := map[string]bool{}
	for i, v := range h {
		if v.Version != i+1 {
			t.Errorf("history[%d].Version = %d, want %d", i, v.Version, i+1)
		}
		seen[v.Source] = true
	}
	if len(seen) != n {
		t.Errorf("history holds %d distinct sources, want %d: a version was overwritten", len(seen), n)
	}
	if len(kbMustAudit(t, s, 100)) != n {
		t.Errorf("audit trail does not have one record per publish")
	}
}

func testKBDisable(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	set := func(id string, disabled bool, minute int) bool {
		t.Helper()
		action := knowledge.AuditEnable
		if disabled {
			action = knowledge.AuditDisable
		}
		changed, err := s.SetEntryDisabled(ctx, id, disabled, knowledge.AuditRecord{At: kbAt(minute), Actor: "tg:9", Action: action, ID: id})
		if err != nil {
			t.Fatalf("SetEntryDisabled(%s, %v): %v", id, disabled, err)
		}
		return changed
	}
	state := func(id string) (knowledge.EntryState, bool) {
		t.Helper()
		for _, st := range kbMustLoad(t, s).Entries {
			if st.ID == id {
				return st, true
			}
		}
		return knowledge.EntryState{}, false
	}

	kbMustPut(t, s, "p-zh", "P1", "tg:1", kbAt(0))
	v0 := kbMustVersion(t, s)
	if !set("p-zh", true, 1) {
		t.Fatal("disabling an enabled entry reported no change")
	}
	if st, _ := state("p-zh"); !st.Disabled || st.Version != 1 || st.Source != "P1" || st.Actor != "tg:9" || !st.At.Equal(kbAt(1)) {
		t.Errorf("state after disable = %+v, want disabled, still version 1 with its source, by tg:9", st)
	}
	v1 := kbMustVersion(t, s)
	if v1 <= v0 {
		t.Errorf("KBVersion did not grow on disable (%d → %d)", v0, v1)
	}
	if set("p-zh", true, 2) {
		t.Error("disabling a disabled entry reported a change")
	}
	if v := kbMustVersion(t, s); v != v1 {
		t.Errorf("KBVersion changed (%d → %d) on a disable that changed nothing", v1, v)
	}
	if !set("p-zh", false, 3) {
		t.Fatal("enabling a disabled entry reported no change")
	}
	if st, _ := state("p-zh"); st.Disabled || st.Version != 1 || st.Source != "P1" {
		t.Errorf("state after enable = %+v, want enabled version 1", st)
	}

	// Publishing a disabled entry makes the new version current and enabled.
	set("p-zh", true, 4)
	kbMustPut(t, s, "p-zh", "P2", "tg:1", kbAt(5))
	if st, _ := state("p-zh"); st.Disabled || st.Version != 2 {
		t.Errorf("state after publishing a disabled entry = %+v, want enabled version 2", st)
	}

	// A built-in entry nobody published can be disabled too.
	if set("builtin-zh", false, 6) {
		t.Error("enabling an entry that was never disabled reported a change")
	}
	if _, ok := state("builtin-zh"); ok {
		t.Error("enabling an unknown entry stored a state for it")
	}
	if !set("builtin-zh", true, 7) {
		t.Fatal("disabling an unpublished (built-in) entry reported no change")
	}
	if st, ok := state("builtin-zh"); !ok || !st.Disabled || st.Version != 0 || st.Source != "" {
		t.Errorf("state of disabled built-in = %+v (found %v), want disabled with version 0", st, ok)
	}
	if !set("builtin-zh", false, 8) {
		t.Fatal("enabling the built-in entry reported no change")
	}
	if st, ok := state("builtin-zh"); ok && (st.Disabled || st.Version != 0) {
		t.Errorf("state of re-enabled built-in = %+v, want none or enabled version 0", st)
	}

	// Only changes are in the audit trail.
	var actions []string
	for _, r := range kbMustAudit(t, s, 100) {
		actions = append(actions, string(r.Action)+" "+r.ID)
	}
	want := []string{"enable builtin-zh", "disable builtin-zh", "publish p-zh", "disable p-zh", "enable p-zh", "disable p-zh", "publish p-zh"}
	if strings.Join(actions, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit trail = %v, want %v", actions, want)
	}
}

func testKBDrafts(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	v0 := kbMustVersion(t, s)
	add := func(src, author string, minute int) knowledge.Draft {
		t.Helper()
		d, err := s.AddDraft(ctx, knowledge.Draft{EntryID: "x-zh", Title: "标题", Source: src, Author: author, At: kbAt(minute)},
			knowledge.AuditRecord{At: kbAt(minute), Actor: author, Action: knowledge.AuditSuggest})
		if err != nil {
			t.Fatalf("AddDraft: %v", err)
		}
		return d
	}
	d1 := add("草稿一", "tg:5", 0)
	d2 := add("draft two", "tg:6", 1)
	if d1.ID <= 0 || d2.ID <= d1.ID {
		t.Fatalf("draft ids %d, %d: want positive and increasing", d1.ID, d2.ID)
	}
	got, err := s.GetDraft(ctx, d1.ID)
	if err != nil || got.Source != "草稿一" || got.Author != "tg:5" || got.EntryID != "x-zh" || got.Title != "标题" || !got.At.Equal(kbAt(0)) {
		t.Errorf("GetDraft(%d) = %+v, %v; want the first draft", d1.ID, got, err)
	}
	list, err := s.ListDrafts(ctx)
	if err != nil || len(list) != 2 || list[0].ID != d1.ID || list[1].ID != d2.ID {
		t.Fatalf("ListDrafts = %+v, %v; want both drafts, oldest first", list, err)
	}

	d1.Source, d1.EditedBy, d1.EditedAt = "草稿一（改）", "tg:1", kbAt(2)
	if err := s.UpdateDraft(ctx, d1, knowledge.AuditRecord{At: kbAt(2), Actor: "tg:1", Action: knowledge.AuditEditDraft, ID: knowledge.DraftRef(d1.ID)}); err != nil {
		t.Fatalf("UpdateDraft: %v", err)
	}
	if got, _ := s.GetDraft(ctx, d1.ID); got.Source != "草稿一（改）" || got.EditedBy != "tg:1" || !got.EditedAt.Equal(kbAt(2)) || got.Author != "tg:5" {
		t.Errorf("after UpdateDraft GetDraft = %+v", got)
	}
	missing := knowledge.Draft{ID: d2.ID + 100, Source: "x"}
	if err := s.UpdateDraft(ctx, missing, knowledge.AuditRecord{Action: knowledge.AuditEditDraft}); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("UpdateDraft of a missing draft error = %v, want ErrNotFound", err)
	}
	if _, err := s.GetDraft(ctx, missing.ID); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("UpdateDraft of a missing draft created it (GetDraft error %v)", err)
	}

	reject := knowledge.AuditRecord{At: kbAt(3), Actor: "tg:1", Action: knowledge.AuditRejectDraft, ID: knowledge.DraftRef(d2.ID), Note: "duplicate"}
	if err := s.DeleteDraft(ctx, d2.ID, reject); err != nil {
		t.Fatalf("DeleteDraft: %v", err)
	}
	if err := s.DeleteDraft(ctx, d2.ID, reject); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("second DeleteDraft error = %v, want ErrNotFound", err)
	}
	if _, err := s.GetDraft(ctx, d2.ID); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("GetDraft of a deleted draft error = %v, want ErrNotFound", err)
	}
	if list, _ := s.ListDrafts(ctx); len(list) != 1 || list[0].ID != d1.ID {
		t.Errorf("ListDrafts after delete = %+v, want only draft %d", list, d1.ID)
	}
	// A new draft never reuses a deleted one's id.
	if d3 := add("three", "tg:5", 4); d3.ID <= d2.ID {
		t.Errorf("draft after a deletion got id %d, not above %d", d3.ID, d2.ID)
	}

	if v := kbMustVersion(t, s); v != v0 {
		t.Errorf("KBVersion changed (%d → %d) on draft changes: drafts are not served", v0, v)
	}
	var trail []string
	for _, r := range kbMustAudit(t, s, 100) {
		trail = append(trail, string(r.Action)+" "+r.ID)
	}
	want := []string{"suggest " + knowledge.DraftRef(d2.ID+1), "reject_draft " + knowledge.DraftRef(d2.ID),
		"edit_draft " + knowledge.DraftRef(d1.ID), "suggest " + knowledge.DraftRef(d2.ID), "suggest " + knowledge.DraftRef(d1.ID)}
	if strings.Join(trail, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit trail = %v, want %v (AddDraft names the new draft in its record)", trail, want)
	}
}

func testKBStatutes(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	put := func(short, src string, minute int) {
		t.Helper()
		sf := knowledge.StatuteFile{Short: short, Title: "标题 " + short, Articles: minute + 1, Source: src, Name: short + ".md", Actor: "tg:1", At: kbAt(minute)}
		if err := s.PutStatute(ctx, sf, knowledge.AuditRecord{At: kbAt(minute), Actor: "tg:1", Action: knowledge.AuditPutStatute, ID: short}); err != nil {
			t.Fatalf("PutStatute(%s): %v", short, err)
		}
	}
	v0 := kbMustVersion(t, s)
	put("劳动争议解释（二）", "text one", 0)
	put("工会法", "text two", 1)
	put("劳动争议解释（二）", "text three", 2)
	snap := kbMustLoad(t, s)
	if len(snap.Statutes) != 2 {
		t.Fatalf("LoadKB has %d statutes, want 2 (a second put replaces): %+v", len(snap.Statutes), snap.Statutes)
	}
	byShort := map[string]knowledge.StatuteFile{}
	for _, sf := range snap.Statutes {
		byShort[sf.Short] = sf
	}
	if sf := byShort["劳动争议解释（二）"]; sf.Source != "text three" || sf.Articles != 3 || sf.Name != "劳动争议解释（二）.md" || !sf.At.Equal(kbAt(2)) || sf.Title != "标题 劳动争议解释（二）" {
		t.Errorf("replaced statute = %+v, want the second upload", sf)
	}
	if kbMustVersion(t, s) < v0+3 {
		t.Errorf("KBVersion did not grow with every statute upload")
	}
	del := knowledge.AuditRecord{At: kbAt(3), Actor: "tg:1", Action: knowledge.AuditDeleteStatute, ID: "工会法"}
	v1 := kbMustVersion(t, s)
	if err := s.DeleteStatute(ctx, "工会法", del); err != nil {
		t.Fatalf("DeleteStatute: %v", err)
	}
	if kbMustVersion(t, s) <= v1 {
		t.Errorf("KBVersion did not grow on DeleteStatute")
	}
	if err := s.DeleteStatute(ctx, "工会法", del); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("second DeleteStatute error = %v, want ErrNotFound", err)
	}
	if snap := kbMustLoad(t, s); len(snap.Statutes) != 1 || snap.Statutes[0].Short != "劳动争议解释（二）" {
		t.Errorf("statutes after delete = %+v", snap.Statutes)
	}
	if n := len(kbMustAudit(t, s, 100)); n != 4 {
		t.Errorf("audit trail has %d records, want 4 (3 uploads, 1 delete; not the failed delete)", n)
	}
}

func testKBGaps(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	record := func(lang, q string, reason knowledge.GapReason, minute int) {
		t.Helper()
		if err := s.RecordGap(ctx, lang, q, reason, kbAt(minute), 1000); err != nil {
			t.Fatalf("RecordGap(%s, %q): %v", lang, q, err)
		}
	}
	v0 := kbMustVersion(t, s)
	record("zh", "外卖骑手摔伤算工伤吗", knowledge.GapNotCovered, 0)
	record("zh", "外卖骑手摔伤算工伤吗", knowledge.GapNotCovered, 5)
	record("zh", "外卖骑手摔伤算工伤吗", knowledge.GapThumbsDown, 2) // older than the last: LastSeen stays
	record("en", "外卖骑手摔伤算工伤吗", knowledge.GapLowConfidence, 1)
	record("zh", "b question", knowledge.GapLowConfidence, 3)
	record("zh", "a question", knowledge.GapLowConfidence, 4)
	record("zh", "b question", knowledge.GapThumbsDown, 6)

	gaps, err := s.ListGaps(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		key     string
		count   int
		last    time.Time
		reasons map[knowledge.GapReason]int
	}
	want := []row{
		{"zh:外卖骑手摔伤算工伤吗", 3, kbAt(5), map[knowledge.GapReason]int{knowledge.GapNotCovered: 2, knowledge.GapThumbsDown: 1}},
		{"zh:b question", 2, kbAt(6), map[knowledge.GapReason]int{knowledge.GapLowConfidence: 1, knowledge.GapThumbsDown: 1}},
		// Equal counts: in key order.
		{"en:外卖骑手摔伤算工伤吗", 1, kbAt(1), map[knowledge.GapReason]int{knowledge.GapLowConfidence: 1}},
		{"zh:a question", 1, kbAt(4), map[knowledge.GapReason]int{knowledge.GapLowConfidence: 1}},
	}
	if len(gaps) != len(want) {
		t.Fatalf("ListGaps = %+v, want %d gaps", gaps, len(want))
	}
	for i, w := range want {
		g := gaps[i]
		ok := g.Key() == w.key && g.Count == w.count && g.LastSeen.Equal(w.last) && len(g.Reasons) == len(w.reasons)
		for r, n := range w.reasons {
			ok = ok && g.Reasons[r] == n
		}
		if !ok {
			t.Errorf("ListGaps[%d] = %+v, want %s ×%d, last seen %v, reasons %v", i, g, w.key, w.count, w.last, w.reasons)
		}
	}
	if g, _ := s.ListGaps(ctx, 2); len(g) != 2 || g[1].Key() != "zh:b question" {
		t.Errorf("ListGaps(2) = %+v, want the two most frequent", g)
	}
	if g, err := s.ListGaps(ctx, 0); err != nil || len(g) != 0 {
		t.Errorf("ListGaps(0) = %+v, %v; want none", g, err)
	}
	if v := kbMustVersion(t, s); v != v0 {
		t.Errorf("KBVersion changed on RecordGap (%d → %d): gaps are not served", v0, v)
	}
	if a := kbMustAudit(t, s, 10); len(a) != 0 {
		t.Errorf("RecordGap wrote audit records: %+v", a)
	}

	clear := knowledge.AuditRecord{At: kbAt(7), Actor: "tg:1", Action: knowledge.AuditClearGaps, ID: "rider-injury-zh"}
	n, err := s.DeleteGaps(ctx, []string{"zh:外卖骑手摔伤算工伤吗", "zh:a question", "zh:a question", "zh:never recorded"}, clear)
	if err != nil || n != 2 {
		t.Fatalf("DeleteGaps = %d, %v; want 2 (duplicates and unknown keys do not count)", n, err)
	}
	gaps, _ = s.ListGaps(ctx, 10)
	if len(gaps) != 2 || gaps[0].Key() != "zh:b question" || gaps[1].Key() != "en:外卖骑手摔伤算工伤吗" {
		t.Errorf("gaps after delete = %+v, want b question and the English one", gaps)
	}
	if n, err := s.DeleteGaps(ctx, []string{"zh:never recorded"}, clear); err != nil || n != 0 {
		t.Errorf("DeleteGaps of unknown keys = %d, %v; want 0", n, err)
	}
	if a := kbMustAudit(t, s, 10); len(a) != 1 || a[0].Action != knowledge.AuditClearGaps || a[0].ID != "rider-injury-zh" {
		t.Errorf("audit after deleting gaps = %+v, want one clear_gaps record (none for deleting nothing)", a)
	}
	// A deleted gap asked again starts from one.
	record("zh", "外卖骑手摔伤算工伤吗", knowledge.GapNotCovered, 8)
	for _, g := range kbMustGaps(t, s) {
		if g.Key() == "zh:外卖骑手摔伤算工伤吗" && (g.Count != 1 || g.Reasons[knowledge.GapThumbsDown] != 0) {
			t.Errorf("re-recorded gap = %+v, want a fresh count of 1", g)
		}
	}
}

func kbMustGaps(t *testing.T, s knowledge.Store) []knowledge.Gap {
	t.Helper()
	g, err := s.ListGaps(t.Context(), 1000)
	if err != nil {
		t.Fatalf("ListGaps: %v", err)
	}
	return g
}

func testKBGapCap(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	const max = 3
	for i, q := range []string{"a", "a", "a", "b", "b", "c", "d", "d", "e"} {
		if err := s.RecordGap(ctx, "zh", q, knowledge.GapNotCovered, kbAt(i), max); err != nil {
			t.Fatalf("RecordGap: %v", err)
		}
	}
	// After d: a×3 b×2 c×1 d×1 → c (the least frequent other than d) goes.
	// d's second occurrence makes it d×2; then e: a×3 b×2 d×2 e×1 → one of
	// b and d goes, never the newcomer e and never a.
	gaps := kbMustGaps(t, s)
	if len(gaps) != max {
		t.Fatalf("with a cap of %d, ListGaps = %+v", max, gaps)
	}
	keys := map[string]int{}
	for _, g := range gaps {
		keys[g.Question] = g.Count
	}
	if keys["a"] != 3 || keys["e"] != 1 || keys["c"] != 0 {
		t.Errorf("gaps kept = %v, want a×3, the new e and one of b and d (c evicted first)", keys)
	}
}

func testKBAudit(t *testing.T, s knowledge.Store) {
	ctx := t.Context()
	for i := range 5 {
		kbMustPut(t, s, fmt.Sprintf("e%d-zh", i), "src", fmt.Sprintf("tg:%d", i), kbAt(i))
	}
	recs := kbMustAudit(t, s, 3)
	if len(recs) != 3 {
		t.Fatalf("ListAudit(3) = %d records", len(recs))
	}
	for i, r := range recs {
		wantID := fmt.Sprintf("e%d-zh", 4-i)
		if r.ID != wantID || r.Actor != fmt.Sprintf("tg:%d", 4-i) || !r.At.Equal(kbAt(4-i)) || r.Version != 1 {
			t.Errorf("ListAudit(3)[%d] = %+v, want the publish of %s (newest first)", i, r, wantID)
		}
	}
	for _, limit := range []int{0, -1} {
		if r, err := s.ListAudit(ctx, limit); err != nil || len(r) != 0 {
			t.Errorf("ListAudit(%d) = %v, %v; want none", limit, r, err)
		}
	}
	if r := kbMustAudit(t, s, 100); len(r) != 5 {
		t.Errorf("ListAudit(100) = %d records, want 5", len(r))
	}
}

func testKBWatch(t *testing.T, s knowledge.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, err := s.WatchKB(ctx)
	if err != nil {
		t.Fatalf("WatchKB: %v", err)
	}
	expect := func(what string) {
		t.Helper()
		select {
		case _, ok := <-changes:
			if !ok {
				t.Fatalf("after %s: watch channel closed", what)
			}
		case <-time.After(time.Second):
			t.Fatalf("no change signal within a second of %s", what)
		}
	}
	kbMustPut(t, s, "w-zh", "W1", "tg:1", kbAt(0))
	expect("a publish")
	if _, err := s.SetEntryDisabled(t.Context(), "w-zh", true, knowledge.AuditRecord{Action: knowledge.AuditDisable, ID: "w-zh"}); err != nil {
		t.Fatal(err)
	}
	expect("a disable")
	if err := s.PutStatute(t.Context(), knowledge.StatuteFile{Short: "s", Source: "x"}, knowledge.AuditRecord{Action: knowledge.AuditPutStatute}); err != nil {
		t.Fatal(err)
	}
	expect("a statute upload")
	// Several changes while nobody reads coalesce into at least one signal.
	kbMustPut(t, s, "w-zh", "W2", "tg:1", kbAt(1))
	kbMustPut(t, s, "w-zh", "W3", "tg:1", kbAt(2))
	expect("two publishes")

	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-changes:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel not closed within 5 s of canceling its context")
		}
	}
}

func testKBCanceled(t *testing.T, s knowledge.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	audit := knowledge.AuditRecord{Action: knowledge.AuditPublish, ID: "x-zh"}
	calls := map[string]func() error{
		"LoadKB":    func() error { _, err := s.LoadKB(ctx); return err },
		"KBVersion": func() error { _, err := s.KBVersion(ctx); return err },
		"PutEntryVersion": func() error {
			_, err := s.PutEntryVersion(ctx, knowledge.EntryVersion{ID: "x-zh", Source: "s"}, audit)
			return err
		},
		"EntryVersion":     func() error { _, err := s.EntryVersion(ctx, "x-zh", 1); return err },
		"EntryHistory":     func() error { _, err := s.EntryHistory(ctx, "x-zh"); return err },
		"SetEntryDisabled": func() error { _, err := s.SetEntryDisabled(ctx, "x-zh", true, audit); return err },
		"AddDraft":         func() error { _, err := s.AddDraft(ctx, knowledge.Draft{Source: "s"}, audit); return err },
		"GetDraft":         func() error { _, err := s.GetDraft(ctx, 1); return err },
		"ListDrafts":       func() error { _, err := s.ListDrafts(ctx); return err },
		"UpdateDraft":      func() error { return s.UpdateDraft(ctx, knowledge.Draft{ID: 1}, audit) },
		"DeleteDraft":      func() error { return s.DeleteDraft(ctx, 1, audit) },
		"PutStatute":       func() error { return s.PutStatute(ctx, knowledge.StatuteFile{Short: "s"}, audit) },
		"DeleteStatute":    func() error { return s.DeleteStatute(ctx, "s", audit) },
		"RecordGap": func() error {
			return s.RecordGap(ctx, "zh", "q", knowledge.GapNotCovered, kbAt(0), 10)
		},
		"ListGaps":   func() error { _, err := s.ListGaps(ctx, 10); return err },
		"DeleteGaps": func() error { _, err := s.DeleteGaps(ctx, []string{"zh:q"}, audit); return err },
		"ListAudit":  func() error { _, err := s.ListAudit(ctx, 10); return err },
		"WatchKB":    func() error { _, err := s.WatchKB(ctx); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with a canceled context returned no error", name)
		}
	}
	// And nothing was written.
	if snap := kbMustLoad(t, s); snap.Version != 0 || len(snap.Entries) != 0 || len(snap.Statutes) != 0 {
		t.Errorf("calls with a canceled context changed the store: %+v", snap)
	}
	if g := kbMustGaps(t, s); len(g) != 0 {
		t.Errorf("RecordGap with a canceled context recorded %+v", g)
	}
	if d, _ := s.ListDrafts(t.Context()); len(d) != 0 {
		t.Errorf("AddDraft with a canceled context stored %+v", d)
	}
}
