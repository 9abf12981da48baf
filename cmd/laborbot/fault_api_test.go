package main

import (
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
