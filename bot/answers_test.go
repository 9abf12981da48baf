package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// buttons lists the buttons of a reply whose data starts with prefix.
func buttons(rep bot.Reply, prefix string) []bot.Button {
	var out []bot.Button
	for _, row := range rep.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				out = append(out, b)
			}
		}
	}
	return out
}

// TestConversationThreeOutcomes: a question the knowledge base answers gets
// the entry with related entries as buttons; one it covers only in part gets
// the closest entry framed as such and "是不是想问" buttons that answer with
// the entry pressed; one that is not about work gets a pointer elsewhere,
// no labor entry and no complaint button.
func TestConversationThreeOutcomes(t *testing.T) {
	conv, _ := newConv(t)
	ctx := context.Background()

	out := &recorder{}
	conv.Handle(ctx, private("老板拖欠我三个月工资怎么办"), out)
	ans := out.replies[0]
	if !strings.Contains(ans.Text, "《劳动合同法》第30条") || strings.Contains(ans.Text, "🔎") {
		t.Errorf("answered question: %s", ans.Text)
	}
	if rel := buttons(ans, "entry|"); len(rel) == 0 || !strings.HasPrefix(rel[0].Text, "📄") {
		t.Errorf("no related entries as buttons: %+v", ans.Buttons)
	}
	if buttonWithPrefix(ans, "fb|+|wages-arrears-basic-zh") == "" {
		t.Errorf("no feedback for the entry: %+v", ans.Buttons)
	}

	out = &recorder{}
	conv.Handle(ctx, private("公司要求我们下班后参加培训不给钱"), out)
	partial := out.replies[0]
	if !strings.HasPrefix(partial.Text, "🔎") || !strings.Contains(partial.Text, "最接近") || !strings.Contains(partial.Text, "是不是想问") {
		t.Errorf("partly covered question not framed as the closest match:\n%s", partial.Text)
	}
	maybe := buttons(partial, "entry|")
	if len(maybe) < 2 || len(maybe) > 4 || !strings.HasPrefix(maybe[0].Text, "❓") {
		t.Fatalf("want 2 to 4 did-you-mean buttons, got %+v", partial.Buttons)
	}
	cb := private("")
	cb.Kind, cb.Data = bot.KindCallback, maybe[0].Data
	conv.Handle(ctx, cb, out)
	e, _ := testEngine(t).Library().Entry(strings.TrimPrefix(maybe[0].Data, "entry|"))
	if got := out.last(); !strings.Contains(got, e.Title) || !strings.Contains(got, "📖 法律依据") {
		t.Errorf("pressing %q did not answer with that entry:\n%s", maybe[0].Text, got)
	}

	for _, q := range []string{"今天天气怎么样", "What is the weather like today?"} {
		out = &recorder{}
		conv.Handle(ctx, private(q), out)
		rep := out.replies[0]
		if !strings.Contains(rep.Text, "12348") || !strings.Contains(rep.Text, "12345") || strings.Contains(rep.Text, "《") || strings.Contains(rep.Text, "Legal basis") {
			t.Errorf("%q: off-topic reply wrong:\n%s", q, rep.Text)
		}
		if len(buttons(rep, "entry|")) > 0 || buttonWithPrefix(rep, "fb|-|offtopic") == "" {
			t.Errorf("%q: off-topic reply offers entries or no way to say it was wrong: %+v", q, rep.Buttons)
		}
	}
}

// TestConversationSeveralProblems: a question raising unpaid wages, a
// dismissal and social insurance is answered on one of them, with the
// others offered as buttons.
func TestConversationSeveralProblems(t *testing.T) {
	conv, _ := newConv(t)
	out := &recorder{}
	conv.Handle(context.Background(), private("老板拖欠我三个月工资，还把我开除了，社保也一直没交"), out)
	rep := out.replies[0]
	if !strings.Contains(rep.Text, "好几件事") || !strings.Contains(rep.Text, "你还问到了") {
		t.Errorf("several problems not recognised:\n%s", rep.Text)
	}
	var also []string
	for _, b := range buttons(rep, "entry|") {
		if strings.HasPrefix(b.Text, "➕") {
			also = append(also, strings.TrimPrefix(b.Data, "entry|"))
		}
	}
	if len(also) < 2 {
		t.Fatalf("want buttons for the two other problems, got %+v", rep.Buttons)
	}
	topics := map[string]bool{}
	for _, id := range also {
		e, _ := testEngine(t).Library().Entry(id)
		topics[e.Topic] = true
	}
	if !topics["wages"] && !topics["social_insurance"] && !topics["dismissal"] {
		t.Errorf("the other problems' entries are off the mark: %v", also)
	}
}

// TestConversationStatuteButton: with statute texts loaded, an answer
// offers the articles it rests on, and pressing it quotes them.
func TestConversationStatuteButton(t *testing.T) {
	// A stand-in statute (not the real text) with the article the wage
	// arrears entry cites first.
	st, err := knowledge.ParseStatute("laodong_hetong_fa.md", []byte("# 中华人民共和国劳动合同法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第三十条 （测试用的条文内容）\n"))
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
	if err := eng.Load(context.Background(), entries, knowledge.NewStatutes(st)); err != nil {
		t.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	conv := bot.NewConversation(eng, store, nil, nil)
	out := &recorder{}
	conv.Handle(context.Background(), private("老板拖欠我三个月工资怎么办"), out)
	law := buttonWithPrefix(out.replies[0], "law|")
	if law == "" {
		t.Fatalf("no statute button: %+v", out.replies[0].Buttons)
	}
	cb := private("")
	cb.Kind, cb.Data = bot.KindCallback, law
	conv.Handle(context.Background(), cb, out)
	if got := out.last(); !strings.Contains(got, "《劳动合同法》第30条") || !strings.Contains(got, "测试用的条文内容") {
		t.Errorf("the statute button quoted:\n%s", got)
	}
}
