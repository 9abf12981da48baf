package intake

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MinDataKeyLength is the shortest DATA_KEY accepted.
const MinDataKeyLength = 16

// sealedPrefix marks a sealed value, with the format version, so that a
// Store holding both sealed and plain values (DATA_KEY set after data was
// written) can tell them apart, and a later format can be added.
const sealedPrefix = "sealed:v1:"

// ErrNoDataKey is returned when a sealed value is read without a key.
var ErrNoDataKey = errors.New("intake: personal data is encrypted: set DATA_KEY to read it")

// Sealer encrypts personal data before it is stored and decrypts it after.
// Seal("") is "" (there is nothing to hide, and erased fields stay empty).
type Sealer interface {
	Seal(plaintext string) (string, error)
	// Open reverses Seal. A value that was never sealed (written before a
	// key was configured) is returned as it is.
	Open(stored string) (string, error)
}

// NewSealer returns the Sealer for DATA_KEY: a no-op when key is empty,
// else AES-256-GCM with a key derived from it by HKDF-SHA256. HKDF does not
// slow down guessing, so the key should be random (openssl rand -base64
// 32), not a memorable phrase; it must be at least MinDataKeyLength
// characters.
func NewSealer(key string) (Sealer, error) {
	if key == "" {
		return NoSealer{}, nil
	}
	if utf8.RuneCountInString(key) < MinDataKeyLength {
		return nil, fmt.Errorf("intake: DATA_KEY must be at least %d characters", MinDataKeyLength)
	}
	// A fixed salt: the key is not stored anywhere, so there is nothing a
	// per-deployment salt could be kept beside.
	k, err := hkdf.Key(sha256.New, []byte(key), []byte("laborbot"), "laborbot personal data v1", 32)
	if err != nil {
		return nil, fmt.Errorf("intake: derive data key: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("intake: data key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("intake: data key: %w", err)
	}
	blind, err := hkdf.Key(sha256.New, []byte(key), []byte("laborbot"), "laborbot blind index v1", 32)
	if err != nil {
		return nil, fmt.Errorf("intake: derive data key: %w", err)
	}
	return &AEADSealer{aead: aead, blind: blind}, nil
}

// NoSealer stores personal data as it is (no DATA_KEY).
type NoSealer struct{}

// Seal returns plaintext unchanged.
func (NoSealer) Seal(plaintext string) (string, error) { return plaintext, nil }

// Open returns stored unchanged, or ErrNoDataKey if it was sealed.
func (NoSealer) Open(stored string) (string, error) {
	if strings.HasPrefix(stored, sealedPrefix) {
		return "", ErrNoDataKey
	}
	return stored, nil
}

// AEADSealer seals with an AEAD (AES-256-GCM from NewSealer): a random
// nonce per value, stored as "sealed:v1:" + base64(nonce || ciphertext).
type AEADSealer struct {
	aead  cipher.AEAD
	blind []byte // the key of blind indexes (NameKey), derived apart
}

// BlindKey is the key for blind indexes of personal data (a worker's name
// to search by), derived from DATA_KEY apart from the encryption key.
func (s *AEADSealer) BlindKey() []byte { return s.blind }

// Seal encrypts plaintext.
func (s *AEADSealer) Seal(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("intake: seal: %w", err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a sealed value; a value without the prefix is returned as
// it is. A wrong key or a tampered value is an error, never garbage.
func (s *AEADSealer) Open(stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("intake: open sealed value: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("intake: open sealed value: wrong DATA_KEY or damaged data")
	}
	return string(plain), nil
}

// sealFields applies f to each personal text field of t in place.
func sealFields(t *Ticket, f func(string) (string, error)) error {
	for _, p := range []*string{&t.Name, &t.Phone, &t.ContactTime, &t.Description, &t.Demands} {
		v, err := f(*p)
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}
