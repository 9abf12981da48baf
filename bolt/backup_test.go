package bolt

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/laborbot/laborbot/intake"
)

func newTicket(t *testing.T, s *Store, employer string) int64 {
	t.Helper()
	n, _, err := s.CreateTicket(t.Context(), "key-"+employer+"-0123456789abcdef0123456789", time.Hour, intake.Ticket{Employer: employer, State: intake.StateNew},
		intake.Event{Action: intake.ActionSubmit}, intake.Notification{Action: intake.ActionSubmit})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A snapshot taken from an open store is a data file holding what was
// written; restoring it into the store brings back a deleted state and
// continues the ticket numbers from the backup's.
func TestSnapshotAndRestore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openTest(t, filepath.Join(dir, "laborbot.db"))
	newTicket(t, s, "甲厂")
	if err := s.SetChatState(ctx, 42, []byte("step-3")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendStaffAudit(ctx, intake.AuditRecord{UserID: 900, Role: intake.RoleAdmin, Action: intake.ActionExport, Detail: "before"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := s.WriteSnapshot(ctx, &buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("WriteSnapshot = %d, %v (buffer %d)", n, err, buf.Len())
	}
	backup := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(backup, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// After the backup: another ticket, and the chat state changes.
	newTicket(t, s, "乙厂")
	mark(t, s, 77, true) // Telegram update 77 is handled after the backup
	if _, err := s.AppendStaffAudit(ctx, intake.AuditRecord{UserID: 900, Role: intake.RoleAdmin, Action: intake.ActionExport, Detail: "after"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatState(ctx, 42, []byte("step-9")); err != nil {
		t.Fatal(err)
	}

	src, err := OpenReadOnly(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if all, err := src.ListTickets(ctx); err != nil || len(all) != 1 || all[0].Employer != "甲厂" {
		t.Fatalf("the backup's tickets: %+v, %v", all, err)
	}
	sum, err := s.Restore(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Buckets < len(baseBuckets) || sum.Keys == 0 {
		t.Errorf("summary %+v", sum)
	}
	all, err := s.ListTickets(ctx)
	if err != nil || len(all) != 1 || all[0].Employer != "甲厂" {
		t.Fatalf("tickets after restore: %+v, %v", all, err)
	}
	if st, err := s.GetChatState(ctx, 42); err != nil || string(st) != "step-3" {
		t.Errorf("chat state after restore: %q, %v", st, err)
	}
	// The audit log is never erased: the record made after the backup
	// stays beside the backup's, and the next one gets a new id.
	if recs, err := s.ListStaffAudit(ctx, intake.AuditFilter{}); err != nil || len(recs) != 2 || recs[0].Detail != "after" || recs[1].Detail != "before" {
		t.Errorf("audit log after restore: %+v, %v", recs, err)
	}
	if id, err := s.AppendStaffAudit(ctx, intake.AuditRecord{UserID: 900, Role: intake.RoleAdmin, Action: intake.ActionExport}); err != nil || id != "3" {
		t.Errorf("the next audit id after restore: %q, %v", id, err)
	}
	// The delivery state is the running process's: update 77 stays handled.
	mark(t, s, 77, false)
	// The sequence came back with the data: the next ticket is #2 again,
	// not #3 (which would skip a number) nor #1 (which would collide).
	if n := newTicket(t, s, "丙厂"); n != 2 {
		t.Errorf("the next ticket after restore is #%d, want #2", n)
	}
	// The backup itself was not changed by being read.
	after, err := os.ReadFile(backup)
	if err != nil || !bytes.Equal(after, buf.Bytes()) {
		t.Error("reading the backup changed it")
	}
}

func TestOpenReadOnlyRejectsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, bytes.Repeat([]byte("not a database\n"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{text, empty, dir} {
		_, err := OpenReadOnly(p)
		var ns *NotStoreError
		if !errors.As(err, &ns) {
			t.Errorf("OpenReadOnly(%s) = %v, want NotStoreError", p, err)
		}
	}
	if _, err := OpenReadOnly(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// BenchmarkSnapshotRestore: a backup and a restore of a store of 2,000
// tickets (each with a 1 KB description), the size of a busy union's
// year.
func BenchmarkSnapshotRestore(b *testing.B) {
	ctx := b.Context()
	dir := b.TempDir()
	s, err := Open(filepath.Join(dir, "laborbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	desc := strings.Repeat("老板拖欠工资", 60)
	for i := range 2000 {
		if _, _, err := s.CreateTicket(ctx, fmt.Sprintf("bench-submission-%08d-0123456789abcdef", i), time.Hour,
			intake.Ticket{Employer: "某厂", Description: desc, State: intake.StateNew},
			intake.Event{Action: intake.ActionSubmit}, intake.Notification{Action: intake.ActionSubmit}); err != nil {
			b.Fatal(err)
		}
	}
	backup := filepath.Join(dir, "backup.db")
	var size int64
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Create(backup)
			if err != nil {
				b.Fatal(err)
			}
			if size, err = s.WriteSnapshot(ctx, f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		b.ReportMetric(float64(size)/1e6, "MB")
	})
	b.Run("restore", func(b *testing.B) {
		src, err := OpenReadOnly(backup)
		if err != nil {
			b.Fatal(err)
		}
		defer src.Close()
		for b.Loop() {
			if _, err := s.Restore(ctx, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Snapshots taken while tickets are being filed are each consistent: the
// ticket bucket's sequence (the last number handed out) matches the
// tickets it holds, whatever moment the snapshot caught.
func TestSnapshotWhileWriting(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openTest(t, filepath.Join(dir, "laborbot.db"))
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, _, err := s.CreateTicket(ctx, fmt.Sprintf("concurrent-submission-%08d-0123456789", i), time.Hour,
				intake.Ticket{Employer: "某厂", State: intake.StateNew}, intake.Event{Action: intake.ActionSubmit},
				intake.Notification{Action: intake.ActionSubmit}); err != nil {
				done <- err
				return
			}
		}
	}()
	last := 0
	for i := range 10 {
		// Each snapshot after the writer has moved on, so they catch
		// different moments of a store being written.
		for {
			all, err := s.ListTickets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) > last {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("the writer stopped: %v", err)
			default:
			}
			time.Sleep(time.Millisecond)
		}
		var buf bytes.Buffer
		if _, err := s.WriteSnapshot(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("snap-%d.db", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		src, err := OpenReadOnly(p)
		if err != nil {
			t.Fatal(err)
		}
		all, err := src.ListTickets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var seq uint64
		src.db.View(func(tx *bbolt.Tx) error {
			if b := tx.Bucket([]byte(bucketIntakeTickets)); b != nil {
				seq = b.Sequence()
			}
			return nil
		})
		src.Close()
		if uint64(len(all)) != seq {
			t.Errorf("snapshot %d: %d tickets, sequence %d", i, len(all), seq)
		}
		last = len(all)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
