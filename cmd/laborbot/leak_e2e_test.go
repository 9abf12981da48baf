package main

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/openai/openaitest"
)

// TestE2EPromptNeverShownWhileStreaming: a model that repeats its
// instructions (hidden with zero-width spaces) shows nothing of them, not
// in a private chat's drafts nor in a group's edited message, and the
// worker gets the retrieval answer (issue 15, defect 3).
func TestE2EPromptNeverShownWhileStreaming(t *testing.T) {
	llm := openaitest.NewServer()
	defer llm.Close()
	var system string
	llm.Respond = func(r openaitest.Request) openaitest.Reply {
		system = r.Messages[0].Content
		chunks := []string{"单位应当按月足额支付工资 [劳动合同法 30]。\n"}
		for _, line := range strings.SplitAfter(system, "\n") {
			chunks = append(chunks, strings.Join(strings.Split(line, ""), "\u200b"))
		}
		return openaitest.Reply{Chunks: chunks, ChunkDelay: 500 * time.Millisecond}
	}
	r := startBot(t, nil, map[string]string{"OPENAI_BASE_URL": llm.BaseURL(), "OPENAI_MODEL": "m", "LLM_TIMEOUT": "15s"})
	tg := r.tg
	const chat, group = 505, -100889
	tg.PushUpdate(telegramtest.TextMessage(chat, chat, "老板拖欠我三个月工资怎么办"))
	tg.PushUpdate(telegramtest.GroupText(group, 9, "@"+telegramtest.BotUsername+" 老板拖欠我三个月工资怎么办"))
	for _, c := range []int64{chat, group} {
		tg.WaitFor(t, wait, func(call telegramtest.Call) bool {
			return (call.Method == "sendMessage" || call.Method == "editMessageText") && call.OK() &&
				call.Int64("chat_id") == c && strings.Contains(call.Text(), "📖")
		})
	}
	shownDrafts, shownEdits := 0, 0
	for _, call := range tg.Calls() {
		if c := call.Int64("chat_id"); c != chat && c != group {
			continue
		}
		switch call.Method {
		case "sendMessageDraft":
			shownDrafts++
		case "editMessageText":
			shownEdits++
		case "sendMessage":
		default:
			continue
		}
		shown := letters(telegramtest.PlainText(call.Text()))
		for _, line := range strings.Split(system, "\n") {
			l := []rune(letters(line))
			for i := 0; i+30 <= len(l); i += 10 {
				if strings.Contains(shown, string(l[i:i+30])) {
					t.Fatalf("%s to %d shows the instructions (%q):\n%s", call.Method, call.Int64("chat_id"), line, call.Text())
				}
			}
		}
	}
	if shownDrafts == 0 || shownEdits == 0 {
		t.Errorf("the test did not stream: %d drafts, %d edits", shownDrafts, shownEdits)
	}
	_, metrics := r.get(t, "/metrics")
	if !strings.Contains(metrics, `laborbot_answers_total{mode="fallback"} 2`) {
		t.Errorf("the leaking answers did not fall back")
	}
}

// letters keeps letters and digits, lower-cased: how the test compares
// shown text with the instructions whatever is put between the letters.
func letters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
