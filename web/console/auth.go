package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/web"
)

// user is the signed-in user of a request, with the role intake gives
// them now.
type user struct {
	intake.Principal
	session web.Session
	name    string
}

func (u *user) admin() bool { return u.Role == intake.RoleAdmin }

// cookieName and cookiePath: over https the __Host- prefix makes the
// browser refuse the cookie from anything but this host, over TLS, for
// the whole site.
func (c *Console) cookieName() string {
	if c.secure {
		return "__Host-laborbot_console"
	}
	return "laborbot_console"
}

func (c *Console) cookiePath() string {
	if c.secure {
		return "/"
	}
	return "/console/"
}

// SignInLink implements bot.ConsoleLinks: a random one-time token, stored
// by its hash, bound to userID, valid for LinkValidity. Only staff get
// links (the bot checks; so does this).
func (c *Console) SignInLink(ctx context.Context, userID int64) (string, time.Duration, error) {
	p, err := c.svc.Principal(ctx, userID)
	if err != nil {
		return "", 0, err
	}
	if !p.Role.Staff() {
		return "", 0, intake.ErrForbidden
	}
	token := web.NewToken()
	if err := c.sessions.PutSignInToken(ctx, web.TokenHash(token), userID, c.now().Add(LinkValidity)); err != nil {
		return "", 0, err
	}
	return c.base.String() + "/console/signin/" + token, LinkValidity, nil
}

// signInPage asks to confirm: opening the link does not use it up, so a
// chat app fetching the link for a preview cannot spend it.
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	c.render.Render(w, r, http.StatusOK, "signin", &web.Page{Title: "signin.title", Data: r.PathValue("token")})
}

// signIn spends the link's token and starts a session.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := c.now()
	userID, ok, err := c.sessions.TakeSignInToken(ctx, web.TokenHash(r.PathValue("token")), now)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !ok {
		c.render.Render(w, r, http.StatusUnauthorized, "signedout", &web.Page{Title: "signin.bad.title", Alert: c.render.Text("signin.bad", web.Lang(r))})
		return
	}
	p, err := c.svc.Principal(ctx, userID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if !p.Role.Staff() {
		c.render.Error(w, r, http.StatusForbidden, c.render.Text("auth.notstaff", web.Lang(r)))
		return
	}
	id := web.NewToken()
	s := web.Session{Hash: web.TokenHash(id), UserID: userID, Site: "console", At: now, LastSeen: now}
	if err := c.sessions.PutSession(ctx, s, c.idle); err != nil {
		c.fail(w, r, err)
		return
	}
	_ = c.svc.RecordAudit(ctx, userID, intake.ActionSignIn, 0, "console")
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: id, Path: c.cookiePath(), HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

// requireUser runs h for a signed-in mediator or admin (adminOnly: admin),
// or refuses: 401 without a live session, 403 for a session whose user is
// no longer staff (it is ended) or not an admin.
func (c *Console) requireUser(adminOnly bool, h func(http.ResponseWriter, *http.Request, *user)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		now := c.now()
		var s web.Session
		ok := false
		if ck, err := r.Cookie(c.cookieName()); err == nil && ck.Value != "" && len(ck.Value) <= 128 {
			var err error
			if s, ok, err = c.sessions.GetSession(ctx, web.TokenHash(ck.Value), now); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		if !ok || s.Site != "console" {
			c.clearCookie(w)
			c.render.Render(w, r, http.StatusUnauthorized, "signedout", &web.Page{Title: "signin.needed.title"})
			return
		}
		p, err := c.svc.Principal(ctx, s.UserID)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if !p.Role.Staff() {
			// Removed as a mediator: every session of theirs ends now.
			if _, err := c.sessions.DeleteUserSessions(ctx, s.UserID); err != nil {
				c.log.Error("console: ending a former mediator's sessions", "err", err)
			}
			c.clearCookie(w)
			c.render.Error(w, r, http.StatusForbidden, c.render.Text("auth.notstaff", web.Lang(r)))
			return
		}
		if adminOnly && p.Role != intake.RoleAdmin {
			c.render.Error(w, r, http.StatusForbidden, c.render.Text("auth.adminonly", web.Lang(r)))
			return
		}
		if now.Sub(s.LastSeen) >= touchEvery {
			if err := c.sessions.TouchSession(ctx, s.Hash, now, c.idle); err != nil {
				c.log.Warn("console: touching a session", "err", err)
			}
		}
		u := &user{Principal: p, session: s, name: c.displayName(ctx, p.UserID)}
		h(w, r, u)
	})
}

func (c *Console) displayName(ctx context.Context, id int64) string {
	if c.names != nil {
		if n := c.names(ctx, id); n != "" {
			return n
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (c *Console) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: "", Path: c.cookiePath(), MaxAge: -1, HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, u *user) {
	if err := c.sessions.DeleteSession(r.Context(), u.session.Hash); err != nil {
		c.fail(w, r, err)
		return
	}
	_ = c.svc.RecordAudit(r.Context(), u.UserID, intake.ActionSignOut, 0, "console")
	c.clearCookie(w)
	c.render.Render(w, r, http.StatusOK, "signedout", &web.Page{Title: "signout.title", Flash: c.render.Text("signout.done", web.Lang(r))})
}

func (c *Console) signOutAll(w http.ResponseWriter, r *http.Request, u *user) {
	n, err := c.sessions.DeleteUserSessions(r.Context(), u.UserID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	_ = c.svc.RecordAudit(r.Context(), u.UserID, intake.ActionSignOut, 0, "everywhere")
	c.clearCookie(w)
	lang := web.Lang(r)
	c.render.Render(w, r, http.StatusOK, "signedout", &web.Page{Title: "signout.title", Flash: c.render.Text("signout.all", lang) + " (" + strconv.Itoa(n) + ")"})
}

func (c *Console) setLang(w http.ResponseWriter, r *http.Request) {
	web.SetLang(w, r.URL.Query().Get("to"), c.secure)
	http.Redirect(w, r, web.LocalPath(r.URL.Query().Get("next"), "/console/"), http.StatusSeeOther)
}

// fail answers an error of the domain or the store: refusals plainly,
// anything else as a 500 page (logged without personal data).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	lang := web.Lang(r)
	var te *intake.TransitionError
	switch {
	case errors.Is(err, intake.ErrForbidden), errors.Is(err, knowledge.ErrNotAllowed):
		c.render.Error(w, r, http.StatusForbidden, "")
	case errors.Is(err, letter.ErrNotFound), errors.Is(err, knowledge.ErrNotFound):
		c.render.Error(w, r, http.StatusNotFound, "")
	case errors.Is(err, intake.ErrNotFound):
		c.render.Error(w, r, http.StatusNotFound, c.render.Text("ticket.notfound", lang))
	case errors.Is(err, intake.ErrAlreadyClaimed):
		c.render.Error(w, r, http.StatusConflict, c.render.Text("ticket.taken", lang))
	case errors.As(err, &te):
		c.render.Error(w, r, http.StatusConflict, c.render.Text("ticket.conflict", lang))
	case web.TooLarge(err):
		c.render.Error(w, r, http.StatusRequestEntityTooLarge, "")
	default:
		c.log.Error("console: request failed", "path", r.URL.Path, "err", err)
		c.render.Error(w, r, http.StatusInternalServerError, "")
	}
}

// nav is the header menu for u.
func (c *Console) page(r *http.Request, u *user, title, active string, data any) *web.Page {
	nav := []web.NavItem{{Key: "nav.queue", URL: "/console/"}, {Key: "nav.dashboard", URL: "/console/dashboard"}}
	if c.kb != nil {
		nav = append(nav, web.NavItem{Key: "nav.kb", URL: "/console/kb/"})
	}
	if u.admin() {
		nav = append(nav, web.NavItem{Key: "nav.mediators", URL: "/console/admin/mediators"})
		if c.letters != nil {
			nav = append(nav, web.NavItem{Key: "nav.letters", URL: "/console/admin/letters"})
		}
		nav = append(nav, web.NavItem{Key: "nav.audit", URL: "/console/admin/audit"}, web.NavItem{Key: "nav.posters", URL: "/console/admin/posters"})
	}
	return &web.Page{Title: title, Nav: nav, Active: active, User: u.name, SignOut: "/console/signout", Data: data}
}
