package fonts

import (
	"strings"
	"testing"
)

func TestCJKEmbedded(t *testing.T) {
	data := CJK()
	// A TrueType file starts with the sfnt version 0x00010000.
	if len(data) < 1<<20 || string(data[:4]) != "\x00\x01\x00\x00" {
		t.Fatalf("the embedded CJK font is not a TrueType file (%d bytes)", len(data))
	}
	if !strings.Contains(CJKLicense(), "ARPHIC PUBLIC LICENSE") {
		t.Fatal("the font's licence text is missing: the Arphic Public License requires it to travel with the font")
	}
}
