package main

import (
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

// platformEntry is a new entry on a topic the built-in knowledge base does
// not cover: delivery riders' helmet deposits (a made-up rule is not
// needed: it cites the real article on deposits).
func platformEntry(title string) string {
	return `---
id: gig-rider-helmet-deposit-zh
key: gig-rider-helmet-deposit
lang: zh
title: ` + title + `
topic: gig_work
questions:
  - 站点收骑手头盔押金合法吗
  - 外卖站点扣电动车押金不退
  - 骑手入职要交装备押金吗
citations:
  - 劳动合同法 9
region: national
reviewed: 2026-11-23
---
用人单位招用劳动者，不得以任何名义向劳动者收取财物，包括头盔、餐箱、电动车等装备押金 [劳动合同法 9]。站点和骑手之间是不是劳动关系要看具体用工情况，但已经按劳动关系管理的，收押金就是违法的。

**怎么做**
1. 保留交押金的凭证，书面要求站点退还。
2. 不退的，拨打12333向劳动保障监察投诉，或者申请劳动仲裁。

**保留证据**
转账记录、收据、站点通知截图、聊天记录。

**时限**
尽快提出，仲裁时效一般为一年。

**去哪里**
工会热线12351；人社热线12333；法律援助12348。
`
}

func upload(t *testing.T, tg *telegramtest.Server, chat int64, fileID, name, content string) {
	t.Helper()
	tg.AddFile(fileID, []byte(content))
	tg.PushUpdate(telegramtest.DocumentMessage(chat, chat, fileID, name))
}

func TestE2EKnowledgeAdmin(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "fast": "1"})
	tg := r.tg
	const worker = 730
	question := "外卖站点收我头盔押金合法吗"

	// A non-admin's upload changes nothing: the worker is told what files
	// they can send (evidence, through /complain), not about admins.
	before := len(tg.Sent(worker))
	upload(t, tg, worker, "f-worker", "entry.md", platformEntry("骑手装备押金"))
	if got := waitNew(t, tg, worker, before, "/complain").Text(); !strings.Contains(got, "证据") || strings.Contains(got, "管理员") {
		t.Errorf("a worker's .md upload: %s", got)
	}

	// An invalid file gets every problem by line, and changes nothing.
	bad := strings.Replace(platformEntry("骑手装备押金"), "  - 劳动合同法 9\n", "  - 劳动合同法 999\n", 1)
	bad = strings.Replace(bad, "topic: gig_work", "topic: riders", 1)
	before = len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-bad", "entry.md", bad)
	problems := waitNew(t, tg, adminID, before, "问题")
	for _, want := range []string{"entry.md:6", "entry.md:12", "999"} {
		if !strings.Contains(problems.Text(), want) {
			t.Errorf("problem list lacks %q:\n%s", want, problems.Text())
		}
	}

	// A valid file: preview, Publish; a worker's question then finds it.
	before = len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-good", "entry.md", platformEntry("骑手装备押金"))
	waitNew(t, tg, adminID, before, "预览")
	pressWait(t, tg, adminID, adminID, "kb|publish", "已发布")
	ans := say(t, tg, worker, question, "骑手装备押金")
	if !strings.Contains(ans.Text(), "《劳动合同法》第9条") {
		t.Errorf("the published entry's answer lacks its citation: %s", ans.Text())
	}

	// A second version, then a rollback restores the first answer.
	before = len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-v2", "entry.md", platformEntry("骑手押金第二版"))
	waitNew(t, tg, adminID, before, "预览")
	pressWait(t, tg, adminID, adminID, "kb|publish", "v2")
	say(t, tg, worker, question, "骑手押金第二版")
	say(t, tg, adminID, "/kb history gig-rider-helmet-deposit-zh", "v2")
	say(t, tg, adminID, "/kb rollback gig-rider-helmet-deposit-zh 1", "回滚")
	say(t, tg, worker, question, "骑手装备押金")
	// A worker cannot roll back or disable anything.
	say(t, tg, worker, "/kb disable gig-rider-helmet-deposit-zh", "只有工会管理员")
	say(t, tg, worker, question, "骑手装备押金")
}

func TestE2EKnowledgeGaps(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "fast": "1"})
	tg := r.tg
	const worker = 731
	q := "外卖站点收我头盔押金合法吗"
	// Asked three times by workers, only partly covered by the built-in
	// base (its entries on deposits are not about riders' equipment).
	for i := 0; i < 3; i++ {
		before := len(tg.Sent(worker))
		tg.PushUpdate(telegramtest.TextMessage(worker, worker, q))
		waitNew(t, tg, worker, before, "12351")
	}
	gaps := say(t, tg, adminID, "/kb gaps", "头盔押金")
	if !strings.Contains(gaps.Text(), "3 ·") {
		t.Errorf("the gap is not counted three times:\n%s", gaps.Text())
	}
	before := len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-gap", "entry.md", platformEntry("骑手装备押金"))
	waitNew(t, tg, adminID, before, "预览")
	pressWait(t, tg, adminID, adminID, "kb|publish", "已发布")
	gaps = say(t, tg, adminID, "/kb gaps", "")
	if strings.Contains(gaps.Text(), "头盔押金") {
		t.Errorf("the gap is still listed after a matching entry was published:\n%s", gaps.Text())
	}
}

// TestE2ETwoReplicasOnRedis runs two bot processes on one Redis: an entry
// published through one is found by the other.
func TestE2ETwoReplicasOnRedis(t *testing.T) {
	url, prefix := testRedis(t, "laborbot-e2e")
	testTwoReplicas(t, url, prefix)
}

// TestE2ETwoReplicasOnRedisCluster is the same on a three-master Redis
// Cluster: both replicas' stores keep every operation within one slot.
func TestE2ETwoReplicasOnRedisCluster(t *testing.T) {
	url, prefix := testRedisCluster(t, "laborbot-e2e")
	testTwoReplicas(t, url, prefix)
}

func testTwoReplicas(t *testing.T, url, prefix string) {
	env := map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_IDS": "900", "fast": "1"}
	a := startBot(t, nil, env)
	b := startBot(t, nil, env)
	before := len(a.tg.Sent(adminID))
	upload(t, a.tg, adminID, "f-r", "entry.md", platformEntry("骑手装备押金"))
	waitNew(t, a.tg, adminID, before, "预览")
	pressWait(t, a.tg, adminID, adminID, "kb|publish", "已发布")
	published := time.Now()
	const worker = 740
	deadline := published.Add(wait)
	// Both replicas serve one bot, so update ids are one sequence: the
	// second fake server must not reuse the first one's ids.
	nextID := int64(1_000_000)
	for {
		before := len(b.tg.Sent(worker))
		u := telegramtest.TextMessage(worker, worker, "外卖站点收我头盔押金合法吗")
		nextID++
		u.ID = nextID
		b.tg.PushUpdate(u)
		got := waitNew(t, b.tg, worker, before, "")
		if strings.Contains(got.Text(), "骑手装备押金") {
			t.Logf("the other replica answered from the new entry %s after publishing", time.Since(published).Round(10*time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the other replica never found the published entry")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2EKnowledgeDraftsAndStatutes: a mediator proposes an entry, an admin
// edits and publishes it; a statute file becomes citable.
func TestE2EKnowledgeDraftsAndStatutes(t *testing.T) {
	r := startBot(t, nil, map[string]string{"ADMIN_IDS": "900", "fast": "1"})
	tg := r.tg
	say(t, tg, adminID, "/mediator add 901", "901")
	before := len(tg.Sent(mediatorID))
	upload(t, tg, mediatorID, "f-draft", "entry.md", platformEntry("骑手押金草稿"))
	waitNew(t, tg, mediatorID, before, "草稿 #1")
	say(t, tg, adminID, "/kb drafts", "骑手押金草稿")
	say(t, tg, adminID, "/kb editdraft 1", "修改后")
	before = len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-draft2", "entry.md", platformEntry("骑手装备押金（已审核）"))
	waitNew(t, tg, adminID, before, "已更新")
	say(t, tg, adminID, "/kb publishdraft 1", "已发布")
	say(t, tg, 733, "外卖站点收我头盔押金合法吗", "已审核")
	// A mediator cannot publish.
	say(t, tg, mediatorID, "/kb publishdraft 1", "只有工会管理员")

	// A new statute: its article can be asked for by name at once.
	statute := "# 某某省劳动者权益保护条例\n\n2026年1月1日 某某省人民代表大会常务委员会通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了保护劳动者合法权益，制定本条例。\n\n第二条 用人单位应当按月足额支付工资。\n"
	before = len(tg.Sent(adminID))
	upload(t, tg, adminID, "f-law", "law.md", statute)
	waitNew(t, tg, adminID, before, "法规已更新")
	say(t, tg, 733, "某某省劳动者权益保护条例第二条", "按月足额支付工资")
}
