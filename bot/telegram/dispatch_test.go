package telegram

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot"
)

func TestDispatcherKeepsEachChatInOrder(t *testing.T) {
	var mu sync.Mutex
	got := map[int64][]int64{}
	active := map[int64]int{}
	overlap := false
	d := newDispatcher(func(ctx context.Context, in bot.Incoming) {
		mu.Lock()
		active[in.ChatID]++
		if active[in.ChatID] > 1 {
			overlap = true
		}
		mu.Unlock()
		// Later updates are quicker, so without ordering they would finish first.
		time.Sleep(time.Duration(20-in.UpdateID%20) * 100 * time.Microsecond)
		mu.Lock()
		active[in.ChatID]--
		got[in.ChatID] = append(got[in.ChatID], in.UpdateID)
		mu.Unlock()
	}, nil)
	const chats, perChat = 8, 20
	for i := int64(0); i < perChat; i++ {
		for c := int64(1); c <= chats; c++ {
			if !d.enqueue(bot.Incoming{ChatID: c, UpdateID: i}) {
				t.Fatal("enqueue refused")
			}
		}
	}
	if !d.drain(10 * time.Second) {
		t.Fatal("drain timed out")
	}
	if overlap {
		t.Error("two updates of one chat were handled at the same time")
	}
	for c := int64(1); c <= chats; c++ {
		if len(got[c]) != perChat {
			t.Fatalf("chat %d: %d of %d updates handled", c, len(got[c]), perChat)
		}
		for i, id := range got[c] {
			if id != int64(i) {
				t.Fatalf("chat %d handled out of order: %v", c, got[c])
			}
		}
	}
	if d.enqueue(bot.Incoming{ChatID: 1}) {
		t.Error("a drained dispatcher accepted an update")
	}
}

func TestDispatcherDrainWaitsForHandlers(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	d := newDispatcher(func(ctx context.Context, in bot.Incoming) {
		<-release
		if ctx.Err() != nil {
			t.Error("handler context cancelled before drain finished")
		}
		close(finished)
	}, nil)
	d.enqueue(bot.Incoming{ChatID: 1})
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	if !d.drain(5 * time.Second) {
		t.Fatal("drain gave up")
	}
	select {
	case <-finished:
	default:
		t.Fatal("drain returned before the handler finished")
	}
}

func TestDispatcherBoundsBacklog(t *testing.T) {
	block := make(chan struct{})
	dropped := 0
	d := newDispatcher(func(ctx context.Context, in bot.Incoming) { <-block }, func(bot.Incoming) { dropped++ })
	for i := 0; i < maxQueuedPerChat+10; i++ {
		d.enqueue(bot.Incoming{ChatID: 7, UpdateID: int64(i)})
	}
	close(block)
	d.drain(5 * time.Second)
	// The first update is taken off the queue at once, so one more fits.
	if dropped < 9 || dropped > 10 {
		t.Errorf("dropped %d updates, want about 10", dropped)
	}
}
