package console_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
)

// TestFollowUpFacts: the ticket page shows the arbitration deadline, what
// the worker said about the payment, and the bot's reminders in the
// timeline.
func TestFollowUpFacts(t *testing.T) {
	e := newEnv(t, openBolt)
	ctx := context.Background()
	n := e.file(intake.Ticket{Types: []intake.DisputeType{intake.TypeDismissal}, EndDate: calc.Date(2025, 9, 1),
		FollowUp: intake.FollowUp{Payment: intake.PaidPart, PaidAmount: calc.Yuan(3000), RemindersOff: true}})
	tk, err := e.store.GetTicket(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.UpdateTicket(ctx, intake.TicketUpdate{Ticket: tk, Events: []intake.Event{{Ticket: n, Role: intake.RoleSystem,
		Action: intake.ActionReminder, Note: "仲裁时效提醒 → 劳动者", At: e.clock.Now()}}}); err != nil {
		t.Fatal(err)
	}
	ad := e.signedIn(admin)
	for lang, want := range map[string][]string{
		"zh": {"2026-09-01 前申请仲裁", "部分到账 · ¥3,000", "机器人", "发送提醒", "劳动者已关闭提醒"},
		"en": {"apply by 2026-09-01", "paid in part", "The bot", "sent a reminder"},
	} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/console/t/1", nil)
		req.AddCookie(ad.cookies[0])
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the ticket page lacks %q", lang, s)
			}
		}
	}
}
