package terminal

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
	"github.com/laborbot/laborbot/markdown"
)

func TestUserTextPrintsAsTyped(t *testing.T) {
	var out bytes.Buffer
	typed := "[点我领补偿](http://evil.example/a) **急** C:\\dir\\a_b*.txt"
	err := Messenger(&out).SendTo(context.Background(), 5, bot.Reply{Text: "**用人单位**: " + markdown.Literal(typed)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "用人单位: " + typed; !strings.Contains(out.String(), want) {
		t.Errorf("printed %q, want a line %q", out.String(), want)
	}
}

// Masked contact details print as masked: Markdown must not eat the
// asterisks of 138****5678 or 张** (they used to show as 1385678).
func TestMaskedDetailsPrintLiterally(t *testing.T) {
	iv := intake.NewInterview()
	iv.Answers.Phone = "13812345678"
	iv.Answers.Name = "张三丰"
	tk := intake.Ticket{Number: 7, Name: "张三丰", Phone: "13812345678", Employer: "星光*电子*厂"}
	var out bytes.Buffer
	m := Messenger(&out)
	for _, r := range []string{iv.Summary("zh"), tk.Masked().Text("zh"), tk.Masked().Text("en")} {
		if err := m.SendTo(context.Background(), 5, bot.Reply{Text: r}); err != nil {
			t.Fatal(err)
		}
	}
	got := out.String()
	if n := strings.Count(got, "138****5678"); n != 3 {
		t.Errorf("the masked phone shows %d times, want 3:\n%s", n, got)
	}
	if !strings.Contains(got, "张**") || !strings.Contains(got, "星光*电子*厂") {
		t.Errorf("a masked name or an employer with asterisks lost them:\n%s", got)
	}
}

// The terminal's language is the one asked for (Chinese unless told),
// says so in its first line with how to switch, and replaces a choice an
// earlier session saved.
func TestLanguageIsExplicit(t *testing.T) {
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
	if err := eng.Load(context.Background(), entries, nil); err != nil {
		t.Fatal(err)
	}
	conv := bot.NewConversation(eng, store, nil, nil)
	run := func(lang, input string) string {
		var out bytes.Buffer
		if err := Run(context.Background(), conv, strings.NewReader(input), &out, lang); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	got := run("en", "/help\n")
	first, _, _ := strings.Cut(got, "\n\n")
	if !strings.Contains(first, "Language: English") || !strings.Contains(first, "/lang zh") {
		t.Errorf("the first lines do not say the language and how to switch:\n%s", first)
	}
	if !strings.Contains(got, "What you can do") {
		t.Errorf("--lang en does not answer in English:\n%s", got)
	}
	// The next session, without a choice, is Chinese again, although the
	// last one chose English.
	got = run("", "/help\n")
	if !strings.Contains(got, "语言：中文") || !strings.Contains(got, "/lang en") || !strings.Contains(got, "你可以做的事") {
		t.Errorf("the default is not Chinese, said at start:\n%s", got)
	}
}

// newConv is a conversation over the built-in knowledge base and a fresh
// embedded store.
func newConv(t *testing.T) *bot.Conversation {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
	if err := eng.Load(context.Background(), entries, nil); err != nil {
		t.Fatal(err)
	}
	return bot.NewConversation(eng, store, nil, nil)
}

// Ctrl-C ends the chat while it waits at the prompt: it used to be seen
// only after the next line was typed, so the chat could not be left.
func TestInterruptAtThePrompt(t *testing.T) {
	conv := newConv(t)
	ctx, cancel := context.WithCancel(context.Background())
	in, w := io.Pipe()
	defer w.Close()
	var out syncBuffer
	ended := make(chan error, 1)
	go func() { ended <- Run(ctx, conv, in, &out, "zh") }()
	// Once /help is answered and the prompt printed again, the chat waits
	// for input.
	if _, err := io.WriteString(w, "/help\n"); err != nil {
		t.Fatal(err)
	}
	for !strings.HasSuffix(out.String(), "> ") || !strings.Contains(out.String(), "你可以做的事") {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("Run after Ctrl-C: %v", err)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a speed target
		t.Fatal("Run did not end on Ctrl-C while waiting for input")
	}
}

// The terminal's own messages follow the chat's language, also after /lang.
func TestTerminalMessagesInTheChatsLanguage(t *testing.T) {
	conv := newConv(t)
	var out bytes.Buffer
	if err := Run(context.Background(), conv, strings.NewReader("#99\n/lang en\n#99\n"), &out, "zh"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	zh, en := strings.Index(got, "没有这个按钮"), strings.Index(got, "no such button")
	if zh < 0 || en < zh || strings.Count(got, "no such button") != 1 {
		t.Errorf("a wrong button, in Chinese then after /lang en in English:\n%s", got)
	}
}

// syncBuffer is a bytes.Buffer safe for Run's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A file the bot sends (an export) is saved in the working directory and
// its full path printed, so it can be found.
func TestFileSavedWithItsPath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var out bytes.Buffer
	r := &responder{out: &out}
	if err := r.SendFile(context.Background(), "../tickets.csv", []byte("x"), "导出"); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "tickets.csv")
	if !strings.Contains(out.String(), want) {
		t.Errorf("printed %q, want the path %s", out.String(), want)
	}
	if b, err := os.ReadFile(want); err != nil || string(b) != "x" {
		t.Errorf("saved: %q %v", b, err)
	}
}
