package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/laborbot/laborbot/bot"
)

// Nothing taken in is lost. go-telegram/bot's long polling confirms an
// update (the next getUpdates' offset) as soon as it has fetched it, before
// any handler ran, so an update fetched just before a crash was gone for
// good. The transport polls itself instead: each batch is first recorded
// in the inbox (a bot.Spool, durable and sealed), and only then confirmed
// by the next offset; an update is marked done in the inbox once handled.
// At start the transport hands over what the inbox still holds (its own,
// from before a crash, and after InboxTakeOver what another replica left),
// marked Redelivered, before anything new. Webhook requests are recorded
// the same way before they are answered.
//
// If the store cannot record a batch, the updates are handled from memory
// (questions must not wait for the store) and confirmed only once handled,
// so that a crash then still does not lose them: Telegram sends them again.

const (
	inboxName  = "telegram-inbox"
	outboxName = "telegram-outbox"
)

// inflight is what the transport knows of updates it took in.
type inflight struct {
	mu      sync.Mutex
	durable map[int64]bool // in the inbox, dispatched, not yet done
	// volatile are updates not in the inbox (the store was down):
	// false while being handled, true once handled until an offset has
	// confirmed them (until then getUpdates returns them again).
	volatile map[int64]bool
}

// take records a batch of updates (their raw JSON alongside) and queues
// the new ones for their chats. It returns the offset that confirms what
// may be confirmed, or 0 to confirm nothing new. It reports false when the
// transport is shutting down.
func (t *Transport) take(ctx context.Context, updates []models.Update, raws []json.RawMessage) (next int64, accepted bool) {
	type taken struct {
		in  bot.Incoming
		raw json.RawMessage
	}
	var batch []taken
	t.inflight.mu.Lock()
	for i := range updates {
		u := &updates[i]
		if _, seen := t.inflight.volatile[u.ID]; seen || t.inflight.durable[u.ID] {
			continue // fetched again while being handled, or before its confirmation
		}
		in, ok := t.convert(u)
		if !ok {
			continue
		}
		in.Deduped = t.opts.Spool != nil
		batch = append(batch, taken{in, raws[i]})
	}
	t.inflight.mu.Unlock()

	durable := map[int64]bool{}
	if t.opts.Spool != nil && len(batch) > 0 {
		items := make([]bot.SpoolItem, 0, len(batch))
		for _, b := range batch {
			data, err := t.sealRaw(b.raw)
			if err != nil {
				t.log.Error("inbox: sealing an update failed", "update_id", b.in.UpdateID, "err", err)
				items = nil
				break
			}
			items = append(items, bot.SpoolItem{ID: strconv.FormatInt(b.in.UpdateID, 10), Chat: b.in.ChatID, Data: data})
		}
		added, err := t.opts.Spool.SpoolAdd(ctx, inboxName, t.opts.Owner, items)
		if err != nil || items == nil {
			t.opts.Metrics.Errors.WithLabelValues("inbox").Inc()
			t.log.Warn("inbox: store unavailable; updates handled from memory", "updates", len(batch), "err", err)
		} else {
			isNew := map[string]bool{}
			for _, id := range added {
				isNew[id] = true
			}
			kept := batch[:0]
			for _, b := range batch {
				if isNew[strconv.FormatInt(b.in.UpdateID, 10)] {
					durable[b.in.UpdateID] = true
					kept = append(kept, b)
				} else {
					t.opts.Metrics.Duplicates.Inc()
				}
			}
			batch = kept
		}
	}
	accepted = true
	for _, b := range batch {
		t.inflight.mu.Lock()
		if durable[b.in.UpdateID] {
			t.inflight.durable[b.in.UpdateID] = true
		} else {
			t.inflight.volatile[b.in.UpdateID] = false
		}
		t.inflight.mu.Unlock()
		if !t.disp.enqueue(b.in) {
			accepted = false
		}
	}
	if len(updates) == 0 {
		return 0, accepted
	}
	return t.confirmable(updates[len(updates)-1].ID + 1), accepted
}

// confirmable is the offset to confirm up to next: below any update
// handled from memory and not done yet.
func (t *Transport) confirmable(next int64) int64 {
	t.inflight.mu.Lock()
	defer t.inflight.mu.Unlock()
	for id, handled := range t.inflight.volatile {
		if !handled {
			next = min(next, id)
		}
	}
	return next
}

// confirmed forgets the updates handled from memory that offset has
// confirmed to Telegram (it will not send them again).
func (t *Transport) confirmed(offset int64) {
	t.inflight.mu.Lock()
	defer t.inflight.mu.Unlock()
	for id, handled := range t.inflight.volatile {
		if handled && id < offset {
			delete(t.inflight.volatile, id)
		}
	}
}

// finish marks an update handled (or skipped): done in the inbox.
func (t *Transport) finish(in bot.Incoming) {
	t.inflight.mu.Lock()
	durable := t.inflight.durable[in.UpdateID]
	delete(t.inflight.durable, in.UpdateID)
	if _, ok := t.inflight.volatile[in.UpdateID]; ok {
		if t.opts.WebhookURL != "" {
			// Telegram does not send an answered webhook update again.
			delete(t.inflight.volatile, in.UpdateID)
		} else {
			t.inflight.volatile[in.UpdateID] = true
		}
	}
	t.inflight.mu.Unlock()
	if !durable || t.opts.Spool == nil {
		return
	}
	// The handler's context may be over (shutdown): marking done must
	// still happen, or the update is handled again after a restart.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := t.opts.Spool.SpoolDone(ctx, inboxName, strconv.FormatInt(in.UpdateID, 10)); err != nil {
		t.log.Warn("inbox: marking an update done failed; it may be handled again", "update_id", in.UpdateID, "err", err)
	}
}

func (t *Transport) sealRaw(raw []byte) ([]byte, error) {
	if t.opts.Sealer == nil {
		return raw, nil
	}
	s, err := t.opts.Sealer.Seal(string(raw))
	return []byte(s), err
}

func (t *Transport) openRaw(data []byte) ([]byte, error) {
	if t.opts.Sealer == nil {
		return data, nil
	}
	s, err := t.opts.Sealer.Open(string(data))
	return []byte(s), err
}

// replay hands over the updates the inbox holds: this owner's when own is
// set (left by a crash), and those other owners left untouched for
// InboxTakeOver.
func (t *Transport) replay(ctx context.Context, own bool) {
	if t.opts.Spool == nil {
		return
	}
	for ctx.Err() == nil {
		items, err := t.opts.Spool.SpoolClaim(ctx, inboxName, t.opts.Owner, own, t.opts.InboxTakeOver, 100)
		if err != nil {
			t.log.Warn("inbox: reading left-over updates failed", "err", err)
			return
		}
		fresh := 0
		for _, it := range items {
			id, _ := strconv.ParseInt(it.ID, 10, 64)
			t.inflight.mu.Lock()
			_, volatile := t.inflight.volatile[id]
			busy := t.inflight.durable[id] || volatile
			if !busy {
				t.inflight.durable[id] = true
			}
			t.inflight.mu.Unlock()
			if busy {
				continue
			}
			fresh++
			in, ok := t.decodeSpooled(it)
			if !ok {
				t.finish(bot.Incoming{UpdateID: id})
				continue
			}
			t.log.Info("handling an update taken in before a restart", "update_id", id)
			if !t.disp.enqueue(in) {
				return
			}
		}
		if fresh == 0 || len(items) < 100 {
			return
		}
	}
}

func (t *Transport) decodeSpooled(it bot.SpoolItem) (bot.Incoming, bool) {
	raw, err := t.openRaw(it.Data)
	if err != nil {
		t.log.Error("inbox: an update cannot be opened (DATA_KEY changed?); skipped", "err", err)
		return bot.Incoming{}, false
	}
	var u models.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		t.log.Error("inbox: an update cannot be read; skipped", "err", err)
		return bot.Incoming{}, false
	}
	in, ok := t.convert(&u)
	in.Deduped, in.Redelivered = true, true
	return in, ok
}

// convert turns an update into an Incoming; a panic (a malformed update)
// skips it.
func (t *Transport) convert(u *models.Update) (in bot.Incoming, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			t.recovered("receive", u.ID, r)
			in, ok = bot.Incoming{}, false
		}
	}()
	return t.toIncoming(u)
}

// poll is the long-polling loop: fetch, record, confirm with the next
// call's offset (see take).
func (t *Transport) poll(ctx context.Context) {
	var offset int64
	var backoff time.Duration
	// Updates another replica left behind are taken over now and then.
	nextTakeOver := t.clock.Now().Add(t.opts.InboxTakeOver)
	for ctx.Err() == nil {
		if !t.clock.Now().Before(nextTakeOver) {
			t.replay(ctx, false)
			nextTakeOver = t.clock.Now().Add(t.opts.InboxTakeOver / 2)
		}
		updates, raws, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			t.apiFailed("getUpdates", "getUpdates failed; retrying", "wait", backoff, "err", err)
			t.sleep(ctx, backoff)
			continue
		}
		t.apiAnswered("getUpdates")
		backoff = 0
		t.confirmed(offset)
		if len(updates) == 0 {
			continue
		}
		next, _ := t.take(ctx, updates, raws)
		if next <= offset {
			// Everything fetched is still being handled from memory: do
			// not fetch it again at once.
			t.sleep(ctx, 50*time.Millisecond)
			continue
		}
		offset = next
	}
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-t.clock.After(d):
	}
}

// getUpdates calls the Bot API's getUpdates and returns the updates with
// their raw JSON, as the inbox stores them.
func (t *Transport) getUpdates(ctx context.Context, offset int64) ([]models.Update, []json.RawMessage, error) {
	params := map[string]any{
		"timeout":         int(max(t.opts.PollTimeout-time.Second, 0) / time.Second),
		"allowed_updates": []string{"message", "edited_message", "callback_query"},
	}
	if offset > 0 {
		params["offset"] = offset
	}
	body, _ := json.Marshal(params)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.apiURL()+"/bot"+t.opts.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, nil, errors.New(t.redact(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.pollClient.Do(req)
	if err != nil {
		return nil, nil, errors.New(t.redact(err.Error()))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, errors.New(t.redact(err.Error()))
	}
	var answer struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return nil, nil, fmt.Errorf("getUpdates: HTTP %d, unreadable answer", resp.StatusCode)
	}
	if !answer.OK {
		return nil, nil, fmt.Errorf("getUpdates: %d %s", answer.ErrorCode, t.redact(answer.Description))
	}
	updates := make([]models.Update, 0, len(answer.Result))
	raws := make([]json.RawMessage, 0, len(answer.Result))
	for _, raw := range answer.Result {
		var u models.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			// One unreadable update must not block those behind it: it is
			// skipped (its id still advances the offset).
			var id struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &id)
			t.opts.Metrics.Errors.WithLabelValues("forged_update").Inc()
			t.log.Warn("unreadable update skipped", "update_id", id.ID)
			u = models.Update{ID: id.ID}
		}
		updates = append(updates, u)
		raws = append(raws, raw)
	}
	return updates, raws, nil
}

func (t *Transport) apiURL() string {
	if t.opts.APIURL == "" {
		return "https://api.telegram.org"
	}
	return strings.TrimRight(t.opts.APIURL, "/")
}

// classify tells the outbox how to take a delivery error.
func classify(err error) (permanent bool, wait time.Duration) {
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return false, time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
	}
	return isPermanent(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded), 0
}

// runOutbox delivers the outbox until ctx ends; the channel is closed then.
func (t *Transport) runOutbox(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if t.outbox == nil {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		_ = t.outbox.Run(ctx)
	}()
	return done
}

// Backlog is the number of replies waiting in the outbox.
func (t *Transport) Backlog() int {
	if t.outbox == nil {
		return 0
	}
	return t.outbox.Backlog()
}
