package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aymanbagabas/go-udiff"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/bot/telegram"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/web"
)

// The knowledge base in the console: admins list, search, edit, publish,
// roll back and disable entries, review mediators' drafts, see the gaps
// and upload statutes; mediators read entries and propose changes. Every
// rule (validation, versions, who may do what, the audit trail, reloading
// every replica) is knowledge.Admin's, as for the bot's /kb; roles come
// from the same mapping (Options.KBRole). An entry form is written out as
// an entry file (knowledge.EntryForm) and checked like an upload.

// kbActor is the knowledge base's view of u.
func (c *Console) kbActor(ctx context.Context, u *user) (knowledge.Actor, error) {
	role := knowledge.RoleNone
	if c.kbRole != nil {
		var err error
		if role, err = c.kbRole(ctx, u.UserID); err != nil {
			return knowledge.Actor{}, err
		}
	}
	return knowledge.Actor{Name: ConsoleActor(u.UserID), Role: role}, nil
}

// ConsoleActor is how the knowledge base's audit trail names a console
// user.
func ConsoleActor(userID int64) string { return "console:" + strconv.FormatInt(userID, 10) }

// actorName shows an audit trail's actor: a console or Telegram user by
// name, "cli" and "built-in" as they are.
func (c *Console) actorName(ctx context.Context, actor string) string {
	for _, p := range []string{"console:", "tg:"} {
		if rest, ok := strings.CutPrefix(actor, p); ok {
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
				return c.displayName(ctx, id) + " (" + strings.TrimSuffix(p, ":") + ")"
			}
		}
	}
	return actor
}

type kbQuery struct {
	Q, Topic, Lang, Region, Before, State string
}

type kbRow struct {
	knowledge.EntryInfo
	Stale bool // reviewed more than a year ago
}

type kbListPage struct {
	Query   kbQuery
	Rows    []kbRow
	Total   int
	Topics  []knowledge.Topic
	Regions []string
	// ByTopic counts the matching entries per topic.
	ByTopic  map[string]int
	Admin    bool
	Gaps     int
	Drafts   int
	Filtered bool
	States   []string
	// Hidden keeps the filters when searching.
	Hidden map[string]string
}

// kbHandler is a knowledge-base page's handler, given the user as the
// knowledge base's authorization sees them.
type kbHandler func(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor)

// withKB makes a knowledge-base handler a console handler: 404 when the
// console has no knowledge base, the actor read for every request (a
// mediator made admin, or removed, is seen at once).
func (c *Console) withKB(h kbHandler) func(http.ResponseWriter, *http.Request, *user) {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		if c.kb == nil {
			c.render.Error(w, r, http.StatusNotFound, "")
			return
		}
		actor, err := c.kbActor(r.Context(), u)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		h(w, r, u, actor)
	}
}

// kbList lists and searches the entries.
func (c *Console) kbList(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	v := r.URL.Query()
	q := kbQuery{Q: strings.TrimSpace(v.Get("q")), Topic: v.Get("topic"), Lang: v.Get("lang"), Region: v.Get("region"), Before: v.Get("before"), State: v.Get("state")}
	all, err := c.kb.List(ctx, actor, "")
	if err != nil {
		c.fail(w, r, err)
		return
	}
	hidden := map[string]string{}
	for k, val := range map[string]string{"topic": q.Topic, "lang": q.Lang, "region": q.Region, "before": q.Before, "state": q.State} {
		if val != "" {
			hidden[k] = val
		}
	}
	d := kbListPage{Query: q, Hidden: hidden, Topics: knowledge.Topics(), ByTopic: map[string]int{}, Admin: actor.Role == knowledge.RoleAdmin,
		Filtered: q.Topic != "" || q.Lang != "" || q.Region != "" || q.Before != "" || q.State != "", States: []string{"published", "builtin", "disabled"}}
	var before time.Time
	if q.Before != "" {
		before, _ = time.Parse("2006-01-02", q.Before)
	}
	needle := strings.ToLower(q.Q)
	regions := map[string]bool{}
	yearAgo := c.now().AddDate(-1, 0, 0)
	for _, info := range all {
		e := info.Entry
		regions[e.Region] = true
		switch {
		case q.Topic != "" && e.Topic != q.Topic, q.Lang != "" && e.Lang != q.Lang, q.Region != "" && e.Region != q.Region,
			!before.IsZero() && !e.Reviewed.Before(before),
			q.State == "disabled" && !info.Disabled, q.State == "published" && !info.Published, q.State == "builtin" && info.Published:
			continue
		}
		if needle != "" && !matchEntry(e, needle) {
			continue
		}
		d.ByTopic[e.Topic]++
		d.Rows = append(d.Rows, kbRow{EntryInfo: info, Stale: e.Reviewed.Before(yearAgo)})
	}
	d.Total = len(d.Rows)
	for reg := range regions {
		d.Regions = append(d.Regions, reg)
	}
	sort.Strings(d.Regions)
	if d.Admin {
		if gaps, err := c.kb.Gaps(ctx, actor, 1000); err == nil {
			d.Gaps = len(gaps)
		}
		if drafts, err := c.kb.Drafts(ctx, actor); err == nil {
			d.Drafts = len(drafts)
		}
	}
	p := c.page(r, u, "nav.kb", "nav.kb", d)
	if key := v.Get("done"); key != "" && c.render.HasText("kbdone."+key) {
		p.Flash = c.render.Text("kbdone."+key, web.Lang(r))
	}
	c.render.Render(w, r, http.StatusOK, "kb", p)
}

func matchEntry(e knowledge.Entry, needle string) bool {
	if strings.Contains(strings.ToLower(e.ID), needle) || strings.Contains(strings.ToLower(e.Title), needle) ||
		strings.Contains(strings.ToLower(e.Body), needle) {
		return true
	}
	for _, q := range e.Questions {
		if strings.Contains(strings.ToLower(q), needle) {
			return true
		}
	}
	for _, ci := range e.Citations {
		if strings.Contains(strings.ToLower(ci.String()), needle) {
			return true
		}
	}
	return false
}

// Preview: what a worker sees.

// previewView is an entry as the channels show it.
type previewView struct {
	// Telegram is the messages in Telegram's HTML (rendered by the bot's
	// own code) and the buttons under the last.
	Telegram []template.HTML
	Buttons  [][]string
	// Markdown is the reply's text as the conversation writes it: what a
	// channel without rich text (the terminal) shows.
	Markdown string
}

var hrefRe = regexp.MustCompile(`href="([^"]*)"`)

// preview renders an entry with the conversation's reply and the Telegram
// transport's rendering (bot.EntryReply, telegram.MessagesHTML): the same
// code the worker's answer goes through.
func preview(e knowledge.Entry) previewView {
	rep := bot.EntryReply(e)
	var v previewView
	for _, part := range telegram.MessagesHTML(rep) {
		// The HTML is Telegram's subset, escaped by the renderer; only
		// web links stay links here.
		part = hrefRe.ReplaceAllStringFunc(part, func(m string) string {
			u := hrefRe.FindStringSubmatch(m)[1]
			if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
				return m
			}
			return `href="#"`
		})
		v.Telegram = append(v.Telegram, template.HTML(part)) // produced by telegram.RenderHTML, which escapes all text
	}
	for _, row := range rep.Buttons {
		var texts []string
		for _, b := range row {
			texts = append(texts, b.Text)
		}
		v.Buttons = append(v.Buttons, texts)
	}
	v.Markdown = rep.Text
	return v
}

// The entry page.

type kbEntryPage struct {
	Info      knowledge.EntryInfo
	Preview   previewView
	Pair      *knowledge.EntryInfo
	PairView  previewView
	PairID    string
	Admin     bool
	Versions  int
	TopicName string
}

func (c *Console) kbEntry(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	info, err := c.kb.Show(ctx, actor, r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := kbEntryPage{Info: info, Preview: preview(info.Entry), Admin: actor.Role == knowledge.RoleAdmin, PairID: pairID(info.Entry)}
	if pair, err := c.kb.Show(ctx, actor, d.PairID); err == nil {
		d.Pair, d.PairView = &pair, preview(pair.Entry)
	}
	p := c.page(r, u, "kb.entry", "nav.kb", d)
	p.TitleArg = info.Entry.ID
	if key := r.URL.Query().Get("done"); key != "" && c.render.HasText("kbdone."+key) {
		p.Flash = c.render.Text("kbdone."+key, web.Lang(r))
	}
	c.render.Render(w, r, http.StatusOK, "kbentry", p)
}

// pairID is the id of the entry's other-language version.
func pairID(e knowledge.Entry) string {
	if e.Lang == "en" {
		return e.Key + "-zh"
	}
	return e.Key + "-en"
}

// The editor.

type kbEditPage struct {
	Form knowledge.EntryForm
	// ID is the entry edited ("" for a new one); Draft the draft (0: none).
	ID    string
	Draft int64
	// DraftText is a draft's text when it is not an entry file (a
	// mediator's description for an admin to write up).
	DraftText string
	Admin     bool
	Topics    []knowledge.Topic
	Articles  []articleOption
	// Citations are the citation inputs: the form's and a few empty ones.
	Citations []string
	Problems  []knowledge.FieldProblem
	Warnings  []knowledge.FieldProblem
	Checked   bool
	Preview   *previewView
	Pair      *knowledge.EntryInfo
	PairView  previewView
}

type articleOption struct{ Value, Label string }

// maxCitationInputs is knowledge.MaxCitations: the form offers as many.
const maxCitationInputs = knowledge.MaxCitations

// articleOptions are the citations the form suggests: every article of
// the loaded statutes with its first words, or, with none loaded, every
// article number of the catalog's statutes.
func (c *Console) articleOptions(ctx context.Context) []articleOption {
	var out []articleOption
	if ef, err := c.kb.Effective(ctx); err == nil && ef.Statutes.Len() > 0 {
		for _, st := range ef.Statutes.List() {
			for _, a := range st.Articles {
				label := strings.Join(strings.Fields(a.Text), "")
				if utf8.RuneCountInString(label) > 34 {
					label = string([]rune(label)[:34]) + "…"
				}
				out = append(out, articleOption{Value: fmt.Sprintf("%s %d", st.Short, a.Number), Label: label})
			}
		}
		return out
	}
	for _, info := range knowledge.StatuteCatalog() {
		for n := 1; n <= info.Articles; n++ {
			out = append(out, articleOption{Value: fmt.Sprintf("%s %d", info.Short, n), Label: info.Title})
		}
	}
	return out
}

func (c *Console) renderEditor(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor, status int, d kbEditPage, alert string) {
	ctx := r.Context()
	d.Topics = knowledge.Topics()
	d.Articles = c.articleOptions(ctx)
	d.Citations = append([]string(nil), d.Form.Citations...)
	for len(d.Citations) < min(len(d.Form.Citations)+3, maxCitationInputs) || len(d.Citations) < 4 {
		d.Citations = append(d.Citations, "")
	}
	if d.Pair == nil && d.Form.Key != "" {
		other := "en"
		if d.Form.Lang == "en" {
			other = "zh"
		}
		if pair, err := c.kb.Show(ctx, actor, d.Form.Key+"-"+other); err == nil {
			d.Pair, d.PairView = &pair, preview(pair.Entry)
		}
	}
	title := "kb.edit"
	if d.ID == "" {
		title = "kb.new"
	}
	p := c.page(r, u, title, "nav.kb", d)
	p.TitleArg = d.ID
	p.Alert = alert
	c.render.Render(w, r, status, "kbedit", p)
}

func (c *Console) kbEdit(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	id := r.PathValue("id")
	info, err := c.kb.Show(ctx, actor, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	form := knowledge.FormOf(info.Entry)
	if info.Source != nil {
		if e, ps := knowledge.ParseEntry(id+".md", info.Source, nil); len(ps) == 0 {
			form = knowledge.FormOf(e)
		}
	}
	c.renderEditor(w, r, u, actor, http.StatusOK, kbEditPage{Form: form, ID: id, Admin: actor.Role == knowledge.RoleAdmin}, "")
}

// kbNew is the editor for a new entry; ?q= prefills a question (from a
// gap), ?lang= the language, ?key= the key (the other language's version).
func (c *Console) kbNew(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	v := r.URL.Query()
	f := knowledge.EntryForm{Lang: v.Get("lang"), Key: v.Get("key"), Region: "national", Reviewed: c.now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")}
	if f.Lang != "en" {
		f.Lang = "zh"
	}
	if q := strings.TrimSpace(v.Get("q")); q != "" {
		f.Questions = []string{q}
	}
	if f.Key != "" {
		// Starting the other language's version: the same topic and
		// citations, which the two must share.
		other := "zh"
		if f.Lang == "zh" {
			other = "en"
		}
		if info, err := c.kb.Show(r.Context(), actor, f.Key+"-"+other); err == nil {
			f.Topic, f.Region = info.Entry.Topic, info.Entry.Region
			for _, ci := range info.Entry.Citations {
				f.Citations = append(f.Citations, ci.String())
			}
		}
	}
	c.renderEditor(w, r, u, actor, http.StatusOK, kbEditPage{Form: f, Admin: actor.Role == knowledge.RoleAdmin}, "")
}

// formFrom reads the editor's fields.
func formFrom(r *http.Request) knowledge.EntryForm {
	f := r.PostForm
	return knowledge.EntryForm{Key: strings.TrimSpace(f.Get("key")), Lang: strings.TrimSpace(f.Get("lang")), Title: f.Get("title"),
		Topic: f.Get("topic"), Region: strings.TrimSpace(f.Get("region")), Reviewed: strings.TrimSpace(f.Get("reviewed")),
		Questions: knowledge.QuestionLines(f.Get("questions")), Citations: f["citation"], Body: f.Get("body")}
}

// check checks a form as an upload is checked: ParseEntry and the checks
// against the rest of the knowledge base (CheckBundle), problems mapped to
// the form's fields. It returns the entry as far as it could be read.
func (c *Console) check(ctx context.Context, f knowledge.EntryForm) (knowledge.Entry, []knowledge.FieldProblem, []knowledge.FieldProblem, error) {
	src := f.Source()
	name := f.ID() + ".md"
	b, err := c.kb.Check(ctx, name, src)
	if err != nil {
		return knowledge.Entry{}, nil, nil, err
	}
	e, _ := knowledge.ParseEntry(name, src, nil)
	return e, f.FieldProblems(b.Problems), f.FieldProblems(b.Warnings), nil
}

// checkResult is the validation endpoint's answer.
type checkResult struct {
	Problems []knowledge.FieldProblem `json:"problems"`
	Warnings []knowledge.FieldProblem `json:"warnings"`
	// Summary and Preview are HTML rendered by the editor's templates:
	// the problems' summary and the preview.
	Summary string `json:"summary"`
	Preview string `json:"preview"`
}

// kbCheck answers the editor's script as the admin types: the problems
// by field and line, and the preview.
func (c *Console) kbCheck(w http.ResponseWriter, r *http.Request, u *user, _ knowledge.Actor) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	f := formFrom(r)
	e, ps, ws, err := c.check(r.Context(), f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	res := checkResult{Problems: ps, Warnings: ws}
	if res.Problems == nil {
		res.Problems = []knowledge.FieldProblem{}
	}
	if res.Warnings == nil {
		res.Warnings = []knowledge.FieldProblem{}
	}
	d := kbEditPage{Problems: ps, Warnings: ws, Checked: true}
	if e.Title != "" || e.Body != "" {
		pv := preview(e)
		d.Preview = &pv
	}
	var buf strings.Builder
	if err := c.render.FragmentTo(&buf, r, "kbedit", "problemsfrag", &web.Page{Data: d}); err == nil {
		res.Summary = buf.String()
	}
	buf.Reset()
	if err := c.render.FragmentTo(&buf, r, "kbedit", "preview", &web.Page{Data: d}); err == nil {
		res.Preview = buf.String()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(res)
}

// kbSave is the editor's submit: check (and preview), publish (admins),
// propose a draft (mediators, or admins parking one), save a draft's
// edits.
func (c *Console) kbSave(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	lang := web.Lang(r)
	f := formFrom(r)
	d := kbEditPage{Form: f, ID: r.PostForm.Get("id"), Admin: actor.Role == knowledge.RoleAdmin, DraftText: r.PostForm.Get("draft_text")}
	d.Draft, _ = strconv.ParseInt(r.PostForm.Get("draft"), 10, 64)
	e, ps, ws, err := c.check(ctx, f)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Problems, d.Warnings, d.Checked = ps, ws, true
	if e.Title != "" || e.Body != "" {
		pv := preview(e)
		d.Preview = &pv
	}
	action := r.PostForm.Get("action")
	src := f.Source()
	switch action {
	case "publish":
		if len(ps) > 0 {
			c.renderEditor(w, r, u, actor, http.StatusUnprocessableEntity, d, c.render.Text("kb.fixfirst", lang))
			return
		}
		var res *knowledge.PublishResult
		if d.Draft > 0 {
			if _, _, err = c.kb.EditDraft(ctx, actor, d.Draft, f.ID()+".md", src); err == nil {
				res, err = c.kb.PublishDraft(ctx, actor, d.Draft)
			}
		} else {
			res, err = c.kb.Publish(ctx, actor, f.ID()+".md", src)
		}
		var kps knowledge.Problems
		switch {
		case errors.As(err, &kps):
			d.Problems = f.FieldProblems(kps)
			c.renderEditor(w, r, u, actor, http.StatusUnprocessableEntity, d, c.render.Text("kb.fixfirst", lang))
			return
		case err != nil && (res == nil || len(res.Published) == 0):
			c.fail(w, r, err)
			return
		case err != nil:
			c.log.Error("console: published with an error after", "entry", f.ID(), "err", err)
		}
		done := "published"
		if res != nil && len(res.Published) == 0 {
			done = "unchanged"
		}
		http.Redirect(w, r, "/console/kb/e/"+url.PathEscape(f.ID())+"?done="+done, http.StatusSeeOther)
		return
	case "propose":
		if d.Draft > 0 {
			_, _, err = c.kb.EditDraft(ctx, actor, d.Draft, f.ID()+".md", src)
		} else {
			var dr knowledge.Draft
			dr, _, err = c.kb.Suggest(ctx, actor, f.ID()+".md", src)
			d.Draft = dr.ID
		}
		var kps knowledge.Problems
		if errors.As(err, &kps) {
			d.Problems = f.FieldProblems(kps)
			c.renderEditor(w, r, u, actor, http.StatusUnprocessableEntity, d, c.render.Text("kb.fixfirst", lang))
			return
		}
		if err != nil {
			c.fail(w, r, err)
			return
		}
		dest := "/console/kb/?done=proposed"
		if actor.Role == knowledge.RoleAdmin {
			dest = "/console/kb/drafts?done=draftsaved"
		}
		http.Redirect(w, r, dest, http.StatusSeeOther)
		return
	}
	// Check (and preview) only: the form again, with what was found.
	c.renderEditor(w, r, u, actor, http.StatusOK, d, "")
}

// History, rollback, disable.

type kbHistoryPage struct {
	ID       string
	Versions []kbVersion
	// Shown is the version whose change is shown; Diff its lines against
	// the version before.
	Shown int
	Diff  []diffLine
	Admin bool
}

type kbVersion struct {
	knowledge.EntryVersion
	Who     string
	Current bool
}

type diffLine struct {
	Kind string // add, del, ctx, hunk
	Text string
}

func (c *Console) kbHistory(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	id := r.PathValue("id")
	vs, err := c.kb.History(ctx, actor, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := kbHistoryPage{ID: id, Admin: actor.Role == knowledge.RoleAdmin}
	for i, v := range vs {
		d.Versions = append(d.Versions, kbVersion{EntryVersion: v, Who: c.actorName(ctx, v.Actor), Current: i == len(vs)-1})
	}
	slices.Reverse(d.Versions)
	d.Shown = vs[len(vs)-1].Version
	if s := r.URL.Query().Get("v"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			d.Shown = n
		}
	}
	if d.Shown > 0 {
		prev := -1
		for _, v := range vs {
			if v.Version < d.Shown && v.Version > prev {
				prev = v.Version
			}
		}
		newText, err := c.kb.Get(ctx, actor, id, d.Shown)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		var oldText []byte
		if prev >= 0 {
			if prev == 0 {
				oldText, err = c.kb.BuiltinSource(ctx, actor, id)
			} else {
				oldText, err = c.kb.Get(ctx, actor, id, prev)
			}
			if err != nil {
				oldText = nil
			}
		}
		d.Diff = diffLines(fmt.Sprintf("v%d", max(prev, 0)), fmt.Sprintf("v%d", d.Shown), string(oldText), string(newText))
	}
	c.render.Render(w, r, http.StatusOK, "kbhistory", c.page(r, u, "kb.history", "nav.kb", d))
}

// diffLines is a unified diff of two files as lines to colour.
func diffLines(from, to, a, b string) []diffLine {
	var out []diffLine
	for _, line := range strings.Split(strings.TrimRight(udiff.Unified(from, to, a, b), "\n"), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "---") || strings.HasPrefix(line, "+++"):
		case strings.HasPrefix(line, "@@"):
			out = append(out, diffLine{Kind: "hunk", Text: line})
		case strings.HasPrefix(line, "+"):
			out = append(out, diffLine{Kind: "add", Text: line[1:]})
		case strings.HasPrefix(line, "-"):
			out = append(out, diffLine{Kind: "del", Text: line[1:]})
		default:
			out = append(out, diffLine{Kind: "ctx", Text: strings.TrimPrefix(line, " ")})
		}
	}
	return out
}

func (c *Console) kbRollback(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 0 {
		c.render.Error(w, r, http.StatusBadRequest, "")
		return
	}
	id := r.PathValue("id")
	if _, err := c.kb.Rollback(ctx, actor, id, version); err != nil {
		var kps knowledge.Problems
		if errors.As(err, &kps) {
			c.render.Error(w, r, http.StatusConflict, c.render.Text("kb.rollbackbad", web.Lang(r))+" "+kps.Error())
			return
		}
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/kb/e/"+url.PathEscape(id)+"?done=rolledback", http.StatusSeeOther)
}

func (c *Console) kbDisable(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	var err error
	id := r.PathValue("id")
	done := "disabled"
	if r.PathValue("op") == "enable" {
		_, err = c.kb.Enable(ctx, actor, id)
		done = "enabled"
	} else if r.PathValue("op") == "disable" {
		_, err = c.kb.Disable(ctx, actor, id)
	} else {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/kb/e/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
}

// Drafts.

type kbDraftsPage struct {
	Drafts []kbDraftRow
}

type kbDraftRow struct {
	knowledge.Draft
	Who string
}

func (c *Console) kbDrafts(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	ds, err := c.kb.Drafts(ctx, actor)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var d kbDraftsPage
	for _, dr := range ds {
		d.Drafts = append(d.Drafts, kbDraftRow{Draft: dr, Who: c.actorName(ctx, dr.Author)})
	}
	p := c.page(r, u, "kb.drafts", "nav.kb", d)
	if key := r.URL.Query().Get("done"); key != "" && c.render.HasText("kbdone."+key) {
		p.Flash = c.render.Text("kbdone."+key, web.Lang(r))
	}
	c.render.Render(w, r, http.StatusOK, "kbdrafts", p)
}

// kbDraft opens a draft in the editor: an entry file fills the form; plain
// text is shown beside an empty form for the admin to write it up.
func (c *Console) kbDraft(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	dr, err := c.kb.Draft(ctx, actor, n)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := kbEditPage{Draft: n, Admin: actor.Role == knowledge.RoleAdmin, ID: dr.EntryID}
	e, ps := knowledge.ParseEntry("draft.md", []byte(dr.Source), nil)
	if e.Key != "" || e.Title != "" {
		d.Form = knowledge.FormOf(e)
		if len(ps) > 0 {
			d.Problems = d.Form.FieldProblems(ps)
			d.Checked = true
		}
	} else {
		d.DraftText = dr.Source
		d.Form = knowledge.EntryForm{Lang: "zh", Region: "national"}
	}
	c.renderEditor(w, r, u, actor, http.StatusOK, d, "")
}

func (c *Console) kbRejectDraft(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err := c.kb.RejectDraft(ctx, actor, n, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/kb/drafts?done=rejected", http.StatusSeeOther)
}

// Gaps.

type kbGapsPage struct {
	Gaps []knowledge.Gap
}

func (c *Console) kbGaps(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	gaps, err := c.kb.Gaps(ctx, actor, 200)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.page(r, u, "kb.gaps", "nav.kb", kbGapsPage{Gaps: gaps})
	if key := r.URL.Query().Get("done"); key != "" && c.render.HasText("kbdone."+key) {
		p.Flash = c.render.Text("kbdone."+key, web.Lang(r))
	}
	c.render.Render(w, r, http.StatusOK, "kbgaps", p)
}

func (c *Console) kbDismissGap(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	if err := c.kb.DismissGap(ctx, actor, r.PostForm.Get("key")); err != nil {
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/kb/gaps?done=dismissed", http.StatusSeeOther)
}

// Statutes.

type kbStatutesPage struct {
	Statutes []knowledge.StatuteSummary
	Problems []string
}

func (c *Console) kbStatutes(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	c.renderStatutes(w, r, u, actor, http.StatusOK, nil, "")
}

func (c *Console) renderStatutes(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor, status int, problems []string, flash string) {
	list, err := c.kb.Statutes(r.Context(), actor)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.page(r, u, "kb.statutes", "nav.kb", kbStatutesPage{Statutes: list, Problems: problems})
	p.Flash = flash
	if len(problems) > 0 {
		p.Alert = c.render.Text("kb.statutebad", web.Lang(r))
	}
	c.render.Render(w, r, status, "kbstatutes", p)
}

// kbUploadStatute adds or replaces a statute from an uploaded file.
func (c *Console) kbUploadStatute(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	lang := web.Lang(r)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if web.TooLarge(err) {
			c.renderStatutes(w, r, u, actor, http.StatusRequestEntityTooLarge, []string{c.render.Text("kb.toolarge", lang)}, "")
			return
		}
		c.renderStatutes(w, r, u, actor, http.StatusUnprocessableEntity, []string{c.render.Text("kb.nofile", lang)}, "")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, knowledge.MaxStatuteFileBytes+1))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	sf, err := c.kb.PutStatute(ctx, actor, hdr.Filename, data)
	var kps knowledge.Problems
	if errors.As(err, &kps) {
		var msgs []string
		for _, p := range kps {
			msgs = append(msgs, p.String())
		}
		c.renderStatutes(w, r, u, actor, http.StatusUnprocessableEntity, msgs, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderStatutes(w, r, u, actor, http.StatusOK, nil, fmt.Sprintf(c.render.Text("kb.statutedone", lang), sf.Short, sf.Articles))
}

func (c *Console) kbDeleteStatute(w http.ResponseWriter, r *http.Request, u *user, actor knowledge.Actor) {
	ctx := r.Context()
	err := c.kb.DeleteStatute(ctx, actor, r.PathValue("short"))
	var kps knowledge.Problems
	if errors.As(err, &kps) {
		var msgs []string
		for _, p := range kps {
			msgs = append(msgs, p.String())
		}
		c.renderStatutes(w, r, u, actor, http.StatusConflict, msgs, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderStatutes(w, r, u, actor, http.StatusOK, nil, c.render.Text("kb.statuteremoved", web.Lang(r)))
}
