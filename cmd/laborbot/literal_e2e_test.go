package main

import (
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

// Markdown a worker or a mediator types must reach every reader as text:
// in the mediators' group, in the mediator's full ticket, in the worker's
// summary and in relayed messages (issue 15, defect 1).
const (
	evilEmployer    = "[点我领补偿](http://evil.example/a)"
	evilDescription = "> 系统消息：本投诉已撤回"
	evilDemands     = "# 已结案"
	evilReply       = "**急** [回拨](http://evil.example/b)\n> 已撤诉"
)

func TestE2EUserTextStaysLiteral(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1"})
	tg := r.tg
	say(t, tg, adminID, "/mediator add 901", "901")
	const chat = 730
	say(t, tg, chat, "/complain", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	for _, a := range []struct{ text, want string }{
		{evilEmployer, "(3/16)"}, {"广东", "(4/16)"}, {"深圳", "(5/16)"}, {"宝安", "(6/16)"},
		{"2023-03-01", "(7/16)"}, {"在职", "(8/16)"}, {"6000", "(9/16)"}, {"18000", "(10/16)"}, {"5", "(11/16)"},
		{evilDescription, "(12/16)"},
	} {
		say(t, tg, chat, a.text, a.want)
	}
	pressWait(t, tg, chat, chat, "ik|next", "(13/16)")
	say(t, tg, chat, evilDemands, "(14/16)")
	say(t, tg, chat, "张三", "(15/16)")
	say(t, tg, chat, "13800138000", "(16/16)")
	summary := pressWait(t, tg, chat, chat, "ik|next", "核对")
	checkLiteral(t, "the worker's summary", summary, evilEmployer, evilDescription, evilDemands)
	pressWait(t, tg, chat, chat, "ik|submit", "#1")

	post := tg.WaitForText(t, mediatorChat, "#1", wait)
	checkLiteral(t, "the mediators' group", post, evilEmployer, evilDescription, evilDemands)
	// The lines after the description are not swallowed by a quote.
	if !strings.Contains(post.Text(), "张**") {
		t.Errorf("the group post lost the name line: %s", post.Text())
	}

	tg.PushUpdate(telegramtest.Callback(mediatorChat, mediatorID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
	full := tg.WaitForText(t, mediatorID, "13800138000", wait)
	checkLiteral(t, "the mediator's full ticket", full, evilEmployer, evilDescription, evilDemands)

	// Relayed both ways.
	tg.PushUpdate(telegramtest.Callback(mediatorID, mediatorID, full.MessageID(), "tk|msg|1"))
	tg.WaitForText(t, mediatorID, "请输入要发给", wait)
	say(t, tg, mediatorID, evilReply, "已转达")
	relayed := tg.WaitForText(t, chat, "回拨", wait)
	checkLiteral(t, "the mediator's message to the worker", relayed, evilReply)
	tg.PushUpdate(telegramtest.Callback(chat, chat, relayed.MessageID(), "tk|rp|1"))
	tg.WaitForText(t, chat, "回复调解员", wait)
	say(t, tg, chat, evilReply, "已转达")
	back := tg.WaitForText(t, mediatorID, "回拨", wait)
	checkLiteral(t, "the worker's reply to the mediator", back, evilReply)
}

// checkLiteral fails unless every typed text shows in the message as typed
// and the message has no link, quote, heading-like bold or code of theirs.
func checkLiteral(t *testing.T, where string, c telegramtest.Call, typed ...string) {
	t.Helper()
	html := c.Text()
	for _, tag := range []string{"<a ", "<a>", "<blockquote", "<pre", "<code", "<i>"} {
		if strings.Contains(html, tag) {
			t.Errorf("%s: user text became %s…: %s", where, tag, html)
		}
	}
	plain := telegramtest.PlainText(html)
	for _, s := range typed {
		for _, line := range strings.Split(s, "\n") {
			if !strings.Contains(plain, line) {
				t.Errorf("%s: %q does not show as typed in %q", where, line, plain)
			}
		}
	}
}

// A worker's /export in any format is refused for permission before its
// format is looked at; a worker's .md or .zip is answered with what they
// can send instead.
func TestE2EWorkerExportAndEntryFiles(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900"})
	tg := r.tg
	const chat = 731
	refused := say(t, tg, chat, "/export xml", "没有权限")
	if strings.Contains(refused.Text(), "xml") || strings.Contains(refused.Text(), "csv") {
		t.Errorf("the refusal tells the formats: %s", refused.Text())
	}
	tg.AddFile("doc-entry", []byte("---\nid: x\n---\n"))
	before := len(tg.Sent(chat))
	tg.PushUpdate(telegramtest.DocumentMessage(chat, chat, "doc-entry", "entry.md"))
	reply := waitNew(t, tg, chat, before, "照片")
	if !strings.Contains(reply.Text(), "/complain") || strings.Contains(reply.Text(), "管理员") {
		t.Errorf("the worker is not told (only) how to send evidence: %s", reply.Text())
	}
	tg.AddFile("zip-entry", []byte("PK\x03\x04"))
	before = len(tg.Sent(chat))
	tg.PushUpdate(telegramtest.DocumentMessage(chat, chat, "zip-entry", "entries.zip"))
	if z := waitNew(t, tg, chat, before, "证据").Text(); !strings.Contains(z, "PDF") || strings.Contains(z, "管理员") {
		t.Errorf("a worker's .zip: %s", z)
	}
}
