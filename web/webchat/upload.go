package webchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/web"
)

// MaxFileSize is the largest file a worker can upload (10 MiB, as for
// evidence downloaded from Telegram: intake.MaxEvidenceSize).
const MaxFileSize = 10 << 20

// sniff tells what a file is from its first bytes, never from its name or
// the browser's claim: photos (JPEG, PNG, GIF, WebP, HEIC) and PDF
// documents are taken, anything else is refused.
func sniff(data []byte) (kind string, ok bool) {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return "photo", true
	case "application/pdf":
		return "document", true
	}
	// HEIC (iPhone photos): an ISO-BMFF "ftyp" box with a HEIF brand.
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		switch string(data[8:12]) {
		case "heic", "heix", "heim", "heis", "mif1", "msf1":
			return "photo", true
		}
	}
	return "", false
}

// fileID names an upload for the conversation and the ticket's evidence.
func fileID(worker int64, id string) string {
	return bot.WebFilePrefix + strconv.FormatInt(worker, 10) + ":" + id
}

func parseFileID(fileID string) (worker int64, id string, ok bool) {
	rest, ok := strings.CutPrefix(fileID, bot.WebFilePrefix)
	if !ok {
		return 0, "", false
	}
	w, id, ok := strings.Cut(rest, ":")
	worker, err := strconv.ParseInt(w, 10, 64)
	return worker, id, ok && err == nil && bot.IsWebID(worker) && id != ""
}

// Download returns the bytes of a file uploaded in the web chat, by the id
// the conversation got (bot.WebFilePrefix…): it is the bot.Downloader that
// stores a complaint's evidence. Other ids are not the web chat's.
func (c *Chat) Download(ctx context.Context, id string) ([]byte, error) {
	worker, key, ok := parseFileID(id)
	if !ok {
		return nil, errors.New("webchat: not a web chat file id")
	}
	blob, err := c.store.GetUpload(ctx, worker, key)
	if err != nil {
		return nil, err
	}
	plain, err := c.sealer.Open(string(blob))
	if err != nil {
		return nil, err
	}
	return []byte(plain), nil
}

// upload takes a photo or a file: during a complaint's evidence step it
// becomes evidence; with an open complaint it is added to it; otherwise
// the conversation says what to do instead (as for a photo in Telegram).
func (c *Chat) upload(w http.ResponseWriter, r *http.Request) {
	worker := c.session(w, r)
	if !c.allow(w, r, worker) {
		return
	}
	lang := web.Lang(r)
	f, _, err := r.FormFile("file")
	if err != nil {
		if web.TooLarge(err) {
			c.refuse(w, r, worker, fmt.Sprintf(texts["upload.toolarge"].In(lang), MaxFileSize>>20))
			return
		}
		c.refuse(w, r, worker, texts["upload.none"].In(lang))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil || len(data) == 0 {
		c.refuse(w, r, worker, texts["upload.none"].In(lang))
		return
	}
	if len(data) > MaxFileSize {
		c.refuse(w, r, worker, fmt.Sprintf(texts["upload.toolarge"].In(lang), MaxFileSize>>20))
		return
	}
	kind, ok := sniff(data)
	if !ok {
		c.refuse(w, r, worker, texts["upload.type"].In(lang))
		return
	}
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	id := hex.EncodeToString(rnd[:])
	sealed, err := c.sealer.Seal(string(data))
	if err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if err := c.store.PutUpload(r.Context(), worker, id, []byte(sealed), c.now().Add(c.uploadTTL)); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	in := c.incoming(r, worker)
	in.Kind, in.Files = bot.KindPhoto, []bot.File{{ID: fileID(worker, id), Kind: kind}}
	label := texts["upload.photo"].In(lang)
	if kind == "document" {
		in.Kind, label = bot.KindDocument, texts["upload.document"].In(lang)
	}
	c.handle(w, r, worker, in, &Message{From: fromWorker, Text: label + " · " + humanSize(len(data))}, nil)
}

// refuse tells the worker why an upload was not taken, in the chat.
func (c *Chat) refuse(w http.ResponseWriter, r *http.Request, worker int64, why string) {
	if _, err := c.append(r.Context(), worker, Message{From: fromBot, Text: "⚠️ " + why}); err != nil {
		c.fail(w, r, nil, err)
		return
	}
	if wantsEvents(r) {
		events := newSSE(w)
		events.send("error", map[string]string{"message": why})
		return
	}
	http.Redirect(w, r, "/chat#end", http.StatusSeeOther)
}

func humanSize(n int) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.Itoa((n+1023)/1024) + " KB"
}
