package main

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/redis"
)

// redisProxy stands between the bot and Redis: Down cuts every connection
// and refuses new ones, as a Redis restarting or a network partition does.
type redisProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func newRedisProxy(t *testing.T, target string) *redisProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &redisProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.Down() })
	return p
}

func (p *redisProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close(); c.Close() }()
		go func() { io.Copy(c, up); up.Close(); c.Close() }()
	}
}

// Down cuts the connections and refuses new ones until Up.
func (p *redisProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *redisProxy) Up() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// TestFaultStoreOutage: Redis is cut off while workers ask questions,
// calculate, go on with a complaint and try to submit it, and a mediator
// acts on a ticket. Questions and calculators are answered; the steps
// that need the store say it is unavailable for a moment; nothing
// submitted before is lost, and once Redis is back the complaint is filed
// (issue 15, defect 4).
func TestFaultStoreOutage(t *testing.T) {
	url, prefix := testRedis(t, "laborbot-outage")
	if opts, err := redis.ParseURL(url); err == nil && len(opts.Addrs) > 1 {
		// The cut is a TCP proxy in front of one server; a cluster's
		// clients follow its redirects to the nodes' own addresses.
		t.Skip("REDIS_URL names a Redis Cluster: this test cuts one server off through a proxy")
	}
	target := strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0")
	proxy := newRedisProxy(t, target)
	r := startBot(t, nil, map[string]string{"REDIS_URL": "redis://" + proxy.ln.Addr().String() + "/0", "REDIS_PREFIX": prefix,
		"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1"})
	tg := r.tg
	say(t, tg, adminID, "/mediator add 901", "901")
	// Before the outage: one complaint filed, one half done.
	fileComplaint(t, tg, workerID)
	pressWait(t, tg, workerID, workerID, "ik|submit", "#1")
	post := tg.WaitForText(t, mediatorChat, "#1", wait)
	const other = 771
	say(t, tg, other, "/complain", "同意")
	pressWait(t, tg, other, other, "ik|agree", "(1/16)")
	pressWait(t, tg, other, other, "ik|type:work_injury", "(1/16)")
	pressWait(t, tg, other, other, "ik|next", "(2/16)")
	say(t, tg, other, "成都某某建筑公司", "(3/16)")
	for _, a := range []struct{ text, want string }{{"四川", "(4/16)"}, {"成都", "(5/16)"}, {"武侯", "(6/16)"}, {"2022-05-01", "(7/16)"},
		{"2024-01-31", "(8/16)"}, {"5500", "(9/16)"}, {"跳过", "(10/16)"}, {"0", "(11/16)"}, {"在工地摔伤了腿，公司不给报工伤", "(12/16)"}} {
		say(t, tg, other, a.text, a.want)
	}

	proxy.Down()
	outage := time.Now()
	updates, answered := 0, 0
	ask := func(chat int64, text, want string) {
		t.Helper()
		updates++
		before := len(tg.Sent(chat))
		tg.PushUpdate(telegramtest.TextMessage(chat, chat, text))
		c := waitNew(t, tg, chat, before, want)
		if strings.Contains(c.Text(), "出了点问题") {
			t.Errorf("%q during the outage: %s", text, c.Text())
		}
		answered++
	}
	// Questions and help.
	for i, q := range []string{"老板拖欠我三个月工资怎么办", "公司不给我交社保怎么办", "试用期被辞退有补偿吗"} {
		ask(int64(780+i), q, "12351")
	}
	ask(785, "/help", "12351")
	// A whole calculation.
	ask(786, "/calc", "计算")
	updates++
	pressWait(t, tg, 786, 786, "calc|overtime", "(1/5)")
	answered++
	for i, a := range []string{"8000", "10", "0", "0", "0"} {
		want := "(" + string(rune('2'+i)) + "/5)"
		if i == 4 {
			want = "元"
		}
		ask(786, a, want)
	}
	// The complaint in progress goes on from memory...
	updates += 2
	pressWait(t, tg, other, other, "ik|next", "(13/16)")
	for _, a := range []struct{ text, want string }{{"认定工伤并赔偿", "(14/16)"}, {"李四", "(15/16)"}, {"13912345678", "(16/16)"}} {
		ask(other, a.text, a.want)
	}
	pressWait(t, tg, other, other, "ik|next", "核对")
	answered += 2
	// ...but filing it needs the store: it says so.
	updates++
	pressWait(t, tg, other, other, "ik|submit", "暂时连不上")
	answered++
	// So does a mediator's action on a ticket.
	updates++
	before := len(tg.Sent(mediatorID))
	tg.PushUpdate(telegramtest.Callback(mediatorChat, mediatorID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
	waitNew(t, tg, mediatorChat, 0, "暂时连不上")
	answered++
	_ = before
	outageFor := time.Since(outage)

	proxy.Up()
	// The complaint is filed now, from the form kept through the outage.
	updates++
	pressWait(t, tg, other, other, "ik|submit", "#2")
	answered++
	tg.WaitForText(t, mediatorChat, "#2", wait)
	time.Sleep(300 * time.Millisecond)
	posts := map[string]int{}
	for _, c := range tg.Sent(mediatorChat) {
		for _, n := range []string{"#1", "#2", "#3"} {
			if text := telegramtest.PlainText(c.Text()); strings.Contains(text, "🆕") && strings.Contains(text, n+" ") {
				posts[n]++
			}
		}
	}
	s, err := redis.Open(context.Background(), url, prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.ListTickets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("store outage of %s (Redis cut off): %d updates, %d answered, %d lost; %d tickets (posts %v)",
		outageFor.Round(100*time.Millisecond), updates, answered, updates-answered, len(ts), posts)
	if len(ts) != 2 || posts["#1"] != 1 || posts["#2"] != 1 || posts["#3"] != 0 {
		t.Errorf("tickets %d, mediator posts %v; want #1 and #2 once each", len(ts), posts)
	}
}
