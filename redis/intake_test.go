package redis

import (
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/storetest"
	"github.com/laborbot/laborbot/web/webchat"
)

func TestIntakeStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestIntakeStore(t, func(t *testing.T) intake.Store {
		s, _ := newTestStore(t)
		return s
	})
}

// Every intake key carries the {intake} hash tag (or the user's), so the
// scripts' keys share a Cluster slot.
func TestIntakeKeysShareHashTag(t *testing.T) {
	s, client := newTestStore(t)
	ctx := t.Context()
	tk := intake.Ticket{Types: []intake.DisputeType{intake.TypeOther}, EmployerKey: "acme", State: intake.StateNew}
	if _, _, err := s.CreateTicket(ctx, "k", time.Minute, tk, intake.Event{Action: intake.ActionSubmit}, intake.Notification{Action: intake.ActionSubmit}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMediator(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordConsent(ctx, 7, tk.CreatedAt); err != nil {
		t.Fatal(err)
	}
	keys := keysUnder(t, ctx, client, s.Prefix())
	if len(keys) < 8 {
		t.Fatalf("keys = %v; want tickets, versions, employers, events, seq, sub, queue, mediators, consent", keys)
	}
	for _, k := range keys {
		rest := strings.TrimPrefix(k, s.Prefix())
		if !strings.HasPrefix(rest, "{intake}:") && rest != "{user:7}:consent" {
			t.Errorf("key %s has no {intake} hash tag", k)
		}
	}
}

func TestWebChatStore(t *testing.T) {
	testClient(t)
	storetest.TestWebChatStore(t, func(t *testing.T) webchat.Store {
		s, _ := newTestStore(t)
		return s
	})
}
