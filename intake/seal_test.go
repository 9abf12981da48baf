package intake

import (
	"errors"
	"strings"
	"testing"
)

func TestSealer(t *testing.T) {
	s, err := NewSealer("0123456789abcdef-key")
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"13812345678", "王小明", "a", strings.Repeat("长", 3000)} {
		sealed, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if (len(plain) > 3 && strings.Contains(sealed, plain)) || !strings.HasPrefix(sealed, sealedPrefix) {
			t.Fatalf("Seal(%q) = %q", plain, sealed)
		}
		again, _ := s.Seal(plain)
		if again == sealed {
			t.Fatalf("two seals of %q are equal: the nonce is not random", plain)
		}
		if got, err := s.Open(sealed); err != nil || got != plain {
			t.Fatalf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
	}
	if sealed, _ := s.Seal(""); sealed != "" {
		t.Fatalf("Seal(\"\") = %q, want empty", sealed)
	}

	sealed, _ := s.Seal("13812345678")
	// A value written before the key was set reads as it is.
	if got, err := s.Open("13812345678"); err != nil || got != "13812345678" {
		t.Fatalf("Open of a plain value = %q, %v", got, err)
	}
	// Wrong key, tampering, truncation: an error, never garbage.
	other, _ := NewSealer("another-key-entirely-0123")
	if got, err := other.Open(sealed); err == nil {
		t.Fatalf("Open with the wrong key = %q", got)
	}
	tampered := []byte(sealed)
	tampered[len(tampered)-3] ^= 1
	for _, bad := range []string{string(tampered), sealed[:len(sealed)-4], sealedPrefix + "!!", sealedPrefix} {
		if got, err := s.Open(bad); err == nil {
			t.Fatalf("Open(%q) = %q, want an error", bad, got)
		}
	}
	// No key: sealed data cannot be read, and says why.
	if _, err := (NoSealer{}).Open(sealed); !errors.Is(err, ErrNoDataKey) {
		t.Fatalf("NoSealer.Open of sealed data: %v", err)
	}
	// The same key gives the same cipher (a restart can read old data).
	same, _ := NewSealer("0123456789abcdef-key")
	if got, err := same.Open(sealed); err != nil || got != "13812345678" {
		t.Fatalf("a new sealer with the same key: %q, %v", got, err)
	}
}

func TestNewSealerKeys(t *testing.T) {
	if s, err := NewSealer(""); err != nil || s != (NoSealer{}) {
		t.Fatalf("NewSealer(\"\") = %v, %v; want NoSealer", s, err)
	}
	if _, err := NewSealer("short"); err == nil {
		t.Fatal("a 5-character DATA_KEY was accepted")
	}
	if _, err := NewSealer(strings.Repeat("k", MinDataKeyLength)); err != nil {
		t.Fatalf("a %d-character key: %v", MinDataKeyLength, err)
	}
}
