package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/laborbot/laborbot/web/browsertest"
)

// typeInto sets a field's value and fires the input event, as typing does
// (chromedp's SetValue alone fires none, and the editor checks on input).
func typeInto(tab *browsertest.Tab, selector, value string) {
	sel, _ := json.Marshal(selector)
	val, _ := json.Marshal(value)
	tab.Do(chromedp.Evaluate[chromedp.Void](`(() => { const el = document.querySelector(` + string(sel) + `); el.value = ` + string(val) +
		`; el.dispatchEvent(new Event("input", {bubbles: true})); })()`))
}

// The knowledge base in the console, in a real browser, on both stores:
// an admin edits an entry, sees a bad citation flagged while typing, fixes
// it and publishes; a worker's question in Telegram is answered from the
// new text at once; a rollback restores the old answer. A mediator reads
// entries and proposes a change, which the admin sees as a draft, but
// cannot reach the admins' pages. Every change is in the audit log.
func TestE2EKnowledgeConsole(t *testing.T) {
	for _, backend := range []string{"bolt", "redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel() // the two stores' bots and tabs are independent; the machine waits less
			env := map[string]string{"ADMIN_IDS": "900", "fast": "1", "CONSOLE_URL": "https://union.example.org"}
			if backend == "redis" {
				url, prefix := testRedis(t, "kbconsole-e2e")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
			}
			browser := browsers.Get(t)
			r := startBot(t, nil, env)
			tg := r.tg
			base := "http://" + r.httpAddr
			say(t, tg, adminID, "/mediator add 901", "901")
			const question = "工会的一函两书是什么意思"
			const id = "union-yihan-liangshu-zh"
			const newText = "新版说明：一函两书由工会劳动法律监督委员会发出"
			before := say(t, tg, workerID, question, "一函两书")
			if strings.Contains(before.Text(), newText) {
				t.Fatal("the answer has the new text before it is written")
			}

			admin := browser.NewTab(t, browsertest.Desktop())
			signIn(t, admin, consoleLink(t, r, adminID))
			admin.Navigate(base + "/console/kb/?q=一函两书")
			admin.WaitText("#kb-entries", "一函两书")
			if status := admin.Click(`#kb-entries a[href="/console/kb/e/` + id + `"]`); status != 200 {
				t.Fatalf("entry page: %d", status)
			}
			admin.WaitText("#preview-telegram", "一函两书")
			admin.WaitText("#preview-pair", "yi han liang shu") // the English version beside it
			admin.Click("#kb-edit")
			body := admin.Value("#kb-body")
			// A bad citation is flagged while typing, beside its field.
			typeInto(admin, "#kb-citation-6", "劳动合同法 300")
			admin.WaitText(`[data-field="citations"] .field-problems`, "第 7 个引用：citation \"劳动合同法 300\"")
			admin.WaitText("#problems", "1")
			typeInto(admin, "#kb-body", newText+"。\n\n"+body)
			admin.WaitText("#kb-preview", newText)
			if backend == "bolt" {
				admin.Screenshot("kb-editor-desktop")
				admin.ScreenshotViewport("kb-editor-readme") // docs/kb-editor.png
			}
			// Publishing with the problem is refused, without JavaScript's
			// help too (the server checks again).
			if status := admin.Click("#kb-publish"); status != 422 {
				t.Errorf("publishing with a bad citation: status %d", status)
			}
			admin.WaitText(`[data-field="citations"] .field-problems`, "300")
			if got := admin.Value("#kb-body"); !strings.Contains(got, newText) {
				t.Errorf("the admin's text was lost: %q", got[:min(80, len(got))])
			}
			typeInto(admin, "#kb-citation-6", "")
			admin.WaitText("#problems", "检查通过")
			if status := admin.Click("#kb-publish"); status != 200 {
				t.Fatalf("publish: %d", status)
			}
			admin.WaitText(".alert-success", "已发布")
			admin.WaitText("#kb-version", "v1")
			// At once, in Telegram.
			say(t, tg, workerID, question, newText)

			// History with the diff; a rollback restores the old answer.
			admin.Click("#kb-history")
			admin.WaitText("#kb-diff", newText)
			admin.Click("#rollback-0")
			admin.WaitText(".alert-success", "已回滚")
			after := say(t, tg, workerID, question, "一函两书")
			if strings.Contains(after.Text(), newText) {
				t.Errorf("after the rollback the answer still has the new text:\n%s", after.Text())
			}

			// A mediator reads and proposes, and is refused the rest.
			desk := browser.NewTab(t, browsertest.Phone())
			signIn(t, desk, consoleLink(t, r, mediatorID))
			desk.Navigate(base + "/console/kb/e/" + id)
			desk.WaitText("#preview-telegram", "一函两书")
			desk.Click("#kb-edit")
			typeInto(desk, "#kb-title", "工会的“一函两书”是什么（调解员建议的标题）")
			desk.Click("#kb-propose")
			desk.WaitText(".alert-success", "草稿已提交")
			for _, p := range []string{"/console/kb/drafts", "/console/kb/gaps", "/console/kb/statutes", "/console/admin/letters", "/console/admin/audit"} {
				if status := desk.Navigate(base + p); status != 403 {
					t.Errorf("a mediator on %s: %d", p, status)
				}
			}
			admin.Navigate(base + "/console/kb/drafts")
			admin.WaitText("#kb-drafts-list", "调解员建议的标题")
			// The knowledge base's audit trail names who did what.
			admin.Navigate(base + "/console/admin/audit?log=kb")
			admin.WaitText("#kb-audit", "回滚")
			admin.WaitText("#kb-audit", "发布")
			admin.WaitText("#kb-audit", "提交草稿")
			if backend == "bolt" {
				desk.Navigate(base + "/console/kb/?topic=union&lang=zh")
				desk.Screenshot("kb-list-phone")
				admin.Navigate(base + "/console/kb/e/" + id + "/history?v=1")
				admin.Screenshot("kb-history-desktop")
			}
		})
	}
}
