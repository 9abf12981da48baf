package telegramtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Call is one request the fake server answered.
//
// Params holds every non-file field as the text the client sent. The
// go-telegram client encodes nested objects (reply_markup, entities,
// commands, link_preview_options, ...) as JSON text inside a multipart
// field, and JSON request bodies are flattened the same way, so a test can
// read any parameter with JSON whatever encoding the client chose.
type Call struct {
	// Method is the Bot API method with Telegram's spelling
	// ("sendMessage" even if the client sent "sendmessage"), or
	// "downloadFile" for a GET of {URL}/file/bot{token}/{file_path}.
	Method string
	Params map[string]string
	// Files holds the bytes of each uploaded file part, by field name.
	Files map[string][]byte
	// FileNames holds the file name the client gave each uploaded part.
	FileNames map[string]string
	// At is when the request arrived (before any SetLatency delay).
	At time.Time
	// Status is the HTTP status the fake answered: 200 on success, the
	// error_code otherwise, 0 when the client went away first (a long poll
	// cancelled by its context). Failed calls are recorded too, so a test
	// can see a retry; Sent and WaitForText only look at successful ones.
	Status int
	// Result is the JSON "result" of a successful answer (nil otherwise).
	Result json.RawMessage
}

// OK reports whether the fake answered the call successfully.
func (c Call) OK() bool { return c.Status == 200 }

// Int64 returns the named parameter as an integer, or 0 if it is missing or
// not a number (a chat_id given as "@username", say).
func (c Call) Int64(name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(c.Params[name]), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// JSON decodes the named parameter, which the client sent as JSON text, into
// v. It fails if the parameter is missing.
func (c Call) JSON(name string, v any) error {
	s, ok := c.Params[name]
	if !ok {
		return fmt.Errorf("telegramtest: %s call has no parameter %q", c.Method, name)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("telegramtest: %s parameter %q: %w", c.Method, name, err)
	}
	return nil
}

// Text is the message text of the call: the text parameter, or the caption
// for media methods.
func (c Call) Text() string {
	if t, ok := c.Params["text"]; ok {
		return t
	}
	return c.Params["caption"]
}

// MessageID is the message_id the call produced or addressed: taken from
// the result when the fake answered with a message, else from the
// message_id parameter. Tests use it to push a Callback on a message the
// bot sent.
func (c Call) MessageID() int {
	if len(c.Result) > 0 && c.Result[0] == '{' {
		var m struct {
			ID int `json:"message_id"`
		}
		if json.Unmarshal(c.Result, &m) == nil && m.ID != 0 {
			return m.ID
		}
	}
	return int(c.Int64("message_id"))
}

// ReplyMarkup parses the call's reply_markup as an inline keyboard. It
// returns nil if the call has no reply_markup or it is another kind of
// markup (a reply keyboard, ForceReply, ...), so a test can assert both
// presence and content.
func ReplyMarkup(c Call) *models.InlineKeyboardMarkup {
	s, ok := c.Params["reply_markup"]
	if !ok {
		return nil
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &probe) != nil {
		return nil
	}
	if _, ok := probe["inline_keyboard"]; !ok {
		return nil
	}
	var m models.InlineKeyboardMarkup
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return &m
}

// String gives a one-line summary for failure dumps. It shows the
// parameters a reader needs to recognise a call and shortens long texts so
// that a dump of many calls stays readable.
func (c Call) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s [%d]", c.At.Format("15:04:05.000"), c.Method, c.Status)
	keys := make([]string, 0, len(c.Params))
	for k := range c.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, shorten(c.Params[k], 80))
	}
	for k, data := range c.Files {
		fmt.Fprintf(&b, " %s=<file %q, %d bytes>", k, c.FileNames[k], len(data))
	}
	return b.String()
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
