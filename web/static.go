package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// StaticPrefix is where Assets are served.
const StaticPrefix = "/static/"

// Assets are the static files under web/static, embedded in the binary.
// Each has a content hash: URL gives "/static/app.css?v=HASH", which is
// cached for a year (a new build changes the hash, so browsers fetch the
// new file); without the right hash a file is cached for 5 minutes only.
type Assets struct {
	files map[string]asset // read-only after NewAssets
}

type asset struct {
	data  []byte
	hash  string
	ctype string
}

// NewAssets loads the embedded static files.
func NewAssets() (*Assets, error) {
	a := &Assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(data)
		}
		a.files[strings.TrimPrefix(p, "static/")] = asset{data: data, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return a, nil
}

// URL is the path of a static file with its content hash, for templates.
// An unknown name is a programming error and gives a path that 404s, so a
// test of the page finds it.
func (a *Assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		return StaticPrefix + "missing/" + name
	}
	return StaticPrefix + name + "?v=" + f.hash
}

// ServeHTTP serves the files under StaticPrefix (GET and HEAD only).
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	f, ok := a.files[strings.TrimPrefix(r.URL.Path, StaticPrefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	// ServeContent answers If-None-Match with 304 and handles ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
