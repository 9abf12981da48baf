package knowledge

import (
	"fmt"
	"sort"
	"time"
)

// EntryInfo is one entry as the knowledge base serves it, with where it
// comes from: built into the binary, published by an admin, or both (a
// published entry with a built-in id overrides the built-in one).
type EntryInfo struct {
	Entry Entry
	// Builtin reports that an entry with this id ships with the binary.
	Builtin bool
	// Version is the current published version; 0 means the built-in text.
	// A rollback to the built-in text is a published version too, so
	// Version > 0 with Published false is possible.
	Version int
	// Published reports that the served text is a published file rather
	// than the built-in one.
	Published bool
	Disabled  bool
	// Actor and At tell who made the last change and when (empty for a
	// built-in entry nobody touched).
	Actor string
	At    time.Time
	// Source is the published file (nil when the built-in text is served).
	Source []byte
}

// Effective is the knowledge base as served at one store version: the
// built-in entries with the published versions applied and disabled
// entries left out, and the LAWS_DIR statutes with the uploaded ones
// added or replacing them.
type Effective struct {
	Version  uint64
	Statutes *Statutes
	// Entries are the entries to serve (disabled ones left out), sorted by id.
	Entries []Entry
	// Problems lists stored files that no longer check out (for example a
	// published entry citing an article a replaced statute lacks). Such a
	// file is skipped (a built-in entry of the same id is served instead)
	// and the problem logged; uploads are checked against this so it is rare.
	Problems Problems

	info map[string]EntryInfo
	ids  []string // every known id, disabled ones included, sorted
}

// Entry returns an entry by id, disabled ones included.
func (ef *Effective) Entry(id string) (EntryInfo, bool) {
	i, ok := ef.info[id]
	return i, ok
}

// List returns every known entry (disabled ones included) of a topic, or
// of all topics when topic is "", sorted by id.
func (ef *Effective) List(topic string) []EntryInfo {
	var out []EntryInfo
	for _, id := range ef.ids {
		if i := ef.info[id]; topic == "" || i.Entry.Topic == topic {
			out = append(out, i)
		}
	}
	return out
}

// all returns every known entry, disabled ones included.
func (ef *Effective) all() []Entry {
	out := make([]Entry, 0, len(ef.ids))
	for _, id := range ef.ids {
		out = append(out, ef.info[id].Entry)
	}
	return out
}

// BuildEffective combines the built-in entries and the base statutes (from
// LAWS_DIR; nil for none) with what admins published (snap): uploaded
// statutes add to or replace base ones by short name; a published entry
// with a built-in id overrides the built-in entry; disabled entries are
// left out of Entries. Published files are checked with ParseEntry against
// the resulting statutes, as they were when published.
//
// The result is what an Engine should load:
//
//	eng.Load(ctx, ef.Entries, ef.Statutes)
func BuildEffective(builtin []Entry, base *Statutes, snap KBSnapshot) *Effective {
	ef := &Effective{Version: snap.Version, Statutes: base, info: map[string]EntryInfo{}}
	if len(snap.Statutes) > 0 {
		list := base.List()
		for _, sf := range snap.Statutes {
			st, err := ParseStatute(sf.Name, []byte(sf.Source))
			if err != nil {
				ef.Problems = append(ef.Problems, Problem{File: sf.Name, Message: "uploaded statute skipped: " + err.Error()})
				continue
			}
			list = append(list, st)
		}
		// NewStatutes lets a later statute replace an earlier one of the
		// same short name: the uploaded ones come last.
		ef.Statutes = NewStatutes(list...)
	}
	for _, e := range builtin {
		ef.info[e.ID] = EntryInfo{Entry: e, Builtin: true}
		if len(snap.Statutes) > 0 {
			for _, c := range e.Citations {
				if _, err := ef.Statutes.Resolve(c); err != nil {
					ef.Problems = append(ef.Problems, Problem{File: e.ID, Message: fmt.Sprintf("built-in entry cites %s: %v", c, err)})
				}
			}
		}
	}
	for _, st := range snap.Entries {
		info, isBuiltin := ef.info[st.ID]
		info.Builtin = isBuiltin
		info.Version, info.Disabled, info.Actor, info.At = st.Version, st.Disabled, st.Actor, st.At
		info.Published, info.Source = false, nil
		if st.Source != "" {
			e, ps := ParseEntry(st.ID+".md", []byte(st.Source), ef.Statutes)
			switch {
			case len(ps) > 0:
				ef.Problems = append(ef.Problems, Problem{File: st.ID,
					Message: fmt.Sprintf("published version %d no longer checks out and is not served: %v", st.Version, ps)})
			case e.ID != st.ID:
				ef.Problems = append(ef.Problems, Problem{File: st.ID,
					Message: fmt.Sprintf("published version %d has id %q; not served", st.Version, e.ID)})
			default:
				info.Entry, info.Published, info.Source = e, true, []byte(st.Source)
			}
		}
		if !info.Published && !isBuiltin {
			// Nothing to serve under this id: a disabled mark for an entry
			// that no longer exists, or a file that stopped checking out.
			continue
		}
		ef.info[st.ID] = info
	}
	for id, i := range ef.info {
		ef.ids = append(ef.ids, id)
		if !i.Disabled {
			ef.Entries = append(ef.Entries, i.Entry)
		}
	}
	sort.Strings(ef.ids)
	sort.Slice(ef.Entries, func(i, j int) bool { return ef.Entries[i].ID < ef.Entries[j].ID })
	return ef
}
