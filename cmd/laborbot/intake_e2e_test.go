package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

const (
	adminID      = 900
	mediatorID   = 901
	workerID     = 700
	strangerID   = 702
	mediatorChat = -100500
)

// lastMessageTo is the bot's latest message to a chat (for pressing its
// buttons).
func lastMessageTo(t *testing.T, tg *telegramtest.Server, chat int64) telegramtest.Call {
	t.Helper()
	sent := tg.Sent(chat)
	if len(sent) == 0 {
		t.Fatalf("no message to chat %d", chat)
	}
	return sent[len(sent)-1]
}

// press presses a button of the bot's latest message to chat, as user.
func press(t *testing.T, tg *telegramtest.Server, chat, user int64, data string) {
	t.Helper()
	tg.PushUpdate(telegramtest.Callback(chat, user, lastMessageTo(t, tg, chat).MessageID(), data))
}

// say sends text and waits for the bot's next message to that chat
// containing want.
func say(t *testing.T, tg *telegramtest.Server, chat int64, text, want string) telegramtest.Call {
	t.Helper()
	before := len(tg.Sent(chat))
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, text))
	return waitNew(t, tg, chat, before, want)
}

func waitNew(t *testing.T, tg *telegramtest.Server, chat int64, before int, want string) telegramtest.Call {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		sent := tg.Sent(chat)
		for _, c := range sent[min(before, len(sent)):] {
			if strings.Contains(c.Text(), want) {
				return c
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var texts []string
	for _, c := range tg.Sent(chat)[min(before, len(tg.Sent(chat))):] {
		texts = append(texts, c.Text())
	}
	t.Fatalf("no new message to %d containing %q; got %q", chat, want, texts)
	return telegramtest.Call{}
}

func pressWait(t *testing.T, tg *telegramtest.Server, chat, user int64, data, want string) telegramtest.Call {
	t.Helper()
	before := len(tg.Sent(chat))
	press(t, tg, chat, user, data)
	return waitNew(t, tg, chat, before, want)
}

// fileComplaint goes through the interview up to the summary.
func fileComplaint(t *testing.T, tg *telegramtest.Server, chat int64) {
	t.Helper()
	say(t, tg, chat, "/complain", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	say(t, tg, chat, "深圳市某某电子厂", "(3/16)")
	say(t, tg, chat, "广东", "(4/16)")
	say(t, tg, chat, "深圳", "(5/16)")
	say(t, tg, chat, "宝安", "(6/16)")
	say(t, tg, chat, "2099-13-45", "⚠️") // a bad date gets a clear message and the same question
	say(t, tg, chat, "2023-03-01", "(7/16)")
	say(t, tg, chat, "在职", "(8/16)")
	say(t, tg, chat, "6000", "(9/16)")
	say(t, tg, chat, "18000", "(10/16)")
	say(t, tg, chat, "5", "(11/16)")
	say(t, tg, chat, "老板三个月没发工资，说等回款", "(12/16)")
	before := len(tg.Sent(chat))
	tg.AddFile("photo-payslip", []byte("JPEG"))
	tg.PushUpdate(telegramtest.PhotoMessage(chat, chat, "photo-payslip"))
	waitNew(t, tg, chat, before, "✅")
	pressWait(t, tg, chat, chat, "ik|next", "(13/16)")
	say(t, tg, chat, "补发三个月工资", "(14/16)")
	say(t, tg, chat, "张三", "(15/16)")
	say(t, tg, chat, "12345", "⚠️") // not a mobile number
	say(t, tg, chat, "138 0013 8000", "(16/16)")
	pressWait(t, tg, chat, chat, "ik|next", "核对")
}

func TestE2EComplaintToSettlement(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1"})
	tg := r.tg
	// The admin makes 901 a mediator.
	say(t, tg, adminID, "/mediator add 901", "901")

	fileComplaint(t, tg, workerID)
	// Submit twice (a double tap): one ticket.
	summary := lastMessageTo(t, tg, workerID)
	tg.PushUpdate(telegramtest.Callback(workerID, workerID, summary.MessageID(), "ik|submit"))
	tg.PushUpdate(telegramtest.Callback(workerID, workerID, summary.MessageID(), "ik|submit"))
	tg.WaitForText(t, workerID, "#1", wait)

	// The ticket reaches the mediators' group, phone masked, with a Claim button.
	post := tg.WaitForText(t, mediatorChat, "#1", wait)
	if strings.Contains(post.Text(), "13800138000") || strings.Contains(post.Text(), "138 0013 8000") {
		t.Errorf("the group sees the full phone number: %s", post.Text())
	}
	if kb := telegramtest.ReplyMarkup(post); kb == nil || kb.InlineKeyboard[0][0].CallbackData != "tk|claim|1" {
		t.Fatalf("no claim button: %+v", kb)
	}
	time.Sleep(300 * time.Millisecond)
	for _, c := range tg.Sent(mediatorChat) {
		if strings.Contains(c.Text(), "#2") {
			t.Fatal("a second ticket was created by the double submit")
		}
	}

	// A stranger's forged claim is refused and changes nothing.
	tg.PushUpdate(telegramtest.Callback(mediatorChat, strangerID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "answerCallbackQuery" && strings.Contains(c.Params["text"], "权限")
	})
	// The worker cannot read someone else's ticket either.
	say(t, tg, strangerID, "/ticket 1", "找不到")

	// The mediator claims: the full ticket arrives privately, the worker is told.
	tg.PushUpdate(telegramtest.Callback(mediatorChat, mediatorID, post.MessageID(), "tk|claim|1", telegramtest.WithChatType("supergroup")))
	full := tg.WaitForText(t, mediatorID, "13800138000", wait)
	tg.WaitForText(t, workerID, "受理", wait)

	// The mediator sees the worker's evidence; a stranger cannot.
	tg.PushUpdate(telegramtest.Callback(mediatorID, mediatorID, full.MessageID(), "tk|files|1"))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "sendPhoto" && c.OK() && c.Int64("chat_id") == mediatorID && c.Params["photo"] == "photo-payslip"
	})
	tg.PushUpdate(telegramtest.Callback(strangerID, strangerID, lastMessageTo(t, tg, strangerID).MessageID(), "tk|files|1"))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "answerCallbackQuery" && strings.Contains(c.Params["text"], "权限")
	})

	// The mediator messages the worker; the worker replies through the bot.
	tg.PushUpdate(telegramtest.Callback(mediatorID, mediatorID, full.MessageID(), "tk|msg|1"))
	tg.WaitForText(t, mediatorID, "请输入要发给", wait)
	say(t, tg, mediatorID, "你好，我是工会调解员，明天上午方便通话吗？", "已转达")
	relayed := tg.WaitForText(t, workerID, "明天上午方便通话吗", wait)
	tg.PushUpdate(telegramtest.Callback(workerID, workerID, relayed.MessageID(), "tk|rp|1"))
	tg.WaitForText(t, workerID, "回复调解员", wait)
	say(t, tg, workerID, "方便，上午十点后", "已转达")
	tg.WaitForText(t, mediatorID, "上午十点后", wait)

	// The mediator asks for more evidence; the worker's photo lands on the ticket.
	pressWait(t, tg, mediatorID, mediatorID, "tk|ev|1", "补充什么证据")
	say(t, tg, mediatorID, "请补充最近三个月的工资条", "已完成")
	tg.WaitForText(t, workerID, "补充证据", wait)
	tg.AddFile("photo-more", []byte("JPEG2"))
	before := len(tg.Sent(workerID))
	tg.PushUpdate(telegramtest.PhotoMessage(workerID, workerID, "photo-more"))
	waitNew(t, tg, workerID, before, "已把文件添加到你的投诉 #1")

	// Mediation, then a settlement with the amount.
	pressWait(t, tg, mediatorID, mediatorID, "tk|med|1", "调解")
	tg.WaitForText(t, workerID, "进入调解", wait)
	pressWait(t, tg, mediatorID, mediatorID, "tk|ok|1", "金额")
	say(t, tg, mediatorID, "15000", "哪天前付款")
	say(t, tg, mediatorID, "0", "已完成")
	tg.WaitForText(t, workerID, "调解成功", wait)
	say(t, tg, workerID, "/status", "#1")

	// Statistics and export for staff; refused for the worker.
	say(t, tg, mediatorID, "/stats", "1")
	say(t, tg, workerID, "/stats", "只有")
	before = len(tg.CallsTo("sendDocument"))
	tg.PushUpdate(telegramtest.TextMessage(adminID, adminID, "/export csv"))
	doc := tg.WaitFor(t, wait, func(c telegramtest.Call) bool { return c.Method == "sendDocument" && c.OK() })
	if len(tg.CallsTo("sendDocument")) <= before {
		t.Fatal("no export sent")
	}
	var csv []byte
	for _, b := range doc.Files {
		csv = b
	}
	if !bytes.Contains(csv, []byte("15000")) || !bytes.Contains(csv, []byte("settled")) {
		t.Errorf("export lacks the settlement: %s", csv)
	}
}

// TestE2EInterviewResumesAndDataDeletion: a restart in the middle of the
// interview resumes at the same step; /deletedata leaves no personal data in
// the store's file.
func TestE2EInterviewResumesAndDataDeletion(t *testing.T) {
	dataDir := t.TempDir()
	tg := telegramtest.NewServer(t, testToken)
	env := map[string]string{"DATA_DIR": dataDir, "MEDIATOR_CHAT_ID": "-100500", "fast": "1"}
	r := startBot(t, tg, env)
	const chat = 710
	say(t, tg, chat, "我要投诉", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:work_injury", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	say(t, tg, chat, "成都某某建筑公司", "(3/16)")
	r.stop()

	r = startBot(t, tg, env)
	say(t, tg, chat, "四川", "(4/16)")
	for _, a := range []struct{ text, want string }{{"成都", "(5/16)"}, {"武侯", "(6/16)"}, {"2022-05-01", "(7/16)"},
		{"2024-01-31", "(8/16)"}, {"5500", "(9/16)"}, {"跳过", "(10/16)"}, {"0", "(11/16)"}, {"在工地摔伤了腿，公司不给报工伤", "(12/16)"}} {
		say(t, tg, chat, a.text, a.want)
	}
	pressWait(t, tg, chat, chat, "ik|next", "(13/16)")
	say(t, tg, chat, "认定工伤并赔偿", "(14/16)")
	say(t, tg, chat, "李四", "(15/16)")
	say(t, tg, chat, "13912345678", "(16/16)")
	pressWait(t, tg, chat, chat, "ik|next", "核对")
	pressWait(t, tg, chat, chat, "ik|submit", "#1")
	tg.WaitForText(t, mediatorChat, "#1", wait)

	say(t, tg, chat, "/deletedata", "确定要删除")
	pressWait(t, tg, chat, chat, "dd|yes", "已删除")
	time.Sleep(200 * time.Millisecond)
	// Read the raw store file, after the bot has stopped writing to it.
	r.stop()
	raw, err := os.ReadFile(filepath.Join(dataDir, "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"13912345678", "李四", "摔伤", "成都某某建筑公司"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the store still holds %q after /deletedata", secret)
		}
	}
}

func TestExportCLI(t *testing.T) {
	dataDir := t.TempDir()
	tg := telegramtest.NewServer(t, testToken)
	r := startBot(t, tg, map[string]string{"DATA_DIR": dataDir, "fast": "1"})
	const chat = 720
	fileComplaint(t, tg, chat)
	pressWait(t, tg, chat, chat, "ik|submit", "#1")
	r.stop()
	out, _, err := runMain(t, "", map[string]string{"DATA_DIR": dataDir}, "export", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"number": 1`) && !strings.Contains(out, `"number":1`) {
		t.Errorf("export lacks ticket 1: %s", out)
	}
	if _, errOut, err := runMain(t, "", map[string]string{"DATA_DIR": dataDir}, "export", "--format", "xml"); err == nil || errOut == "" {
		t.Error("a bad format was accepted")
	}
}
