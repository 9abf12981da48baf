package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/markdown"
)

// kbFeature lets union admins change the knowledge base from Telegram and
// mediators propose entries. The rules (validation, versions, who may do
// what) are knowledge.Admin's; this file renders them.
type kbFeature struct {
	admin      *knowledge.Admin
	roleOf     func(ctx context.Context, userID int64) (knowledge.Role, error)
	downloader Downloader

	// questions remembers recent questions by a short hash, so that a 👎
	// on an answer can be recorded as a gap with its question; the
	// callback data has room for the hash only. It is in memory: a vote
	// after a restart counts without its question.
	mu        sync.Mutex
	questions map[string]gapQuestion
	order     []string
}

type gapQuestion struct{ question, lang string }

const maxRememberedQuestions = 5000

// WithKnowledgeAdmin turns on /kb and entry uploads. roleOf says what a
// user is (admins from ADMIN_IDS, mediators from the store).
func WithKnowledgeAdmin(admin *knowledge.Admin, roleOf func(ctx context.Context, userID int64) (knowledge.Role, error), downloader Downloader) Option {
	return func(c *Conversation) {
		f := &kbFeature{admin: admin, roleOf: roleOf, downloader: downloader, questions: map[string]gapQuestion{}}
		c.kb = f
		c.commands["kb"] = c.kbCommand
		c.commands["_file"] = c.kbUpload
		c.callbacks["kb"] = c.kbButton
		c.flows["kbpending"] = func(ctx context.Context, in Incoming, st *chatState, lang string, out Responder) (bool, error) {
			return false, nil // a pending upload waits for its buttons; text is a question
		}
		c.answerObservers = append(c.answerObservers, func(ctx context.Context, ans *knowledge.Answer) {
			f.remember(ans)
			if c.storeKnownDown() {
				return // not worth delaying the answer for: gaps are statistics
			}
			if err := admin.ObserveAnswer(ctx, ans); err != nil {
				c.log.Warn("recording a knowledge-base gap failed", "err", err)
			}
		})
	}
}

func questionHash(q, lang string) string {
	h := fnv.New32a()
	h.Write([]byte(lang + ":" + q))
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

func (f *kbFeature) remember(ans *knowledge.Answer) {
	h := questionHash(ans.Question, ans.Lang)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.questions[h]; !ok {
		f.order = append(f.order, h)
	}
	f.questions[h] = gapQuestion{ans.Question, ans.Lang}
	for len(f.order) > maxRememberedQuestions {
		delete(f.questions, f.order[0])
		f.order = f.order[1:]
	}
}

func (f *kbFeature) recall(h string) (gapQuestion, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, ok := f.questions[h]
	return q, ok
}

var kbTexts = struct {
	usage, refused, problems, preview, publish, cancel, published, unchanged, cancelled, noPending,
	statuteDone, suggested, noDrafts, noGaps, disabled, enabled, notFound, rolledBack, gapsHead,
	draftsHead, download, sendEdited, draftEdited text
}{
	sendEdited:  text{"请发送修改后的草稿 #%d 文件（.md）。", "Send the edited file (.md) for draft #%d."},
	draftEdited: text{"✅ 草稿 #%d 已更新。可以 /kb publishdraft %d 发布。", "✅ Draft #%d updated. Publish it with /kb publishdraft %d."},
	usage: text{"用法：\n/kb list [主题]\n/kb show ID\n/kb get ID\n/kb history ID\n/kb rollback ID 版本\n/kb disable ID\n/kb enable ID\n/kb drafts\n/kb draft 编号 · /kb editdraft 编号\n/kb publishdraft 编号 · /kb reject 编号\n/kb gaps\n/kb suggest（后面接条目全文）\n发送 .md 或 .zip 文件可以新增或修改条目；发送法规文件可以新增或替换法规。",
		"Usage:\n/kb list [topic]\n/kb show ID\n/kb get ID\n/kb history ID\n/kb rollback ID VERSION\n/kb disable ID\n/kb enable ID\n/kb drafts\n/kb draft N · /kb editdraft N\n/kb publishdraft N · /kb reject N\n/kb gaps\n/kb suggest (followed by the entry text)\nSend a .md or .zip file to add or change entries, or a statute file to add or replace a statute."},
	refused:     text{"只有工会管理员可以修改知识库，没有做任何改动。", "Only union admins can change the knowledge base; nothing was changed."},
	problems:    text{"❌ 文件有以下问题，没有做任何改动：", "❌ The file has these problems; nothing was changed:"},
	preview:     text{"预览（确认后发布）：", "Preview (publish to make it live):"},
	publish:     text{"✅ 发布", "✅ Publish"},
	cancel:      text{"取消", "Cancel"},
	published:   text{"✅ 已发布：", "✅ Published:"},
	unchanged:   text{"内容没有变化，没有生成新版本：", "No change, no new version:"},
	cancelled:   text{"已取消，没有做任何改动。", "Cancelled; nothing was changed."},
	noPending:   text{"没有待发布的文件，请重新发送。", "Nothing is waiting to be published; please send the file again."},
	statuteDone: text{"✅ 法规已更新：%s（%d 条），可以立即检索和引用。", "✅ Statute updated: %s (%d articles); it can be searched and cited now."},
	suggested:   text{"✅ 已提交草稿 #%d，等待管理员审核。", "✅ Draft #%d submitted for the admins to review."},
	noDrafts:    text{"没有待审核的草稿。", "No drafts waiting."},
	noGaps:      text{"目前没有记录到知识库答不好的问题。", "No unanswered questions recorded."},
	disabled:    text{"已停用 %s。", "%s disabled."},
	enabled:     text{"已启用 %s。", "%s enabled."},
	notFound:    text{"找不到这个条目。", "No such entry."},
	rolledBack:  text{"已回滚 %s 到版本 %d（新版本 %d）。", "%s rolled back to version %d (new version %d)."},
	gapsHead:    text{"知识库答不好的问题（次数 · 最近 · 语言）：", "Questions the knowledge base answers badly (count · last seen · language):"},
	draftsHead:  text{"待审核草稿：", "Drafts waiting:"},
	download:    text{"文件下载失败，请重新发送。", "Could not download the file; please send it again."},
}

func (c *Conversation) kbActor(ctx context.Context, userID int64) (knowledge.Actor, error) {
	role, err := c.kb.roleOf(ctx, userID)
	if err != nil {
		return knowledge.Actor{}, err
	}
	return knowledge.Actor{Name: "tg:" + strconv.FormatInt(userID, 10), Role: role}, nil
}

// kbError tells the user why something was refused, or passes other errors up.
func (c *Conversation) kbError(ctx context.Context, err error, lang string, out Responder) error {
	switch {
	case errors.Is(err, knowledge.ErrNotAllowed):
		return out.Send(ctx, Reply{Text: kbTexts.refused.in(lang)})
	case errors.Is(err, knowledge.ErrNotFound):
		return out.Send(ctx, Reply{Text: kbTexts.notFound.in(lang)})
	}
	var ps knowledge.Problems
	if errors.As(err, &ps) {
		return out.Send(ctx, Reply{Text: kbTexts.problems.in(lang) + "\n" + problemList(ps)})
	}
	return err
}

func problemList(ps knowledge.Problems) string {
	var b strings.Builder
	for i, p := range ps {
		if i == 30 {
			fmt.Fprintf(&b, "… (+%d)\n", len(ps)-30)
			break
		}
		// A problem may quote the file's text.
		b.WriteString("• " + markdown.Literal(p.String()) + "\n")
	}
	return b.String()
}

func (c *Conversation) kbCommand(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType == ChatGroup {
		return out.Send(ctx, Reply{Text: intakeTexts.group.in(lang)})
	}
	actor, err := c.kbActor(ctx, in.UserID)
	if err != nil {
		return err
	}
	sub, rest, _ := strings.Cut(strings.TrimSpace(in.Args), " ")
	rest = strings.TrimSpace(rest)
	args := strings.Fields(rest)
	a := c.kb.admin
	switch strings.ToLower(sub) {
	case "list":
		infos, err := a.List(ctx, actor, rest)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		var b strings.Builder
		for _, e := range infos {
			if e.Entry.Lang != lang {
				continue
			}
			fmt.Fprintf(&b, "%s · v%d · %s\n", markdown.Literal(e.Entry.ID), e.Version, markdown.Literal(e.Entry.Title))
		}
		if b.Len() == 0 {
			return out.Send(ctx, Reply{Text: kbTexts.notFound.in(lang)})
		}
		return c.sendLong(ctx, out, b.String())
	case "show":
		if len(args) != 1 {
			break
		}
		info, err := a.Show(ctx, actor, args[0])
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf("v%d\n\n", info.Version) + entryText(info.Entry)})
	case "get":
		if len(args) != 1 {
			break
		}
		data, err := a.Get(ctx, actor, args[0], 0)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.SendFile(ctx, args[0]+".md", data, args[0])
	case "history":
		if len(args) != 1 {
			break
		}
		vs, err := a.History(ctx, actor, args[0])
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		var b strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&b, "v%d · %s · %s %s\n", v.Version, v.At.In(intake.Reporting).Format("2006-01-02 15:04"), markdown.Literal(v.Actor), markdown.Literal(v.Note))
		}
		if b.Len() == 0 {
			b.WriteString("v0 (built-in)")
		}
		return out.Send(ctx, Reply{Text: b.String()})
	case "rollback":
		if len(args) != 2 {
			break
		}
		v, err := strconv.Atoi(args[1])
		if err != nil || v < 0 {
			break
		}
		res, err := a.Rollback(ctx, actor, args[0], v)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		newV := 0
		if len(res.Published) > 0 {
			newV = res.Published[0].Version
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(kbTexts.rolledBack.in(lang), markdown.Literal(args[0]), v, newV)})
	case "disable", "enable":
		if len(args) != 1 {
			break
		}
		var err error
		msg := kbTexts.disabled
		if sub == "disable" {
			_, err = a.Disable(ctx, actor, args[0])
		} else {
			_, err = a.Enable(ctx, actor, args[0])
			msg = kbTexts.enabled
		}
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(msg.in(lang), markdown.Literal(args[0]))})
	case "suggest":
		if rest == "" {
			break
		}
		d, bundle, err := a.Suggest(ctx, actor, "suggestion.md", []byte(rest))
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		if bundle != nil && len(bundle.Problems) > 0 {
			return out.Send(ctx, Reply{Text: kbTexts.problems.in(lang) + "\n" + problemList(bundle.Problems)})
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(kbTexts.suggested.in(lang), d.ID)})
	case "drafts":
		ds, err := a.Drafts(ctx, actor)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		if len(ds) == 0 {
			return out.Send(ctx, Reply{Text: kbTexts.noDrafts.in(lang)})
		}
		var b strings.Builder
		b.WriteString(kbTexts.draftsHead.in(lang) + "\n")
		var rows [][]Button
		for _, d := range ds {
			fmt.Fprintf(&b, "#%d · %s · %s · %s\n", d.ID, markdown.Literal(d.EntryID), markdown.Literal(d.Title), markdown.Literal(d.Author))
			id := strconv.FormatInt(d.ID, 10)
			rows = append(rows, []Button{{Text: "✅ #" + id, Data: "kb|pd|" + id}, {Text: "❌ #" + id, Data: "kb|rd|" + id}})
		}
		return out.Send(ctx, Reply{Text: b.String(), Buttons: rows})
	case "draft", "editdraft":
		if len(args) != 1 {
			break
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
		if err != nil {
			break
		}
		d, err := a.Draft(ctx, actor, id)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		if sub == "draft" {
			return out.SendFile(ctx, fmt.Sprintf("draft-%d.md", id), []byte(d.Source), d.Title)
		}
		// The next file this admin sends replaces the draft's text.
		raw, _ := json.Marshal(id)
		if err := c.saveState(ctx, in.ChatID, &chatState{Flow: "kbdraftedit", Data: raw}); err != nil {
			return err
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(kbTexts.sendEdited.in(lang), id)})
	case "publishdraft", "reject":
		if len(args) != 1 {
			break
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
		if err != nil {
			break
		}
		return c.kbDraftDecision(ctx, actor, sub == "publishdraft", id, lang, out)
	case "gaps":
		gaps, err := a.Gaps(ctx, actor, 20)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		if len(gaps) == 0 {
			return out.Send(ctx, Reply{Text: kbTexts.noGaps.in(lang)})
		}
		var b strings.Builder
		b.WriteString(kbTexts.gapsHead.in(lang) + "\n")
		for _, g := range gaps {
			// Workers' questions, shown as they were typed.
			fmt.Fprintf(&b, "%d · %s · %s · %s\n", g.Count, g.LastSeen.Format("01-02"), g.Lang, markdown.Literal(g.Question))
		}
		return c.sendLong(ctx, out, b.String())
	}
	return out.Send(ctx, Reply{Text: kbTexts.usage.in(lang)})
}

func (c *Conversation) kbDraftDecision(ctx context.Context, actor knowledge.Actor, publish bool, id int64, lang string, out Responder) error {
	if !publish {
		if err := c.kb.admin.RejectDraft(ctx, actor, id, ""); err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.Send(ctx, Reply{Text: kbTexts.cancelled.in(lang)})
	}
	res, err := c.kb.admin.PublishDraft(ctx, actor, id)
	if err != nil {
		return c.kbError(ctx, err, lang, out)
	}
	return out.Send(ctx, Reply{Text: publishedText(res, lang)})
}

// sendLong sends plain listing text as a message (split by the channel).
func (c *Conversation) sendLong(ctx context.Context, out Responder, s string) error {
	return out.Send(ctx, Reply{Text: strings.TrimSpace(s)})
}

func publishedText(res *knowledge.PublishResult, lang string) string {
	var b strings.Builder
	if len(res.Published) > 0 {
		b.WriteString(kbTexts.published.in(lang) + "\n")
		for _, p := range res.Published {
			fmt.Fprintf(&b, "• %s v%d · %s\n", markdown.Literal(p.ID), p.Version, markdown.Literal(p.Title))
		}
	}
	if len(res.Unchanged) > 0 {
		b.WriteString(kbTexts.unchanged.in(lang) + " " + markdown.Literal(strings.Join(res.Unchanged, ", ")) + "\n")
	}
	if len(res.GapsCleared) > 0 {
		fmt.Fprintf(&b, "(%d gaps cleared)\n", len(res.GapsCleared))
	}
	if len(res.Warnings) > 0 {
		b.WriteString("\n⚠️\n" + problemList(res.Warnings))
	}
	return b.String()
}

// pendingUpload is an uploaded file waiting for Publish or Cancel.
type pendingUpload struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// kbUpload takes a file sent outside any flow: an entry or a zip of
// entries (checked, then previewed for Publish), a statute file, or from a
// mediator a suggested entry.
func (c *Conversation) kbUpload(ctx context.Context, in Incoming, lang string, out Responder) error {
	if in.ChatType != ChatPrivate || len(in.Files) == 0 {
		return out.Send(ctx, Reply{Text: texts.document.in(lang)})
	}
	actor, err := c.kbActor(ctx, in.UserID)
	if err != nil {
		return err
	}
	if actor.Role == knowledge.RoleNone {
		// A worker: say what they can send instead.
		return out.Send(ctx, Reply{Text: c.fileHint(KindDocument, lang)})
	}
	f := in.Files[0]
	data, err := c.kb.downloader.Download(ctx, f.ID)
	if err != nil {
		c.log.Warn("downloading an upload failed", "err", err)
		return out.Send(ctx, Reply{Text: kbTexts.download.in(lang)})
	}
	a := c.kb.admin
	if st, err := c.loadState(ctx, in.ChatID); err == nil && st != nil && st.Flow == "kbdraftedit" {
		var id int64
		if json.Unmarshal(st.Data, &id) == nil && id > 0 {
			if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
				return err
			}
			_, bundle, err := a.EditDraft(ctx, actor, id, f.Name, data)
			if err != nil {
				return c.kbError(ctx, err, lang, out)
			}
			text := fmt.Sprintf(kbTexts.draftEdited.in(lang), id, id)
			if bundle != nil && len(bundle.Problems) > 0 {
				text += "\n\n" + kbTexts.problems.in(lang) + "\n" + problemList(bundle.Problems)
			}
			return out.Send(ctx, Reply{Text: text})
		}
	}
	if knowledge.IsStatuteFile(data) {
		sf, err := a.PutStatute(ctx, actor, f.Name, data)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(kbTexts.statuteDone.in(lang), markdown.Literal(sf.Short), sf.Articles)})
	}
	if actor.Role != knowledge.RoleAdmin {
		d, bundle, err := a.Suggest(ctx, actor, f.Name, data)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		if bundle != nil && len(bundle.Problems) > 0 {
			return out.Send(ctx, Reply{Text: kbTexts.problems.in(lang) + "\n" + problemList(bundle.Problems)})
		}
		return out.Send(ctx, Reply{Text: fmt.Sprintf(kbTexts.suggested.in(lang), d.ID)})
	}
	bundle, err := a.Check(ctx, f.Name, data)
	if err != nil {
		return c.kbError(ctx, err, lang, out)
	}
	if !bundle.OK() {
		return out.Send(ctx, Reply{Text: kbTexts.problems.in(lang) + "\n" + problemList(bundle.Problems)})
	}
	raw, err := json.Marshal(pendingUpload{Name: f.Name, Data: data})
	if err != nil {
		return err
	}
	if err := c.saveState(ctx, in.ChatID, &chatState{Flow: "kbpending", Data: raw}); err != nil {
		return err
	}
	text := kbTexts.preview.in(lang) + "\n\n" + bundle.Preview(lang)
	if len(bundle.Warnings) > 0 {
		text += "\n\n⚠️\n" + problemList(bundle.Warnings)
	}
	return out.Send(ctx, Reply{Text: text, Buttons: [][]Button{{{Text: kbTexts.publish.in(lang), Data: "kb|publish"}, {Text: kbTexts.cancel.in(lang), Data: "kb|cancel"}}}})
}

// kbButton handles Publish/Cancel of an upload and draft decisions.
func (c *Conversation) kbButton(ctx context.Context, in Incoming, arg, lang string, out Responder) error {
	if in.ChatType != ChatPrivate {
		return out.Ack(ctx, texts.expired.in(lang))
	}
	if err := out.Ack(ctx, ""); err != nil {
		return err
	}
	actor, err := c.kbActor(ctx, in.UserID)
	if err != nil {
		return err
	}
	kind, rest, _ := strings.Cut(arg, "|")
	switch kind {
	case "publish", "cancel":
		st, err := c.loadState(ctx, in.ChatID)
		if err != nil {
			return err
		}
		if st == nil || st.Flow != "kbpending" {
			return out.Send(ctx, Reply{Text: kbTexts.noPending.in(lang)})
		}
		if err := c.store.DeleteChatState(ctx, in.ChatID); err != nil {
			return err
		}
		if kind == "cancel" {
			return out.Send(ctx, Reply{Text: kbTexts.cancelled.in(lang)})
		}
		var p pendingUpload
		if err := json.Unmarshal(st.Data, &p); err != nil {
			return out.Send(ctx, Reply{Text: kbTexts.noPending.in(lang)})
		}
		res, err := c.kb.admin.Publish(ctx, actor, p.Name, p.Data)
		if err != nil {
			return c.kbError(ctx, err, lang, out)
		}
		return out.Send(ctx, Reply{Text: publishedText(res, lang)})
	case "pd", "rd":
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
		}
		return c.kbDraftDecision(ctx, actor, kind == "pd", id, lang, out)
	}
	return out.Send(ctx, Reply{Text: texts.expired.in(lang)})
}
