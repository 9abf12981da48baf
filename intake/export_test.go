package intake_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/intake"
)

// The operator's export leaves personal fields out unless asked, starts a
// CSV with a byte-order mark, and is in the audit log either way.
func TestOperatorExport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, open, sealer)
		ctx := t.Context()
		f.submit(t, 700, complaint{name: "王小明", phone: "13987654321", employer: "星光电子"})

		var buf bytes.Buffer
		n, err := f.svc.OperatorExport(ctx, &buf, intake.FormatCSV, false)
		if err != nil || n != 1 {
			t.Fatalf("OperatorExport = %d, %v", n, err)
		}
		if !strings.HasPrefix(buf.String(), intake.BOM+"number,") {
			t.Errorf("the CSV does not start with a byte-order mark and the header: %q", buf.String()[:20])
		}
		for _, secret := range []string{"13987654321", "王小明", "星光"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("the export without personal data holds %q:\n%s", secret, buf.String())
			}
		}
		buf.Reset()
		if _, err := f.svc.OperatorExport(ctx, &buf, intake.FormatJSON, true); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "13987654321") || !strings.Contains(buf.String(), "王小明") || strings.HasPrefix(buf.String(), intake.BOM) {
			t.Errorf("the export with personal data:\n%s", buf.String())
		}
		recs, err := f.svc.Audit(ctx, admin, intake.AuditFilter{Action: intake.ActionExport})
		if err != nil || len(recs) != 2 {
			t.Fatalf("exports in the audit log: %+v, %v", recs, err)
		}
		if recs[0].UserID != 0 || recs[0].Role != intake.RoleAdmin || recs[0].Detail != "command line: json 1 tickets with personal data" ||
			recs[1].Detail != "command line: csv 1 tickets" {
			t.Errorf("audit records: %+v", recs)
		}
		if _, err := f.svc.OperatorExport(ctx, &buf, intake.Format("xml"), false); err == nil {
			t.Error("an unknown format was accepted")
		}
	})
}

// CheckDataKey tells a store sealed with the Service's key from one sealed
// with another key or read without one.
func TestCheckDataKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, open, sealer)
		ctx := t.Context()
		f.submit(t, 700, complaint{})
		if n, err := f.svc.CheckDataKey(ctx); n != 1 || err != nil {
			t.Errorf("the same key: %d, %v", n, err)
		}
		other, err := intake.NewSealer("another-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		svc := intake.NewService(f.store, intake.Options{Sealer: other})
		if _, err := svc.CheckDataKey(ctx); !errors.Is(err, intake.ErrDataKeyMismatch) {
			t.Errorf("another key: %v", err)
		}
		svc = intake.NewService(f.store, intake.Options{})
		if _, err := svc.CheckDataKey(ctx); !errors.Is(err, intake.ErrNoDataKey) {
			t.Errorf("no key: %v", err)
		}
	})
}
