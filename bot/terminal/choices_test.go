package terminal_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/bot/terminal"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// TestTerminalChoices: in the terminal the "是不是想问" candidates are
// numbered, and typing #N answers with that entry; an off-topic question
// gets the pointer elsewhere.
func TestTerminalChoices(t *testing.T) {
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
	if err := eng.Load(context.Background(), entries, nil); err != nil {
		t.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	conv := bot.NewConversation(eng, store, nil, nil)

	// First the question, to learn which entry button #N stands for.
	var first bytes.Buffer
	in := "公司要求我们下班后参加培训不给钱\n"
	if err := terminal.Run(context.Background(), conv, strings.NewReader(in), &first, "zh"); err != nil {
		t.Fatal(err)
	}
	out := first.String()
	if !strings.Contains(out, "是不是想问") {
		t.Fatalf("no did-you-mean list in the terminal:\n%s", out)
	}
	// The welcome screen's topic buttons are numbered first; the answer's
	// buttons are numbered afresh.
	answer := out[strings.LastIndex(out, "🔎"):]
	m := regexp.MustCompile(`\[#(\d+) ❓ ([^\]]+)\]`).FindStringSubmatch(answer)
	if m == nil {
		t.Fatalf("did-you-mean choices are not numbered:\n%s", answer)
	}

	var second bytes.Buffer
	in += "#" + m[1] + "\n今天天气怎么样\n"
	if err := terminal.Run(context.Background(), conv, strings.NewReader(in), &second, "zh"); err != nil {
		t.Fatal(err)
	}
	out = second.String()
	// What follows the partly covered answer's prompt: the entry pressed,
	// then the reply to the off-topic question (input is not echoed).
	rest := out[strings.LastIndex(out, "🔎"):]
	after := rest[strings.Index(rest, "\n> "):]
	if !strings.Contains(after, m[2]) || !strings.Contains(after, "法律依据") {
		t.Errorf("#%s did not answer with %q:\n%s", m[1], m[2], after)
	}
	if !strings.Contains(after, "12348") || !strings.Contains(after, "12345") {
		t.Errorf("the off-topic question got no pointer elsewhere:\n%s", after)
	}
}
