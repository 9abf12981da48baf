package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
)

type ticketData struct {
	T intake.Ticket
	// Full: the user sees the contact details, evidence and trail (the
	// claiming mediator or an admin).
	Full     bool
	Events   []eventView
	Evidence []evidenceView
	Calcs    []calcView
	Actions  map[string]bool
	Linked   []intake.Ticket
	// LinkedAll lists every complaint against the employer.
	LinkedAll string
	Affected  int64
	Today     string
	Mediator  string
	// Deadline is the estimated arbitration deadline (open cases);
	// Result how a referral ended.
	Deadline string
	Result   string
	Letters  lettersSection
}

type eventView struct {
	intake.Event
	Who    string
	Worker bool
}

type evidenceView struct {
	Index int
	Kind  string
	URL   string
	Image bool
	Added time.Time
}

type calcView struct {
	Key     string
	Amount  string
	Formula string
}

// maxLinked bounds the linked tickets a ticket page lists.
const maxLinked = 8

func ticketNumber(r *http.Request) (int64, bool) {
	return intake.ParseTicketNumber(r.PathValue("n"))
}

func (c *Console) ticketPage(w http.ResponseWriter, r *http.Request, u *user) {
	d, err := c.ticketData(r, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.page(r, u, "ticket.title", "nav.queue", d)
	p.TitleArg = "#" + strconv.FormatInt(d.T.Number, 10)
	lang := web.Lang(r)
	if key := r.URL.Query().Get("done"); key != "" && c.render.HasText("done."+key) {
		p.Flash = c.render.Text("done."+key, lang)
	}
	c.render.Render(w, r, http.StatusOK, "ticket", p)
}

func (c *Console) ticketData(r *http.Request, u *user) (ticketData, error) {
	ctx := r.Context()
	n, ok := ticketNumber(r)
	if !ok {
		return ticketData{}, intake.ErrNotFound
	}
	t, err := c.svc.Ticket(ctx, u.UserID, n)
	if err != nil {
		return ticketData{}, err
	}
	d := ticketData{T: t, Actions: actionsFor(t, u), Today: c.now().In(intake.Reporting).Format("2006-01-02")}
	d.Full = u.admin() || (t.Mediator == u.UserID && t.WorkerID != u.UserID)
	if t.Mediator != 0 {
		d.Mediator = c.displayName(ctx, t.Mediator)
	}
	if t.State.Open() {
		d.Deadline = intake.LimitationOf(t).Line(web.Lang(r))
	}
	if t.FollowUp.Result != "" {
		d.Result = t.FollowUp.Result.Label(web.Lang(r))
	}
	if d.Full {
		events, err := c.svc.Events(ctx, u.UserID, n)
		if err != nil {
			return ticketData{}, err
		}
		d.Events = c.eventViews(r, events)
		for i, e := range t.Evidence {
			d.Evidence = append(d.Evidence, evidenceView{Index: i, Kind: e.Kind, Added: e.AddedAt, Image: e.Kind == "photo",
				URL: "/console/t/" + strconv.FormatInt(n, 10) + "/evidence/" + strconv.Itoa(i)})
		}
	}
	d.Calcs = calcsFor(t, c.now(), web.Lang(r))
	d.Letters = c.lettersFor(r, u, t, d.Full)
	if len(t.Linked) > 0 {
		// The most recent few; the queue lists them all.
		page, err := c.svc.Queue(ctx, u.UserID, intake.QueueQuery{View: intake.ViewAll, Employer: t.Employer, PerPage: maxLinked + 1})
		if err == nil {
			for _, x := range page.Tickets {
				if x.Number != t.Number && x.EmployerKey == t.EmployerKey && len(d.Linked) < maxLinked {
					d.Linked = append(d.Linked, x)
				}
			}
			d.Affected = page.Affected[t.EmployerKey]
		}
		d.LinkedAll = "/console/?view=all&employer=" + url.QueryEscape(t.Employer)
	}
	return d, nil
}

func (c *Console) eventViews(r *http.Request, events []intake.Event) []eventView {
	out := make([]eventView, 0, len(events))
	for i := len(events) - 1; i >= 0; i-- { // newest first
		e := events[i]
		v := eventView{Event: e, Worker: e.Role == intake.RoleWorker}
		switch {
		case v.Worker:
			v.Who = c.render.Text("role.worker", web.Lang(r))
		case e.Role == intake.RoleSystem:
			v.Who = c.render.Text("role.system", web.Lang(r))
		default:
			v.Who = c.displayName(r.Context(), e.Actor)
		}
		out = append(out, v)
	}
	return out
}

// actionsFor says which actions the page offers u: the same as the bot's
// buttons for the ticket's state. intake checks them again on submit.
func actionsFor(t intake.Ticket, u *user) map[string]bool {
	a := map[string]bool{}
	own := t.WorkerID == u.UserID
	if t.State == intake.StateNew && !own {
		a["claim"] = true
	}
	if own || !(u.admin() || t.Mediator == u.UserID) || !t.State.Open() {
		return a
	}
	if t.State != intake.StateNew {
		a["message"], a["evidence"], a["note"] = true, true, true
	}
	switch t.State {
	case intake.StateClaimed:
		a["mediate"] = true
	case intake.StateInMediation:
		a["settled"], a["notsettled"] = true, true
	case intake.StateNotSettled:
		a["arbitration"], a["court"] = true, true
	}
	for _, next := range intake.NextStates(t.State) {
		if next == intake.StateClosed {
			a["close"] = true
		}
	}
	return a
}

// calcsFor runs the calculators on the ticket's facts, as a mediator would
// to check the claim: severance (N) and the arbitration deadline.
func calcsFor(t intake.Ticket, now time.Time, lang string) []calcView {
	var out []calcView
	if !t.StartDate.IsZero() && t.MonthlyWage > 0 {
		end := t.EndDate
		if end.IsZero() {
			y, m, d := now.In(intake.Reporting).Date()
			end = calc.Date(y, m, d)
		}
		if r, err := calc.Severance(calc.SeveranceInput{Start: t.StartDate, End: end, MonthlyWage: t.MonthlyWage}); err == nil && r.HasAmount() {
			out = append(out, calcView{Key: "calc.severance", Amount: r.AmountString(), Formula: r.Formula.In(lang)})
		}
	}
	if !t.EndDate.IsZero() {
		y, m, d := now.In(intake.Reporting).Date()
		if r, err := calc.Deadline(calc.DeadlineInput{Ended: t.EndDate, Wages: t.HasType(intake.TypeUnpaidWages) || t.HasType(intake.TypeOvertime), Today: calc.Date(y, m, d)}); err == nil {
			out = append(out, calcView{Key: "calc.deadline", Amount: r.AmountString(), Formula: r.Formula.In(lang)})
		}
	}
	return out
}

func (c *Console) timelineFragment(w http.ResponseWriter, r *http.Request, u *user) {
	d, err := c.ticketData(r, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render.Fragment(w, r, http.StatusOK, "ticket", "timeline", &web.Page{Data: d})
}

// evidence serves an evidence file to those who may see it (intake checks
// and records the view): photos inline, other files as downloads.
func (c *Console) evidence(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	n, ok := ticketNumber(r)
	i, err := strconv.Atoi(r.PathValue("i"))
	if !ok || err != nil || i < 0 {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	// Which file: read the ticket as the user may (ErrForbidden for one
	// who may not see it), then let EvidenceView check the contact right.
	t, err := c.svc.Ticket(ctx, u.UserID, n)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if i >= len(t.Evidence) {
		if u.admin() || t.Mediator == u.UserID {
			c.render.Error(w, r, http.StatusNotFound, "")
		} else {
			c.render.Error(w, r, http.StatusForbidden, "")
		}
		return
	}
	data, e, err := c.svc.EvidenceView(ctx, u.UserID, n, t.Evidence[i].FileID, "console", c.fetch)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	ctype := http.DetectContentType(data)
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// Sandboxed even if opened directly: a file a worker sent must not run
	// script in the console's origin.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	name := "ticket-" + strconv.FormatInt(n, 10) + "-" + strconv.Itoa(i+1)
	if strings.HasPrefix(ctype, "image/") && ctype != "image/svg+xml" {
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="`+name+extFor(ctype, e.Kind)+`"`)
	}
	_, _ = w.Write(data)
}

func extFor(ctype, kind string) string {
	switch {
	case strings.HasPrefix(ctype, "application/pdf"):
		return ".pdf"
	case strings.HasPrefix(ctype, "image/jpeg"):
		return ".jpg"
	case strings.HasPrefix(ctype, "image/png"):
		return ".png"
	case strings.HasPrefix(ctype, "video/"):
		return ".mp4"
	case strings.HasPrefix(ctype, "text/plain"):
		return ".txt"
	}
	return ".bin"
}

// ticketAction runs one action from the ticket page: the same intake call
// the Telegram buttons make. The result is shown on the ticket page; a
// conflict (someone else was first) plainly.
func (c *Console) ticketAction(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	n, ok := ticketNumber(r)
	if !ok {
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	lang := web.Lang(r)
	action := r.PathValue("action")
	var err error
	needText := func() bool {
		if text == "" {
			c.actionError(w, r, u, c.render.Text("form.needtext", lang))
			return false
		}
		return true
	}
	switch action {
	case "claim":
		_, err = c.svc.Claim(ctx, u.UserID, n)
	case "note":
		if !needText() {
			return
		}
		_, err = c.svc.AddNote(ctx, u.UserID, n, text)
	case "evidence":
		if !needText() {
			return
		}
		_, err = c.svc.RequestEvidence(ctx, u.UserID, n, text)
	case "message":
		if !needText() {
			return
		}
		if c.messenger == nil {
			c.actionError(w, r, u, c.render.Text("message.off", lang))
			return
		}
		_, err = c.messenger.MessageWorker(ctx, u.UserID, n, text)
	case "mediate":
		_, err = c.svc.Transition(ctx, u.UserID, n, intake.StateInMediation, text)
	case "settled":
		amount, perr := calc.ParseMoney(r.PostForm.Get("amount"))
		if perr != nil || amount < 0 {
			c.actionError(w, r, u, c.render.Text("form.badamount", lang))
			return
		}
		var payBy time.Time
		if s := r.PostForm.Get("payby"); s != "" {
			if payBy, perr = time.ParseInLocation("2006-01-02", s, intake.Reporting); perr != nil {
				c.actionError(w, r, u, c.render.Text("form.baddate", lang))
				return
			}
		}
		_, err = c.svc.Settle(ctx, u.UserID, n, amount, payBy, text)
	case "notsettled":
		_, err = c.svc.RecordOutcome(ctx, u.UserID, n, intake.OutcomeNotSettled, 0, text)
	case "arbitration":
		_, err = c.svc.Refer(ctx, u.UserID, n, intake.ReferArbitration, text)
	case "court":
		_, err = c.svc.Refer(ctx, u.UserID, n, intake.ReferCourt, text)
	case "close":
		_, err = c.svc.Close(ctx, u.UserID, n, text)
	default:
		c.render.Error(w, r, http.StatusNotFound, "")
		return
	}
	var te *intake.TransitionError
	switch {
	case errors.Is(err, intake.ErrAlreadyClaimed):
		c.actionError(w, r, u, c.render.Text("ticket.taken", lang))
		return
	case errors.As(err, &te):
		c.actionError(w, r, u, c.render.Text("ticket.conflict", lang))
		return
	case err != nil && !errors.Is(err, intake.ErrForbidden) && !errors.Is(err, intake.ErrNotFound) && !web.TooLarge(err):
		// A rule of intake (an empty note, a closed ticket, a date
		// before the complaint): say so on the page.
		c.log.Warn("console: action refused", "action", action, "ticket", n, "err", err)
		c.actionError(w, r, u, c.render.Text("ticket.refused", lang))
		return
	case err != nil:
		c.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/console/t/"+strconv.FormatInt(n, 10)+"?done="+url.QueryEscape(action), http.StatusSeeOther)
}

// actionError shows the ticket page again with the problem (409 when the
// ticket moved on, 422 for a bad form).
func (c *Console) actionError(w http.ResponseWriter, r *http.Request, u *user, msg string) {
	d, err := c.ticketData(r, u)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	p := c.page(r, u, "ticket.title", "nav.queue", d)
	p.TitleArg = "#" + strconv.FormatInt(d.T.Number, 10)
	p.Alert = msg
	c.render.Render(w, r, http.StatusConflict, "ticket", p)
}
