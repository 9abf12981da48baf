package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/letter"
)

// TestLetterStore runs the conformance suite for letter.Store against the
// store open returns (a new, empty one per call).
func TestLetterStore(t *testing.T, open func(t *testing.T) letter.Store) {
	at := time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
	sample := func(ticket int64, kind letter.Kind, year int) letter.Letter {
		return letter.Letter{Ticket: ticket, Kind: kind, Prefix: "工提", Year: year, Title: "劳动法律监督提示函", Recipient: "某某公司",
			Body: "第一段\n第二段", Union: letter.Union{Name: "某某区总工会", Phone: "028-1234"}, IssuedBy: 1 << 61, IssuedAt: at}
	}
	t.Run("NumbersPerKindAndYear", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		var got []letter.Letter
		for _, l := range []letter.Letter{sample(1, letter.Reminder, 2026), sample(2, letter.Reminder, 2026), sample(1, letter.Opinion, 2026),
			sample(3, letter.Reminder, 2027)} {
			stored, err := s.AddLetter(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, stored)
		}
		for i, want := range []struct {
			id  int64
			seq int
		}{{1, 1}, {2, 2}, {3, 1}, {4, 1}} {
			if got[i].ID != want.id || got[i].Seq != want.seq {
				t.Errorf("letter %d: id %d seq %d; want %d, %d", i, got[i].ID, got[i].Seq, want.id, want.seq)
			}
		}
		l, err := s.GetLetter(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := sample(2, letter.Reminder, 2026)
		want.ID, want.Seq = 2, 2
		if !l.IssuedAt.Equal(at) {
			t.Errorf("IssuedAt = %v", l.IssuedAt)
		}
		l.IssuedAt = want.IssuedAt
		if l != want {
			t.Errorf("GetLetter = %+v\nwant %+v", l, want)
		}
		if _, err := s.GetLetter(ctx, 99); !errors.Is(err, letter.ErrNotFound) {
			t.Errorf("GetLetter(99) = %v; want ErrNotFound", err)
		}
	})
	t.Run("TicketLettersInOrder", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for _, l := range []letter.Letter{sample(7, letter.Reminder, 2026), sample(8, letter.Reminder, 2026), sample(7, letter.Opinion, 2026),
			sample(7, letter.Recommendation, 2026)} {
			if _, err := s.AddLetter(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		ls, err := s.TicketLetters(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []letter.Kind
		for _, l := range ls {
			kinds = append(kinds, l.Kind)
			if l.Ticket != 7 || l.Body != "第一段\n第二段" {
				t.Errorf("letter %+v", l)
			}
		}
		if !slices.Equal(kinds, []letter.Kind{letter.Reminder, letter.Opinion, letter.Recommendation}) {
			t.Errorf("kinds = %v", kinds)
		}
		if ls, err := s.TicketLetters(ctx, 9); err != nil || len(ls) != 0 {
			t.Errorf("a ticket without letters: %v, %v", ls, err)
		}
	})
	t.Run("ConcurrentNumbersDistinct", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		var mu sync.Mutex
		var seqs []int
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				l, err := s.AddLetter(ctx, sample(int64(i%3+1), letter.Opinion, 2026))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seqs = append(seqs, l.Seq)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(seqs)
		for i, n := range seqs {
			if n != i+1 {
				t.Fatalf("sequence numbers %v; want 1 to 12, each once", seqs)
			}
		}
	})
	t.Run("Settings", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if m, err := s.LetterTemplates(ctx); err != nil || len(m) != 0 {
			t.Fatalf("empty store: templates %v, %v", m, err)
		}
		if _, ok, err := s.LetterUnion(ctx); ok || err != nil {
			t.Fatalf("empty store: letterhead %v, %v", ok, err)
		}
		tpl := letter.DefaultTemplates()[letter.Opinion]
		tpl.Title, tpl.UpdatedBy, tpl.UpdatedAt = "意见书（修改）", 900, at
		if err := s.PutLetterTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		tpl.Body += "\n再加一段"
		if err := s.PutLetterTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		m, err := s.LetterTemplates(ctx)
		if err != nil || len(m) != 1 || m[letter.Opinion].Body != tpl.Body || m[letter.Opinion].Title != "意见书（修改）" {
			t.Fatalf("templates = %+v, %v", m, err)
		}
		u := letter.Union{Name: "某某区总工会", Unit: "劳动法律监督委员会", Phone: "028-1234", UpdatedBy: 900, UpdatedAt: at}
		if err := s.PutLetterUnion(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.LetterUnion(ctx)
		if err != nil || !ok || got.Name != u.Name || got.Unit != u.Unit || !got.UpdatedAt.Equal(at) {
			t.Fatalf("letterhead = %+v, %v, %v", got, ok, err)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.AddLetter(ctx, sample(1, letter.Reminder, 2026)); err == nil {
			t.Error("AddLetter with a canceled context succeeded")
		}
		if _, err := s.TicketLetters(ctx, 1); err == nil {
			t.Error("TicketLetters with a canceled context succeeded")
		}
	})
}
