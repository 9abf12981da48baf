package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/letter/docx"
	"github.com/laborbot/laborbot/web/browsertest"
)

// lawsDir is shared/laws beside the repository ($LAWS_DIR wins): letters
// quote articles from it.
func lawsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LAWS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "laws")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR): %v", dir, err)
		}
		t.Skipf("statute texts not found at %s: %v", dir, err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is missing")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Lines wrap anywhere in Chinese: compare without the breaks.
	return strings.Join(strings.Fields(string(out)), "")
}

// fileDismissal files a second complaint against the same employer, as a
// worker who was dismissed: dates and wage let the calculators work.
func fileDismissal(t *testing.T, tg *telegramtest.Server, chat int64) {
	t.Helper()
	say(t, tg, chat, "/complain", "同意")
	pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:dismissal", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
	say(t, tg, chat, "深圳市某某电子厂", "(3/16)")
	say(t, tg, chat, "广东", "(4/16)")
	say(t, tg, chat, "深圳", "(5/16)")
	say(t, tg, chat, "宝安", "(6/16)")
	say(t, tg, chat, "2021-09-01", "(7/16)")
	say(t, tg, chat, "2026-04-30", "(8/16)")
	say(t, tg, chat, "7000", "(9/16)")
	say(t, tg, chat, "21000", "(10/16)")
	say(t, tg, chat, "5", "(11/16)")
	say(t, tg, chat, "公司突然说不用来了，没给补偿", "(12/16)")
	pressWait(t, tg, chat, chat, "ik|next", "(13/16)")
	say(t, tg, chat, "支付经济补偿", "(14/16)")
	say(t, tg, chat, "李四", "(15/16)")
	say(t, tg, chat, "13900139000", "(16/16)")
	pressWait(t, tg, chat, chat, "ik|next", "核对")
	press(t, tg, chat, chat, "ik|submit")
}

// A mediator drafts, edits, issues and downloads each of the three
// letters in a real browser, on both stores; the PDF's text has the
// employer, the amounts and the quoted articles; the Word file is a valid
// document; the ticket's timeline and the audit log have each letter.
func TestE2ELetters(t *testing.T) {
	laws := lawsDir(t)
	for _, backend := range []string{"bolt", "redis"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel() // the two stores' bots and tabs are independent; the machine waits less
			env := map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1",
				"CONSOLE_URL": "https://union.example.org", "DATA_KEY": "letters-e2e-data-key-0123"}
			// With the statute texts (bolt) the letters quote the articles;
			// without them (redis) they cite them by name and number.
			quoted := backend == "bolt"
			if quoted {
				env["LAWS_DIR"] = laws
			}
			if backend == "redis" {
				url, prefix := testRedis(t, "letters-e2e")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
			}
			browser := browsers.Get(t)
			r := startBot(t, nil, env)
			tg := r.tg
			base := "http://" + r.httpAddr
			say(t, tg, adminID, "/mediator add 901", "901")
			fileComplaint(t, tg, workerID)
			press(t, tg, workerID, workerID, "ik|submit")
			tg.WaitForText(t, workerID, "#1", wait)
			const coworker = 702
			fileDismissal(t, tg, coworker)
			tg.WaitForText(t, coworker, "#2", wait)

			// The admin sets up the letterhead.
			admin := browser.NewTab(t, browsertest.Desktop())
			signIn(t, admin, consoleLink(t, r, adminID))
			admin.Navigate(base + "/console/admin/letters")
			admin.Fill("#u-name", "深圳市宝安区总工会")
			admin.Fill("#u-unit", "劳动法律监督委员会")
			admin.Fill("#u-contact", "李明")
			admin.Fill("#u-phone", "0755-12345678")
			admin.Fill("#u-address", "深圳市宝安区某某路1号")
			admin.Click("#save-letterhead")
			admin.WaitText(".alert-success", "已保存")
			if backend == "bolt" {
				admin.Screenshot("letter-settings-desktop")
			}

			desk := browser.NewTab(t, browsertest.Desktop())
			signIn(t, desk, consoleLink(t, r, mediatorID))
			desk.Navigate(base + "/console/t/1")
			desk.Click("#act-claim")
			desk.WaitText(".alert-success", "已受理")
			wantArticles := map[string][]string{
				"reminder":       {"《中华人民共和国劳动法》第五十条", "《中华人民共和国劳动合同法》第四十七条"},
				"opinion":        {"《中华人民共和国劳动合同法》第三十条", "《中华人民共和国工会法》第二十三条"},
				"recommendation": {"《中华人民共和国劳动合同法》第八十五条", "《劳动保障监察条例》第七条"},
			}
			if quoted {
				wantArticles["reminder"] = append(wantArticles["reminder"], "《中华人民共和国劳动法》第五十条规定：“工资应当以货币形式按月支付给劳动者本人")
				wantArticles["opinion"] = append(wantArticles["opinion"], "《中华人民共和国劳动合同法》第三十条规定：“用人单位应当按照劳动合同约定和国家规定")
			} else {
				wantArticles["reminder"] = append(wantArticles["reminder"], "《中华人民共和国劳动法》第五十条。")
			}
			numbers := map[string]string{"reminder": "工提〔", "opinion": "工意〔", "recommendation": "工建〔"}
			for _, kind := range []string{"reminder", "opinion", "recommendation"} {
				desk.Navigate(base + "/console/t/1")
				if status := desk.Click("#draft-" + kind); status != 200 {
					t.Fatalf("%s draft: status %d", kind, status)
				}
				body := desk.Value("#l-body")
				for _, want := range []string{"2名职工", "主张的金额合计39,000.00元", "经济补偿参考数额为35,000.00元"} {
					if !strings.Contains(body, want) {
						t.Errorf("%s draft lacks %q:\n%s", kind, want, body)
					}
				}
				if !quoted && strings.Contains(body, "规定：“") {
					t.Errorf("%s draft quotes articles without the statute texts loaded", kind)
				}
				if strings.Contains(body, "张三") || strings.Contains(body, "李四") {
					t.Errorf("%s draft names a worker", kind)
				}
				if backend == "bolt" && kind == "opinion" {
					desk.Screenshot("letter-draft-desktop")
				}
				// The mediator edits: a sentence of their own.
				desk.Fill("#l-body", body+"\n我会调解员已于本周与贵单位人事部门电话沟通。")
				if status := desk.Click("#issue"); status != 200 {
					t.Fatalf("%s issue: status %d", kind, status)
				}
				desk.WaitText(".alert-success", "已签发")
				number := desk.Text("#letter-number")
				if !strings.HasPrefix(number, numbers[kind]) || !strings.HasSuffix(number, "〕1号") {
					t.Errorf("%s number %q", kind, number)
				}
				if backend == "bolt" && kind == "opinion" {
					desk.Screenshot("letter-issued-desktop")
				}
				name, pdfData := desk.Download("#download-pdf")
				if !strings.HasSuffix(name, ".pdf") {
					t.Errorf("PDF file name %q", name)
				}
				text := pdfText(t, pdfData)
				for _, want := range append([]string{"深圳市宝安区总工会", number, "深圳市某某电子厂", "39,000.00元", "35,000.00元",
					"我会调解员已于本周与贵单位人事部门电话沟通", "联系电话：0755-12345678"}, wantArticles[kind]...) {
					if !strings.Contains(text, want) {
						t.Errorf("%s PDF lacks %q:\n%s", kind, want, text)
					}
				}
				if backend == "bolt" && kind == "opinion" {
					if err := os.WriteFile(filepath.Join(filepath.Dir(desk.Screenshot("letter-issued-desktop")), "letter-opinion.pdf"), pdfData, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				name, docxData := desk.Download("#download-docx")
				if !strings.HasSuffix(name, ".docx") {
					t.Errorf("Word file name %q", name)
				}
				dtext, err := docx.Text(docxData)
				if err != nil {
					t.Fatalf("%s: the Word file is not a valid document: %v", kind, err)
				}
				if !strings.Contains(dtext, number) || !strings.Contains(dtext, "深圳市某某电子厂") || !strings.Contains(dtext, "39,000.00元") {
					t.Errorf("%s Word text:\n%s", kind, dtext)
				}
			}
			// Each letter is in the timeline and the audit log.
			desk.Navigate(base + "/console/t/1")
			for _, n := range []string{"提示函 工提〔", "意见书 工意〔", "建议书 工建〔"} {
				desk.WaitText("#timeline", n)
				desk.WaitText("#letters", strings.Fields(n)[1])
			}
			if backend == "bolt" {
				desk.Screenshot("letter-ticket-desktop")
			}
			admin.Navigate(base + "/console/admin/audit?action=letter")
			admin.WaitText("#audit", "建议书 工建〔")
			// A mediator cannot reach the letter settings.
			if status := desk.Navigate(base + "/console/admin/letters"); status != 403 {
				t.Errorf("a mediator on the letter settings: %d", status)
			}
		})
	}
}
