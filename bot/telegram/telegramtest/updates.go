package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// Telegram's default when allowed_updates is not given or empty: everything
// but these, which a bot must ask for explicitly.
var notByDefault = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

// getUpdates is Telegram's long poll: updates stay queued until a later call
// confirms them with offset > update_id, and a call with timeout > 0 blocks
// until an update arrives, the timeout passes or the client gives up.
func (s *Server) getUpdates(ctx context.Context, c *Call) (any, *apiError) {
	offset := c.Int64("offset")
	limit := int(c.Int64("limit"))
	if limit <= 0 || limit > maxLimit {
		limit = maxLimit
	}
	timeout := time.Duration(max(c.Int64("timeout"), 0)) * time.Second
	var allowed []string
	raw, hasAllowed := c.Params["allowed_updates"]
	if hasAllowed && raw != "" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
	}

	s.mu.Lock()
	if s.hook.url != "" {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if hasAllowed {
		// Like Telegram, the setting applies to updates created from now on.
		s.allowed = nil
		if len(allowed) > 0 {
			s.allowed = map[string]bool{}
			for _, a := range allowed {
				s.allowed[a] = true
			}
		}
	}
	s.confirm(offset)
	// Telegram ends an older long poll when a new one starts: two bot
	// instances polling one token see 409 Conflict, as in production.
	close(s.pollEnd)
	s.pollEnd = make(chan struct{})
	mine := s.pollEnd

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if len(s.queue) > 0 || timeout == 0 {
			n := min(limit, len(s.queue))
			var b strings.Builder
			b.WriteByte('[')
			for i, q := range s.queue[:n] {
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(q.raw)
			}
			b.WriteByte(']')
			s.mu.Unlock()
			return json.RawMessage(b.String()), nil
		}
		changed := s.updatesChanged
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			timeout = 0 // answer with whatever is queued, i.e. nothing
		case <-ctx.Done():
			return nil, errAborted
		case <-mine:
			return nil, faultError(409, 0)
		case <-s.closing:
			return json.RawMessage("[]"), nil
		}
		s.mu.Lock()
	}
}

// confirm forgets confirmed updates; the caller holds s.mu. A negative
// offset keeps only the last -offset updates, as Telegram documents.
func (s *Server) confirm(offset int64) {
	switch {
	case offset < 0:
		if keep := int(-offset); len(s.queue) > keep {
			s.queue = append([]queued(nil), s.queue[len(s.queue)-keep:]...)
		}
	case offset > 0:
		i := 0
		for i < len(s.queue) && s.queue[i].id < offset {
			i++
		}
		s.queue = s.queue[i:]
	}
}

// PushUpdate queues u for the bot's next getUpdates and returns it as
// delivered. It fills in what Telegram would set: the update_id (increasing)
// if zero, message ids from the chat's sequence and dates if zero, a
// callback query id if empty, and the message a callback was pressed on, if
// the bot sent it. The fake remembers the chats, messages, files and callback
// queries it sees, so that the bot's replies to them behave as in production.
//
// An update of a type the bot excluded with allowed_updates (or
// chat_member and message reactions, unless it asked for them) is dropped,
// as Telegram drops it, and logged.
func (s *Server) PushUpdate(u models.Update) models.Update {
	s.t.Helper()
	// Work on a deep copy: the caller may reuse its update, and marshalling
	// some model types writes to them.
	raw, err := json.Marshal(&u)
	if err != nil {
		s.t.Fatalf("telegramtest: PushUpdate: encoding the update: %v", err)
	}
	var cp models.Update
	if err := json.Unmarshal(raw, &cp); err != nil {
		s.t.Fatalf("telegramtest: PushUpdate: decoding the update: %v", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if cp.ID == 0 {
		cp.ID = s.lastUpdateID + 1
	}
	s.lastUpdateID = max(s.lastUpdateID, cp.ID)
	s.fillUpdate(&cp)
	if raw, err = json.Marshal(&cp); err != nil {
		s.t.Fatalf("telegramtest: PushUpdate: encoding the update: %v", err)
	}
	kind := updateKind(raw)
	if s.allowed != nil && !s.allowed[kind] || s.allowed == nil && notByDefault[kind] {
		s.t.Logf("telegramtest: update %d (%s) dropped: the bot did not ask for %s updates in allowed_updates", cp.ID, kind, kind)
		return cp
	}
	s.queue = append(s.queue, queued{id: cp.ID, raw: raw})
	close(s.updatesChanged)
	s.updatesChanged = make(chan struct{})
	return cp
}

// updateKind is the update's type as allowed_updates names it: the one
// field besides update_id.
func updateKind(raw []byte) string {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(raw, &obj)
	for k := range obj {
		if k != "update_id" {
			return k
		}
	}
	return ""
}

// fillUpdate completes u and records what it tells; the caller holds s.mu.
func (s *Server) fillUpdate(u *models.Update) {
	now := int(time.Now().Unix())
	for _, m := range []*models.Message{u.Message, u.ChannelPost, u.BusinessMessage} {
		if m != nil {
			s.fillMessage(m, false, now)
		}
	}
	for _, m := range []*models.Message{u.EditedMessage, u.EditedChannelPost, u.EditedBusinessMessage} {
		if m != nil {
			s.fillMessage(m, true, now)
		}
	}
	if cq := u.CallbackQuery; cq != nil {
		if cq.ID == "" {
			s.seq++
			cq.ID = fmt.Sprintf("cbq-%d", s.seq)
		}
		s.callbacks[cq.ID] = true
		if m := cq.Message.Message; m != nil {
			if sm := s.msgs[msgKey{m.Chat.ID, m.ID}]; sm != nil {
				cq.Message.Message = cloneMessage(&sm.msg)
			} else if m.Date == 0 {
				m.Date = now
			}
		}
	}
}

// fillMessage sets a user message's id and date and remembers the message,
// its chat and its files; the caller holds s.mu.
func (s *Server) fillMessage(m *models.Message, edited bool, now int) {
	if m.Date == 0 {
		m.Date = now
	}
	if edited {
		if m.EditDate == 0 {
			m.EditDate = now
		}
	} else if m.ID == 0 {
		m.ID = s.nextMessageID(m.Chat.ID)
	}
	// An explicit id moves the chat's sequence on, so later ids stay unique.
	s.msgSeq[m.Chat.ID] = max(s.msgSeq[m.Chat.ID], m.ID)
	if m.Chat.Type != "" {
		s.chats[m.Chat.ID] = m.Chat
	}
	if r := m.ReplyToMessage; r != nil {
		if sm := s.msgs[msgKey{m.Chat.ID, r.ID}]; sm != nil && r.Date == 0 {
			m.ReplyToMessage = cloneMessage(&sm.msg)
			m.ReplyToMessage.ReplyToMessage = nil
		} else if r.Date == 0 {
			r.Date = now
		}
	}
	if d := m.Document; d != nil {
		e := s.noteFile(d.FileID, d.FileName, "documents")
		if d.FileSize == 0 && e.hasData {
			d.FileSize = int64(len(e.data))
		}
	}
	for i := range m.Photo {
		e := s.noteFile(m.Photo[i].FileID, "", "photos")
		if m.Photo[i].FileSize == 0 && e.hasData {
			m.Photo[i].FileSize = len(e.data)
		}
	}
	if v := m.Voice; v != nil {
		e := s.noteFile(v.FileID, "", "voice")
		if e.name == "" {
			e.name = v.FileID + ".oga"
		}
		if v.FileSize == 0 && e.hasData {
			v.FileSize = int64(len(e.data))
		}
	}
	if st := m.Sticker; st != nil {
		s.noteFile(st.FileID, st.FileID+".webp", "stickers")
	}
	sm := &storedMsg{msg: *cloneMessage(m), fromBot: m.From != nil && m.From.ID == BotID}
	if old := s.msgs[msgKey{m.Chat.ID, m.ID}]; old != nil && edited {
		sm.fromBot = old.fromBot
	}
	s.msgs[msgKey{m.Chat.ID, m.ID}] = sm
}

// ---- update builders ------------------------------------------------------------

// Option adjusts what an update builder produces.
type Option func(*builder)

type builder struct {
	lang      string
	chatType  models.ChatType
	title     string
	firstName string
	lastName  string
	username  string
	replyTo   int
	messageID int
	caption   string
	thread    int
	date      time.Time
}

// WithLang sets the sender's language_code ("" for none; the default is
// "zh", the bot's main audience).
func WithLang(code string) Option { return func(b *builder) { b.lang = code } }

// WithChatType sets the chat's type.
func WithChatType(t models.ChatType) Option { return func(b *builder) { b.chatType = t } }

// WithTitle sets a group chat's title.
func WithTitle(title string) Option { return func(b *builder) { b.title = title } }

// WithName sets the sender's first and last name.
func WithName(first, last string) Option {
	return func(b *builder) { b.firstName, b.lastName = first, last }
}

// WithUsername sets the sender's username (without "@").
func WithUsername(username string) Option { return func(b *builder) { b.username = username } }

// WithReplyTo makes the message a reply to messageID in the same chat; the
// fake fills in that message if it knows it.
func WithReplyTo(messageID int) Option { return func(b *builder) { b.replyTo = messageID } }

// WithMessageID sets the message id instead of taking the chat's next one.
func WithMessageID(id int) Option { return func(b *builder) { b.messageID = id } }

// WithCaption sets a media message's caption (command entities included).
func WithCaption(text string) Option { return func(b *builder) { b.caption = text } }

// WithThread puts the message in a forum topic.
func WithThread(id int) Option { return func(b *builder) { b.thread = id } }

// WithDate sets the message date instead of the time of PushUpdate.
func WithDate(t time.Time) Option { return func(b *builder) { b.date = t } }

func newBuilder(chatType models.ChatType, opts []Option) *builder {
	b := &builder{lang: "zh", chatType: chatType, firstName: "Test", lastName: "User"}
	for _, o := range opts {
		o(b)
	}
	return b
}

func (b *builder) user(userID int64) models.User {
	return models.User{ID: userID, FirstName: b.firstName, LastName: b.lastName, Username: b.username, LanguageCode: b.lang}
}

func (b *builder) chat(chatID int64) models.Chat {
	ch := models.Chat{ID: chatID, Type: b.chatType}
	if ch.Type == models.ChatTypePrivate {
		ch.FirstName, ch.LastName, ch.Username = b.firstName, b.lastName, b.username
	} else {
		ch.Title = b.title
		if ch.Title == "" {
			ch.Title = "Test Group"
		}
	}
	return ch
}

func (b *builder) message(chatID, userID int64) *models.Message {
	from := b.user(userID)
	m := &models.Message{ID: b.messageID, From: &from, Chat: b.chat(chatID), MessageThreadID: b.thread}
	if !b.date.IsZero() {
		m.Date = int(b.date.Unix())
	}
	if b.replyTo != 0 {
		m.ReplyToMessage = &models.Message{ID: b.replyTo, Chat: m.Chat}
	}
	if b.caption != "" {
		m.Caption = b.caption
		m.CaptionEntities = CommandEntities(b.caption)
	}
	return m
}

// TextMessage is a text message from userID in the private chat chatID,
// with bot_command entities for any /commands in it. The sender has a first
// name and language_code "zh" unless options say otherwise.
func TextMessage(chatID, userID int64, text string, opts ...Option) models.Update {
	b := newBuilder(models.ChatTypePrivate, opts)
	m := b.message(chatID, userID)
	m.Text = text
	m.Entities = CommandEntities(text)
	return models.Update{Message: m}
}

// GroupText is a text message from userID in the group chatID: a
// supergroup if chatID is in Telegram's supergroup range (-100...), else a
// basic group; WithChatType overrides. Commands may carry @BotUsername, as
// group clients send them.
func GroupText(chatID, userID int64, text string, opts ...Option) models.Update {
	b := newBuilder(chatTypeForID(chatID), opts)
	if b.chatType == models.ChatTypePrivate {
		b.chatType = models.ChatTypeGroup
	}
	m := b.message(chatID, userID)
	m.Text = text
	m.Entities = CommandEntities(text)
	return models.Update{Message: m}
}

// builderSeq numbers the ids builders invent (callback queries, stickers),
// which must be unique across a test binary, not per Server.
var builderSeq atomic.Int64

// Callback is userID pressing a button with callback data on message
// messageID in chat chatID. If the bot sent that message, PushUpdate puts the
// real message (text, keyboard) in the query, as Telegram does; take the id
// from the bot's send (Call.MessageID of a Sent call), since editing a
// message the fake never saw fails with "message to edit not found", as it
// would in production.
func Callback(chatID, userID int64, messageID int, data string, opts ...Option) models.Update {
	b := newBuilder(chatTypeForID(chatID), opts)
	from := botUser
	return models.Update{CallbackQuery: &models.CallbackQuery{
		ID:   fmt.Sprintf("cbq-b%d", builderSeq.Add(1)),
		From: b.user(userID),
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			// A date marks the message as accessible (a zero date means
			// InaccessibleMessage to the client's decoder).
			Message: &models.Message{ID: messageID, From: &from, Chat: b.chat(chatID), Date: int(time.Now().Unix())},
		},
		ChatInstance: fmt.Sprintf("ci%d", chatID),
		Data:         data,
	}}
}

// PhotoMessage is a photo sent by userID, in two sizes as Telegram sends
// them; the largest, last one has fileID (register its bytes with AddFile).
func PhotoMessage(chatID, userID int64, fileID string, opts ...Option) models.Update {
	m := newBuilder(models.ChatTypePrivate, opts).message(chatID, userID)
	m.Photo = []models.PhotoSize{
		{FileID: fileID + "-thumb", FileUniqueID: uniqueID(fileID + "-thumb"), Width: 90, Height: 68},
		{FileID: fileID, FileUniqueID: uniqueID(fileID), Width: 1280, Height: 960},
	}
	return models.Update{Message: m}
}

// DocumentMessage is a file sent by userID; register its bytes with
// AddFile(fileID, ...) so that the bot can download it.
func DocumentMessage(chatID, userID int64, fileID, fileName string, opts ...Option) models.Update {
	m := newBuilder(models.ChatTypePrivate, opts).message(chatID, userID)
	m.Document = &models.Document{FileID: fileID, FileUniqueID: uniqueID(fileID), FileName: fileName, MimeType: mimeType(fileName)}
	return models.Update{Message: m}
}

// Sticker is a sticker with emoji sent by userID.
func Sticker(chatID, userID int64, emoji string, opts ...Option) models.Update {
	m := newBuilder(models.ChatTypePrivate, opts).message(chatID, userID)
	id := fmt.Sprintf("sticker-b%d", builderSeq.Add(1))
	m.Sticker = &models.Sticker{FileID: id, FileUniqueID: uniqueID(id), Type: "regular", Width: 512, Height: 512, Emoji: emoji}
	return models.Update{Message: m}
}

// Voice is a voice note of the given length sent by userID; register its
// bytes with AddFile(fileID, ...) for the bot to download.
func Voice(chatID, userID int64, fileID string, seconds int, opts ...Option) models.Update {
	m := newBuilder(models.ChatTypePrivate, opts).message(chatID, userID)
	m.Voice = &models.Voice{FileID: fileID, FileUniqueID: uniqueID(fileID), Duration: seconds, MimeType: "audio/ogg"}
	return models.Update{Message: m}
}

// Edited is userID editing their message messageID to text.
func Edited(chatID, userID int64, messageID int, text string, opts ...Option) models.Update {
	b := newBuilder(models.ChatTypePrivate, opts)
	b.messageID = messageID
	m := b.message(chatID, userID)
	m.Text = text
	m.Entities = CommandEntities(text)
	return models.Update{EditedMessage: m}
}

// Forwarded is text forwarded by userID from someone whose account is
// hidden (forward_origin of type hidden_user named originName), the common
// case for a worker forwarding an employer's message.
func Forwarded(chatID, userID int64, text, originName string, opts ...Option) models.Update {
	m := newBuilder(models.ChatTypePrivate, opts).message(chatID, userID)
	m.Text = text
	m.Entities = CommandEntities(text)
	m.ForwardOrigin = &models.MessageOrigin{
		Type: models.MessageOriginTypeHiddenUser,
		MessageOriginHiddenUser: &models.MessageOriginHiddenUser{
			Type:           models.MessageOriginTypeHiddenUser,
			Date:           int(time.Now().Add(-time.Hour).Unix()),
			SenderUserName: originName,
		},
	}
	return models.Update{Message: m}
}

// CommandEntities returns the bot_command entities Telegram would attach to
// text: "/name" or "/name@bot" at the start or after a non-word character,
// with offsets and lengths in UTF-16 code units (not bytes or runes), so
// that Chinese text before a command gives the offsets the bot really sees.
func CommandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	rs := []rune(text)
	off := 0 // UTF-16 offset of rs[i]
	for i := 0; i < len(rs); i++ {
		if rs[i] == '/' && (i == 0 || !isCommandNeighbour(rs[i-1])) {
			j := i + 1
			for j < len(rs) && j-i-1 < 32 && isCommandChar(rs[j]) {
				j++
			}
			if j > i+1 {
				if j < len(rs) && rs[j] == '@' {
					k := j + 1
					for k < len(rs) && isCommandChar(rs[k]) {
						k++
					}
					if k > j+1 {
						j = k
					}
				}
				// Command characters are ASCII: one UTF-16 unit each.
				out = append(out, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: off, Length: j - i})
			}
		}
		off += len(utf16.Encode([]rune{rs[i]}))
	}
	return out
}

func isCommandChar(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
}

// isCommandNeighbour reports whether r before a '/' makes it part of a word
// or path ("a/b", "1/2") rather than a command.
func isCommandNeighbour(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '/'
}
