package webchat

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"net/http"

	"github.com/laborbot/laborbot/bot"
)

// KeySize is the length of a generated cookie-signing key.
const KeySize = 32

// NewKey returns a random cookie-signing key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	_, err := rand.Read(k)
	return k, err
}

// newWorkerID returns a random id in [bot.WebIDBase, MaxInt64]: 62 bits
// of randomness, so ids cannot be guessed or enumerated.
func newWorkerID() int64 {
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62-1))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return bot.WebIDBase + n.Int64()
}

// Tokens are an id and its MAC, base64url: the session cookie and the
// resume link carry them under different purposes, so one cannot stand in
// for the other.
const (
	purposeSession = "session"
	purposeResume  = "resume"
	macSize        = 16
)

func (c *Chat) sign(purpose string, id int64) string {
	b := binary.BigEndian.AppendUint64(nil, uint64(id))
	return base64.RawURLEncoding.EncodeToString(append(b, c.mac(purpose, b)...))
}

func (c *Chat) mac(purpose string, id []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("laborbot webchat " + purpose + "\x00"))
	m.Write(id)
	return m.Sum(nil)[:macSize]
}

// verify returns the id a token carries when its MAC is right (and the id
// is a web id); anything else, tampered or unknown, is no id.
func (c *Chat) verify(purpose, token string) (int64, bool) {
	if len(token) > 64 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 8+macSize {
		return 0, false
	}
	if !hmac.Equal(b[8:], c.mac(purpose, b[:8])) {
		return 0, false
	}
	id := int64(binary.BigEndian.Uint64(b[:8]))
	return id, bot.IsWebID(id)
}

// cookieName: over https the __Host- prefix makes browsers keep the
// cookie to this host, over TLS, for the whole site.
func (c *Chat) cookieName() string {
	if c.secure {
		return "__Host-laborbot_chat"
	}
	return "laborbot_chat"
}

const sourceCookie = "laborbot_src"

// worker returns the request's worker id from the session cookie; fresh
// is true when there was none (or a tampered one): a new anonymous
// session starts.
func (c *Chat) worker(r *http.Request) (id int64, fresh bool) {
	if ck, err := r.Cookie(c.cookieName()); err == nil {
		if id, ok := c.verify(purposeSession, ck.Value); ok {
			return id, false
		}
	}
	return newWorkerID(), true
}

func (c *Chat) setSession(w http.ResponseWriter, id int64) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: c.sign(purposeSession, id), Path: "/",
		MaxAge: 400 * 24 * 3600, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

// validSource is a link's source tag: 1–32 of a-z, 0-9, - and _.
func validSource(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// source is the tag of the link the worker came through ("web" when none).
func source(r *http.Request) string {
	if ck, err := r.Cookie(sourceCookie); err == nil && validSource(ck.Value) {
		return ck.Value
	}
	return "web"
}
