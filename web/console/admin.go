package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/web"
)

type mediatorsData struct {
	Mediators []mediatorLoadRow
}

type mediatorLoadRow struct {
	intake.MediatorCaseload
	Name string
}

func (c *Console) mediatorsPage(w http.ResponseWriter, r *http.Request, u *user) {
	c.renderMediators(w, r, u, http.StatusOK, "", "")
}

func (c *Console) renderMediators(w http.ResponseWriter, r *http.Request, u *user, status int, flash, alert string) {
	loads, err := c.svc.MediatorCaseloads(r.Context(), u.UserID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var d mediatorsData
	for _, l := range loads {
		d.Mediators = append(d.Mediators, mediatorLoadRow{MediatorCaseload: l, Name: c.displayName(r.Context(), l.UserID)})
	}
	p := c.page(r, u, "nav.mediators", "nav.mediators", d)
	p.Flash, p.Alert = flash, alert
	c.render.Render(w, r, status, "mediators", p)
}

func (c *Console) addMediator(w http.ResponseWriter, r *http.Request, u *user) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	lang := web.Lang(r)
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("id")), 10, 64)
	if err != nil || id <= 0 {
		c.renderMediators(w, r, u, http.StatusUnprocessableEntity, "", c.render.Text("mediators.badid", lang))
		return
	}
	if err := c.svc.AddMediator(r.Context(), u.UserID, id); err != nil {
		c.fail(w, r, err)
		return
	}
	c.renderMediators(w, r, u, http.StatusOK, c.render.Text("mediators.added", lang)+" "+strconv.FormatInt(id, 10), "")
}

// removeMediator takes the role away; the mediator's next request is
// refused and their sessions end (requireUser), whatever replica serves
// it.
func (c *Console) removeMediator(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err := c.svc.RemoveMediator(r.Context(), u.UserID, id); err != nil {
		c.fail(w, r, err)
		return
	}
	if p, err := c.svc.Principal(r.Context(), id); err == nil && !p.Role.Staff() {
		if _, err := c.sessions.DeleteUserSessions(r.Context(), id); err != nil {
			c.log.Error("console: ending a removed mediator's sessions", "err", err)
		}
	}
	c.renderMediators(w, r, u, http.StatusOK, c.render.Text("mediators.removed", web.Lang(r))+" "+strconv.FormatInt(id, 10), "")
}

type auditData struct {
	Records []auditRow
	User    string
	Ticket  string
	Action  string
	Actions []intake.Action
	Next    string
	KBOn    bool
}

type auditRow struct {
	intake.AuditRecord
	Name string
}

// kbAuditRow is a change to the knowledge base, from knowledge.Admin's own
// trail.
type kbAuditRow struct {
	knowledge.AuditRecord
	Who string
}

type kbAuditData struct {
	Records []kbAuditRow
	KBOn    bool
}

// kbAuditPage is the audit page's second tab: the knowledge base's trail
// (every publish, rollback, disable, draft, statute and gap change, by
// whom and when: from the bot, the console and laborbot kb).
func (c *Console) kbAuditPage(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	actor, err := c.kbActor(ctx, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	recs, err := c.kb.Audit(ctx, actor, 200)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := kbAuditData{KBOn: true}
	for _, rec := range recs {
		d.Records = append(d.Records, kbAuditRow{AuditRecord: rec, Who: c.actorName(ctx, rec.Actor)})
	}
	c.render.Render(w, r, http.StatusOK, "kbaudit", c.page(r, u, "nav.audit", "nav.audit", d))
}

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, u *user) {
	v := r.URL.Query()
	if v.Get("log") == "kb" && c.kb != nil {
		c.kbAuditPage(w, r, u)
		return
	}
	f := intake.AuditFilter{Action: intake.Action(v.Get("action")), Before: v.Get("before"), Limit: 50}
	f.UserID, _ = strconv.ParseInt(strings.TrimSpace(v.Get("user")), 10, 64)
	f.Ticket, _ = intake.ParseTicketNumber(v.Get("ticket"))
	recs, err := c.svc.Audit(r.Context(), u.UserID, f)
	if errors.Is(err, intake.ErrBadCursor) {
		c.render.Error(w, r, http.StatusBadRequest, "")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := auditData{KBOn: c.kb != nil, User: v.Get("user"), Ticket: v.Get("ticket"), Action: v.Get("action"),
		Actions: []intake.Action{intake.ActionSignIn, intake.ActionSignOut, intake.ActionClaim, intake.ActionTransition, intake.ActionNote,
			intake.ActionMessage, intake.ActionRequestEvidence, intake.ActionOutcome, intake.ActionRefer, intake.ActionClose,
			intake.ActionViewEvidence, intake.ActionExport, intake.ActionManageMediators, intake.ActionLetter, intake.ActionLetterSettings}}
	for _, rec := range recs {
		d.Records = append(d.Records, auditRow{AuditRecord: rec, Name: c.displayName(r.Context(), rec.UserID)})
	}
	if len(recs) == f.Limit {
		next := url.Values{}
		for k, vs := range v {
			next[k] = vs
		}
		next.Set("before", recs[len(recs)-1].ID)
		d.Next = "/console/admin/audit?" + next.Encode()
	}
	c.render.Render(w, r, http.StatusOK, "audit", c.page(r, u, "nav.audit", "nav.audit", d))
}
