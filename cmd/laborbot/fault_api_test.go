package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

// fastClock runs scale times faster than the wall clock: the bot's waits
// (retry_after, the outbox's rounds) pass in a hundredth of the time, so a
// 30 s outage takes 0.3 s of the test.
type fastClock struct {
	start time.Time
	scale float64
}

func (c fastClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.start)) * c.scale))
}

func (c fastClock) After(d time.Duration) <-chan time.Time {
	return time.After(time.Duration(float64(d) / c.scale))
}

// metric reads one sample from /metrics text ("" labels: the bare name).
func metric(t *testing.T, r *running, name string) float64 {
	t.Helper()
	_, text := r.get(t, "/metrics")
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("/metrics has no %s", name)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// checkOutageLogged: an outage is one warning when it starts and one info
// line when it ends, with its length (at least min) as text, not dozens of
// lines, one per retry (issue 12).
func checkOutageLogged(t *testing.T, logs, start, end string, min time.Duration) {
	t.Helper()
	var starts, ends int
	for line := range strings.Lines(logs) {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) != nil {
			continue
		}
		msg, _ := l["msg"].(string)
		switch {
		case strings.HasPrefix(msg, start):
			starts++
			if l["level"] != "WARN" {
				t.Errorf("outage start logged at %v: %s", l["level"], line)
			}
		case msg == end:
			ends++
			d, err := time.ParseDuration(fmt.Sprint(l["outage"]))
			if l["level"] != "INFO" || err != nil || d < min {
				t.Errorf("recovery line %s: want INFO with an outage of at least %v, as text", line, min)
			}
		}
	}
	if starts != 1 || ends != 1 {
		t.Errorf("%d %q lines and %d %q lines; want one of each", starts, start, ends, end)
	}
}

// TestFaultBotAPIOutage: the Bot API refuses every sendMessage for 30 s
// (of the bot's time), with 500 or with 429 retry_after 5, while ten
// workers ask; every answer arrives once it is back, in order per chat
// (issue 15, defect 5). The 500 case keeps the outbox in bbolt, the 429
// case in Redis.
func TestFaultBotAPIOutage(t *testing.T) {
	for _, tc := range []struct {
		name               string
		status, retryAfter int
		redis              bool
	}{{"500", 500, 0, false}, {"429", 429, 5, true}} {
		t.Run(tc.name, func(t *testing.T) {
			clock := fastClock{start: time.Now(), scale: 100}
			env := map[string]string{"fast": "1"}
			if tc.redis {
				url, prefix := testRedis(t, "laborbot-apiout")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
			}
			r := startBot(t, nil, env, func(m *Main) { m.Clock = clock })
			tg := r.tg
			const first, workers = 830, 10
			restore := tg.Fail("sendMessage", tc.status, tc.retryAfter)
			outage := clock.Now()
			for c := int64(first); c < first+workers; c++ {
				tg.PushUpdate(telegramtest.TextMessage(c, c, "老板拖欠我三个月工资怎么办"))
			}
			tg.PushUpdate(telegramtest.TextMessage(first, first, "公司不给我交社保怎么办"))
			// Every answer has met the outage before it ends.
			tg.WaitFor(t, wait, func(telegramtest.Call) bool { return metric(t, r, "laborbot_outbox_backlog") == workers+1 })
			for clock.Now().Sub(outage) < 30*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			failed := 0
			for _, c := range tg.CallsTo("sendMessage") {
				if c.Status == tc.status {
					failed++
				}
			}
			restore()

			lost, dup := 0, 0
			for c := int64(first); c < first+workers; c++ {
				want := 1
				if c == first {
					want = 2
				}
				deadline := time.Now().Add(wait)
				for len(tg.Sent(c)) < want && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				got := tg.Sent(c)
				lost += max(want-len(got), 0)
				dup += max(len(got)-want, 0)
				if c == first && len(got) == 2 && (!strings.Contains(got[0].Text(), "劳动合同法") || !strings.Contains(got[1].Text(), "社会保险法")) {
					t.Errorf("chat %d got its answers out of order", c)
				}
			}
			time.Sleep(50 * time.Millisecond)
			t.Logf("Bot API %s for 30 s (bot time): %d sendMessage refused, %d replies lost, %d duplicates, backlog after %v, queued %v",
				tc.name, failed, lost, dup, metric(t, r, "laborbot_outbox_backlog"), metric(t, r, "laborbot_outbox_queued_total"))
			if lost != 0 || dup != 0 {
				t.Errorf("%d replies lost, %d duplicated; want none", lost, dup)
			}
			if n := metric(t, r, "laborbot_outbox_backlog"); n != 0 {
				t.Errorf("backlog %v after the outage", n)
			}
			// From the first refused call (a little after the outage began)
			// to the first delivered one.
			checkOutageLogged(t, r.logs.String(), "Telegram Bot API failing", "Telegram Bot API recovered", 20*time.Second)
			if tc.status == 429 {
				// Waiting as Telegram asks: the first try of each reply and
				// its one retry, then one try per 5 s pause.
				if limit := 2*(workers+1) + 30/tc.retryAfter + 2; failed > limit {
					t.Errorf("%d calls refused during the outage; at most %d if the bot waits as asked", failed, limit)
				}
			}
		})
	}
}

// TestFaultGetUpdatesOutageLogged: while getUpdates fails (a 502 from a
// proxy in front of the Bot API) the log has one warning, not one per
// retry, and when it answers again one info line with the outage's length;
// the update sent meanwhile is then answered.
func TestFaultGetUpdatesOutageLogged(t *testing.T) {
	clock := fastClock{start: time.Now(), scale: 100}
	r := startBot(t, nil, map[string]string{"fast": "1"}, func(m *Main) { m.Clock = clock })
	tg := r.tg
	restore := tg.Fail("getUpdates", 502, 0)
	outage := clock.Now()
	tg.PushUpdate(telegramtest.TextMessage(850, 850, "老板拖欠我三个月工资怎么办"))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool { return c.Method == "getUpdates" && c.Status == 502 })
	for clock.Now().Sub(outage) < 20*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	refused := 0
	for _, c := range tg.CallsTo("getUpdates") {
		if c.Status == 502 {
			refused++
		}
	}
	restore()
	tg.WaitForText(t, 850, "劳动合同法", wait)
	t.Logf("getUpdates refused %d times in 20 s (bot time)", refused)
	if refused < 3 {
		t.Fatalf("getUpdates refused only %d times: the outage did not last", refused)
	}
	checkOutageLogged(t, r.logs.String(), "Telegram Bot API failing", "Telegram Bot API recovered", 15*time.Second)
}
