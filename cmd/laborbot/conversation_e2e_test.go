package main

import (
	"strings"
	"testing"
)

// TestE2EHelpPrivacyAndPausedComplaint drives the real bot through the fake
// Bot API: /help lists what each role may do, /privacy says what is kept,
// /cancel with nothing in progress says so, a question typed at the date
// step is answered and the step asked again, and /calc mid-interview asks
// first, pauses the complaint and /complain goes on at the same step.
func TestE2EHelpPrivacyAndPausedComplaint(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "fast": "1"})
	tg := r.tg
	const chat = 702
	say(t, tg, adminID, "/mediator add 901", "901")

	// The menus list /privacy.
	for _, call := range tg.CallsTo("setMyCommands") {
		var cmds []struct{ Command string }
		if err := call.JSON("commands", &cmds); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range cmds {
			found = found || c.Command == "privacy"
		}
		if !found {
			t.Errorf("a menu lacks /privacy: %+v", cmds)
		}
	}

	for _, tc := range []struct {
		user     int64
		has, not []string
	}{
		{chat, []string{"/complain", "/status", "/deletedata", "/privacy", "/calc", "/cancel", "/lang"}, []string{"/tickets", "/export", "/mediator", "/kb"}},
		// Mediators export without personal data; only admins may add it.
		{mediatorID, []string{"/complain", "/tickets", "/ticket", "/stats", "/kb suggest", "/export [csv|json] "}, []string{"/export [csv|json] personal", "/mediator"}},
		{adminID, []string{"/tickets", "/export [csv|json] personal", "/mediator", "/kb"}, nil},
	} {
		help := say(t, tg, tc.user, "/help", "/help").Text()
		for _, c := range tc.has {
			if !strings.Contains(help, c) {
				t.Errorf("/help for %d lacks %s:\n%s", tc.user, c, help)
			}
		}
		for _, c := range tc.not {
			if strings.Contains(help, c) {
				t.Errorf("/help for %d offers %s:\n%s", tc.user, c, help)
			}
		}
	}
	if p := say(t, tg, chat, "/privacy", "/deletedata").Text(); !strings.Contains(p, "2 年") || !strings.Contains(p, "调解员") {
		t.Errorf("/privacy: %s", p)
	}
	say(t, tg, chat, "/cancel", "没有进行中")

	say(t, tg, chat, "/complain", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	say(t, tg, chat, "深圳市某某电子厂", "(3/16)")
	say(t, tg, chat, "广东", "(4/16)")
	say(t, tg, chat, "深圳", "(5/16)")
	say(t, tg, chat, "宝安", "(6/16)")
	// A question at the date step: answered, then the step again.
	before := len(tg.Sent(chat))
	again := say(t, tg, chat, "加班费怎么算？", "回到投诉").Text()
	if !strings.Contains(again, "(6/16)") {
		t.Errorf("the step is not asked again: %s", again)
	}
	answered := false
	for _, c := range tg.Sent(chat)[before:] {
		answered = answered || strings.Contains(c.Text(), "150%")
	}
	if !answered {
		t.Error("the question typed mid-interview was not answered")
	}
	// /calc asks first; pausing keeps the complaint.
	say(t, tg, chat, "/calc", "还没提交")
	pressWait(t, tg, chat, chat, "pz|calc", "计算器")
	pressWait(t, tg, chat, chat, "calc|overtime", "(1/")
	resumed := say(t, tg, chat, "/complain", "接着填写").Text()
	if !strings.Contains(resumed, "(6/16)") {
		t.Errorf("/complain does not go on at the paused step: %s", resumed)
	}
	say(t, tg, chat, "2023-03-01", "(7/16)")
}
