package intake

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
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

// BOM is the UTF-8 byte-order mark a CSV export starts with: without it
// Excel, which union staff open exports in, reads the file in the
// system's legacy code page and garbles every Chinese character.
const BOM = "\ufeff"

// WriteExport writes tickets (personal data opened) in format f: CSV (a
// byte-order mark, then a header row), or a JSON array of ExportRecord.
func WriteExport(w io.Writer, f Format, tickets []Ticket) error {
	switch f {
	case FormatCSV:
		if _, err := io.WriteString(w, BOM); err != nil {
			return err
		}
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

// withoutPersonal is t as exported without personal fields: what Erase
// keeps (the case's type, place, amounts, states and dates), but with the
// ticket's own erasure time, so the export's "erased" column still tells
// which workers deleted their data.
func withoutPersonal(t Ticket) Ticket {
	e := Erase(t, t.ErasedAt)
	e.ErasedAt = t.ErasedAt
	e.UpdatedAt = t.UpdatedAt
	return e
}

// OperatorExport writes every ticket in format f for the operator of the
// installation (laborbot export on the command line: whoever can run the
// binary against the store holds the data anyway, so is treated as an
// admin). Personal fields (name, phone, contact time, description,
// demands, district, employer) are left out unless personal is set, as in
// the console's export. The export is recorded in the staff audit log as
// user 0 with the detail "command line: …". It returns how many tickets
// were written.
func (s *Service) OperatorExport(ctx context.Context, w io.Writer, f Format, personal bool) (int, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return 0, err
	}
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	for i := range all {
		if !personal {
			// Nothing personal is opened, so a store sealed with a key
			// this process lacks still exports its figures.
			all[i] = withoutPersonal(all[i])
			continue
		}
		if err := s.open(&all[i]); err != nil {
			return 0, err
		}
	}
	if err := WriteExport(w, f, all); err != nil {
		return 0, err
	}
	detail := "command line: " + string(f) + " " + strconv.Itoa(len(all)) + " tickets"
	if personal {
		detail += " with personal data"
	}
	if err := s.audit(ctx, OperatorPrincipal, ActionExport, 0, detail); err != nil {
		return len(all), fmt.Errorf("the export was written, but recording it in the audit log failed: %w", err)
	}
	return len(all), nil
}

// OperatorPrincipal is the installation's operator, acting on the command
// line: an admin with user id 0, which no Telegram or web user has.
var OperatorPrincipal = Principal{UserID: 0, Role: RoleAdmin}

// CheckDataKey opens the personal data of every ticket with the Service's
// key: the check made before a backup is restored, so that one made with
// another DATA_KEY is refused instead of leaving tickets nobody can read.
// It returns how many tickets were checked, and ErrDataKeyMismatch (or
// ErrNoDataKey when the Service has no key) for data that does not open.
func (s *Service) CheckDataKey(ctx context.Context) (int, error) {
	all, err := s.store.ListTickets(ctx)
	if err != nil {
		return 0, err
	}
	for i := range all {
		if err := sealFields(&all[i], s.sealer.Open); err != nil {
			if errors.Is(err, ErrNoDataKey) {
				return i, fmt.Errorf("ticket #%d: %w", all[i].Number, ErrNoDataKey)
			}
			return i, fmt.Errorf("ticket #%d: %w", all[i].Number, ErrDataKeyMismatch)
		}
	}
	return len(all), nil
}

// ErrDataKeyMismatch is returned by CheckDataKey for personal data sealed
// with another key.
var ErrDataKeyMismatch = errors.New("intake: personal data was sealed with another DATA_KEY")

// Actions of the installation's operator on the whole store, for the audit
// log: a backup holds every worker's data, and a restore replaces it.
const (
	ActionBackup  Action = "backup"
	ActionRestore Action = "restore"
)

// RecordOperatorAudit adds an action of the operator (see
// OperatorPrincipal) to the audit log. detail must not carry personal
// data.
func (s *Service) RecordOperatorAudit(ctx context.Context, a Action, detail string) error {
	return s.audit(ctx, OperatorPrincipal, a, 0, detail)
}
