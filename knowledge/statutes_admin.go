package knowledge

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Uploaded statutes: an admin sends a statute file in the format of
// shared/laws (for example a new judicial interpretation); it is added to
// the statutes of LAWS_DIR, or replaces the one with the same short name,
// and its articles are searchable and citable as soon as it is stored.

// StatuteSummary describes one statute the knowledge base can cite.
type StatuteSummary struct {
	Short    string
	Title    string
	Articles int
	Uploaded bool // uploaded by an admin (else from LAWS_DIR)
	Actor    string
	At       time.Time
}

// PutStatute checks a statute file and stores it. Replacing a statute must
// not break any entry: when an entry (built-in or published) cites an
// article the new text lacks, nothing changes and the error lists them.
func (a *Admin) PutStatute(ctx context.Context, actor Actor, name string, data []byte) (StatuteFile, error) {
	if err := actor.allow(permManage); err != nil {
		return StatuteFile{}, err
	}
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case len(data) > MaxStatuteFileBytes:
		return StatuteFile{}, Problems{{File: name, Message: fmt.Sprintf("the file is too large (%d bytes, at most %d)", len(data), MaxStatuteFileBytes)}}
	case !utf8.Valid(data):
		return StatuteFile{}, Problems{{File: name, Message: "the file is not UTF-8 text"}}
	}
	st, err := ParseStatute(name, data)
	if err != nil {
		return StatuteFile{}, Problems{{File: name, Message: err.Error()}}
	}
	ef, err := a.Effective(ctx)
	if err != nil {
		return StatuteFile{}, err
	}
	if ps := brokenCitations(ef, ef.Statutes.With(st)); len(ps) > 0 {
		return StatuteFile{}, ps
	}
	sf := StatuteFile{Short: st.Short, Title: st.Title, Articles: len(st.Articles), Source: string(data), Name: name, Actor: actor.Name, At: a.now()}
	note := fmt.Sprintf("%d articles", sf.Articles)
	if old, ok := ef.Statutes.Lookup(st.Short); ok {
		note += fmt.Sprintf(", replacing %d", len(old.Articles))
	}
	if err := a.store.PutStatute(ctx, sf, a.audit(actor, AuditPutStatute, sf.Short, 0, note)); err != nil {
		return StatuteFile{}, err
	}
	a.log.Info("statute uploaded", "statute", sf.Short, "articles", sf.Articles, "actor", actor.Name)
	return sf, a.refresh(ctx)
}

// DeleteStatute removes an uploaded statute (the LAWS_DIR text of the same
// name, if any, applies again), unless an entry cites an article that
// would then be missing.
func (a *Admin) DeleteStatute(ctx context.Context, actor Actor, short string) error {
	if err := actor.allow(permManage); err != nil {
		return err
	}
	snap, err := a.store.LoadKB(ctx)
	if err != nil {
		return err
	}
	found := false
	rest := snap
	rest.Statutes = nil
	for _, sf := range snap.Statutes {
		if SameLaw(sf.Short, short) {
			found, short = true, sf.Short
			continue
		}
		rest.Statutes = append(rest.Statutes, sf)
	}
	if !found {
		return fmt.Errorf("uploaded statute %s: %w", short, ErrNotFound)
	}
	ef := BuildEffective(a.builtin, a.base, snap)
	without := BuildEffective(a.builtin, a.base, rest)
	if ps := brokenCitations(ef, without.Statutes); len(ps) > 0 {
		return ps
	}
	if err := a.store.DeleteStatute(ctx, short, a.audit(actor, AuditDeleteStatute, short, 0, "")); err != nil {
		return err
	}
	a.log.Info("uploaded statute removed", "statute", short, "actor", actor.Name)
	return a.refresh(ctx)
}

// brokenCitations lists the citations of ef's entries (disabled ones
// included: they may be enabled again) that laws cannot resolve.
func brokenCitations(ef *Effective, laws *Statutes) Problems {
	var ps Problems
	for _, e := range ef.all() {
		for _, c := range e.Citations {
			if _, err := laws.Resolve(c); err != nil {
				ps = append(ps, Problem{File: e.ID, Message: fmt.Sprintf("cites %s: %v", c, err)})
			}
		}
	}
	return ps
}

// Statutes lists the statutes entries can cite: those of LAWS_DIR and the
// uploaded ones, sorted by short name. Without LAWS_DIR and uploads it is
// empty (citations are then checked against the catalog only).
func (a *Admin) Statutes(ctx context.Context, actor Actor) ([]StatuteSummary, error) {
	if err := actor.allow(permRead); err != nil {
		return nil, err
	}
	snap, err := a.store.LoadKB(ctx)
	if err != nil {
		return nil, err
	}
	uploaded := map[string]StatuteFile{}
	for _, sf := range snap.Statutes {
		uploaded[sf.Short] = sf
	}
	var out []StatuteSummary
	for _, st := range BuildEffective(nil, a.base, snap).Statutes.List() {
		s := StatuteSummary{Short: st.Short, Title: st.Title, Articles: len(st.Articles)}
		if sf, ok := uploaded[st.Short]; ok {
			s.Uploaded, s.Actor, s.At = true, sf.Actor, sf.At
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Short < out[j].Short })
	return out, nil
}
