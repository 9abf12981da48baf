package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/letter/docx"
	"github.com/laborbot/laborbot/letter/pdf"
	"github.com/laborbot/laborbot/web"
)

// Letters (一函两书): a mediator drafts one of the three from the ticket
// page, edits it and issues it; the issued letter is shown and downloaded
// as PDF and DOCX. Admins edit the templates and the letterhead. The
// rules (who may, numbering, the trail and the audit log) are package
// letter's and intake's.

// lettersSection is what the ticket page shows of letters.
type lettersSection struct {
	On       bool
	CanIssue bool
	Kinds    []letter.Kind
	Issued   []letter.Letter
}

func (c *Console) lettersFor(r *http.Request, u *user, t intake.Ticket, full bool) lettersSection {
	s := lettersSection{On: c.letters != nil && full, Kinds: letter.Kinds()}
	if !s.On {
		return s
	}
	s.CanIssue = t.State.Open() && t.WorkerID != u.UserID
	ls, err := c.letters.Letters(r.Context(), u.UserID, t.Number)
	if err != nil {
		if !errors.Is(err, intake.ErrForbidden) {
			c.log.Warn("console: listing letters", "ticket", t.Number, "err", err)
		}
		s.On = false
		return s
	}
	s.Issued = ls
	return s
}

type letterPage struct {
	T       int64
	Draft   letter.Draft
	Edit    letter.Edit
	Problem string
}

func letterKind(r *http.Request) (letter.Kind, bool) {
	k := letter.Kind(r.PathValue("kind"))
	return k, k.Valid()
}

// letterDraft shows the draft of a letter for the mediator to edit.
func (c *Console) letterDraft(w http.ResponseWriter, r *http.Request, u *user) {
	n, ok := ticketNumber(r)
	kind, kok := letterKind(r)
	if !ok || !kok || c.letters == nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	d, err := c.letters.Draft(r.Context(), u.UserID, n, kind)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderLetter(w, r, u, http.StatusOK, letterPage{T: n, Draft: d, Edit: letter.Edit{Title: d.Title, Recipient: d.Recipient, Body: d.Body}})
}

func (c *Console) renderLetter(w http.ResponseWriter, r *http.Request, u *user, status int, lp letterPage) {
	p := c.page(r, u, "letter.title", "nav.queue", lp)
	p.TitleArg = lp.Draft.Kind.Label(web.Lang(r)) + " · #" + strconv.FormatInt(lp.T, 10)
	p.Alert = lp.Problem
	c.render.Render(w, r, status, "letter", p)
}

// letterIssue issues the edited draft and shows the letter.
func (c *Console) letterIssue(w http.ResponseWriter, r *http.Request, u *user) {
	n, ok := ticketNumber(r)
	kind, kok := letterKind(r)
	if !ok || !kok || c.letters == nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	e := letter.Edit{Title: r.PostForm.Get("title"), Recipient: r.PostForm.Get("recipient"), Body: r.PostForm.Get("body")}
	l, err := c.letters.Issue(r.Context(), u.UserID, n, kind, e)
	lang := web.Lang(r)
	var problem string
	switch {
	case err == nil:
		http.Redirect(w, r, fmt.Sprintf("/console/t/%d/letters/%d?done=issued", n, l.ID), http.StatusSeeOther)
		return
	case errors.Is(err, letter.ErrEmpty):
		problem = c.render.Text("letter.empty", lang)
	case errors.Is(err, letter.ErrTooLong):
		problem = c.render.Text("letter.toolong", lang)
	case errors.Is(err, letter.ErrNoLetterhead):
		problem = c.render.Text("letter.noletterhead", lang)
	case errors.Is(err, letter.ErrClosed):
		problem = c.render.Text("letter.closed", lang)
	case l.ID != 0:
		// Issued and numbered, but not recorded in the trail: show the
		// letter (its number is taken) and log the rest.
		c.log.Error("console: letter issued but not recorded", "ticket", n, "err", err)
		http.Redirect(w, r, fmt.Sprintf("/console/t/%d/letters/%d", n, l.ID), http.StatusSeeOther)
		return
	default:
		c.fail(w, r, err)
		return
	}
	// Show the form again with what the mediator wrote: nothing is lost.
	d, derr := c.letters.Draft(r.Context(), u.UserID, n, kind)
	if derr != nil {
		c.fail(w, r, derr)
		return
	}
	c.renderLetter(w, r, u, http.StatusUnprocessableEntity, letterPage{T: n, Draft: d, Edit: e, Problem: problem})
}

type letterViewPage struct {
	L   letter.Letter
	Doc letter.Document
}

func (c *Console) issuedLetter(r *http.Request, u *user) (letter.Letter, error) {
	n, ok := ticketNumber(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !ok || err != nil || id <= 0 || c.letters == nil {
		return letter.Letter{}, letter.ErrNotFound
	}
	return c.letters.Letter(r.Context(), u.UserID, n, id)
}

func (c *Console) letterView(w http.ResponseWriter, r *http.Request, u *user) {
	l, err := c.issuedLetter(r, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.page(r, u, "letter.issued", "nav.queue", letterViewPage{L: l, Doc: l.Document()})
	p.TitleArg = l.Number()
	if r.URL.Query().Get("done") == "issued" {
		p.Flash = c.render.Text("letter.done", web.Lang(r))
	}
	c.render.Render(w, r, http.StatusOK, "letterview", p)
}

// letterFile downloads an issued letter as PDF or DOCX.
func (c *Console) letterFile(w http.ResponseWriter, r *http.Request, u *user) {
	l, err := c.issuedLetter(r, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := l.Document()
	var data []byte
	var ctype, ext string
	switch r.PathValue("format") {
	case "pdf":
		var missing []rune
		data, missing, err = pdf.Render(d)
		if len(missing) > 0 {
			c.log.Warn("console: letter PDF lacks glyphs", "letter", l.ID, "count", len(missing))
		}
		ctype, ext = "application/pdf", ".pdf"
	case "docx":
		data, err = docx.Render(d, c.now())
		ctype, ext = docx.ContentType, ".docx"
	default:
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("letter-%d-%s-%d-%d%s", l.Ticket, l.Kind, l.Year, l.Seq, ext)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(d.Title+"-"+l.Number()+ext))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// Admins: templates and letterhead.

type letterSettingsPage struct {
	Union        letter.Union
	Templates    []letter.Template
	Placeholders []letter.Placeholder
	// Open is the kind whose form is shown open (the one just saved or
	// previewed); Preview its preview.
	Open     letter.Kind
	Preview  *letter.Document
	Problems []string
}

func (c *Console) letterSettings(w http.ResponseWriter, r *http.Request, u *user) {
	c.renderLetterSettings(w, r, u, http.StatusOK, letterSettingsPage{}, "")
}

func (c *Console) renderLetterSettings(w http.ResponseWriter, r *http.Request, u *user, status int, sp letterSettingsPage, flash string) {
	if c.letters == nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	tpls, err := c.letters.Templates(ctx, u.UserID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if sp.Union.Name == "" && sp.Union.Phone == "" && sp.Union.Address == "" {
		if sp.Union, err = c.letters.Union(ctx, u.UserID); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	var edited *letter.Template
	for i := range sp.Templates {
		edited = &sp.Templates[i]
	}
	sp.Templates = nil
	for _, k := range letter.Kinds() {
		t := tpls[k]
		if edited != nil && edited.Kind == k {
			t = *edited
		}
		sp.Templates = append(sp.Templates, t)
	}
	sp.Placeholders = letter.Placeholders()
	p := c.page(r, u, "nav.letters", "nav.letters", sp)
	p.Flash = flash
	if len(sp.Problems) > 0 {
		p.Alert = c.render.Text("settings.problems", web.Lang(r))
	}
	c.render.Render(w, r, status, "lettersettings", p)
}

func (c *Console) saveLetterhead(w http.ResponseWriter, r *http.Request, u *user) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	f := r.PostForm
	un := letter.Union{Name: f.Get("name"), Unit: f.Get("unit"), Address: f.Get("address"), Postcode: f.Get("postcode"),
		Phone: f.Get("phone"), Contact: f.Get("contact")}
	err := c.letters.PutUnion(r.Context(), u.UserID, un)
	var ps letter.ProblemsError
	if errors.As(err, &ps) {
		c.renderLetterSettings(w, r, u, http.StatusUnprocessableEntity, letterSettingsPage{Union: un, Problems: problemTexts(ps, web.Lang(r))}, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderLetterSettings(w, r, u, http.StatusOK, letterSettingsPage{}, c.render.Text("settings.saved", web.Lang(r)))
}

// saveTemplate saves (or, with preview set, previews) a template.
func (c *Console) saveTemplate(w http.ResponseWriter, r *http.Request, u *user) {
	kind, ok := letterKind(r)
	if !ok || c.letters == nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	f := r.PostForm
	days, _ := strconv.Atoi(strings.TrimSpace(f.Get("reply_days")))
	t := letter.Template{Kind: kind, Title: f.Get("title"), Prefix: f.Get("prefix"), Recipient: f.Get("recipient"), Body: f.Get("body"), ReplyDays: days}
	lang := web.Lang(r)
	sp := letterSettingsPage{Templates: []letter.Template{t}, Open: kind}
	if ps := t.Check(); len(ps) > 0 {
		sp.Problems = problemTexts(ps, lang)
		c.renderLetterSettings(w, r, u, http.StatusUnprocessableEntity, sp, "")
		return
	}
	if f.Get("preview") != "" {
		un, err := c.letters.Union(r.Context(), u.UserID)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		l, err := c.letters.Preview(r.Context(), u.UserID, t, un)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		doc := l.Document()
		sp.Preview = &doc
		c.renderLetterSettings(w, r, u, http.StatusOK, sp, "")
		return
	}
	err := c.letters.PutTemplate(r.Context(), u.UserID, t)
	var ps letter.ProblemsError
	if errors.As(err, &ps) {
		sp.Problems = problemTexts(ps, lang)
		c.renderLetterSettings(w, r, u, http.StatusUnprocessableEntity, sp, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderLetterSettings(w, r, u, http.StatusOK, letterSettingsPage{Open: kind}, c.render.Text("settings.saved", lang))
}

func problemTexts[T interface{ In(string) string }](ps []T, lang string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.In(lang)
	}
	return out
}
