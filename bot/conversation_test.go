package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

var (
	engineOnce sync.Once
	engine     *knowledge.Engine
)

func testEngine(t *testing.T) *knowledge.Engine {
	t.Helper()
	engineOnce.Do(func() {
		entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
		engine = knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
		if err := engine.Load(context.Background(), entries, nil); err != nil {
			panic(err)
		}
	})
	return engine
}

func newConv(t *testing.T) (*bot.Conversation, bot.Store) {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return bot.NewConversation(testEngine(t), store, nil, nil), store
}

// recorder is a Responder that keeps what the bot said.
type recorder struct {
	replies []bot.Reply
	acks    []string
	typing  int
}

func (r *recorder) Typing(context.Context) error { r.typing++; return nil }
func (r *recorder) Send(_ context.Context, rep bot.Reply) error {
	r.replies = append(r.replies, rep)
	return nil
}
func (r *recorder) Ack(_ context.Context, n string) error { r.acks = append(r.acks, n); return nil }
func (r *recorder) Stream(context.Context) bot.Stream     { return &recStream{r: r} }
func (r *recorder) ResendFile(_ context.Context, kind, fileID, caption string) error {
	r.replies = append(r.replies, bot.Reply{Text: "[" + kind + " " + fileID + "] " + caption})
	return nil
}
func (r *recorder) SendFile(_ context.Context, name string, _ []byte, caption string) error {
	r.replies = append(r.replies, bot.Reply{Text: "[file " + name + "] " + caption})
	return nil
}

type recStream struct{ r *recorder }

func (s *recStream) Update(context.Context, string) error            { return nil }
func (s *recStream) Finish(ctx context.Context, rep bot.Reply) error { return s.r.Send(ctx, rep) }

// buttonWithPrefix is the data of the first button whose data starts with
// prefix ("" when there is none).
func buttonWithPrefix(rep bot.Reply, prefix string) string {
	for _, row := range rep.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data
			}
		}
	}
	return ""
}

func (r *recorder) last() string {
	if len(r.replies) == 0 {
		return ""
	}
	return r.replies[len(r.replies)-1].Text
}

func private(text string) bot.Incoming {
	return bot.Incoming{ChatID: 42, UserID: 42, ChatType: bot.ChatPrivate, LangCode: "zh-hans", Kind: bot.KindText, Text: text}
}

func command(cmd, args string) bot.Incoming {
	in := private("")
	in.Kind, in.Command, in.Args = bot.KindCommand, cmd, args
	return in
}

func TestConversationAnswersWithCitations(t *testing.T) {
	conv, _ := newConv(t)
	ctx := context.Background()
	out := &recorder{}
	if err := conv.Handle(ctx, private("老板拖欠我三个月工资怎么办"), out); err != nil {
		t.Fatal(err)
	}
	if out.typing != 0 {
		t.Error("a typing indicator was sent for an instant retrieval answer")
	}
	if !strings.Contains(out.last(), "《劳动合同法》") || !strings.Contains(out.last(), "12351") {
		t.Errorf("answer lacks citations or the hotline:\n%s", out.last())
	}
	if rep := out.replies[0]; buttonWithPrefix(rep, "fb|+|") == "" || buttonWithPrefix(rep, "fb|-|") == "" {
		t.Errorf("feedback buttons missing: %+v", rep.Buttons)
	}
	out = &recorder{}
	conv.Handle(ctx, private("My employer has not paid my wages for two months"), out)
	if !strings.Contains(out.last(), "Labor Contract Law") {
		t.Errorf("English question did not get an English cited answer:\n%s", out.last())
	}
}

func TestConversationLanguage(t *testing.T) {
	conv, store := newConv(t)
	ctx := context.Background()
	out := &recorder{}
	in := command("start", "")
	in.LangCode = "en"
	conv.Handle(ctx, in, out)
	if !strings.Contains(out.last(), "labor-law assistant") {
		t.Errorf("an English client got: %s", out.last())
	}
	conv.Handle(ctx, command("lang", ""), out)
	if len(out.replies[len(out.replies)-1].Buttons) == 0 {
		t.Fatal("/lang offers no buttons")
	}
	cb := private("")
	cb.Kind, cb.Data, cb.LangCode = bot.KindCallback, "lang|en", "zh"
	conv.Handle(ctx, cb, out)
	if p, _ := store.GetPrefs(ctx, 42); p.Lang != "en" {
		t.Fatalf("language not remembered: %+v", p)
	}
	conv.Handle(ctx, command("help", ""), out)
	if !strings.Contains(out.last(), "How to use me") {
		t.Errorf("the chosen language was not used: %s", out.last())
	}
}

func TestConversationBadInput(t *testing.T) {
	conv, _ := newConv(t)
	ctx := context.Background()
	tests := []struct {
		kind bot.Kind
		text string
		want string
	}{
		{bot.KindSticker, "", "表情"},
		{bot.KindVoice, "", "语音"},
		{bot.KindEdited, "改过的", "修改过的消息"},
		{bot.KindForwarded, "别人的消息", "转发"},
		{bot.KindText, strings.Repeat("工资", 600), "太长"},
		{bot.KindText, "   ", "请打字"},
	}
	for _, tt := range tests {
		out := &recorder{}
		in := private(tt.text)
		in.Kind = tt.kind
		if err := conv.Handle(ctx, in, out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.last(), tt.want) {
			t.Errorf("%s %q: got %q, want it to mention %q", tt.kind, tt.text, out.last(), tt.want)
		}
	}
	out := &recorder{}
	conv.Handle(ctx, command("frobnicate", ""), out)
	if !strings.Contains(out.last(), "/help") {
		t.Errorf("unknown command: %q", out.last())
	}
}

func TestConversationGroupsAndDuplicates(t *testing.T) {
	conv, _ := newConv(t)
	ctx := context.Background()
	out := &recorder{}
	in := private("老板拖欠工资")
	in.ChatType, in.ChatID = bot.ChatGroup, -100
	conv.Handle(ctx, in, out)
	if len(out.replies) != 0 {
		t.Errorf("answered a group message not addressed to the bot: %v", out.replies)
	}
	in.Addressed = true
	conv.Handle(ctx, in, out)
	if len(out.replies) != 1 {
		t.Errorf("did not answer when addressed in a group")
	}
	out = &recorder{}
	dup := private("被辞退有补偿吗")
	dup.UpdateID = 777
	conv.Handle(ctx, dup, out)
	conv.Handle(ctx, dup, out)
	if len(out.replies) != 1 {
		t.Errorf("a duplicate update was answered %d times", len(out.replies))
	}
}

func TestConversationFeedbackAndForgedCallbacks(t *testing.T) {
	conv, store := newConv(t)
	ctx := context.Background()
	out := &recorder{}
	conv.Handle(ctx, private("公司不给交社保怎么办"), out)
	data := buttonWithPrefix(out.replies[0], "fb|-|") // 👎
	cb := private("")
	cb.Kind, cb.Data = bot.KindCallback, data
	conv.Handle(ctx, cb, out)
	fb, err := store.ListFeedback(ctx, 10)
	if err != nil || len(fb) != 1 || fb[0].Helpful || fb[0].EntryID == "" {
		t.Fatalf("feedback not stored: %+v, %v", fb, err)
	}
	for _, forged := range []string{"fb|x|id", "entry|nope", "topic|../../etc", "admin|delete", ""} {
		out := &recorder{}
		cb.Data = forged
		conv.Handle(ctx, cb, out)
		if len(out.replies) != 0 || len(out.acks) != 1 || !strings.Contains(out.acks[0], "失效") {
			t.Errorf("forged callback %q: replies %v acks %v", forged, out.replies, out.acks)
		}
	}
	if fb, _ := store.ListFeedback(ctx, 10); len(fb) != 1 {
		t.Errorf("forged callbacks changed the feedback: %d entries", len(fb))
	}
}

func TestConversationTopics(t *testing.T) {
	conv, _ := newConv(t)
	ctx := context.Background()
	out := &recorder{}
	conv.Handle(ctx, command("start", "wages"), out)
	rows := out.replies[0].Buttons
	if len(rows) == 0 || !strings.HasPrefix(rows[0][0].Data, "entry|wages-") {
		t.Fatalf("/start wages did not list wage questions: %+v", rows)
	}
	cb := private("")
	cb.Kind, cb.Data = bot.KindCallback, rows[0][0].Data
	conv.Handle(ctx, cb, out)
	if !strings.Contains(out.last(), "📖 法律依据") {
		t.Errorf("entry shown without its legal basis: %s", out.last())
	}
}

// TestCancelSaysSomething guards against a user-facing text left empty.
func TestCancelSaysSomething(t *testing.T) {
	conv, _ := newConv(t)
	out := &recorder{}
	if err := conv.Handle(context.Background(), command("cancel", ""), out); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.last()) == "" {
		t.Error("/cancel answered with an empty message")
	}
}
