// Package fonts holds the fonts laborbot embeds in the binary, in one place
// for every part that draws text itself (the letters' PDFs, posters): the
// program must work with nothing installed on the machine.
//
// CJK is "AR PL SungtiL GB" (gbsn00lp.ttf, Debian's fonts-arphic-gbsn00lp),
// a single-file TrueType Song (serif) face covering GB 2312, the shape
// official Chinese documents use. It is under the Arphic Public License,
// which allows copying and distributing the font verbatim provided the
// licence file ARPHICPL.TXT, kept beside it here, travels unaltered with
// every copy. The font is not modified: PDFs embed a subset of its glyphs,
// as the licence's format-conversion clause allows. Single-file TTF matters:
// github.com/signintech/gopdf cannot read .ttc collections or CFF-based
// OpenType (the Noto CJK fonts).
package fonts

import (
	_ "embed"
)

//go:embed gbsn00lp.ttf
var cjk []byte

//go:embed ARPHICPL.TXT
var cjkLicense string

// CJK returns the TrueType data of the Chinese font. The slice is shared:
// do not modify it.
func CJK() []byte { return cjk }

// CJKName is the font's family name, as PDF readers show it.
const CJKName = "AR PL SungtiL GB"

// CJKLicense returns the font's licence text (the Arphic Public License).
func CJKLicense() string { return cjkLicense }
