package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/web/webchat"
)

// TestWebChatStore is the conformance suite for webchat.Store. open must
// return a new, empty Store for each subtest (as for TestStore).
func TestWebChatStore(t *testing.T, open func(t *testing.T) webchat.Store) {
	w1, w2 := bot.WebIDBase+1, bot.WebIDBase+(1<<61)
	t.Run("InboxOrderAndAfter", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if got, err := s.Inbox(ctx, w1, 0, 10); err != nil || len(got) != 0 {
			t.Fatalf("empty inbox = %v, %v", got, err)
		}
		for i := 1; i <= 5; i++ {
			seq, err := s.AppendInbox(ctx, w1, []byte(fmt.Sprintf("m%d:\x00ü", i)))
			if err != nil || seq != int64(i) {
				t.Fatalf("append %d = %d, %v", i, seq, err)
			}
		}
		if seq, err := s.AppendInbox(ctx, w2, []byte("other")); err != nil || seq != 1 {
			t.Fatalf("another worker's first seq = %d, %v", seq, err)
		}
		// Several entries at once take consecutive numbers, in order.
		if last, err := s.AppendInbox(ctx, w2, []byte("b1"), []byte("b2"), []byte("b3")); err != nil || last != 4 {
			t.Fatalf("three at once: last seq = %d, %v; want 4", last, err)
		}
		if got, _ := s.Inbox(ctx, w2, 1, 10); len(got) != 3 || got[0].Seq != 2 || string(got[0].Data) != "b1" || string(got[2].Data) != "b3" {
			t.Fatalf("entries appended at once: %v", got)
		}
		if _, err := s.AppendInbox(ctx, w2); err == nil {
			t.Fatal("appending nothing succeeded")
		}
		got, err := s.Inbox(ctx, w1, 0, 10)
		if err != nil || len(got) != 5 || got[0].Seq != 1 || got[4].Seq != 5 || string(got[2].Data) != "m3:\x00ü" {
			t.Fatalf("inbox = %v, %v", got, err)
		}
		got, _ = s.Inbox(ctx, w1, 3, 10)
		if len(got) != 2 || got[0].Seq != 4 || got[1].Seq != 5 {
			t.Fatalf("after 3 = %v", got)
		}
		got, _ = s.Inbox(ctx, w1, 0, 2)
		if len(got) != 2 || got[0].Seq != 4 || string(got[1].Data) != "m5:\x00ü" {
			t.Fatalf("the newest 2 = %v", got)
		}
		if got, _ := s.Inbox(ctx, w1, 5, 10); len(got) != 0 {
			t.Fatalf("after the last = %v", got)
		}
		if got, _ := s.Inbox(ctx, w2, 0, 1); len(got) != 1 || string(got[0].Data) != "b3" {
			t.Fatalf("the other worker's inbox = %v", got)
		}
	})
	t.Run("InboxCapped", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for i := 1; i <= webchat.MaxInbox+3; i++ {
			if _, err := s.AppendInbox(ctx, w1, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Inbox(ctx, w1, 0, 2*webchat.MaxInbox)
		if err != nil || len(got) != webchat.MaxInbox || got[0].Seq != 4 || got[len(got)-1].Seq != webchat.MaxInbox+3 {
			t.Fatalf("capped inbox: %d entries from %v, %v", len(got), got[0].Seq, err)
		}
	})
	t.Run("InboxConcurrentAppends", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		var wg sync.WaitGroup
		seqs := make(chan int64, 40)
		for range 40 {
			wg.Go(func() {
				seq, err := s.AppendInbox(ctx, w1, []byte("x"))
				if err != nil {
					t.Error(err)
				}
				seqs <- seq
			})
		}
		wg.Wait()
		close(seqs)
		seen := map[int64]bool{}
		for seq := range seqs {
			if seen[seq] || seq < 1 || seq > 40 {
				t.Fatalf("sequence number %d given twice or out of range", seq)
			}
			seen[seq] = true
		}
	})
	t.Run("Uploads", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		data := bytes.Repeat([]byte{0xff, 0x00, 'a'}, 1000)
		if err := s.PutUpload(ctx, w1, "u1", data, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetUpload(ctx, w1, "u1"); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("GetUpload = %d bytes, %v", len(got), err)
		}
		if _, err := s.GetUpload(ctx, w2, "u1"); !errors.Is(err, webchat.ErrNotFound) {
			t.Fatalf("another worker's upload: %v, want ErrNotFound", err)
		}
		if _, err := s.GetUpload(ctx, w1, "nope"); !errors.Is(err, webchat.ErrNotFound) {
			t.Fatalf("unknown upload: %v", err)
		}
		if err := s.PutUpload(ctx, w1, "old", data, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetUpload(ctx, w1, "old"); !errors.Is(err, webchat.ErrNotFound) {
			t.Fatalf("expired upload: %v, want ErrNotFound", err)
		}
		if err := s.PutUpload(ctx, w1, "big", make([]byte, webchat.MaxUploadSize+1), time.Now().Add(time.Hour)); err == nil {
			t.Fatal("an upload over MaxUploadSize was accepted")
		}
	})
	t.Run("PushSubscriptions", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for i := range webchat.MaxPushSubscriptions + 2 {
			if err := s.PutPushSubscription(ctx, w1, fmt.Sprintf("k%d", i), []byte(fmt.Sprintf(`{"n":%d}`, i))); err != nil {
				t.Fatal(err)
			}
		}
		subs, err := s.PushSubscriptions(ctx, w1)
		if err != nil || len(subs) != webchat.MaxPushSubscriptions {
			t.Fatalf("subscriptions = %d, %v; want %d", len(subs), err, webchat.MaxPushSubscriptions)
		}
		last := fmt.Sprintf("k%d", webchat.MaxPushSubscriptions+1)
		if string(subs[last]) != fmt.Sprintf(`{"n":%d}`, webchat.MaxPushSubscriptions+1) {
			t.Fatalf("the newest subscription is missing: %v", subs)
		}
		// Replacing a known key keeps the others.
		if err := s.PutPushSubscription(ctx, w1, last, []byte("new")); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.PushSubscriptions(ctx, w1); len(subs) != webchat.MaxPushSubscriptions || string(subs[last]) != "new" {
			t.Fatalf("after replacing: %v", subs)
		}
		if err := s.DeletePushSubscription(ctx, w1, last); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePushSubscription(ctx, w1, "never"); err != nil {
			t.Fatal(err)
		}
		if subs, _ := s.PushSubscriptions(ctx, w1); len(subs) != webchat.MaxPushSubscriptions-1 || subs[last] != nil {
			t.Fatalf("after deleting: %v", subs)
		}
		if subs, err := s.PushSubscriptions(ctx, w2); err != nil || len(subs) != 0 {
			t.Fatalf("another worker's: %v, %v", subs, err)
		}
	})
	t.Run("DeleteWebWorker", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for _, w := range []int64{w1, w2} {
			s.AppendInbox(ctx, w, []byte("a"))
			s.AppendInbox(ctx, w, []byte("b"))
			s.PutUpload(ctx, w, "u", []byte("file"), time.Now().Add(time.Hour))
			s.PutPushSubscription(ctx, w, "k", []byte("sub"))
		}
		if err := s.DeleteWebWorker(ctx, w1); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Inbox(ctx, w1, 0, 10); len(got) != 0 {
			t.Errorf("inbox after delete: %v", got)
		}
		if _, err := s.GetUpload(ctx, w1, "u"); !errors.Is(err, webchat.ErrNotFound) {
			t.Errorf("upload after delete: %v", err)
		}
		if subs, _ := s.PushSubscriptions(ctx, w1); len(subs) != 0 {
			t.Errorf("subscriptions after delete: %v", subs)
		}
		// Numbers are not reused, and the other worker keeps everything.
		if seq, err := s.AppendInbox(ctx, w1, []byte("c")); err != nil || seq != 3 {
			t.Errorf("seq after delete = %d, %v; want 3", seq, err)
		}
		if got, _ := s.Inbox(ctx, w2, 0, 10); len(got) != 2 {
			t.Errorf("the other worker's inbox: %v", got)
		}
		if _, err := s.GetUpload(ctx, w2, "u"); err != nil {
			t.Errorf("the other worker's upload: %v", err)
		}
		if err := s.DeleteWebWorker(ctx, w2+5); err != nil {
			t.Errorf("deleting an unknown worker: %v", err)
		}
	})
	t.Run("PurgeInactive", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for _, w := range []int64{w1, w2} {
			s.AppendInbox(ctx, w, []byte("a"))
			s.PutUpload(ctx, w, "u", []byte("file"), time.Now().Add(time.Hour))
		}
		if ids, err := s.PurgeInactive(ctx, time.Now().Add(-time.Hour)); err != nil || len(ids) != 0 {
			t.Fatalf("purge of workers idle for an hour = %v, %v; want none", ids, err)
		}
		ids, err := s.PurgeInactive(ctx, time.Now().Add(time.Hour))
		slices.Sort(ids)
		if want := []int64{min(w1, w2), max(w1, w2)}; err != nil || !slices.Equal(ids, want) {
			t.Fatalf("purge of everyone = %v, %v; want %v", ids, err, want)
		}
		if got, _ := s.Inbox(ctx, w1, 0, 10); len(got) != 0 {
			t.Errorf("inbox after the purge: %v", got)
		}
		if _, err := s.GetUpload(ctx, w2, "u"); !errors.Is(err, webchat.ErrNotFound) {
			t.Errorf("upload after the purge: %v", err)
		}
		if ids, _ := s.PurgeInactive(ctx, time.Now().Add(time.Hour)); len(ids) != 0 {
			t.Errorf("a second purge found %v again", ids)
		}
		if seq, _ := s.AppendInbox(ctx, w1, []byte("b")); seq != 2 {
			t.Errorf("seq after the purge = %d, want 2 (never reused)", seq)
		}
	})
	t.Run("WebChatKey", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		var wg sync.WaitGroup
		keys := make([][]byte, 8)
		for i := range keys {
			wg.Go(func() {
				k, err := s.WebChatKey(ctx, func() ([]byte, error) { return []byte(fmt.Sprintf("key-%d", i)), nil })
				if err != nil {
					t.Error(err)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		for _, k := range keys {
			if len(k) == 0 || !bytes.Equal(k, keys[0]) {
				t.Fatalf("replicas got different keys: %q", keys)
			}
		}
		if _, err := s.WebChatKey(ctx, func() ([]byte, error) { return nil, errors.New("must not be called") }); err != nil {
			t.Fatalf("a stored key was generated again: %v", err)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.AppendInbox(ctx, w1, []byte("x")); err == nil {
			t.Error("AppendInbox with a canceled context succeeded")
		}
		if _, err := s.Inbox(ctx, w1, 0, 10); err == nil {
			t.Error("Inbox with a canceled context succeeded")
		}
	})
}
