package bot

import (
	"context"
	"time"

	"github.com/laborbot/laborbot/intake"
)

// A channel that spools its updates (Spool) hands them over again after a
// restart if they were not done: the process may have been killed in the
// middle of one. Handling must then neither lose the step nor take it
// twice. A flow's saved state records the update that saved it
// (chatState.Update), so a replayed update whose step was already saved
// only shows the flow's current question again (the reply may not have
// gone out); one whose step was not saved is handled as new. Submitting a
// complaint is idempotent in intake, and a Submit pressed again after the
// complaint was filed answers with its number.

type updateKey struct{}

func withUpdate(ctx context.Context, id int64) context.Context {
	if id == 0 {
		return ctx
	}
	return context.WithValue(ctx, updateKey{}, id)
}

// updateFrom is the id of the update being handled (0: none).
func updateFrom(ctx context.Context) int64 {
	id, _ := ctx.Value(updateKey{}).(int64)
	return id
}

// resumeIfApplied handles a redelivered update whose step is already in
// the chat's state: it shows the step's question again. It reports whether
// it did.
func (c *Conversation) resumeIfApplied(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
	if in.ChatType != ChatPrivate || in.UpdateID == 0 {
		return false, nil
	}
	st, err := c.loadState(ctx, in.ChatID)
	if err != nil || st == nil || st.Update != in.UpdateID {
		return false, nil
	}
	switch st.Flow {
	case "intake":
		iv, err := c.loadInterview(ctx, in.ChatID)
		if err != nil || iv == nil {
			return false, err
		}
		_ = out.Ack(ctx, "")
		return true, c.showInterview(ctx, iv, lang, out, "")
	case "calc":
		_ = out.Ack(ctx, "")
		return true, c.askField(ctx, st, lang, out, "")
	}
	return false, nil
}

// submittedRecently finds the complaint a worker filed in the last hour,
// for a Submit pressed again once the interview is gone (after a restart,
// or a second tap).
func (c *Conversation) submittedRecently(ctx context.Context, in Incoming) (intake.Ticket, bool, error) {
	ts, err := c.intake.svc.ListTickets(ctx, in.UserID, intake.Filter{Worker: in.UserID})
	if err != nil {
		return intake.Ticket{}, false, err
	}
	var latest intake.Ticket
	found := false
	for _, t := range ts {
		if t.WorkerID == in.UserID && t.ChatID == in.ChatID && c.now().Sub(t.CreatedAt) < time.Hour &&
			(!found || t.CreatedAt.After(latest.CreatedAt)) {
			latest, found = t, true
		}
	}
	return latest, found, nil
}
