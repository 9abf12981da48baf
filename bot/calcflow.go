package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/markdown"
)

// chatState is what a chat's flow in progress remembers between messages.
// It is stored (Store.SetChatState), so a restart resumes at the same step.
type chatState struct {
	Flow   string      `json:"flow"` // "calc", or a feature's flow
	Calc   string      `json:"calc,omitempty"`
	Step   int         `json:"step"`
	Values calc.Values `json:"values,omitempty"`
	// Data is a feature flow's own state (an interview in progress).
	Data json.RawMessage `json:"data,omitempty"`
	// Update is the update whose handling saved this state, so that the
	// update replayed after a restart is not applied twice (replay.go).
	Update int64 `json:"update,omitempty"`
}

func (c *Conversation) loadState(ctx context.Context, chatID int64) (*chatState, error) {
	raw, err := c.store.GetChatState(ctx, chatID)
	if err != nil || raw == nil {
		return nil, err
	}
	var st chatState
	if err := json.Unmarshal(raw, &st); err != nil {
		// An unreadable state (an older format) is dropped, not fatal.
		c.log.Warn("dropping unreadable chat state", "err", err)
		return nil, c.store.DeleteChatState(ctx, chatID)
	}
	if st.Values == nil {
		st.Values = calc.Values{}
	}
	return &st, nil
}

func (c *Conversation) saveState(ctx context.Context, chatID int64, st *chatState) error {
	if st.Flow != "intake" && c.intake != nil {
		// Another flow taking the chat over parks a complaint in progress
		// rather than dropping it (pause.go).
		if _, err := c.parkInterview(ctx, chatID); err != nil {
			return err
		}
	}
	st.Update = updateFrom(ctx)
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return c.store.SetChatState(ctx, chatID, raw)
}

var calcTexts = struct{ menu, cancelled, skip, cancel, yes, no, restart, private, complain text }{
	complain:  text{"📝 用这个金额申请工会调解", "📝 Ask the union to mediate for this amount"},
	menu:      text{"选择一个计算器（结果附计算过程和法条）：", "Choose a calculator (results come with the formula and the articles):"},
	cancelled: text{"已取消计算。", "Calculation cancelled."},
	skip:      text{"跳过", "Skip"},
	cancel:    text{"取消", "Cancel"},
	yes:       text{"是", "Yes"},
	no:        text{"否", "No"},
	restart:   text{"请重新填写这一项：", "Please give this again:"},
	private:   text{"计算需要你的工资等信息，请私聊我使用 /calc。", "Calculations need your wage and dates: please use /calc in a private chat with me."},
}

// calcFlow takes typed answers while a calculator asks its questions.
func (c *Conversation) calcFlow(ctx context.Context, in Incoming, st *chatState, lang string, out Responder) (bool, error) {
	if in.Kind != KindText {
		return false, nil
	}
	// A question typed instead of an answer is answered, then the same
	// field is asked again.
	if k, ok := calc.LookupCalculator(st.Calc); ok && st.Step < len(k.Fields) && intake.LooksLikeQuestion(in.Text) {
		if _, err := k.Fields[st.Step].ParseOn(in.Text, c.now()); err != nil {
			if err := c.question(ctx, in, lang, out); err != nil {
				return true, err
			}
			return true, c.askField(ctx, st, lang, out, pauseTexts.backToCalc.in(lang))
		}
	}
	// "我要投诉" typed mid-calculation asks for the union, as it does
	// anywhere else, rather than getting "not a date".
	if k, ok := calc.LookupCalculator(st.Calc); ok && st.Step < len(k.Fields) && c.intake != nil && intake.IsComplaintRequest(in.Text) {
		if _, err := k.Fields[st.Step].ParseOn(in.Text, c.now()); err != nil {
			return true, c.startComplaint(ctx, in, lang, out)
		}
	}
	return true, c.calcAnswer(ctx, in, st, in.Text, lang, out)
}

// calcMenu lists the calculators.
func (c *Conversation) calcMenu(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: calcTexts.private.in(lang), Buttons: c.privateLink(lang, "calc")})
	}
	var rows [][]Button
	for _, k := range calc.Calculators() {
		rows = append(rows, []Button{{Text: k.Title.In(lang), Data: "calc|" + k.Name}})
	}
	return out.Send(ctx, Reply{Text: calcTexts.menu.in(lang), Buttons: rows})
}

// privateLink is a button that opens a private chat with the bot.
func (c *Conversation) privateLink(lang, payload string) [][]Button {
	if c.BotUsername == "" {
		return nil
	}
	return [][]Button{{{Text: texts.openPrivate.in(lang), URL: "https://t.me/" + c.BotUsername + "?start=" + payload}}}
}

// startCalc begins a calculator's interview.
func (c *Conversation) startCalc(ctx context.Context, in Incoming, name, lang string, out Responder) error {
	k, ok := calc.LookupCalculator(name)
	if !ok || in.ChatType == ChatGroup {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	st := &chatState{Flow: "calc", Calc: k.Name, Values: calc.Values{}}
	if err := c.saveState(ctx, in.ChatID, st); err != nil {
		return err
	}
	return c.askField(ctx, st, lang, out, "")
}

func (c *Conversation) askField(ctx context.Context, st *chatState, lang string, out Responder, prefix string) error {
	k, _ := calc.LookupCalculator(st.Calc)
	f := k.Fields[st.Step]
	var b strings.Builder
	if st.Step == 0 {
		b.WriteString("**" + k.Title.In(lang) + "**\n" + k.Summary.In(lang) + "\n\n")
	}
	b.WriteString(prefix)
	fmt.Fprintf(&b, "(%d/%d) %s", st.Step+1, len(k.Fields), f.Prompt.In(lang))
	var rows [][]Button
	switch f.Kind {
	case calc.FieldBool:
		rows = append(rows, []Button{{Text: calcTexts.yes.in(lang), Data: "cv|是"}, {Text: calcTexts.no.in(lang), Data: "cv|否"}})
	case calc.FieldChoice:
		for _, ch := range f.Choices {
			rows = append(rows, []Button{{Text: ch.Label.In(lang), Data: "cv|" + ch.Value}})
		}
	}
	last := []Button{{Text: calcTexts.cancel.in(lang), Data: "calc|cancel"}}
	if !f.Required {
		last = append([]Button{{Text: calcTexts.skip.in(lang), Data: "cv|"}}, last...)
	}
	rows = append(rows, last)
	return out.Send(ctx, Reply{Text: b.String(), Buttons: rows})
}

// calcAnswer takes the worker's answer to the current question.
func (c *Conversation) calcAnswer(ctx context.Context, in Incoming, st *chatState, raw, lang string, out Responder) error {
	k, ok := calc.LookupCalculator(st.Calc)
	if !ok || st.Step >= len(k.Fields) {
		return c.store.DeleteChatState(ctx, in.ChatID)
	}
	f := k.Fields[st.Step]
	raw = strings.TrimSpace(raw)
	if !f.Required && f.Kind != calc.FieldBool {
		// "跳过", "不知道" typed as the prompt invites, like the button
		// (a yes/no question reads "没有" as no, not as a skip); "还在职"
		// for the day the job ended: no end, or today where the prompt
		// asks for today when still employed.
		switch {
		case intake.IsSkipWord(raw):
			raw = ""
		case endOfJob(f) && intake.IsStillEmployed(raw) && k.Name == calc.KindDoubleWage:
			raw = c.now().Format("2006-01-02")
		case endOfJob(f) && intake.IsStillEmployed(raw):
			raw = ""
		}
	}
	if raw == "" && f.Required {
		return c.askField(ctx, st, lang, out, "")
	}
	if raw != "" {
		if _, err := f.ParseOn(raw, c.now()); err != nil {
			return c.askField(ctx, st, lang, out, "⚠️ "+inputMessage(err, lang)+"\n\n")
		}
	}
	st.Values[f.Name] = raw
	st.Step++
	// Questions the answers so far make pointless are not asked (the last
	// month's wage after "no month in lieu of notice").
	for st.Step < len(k.Fields) && !k.Asks(k.Fields[st.Step].Name, st.Values) {
		delete(st.Values, k.Fields[st.Step].Name)
		st.Step++
	}
	if st.Step < len(k.Fields) {
		if err := c.saveState(ctx, in.ChatID, st); err != nil {
			return err
		}
		return c.askField(ctx, st, lang, out, "")
	}
	res, err := k.Run(st.Values, calc.Env{Today: c.now()})
	var ie *calc.InputError
	if errors.As(err, &ie) {
		// A check across answers failed (e.g. the end before the start): go
		// back to the field it names.
		for i, fl := range k.Fields {
			if fl.Name == ie.Field {
				st.Step = i
			}
		}
		if st.Step >= len(k.Fields) {
			st.Step = 0
		}
		if err := c.saveState(ctx, in.ChatID, st); err != nil {
			return err
		}
		return c.askField(ctx, st, lang, out, "⚠️ "+ie.Message(lang)+"\n"+calcTexts.restart.in(lang)+"\n\n")
	}
	if err != nil {
		return err
	}
	if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
		return err
	}
	reply := Reply{Text: res.Render(lang) + "\n" + knowledge.Disclaimer(lang)}
	if c.intake != nil && res.HasAmount() && res.Unit == calc.UnitYuan && res.Fen > 0 {
		// The figure can go straight onto a complaint as the amount claimed.
		reply.Buttons = [][]Button{{{Text: calcTexts.complain.in(lang), Data: "complain|" + strconv.FormatInt(res.Fen, 10)}}}
	}
	if draft := c.draftButtons(ctx, in.ChatID, lang); draft != nil {
		// A paused complaint goes on from where it was, not anew.
		reply.Buttons = draft
	}
	return out.Send(ctx, reply)
}

// inputMessage says what is wrong with a typed value, as Markdown: the
// message may quote what the user typed, so it shows as typed.
func inputMessage(err error, lang string) string {
	var ie *calc.InputError
	if errors.As(err, &ie) {
		return markdown.Literal(ie.Message(lang))
	}
	return markdown.Literal(err.Error())
}

// endOfJob reports whether a calculator's field is the day the job ended,
// which a worker still employed skips.
func endOfJob(f calc.Field) bool {
	return f.Kind == calc.FieldDate && (f.Name == "end" || f.Name == "ended" || f.Name == "left")
}

// calcNamed finds the calculator /calc's argument names: its name
// (severance, double-wage) or its title in either language, or a part of
// one title only ("加班费", "overtime", "年休假"); false for none, several
// ("工资") or no argument: the menu is shown then.
func calcNamed(arg string) (string, bool) {
	a := strings.ToLower(strings.TrimSpace(arg))
	if a == "" {
		return "", false
	}
	for _, k := range calc.Calculators() {
		if a == k.Name || a == strings.ToLower(k.Title.Zh) || a == strings.ToLower(k.Title.En) {
			return k.Name, true
		}
	}
	var found []string
	for _, k := range calc.Calculators() {
		if utf8.RuneCountInString(a) >= 2 && (strings.Contains(strings.ToLower(k.Title.Zh), a) || strings.Contains(strings.ToLower(k.Title.En), a)) {
			found = append(found, k.Name)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}
