package telegram

import (
	"context"
	"sync"
	"time"

	"github.com/laborbot/laborbot/bot"
)

// maxQueuedPerChat bounds one chat's backlog: a flood from one chat must not
// grow memory without limit or delay everyone else's answers.
const maxQueuedPerChat = 50

// dispatcher runs the handler for each chat's updates one at a time, in the
// order they arrived, while different chats are handled in parallel. The
// Telegram library would run every update in its own goroutine, so a quick
// second message could be answered before the first.
type dispatcher struct {
	handle func(ctx context.Context, in bot.Incoming)
	onDrop func(in bot.Incoming)

	mu     sync.Mutex
	queues map[int64][]bot.Incoming // pending updates of chats being worked on
	closed bool
	wg     sync.WaitGroup

	// ctx is given to handlers. It outlives the context that stops intake,
	// so handlers in flight at shutdown can finish their replies.
	ctx    context.Context
	cancel context.CancelFunc
}

func newDispatcher(handle func(context.Context, bot.Incoming), onDrop func(bot.Incoming)) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &dispatcher{handle: handle, onDrop: onDrop, queues: map[int64][]bot.Incoming{}, ctx: ctx, cancel: cancel}
}

// enqueue adds an update to its chat's queue and starts a worker for the
// chat if none is running. It never blocks.
func (d *dispatcher) enqueue(in bot.Incoming) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	q, running := d.queues[in.ChatID]
	if len(q) >= maxQueuedPerChat {
		if d.onDrop != nil {
			d.onDrop(in)
		}
		return false
	}
	d.queues[in.ChatID] = append(q, in)
	if !running {
		d.wg.Add(1)
		go d.work(in.ChatID)
	}
	return true
}

func (d *dispatcher) work(chatID int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q := d.queues[chatID]
		if len(q) == 0 {
			delete(d.queues, chatID)
			d.mu.Unlock()
			return
		}
		in := q[0]
		d.queues[chatID] = q[1:]
		d.mu.Unlock()
		d.handle(d.ctx, in)
	}
}

// drain stops taking updates and waits for the queued ones to be handled,
// at most timeout; then it cancels what is still running.
func (d *dispatcher) drain(timeout time.Duration) bool {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	defer d.cancel()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
