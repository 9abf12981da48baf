package intake

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
)

// Format is an export format.
type Format string

// The export formats.
const (
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
)

// ParseFormat reads "csv" or "json".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatCSV, FormatJSON:
		return f, nil
	}
	return "", fmt.Errorf("intake: unknown export format %q (want csv or json)", s)
}

// ExportRecord is one ticket as exported, for the court's mediation
// platform and the union's records. The fields, in this order, are the
// export's fixed columns (ExportColumns): adding one is a change of the
// format the receivers must hear of. Dates are 2006-01-02, times RFC 3339
// in UTC, amounts yuan with two decimals; empty means not given (or
// erased).
type ExportRecord struct {
	Number        int64      `json:"number"`
	State         State      `json:"state"`
	Types         string     `json:"types"` // codes separated by ";"
	Province      string     `json:"province"`
	City          string     `json:"city"`
	District      string     `json:"district"`
	Employer      string     `json:"employer"`
	StartDate     string     `json:"start_date"`
	EndDate       string     `json:"end_date"`
	MonthlyWage   calc.Money `json:"monthly_wage"`
	Claimed       calc.Money `json:"claimed"`
	Coworkers     int        `json:"coworkers"`
	Description   string     `json:"description"`
	Demands       string     `json:"demands"`
	EvidenceCount int        `json:"evidence_count"`
	Name          string     `json:"name"`
	Phone         string     `json:"phone"`
	ContactTime   string     `json:"contact_time"`
	Mediator      int64      `json:"mediator"` // user id, 0 = none
	Outcome       Outcome    `json:"outcome"`
	SettledAmount calc.Money `json:"settled_amount"`
	CreatedAt     string     `json:"created_at"`
	ClaimedAt     string     `json:"claimed_at"`
	ConcludedAt   string     `json:"concluded_at"`
	ClosedAt      string     `json:"closed_at"`
	ConsentAt     string     `json:"consent_at"`
	Erased        bool       `json:"erased"` // the worker deleted their personal data
}

// ExportColumns returns the export's column names, in order (the CSV
// header and the JSON keys).
func ExportColumns() []string {
	return []string{"number", "state", "types", "province", "city", "district", "employer", "start_date",
		"end_date", "monthly_wage", "claimed", "coworkers", "description", "demands", "evidence_count",
		"name", "phone", "contact_time", "mediator", "outcome", "settled_amount", "created_at",
		"claimed_at", "concluded_at", "closed_at", "consent_at", "erased"}
}

// NewExportRecord converts a ticket (personal data opened).
func NewExportRecord(t Ticket) ExportRecord {
	var types []string
	for _, d := range t.Types {
		types = append(types, string(d))
	}
	return ExportRecord{
		Number: t.Number, State: t.State, Types: strings.Join(types, ";"),
		Province: t.Province, City: t.City, District: t.District, Employer: t.Employer,
		StartDate: day(t.StartDate), EndDate: day(t.EndDate),
		MonthlyWage: t.MonthlyWage, Claimed: t.Claimed, Coworkers: t.Coworkers,
		Description: t.Description, Demands: t.Demands, EvidenceCount: len(t.Evidence),
		Name: t.Name, Phone: t.Phone, ContactTime: t.ContactTime,
		Mediator: t.Mediator, Outcome: t.Outcome, SettledAmount: t.SettledAmount,
		CreatedAt: instant(t.CreatedAt), ClaimedAt: instant(t.ClaimedAt), ConcludedAt: instant(t.ConcludedAt),
		ClosedAt: instant(t.ClosedAt), ConsentAt: instant(t.ConsentAt), Erased: t.Erased(),
	}
}

// csvRow is the record as CSV cells, in ExportColumns order. Free text
// that a spreadsheet would run as a formula (=, +, -, @) is prefixed with
// an apostrophe: the file is opened in Excel by union staff, and the
// employer's name or a description is typed by anyone.
func (r ExportRecord) csvRow() []string {
	money := func(m calc.Money) string { return strings.ReplaceAll(m.String(), ",", "") }
	return []string{
		strconv.FormatInt(r.Number, 10), string(r.State), r.Types, cell(r.Province), cell(r.City),
		cell(r.District), cell(r.Employer), r.StartDate, r.EndDate, money(r.MonthlyWage), money(r.Claimed),
		strconv.Itoa(r.Coworkers), cell(r.Description), cell(r.Demands), strconv.Itoa(r.EvidenceCount),
		cell(r.Name), r.Phone, cell(r.ContactTime), strconv.FormatInt(r.Mediator, 10), string(r.Outcome),
		money(r.SettledAmount), r.CreatedAt, r.ClaimedAt, r.ConcludedAt, r.ClosedAt, r.ConsentAt,
		strconv.FormatBool(r.Erased),
	}
}

func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteExport writes tickets (personal data opened) in format f: CSV with
// a header row, or a JSON array of ExportRecord.
func WriteExport(w io.Writer, f Format, tickets []Ticket) error {
	switch f {
	case FormatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(ExportColumns()); err != nil {
			return err
		}
		for _, t := range tickets {
			if err := cw.Write(NewExportRecord(t).csvRow()); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case FormatJSON:
		records := make([]ExportRecord, 0, len(tickets))
		for _, t := range tickets {
			records = append(records, NewExportRecord(t))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(records)
	}
	return fmt.Errorf("intake: unknown export format %q", f)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
