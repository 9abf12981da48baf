package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/intake"
)

// testClock is a clock the test moves; the bot polls for due follow-ups
// every few milliseconds of real time and sees the moved clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// countTexts counts the bot's messages to chat containing s.
func countTexts(tg *telegramtest.Server, chat int64, s string) int {
	n := 0
	for _, c := range tg.Sent(chat) {
		if strings.Contains(c.Text(), s) {
			n++
		}
	}
	return n
}

// TestE2ESettlementFollowUp: a mediator records a settlement with a
// pay-by day; the bot restarts before that day; on the day the worker is
// asked whether the money arrived, answers "nothing", gets the next steps
// (with the articles and what to bring), and the mediator is alerted;
// when the money arrives later, "paid in full" closes the case with the
// amount. On both stores.
func TestE2ESettlementFollowUp(t *testing.T) {
	for _, store := range []string{"bolt", "redis"} {
		t.Run(store, func(t *testing.T) {
			env := map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "DATA_DIR": t.TempDir(), "fast": "1"}
			if store == "redis" {
				env["REDIS_URL"], env["REDIS_PREFIX"] = testRedis(t, "e2e-followup")
			}
			// Start at 10:00 China time today; pay by the tenth day after.
			now := time.Now().In(intake.Reporting)
			clock := &testClock{now: time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, intake.Reporting)}
			setup := func(m *Main) { m.Now, m.SchedulePoll = clock.Now, 20*time.Millisecond }
			tg := telegramtest.NewServer(t, testToken)
			r := startBot(t, tg, env, setup)

			say(t, tg, adminID, "/mediator add 901", "901")
			fileComplaint(t, tg, workerID)
			pressWait(t, tg, workerID, workerID, "ik|submit", "#1")
			post := tg.WaitForText(t, mediatorChat, "#1", wait)
			tg.PushUpdate(telegramtest.Callback(mediatorChat, mediatorID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
			tg.WaitForText(t, mediatorID, "13800138000", wait)
			pressWait(t, tg, mediatorID, mediatorID, "tk|med|1", "调解")
			pressWait(t, tg, mediatorID, mediatorID, "tk|ok|1", "金额")
			say(t, tg, mediatorID, "15000", "哪天前付款")
			say(t, tg, mediatorID, "2020-01-01", "不能早于") // before the complaint
			payBy := clock.Now().AddDate(0, 0, 10)
			say(t, tg, mediatorID, payBy.Format("2006-01-02"), "已完成")
			tg.WaitForText(t, workerID, "调解成功", wait)

			// The worker asks how it is going.
			say(t, tg, workerID, "进展如何", "约定付款日："+payBy.Format("2006-01-02"))

			// A restart between scheduling and firing.
			r.stop()
			clock.Set(time.Date(payBy.Year(), payBy.Month(), payBy.Day(), 17, 59, 0, 0, intake.Reporting))
			r = startBot(t, tg, env, setup)
			time.Sleep(200 * time.Millisecond) // ten polls: nothing is due before 18:00
			if n := countTexts(tg, workerID, "钱到账了吗"); n != 0 {
				t.Fatalf("asked %d times before the time", n)
			}
			clock.Set(time.Date(payBy.Year(), payBy.Month(), payBy.Day(), 18, 0, 0, 0, intake.Reporting))
			ask := tg.WaitForText(t, workerID, "钱到账了吗", wait)
			kb := telegramtest.ReplyMarkup(ask)
			var data []string
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					data = append(data, b.CallbackData)
				}
			}
			if strings.Join(data, " ") != "fu|paid|1 fu|part|1 fu|none|1 fu|off|1" {
				t.Fatalf("the question's buttons: %q", data)
			}
			clock.Set(clock.Now().Add(time.Hour))
			time.Sleep(200 * time.Millisecond)
			if n := countTexts(tg, workerID, "钱到账了吗"); n != 1 {
				t.Fatalf("the worker was asked %d times", n)
			}

			// Nothing arrived: the next steps, with the articles and what to
			// bring; the mediator is alerted.
			before := len(tg.Sent(workerID))
			tg.PushUpdate(telegramtest.Callback(workerID, workerID, ask.MessageID(), "fu|none|1"))
			steps := waitNew(t, tg, workerID, before, "接下来可以怎么做")
			for _, s := range []string{"《劳动争议调解仲裁法》第16条", "《劳动争议解释（一）》第13条", "《劳动争议调解仲裁法》第15条",
				"《劳动争议解释（一）》第52条", "带上", "调解协议书", "12351"} {
				if !strings.Contains(steps.Text(), s) {
					t.Errorf("the next steps lack %q:\n%s", s, steps.Text())
				}
			}
			tg.WaitForText(t, mediatorID, "没有按调解协议付款", wait)

			// Later the money arrives: paid in full closes the case.
			tg.PushUpdate(telegramtest.Callback(workerID, workerID, ask.MessageID(), "fu|paid|1"))
			tg.WaitForText(t, workerID, "已结案", wait)
			tg.WaitForText(t, mediatorID, "全额收到", wait)
			say(t, tg, workerID, "/status", "已结案")
			say(t, tg, mediatorID, "/stats", "全部到账 1")
			r.stop()
			if strings.Contains(r.logs.String(), "13800138000") || strings.Contains(r.logs.String(), "张三") {
				t.Error("personal data in the logs")
			}
		})
	}
}

func TestEscalateAfterIsValidated(t *testing.T) {
	// (A value that is no duration at all is the configuration loader's to name.)
	for _, v := range []string{"10m", "1000h", "-24h"} {
		if _, err := LoadConfig(map[string]string{"ESCALATE_AFTER": v}); err == nil || !strings.Contains(err.Error(), "ESCALATE_AFTER") {
			t.Errorf("ESCALATE_AFTER=%s: %v", v, err)
		}
	}
	cfg, err := LoadConfig(map[string]string{"ESCALATE_AFTER": "48h"})
	if err != nil || cfg.EscalateAfter != 48*time.Hour {
		t.Errorf("ESCALATE_AFTER=48h: %v, %v", cfg.EscalateAfter, err)
	}
	if cfg, _ := LoadConfig(map[string]string{}); cfg.EscalateAfter != 24*time.Hour {
		t.Errorf("default: %v", cfg.EscalateAfter)
	}
}
