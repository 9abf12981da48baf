package intake_test

import (
	"testing"

	"github.com/laborbot/laborbot/intake"
)

// Mediators' notes may hold phone numbers and names: with DATA_KEY they are
// sealed at rest like the ticket's personal fields, and notes stored in
// clear before are sealed by SealStoredNotes (issue 15, defect 8).
func TestNotesAreSealedAtRest(t *testing.T) {
	const note = "工友李强说老板电话是13712340000"
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, open, sealer)
		ctx := t.Context()
		tk := f.submit(t, 101, personal)
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, mediatorA, tk.Number, note); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RequestEvidence(ctx, mediatorA, tk.Number, "请补充 "+note); err != nil {
			t.Fatal(err)
		}
		if rawContains(f.raw(t), "13712340000") || rawContains(f.raw(t), "李强") {
			t.Error("with DATA_KEY set the raw store holds a note in clear text")
		}
		events, err := f.svc.Events(ctx, mediatorA, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, e := range events {
			if e.Note == note || e.Note == "请补充 "+note {
				found++
			}
		}
		if found != 2 {
			t.Errorf("the notes do not read back: %+v", events)
		}
	})
}

func TestSealStoredNotesMigratesClearNotes(t *testing.T) {
	const note = "工友李强说老板电话是13712340000"
	forEachBackend(t, func(t *testing.T, open func(*testing.T) backend) {
		// Written without a key: the note is in clear.
		f := newFixture(t, open, nil)
		ctx := t.Context()
		tk := f.submit(t, 101, complaint{})
		if _, err := f.svc.Claim(ctx, mediatorA, tk.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddNote(ctx, mediatorA, tk.Number, note); err != nil {
			t.Fatal(err)
		}
		if !rawContains(f.raw(t), "13712340000") {
			t.Fatal("the clear note is not in the raw store: is this the right store?")
		}
		sealer, err := intake.NewSealer("test-data-key-0123456789")
		if err != nil {
			t.Fatal(err)
		}
		keyed := intake.NewService(f.store, intake.Options{Admins: []int64{admin}, Sealer: sealer, Now: f.clock.Now})
		// Readable before the migration, as stored.
		if evs, err := keyed.Events(ctx, mediatorA, tk.Number); err != nil || evs[len(evs)-1].Note != note {
			t.Fatalf("reading a clear note with a key: %+v, %v", evs, err)
		}
		n, err := keyed.SealStoredNotes(ctx)
		if err != nil || n != 1 {
			t.Fatalf("SealStoredNotes = %d, %v; want 1 ticket", n, err)
		}
		if rawContains(f.raw(t), "13712340000") {
			t.Error("the note is still in clear after SealStoredNotes")
		}
		evs, err := keyed.Events(ctx, mediatorA, tk.Number)
		if err != nil || evs[len(evs)-1].Note != note {
			t.Fatalf("the migrated note does not read back: %+v, %v", evs, err)
		}
		if got, err := keyed.Ticket(ctx, mediatorA, tk.Number); err != nil || got.Name == "" {
			t.Fatalf("the ticket was damaged by the migration: %+v, %v", got, err)
		}
		if n, err := keyed.SealStoredNotes(ctx); err != nil || n != 0 {
			t.Errorf("a second SealStoredNotes = %d, %v; want nothing to do", n, err)
		}
	})
}
