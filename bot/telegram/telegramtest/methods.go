package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // registered for image.DecodeConfig: photo sizes in sendPhoto answers
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// ---- getMe, webhook, commands -------------------------------------------------

func (s *Server) getMe(context.Context, *Call) (any, *apiError) {
	u := botUser
	return &u, nil
}

func (s *Server) setWebhook(_ context.Context, c *Call) (any, *apiError) {
	u := c.Params["url"]
	if u != "" && !strings.HasPrefix(strings.ToLower(u), "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	var allowed []string
	if raw, ok := c.Params["allowed_updates"]; ok && raw != "" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = webhook{url: u, maxConnections: int(c.Int64("max_connections")), allowed: allowed}
	if boolParam(c, "drop_pending_updates") {
		s.queue = nil
	}
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = webhook{}
	if boolParam(c, "drop_pending_updates") {
		s.queue = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(context.Context, *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &models.WebhookInfo{
		URL:                s.hook.url,
		PendingUpdateCount: len(s.queue),
		MaxConnections:     s.hook.maxConnections,
		AllowedUpdates:     s.hook.allowed,
	}, nil
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func (s *Server) setMyCommands(_ context.Context, c *Call) (any, *apiError) {
	raw, ok := c.Params["commands"]
	if !ok {
		return nil, badRequest(`parameter "commands" is required`)
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(raw), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, cmd := range cmds {
		if !commandName.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(cmd.Description); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	norm, _ := json.Marshal(cmds)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(c)] = norm
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if raw, ok := s.commands[commandsKey(c)]; ok {
		return raw, nil
	}
	return json.RawMessage("[]"), nil
}

// commandsKey keeps one command list per scope and language, as Telegram
// does.
func commandsKey(c *Call) string {
	scope := c.Params["scope"]
	if scope == "" {
		scope = `{"type":"default"}`
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(scope)) == nil {
		scope = b.String()
	}
	return scope + "|" + c.Params["language_code"]
}

// ---- messages -----------------------------------------------------------------

func (s *Server) sendMessage(_ context.Context, c *Call) (any, *apiError) {
	text, parseMode := c.Params["text"], c.Params["parse_mode"]
	if aerr := s.checkText(text, parseMode, maxTextLen, "message text is empty", "message is too long"); aerr != nil {
		return nil, aerr
	}
	entities, aerr := parseEntities(c, "entities")
	if aerr != nil {
		return nil, aerr
	}
	norm, inline, aerr := parseMarkup(c)
	if aerr != nil {
		return nil, aerr
	}
	lpo, aerr := parseLinkPreview(c)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.resolveChat(c.Params["chat_id"], true)
	if aerr != nil {
		return nil, aerr
	}
	reply, aerr := s.replyTo(chat.ID, c)
	if aerr != nil {
		return nil, aerr
	}
	m := s.newBotMessage(chat)
	m.MessageThreadID = int(c.Int64("message_thread_id"))
	m.Text = text
	m.Entities = entities
	m.LinkPreviewOptions = lpo
	m.ReplyMarkup = inline
	m.ReplyToMessage = reply
	return s.store(m, parseMode, norm), nil
}

func (s *Server) editMessageText(_ context.Context, c *Call) (any, *apiError) {
	text, parseMode := c.Params["text"], c.Params["parse_mode"]
	if aerr := s.checkText(text, parseMode, maxTextLen, "message text is empty", "message is too long"); aerr != nil {
		return nil, aerr
	}
	entities, aerr := parseEntities(c, "entities")
	if aerr != nil {
		return nil, aerr
	}
	norm, inline, aerr := parseMarkup(c)
	if aerr != nil {
		return nil, aerr
	}
	lpo, aerr := parseLinkPreview(c)
	if aerr != nil {
		return nil, aerr
	}
	if c.Params["inline_message_id"] != "" {
		// Inline messages are not tracked; Telegram answers True for them.
		return true, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, aerr := s.editable(c)
	if aerr != nil {
		return nil, aerr
	}
	if sm.msg.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	// Streaming answers by repeated edits hit this in production when a
	// chunk adds nothing: the bot must treat it as harmless.
	if sm.msg.Text == text && strings.EqualFold(sm.parseMode, parseMode) && sm.markup == norm {
		return nil, notModified()
	}
	sm.msg.Text = text
	sm.msg.Entities = entities
	sm.msg.LinkPreviewOptions = lpo
	// Telegram drops the inline keyboard of an edit that does not repeat it.
	sm.msg.ReplyMarkup = inline
	sm.msg.EditDate = int(time.Now().Unix())
	sm.parseMode = parseMode
	sm.markup = norm
	return cloneMessage(&sm.msg), nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, c *Call) (any, *apiError) {
	norm, inline, aerr := parseMarkup(c)
	if aerr != nil {
		return nil, aerr
	}
	if c.Params["inline_message_id"] != "" {
		return true, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, aerr := s.editable(c)
	if aerr != nil {
		return nil, aerr
	}
	if sm.markup == norm {
		return nil, notModified()
	}
	sm.msg.ReplyMarkup = inline
	sm.msg.EditDate = int(time.Now().Unix())
	sm.markup = norm
	return cloneMessage(&sm.msg), nil
}

func notModified() *apiError {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a content and reply markup of the current message")
}

// editable finds the message an edit addresses; the caller holds s.mu.
func (s *Server) editable(c *Call) (*storedMsg, *apiError) {
	chat, aerr := s.resolveChat(c.Params["chat_id"], false)
	if aerr != nil {
		return nil, aerr
	}
	id := int(c.Int64("message_id"))
	if id == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	sm := s.msgs[msgKey{chat.ID, id}]
	if sm == nil {
		return nil, badRequest("message to edit not found")
	}
	if !sm.fromBot {
		return nil, badRequest("message can't be edited")
	}
	return sm, nil
}

func (s *Server) sendMessageDraft(_ context.Context, c *Call) (any, *apiError) {
	text, parseMode := c.Params["text"], c.Params["parse_mode"]
	if aerr := s.checkText(text, parseMode, maxTextLen, "message text is empty", "message is too long"); aerr != nil {
		return nil, aerr
	}
	if _, aerr := parseEntities(c, "entities"); aerr != nil {
		return nil, aerr
	}
	if d := strings.TrimSpace(c.Params["draft_id"]); d == "" || d == "0" {
		return nil, badRequest("draft_id must be non-zero")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.resolveChat(c.Params["chat_id"], true)
	if aerr != nil {
		return nil, aerr
	}
	// Drafts exist only in private chats; groups must stream by edits.
	if chat.Type != models.ChatTypePrivate {
		return nil, badRequest("TEXTDRAFT_PEER_INVALID")
	}
	return true, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(_ context.Context, c *Call) (any, *apiError) {
	if !chatActions[c.Params["action"]] {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, aerr := s.resolveChat(c.Params["chat_id"], true); aerr != nil {
		return nil, aerr
	}
	return true, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, c *Call) (any, *apiError) {
	id := c.Params["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	// A query can be answered once, and only if it was delivered: a bot
	// answering twice or inventing ids gets this in production too.
	if !s.callbacks[id] {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.callbacks[id] = false
	return true, nil
}

func (s *Server) deleteMessage(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.resolveChat(c.Params["chat_id"], false)
	if aerr != nil {
		return nil, aerr
	}
	key := msgKey{chat.ID, int(c.Int64("message_id"))}
	if s.msgs[key] == nil {
		return nil, badRequest("message to delete not found")
	}
	delete(s.msgs, key)
	return true, nil
}

func (s *Server) getChat(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Only chats the bot has seen exist for it, as in production.
	chat, aerr := s.resolveChat(c.Params["chat_id"], false)
	if aerr != nil {
		return nil, aerr
	}
	return &models.ChatFullInfo{
		ID:               chat.ID,
		Type:             chat.Type,
		Title:            chat.Title,
		Username:         chat.Username,
		FirstName:        chat.FirstName,
		LastName:         chat.LastName,
		IsForum:          chat.IsForum,
		AccentColorID:    int(chat.ID % 7),
		MaxReactionCount: 11,
	}, nil
}

// ---- media and files ----------------------------------------------------------

func (s *Server) sendPhoto(_ context.Context, c *Call) (any, *apiError) {
	return s.sendMedia(c, "photo", "photos")
}

func (s *Server) sendDocument(_ context.Context, c *Call) (any, *apiError) {
	return s.sendMedia(c, "document", "documents")
}

// sendMedia answers sendPhoto and sendDocument. The file is an uploaded part
// (recorded in Call.Files and registered, so that getFile and a download
// return the same bytes), a file_id the fake knows, or a URL.
func (s *Server) sendMedia(c *Call, field, dir string) (any, *apiError) {
	caption, parseMode := c.Params["caption"], c.Params["parse_mode"]
	if caption != "" {
		if aerr := s.checkText(caption, parseMode, maxCaptionLen, "", "message caption is too long"); aerr != nil {
			return nil, aerr
		}
	}
	captionEntities, aerr := parseEntities(c, "caption_entities")
	if aerr != nil {
		return nil, aerr
	}
	norm, inline, aerr := parseMarkup(c)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.resolveChat(c.Params["chat_id"], true)
	if aerr != nil {
		return nil, aerr
	}
	var e *fileEntry
	if data, ok := c.Files[field]; ok {
		e = s.newFile(dir, c.FileNames[field], data, true)
	} else if v := c.Params[field]; v != "" {
		switch {
		case strings.HasPrefix(v, "attach://"):
			name := strings.TrimPrefix(v, "attach://")
			data, ok := c.Files[name]
			if !ok {
				return nil, badRequest("wrong file identifier/HTTP URL specified")
			}
			e = s.newFile(dir, c.FileNames[name], data, true)
		case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
			// The fake cannot fetch URLs: the file exists without content.
			e = s.newFile(dir, path.Base(v), nil, false)
		default:
			if e = s.files[v]; e == nil {
				return nil, badRequest("wrong file identifier/HTTP URL specified")
			}
		}
	} else {
		return nil, badRequest("there is no " + field + " in the request")
	}
	reply, aerr := s.replyTo(chat.ID, c)
	if aerr != nil {
		return nil, aerr
	}
	m := s.newBotMessage(chat)
	m.Caption = caption
	m.CaptionEntities = captionEntities
	m.ReplyMarkup = inline
	m.ReplyToMessage = reply
	if field == "photo" {
		w, h := 800, 600
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(e.data)); err == nil {
			w, h = cfg.Width, cfg.Height
		}
		m.Photo = []models.PhotoSize{{FileID: e.id, FileUniqueID: uniqueID(e.id), Width: w, Height: h, FileSize: len(e.data)}}
	} else {
		m.Document = &models.Document{
			FileID:       e.id,
			FileUniqueID: uniqueID(e.id),
			FileName:     e.name,
			MimeType:     mimeType(e.name),
			FileSize:     int64(len(e.data)),
		}
	}
	return s.store(m, parseMode, norm), nil
}

func (s *Server) getFile(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.files[c.Params["file_id"]]
	if e == nil || !e.hasData {
		return nil, badRequest("invalid file_id")
	}
	if len(e.data) > maxGetFileSize {
		return nil, badRequest("file is too big")
	}
	if e.path == "" {
		// Telegram assigns the path on the first getFile; keeping the
		// extension lets the bot guess the type from it, as it can there.
		s.seq++
		dir := e.dir
		if dir == "" {
			dir = "documents"
		}
		e.path = fmt.Sprintf("%s/file_%d%s", dir, s.seq, path.Ext(e.name))
		s.paths[e.path] = e
	}
	return &models.File{FileID: e.id, FileUniqueID: uniqueID(e.id), FileSize: int64(len(e.data)), FilePath: e.path}, nil
}

// AddFile registers content under fileID, so that getFile for it answers a
// file_path and {URL}/file/bot{token}/{file_path} serves the bytes. Use it
// with PhotoMessage, DocumentMessage and Voice updates that carry fileID.
func (s *Server) AddFile(fileID string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.noteFile(fileID, "", "")
	e.data = bytes.Clone(content)
	if e.data == nil {
		e.data = []byte{}
	}
	e.hasData = true
}

// noteFile returns the entry for id, creating it; name and dir fill in what
// is not known yet. The caller holds s.mu.
func (s *Server) noteFile(id, name, dir string) *fileEntry {
	e := s.files[id]
	if e == nil {
		e = &fileEntry{id: id}
		s.files[id] = e
	}
	if e.name == "" {
		e.name = name
	}
	if e.dir == "" {
		e.dir = dir
	}
	return e
}

func (s *Server) newFile(dir, name string, data []byte, hasData bool) *fileEntry {
	s.seq++
	id := fmt.Sprintf("%s-%d", strings.TrimSuffix(dir, "s"), s.seq)
	e := &fileEntry{id: id, name: name, dir: dir, data: data, hasData: hasData}
	s.files[id] = e
	return e
}

func uniqueID(fileID string) string { return "u" + fileID }

func mimeType(name string) string {
	t := mime.TypeByExtension(path.Ext(name))
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return "application/octet-stream"
}

// ---- shared helpers -------------------------------------------------------------

// resolveChat finds the chat a chat_id names; the caller holds s.mu. For
// sending (create true) a numeric id the fake has not seen is accepted and
// remembered, with the type Telegram's id ranges imply, since tests often
// notify chats that never wrote first; getChat, edits and deletions only
// know chats the bot has seen.
func (s *Server) resolveChat(param string, create bool) (models.Chat, *apiError) {
	param = strings.TrimSpace(param)
	if param == "" {
		return models.Chat{}, badRequest("chat_id is empty")
	}
	if strings.HasPrefix(param, "@") {
		for _, ch := range s.chats {
			if ch.Username != "" && strings.EqualFold("@"+ch.Username, param) {
				return ch, nil
			}
		}
		return models.Chat{}, badRequest("chat not found")
	}
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil || id == 0 {
		return models.Chat{}, badRequest("chat not found")
	}
	if ch, ok := s.chats[id]; ok {
		return ch, nil
	}
	if !create {
		return models.Chat{}, badRequest("chat not found")
	}
	ch := models.Chat{ID: id, Type: chatTypeForID(id)}
	s.chats[id] = ch
	return ch, nil
}

// chatTypeForID follows Telegram's id ranges: users are positive, basic
// groups small negative, supergroups and channels -100xxxxxxxxxx.
func chatTypeForID(id int64) models.ChatType {
	switch {
	case id > 0:
		return models.ChatTypePrivate
	case id <= -1_000_000_000_000:
		return models.ChatTypeSupergroup
	default:
		return models.ChatTypeGroup
	}
}

// replyTo resolves reply_parameters; the caller holds s.mu.
func (s *Server) replyTo(chatID int64, c *Call) (*models.Message, *apiError) {
	raw, ok := c.Params["reply_parameters"]
	if !ok {
		return nil, nil
	}
	var rp models.ReplyParameters
	if err := json.Unmarshal([]byte(raw), &rp); err != nil {
		return nil, badRequest("can't parse reply parameters JSON object")
	}
	if rp.MessageID == 0 {
		return nil, nil
	}
	sm := s.msgs[msgKey{chatID, rp.MessageID}]
	if sm == nil {
		if rp.AllowSendingWithoutReply {
			return nil, nil
		}
		return nil, badRequest("message to be replied not found")
	}
	m := cloneMessage(&sm.msg)
	m.ReplyToMessage = nil // Telegram does not nest replies
	return m, nil
}

// newBotMessage starts a message from the bot in chat with the chat's next
// message id; the caller holds s.mu.
func (s *Server) newBotMessage(chat models.Chat) *models.Message {
	from := botUser
	return &models.Message{
		ID:   s.nextMessageID(chat.ID),
		From: &from,
		Date: int(time.Now().Unix()),
		Chat: chat,
	}
}

// nextMessageID numbers messages per chat: in a private chat the user's and
// the bot's messages share one sequence, so pushed updates use it too.
func (s *Server) nextMessageID(chatID int64) int {
	s.msgSeq[chatID]++
	return s.msgSeq[chatID]
}

// store remembers a bot message and returns a copy for the answer; the
// caller holds s.mu.
func (s *Server) store(m *models.Message, parseMode, markup string) *models.Message {
	s.msgs[msgKey{m.Chat.ID, m.ID}] = &storedMsg{msg: *m, fromBot: true, parseMode: parseMode, markup: markup}
	return cloneMessage(m)
}

// cloneMessage deep-copies through JSON. Answers are encoded after s.mu is
// released, and some model types' MarshalJSON write to the value, so
// answers must never share memory with the stored state.
func cloneMessage(m *models.Message) *models.Message {
	raw, err := json.Marshal(m)
	if err != nil {
		panic("telegramtest: encoding a message: " + err.Error())
	}
	var out models.Message
	if err := json.Unmarshal(raw, &out); err != nil {
		panic("telegramtest: decoding a message: " + err.Error())
	}
	return &out
}

func parseEntities(c *Call, name string) ([]models.MessageEntity, *apiError) {
	raw, ok := c.Params[name]
	if !ok || raw == "" {
		return nil, nil
	}
	var es []models.MessageEntity
	if err := json.Unmarshal([]byte(raw), &es); err != nil {
		return nil, badRequest("can't parse entities JSON object")
	}
	return es, nil
}

// parseMarkup validates reply_markup and returns its compact JSON (to detect
// unmodified edits) and, for inline keyboards, the keyboard to echo in the
// answer, which Telegram does only for inline keyboards.
func parseMarkup(c *Call) (string, *models.InlineKeyboardMarkup, *apiError) {
	raw, ok := c.Params["reply_markup"]
	if !ok || raw == "" {
		return "", nil, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &probe); err != nil {
		return "", nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var norm bytes.Buffer
	_ = json.Compact(&norm, []byte(raw))
	if _, ok := probe["inline_keyboard"]; !ok {
		return norm.String(), nil, nil
	}
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return "", nil, badRequest("can't parse inline keyboard button: " + err.Error())
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if len(b.CallbackData) > maxCallbackLen {
				return "", nil, badRequest("BUTTON_DATA_INVALID")
			}
			if b.Text == "" {
				return "", nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
		}
	}
	return norm.String(), &kb, nil
}

func parseLinkPreview(c *Call) (*models.LinkPreviewOptions, *apiError) {
	raw, ok := c.Params["link_preview_options"]
	if !ok || raw == "" {
		return nil, nil
	}
	var lpo models.LinkPreviewOptions
	if err := json.Unmarshal([]byte(raw), &lpo); err != nil {
		return nil, badRequest("can't parse link preview options JSON object")
	}
	return &lpo, nil
}

func boolParam(c *Call, name string) bool {
	v, _ := strconv.ParseBool(c.Params[name])
	return v
}

// checkText validates a text or caption as Telegram does: not empty, parsable
// in its parse_mode, and within limit UTF-16 units once markup is removed.
// An empty emptyDesc allows an empty text.
func (s *Server) checkText(text, parseMode string, limit int, emptyDesc, longDesc string) *apiError {
	s.mu.Lock()
	check := s.checkParseMode
	s.mu.Unlock()
	if emptyDesc != "" && strings.TrimSpace(text) == "" {
		return badRequest(emptyDesc)
	}
	visible := text
	switch strings.ToLower(parseMode) {
	case "", "markdown":
		// Legacy Markdown is lenient enough not to check.
	case "html":
		if check {
			v, aerr := checkHTML(text)
			if aerr != nil {
				return aerr
			}
			visible = v
		}
	case "markdownv2":
		if check {
			v, aerr := checkMarkdownV2(text)
			if aerr != nil {
				return aerr
			}
			visible = v
		}
	default:
		return badRequest("unsupported parse_mode")
	}
	if emptyDesc != "" && strings.TrimSpace(visible) == "" {
		return badRequest(emptyDesc)
	}
	if utf16Len(visible) > limit {
		return badRequest(longDesc)
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}
