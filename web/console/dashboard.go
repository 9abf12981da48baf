package console

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/web"
)

type dashboardData struct {
	D          intake.Dashboard
	Months     string // SVG
	Types      string
	Provinces  string
	Cities     string
	Mediators  []mediatorRow
	Employers  []intake.EmployerFigures
	TypeRows   []namedFigures
	Provs      []namedFigures
	CityRows   []namedFigures
	SourceRows []namedFigures
	ChartTitle map[string]string
}

type namedFigures struct {
	Name string
	intake.Figures
}

type mediatorRow struct {
	Name string
	Open int
}

func provinceName(key, lang string) string {
	if lang == "en" {
		if p, ok := calc.LookupProvince(key); ok {
			return p.En
		}
	}
	return key
}

func (c *Console) dashboardPage(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	lang := web.Lang(r)
	d, err := c.svc.Dashboard(ctx, u.UserID, c.now())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	data := dashboardData{D: d, Employers: d.Employers}
	var months []bar
	for _, m := range d.ByMonth {
		label := m.Key[5:]
		if label == "01" || len(months) == 0 {
			label = m.Key[2:4] + "/" + label
		}
		months = append(months, bar{Label: label, Value: float64(m.Cases), Value2: float64(m.Settled), Text: strconv.Itoa(m.Cases)})
	}
	data.Months = vbars(c.render.Text("dash.bymonth", lang), months)
	var types []bar
	for _, f := range d.ByType {
		name := intake.DisputeType(f.Key).Label(lang)
		data.TypeRows = append(data.TypeRows, namedFigures{name, f})
		types = append(types, bar{Label: name, Value: float64(f.Cases), Value2: float64(f.Settled), Text: strconv.Itoa(f.Cases)})
	}
	data.Types = hbars(c.render.Text("dash.bytype", lang), types)
	var provs []bar
	for _, f := range d.ByProvince {
		name := provinceName(f.Key, lang)
		data.Provs = append(data.Provs, namedFigures{name, f})
		if len(provs) < 12 {
			provs = append(provs, bar{Label: name, Value: float64(f.Cases), Value2: float64(f.Settled), Text: strconv.Itoa(f.Cases)})
		}
	}
	data.Provinces = hbars(c.render.Text("dash.byprovince", lang), provs)
	for _, f := range d.ByCity {
		p, city, _ := strings.Cut(f.Key, "/")
		data.CityRows = append(data.CityRows, namedFigures{provinceName(p, lang) + " " + city, f})
	}
	for _, f := range d.BySource {
		data.SourceRows = append(data.SourceRows, namedFigures{f.Key, f})
	}
	for _, m := range d.Mediators {
		data.Mediators = append(data.Mediators, mediatorRow{Name: c.displayName(ctx, m.UserID), Open: m.Open})
	}
	c.render.Render(w, r, http.StatusOK, "dashboard", c.page(r, u, "nav.dashboard", "nav.dashboard", data))
}

// dashboardExport writes the dashboard's tables: JSON as the Dashboard,
// CSV (with a byte-order mark) as rows of table, key and figures. Nothing
// personal is in them (but employers' names, which staff see anyway).
func (c *Console) dashboardExport(w http.ResponseWriter, r *http.Request, u *user) {
	d, err := c.svc.Dashboard(r.Context(), u.UserID, c.now())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	name := "dashboard-" + c.now().In(intake.Reporting).Format("2006-01-02")
	if strings.HasSuffix(r.URL.Path, ".json") {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			c.fail(w, r, err)
			return
		}
		writeDownload(w, name, intake.FormatJSON, buf.Bytes())
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"table", "key", "cases", "concluded", "settled", "settlement_rate", "settled_amount", "claimed_amount"})
	row := func(table string, f intake.Figures) {
		_ = cw.Write([]string{table, f.Key, strconv.Itoa(f.Cases), strconv.Itoa(f.Concluded), strconv.Itoa(f.Settled),
			fmt.Sprintf("%.4f", f.Rate), plainMoney(f.Amount), plainMoney(f.Claimed)})
	}
	row("all", d.All)
	for _, f := range d.ByMonth {
		row("month", f)
	}
	for _, f := range d.ByType {
		row("type", f)
	}
	for _, f := range d.ByProvince {
		row("province", f)
	}
	for _, f := range d.ByCity {
		row("city", f)
	}
	for _, f := range d.BySource {
		row("source", f)
	}
	for _, x := range []struct {
		key string
		d   intake.Durations
	}{{"to_claim", d.ToClaim}, {"to_outcome", d.ToOutcome}, {"to_close", d.ToClose}} {
		_ = cw.Write([]string{"duration_hours", x.key, strconv.Itoa(x.d.Count), "", "", "", fmt.Sprintf("median=%.1f", x.d.Median.Hours()), fmt.Sprintf("p90=%.1f", x.d.P90.Hours())})
	}
	for _, m := range d.Mediators {
		_ = cw.Write([]string{"open_by_mediator", strconv.FormatInt(m.UserID, 10), strconv.Itoa(m.Open)})
	}
	for _, e := range d.Employers {
		_ = cw.Write([]string{"employer_workers_affected", e.Name, strconv.Itoa(e.Tickets), "", "", "", strconv.FormatInt(e.Affected, 10)})
	}
	_ = cw.Write([]string{"unclaimed_over_24h", "", strconv.Itoa(d.Over24)})
	cw.Flush()
	writeDownload(w, name, intake.FormatCSV, buf.Bytes())
}

func plainMoney(m calc.Money) string { return strings.ReplaceAll(m.String(), ",", "") }

// humanDuration is a duration in days and hours, or minutes.
func humanDuration(d time.Duration, lang string) string {
	if d < time.Minute {
		if lang == "en" {
			return "<1min"
		}
		return "不到1分钟"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if lang == "en" {
		switch {
		case days > 0:
			return fmt.Sprintf("%dd %dh", days, hours)
		case hours > 0:
			return fmt.Sprintf("%dh %dmin", hours, mins)
		}
		return fmt.Sprintf("%dmin", mins)
	}
	switch {
	case days > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d小时%d分", hours, mins)
	}
	return fmt.Sprintf("%d分钟", mins)
}
