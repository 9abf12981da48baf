package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/openai/openaitest"
)

// keyboardButtons lists an inline keyboard's buttons whose callback data
// starts with prefix.
func keyboardButtons(kb *models.InlineKeyboardMarkup, prefix string) []models.InlineKeyboardButton {
	var out []models.InlineKeyboardButton
	if kb == nil {
		return nil
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				out = append(out, b)
			}
		}
	}
	return out
}

// TestE2EThreeOutcomes drives the real bot through the fake Bot API: an
// answered question, one only partly covered (framed as the closest match,
// with "是不是想问" buttons; pressing one answers with that entry), one with
// several problems (the others offered as buttons), an article named
// without statute texts loaded, and off-topic questions (a pointer
// elsewhere, no labor entry, no complaint button).
func TestE2EThreeOutcomes(t *testing.T) {
	r := startBot(t, nil, map[string]string{"fast": "1"})
	tg := r.tg
	const chat = 601

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
	ans := tg.WaitForText(t, chat, "《劳动合同法》第30条", wait)
	kb := telegramtest.ReplyMarkup(ans)
	if strings.Contains(ans.Text(), "🔎") || len(keyboardButtons(kb, "entry|")) == 0 || len(keyboardButtons(kb, "fb|-|")) == 0 || len(keyboardButtons(kb, "complain|")) == 0 {
		t.Errorf("answered question: %s\n%+v", ans.Text(), kb)
	}

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "公司要求我们下班后参加培训不给钱"))
	partial := tg.WaitForText(t, chat, "是不是想问", wait)
	if !strings.Contains(partial.Text(), "🔎") || !strings.Contains(partial.Text(), "最接近") {
		t.Errorf("partly covered question not framed as the closest match: %s", partial.Text())
	}
	maybe := keyboardButtons(telegramtest.ReplyMarkup(partial), "entry|")
	if len(maybe) < 2 || !strings.HasPrefix(maybe[0].Text, "❓") {
		t.Fatalf("no did-you-mean buttons: %+v", telegramtest.ReplyMarkup(partial))
	}
	title := strings.TrimPrefix(maybe[0].Text, "❓ ")
	tg.PushUpdate(telegramtest.Callback(chat, chat, partial.MessageID(), maybe[0].CallbackData))
	tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
		return c.Method == "sendMessage" && c.OK() && c.Int64("chat_id") == chat && strings.Contains(c.Text(), telegramHTMLEscape(title)) && strings.Contains(c.Text(), "法律依据")
	})

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资，还把我开除了，社保也一直没交"))
	several := tg.WaitForText(t, chat, "你还问到了", wait)
	var also int
	for _, b := range keyboardButtons(telegramtest.ReplyMarkup(several), "entry|") {
		if strings.HasPrefix(b.Text, "➕") {
			also++
		}
	}
	if also < 2 {
		t.Errorf("the other problems are not offered: %+v", telegramtest.ReplyMarkup(several))
	}

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "劳动合同法第四十七条怎么规定"))
	art := tg.WaitForText(t, chat, "没有载入", wait)
	if !strings.Contains(art.Text(), "《劳动合同法》第47条") || len(keyboardButtons(telegramtest.ReplyMarkup(art), "entry|")) == 0 {
		t.Errorf("an article named without LAWS_DIR: %s", art.Text())
	}

	for _, q := range []struct {
		text, want string
		opts       []telegramtest.Option
	}{{"今天天气怎么样", "政务服务便民热线12345", nil}, {"What's the weather like today?", "government service hotline 12345", []telegramtest.Option{telegramtest.WithLang("en")}}} {
		tg.PushUpdate(telegramtest.TextMessage(chat, chat, q.text, q.opts...))
		off := tg.WaitForText(t, chat, q.want, wait)
		kb := telegramtest.ReplyMarkup(off)
		if strings.Contains(off.Text(), "《") || len(keyboardButtons(kb, "entry|")) > 0 || len(keyboardButtons(kb, "complain|")) > 0 || len(keyboardButtons(kb, "fb|-|offtopic")) == 0 {
			t.Errorf("%q: off-topic reply %s\n%+v", q.text, off.Text(), kb)
		}
	}
	_, metrics := r.get(t, "/metrics")
	if !strings.Contains(metrics, `laborbot_answers_total{mode="none"} 2`) {
		t.Errorf("off-topic replies not counted as mode none:\n%s", metrics)
	}
}

// telegramHTMLEscape escapes text as the bot's HTML rendering does.
func telegramHTMLEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// TestE2EOutcomesWithModel: an off-topic question never reaches the model;
// a partly covered one is written by the model and framed as the closest
// match.
func TestE2EOutcomesWithModel(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	llm.Queue(openaitest.Reply{Chunks: []string{"下班后参加单位安排的培训，一般算工作时间", "[劳动法 36]。"}})
	r := startBot(t, nil, map[string]string{"OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m", "fast": "1"})
	tg := r.tg
	const chat = 602
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "今天天气怎么样"))
	tg.WaitForText(t, chat, "12345", wait)
	if n := len(llm.Requests()); n != 0 {
		t.Errorf("the model was asked %d times about an off-topic question", n)
	}
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "公司要求我们下班后参加培训不给钱"))
	final := tg.WaitForText(t, chat, "是不是想问", wait)
	if len(llm.Requests()) != 1 || !strings.HasPrefix(final.Text(), "🔎") || !strings.Contains(final.Text(), "一般算工作时间") {
		t.Errorf("partly covered with a model (%d requests): %s", len(llm.Requests()), final.Text())
	}
}

// TestE2EStatutesSupportEntries: with LAWS_DIR the answer is still the
// curated entry (articles never rank above it), and a button quotes the
// articles it rests on.
func TestE2EStatutesSupportEntries(t *testing.T) {
	laws := os.Getenv("LAWS_DIR")
	if laws == "" {
		laws, _ = filepath.Abs(filepath.Join("..", "..", "..", "shared", "laws"))
	}
	if _, err := os.Stat(laws); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR)", laws)
		}
		t.Skipf("statute texts not found at %s (set LAWS_DIR to run this test)", laws)
	}
	r := startBot(t, nil, map[string]string{"LAWS_DIR": laws, "fast": "1"})
	tg := r.tg
	const chat = 603
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "公司不交社保怎么办"))
	ans := tg.WaitForText(t, chat, "📖", wait)
	if !strings.Contains(ans.Text(), "社保") || strings.HasPrefix(ans.Text(), "<b>《") {
		t.Errorf("with LAWS_DIR the answer is not the entry: %s", ans.Text())
	}
	law := keyboardButtons(telegramtest.ReplyMarkup(ans), "law|")
	if len(law) != 1 {
		t.Fatalf("no statute button: %+v", telegramtest.ReplyMarkup(ans))
	}
	tg.PushUpdate(telegramtest.Callback(chat, chat, ans.MessageID(), law[0].CallbackData))
	tg.WaitForText(t, chat, "依据的法条原文", wait)

	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "劳动合同法第四十七条怎么规定"))
	tg.WaitForText(t, chat, "经济补偿按劳动者在本单位工作的年限", wait)
}
