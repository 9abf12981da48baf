package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/storetest"
)

// memKB is a minimal in-memory knowledge.Store. It exists to check the
// suite itself: the suite must pass it, and must fail it when bug names one
// of the mistakes an adapter could plausibly make.
type memKB struct {
	bug string

	mu       sync.Mutex
	version  uint64
	versions map[string][]knowledge.EntryVersion
	states   map[string]knowledge.EntryState
	drafts   map[int64]knowledge.Draft
	draftSeq int64
	statutes map[string]knowledge.StatuteFile
	gaps     map[string]knowledge.Gap
	audit    []knowledge.AuditRecord
}

func newMemKB(bug string) *memKB {
	return &memKB{bug: bug, versions: map[string][]knowledge.EntryVersion{}, states: map[string]knowledge.EntryState{},
		drafts: map[int64]knowledge.Draft{}, statutes: map[string]knowledge.StatuteFile{}, gaps: map[string]knowledge.Gap{}}
}

func (m *memKB) lock(ctx context.Context) error {
	if m.bug != "ignores-context" {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	m.mu.Lock()
	return nil
}

func (m *memKB) bump() {
	if m.bug != "version-not-bumped" {
		m.version++
	}
}

func (m *memKB) LoadKB(ctx context.Context) (knowledge.KBSnapshot, error) {
	if err := m.lock(ctx); err != nil {
		return knowledge.KBSnapshot{}, err
	}
	defer m.mu.Unlock()
	snap := knowledge.KBSnapshot{Version: m.version}
	for _, st := range m.states {
		snap.Entries = append(snap.Entries, st)
	}
	for _, sf := range m.statutes {
		snap.Statutes = append(snap.Statutes, sf)
	}
	sort.Slice(snap.Entries, func(i, j int) bool { return snap.Entries[i].ID < snap.Entries[j].ID })
	sort.Slice(snap.Statutes, func(i, j int) bool { return snap.Statutes[i].Short < snap.Statutes[j].Short })
	return snap, nil
}

func (m *memKB) KBVersion(ctx context.Context) (uint64, error) {
	if err := m.lock(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	return m.version, nil
}

func (m *memKB) WatchKB(ctx context.Context) (<-chan struct{}, error) {
	last, err := m.KBVersion(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			if v, _ := m.KBVersion(ctx); v != last {
				last = v
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out, nil
}

func (m *memKB) PutEntryVersion(ctx context.Context, v knowledge.EntryVersion, audit knowledge.AuditRecord) (int, error) {
	if err := m.lock(ctx); err != nil {
		return 0, err
	}
	n := len(m.versions[v.ID]) + 1
	if m.bug == "publish-read-then-write" {
		// Release the lock between reading the count and appending, as a
		// store doing LLEN then RPUSH would.
		m.mu.Unlock()
		time.Sleep(time.Millisecond)
		m.mu.Lock()
	}
	defer m.mu.Unlock()
	v.Version = n
	if m.bug == "publish-read-then-write" && n <= len(m.versions[v.ID]) {
		m.versions[v.ID][n-1] = v
	} else {
		m.versions[v.ID] = append(m.versions[v.ID], v)
	}
	st := knowledge.EntryState{ID: v.ID, Version: n, Source: v.Source, Actor: v.Actor, At: v.At}
	if m.bug == "publish-keeps-disabled" {
		st.Disabled = m.states[v.ID].Disabled
	}
	m.states[v.ID] = st
	audit.Version = n
	m.audit = append(m.audit, audit)
	m.bump()
	return n, nil
}

func (m *memKB) EntryVersion(ctx context.Context, id string, version int) (knowledge.EntryVersion, error) {
	if err := m.lock(ctx); err != nil {
		return knowledge.EntryVersion{}, err
	}
	defer m.mu.Unlock()
	vs := m.versions[id]
	if version < 1 || version > len(vs) {
		return knowledge.EntryVersion{}, knowledge.ErrNotFound
	}
	return vs[version-1], nil
}

func (m *memKB) EntryHistory(ctx context.Context, id string) ([]knowledge.EntryVersion, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return slices.Clone(m.versions[id]), nil
}

func (m *memKB) SetEntryDisabled(ctx context.Context, id string, disabled bool, audit knowledge.AuditRecord) (bool, error) {
	if err := m.lock(ctx); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	st, ok := m.states[id]
	if !ok {
		st = knowledge.EntryState{ID: id}
	}
	if st.Disabled == disabled && m.bug != "disable-always-changes" {
		return false, nil
	}
	st.Disabled, st.Actor, st.At = disabled, audit.Actor, audit.At
	if st.Version == 0 && !disabled {
		delete(m.states, id)
	} else {
		m.states[id] = st
	}
	m.audit = append(m.audit, audit)
	m.bump()
	return true, nil
}

func (m *memKB) AddDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) (knowledge.Draft, error) {
	if err := m.lock(ctx); err != nil {
		return knowledge.Draft{}, err
	}
	defer m.mu.Unlock()
	m.draftSeq++
	d.ID = m.draftSeq
	m.drafts[d.ID] = d
	audit.ID = knowledge.DraftRef(d.ID)
	m.audit = append(m.audit, audit)
	return d, nil
}

func (m *memKB) GetDraft(ctx context.Context, id int64) (knowledge.Draft, error) {
	if err := m.lock(ctx); err != nil {
		return knowledge.Draft{}, err
	}
	defer m.mu.Unlock()
	d, ok := m.drafts[id]
	if !ok {
		return knowledge.Draft{}, knowledge.ErrNotFound
	}
	return d, nil
}

func (m *memKB) ListDrafts(ctx context.Context) ([]knowledge.Draft, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []knowledge.Draft
	for _, d := range m.drafts {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memKB) UpdateDraft(ctx context.Context, d knowledge.Draft, audit knowledge.AuditRecord) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if _, ok := m.drafts[d.ID]; !ok {
		return knowledge.ErrNotFound
	}
	m.drafts[d.ID] = d
	m.audit = append(m.audit, audit)
	return nil
}

func (m *memKB) DeleteDraft(ctx context.Context, id int64, audit knowledge.AuditRecord) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if _, ok := m.drafts[id]; !ok && m.bug != "delete-draft-twice" {
		return knowledge.ErrNotFound
	}
	delete(m.drafts, id)
	m.audit = append(m.audit, audit)
	return nil
}

func (m *memKB) PutStatute(ctx context.Context, sf knowledge.StatuteFile, audit knowledge.AuditRecord) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	m.statutes[sf.Short] = sf
	m.audit = append(m.audit, audit)
	m.bump()
	return nil
}

func (m *memKB) DeleteStatute(ctx context.Context, short string, audit knowledge.AuditRecord) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if _, ok := m.statutes[short]; !ok {
		return knowledge.ErrNotFound
	}
	delete(m.statutes, short)
	m.audit = append(m.audit, audit)
	m.bump()
	return nil
}

func (m *memKB) RecordGap(ctx context.Context, lang, question string, reason knowledge.GapReason, at time.Time, maxGaps int) error {
	if err := m.lock(ctx); err != nil {
		return err
	}
	defer m.mu.Unlock()
	key := knowledge.GapKey(lang, question)
	g, ok := m.gaps[key]
	if !ok {
		g = knowledge.Gap{Question: question, Lang: lang, Reasons: map[knowledge.GapReason]int{}}
	}
	g.Count++
	if at.After(g.LastSeen) || m.bug == "gap-last-seen-overwritten" {
		g.LastSeen = at
	}
	g.Reasons[reason]++
	m.gaps[key] = g
	if !ok && maxGaps > 0 && len(m.gaps) > maxGaps {
		victim := ""
		for k, o := range m.gaps {
			if k != key && (victim == "" || o.Count < m.gaps[victim].Count || o.Count == m.gaps[victim].Count && k < victim) {
				victim = k
			}
		}
		if m.bug == "gap-cap-evicts-newest" {
			victim = key
		}
		delete(m.gaps, victim)
	}
	return nil
}

func (m *memKB) ListGaps(ctx context.Context, limit int) ([]knowledge.Gap, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	var out []knowledge.Gap
	for _, g := range m.gaps {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count && m.bug != "gaps-unsorted" {
			return out[i].Count > out[j].Count
		}
		return out[i].Key() < out[j].Key()
	})
	return out[:max(0, min(limit, len(out)))], nil
}

func (m *memKB) DeleteGaps(ctx context.Context, keys []string, audit knowledge.AuditRecord) (int, error) {
	if err := m.lock(ctx); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	n := 0
	for _, k := range keys {
		if _, ok := m.gaps[k]; ok {
			delete(m.gaps, k)
			n++
		}
	}
	if n > 0 {
		m.audit = append(m.audit, audit)
	}
	return n, nil
}

func (m *memKB) ListAudit(ctx context.Context, limit int) ([]knowledge.AuditRecord, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := slices.Clone(m.audit)
	if m.bug != "audit-oldest-first" {
		slices.Reverse(out)
	}
	return out[:max(0, min(limit, len(out)))], nil
}

func TestKnowledgeSuitePassesCorrectStore(t *testing.T) {
	storetest.TestKnowledgeStore(t, func(t *testing.T) knowledge.Store { return newMemKB("") })
}

// TestKnowledgeSuiteCatchesBugs runs the suite against stores with one bug
// each, in a child process, and checks that the subtest meant to catch the
// bug fails.
func TestKnowledgeSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per bug")
	}
	for _, tc := range []struct{ bug, failing string }{
		{"version-not-bumped", "Versions"},
		{"publish-read-then-write", "ConcurrentPublish"},
		{"publish-keeps-disabled", "DisableEnable"},
		{"disable-always-changes", "DisableEnable"},
		{"delete-draft-twice", "Drafts"},
		{"gap-last-seen-overwritten", "Gaps"},
		{"gaps-unsorted", "Gaps"},
		{"gap-cap-evicts-newest", "GapCap"},
		{"audit-oldest-first", "Audit"},
		{"ignores-context", "CanceledContext"},
	} {
		t.Run(tc.bug, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuggyKnowledgeStore$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), bugEnv+"="+tc.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with bug %q:\n%s", tc.bug, out)
			}
			if want := "--- FAIL: TestBuggyKnowledgeStore/" + tc.failing + " "; !strings.Contains(string(out), want) {
				t.Fatalf("bug %q: output lacks %q:\n%s", tc.bug, want, out)
			}
		})
	}
}

// TestBuggyKnowledgeStore is the child process of
// TestKnowledgeSuiteCatchesBugs.
func TestBuggyKnowledgeStore(t *testing.T) {
	bug := os.Getenv(bugEnv)
	if bug == "" {
		t.Skip("only run as a child process of TestKnowledgeSuiteCatchesBugs")
	}
	storetest.TestKnowledgeStore(t, func(t *testing.T) knowledge.Store { return newMemKB(bug) })
}
