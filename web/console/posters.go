package console

import (
	"net/http"
	"strings"

	"github.com/laborbot/laborbot/poster"
	"github.com/laborbot/laborbot/web"
)

type postersData struct {
	Source, Title, Union, Link string
}

// postersPage is where admins make posters: the web chat's link with a
// source tag as a QR code, in a PNG and a printable A4 PDF (the same as
// `laborbot poster`).
func (c *Console) postersPage(w http.ResponseWriter, r *http.Request, u *user) {
	p := c.page(r, u, "nav.posters", "nav.posters", postersData{Union: c.union})
	c.render.Render(w, r, http.StatusOK, "posters", p)
}

func (c *Console) makePoster(w http.ResponseWriter, r *http.Request, u *user) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, err)
		return
	}
	f := r.PostForm
	d := postersData{Source: strings.TrimSpace(f.Get("source")), Title: strings.TrimSpace(f.Get("title")), Union: strings.TrimSpace(f.Get("union"))}
	lang := web.Lang(r)
	refuse := func(key string) {
		p := c.page(r, u, "nav.posters", "nav.posters", d)
		p.Alert = c.render.Text(key, lang)
		c.render.Render(w, r, http.StatusUnprocessableEntity, "posters", p)
	}
	if !poster.ValidSource(d.Source) {
		refuse("posters.badsource")
		return
	}
	link, err := poster.Link(c.base.String(), d.Source)
	if err != nil {
		refuse("posters.badsource")
		return
	}
	p := poster.Poster{Union: d.Union, Title: d.Title, Link: link, Source: d.Source}
	var data []byte
	ctype, ext := "application/pdf", "pdf"
	if f.Get("format") == "png" {
		ctype, ext = "image/png", "png"
		data, err = p.PNG()
	} else {
		data, err = p.PDF()
	}
	if err != nil {
		refuse("posters.incomplete")
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="poster-`+d.Source+"."+ext+`"`)
	_, _ = w.Write(data)
}
