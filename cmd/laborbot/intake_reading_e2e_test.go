package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestE2EInterviewReadsWorkersDates: through the fake Telegram server, the
// interview takes 去年三月 and 一万五 and shows how it read them above the
// next question, with a button to change the date (issue 12, item 6).
func TestE2EInterviewReadsWorkersDates(t *testing.T) {
	r := startBot(t, nil, map[string]string{"fast": "1"})
	tg := r.tg
	chat := int64(workerID)
	lastYear := time.Now().Year() - 1
	say(t, tg, chat, "/complain", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	say(t, tg, chat, "深圳市某某电子厂", "(3/16)")
	say(t, tg, chat, "广东省深圳市宝安区", "(6/16)")
	got := say(t, tg, chat, "去年三月", "(7/16)")
	if time.Now().Year()-1 == lastYear && !strings.Contains(got.Text(), fmt.Sprintf("入职日期记为 %d年3月1日", lastYear)) {
		t.Errorf("the start date is not echoed:\n%s", got.Text())
	}
	if !strings.Contains(got.Params["reply_markup"], "edit:start_date") {
		t.Errorf("no button to change the start date: %s", got.Params["reply_markup"])
	}
	say(t, tg, chat, "在职", "(8/16)")
	got = say(t, tg, chat, "一万五", "(9/16)")
	if !strings.Contains(got.Text(), "月工资记为 15,000.00 元") {
		t.Errorf("the wage is not echoed:\n%s", got.Text())
	}
	// An ambiguous amount is asked about, not guessed.
	got = say(t, tg, chat, "6.000", "⚠️")
	if !strings.Contains(got.Text(), "6000") || !strings.Contains(got.Text(), "(9/16)") {
		t.Errorf("6.000 as the claim:\n%s", got.Text())
	}
}
