// Package terminal holds the conversation in a terminal, for trying the bot
// without Telegram: lines typed are messages ("/help" is a command), replies
// are printed as text, and buttons are numbered so typing "#2" presses the
// second one.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/markdown"
)

// ChatID and UserID are the ids the terminal user has in the store.
const (
	ChatID = 1
	UserID = 1
)

// Messenger shows messages meant for other chats (the mediators' group, a
// worker) in the terminal, where everyone is the same person.
func Messenger(out io.Writer) bot.Messenger {
	r := &responder{out: out}
	return bot.MessengerFunc(r.SendTo)
}

// Run reads lines from in until it ends (or ctx does) and prints the bot's
// replies to out. lang ("zh" or "en"; anything else is Chinese) is the
// language the chat starts in: it is set at start, replacing a choice
// saved by an earlier session, and said in the first line with how to
// switch, so the language never silently follows the environment.
func Run(ctx context.Context, conv *bot.Conversation, in io.Reader, out io.Writer, lang string) error {
	if lang != "en" {
		lang = "zh"
	}
	r := &responder{out: out}
	if lang == "en" {
		fmt.Fprintln(out, "laborbot terminal chat — type a question, /help for commands, #N to press button N, Ctrl-D to quit.\n"+
			"Language: English. To switch, send /lang zh (中文), or start with: laborbot chat --lang zh")
	} else {
		fmt.Fprintln(out, "laborbot 终端聊天 — 直接打字提问，/help 看命令，#N 按第 N 个按钮，Ctrl-D 退出。\n"+
			"语言：中文。Language: Chinese — send /lang en for English, or start with: laborbot chat --lang en")
	}
	// The language is set quietly: the line above has said it.
	quiet := &responder{out: io.Discard}
	if err := conv.Handle(ctx, bot.Incoming{ChatID: ChatID, UserID: UserID, ChatType: bot.ChatPrivate, LangCode: lang, Kind: bot.KindCommand, Command: "lang", Args: lang}, quiet); err != nil {
		return err
	}
	if err := conv.Handle(ctx, bot.Incoming{ChatID: ChatID, UserID: UserID, ChatType: bot.ChatPrivate, LangCode: lang, Kind: bot.KindCommand, Command: "start"}, r); err != nil {
		return err
	}
	// Lines are read on their own goroutine so that Ctrl-C (ctx) ends the
	// chat at the prompt too, not only after the next line is typed.
	lines := make(chan string)
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		done <- sc.Err()
	}()
	for {
		fmt.Fprint(out, "\n> ")
		var line string
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case err := <-done:
			fmt.Fprintln(out)
			return err
		case line = <-lines:
		}
		if ctx.Err() != nil {
			return nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		msg := bot.Incoming{ChatID: ChatID, UserID: UserID, ChatType: bot.ChatPrivate, LangCode: lang, Kind: bot.KindText, Text: line}
		switch {
		case strings.HasPrefix(line, "#"):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "#"))
			data, ok := r.button(n)
			if err != nil || !ok {
				fmt.Fprintln(out, localTexts.noButton.in(lang))
				continue
			}
			msg.Kind, msg.Text, msg.Data, msg.CallbackID = bot.KindCallback, "", data, "terminal"
			if l, ok := strings.CutPrefix(data, "lang|"); ok {
				lang = chatLang(l, lang)
			}
		case strings.HasPrefix(line, "/"):
			word, args, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
			msg.Kind, msg.Text, msg.Command, msg.Args = bot.KindCommand, "", strings.ToLower(word), strings.TrimSpace(args)
			if msg.Command == "lang" {
				lang = chatLang(strings.ToLower(msg.Args), lang)
			}
		}
		if err := conv.Handle(ctx, msg, r); err != nil {
			fmt.Fprintf(out, localTexts.failed.in(lang)+"\n", err)
		}
	}
}

// The terminal's own few lines, in the chat's language as /lang sets it.
var localTexts = struct{ noButton, failed pair }{
	noButton: pair{"（没有这个按钮：请输入上面列出的 #编号）", "(no such button: type one of the #numbers shown above)"},
	failed:   pair{"（出错了：%v）", "(error: %v)"},
}

type pair struct{ zh, en string }

func (p pair) in(lang string) string {
	if lang == "en" {
		return p.en
	}
	return p.zh
}

// chatLang is the language /lang ARG switches to, or cur when ARG names
// none (the command then only shows the choice).
func chatLang(arg, cur string) string {
	switch arg {
	case "en", "zh":
		return arg
	}
	return cur
}

type responder struct {
	out     io.Writer
	mu      sync.Mutex
	buttons []bot.Button
}

func (r *responder) button(n int) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n < 1 || n > len(r.buttons) || r.buttons[n-1].Data == "" {
		return "", false
	}
	return r.buttons[n-1].Data, true
}

func (r *responder) Typing(context.Context) error { return nil }

func (r *responder) Send(_ context.Context, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Replies are Markdown; users' words in them are escaped
	// (markdown.Literal), so they print as typed.
	fmt.Fprintln(r.out, markdown.Plain(rep.Text))
	r.buttons = r.buttons[:0]
	for _, row := range rep.Buttons {
		var cells []string
		for _, b := range row {
			r.buttons = append(r.buttons, b)
			label := b.Text
			if b.URL != "" {
				label += " (" + b.URL + ")"
			}
			cells = append(cells, fmt.Sprintf("[#%d %s]", len(r.buttons), label))
		}
		fmt.Fprintln(r.out, strings.Join(cells, " "))
	}
	return nil
}

// SendFile writes the file into the current directory, as a terminal user
// would save it.
func (r *responder) SendFile(_ context.Context, name string, data []byte, caption string) error {
	name = filepath.Base(name)
	if err := os.WriteFile(name, data, 0o600); err != nil {
		return err
	}
	// The full path: the file lands in whatever directory the chat was
	// started from.
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	fmt.Fprintf(r.out, "(file saved: %s) %s\n", name, caption)
	return nil
}

// ResendFile shows that a stored file (evidence) would be sent.
func (r *responder) ResendFile(_ context.Context, kind, fileID, caption string) error {
	fmt.Fprintf(r.out, "(%s %s) %s\n", kind, fileID, caption)
	return nil
}

// SendTo shows a message meant for another chat (the mediators' group, a
// worker): in the terminal everyone is the same person.
func (r *responder) SendTo(ctx context.Context, chatID int64, rep bot.Reply) error {
	fmt.Fprintf(r.out, "(to chat %d)\n", chatID)
	return r.Send(ctx, rep)
}

func (r *responder) Ack(_ context.Context, notice string) error {
	if notice != "" {
		fmt.Fprintf(r.out, "(%s)\n", notice)
	}
	return nil
}

// Stream prints the answer as it arrives, then the final reply in full: it
// may differ from the draft (a fallback after a model failure) and carries
// the legal basis and the disclaimer.
func (r *responder) Stream(context.Context) bot.Stream { return &stream{r: r} }

type stream struct {
	r     *responder
	shown string
}

func (s *stream) Update(_ context.Context, text string) error {
	if strings.HasPrefix(text, s.shown) {
		fmt.Fprint(s.r.out, text[len(s.shown):])
		s.shown = text
	}
	return nil
}

func (s *stream) Finish(ctx context.Context, rep bot.Reply) error {
	if s.shown != "" {
		fmt.Fprint(s.r.out, "\n\n")
	}
	return s.r.Send(ctx, rep)
}
