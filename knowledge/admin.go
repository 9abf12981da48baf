package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sort"
	"sync"
	"time"
)

// Knowledge-base administration: admins publish entries (one file or a
// .zip), keep every version, roll back, disable and enable entries, upload
// statutes; mediators propose drafts; the conversation layer reports the
// questions the knowledge base misses. Admin does the checking and keeps an
// Engine serving the result; a Store keeps the files, versions, drafts,
// gaps and the audit trail. Admin knows nothing of Telegram: a front end
// maps its users to an Actor and its commands (/kb …) to these methods.

// Role is what an actor may do with the knowledge base.
type Role int

// The roles, from least to most trusted.
const (
	RoleNone     Role = iota // workers and everyone else: no access
	RoleMediator             // union mediators: read entries, propose drafts
	RoleAdmin                // union admins: everything
)

// Actor is who asks for a change. Name is how the audit trail names them
// (for example "tg:123456" for a Telegram admin, "cli" for laborbot kb); it
// should identify union staff, never a worker.
type Actor struct {
	Name string
	Role Role
}

// ErrNotAllowed is returned (wrapped) when the actor's role does not allow
// the operation. Nothing has been changed.
var ErrNotAllowed = errors.New("not allowed: only union admins can change the knowledge base")

type permission int

const (
	permRead    permission = iota // list, show, get, history
	permSuggest                   // propose a draft
	permManage                    // every change, drafts, gaps, statutes, audit
)

func (a Actor) allow(p permission) error {
	switch {
	case a.Role == RoleAdmin:
		return nil
	case a.Role == RoleMediator && (p == permRead || p == permSuggest):
		return nil
	}
	return ErrNotAllowed
}

// AdminOptions configure an Admin. Store is required.
type AdminOptions struct {
	Store Store
	// Engine, when set, is kept loaded with the effective knowledge base
	// (Reload, Follow, and after every change made through this Admin).
	Engine *Engine
	// Builtin are the entries shipped in the binary (LoadEntriesFS of
	// content.Files) and Statutes the statutes of LAWS_DIR (nil for none).
	Builtin  []Entry
	Statutes *Statutes
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
	// MaxGaps is how many distinct gaps are kept (default 10,000).
	MaxGaps int
	// LowConfidence is the decision's probability that the best entry
	// answers the question under which an answer still counts as a gap
	// (default 0.6; partly covered questions always do).
	LowConfidence float64
	// GapRecheckLimit is how many of the most frequent gaps are re-asked
	// after a publish (default 1,000).
	GapRecheckLimit int
}

// Admin administers the knowledge base. It is safe for concurrent use.
type Admin struct {
	opts    AdminOptions
	store   Store
	engine  *Engine
	builtin []Entry
	base    *Statutes
	now     func() time.Time
	log     *slog.Logger

	// reloadMu serialises engine reloads; loaded is the store version the
	// engine holds (valid when hasLoaded).
	reloadMu  sync.Mutex
	loaded    uint64
	hasLoaded bool
}

// NewAdmin makes an Admin. It does not load the engine: call Reload (at
// start) and Follow (to pick up changes made by other replicas).
func NewAdmin(o AdminOptions) (*Admin, error) {
	if o.Store == nil {
		return nil, errors.New("knowledge: AdminOptions.Store is required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxGaps <= 0 {
		o.MaxGaps = 10_000
	}
	if o.LowConfidence <= 0 {
		o.LowConfidence = 0.6
	}
	if o.GapRecheckLimit <= 0 {
		o.GapRecheckLimit = 1_000
	}
	builtin := append([]Entry(nil), o.Builtin...)
	sort.Slice(builtin, func(i, j int) bool { return builtin[i].ID < builtin[j].ID })
	return &Admin{opts: o, store: o.Store, engine: o.Engine, builtin: builtin, base: o.Statutes, now: o.Now, log: o.Logger}, nil
}

// Effective returns the knowledge base as currently stored (not
// necessarily what the engine has loaded yet).
func (a *Admin) Effective(ctx context.Context) (*Effective, error) {
	snap, err := a.store.LoadKB(ctx)
	if err != nil {
		return nil, err
	}
	return BuildEffective(a.builtin, a.base, snap), nil
}

// Reload loads the engine with the knowledge base as currently stored.
func (a *Admin) Reload(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	return a.reloadLocked(ctx)
}

func (a *Admin) reloadLocked(ctx context.Context) error {
	if a.engine == nil {
		// Nothing to load (laborbot kb export): only track the version.
		v, err := a.store.KBVersion(ctx)
		a.loaded, a.hasLoaded = v, err == nil
		return err
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return err
	}
	for _, p := range ef.Problems {
		a.log.Warn("knowledge base: stored file skipped", "problem", p.String())
	}
	if err := a.engine.Load(ctx, ef.Entries, ef.Statutes); err != nil {
		return err
	}
	a.loaded, a.hasLoaded = ef.Version, true
	a.log.Info("knowledge base loaded", "version", ef.Version, "entries", len(ef.Entries), "statutes", ef.Statutes.Len())
	return nil
}

// refresh reloads the engine unless it already holds the store's current
// version: after a change through this Admin, and on every notification.
func (a *Admin) refresh(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	v, err := a.store.KBVersion(ctx)
	if err != nil {
		return err
	}
	if a.hasLoaded && v == a.loaded {
		return nil
	}
	return a.reloadLocked(ctx)
}

// Follow keeps the engine up to date with changes made anywhere (other
// replicas, laborbot kb import) until ctx is done; it returns ctx's error,
// or an error if watching cannot start. A failed reload is logged and
// retried on the next change.
func (a *Admin) Follow(ctx context.Context) error {
	changes, err := a.store.WatchKB(ctx)
	if err != nil {
		return fmt.Errorf("watch knowledge base: %w", err)
	}
	// A change between the caller's Reload and WatchKB gave no signal.
	if err := a.refresh(ctx); err != nil && ctx.Err() == nil {
		a.log.Warn("knowledge base reload failed", "err", err)
	}
	for range changes {
		if err := a.refresh(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("knowledge base reload failed", "err", err)
		}
	}
	return ctx.Err()
}

func (a *Admin) audit(actor Actor, action AuditAction, id string, version int, note string) AuditRecord {
	return AuditRecord{At: a.now(), Actor: actor.Name, Action: action, ID: id, Version: version, Note: note}
}

// Check checks an upload (a .md entry file or a .zip of them) against the
// current knowledge base without changing anything: the answer to an
// upload is either its problems, by file and line, or Preview and a
// Publish / Cancel choice.
func (a *Admin) Check(ctx context.Context, name string, data []byte) (*Bundle, error) {
	files, ps := ReadBundle(name, data)
	if len(ps) > 0 {
		return &Bundle{Problems: ps}, nil
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return nil, err
	}
	return a.check(ef, files), nil
}

func (a *Admin) check(ef *Effective, files []BundleFile) *Bundle {
	b := CheckBundle(files, ef.Statutes, ef.all())
	for i := range b.Items {
		if info, ok := ef.Entry(b.Items[i].Entry.ID); ok {
			b.Items[i].Version, b.Items[i].Disabled = info.Version, info.Disabled
		}
	}
	return b
}

// PublishedEntry is one entry a publish or rollback made current.
type PublishedEntry struct {
	ID       string
	Title    string
	Version  int // the new version
	Previous int // the version it replaced (0 = built-in or none)
}

// PublishResult tells what a publish did.
type PublishResult struct {
	Published []PublishedEntry
	Unchanged []string // ids sent again without a change: no new version
	Warnings  Problems
	// GapsCleared are the gaps the published entries now answer.
	GapsCleared []Gap
}

// Publish checks an upload (a .md entry file or a .zip of them) and, when
// it has no problems, publishes every entry in it: each changed entry gets
// a new version (a disabled entry is enabled again); entries sent without
// a change are left alone (a disabled one stays disabled: see Enable). The engine is reloaded before Publish returns,
// so the entries are searchable at once; other replicas follow through the
// store's change notification. Gaps the new entries answer are cleared.
//
// When the upload has problems nothing changes and the error is the
// Problems (errors.As(err, &Problems{})), every one with its file and line.
func (a *Admin) Publish(ctx context.Context, actor Actor, name string, data []byte) (*PublishResult, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	files, ps := ReadBundle(name, data)
	if len(ps) > 0 {
		return nil, ps
	}
	return a.publishFiles(ctx, actor, files, "")
}

// PublishFiles publishes entry files already read (laborbot kb import of a
// directory); see Publish.
func (a *Admin) PublishFiles(ctx context.Context, actor Actor, files []BundleFile, note string) (*PublishResult, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	return a.publishFiles(ctx, actor, files, note)
}

func (a *Admin) publishFiles(ctx context.Context, actor Actor, files []BundleFile, note string) (*PublishResult, error) {
	ef, err := a.Effective(ctx)
	if err != nil {
		return nil, err
	}
	b := a.check(ef, files)
	if err := b.Err(); err != nil {
		return nil, err
	}
	res := &PublishResult{Warnings: b.Warnings}
	keys := map[string]bool{}
	for _, it := range b.Items {
		if it.Change == ChangeUnchanged {
			// Also when disabled: sending a file again (an import of a
			// whole directory) must not revive what an admin disabled.
			res.Unchanged = append(res.Unchanged, it.Entry.ID)
			continue
		}
		v, err := a.store.PutEntryVersion(ctx,
			EntryVersion{ID: it.Entry.ID, Source: string(it.Source), Actor: actor.Name, At: a.now(), Note: note},
			a.audit(actor, AuditPublish, it.Entry.ID, 0, note))
		if err != nil {
			// The entries before this one are published: reload so the
			// engine serves what the store holds.
			return res, errors.Join(fmt.Errorf("publish %s: %w", it.Entry.ID, err), a.refresh(ctx))
		}
		a.log.Info("knowledge base entry published", "id", it.Entry.ID, "version", v, "actor", actor.Name)
		res.Published = append(res.Published, PublishedEntry{ID: it.Entry.ID, Title: it.Entry.Title, Version: v, Previous: it.Version})
		keys[it.Entry.Key] = true
	}
	if len(res.Published) == 0 {
		return res, nil
	}
	return res, a.afterPublish(ctx, actor, res, keys)
}

// afterPublish reloads the engine and clears the gaps the published keys
// now answer.
func (a *Admin) afterPublish(ctx context.Context, actor Actor, res *PublishResult, keys map[string]bool) error {
	if err := a.refresh(ctx); err != nil {
		return fmt.Errorf("published, but reloading the knowledge base failed: %w", err)
	}
	cause := res.Published[0].ID
	if len(res.Published) > 1 {
		cause = fmt.Sprintf("%s (+%d)", cause, len(res.Published)-1)
	}
	cleared, err := a.clearAnsweredGaps(ctx, actor, keys, cause)
	if err != nil {
		return fmt.Errorf("published, but clearing answered gaps failed: %w", err)
	}
	res.GapsCleared = cleared
	return nil
}

// Rollback makes an old version of an entry current again by publishing
// its file as a new version (history is kept whole; a disabled entry is
// enabled, as by any publish). Version 0 goes back to the built-in text of
// a built-in entry. The old file is checked against today's statutes first.
func (a *Admin) Rollback(ctx context.Context, actor Actor, id string, version int) (*PublishResult, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return nil, err
	}
	cur, known := ef.Entry(id)
	if !known {
		return nil, fmt.Errorf("entry %s: %w", id, ErrNotFound)
	}
	target := cur.Entry
	var source string
	switch {
	case version == 0 && cur.Builtin:
		for _, e := range a.builtin {
			if e.ID == id {
				target = e
			}
		}
	case version == 0:
		return nil, fmt.Errorf("entry %s has no built-in version 0: %w", id, ErrNotFound)
	default:
		old, err := a.store.EntryVersion(ctx, id, version)
		if err != nil {
			return nil, fmt.Errorf("entry %s version %d: %w", id, version, err)
		}
		source = old.Source
		if source != "" {
			e, ps := ParseEntry(fmt.Sprintf("%s v%d", id, version), []byte(source), ef.Statutes)
			if len(ps) > 0 {
				return nil, ps
			}
			target = e
		}
	}
	note := fmt.Sprintf("rollback to v%d", version)
	v, err := a.store.PutEntryVersion(ctx,
		EntryVersion{ID: id, Source: source, Actor: actor.Name, At: a.now(), Note: note},
		a.audit(actor, AuditRollback, id, 0, note))
	if err != nil {
		return nil, err
	}
	a.log.Info("knowledge base entry rolled back", "id", id, "to", version, "version", v, "actor", actor.Name)
	res := &PublishResult{Published: []PublishedEntry{{ID: id, Title: target.Title, Version: v, Previous: cur.Version}}}
	return res, a.afterPublish(ctx, actor, res, map[string]bool{target.Key: true})
}

// Disable stops serving an entry (built-in or published) until Enable; its
// versions are kept. It reports whether the entry was enabled before.
func (a *Admin) Disable(ctx context.Context, actor Actor, id string) (bool, error) {
	return a.setDisabled(ctx, actor, id, true)
}

// Enable serves a disabled entry again. It reports whether the entry was
// disabled before.
func (a *Admin) Enable(ctx context.Context, actor Actor, id string) (bool, error) {
	return a.setDisabled(ctx, actor, id, false)
}

func (a *Admin) setDisabled(ctx context.Context, actor Actor, id string, disabled bool) (bool, error) {
	if err := actor.allow(permManage); err != nil {
		return false, err
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return false, err
	}
	if _, ok := ef.Entry(id); !ok {
		return false, fmt.Errorf("entry %s: %w", id, ErrNotFound)
	}
	action := AuditEnable
	if disabled {
		action = AuditDisable
	}
	changed, err := a.store.SetEntryDisabled(ctx, id, disabled, a.audit(actor, action, id, 0, ""))
	if err != nil || !changed {
		return false, err
	}
	a.log.Info("knowledge base entry "+string(action)+"d", "id", id, "actor", actor.Name)
	return true, a.refresh(ctx)
}

// List returns the entries of a topic ("" for all), disabled ones included.
func (a *Admin) List(ctx context.Context, actor Actor, topic string) ([]EntryInfo, error) {
	if err := actor.allow(permRead); err != nil {
		return nil, err
	}
	if topic != "" && !IsTopic(topic) {
		return nil, fmt.Errorf("unknown topic %q", topic)
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return nil, err
	}
	return ef.List(topic), nil
}

// Show returns one entry as served (or as it would be, when disabled).
func (a *Admin) Show(ctx context.Context, actor Actor, id string) (EntryInfo, error) {
	if err := actor.allow(permRead); err != nil {
		return EntryInfo{}, err
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return EntryInfo{}, err
	}
	info, ok := ef.Entry(id)
	if !ok {
		return EntryInfo{}, fmt.Errorf("entry %s: %w", id, ErrNotFound)
	}
	return info, nil
}

// Get returns an entry's file, for editing: the current one for version 0
// (the published file as sent, or the built-in entry written out), else the
// file of that version.
func (a *Admin) Get(ctx context.Context, actor Actor, id string, version int) ([]byte, error) {
	info, err := a.Show(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		if info.Source != nil {
			return info.Source, nil
		}
		return info.Entry.Markdown(), nil
	}
	v, err := a.store.EntryVersion(ctx, id, version)
	if err != nil {
		return nil, fmt.Errorf("entry %s version %d: %w", id, version, err)
	}
	if v.Source == "" {
		for _, e := range a.builtin {
			if e.ID == id {
				return e.Markdown(), nil
			}
		}
	}
	return []byte(v.Source), nil
}

// History returns an entry's versions, oldest first; a built-in entry
// starts with version 0, its built-in text (Actor "built-in").
func (a *Admin) History(ctx context.Context, actor Actor, id string) ([]EntryVersion, error) {
	if err := actor.allow(permRead); err != nil {
		return nil, err
	}
	vs, err := a.store.EntryHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, e := range a.builtin {
		if e.ID == id {
			vs = append([]EntryVersion{{ID: id, Actor: "built-in", Note: "built into the program"}}, vs...)
			break
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("entry %s: %w", id, ErrNotFound)
	}
	return vs, nil
}

// Audit returns the latest n changes, newest first.
func (a *Admin) Audit(ctx context.Context, actor Actor, n int) ([]AuditRecord, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	return a.store.ListAudit(ctx, n)
}

// Export returns every served entry as a file, laid out as
// knowledge/content is (zh/KEY.md, en/KEY.md): built-in entries with the
// published ones applied, disabled ones left out. Published entries are
// the files as sent; built-in ones are written out with Markdown.
func (a *Admin) Export(ctx context.Context, actor Actor) ([]BundleFile, error) {
	if err := actor.allow(permRead); err != nil {
		return nil, err
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return nil, err
	}
	var out []BundleFile
	for _, info := range ef.List("") {
		if info.Disabled {
			continue
		}
		data := info.Source
		if data == nil {
			data = info.Entry.Markdown()
		}
		out = append(out, BundleFile{Name: path.Join(info.Entry.Lang, info.Entry.Key+".md"), Data: data})
	}
	return out, nil
}
