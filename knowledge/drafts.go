package knowledge

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Drafts: a mediator proposes an entry (/kb suggest with a file or a few
// lines of text); admins list the drafts, replace a draft's text with an
// edited file, publish it (through the same checks as any upload) or
// reject it.

// Suggest stores a proposed entry from a mediator (or an admin) as a draft.
// data is an entry file or plain text; a file need not be valid yet, but
// the returned Bundle says what an admin will have to fix (nil for plain
// text). Archives are not accepted: one proposal per draft.
func (a *Admin) Suggest(ctx context.Context, actor Actor, name string, data []byte) (Draft, *Bundle, error) {
	if err := actor.allow(permSuggest); err != nil {
		return Draft{}, nil, err
	}
	d, b, err := a.draftFrom(ctx, name, data)
	if err != nil {
		return Draft{}, nil, err
	}
	d.Author, d.At = actor.Name, a.now()
	d, err = a.store.AddDraft(ctx, d, a.audit(actor, AuditSuggest, "", 0, d.EntryID))
	if err != nil {
		return Draft{}, nil, err
	}
	a.log.Info("knowledge base draft added", "draft", d.ID, "actor", actor.Name)
	return d, b, nil
}

// draftFrom checks what was sent as a draft and fills in the entry it
// names, if any.
func (a *Admin) draftFrom(ctx context.Context, name string, data []byte) (Draft, *Bundle, error) {
	switch {
	case isZip(name, data):
		return Draft{}, nil, Problems{{File: name, Message: "send one entry file or text per suggestion, not an archive"}}
	case len(data) > MaxEntryFileBytes:
		return Draft{}, nil, Problems{{File: name, Message: fmt.Sprintf("too large (%d bytes, at most %d)", len(data), MaxEntryFileBytes)}}
	case !utf8.Valid(data):
		return Draft{}, nil, Problems{{File: name, Message: "not UTF-8 text"}}
	case strings.TrimSpace(string(data)) == "":
		return Draft{}, nil, Problems{{File: name, Message: "empty"}}
	}
	d := Draft{Source: string(data)}
	if !frontMatterRe.Match(data) {
		return d, nil, nil // plain text: an admin writes the entry
	}
	b, err := a.Check(ctx, name, data)
	if err != nil {
		return Draft{}, nil, err
	}
	// ParseEntry fills what it could read even when there are problems.
	e, _ := ParseEntry(name, data, nil)
	d.EntryID, d.Title = e.ID, e.Title
	return d, b, nil
}

// Drafts returns the drafts, oldest first.
func (a *Admin) Drafts(ctx context.Context, actor Actor) ([]Draft, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	return a.store.ListDrafts(ctx)
}

// Draft returns one draft.
func (a *Admin) Draft(ctx context.Context, actor Actor, id int64) (Draft, error) {
	if err := actor.allow(permManage); err != nil {
		return Draft{}, err
	}
	return a.store.GetDraft(ctx, id)
}

// EditDraft replaces a draft's text with an edited file (or text) and
// returns the draft and what publishing it would still need fixed.
func (a *Admin) EditDraft(ctx context.Context, actor Actor, id int64, name string, data []byte) (Draft, *Bundle, error) {
	if err := actor.allow(permManage); err != nil {
		return Draft{}, nil, err
	}
	old, err := a.store.GetDraft(ctx, id)
	if err != nil {
		return Draft{}, nil, err
	}
	d, b, err := a.draftFrom(ctx, name, data)
	if err != nil {
		return Draft{}, nil, err
	}
	d.ID, d.Author, d.At = old.ID, old.Author, old.At
	d.EditedBy, d.EditedAt = actor.Name, a.now()
	if err := a.store.UpdateDraft(ctx, d, a.audit(actor, AuditEditDraft, DraftRef(id), 0, d.EntryID)); err != nil {
		return Draft{}, nil, err
	}
	return d, b, nil
}

// RejectDraft deletes a draft without publishing it; reason goes to the
// audit trail.
func (a *Admin) RejectDraft(ctx context.Context, actor Actor, id int64, reason string) error {
	if err := actor.allow(permManage); err != nil {
		return err
	}
	if err := a.store.DeleteDraft(ctx, id, a.audit(actor, AuditRejectDraft, DraftRef(id), 0, reason)); err != nil {
		return fmt.Errorf("draft %d: %w", id, err)
	}
	a.log.Info("knowledge base draft rejected", "draft", id, "actor", actor.Name)
	return nil
}

// PublishDraft publishes a draft as an entry, with the checks of Publish;
// a draft with problems stays a draft (edit it first). The draft is removed
// once published.
func (a *Admin) PublishDraft(ctx context.Context, actor Actor, id int64) (*PublishResult, error) {
	if err := actor.allow(permManage); err != nil {
		return nil, err
	}
	d, err := a.store.GetDraft(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("draft %d: %w", id, err)
	}
	name := fmt.Sprintf("draft-%d.md", id)
	if d.EntryID != "" {
		name = d.EntryID + ".md"
	}
	res, err := a.publishFiles(ctx, actor, []BundleFile{{Name: name, Data: []byte(d.Source)}}, "from "+DraftRef(id)+" by "+d.Author)
	if err != nil && (res == nil || len(res.Published) == 0) {
		return res, err
	}
	if derr := a.store.DeleteDraft(ctx, id, a.audit(actor, AuditPublishDraft, DraftRef(id), 0, d.EntryID)); derr != nil {
		return res, fmt.Errorf("published, but removing draft %d failed: %w", id, derr)
	}
	return res, err
}
