package bot

import "context"

// ChatType tells a private chat from a group.
type ChatType string

// The kinds of chats the bot is in.
const (
	ChatPrivate ChatType = "private"
	ChatGroup   ChatType = "group"
)

// Kind is what a user sent.
type Kind string

// The kinds of input a channel can deliver.
const (
	KindText      Kind = "text"
	KindCommand   Kind = "command"
	KindCallback  Kind = "callback"  // a button was pressed
	KindSticker   Kind = "sticker"   // also animations and dice
	KindVoice     Kind = "voice"     // voice notes, audio, video notes
	KindPhoto     Kind = "photo"     // photos and videos
	KindDocument  Kind = "document"  // files
	KindEdited    Kind = "edited"    // an edit of an earlier message
	KindForwarded Kind = "forwarded" // a message forwarded from elsewhere
	KindOther     Kind = "other"     // locations, contacts, polls...
)

// Incoming is one thing a user did, whatever the channel.
type Incoming struct {
	UpdateID int64 // for dedupe; 0 when the channel has no ids
	ChatID   int64
	UserID   int64
	ChatType ChatType
	LangCode string // the client's language, e.g. "zh-hans", "en"
	Kind     Kind
	Text     string // the message text (without a leading @mention)
	Command  string // for KindCommand: "start", "help"... (no slash, lower case)
	Args     string // for KindCommand: what followed the command
	Data     string // for KindCallback: the button's data
	// CallbackID identifies the button press to the channel (to answer it).
	CallbackID string
	// Addressed is true when the bot was mentioned or replied to, which is
	// when it speaks in a group.
	Addressed bool
	// Files are the ids of photos or documents sent.
	Files []File
	// ReplyToUserID is the author of the message this one replies to (0:
	// not a reply), e.g. for "/mediator add" as a reply.
	ReplyToUserID int64
	// Deduped is set by a channel that takes updates in through a spool
	// (Spool): it drops repeated deliveries itself, so the conversation
	// does not mark the update again.
	Deduped bool
	// Redelivered is set when a channel hands over again, after a
	// restart, an update it took in before: it may have been partly
	// handled (Handle then does not apply a step twice).
	Redelivered bool
	// Source is the tag of the link the user came through (a poster's QR
	// code: a site, a union branch, a campaign); "" = none. A complaint
	// records it, so statistics can count by source.
	Source string
}

// File is a photo or document a user sent, by the channel's id.
type File struct {
	ID   string
	Name string
	Kind string // "photo" or "document"
}

// Reply is something the bot says: text in light Markdown (**bold**, lists)
// and optional rows of buttons.
type Reply struct {
	Text    string
	Buttons [][]Button
}

// Button is a button under a reply: it sends Data back as a callback, or
// opens URL.
type Button struct {
	Text string
	Data string
	URL  string
}

// Responder is how the conversation answers on a channel. The channel
// decides how to render and pace replies (Telegram has rate limits; a
// terminal does not).
type Responder interface {
	// Typing shows that an answer is being prepared.
	Typing(ctx context.Context) error
	// Send sends a reply; a channel splits text that is too long for it.
	Send(ctx context.Context, r Reply) error
	// Stream starts a reply whose text arrives in pieces.
	Stream(ctx context.Context) Stream
	// Ack answers a button press with a short notice (empty: none).
	Ack(ctx context.Context, notice string) error
	// SendFile sends a file (an exported entry, a CSV export).
	SendFile(ctx context.Context, name string, data []byte, caption string) error
	// ResendFile sends again a file the channel already holds, by its id
	// (a worker's evidence, to the mediator); kind is "photo" or "document".
	ResendFile(ctx context.Context, kind, fileID, caption string) error
}

// Messenger reaches chats other than the one being answered: the mediators'
// group, a worker told of a change to their ticket, a relayed message.
type Messenger interface {
	SendTo(ctx context.Context, chatID int64, r Reply) error
}

// MessengerFunc adapts a function to Messenger (to bind a channel that is
// made after the conversation).
type MessengerFunc func(ctx context.Context, chatID int64, r Reply) error

// SendTo calls f.
func (f MessengerFunc) SendTo(ctx context.Context, chatID int64, r Reply) error {
	return f(ctx, chatID, r)
}

// Downloader fetches a file a user sent (an entry uploaded by an admin).
type Downloader interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// Stream shows an answer while it is being written.
type Stream interface {
	// Update shows the text so far (the whole text, not a delta). A channel
	// may skip updates to stay within its rate limits.
	Update(ctx context.Context, textSoFar string) error
	// Finish replaces the draft with the final reply.
	Finish(ctx context.Context, r Reply) error
}

// DownloaderFunc adapts a function to Downloader.
type DownloaderFunc func(ctx context.Context, fileID string) ([]byte, error)

// Download calls f.
func (f DownloaderFunc) Download(ctx context.Context, fileID string) ([]byte, error) {
	return f(ctx, fileID)
}
