package bot

import (
	"context"
	"fmt"
	"time"
)

// ConsoleLinks makes one-time sign-in links to the web console (package
// web/console), so the bot needs to know nothing of the web.
type ConsoleLinks interface {
	// SignInLink returns a link that signs userID in once, and how long
	// it is valid. The caller has checked that userID is staff.
	SignInLink(ctx context.Context, userID int64) (url string, valid time.Duration, err error)
}

// WithConsole adds /console: a mediator or admin gets a one-time link to
// the web console in their private chat. Needs WithIntake (for roles).
func WithConsole(links ConsoleLinks) Option {
	return func(c *Conversation) {
		c.commands["console"] = func(ctx context.Context, in Incoming, lang string, out Responder) error {
			return c.consoleLink(ctx, links, in, lang, out)
		}
	}
}

var consoleTexts = struct{ group, link text }{
	group: text{"请在和我的私聊中发送 /console：登录链接只能发给你本人。", "Send /console in your private chat with me: a sign-in link is for you alone."},
	link: text{"🔐 调解台登录链接（%d 分钟内有效，只能使用一次；不要转发给别人）：\n%s",
		"🔐 Your sign-in link to the mediation console (valid for %d minutes, works once; do not forward it):\n%s"},
}

func (c *Conversation) consoleLink(ctx context.Context, links ConsoleLinks, in Incoming, lang string, out Responder) error {
	if c.intake == nil {
		return out.Send(ctx, Reply{Text: texts.unknownCommand.in(lang)})
	}
	if in.ChatType != ChatPrivate {
		return out.Send(ctx, Reply{Text: consoleTexts.group.in(lang), Buttons: c.privateLink(lang, "")})
	}
	if _, ok, err := c.requireStaff(ctx, in, lang, out); !ok || err != nil {
		return err
	}
	url, valid, err := links.SignInLink(ctx, in.UserID)
	if err != nil {
		return err
	}
	return out.Send(ctx, Reply{Text: fmt.Sprintf(consoleTexts.link.in(lang), int(valid/time.Minute), url)})
}
