package webchat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/laborbot/laborbot/bot"
)

// PushOptions turn on Web Push: the server's VAPID key pair (make one with
// `laborbot webpush-keys`) and a contact for the push services.
type PushOptions struct {
	PublicKey, PrivateKey string
	// Subject is a contact for push services: an e-mail address
	// ("mailto:" optional) or an https URL.
	Subject string
	// HTTPClient sends the notifications (default: a client with a 10 s
	// timeout).
	HTTPClient *http.Client
	// AllowEndpoint says whether a subscription's endpoint may be used.
	// The default takes https URLs with a host name (push services), never
	// an IP address, so a forged subscription cannot make the server post
	// into its own network. Tests allow their fake push service.
	AllowEndpoint func(*url.URL) bool
}

type pusher struct {
	o         PushOptions
	publicKey string
	log       *slog.Logger
}

func newPusher(o PushOptions, log *slog.Logger) (*pusher, error) {
	if o.PublicKey == "" || o.PrivateKey == "" {
		return nil, errors.New("webchat: Web Push needs both VAPID keys")
	}
	o.Subject = strings.TrimPrefix(o.Subject, "mailto:")
	if o.Subject == "" {
		return nil, errors.New("webchat: Web Push needs a subject (an e-mail address or https URL)")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.AllowEndpoint == nil {
		o.AllowEndpoint = publicHTTPS
	}
	return &pusher{o: o, publicKey: o.PublicKey, log: log}, nil
}

func publicHTTPS(u *url.URL) bool {
	host := u.Hostname()
	return u.Scheme == "https" && host != "" && net.ParseIP(host) == nil && !strings.EqualFold(host, "localhost") && strings.Contains(host, ".")
}

// subscription is a browser's PushSubscription as JSON (its toJSON()).
type subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// subscribe keeps the browser's push subscription for the session's
// worker (chat.js posts it once the worker allowed notifications).
func (c *Chat) subscribe(w http.ResponseWriter, r *http.Request) {
	if c.push == nil {
		http.NotFound(w, r)
		return
	}
	worker, fresh := c.worker(r)
	if fresh {
		http.Error(w, "no session", http.StatusUnauthorized)
		return
	}
	if !c.allow(w, r, worker) {
		return
	}
	var s subscription
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(body, &s)
	}
	u, uerr := url.Parse(s.Endpoint)
	if err != nil || uerr != nil || !c.push.o.AllowEndpoint(u) || s.Keys.P256dh == "" || s.Keys.Auth == "" || len(s.Endpoint) > 1024 {
		http.Error(w, "not a usable push subscription", http.StatusBadRequest)
		return
	}
	clean, _ := json.Marshal(s)
	sealed, err := c.sealer.Seal(string(clean))
	if err == nil {
		sum := sha256.Sum256([]byte(s.Endpoint))
		err = c.store.PutPushSubscription(r.Context(), worker, hex.EncodeToString(sum[:12]), []byte(sealed))
	}
	if err != nil {
		c.log.Error("webchat: storing a push subscription", "err", err)
		http.Error(w, "error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Deliver puts a message from elsewhere into a web worker's inbox: a
// mediator's message, a ticket's change, a reminder. The worker sees it in
// the page (at once when it is open, else when they return) and, where the
// browser allows, gets a Web Push notification. It is the messenger for
// web ids (bot.IsWebID).
func (c *Chat) Deliver(ctx context.Context, worker int64, r bot.Reply) error {
	if !bot.IsWebID(worker) {
		return errors.New("webchat: not a web chat id")
	}
	if _, err := c.append(ctx, worker, Message{From: fromBot, Text: r.Text, Buttons: r.Buttons}); err != nil {
		return err
	}
	c.notify(ctx, worker)
	return nil
}

// PurgeInactive erases the inboxes, uploads and push subscriptions of
// workers silent for InboxRetention (the daily purge), then calls forget
// (when not nil) for each of them, for what the conversation keeps of
// them elsewhere (a form in progress, a paused complaint, settings). It
// returns how many workers it erased.
func (c *Chat) PurgeInactive(ctx context.Context, now time.Time, forget func(ctx context.Context, worker int64) error) (int, error) {
	ids, err := c.store.PurgeInactive(ctx, now.Add(-InboxRetention))
	if err != nil || forget == nil {
		return len(ids), err
	}
	var errs []error
	for _, id := range ids {
		if err := forget(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ids), errors.Join(errs...)
}

// pushPayload is all a notification says: push services and the phone's
// lock screen see it, so it names no case and no person.
var pushPayload = []byte(`{"title":"工会法律助手 · Union legal help","body":"你有一条新消息，点开查看。 · You have a new message.","url":"/chat"}`)

// notify sends a Web Push notification to each of the worker's browsers.
// A failure is logged (without the endpoint, which is a capability) and
// does not fail the delivery: the message is in the inbox. A subscription
// the push service says is gone is forgotten.
func (c *Chat) notify(ctx context.Context, worker int64) {
	if c.push == nil {
		return
	}
	subs, err := c.store.PushSubscriptions(ctx, worker)
	if err != nil {
		c.log.Warn("webchat: reading push subscriptions", "err", err)
		return
	}
	for key, blob := range subs {
		plain, err := c.sealer.Open(string(blob))
		var s subscription
		if err == nil {
			err = json.Unmarshal([]byte(plain), &s)
		}
		if err != nil {
			c.log.Warn("webchat: an unreadable push subscription", "err", err)
			continue
		}
		if u, err := url.Parse(s.Endpoint); err != nil || !c.push.o.AllowEndpoint(u) {
			continue
		}
		sub := &webpush.Subscription{Endpoint: s.Endpoint, Keys: webpush.Keys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}}
		resp, err := webpush.SendNotificationWithContext(ctx, pushPayload, sub, &webpush.Options{
			HTTPClient: c.push.o.HTTPClient, Subscriber: c.push.o.Subject, TTL: 2 * 24 * 3600,
			Urgency: webpush.UrgencyNormal, VAPIDPublicKey: c.push.o.PublicKey, VAPIDPrivateKey: c.push.o.PrivateKey})
		if err != nil {
			c.log.Warn("webchat: a push notification failed", "err", scrubURL(err))
			continue
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
			if err := c.store.DeletePushSubscription(ctx, worker, key); err != nil {
				c.log.Warn("webchat: forgetting a push subscription", "err", err)
			}
		case resp.StatusCode >= 300:
			c.log.Warn("webchat: the push service refused a notification", "status", resp.StatusCode)
		}
	}
}

// scrubURL drops the URL from an HTTP client error (a push endpoint is a
// capability to notify that browser).
func scrubURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
