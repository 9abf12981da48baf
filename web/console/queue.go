package console

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// queryOf reads the queue's filters from the URL.
func queryOf(v url.Values) intake.QueueQuery {
	q := intake.QueueQuery{View: v.Get("view"), Type: intake.DisputeType(v.Get("type")), Province: strings.TrimSpace(v.Get("province")),
		City: strings.TrimSpace(v.Get("city")), Employer: strings.TrimSpace(v.Get("employer")), Search: strings.TrimSpace(v.Get("q"))}
	if !q.Type.Valid() {
		q.Type = ""
	}
	q.From, _ = time.ParseInLocation("2006-01-02", v.Get("from"), intake.Reporting)
	q.To, _ = time.ParseInLocation("2006-01-02", v.Get("to"), intake.Reporting)
	q.Page, _ = strconv.Atoi(v.Get("page"))
	q.PerPage, _ = strconv.Atoi(v.Get("per"))
	return q
}

// queueGroup is tickets on the page against one employer (or one ticket
// alone).
type queueGroup struct {
	Employer string
	Affected int64
	Count    int // complaints against the employer, on this page or not
	Tickets  []intake.Ticket
}

type queueData struct {
	Query     intake.QueueQuery
	Values    url.Values
	Page      intake.QueuePage
	Groups    []queueGroup
	Tabs      []queueTab
	Types     []intake.DisputeType
	Provinces []calc.Province
	From, To  string
	Prev      string
	Next      string
	Export    string // the query string for exports
	Admin     bool
	Filtered  bool
	Search    bool // results of the search box (no links that would carry it)
}

type queueTab struct {
	Key, URL string
	Count    int
	Active   bool
}

func (c *Console) queuePage(w http.ResponseWriter, r *http.Request, u *user) {
	v := r.URL.Query()
	c.renderQueue(w, r, u, v, queryOf(v), false)
}

// searchPage answers the search box. It is a form post, and the results
// are shown without a redirect: what staff type (often a worker's name)
// never appears in a URL, so not in a proxy's logs or the browser's
// history. Results come on one long page, without export links.
func (c *Console) searchPage(w http.ResponseWriter, r *http.Request, u *user) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	q := intake.QueueQuery{View: r.PostForm.Get("view"), Search: strings.TrimSpace(r.PostForm.Get("q")), PerPage: intake.MaxPerPage}
	if n, ok := intake.ParseTicketNumber(q.Search); ok {
		http.Redirect(w, r, "/console/t/"+strconv.FormatInt(n, 10), http.StatusSeeOther)
		return
	}
	c.renderQueue(w, r, u, url.Values{"view": {q.View}}, q, true)
}

func (c *Console) renderQueue(w http.ResponseWriter, r *http.Request, u *user, v url.Values, q intake.QueueQuery, search bool) {
	page, err := c.svc.Queue(r.Context(), u.UserID, q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := queueData{Query: q, Values: v, Page: page, Types: intake.DisputeTypes(), Provinces: calc.Provinces(), Admin: u.admin(),
		From: v.Get("from"), To: v.Get("to")}
	d.Filtered = q.Type != "" || q.Province != "" || q.City != "" || q.Employer != "" || !q.From.IsZero() || !q.To.IsZero()
	view := q.View
	if view == "" {
		view = intake.ViewOpen
	}
	tab := func(key, view string, n int) {
		d.Tabs = append(d.Tabs, queueTab{Key: key, URL: "/console/?view=" + view, Count: n, Active: q.View == view || (q.View == "" && view == intake.ViewOpen)})
	}
	tab("view.open", intake.ViewOpen, page.Open)
	tab("view.mine", intake.ViewMine, page.Mine)
	for _, s := range intake.States() {
		if page.ByState[s] > 0 || s == intake.StateNew {
			d.Tabs = append(d.Tabs, queueTab{Key: "state." + string(s), URL: "/console/?view=" + string(s), Count: page.ByState[s], Active: q.View == string(s)})
		}
	}
	total := 0
	for _, n := range page.ByState {
		total += n
	}
	tab("view.all", intake.ViewAll, total)
	// Tickets against one employer on this page sit together, with the
	// workers affected, so a collective dispute shows.
	at := map[string]int{}
	for _, t := range page.Tickets {
		if t.EmployerKey != "" && len(t.Linked) > 0 {
			if i, ok := at[t.EmployerKey]; ok {
				d.Groups[i].Tickets = append(d.Groups[i].Tickets, t)
				continue
			}
			at[t.EmployerKey] = len(d.Groups)
			d.Groups = append(d.Groups, queueGroup{Employer: t.Employer, Affected: page.Affected[t.EmployerKey], Count: len(t.Linked) + 1, Tickets: []intake.Ticket{t}})
			continue
		}
		d.Groups = append(d.Groups, queueGroup{Tickets: []intake.Ticket{t}})
	}
	link := func(p int) string {
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		w.Set("page", strconv.Itoa(p))
		return "/console/?" + w.Encode()
	}
	if page.Page > 1 {
		d.Prev = link(page.Page - 1)
	}
	if page.Page < page.Pages {
		d.Next = link(page.Page + 1)
	}
	ev := url.Values{}
	for k, vs := range v {
		if k != "page" && k != "per" {
			ev[k] = vs
		}
	}
	d.Export = ev.Encode()
	if search {
		d.Prev, d.Next, d.Export, d.Search = "", "", "", true
	}
	title := "nav.queue"
	c.render.Render(w, r, http.StatusOK, "queue", c.page(r, u, title, "nav.queue", d))
}

// queueExport writes the filtered view (all its pages) as CSV (UTF-8 with
// a byte-order mark, so Excel reads Chinese) or JSON. Personal fields only
// for admins, and only with personal=1.
func (c *Console) queueExport(w http.ResponseWriter, r *http.Request, u *user) {
	v := r.URL.Query()
	f := intake.FormatJSON
	if strings.HasSuffix(r.URL.Path, ".csv") {
		f = intake.FormatCSV
	}
	personal := v.Get("personal") == "1"
	var buf bytes.Buffer
	if err := c.svc.ExportQueue(r.Context(), u.UserID, queryOf(v), f, personal, &buf); err != nil {
		c.fail(w, r, err)
		return
	}
	writeDownload(w, "tickets-"+c.now().In(intake.Reporting).Format("2006-01-02"), f, buf.Bytes())
}

// writeDownload sends an export as a file; CSV gets a UTF-8 byte-order
// mark unless it has one.
func writeDownload(w http.ResponseWriter, name string, f intake.Format, data []byte) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if f == intake.FormatCSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			data = append([]byte("\ufeff"), data...)
		}
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+"."+string(f)+`"`)
	_, _ = w.Write(data)
}
