package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborbot/laborbot/knowledge"
)

// MaxQuestionRunes is the longest question the bot answers: a worker's
// question fits in a few sentences, and longer texts are usually whole
// stories full of personal details better told to a mediator.
const MaxQuestionRunes = 1000

// Conversation is the bot's behaviour, independent of the channel: it reads
// an Incoming and answers through a Responder.
type Conversation struct {
	engine  *knowledge.Engine
	store   Store
	metrics *Metrics
	log     *slog.Logger
	// BotUsername is used for links to a private chat ("t.me/NAME").
	BotUsername string
	now         func() time.Time

	// Features (intake, knowledge-base administration) register their
	// commands, button prefixes and chat flows here; the tables are filled
	// when the conversation is made and only read afterwards.
	commands  map[string]commandFunc
	callbacks map[string]callbackFunc
	flows     map[string]flowFunc
	// answerButtons add rows under every answer (e.g. "file a complaint").
	answerButtons []func(ans *knowledge.Answer, lang string) []Button
	// menu adds commands to the channel's menu, by language.
	menu map[string][][2]string
	// intents recognise requests in plain text ("我要投诉") before the text
	// is taken as a question.
	intents []func(ctx context.Context, in Incoming, lang string, out Responder) (bool, error)
	intake  *intakeFeature
	kb      *kbFeature
	// answerObservers see every answer (to collect what the knowledge base
	// misses).
	answerObservers []func(ctx context.Context, ans *knowledge.Answer)
}

// commandFunc handles a command.
type commandFunc func(ctx context.Context, in Incoming, lang string, out Responder) error

// callbackFunc handles a button press whose data starts with its prefix;
// arg is the rest of the data after "prefix|".
type callbackFunc func(ctx context.Context, in Incoming, arg, lang string, out Responder) error

// flowFunc handles input while a chat is in the flow (its chatState.Flow):
// text, photos and files. It returns handled=false to let the input go to
// the usual handling (a question) instead.
type flowFunc func(ctx context.Context, in Incoming, st *chatState, lang string, out Responder) (handled bool, err error)

// Option configures a Conversation.
type Option func(*Conversation)

// NewConversation wires the conversation to the knowledge engine and store.
func NewConversation(engine *knowledge.Engine, store Store, metrics *Metrics, log *slog.Logger, opts ...Option) *Conversation {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Chat states and settings outlive a store outage in memory (outage.go).
	c := &Conversation{engine: engine, store: newResilientStore(store, log), metrics: metrics, log: log, now: time.Now,
		commands: map[string]commandFunc{}, callbacks: map[string]callbackFunc{}, flows: map[string]flowFunc{},
		menu: map[string][][2]string{}}
	c.flows["calc"] = c.calcFlow
	for _, o := range opts {
		o(c)
	}
	return c
}

// Menu lists the commands for the channel's menu in lang: the built-in ones
// and those of the features in use.
func (c *Conversation) Menu(lang string) [][2]string {
	return append(Commands(lang), c.menu[lang]...)
}

// Commands lists the commands for the channel's menu, by language.
func Commands(lang string) [][2]string {
	if lang == "en" {
		return [][2]string{{"start", "Topics and common questions"}, {"calc", "Calculate severance, overtime, leave, deadlines"},
			{"help", "What you can do here, hotlines"}, {"privacy", "What is kept about you, who sees it"},
			{"lang", "Language: 中文 / English"}, {"cancel", "Stop what you are doing"}}
	}
	return [][2]string{{"start", "主题和常见问题"}, {"calc", "算一算：补偿金、加班费、年假、时效"},
		{"help", "能做什么、求助电话"}, {"privacy", "我的信息怎么保存、谁能看到"},
		{"lang", "切换语言 / Language"}, {"cancel", "取消当前操作"}}
}

// Handle processes one input. It returns an error only for failures the
// channel should log; the user has been told something either way.
func (c *Conversation) Handle(ctx context.Context, in Incoming, out Responder) error {
	c.metrics.Updates.WithLabelValues(string(in.Kind)).Inc()
	ctx = withUpdate(ctx, in.UpdateID)
	if in.UpdateID != 0 && !in.Deduped && !in.Redelivered {
		first, err := c.store.MarkUpdate(ctx, in.UpdateID)
		if err != nil {
			// Better to risk answering twice than to drop the update.
			c.metrics.Errors.WithLabelValues("store").Inc()
			c.log.Warn("marking update failed", "err", err)
		} else if !first {
			c.metrics.Duplicates.Inc()
			c.log.Debug("duplicate update ignored", "update_id", in.UpdateID)
			return nil
		}
	}
	// In a group the bot speaks only when spoken to.
	if in.ChatType == ChatGroup && !in.Addressed && in.Kind != KindCommand && in.Kind != KindCallback {
		return nil
	}
	lang := c.userLang(ctx, in)
	if in.Redelivered {
		c.metrics.UpdatesReplayed.Inc()
		if done, err := c.resumeIfApplied(ctx, in, lang, out); done || err != nil {
			return err
		}
	}
	var err error
	switch in.Kind {
	case KindCommand:
		err = c.command(ctx, in, lang, out)
	case KindCallback:
		err = c.callback(ctx, in, lang, out)
	case KindText:
		err = c.text(ctx, in, lang, out)
	case KindSticker:
		err = out.Send(ctx, Reply{Text: texts.sticker.in(lang)})
	case KindVoice:
		err = out.Send(ctx, Reply{Text: texts.voice.in(lang)})
	case KindPhoto, KindDocument:
		var handled bool
		if handled, err = c.inFlow(ctx, in, lang, out); !handled && err == nil && !isEntryUpload(in) {
			// A worker's photo or file goes to their open complaint.
			handled, err = c.ticketEvidence(ctx, in, lang, out)
		}
		if !handled && err == nil {
			if h, ok := c.commands["_file"]; ok && in.Kind == KindDocument {
				// A feature that takes files outside a flow (entry uploads).
				err = h(ctx, in, lang, out)
			} else {
				err = out.Send(ctx, Reply{Text: c.fileHint(in.Kind, lang)})
			}
		}
	case KindEdited:
		err = out.Send(ctx, Reply{Text: texts.edited.in(lang)})
	case KindForwarded:
		err = out.Send(ctx, Reply{Text: texts.forwarded.in(lang)})
	default:
		err = out.Send(ctx, Reply{Text: texts.other.in(lang)})
	}
	if err != nil {
		c.metrics.Errors.WithLabelValues("handle").Inc()
		if ctx.Err() == nil {
			// Tell the user rather than leave them waiting in silence, and
			// say so plainly when it is the store that is down.
			reply := texts.errorReply.in(lang)
			if c.storeDown(ctx) {
				c.metrics.Errors.WithLabelValues("store_unavailable").Inc()
				reply = storeDownText.in(lang)
			}
			_ = out.Send(ctx, Reply{Text: reply})
		}
	}
	return err
}

// userLang is the language the user chose, or their client's language:
// Chinese unless the client says otherwise.
func (c *Conversation) userLang(ctx context.Context, in Incoming) string {
	if p, err := c.store.GetPrefs(ctx, in.UserID); err == nil && p.Lang != "" {
		return p.Lang
	}
	return LangFromCode(in.LangCode)
}

// LangFromCode maps a client language code to zh or en: Chinese for zh-*
// and when unknown (most users are Chinese workers), English otherwise.
func LangFromCode(code string) string {
	code = strings.ToLower(code)
	if code == "" || strings.HasPrefix(code, "zh") {
		return "zh"
	}
	return "en"
}

func (c *Conversation) command(ctx context.Context, in Incoming, lang string, out Responder) error {
	switch in.Command {
	case "start":
		payload := strings.TrimSpace(in.Args)
		if payload == "zh" || payload == "en" {
			if err := c.store.SetPrefs(ctx, in.UserID, Prefs{Lang: payload}); err != nil {
				return err
			}
			lang = payload
		}
		if knowledge.IsTopic(payload) {
			return c.showTopic(ctx, payload, lang, out)
		}
		if payload == "calc" {
			return c.calcMenu(ctx, in, lang, out)
		}
		return out.Send(ctx, Reply{Text: texts.welcome.in(lang), Buttons: append(topicButtons(lang), c.complaintUnderWay(ctx, in, lang)...)})
	case "help":
		if err := out.Send(ctx, Reply{Text: c.helpText(ctx, in, lang)}); err != nil {
			return err
		}
		return c.stepAgain(ctx, in, lang, out)
	case "privacy":
		if err := out.Send(ctx, Reply{Text: c.privacyText(in, lang)}); err != nil {
			return err
		}
		return c.stepAgain(ctx, in, lang, out)
	case "calc":
		// "/calc severance", "/calc 加班费": that calculator at once.
		name, named := calcNamed(in.Args)
		if in.ChatType == ChatPrivate {
			// A complaint half filled in is not dropped for a calculation.
			if busy, err := c.interviewing(ctx, in.ChatID); err != nil || busy {
				if err != nil {
					return err
				}
				then := "calc"
				if named {
					then = "calc:" + name
				}
				return c.askPauseForCalc(ctx, lang, then, out)
			}
			if named {
				return c.startCalc(ctx, in, name, lang, out)
			}
		}
		return c.calcMenu(ctx, in, lang, out)
	case "cancel":
		return c.cancel(ctx, in, lang, out)
	case "lang", "language":
		switch arg := strings.ToLower(strings.TrimSpace(in.Args)); arg {
		case "zh", "en":
			if err := c.setLang(ctx, in.UserID, arg, out); err != nil {
				return err
			}
			return c.stepInNewLang(ctx, in, arg, out)
		}
		return out.Send(ctx, Reply{Text: texts.chooseLang.in(lang), Buttons: [][]Button{{{Text: "中文", Data: "lang|zh"}, {Text: "English", Data: "lang|en"}}}})
	}
	if h, ok := c.commands[in.Command]; ok {
		return h(ctx, in, lang, out)
	}
	return out.Send(ctx, Reply{Text: texts.unknownCommand.in(lang)})
}

func (c *Conversation) setLang(ctx context.Context, userID int64, lang string, out Responder) error {
	if err := c.store.SetPrefs(ctx, userID, Prefs{Lang: lang}); err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: texts.langSet.in(lang)})
}

func topicButtons(lang string) [][]Button {
	var rows [][]Button
	var row []Button
	for _, t := range knowledge.Topics() {
		name := t.Zh
		if lang == "en" {
			name = t.En
		}
		row = append(row, Button{Text: name, Data: "topic|" + t.ID})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// maxTopicButtons keeps a topic's list of questions to one phone screen.
const maxTopicButtons = 12

func (c *Conversation) showTopic(ctx context.Context, topic, lang string, out Responder) error {
	var rows [][]Button
	for _, e := range c.engine.Library().Entries() {
		if e.Topic == topic && e.Lang == lang {
			rows = append(rows, []Button{{Text: e.Title, Data: "entry|" + e.ID}})
			if len(rows) == maxTopicButtons {
				break
			}
		}
	}
	if len(rows) == 0 {
		return out.Send(ctx, Reply{Text: texts.topicEmpty.in(lang)})
	}
	return out.Send(ctx, Reply{Text: texts.pickTopic.in(lang), Buttons: rows})
}

func (c *Conversation) callback(ctx context.Context, in Incoming, lang string, out Responder) error {
	kind, arg, _ := strings.Cut(in.Data, "|")
	switch kind {
	case "lang":
		if arg != "zh" && arg != "en" {
			break
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		if err := c.setLang(ctx, in.UserID, arg, out); err != nil {
			return err
		}
		return c.stepInNewLang(ctx, in, arg, out)
	case "topic":
		if !knowledge.IsTopic(arg) {
			break
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return c.showTopic(ctx, arg, lang, out)
	case "entry":
		e, ok := c.engine.Library().Entry(arg)
		if !ok {
			break
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		rep := Reply{Text: entryText(e)}
		if row := c.statuteButton(&knowledge.Answer{Covered: true, Lang: e.Lang, Sources: []knowledge.Source{{ID: e.ID, Kind: knowledge.PassageEntry}}}); row != nil {
			rep.Buttons = append(rep.Buttons, row)
		}
		rep.Buttons = append(rep.Buttons, feedbackButtons(e.ID, e.Lang)...)
		return out.Send(ctx, rep)
	case "law":
		text, ok := statuteText(c.engine.Library(), arg, lang)
		if !ok {
			break
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: text})
	case "calc":
		if arg == "cancel" {
			if err := out.Ack(ctx, ""); err != nil {
				return err
			}
			// A calculator's Cancel on an older message must not end a
			// complaint under way since: the complaint stays, asked again.
			if busy, err := c.interviewing(ctx, in.ChatID); err != nil || busy {
				if err != nil {
					return err
				}
				iv, err := c.loadInterview(ctx, in.ChatID)
				if err != nil || iv == nil {
					return err
				}
				return c.showInterview(ctx, iv, lang, out, pauseTexts.backTo.in(lang))
			}
			if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
				return err
			}
			return out.Send(ctx, Reply{Text: calcTexts.cancelled.in(lang), Buttons: c.draftButtons(ctx, in.ChatID, lang)})
		}
		if in.ChatType == ChatPrivate {
			if busy, err := c.interviewing(ctx, in.ChatID); err != nil || busy {
				if err != nil {
					return err
				}
				if err := out.Ack(ctx, ""); err != nil {
					return err
				}
				return c.askPauseForCalc(ctx, lang, "calc:"+arg, out)
			}
		}
		return c.startCalc(ctx, in, arg, lang, out)
	case "cv":
		st, err := c.loadState(ctx, in.ChatID)
		if err != nil {
			return err
		}
		if st == nil || st.Flow != "calc" {
			break
		}
		if err := out.Ack(ctx, ""); err != nil {
			return err
		}
		return c.calcAnswer(ctx, in, st, arg, lang, out)
	case "fb":
		vote, id, ok := strings.Cut(arg, "|")
		if !ok || vote != "+" && vote != "-" {
			break
		}
		id, qhash, _ := strings.Cut(id, "|")
		if vote == "-" && c.kb != nil {
			if q, ok := c.kb.recall(qhash); ok {
				if err := c.kb.admin.RecordGap(ctx, q.question, q.lang, knowledge.GapThumbsDown); err != nil {
					c.log.Warn("recording a 👎 gap failed", "err", err)
				}
			}
		}
		f := Feedback{AnswerID: id, EntryID: id, Lang: lang, Helpful: vote == "+", At: c.now()}
		if err := c.store.AddFeedback(ctx, f); err != nil {
			return err
		}
		c.metrics.Feedback.WithLabelValues(map[bool]string{true: "up", false: "down"}[f.Helpful]).Inc()
		return out.Ack(ctx, texts.thanks.in(lang))
	}
	if h, ok := c.callbacks[kind]; ok {
		return h(ctx, in, arg, lang, out)
	}
	// Unknown or stale data (an old button, a forged callback): say so and
	// do nothing else.
	return out.Ack(ctx, texts.expired.in(lang))
}

// EntryReply is an entry as the conversation shows it to a worker (from a
// topic's list; a retrieval answer has the same text), with its
// feedback buttons. The web console's preview renders it.
func EntryReply(e knowledge.Entry) Reply {
	return Reply{Text: entryText(e), Buttons: feedbackButtons(e.ID, e.Lang)}
}

// entryText shows an entry as the retrieval answer shows it.
func entryText(e knowledge.Entry) string {
	return "**" + e.Title + "**\n\n" + knowledge.RenderCitations(e.Body, e.Lang) + "\n\n" +
		knowledge.BasisLine(e.Citations, e.Lang) + "\n\n" + knowledge.Disclaimer(e.Lang)
}

func feedbackButtons(id, lang string) [][]Button {
	if id == "" {
		return nil
	}
	return [][]Button{{{Text: texts.feedbackGood.in(lang), Data: "fb|+|" + id}, {Text: texts.feedbackBad.in(lang), Data: "fb|-|" + id}}}
}

// text routes typed text: to the flow in progress in a private chat, else
// to the knowledge base as a question.
func (c *Conversation) text(ctx context.Context, in Incoming, lang string, out Responder) error {
	if handled, err := c.inFlow(ctx, in, lang, out); handled || err != nil {
		return err
	}
	for _, intent := range c.intents {
		if handled, err := intent(ctx, in, lang, out); handled || err != nil {
			return err
		}
	}
	return c.question(ctx, in, lang, out)
}

// inFlow gives input to the flow the chat is in, if any (flows run in
// private chats only: they collect personal details).
func (c *Conversation) inFlow(ctx context.Context, in Incoming, lang string, out Responder) (bool, error) {
	if in.ChatType != ChatPrivate {
		return false, nil
	}
	st, err := c.loadState(ctx, in.ChatID)
	if err != nil {
		// The store is down and the chat's state unknown here: take the
		// input as a question rather than fail it.
		c.log.Warn("chat state unavailable; input taken as a question", "err", err)
		return false, nil
	}
	if st == nil {
		return false, nil
	}
	h, ok := c.flows[st.Flow]
	if !ok {
		return false, nil
	}
	return h(ctx, in, st, lang, out)
}

func (c *Conversation) question(ctx context.Context, in Incoming, lang string, out Responder) error {
	q := strings.TrimSpace(in.Text)
	if q == "" {
		return out.Send(ctx, Reply{Text: texts.emptyQuestion.in(lang)})
	}
	if n := utf8.RuneCountInString(q); n > MaxQuestionRunes {
		return out.Send(ctx, Reply{Text: fmt.Sprintf(texts.tooLong.in(lang), n, MaxQuestionRunes)})
	}
	// Answer in the question's language; a question with no letters at all
	// (a number, an emoji) in the user's.
	qlang := knowledge.DetectLang(q)
	if !hasLetters(q) {
		qlang = lang
	}
	// "Typing…" tells the worker an answer is coming. A model takes seconds,
	// so it shows at once; a retrieval answer usually arrives within a few
	// milliseconds, and then the indicator would be one more API call for
	// nothing, so it shows only if the answer is slow.
	typingDelay := slowAnswer
	if c.engine.HasModel() {
		typingDelay = 0
	}
	stopTyping := c.typingAfter(ctx, out, typingDelay)
	defer stopTyping()
	req := knowledge.Request{Question: q, Lang: qlang}
	var ans *knowledge.Answer
	var err error
	if c.engine.HasModel() {
		stream := out.Stream(ctx)
		var sofar strings.Builder
		ans, err = c.engine.Answer(ctx, req, func(delta string) {
			sofar.WriteString(delta)
			if uerr := stream.Update(ctx, knowledge.RenderCitations(sofar.String(), qlang)); uerr != nil {
				c.log.Debug("stream update failed", "err", uerr)
			}
		})
		if err != nil {
			return err
		}
		c.observe(ctx, ans)
		return stream.Finish(ctx, c.answerReply(ans))
	}
	ans, err = c.engine.Answer(ctx, req, nil)
	if err != nil {
		return err
	}
	c.observe(ctx, ans)
	return out.Send(ctx, c.answerReply(ans))
}

// slowAnswer is how long an answer without a model may take before the
// worker is shown that the bot is typing.
const slowAnswer = 300 * time.Millisecond

// typingAfter shows the typing indicator after delay (at once for 0) unless
// the returned stop function is called first.
func (c *Conversation) typingAfter(ctx context.Context, out Responder, delay time.Duration) (stop func()) {
	send := func() {
		if err := out.Typing(ctx); err != nil {
			c.log.Debug("typing indicator failed", "err", err)
		}
	}
	if delay <= 0 {
		send()
		return func() {}
	}
	t := time.AfterFunc(delay, send)
	return func() { t.Stop() }
}

// answerReply renders an answer: its text, then one button per suggested
// entry (the other candidates when the question is only partly covered, the
// other problems it mentions, related entries), the statute texts when they
// are loaded, feedback, and the features' rows (a complaint) unless the
// question was off-topic.
func (c *Conversation) answerReply(ans *knowledge.Answer) Reply {
	r := Reply{Text: ans.Text}
	if h := knowledge.SuggestionHeader(ans); h != "" {
		r.Text += "\n\n" + h
	}
	for _, s := range ans.Suggestions {
		r.Buttons = append(r.Buttons, []Button{{Text: suggestionLabel(s), Data: "entry|" + s.ID}})
	}
	if row := c.statuteButton(ans); row != nil {
		r.Buttons = append(r.Buttons, row)
	}
	switch {
	case ans.Outcome == knowledge.OutcomeOffTopic:
		// A 👎 here says the refusal was wrong: it becomes a gap for the admins.
		r.Buttons = append(r.Buttons, feedbackButtons(offTopicFeedbackID+"|"+questionHash(ans.Question, ans.Lang), ans.Lang)...)
		return r
	case ans.Covered && len(ans.Sources) > 0:
		r.Buttons = append(r.Buttons, feedbackButtons(ans.Sources[0].ID+"|"+questionHash(ans.Question, ans.Lang), ans.Lang)...)
	}
	for _, f := range c.answerButtons {
		if row := f(ans, ans.Lang); len(row) > 0 {
			r.Buttons = append(r.Buttons, row)
		}
	}
	return r
}

// offTopicFeedbackID stands for "the off-topic reply" in feedback.
const offTopicFeedbackID = "offtopic"

func suggestionLabel(s knowledge.Suggestion) string {
	switch s.Kind {
	case knowledge.SuggestMaybe:
		return "❓ " + s.Title
	case knowledge.SuggestAlso:
		return "➕ " + s.Title
	}
	return "📄 " + s.Title
}

// statuteButton offers the texts of the articles the answering entry rests
// on, when the statutes are loaded (LAWS_DIR): the articles support the
// entry rather than compete with it.
func (c *Conversation) statuteButton(ans *knowledge.Answer) []Button {
	if ans.Mode == knowledge.ModeArticle || !ans.Covered || len(ans.Sources) == 0 || ans.Sources[0].Kind != knowledge.PassageEntry {
		return nil
	}
	lib := c.engine.Library()
	if lib == nil || len(entryArticles(lib, ans.Sources[0].ID)) == 0 {
		return nil
	}
	return []Button{{Text: texts.statuteTexts.in(ans.Lang), Data: "law|" + ans.Sources[0].ID}}
}

// maxQuotedArticles bounds the articles quoted for one entry.
const maxQuotedArticles = 3

// entryArticles are the loaded texts of the first articles an entry cites.
func entryArticles(lib *knowledge.Library, entryID string) []knowledge.Article {
	e, ok := lib.Entry(entryID)
	if !ok {
		return nil
	}
	var out []knowledge.Article
	for _, ci := range e.Citations {
		if a, ok := lib.Statutes().Article(ci); ok {
			out = append(out, a)
			if len(out) == maxQuotedArticles {
				break
			}
		}
	}
	return out
}

// statuteText quotes the articles an entry rests on.
func statuteText(lib *knowledge.Library, entryID, lang string) (string, bool) {
	arts := entryArticles(lib, entryID)
	if len(arts) == 0 {
		return "", false
	}
	var b strings.Builder
	if lang == "en" {
		b.WriteString("The articles this answer rests on (official Chinese text):")
	} else {
		b.WriteString("这条解答依据的法条原文：")
	}
	for _, a := range arts {
		b.WriteString("\n\n**" + a.Citation().Format(lang) + "**\n" + a.Text)
	}
	return b.String(), true
}

func (c *Conversation) observe(ctx context.Context, ans *knowledge.Answer) {
	for _, o := range c.answerObservers {
		o(ctx, ans)
	}
	c.metrics.Answers.WithLabelValues(string(ans.Mode)).Inc()
	if ans.LLMDuration > 0 {
		c.metrics.LLMLatency.Observe(ans.LLMDuration.Seconds())
	}
	if ans.LLMError != nil {
		c.metrics.LLMFailures.Inc()
		if errors.Is(ans.LLMError, context.DeadlineExceeded) {
			c.log.Warn("model timed out", "duration", ans.LLMDuration)
		}
	}
}

func hasLetters(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
