package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
)

//go:embed templates
var templateFS embed.FS

// Text is a text of the pages in both languages. The pages are Chinese
// first; English is for union staff and workers who prefer it.
type Text struct{ Zh, En string }

// In returns the text in lang ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.En != "" {
		return t.En
	}
	return t.Zh
}

// Texts are a site's texts by key, used in templates as {{t "key"}}.
//
// Two languages and a few hundred short texts need no message-catalog
// library: a Go table keeps each text's two versions side by side, is
// checked by the compiler and by tests (every key a template uses must
// exist), and matches the calc.Text pairs the rest of laborbot uses.
type Texts map[string]Text

// With returns the texts of ts and more (more wins on a clash).
func (ts Texts) With(more Texts) Texts {
	out := make(Texts, len(ts)+len(more))
	for k, v := range ts {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// baseTexts are the layout's and the error page's own texts.
var baseTexts = Texts{
	"site":          {"劳动者服务", "laborbot"},
	"skip":          {"跳到正文", "Skip to content"},
	"menu":          {"菜单", "Menu"},
	"signout":       {"退出登录", "Sign out"},
	"error.title":   {"出错了", "Something went wrong"},
	"error.home":    {"返回首页", "Back to the start"},
	"error.400":     {"请求有误，请返回重试。", "The request was not valid. Go back and try again."},
	"error.401":     {"请先登录。", "Please sign in first."},
	"error.403":     {"你没有权限访问这个页面。", "You may not see this page."},
	"error.404":     {"找不到这个页面。", "There is no such page."},
	"error.405":     {"不支持这种请求方式。", "This kind of request is not supported here."},
	"error.413":     {"提交的内容太大了。", "What you sent is too large."},
	"error.500":     {"服务器出了问题，已记录。请稍后再试。", "The server had a problem; it has been logged. Please try again later."},
	"error.default": {"无法完成这个请求。", "This request could not be completed."},
}

// NavItem is an entry of the header menu.
type NavItem struct {
	Key   string // its text's key
	URL   string
	Count int // shown after the text when > 0 (e.g. unclaimed tickets)
}

// Page is what every page's template gets: the layout's fields and the
// page's own Data.
type Page struct {
	// Lang is set by Render from the request.
	Lang string
	// Title is the text key of the page's title.
	Title string
	// TitleArg is shown after the title (a ticket number).
	TitleArg string
	// Nav is the header menu; Active the key of the current entry.
	Nav    []NavItem
	Active string
	// User is who is signed in, shown in the header ("" = nobody).
	User string
	// SignOut is the URL sign-out posts to ("" = no sign-out button).
	SignOut string
	// Path is the request's path and query, for the language switch.
	Path string
	// Flash and Alert are a success and an error notice, shown above the
	// content; FlashKey/AlertKey are the same as text keys.
	Flash, Alert string
	// Data is the page's own content.
	Data any
	// Scripts are a site's own static scripts (names under web/static),
	// loaded after app.js.
	Scripts []string
	// BodyClass is a class for the page's body (a site's own layout).
	BodyClass string
}

// RendererOptions configure a Renderer.
type RendererOptions struct {
	// Pages holds the site's page templates: each file defines "content"
	// (and may define other templates of its own). The file name without
	// ".html" is the page's name for Render.
	Pages fs.FS
	// Partials are files of Pages parsed into every page (shared
	// fragments), as a glob like "partials/*.html"; "" = none.
	Partials string
	Texts    Texts
	Funcs    template.FuncMap
	Assets   *Assets
	// Home is where the error page's link leads.
	Home string
	// LangPath is the URL that switches the language ("?to=en&next=..."
	// is added); "" = no switch in the header.
	LangPath string
	Logger   *slog.Logger
}

// Renderer renders pages in the base layout, in Chinese or English.
type Renderer struct {
	pages    map[string]map[string]*template.Template // lang → page → template; read-only after NewRenderer
	texts    Texts
	assets   *Assets
	home     string
	langPath string
	log      *slog.Logger
}

// Languages are the pages' languages.
var languages = []string{"zh", "en"}

// NewRenderer parses the layout and every page, once per language.
func NewRenderer(o RendererOptions) (*Renderer, error) {
	if o.Assets == nil {
		return nil, errors.New("web: NewRenderer: no Assets")
	}
	r := &Renderer{pages: map[string]map[string]*template.Template{}, texts: baseTexts.With(o.Texts),
		assets: o.Assets, home: o.Home, langPath: o.LangPath, log: logger(o.Logger)}
	var names []string
	if o.Pages != nil {
		err := fs.WalkDir(o.Pages, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(p) != ".html" {
				return err
			}
			if o.Partials != "" {
				if ok, _ := path.Match(o.Partials, p); ok {
					return nil
				}
			}
			names = append(names, p)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("web: pages: %w", err)
		}
	}
	for _, lang := range languages {
		base, err := template.New("layout").Funcs(r.funcs(lang, o.Funcs)).ParseFS(templateFS, "templates/layout.html")
		if err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		if o.Partials != "" {
			if base, err = base.ParseFS(o.Pages, o.Partials); err != nil {
				return nil, fmt.Errorf("web: partials: %w", err)
			}
		}
		errorPage, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/error.html")
		if err != nil {
			return nil, fmt.Errorf("web: error page: %w", err)
		}
		set := map[string]*template.Template{"error": errorPage}
		for _, name := range names {
			t, err := template.Must(base.Clone()).ParseFS(o.Pages, name)
			if err != nil {
				return nil, fmt.Errorf("web: page %s: %w", name, err)
			}
			set[strings.TrimSuffix(name, ".html")] = t
		}
		r.pages[lang] = set
	}
	return r, nil
}

// funcs are the template functions for one language.
func (r *Renderer) funcs(lang string, extra template.FuncMap) template.FuncMap {
	fm := template.FuncMap{
		// t is a text in the page's language; an unknown key shows as
		// itself in brackets (tests look for those).
		"t": func(key string) string {
			if txt, ok := r.texts[key]; ok {
				return txt.In(lang)
			}
			return "[" + key + "]"
		},
		// tf is a text with fmt arguments.
		"tf": func(key string, args ...any) string {
			if txt, ok := r.texts[key]; ok {
				return fmt.Sprintf(txt.In(lang), args...)
			}
			return "[" + key + "]"
		},
		"static": r.assets.URL,
		"lang":   func() string { return lang },
		"otherLang": func() string {
			if lang == "en" {
				return "zh"
			}
			return "en"
		},
		"home": func() string { return r.home },
		"langURL": func(to, current string) string {
			if r.langPath == "" {
				return ""
			}
			return r.langPath + "?to=" + to + "&next=" + template.URLQueryEscaper(current)
		},
	}
	for k, v := range extra {
		fm[k] = v
	}
	return fm
}

// HasText reports whether key is one of the renderer's texts.
func (r *Renderer) HasText(key string) bool { _, ok := r.texts[key]; return ok }

// Text returns a text in lang ("[key]" when unknown).
func (r *Renderer) Text(key, lang string) string {
	if t, ok := r.texts[key]; ok {
		return t.In(lang)
	}
	return "[" + key + "]"
}

// Render writes page with status. The page is rendered into a buffer
// first, so a template error becomes the error page, not half a page.
// Pages carry personal data: they are never stored by browsers or
// proxies.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, name string, p *Page) {
	if p == nil {
		p = &Page{}
	}
	p.Lang = Lang(req)
	if p.Path == "" {
		p.Path = req.URL.RequestURI()
	}
	t, ok := r.pages[p.Lang][name]
	if !ok {
		r.log.Error("web: no such page template", "page", name)
		r.Error(w, req, http.StatusInternalServerError, "")
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		r.log.Error("web: rendering a page failed", "page", name, "err", err)
		if name != "error" {
			r.Error(w, req, http.StatusInternalServerError, "")
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ErrorData is the error page's content.
type ErrorData struct {
	Status  int
	Message string // "" = the status's standard text
	Home    string
}

// Error writes the error page: the status, a plain explanation (message,
// or the standard one for the status, in the page's language) and a link
// back. It never shows an error's details.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, status int, message string) {
	lang := Lang(req)
	if message == "" {
		key := fmt.Sprintf("error.%d", status)
		if !r.HasText(key) {
			key = "error.default"
		}
		message = r.Text(key, lang)
	}
	r.Render(w, req, status, "error", &Page{Title: "error.title", Data: ErrorData{Status: status, Message: message, Home: r.home}})
}

// Recover turns a panic in next into the error page (500) and a log line
// with the path and the stack, never the request's content.
func (r *Renderer) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				r.log.Error("web: handler panicked", "path", req.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				r.Error(w, req, http.StatusInternalServerError, "")
			}
		}()
		next.ServeHTTP(w, req)
	})
}

// Deny is an http.Handler for refused requests (CrossOrigin's deny
// handler): a 403 error page.
func (r *Renderer) Deny() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.Error(w, req, http.StatusForbidden, "")
	})
}

// FragmentTo renders one template of a page without the layout into w
// (for HTML sent inside JSON).
func (r *Renderer) FragmentTo(w io.Writer, req *http.Request, name, tmpl string, p *Page) error {
	if p == nil {
		p = &Page{}
	}
	p.Lang = Lang(req)
	t, ok := r.pages[p.Lang][name]
	if !ok {
		return fmt.Errorf("web: no such page template %q", name)
	}
	return t.ExecuteTemplate(w, tmpl, p)
}

// Fragment writes one template of a page without the layout (for a part
// of a page that a script refreshes), with the page's texts.
func (r *Renderer) Fragment(w http.ResponseWriter, req *http.Request, status int, name, tmpl string, p *Page) {
	if p == nil {
		p = &Page{}
	}
	p.Lang = Lang(req)
	t, ok := r.pages[p.Lang][name]
	var buf bytes.Buffer
	if !ok {
		r.log.Error("web: no such page template", "page", name)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, tmpl, p); err != nil {
		r.log.Error("web: rendering a fragment failed", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
