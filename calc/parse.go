package calc

import (
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// This file reads numbers and amounts the way workers type them on a
// phone: Chinese numerals (一万五, 两千三), units (万, 千, k, w), thousands
// separators, full-width digits from Chinese input methods, and invisible
// characters that copy-paste leaves behind. The calculators and the
// complaint interview share it, so an answer accepted in one is accepted
// in the other.

// StripInvisible removes characters that are invisible but break parsing:
// zero-width space, non-joiner and joiner, the byte-order mark, the word
// joiner and the soft hyphen. They come with text copied from web pages
// and chat apps, and the worker cannot see them to delete them.
func StripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u00AD':
			return -1
		}
		return r
	}, s)
}

// FoldWidth turns full-width ASCII (１２３ＡＢ，) and the ideographic space
// into their ASCII forms, which Chinese input methods often produce;
// Chinese punctuation (。、) keeps its form (width.Fold, not Narrow).
func FoldWidth(s string) string { return width.Fold.String(s) }

// Normalize is StripInvisible then FoldWidth, trimmed: the form every
// structured answer (date, amount, phone, number) is read in. Free text
// such as a description keeps its full-width punctuation; only the
// invisible characters are removed from it.
func Normalize(s string) string { return strings.TrimSpace(FoldWidth(StripInvisible(s))) }

var cnDigits = map[rune]int64{
	'零': 0, '〇': 0, '○': 0, '一': 1, '壹': 1, '二': 2, '两': 2, '贰': 2, '三': 3, '叁': 3, '四': 4, '肆': 4,
	'五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
}

var cnUnits = map[rune]int64{
	'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000, 'k': 1000,
	'万': 10000, '萬': 10000, 'w': 10000, '亿': 100000000,
}

// numberError is why a number could not be read: ambiguous is set when
// the text has two readings (see ambiguousSeparator).
type numberError struct {
	ambiguous        bool
	decimal, grouped *big.Rat
}

var (
	groupedComma = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)
	decimalComma = regexp.MustCompile(`^\d+,\d{1,2}$`)
	groupedDots  = regexp.MustCompile(`^\d{1,3}(\.\d{3}){2,}$`)
	dotThousands = regexp.MustCompile(`^[1-9]\d{0,2}\.\d{3}$`)
)

// parseArabic reads a run of ASCII digits, dots and commas. Chinese
// writing uses the comma only to group thousands (15,000) and the dot only
// as the decimal point, so those are read as such. Two readings remain
// possible and are refused with both offered: one dot followed by exactly
// three digits ("6.000": 6 yuan, or 6000 written the European way) and a
// comma followed by one or two digits ("6,5": a decimal comma?).
func parseArabic(tok string, alone bool) (*big.Rat, *numberError) {
	switch {
	case strings.Contains(tok, ","):
		if groupedComma.MatchString(tok) {
			tok = strings.ReplaceAll(tok, ",", "")
			break
		}
		if decimalComma.MatchString(tok) {
			dec, _ := new(big.Rat).SetString(strings.Replace(tok, ",", ".", 1))
			whole, _ := new(big.Rat).SetString(strings.Replace(tok, ",", "", 1))
			return nil, &numberError{ambiguous: true, decimal: dec, grouped: whole}
		}
		return nil, &numberError{}
	case groupedDots.MatchString(tok):
		// 1.234.567 cannot be a decimal: the dots group thousands.
		tok = strings.ReplaceAll(tok, ".", "")
	case alone && dotThousands.MatchString(tok):
		dec, _ := new(big.Rat).SetString(tok)
		whole, _ := new(big.Rat).SetString(strings.Replace(tok, ".", "", 1))
		return nil, &numberError{ambiguous: true, decimal: dec, grouped: whole}
	}
	r, ok := parseDecimal(tok)
	if !ok || r.Sign() < 0 {
		return nil, &numberError{}
	}
	return r, nil
}

// parseNumber reads a non-negative number written with Arabic or Chinese
// numerals and the units 十 百 千 万 亿 (k = 千, w = 万): 8000, 1.5万, 1万5千,
// 一万五, 两千三, 三千五百, 15k, 十二. A single digit after a unit means the
// next smaller unit, as people say it: 一万五 = 15000, 两千三 = 2300,
// 1万5 = 15000 (but 一千零五 = 1005). s must be lower-case without spaces.
func parseNumber(s string) (*big.Rat, *numberError) {
	if s == "" {
		return nil, &numberError{}
	}
	total, section := new(big.Rat), new(big.Rat)
	var cur *big.Rat
	curSingle := false    // cur is one digit: eligible for the 一万五 shorthand
	var lastUnit int64    // the last unit applied
	var sectionUnit int64 // the last unit below 万 in this section
	var bigUnit int64     // the last of 万 and 亿
	zero := false         // 零 since the last unit: no shorthand
	tokens := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9' || r == '.' || r == ',':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == ',') {
				j++
			}
			if cur != nil {
				return nil, &numberError{}
			}
			tok := s[i:j]
			v, err := parseArabic(tok, i == 0 && j == len(s))
			if err != nil {
				return nil, err
			}
			cur, curSingle = v, len(tok) == 1
			i = j
			tokens++
			continue
		case r == '零' || r == '〇' || r == '○':
			if cur != nil {
				return nil, &numberError{}
			}
			zero = true
		case cnDigits[r] > 0:
			if cur != nil {
				return nil, &numberError{}
			}
			cur, curSingle = big.NewRat(cnDigits[r], 1), true
		case cnUnits[r] > 0:
			u := cnUnits[r]
			if u < 10000 {
				if sectionUnit != 0 && u >= sectionUnit {
					return nil, &numberError{}
				}
				n := cur
				if n == nil {
					if u != 10 || tokens > 0 {
						return nil, &numberError{}
					}
					n = big.NewRat(1, 1) // 十五 = 15
				}
				section.Add(section, new(big.Rat).Mul(n, big.NewRat(u, 1)))
				sectionUnit = u
			} else {
				if bigUnit != 0 && u >= bigUnit {
					return nil, &numberError{}
				}
				if cur != nil {
					section.Add(section, cur)
				}
				if section.Sign() == 0 {
					return nil, &numberError{}
				}
				total.Add(total, new(big.Rat).Mul(section, big.NewRat(u, 1)))
				section, sectionUnit, bigUnit = new(big.Rat), 0, u
			}
			cur, curSingle, zero, lastUnit = nil, false, false, u
		default:
			return nil, &numberError{}
		}
		tokens++
		i += size
	}
	if tokens == 0 {
		return nil, &numberError{}
	}
	if cur != nil {
		if curSingle && !zero && lastUnit >= 100 {
			cur = new(big.Rat).Mul(cur, big.NewRat(lastUnit/10, 1))
		}
		section.Add(section, cur)
	}
	return total.Add(total, section), nil
}

// ParseNumber reads a non-negative number as parseNumber does (Arabic or
// Chinese numerals with units), after Normalize. ok is false when it is
// not a number.
func ParseNumber(s string) (r *big.Rat, ok bool) {
	v, err := parseNumber(strings.ToLower(strings.Join(strings.Fields(Normalize(s)), "")))
	return v, err == nil
}

// moneyNoise are the words around an amount that do not change it:
// currency, "about", "per month", "before tax". They are removed from the
// ends of the text until none is left.
var (
	moneyPrefixes = []string{"人民币", "rmb", "cny", "¥", "￥", "$", "月薪", "每个月", "每月", "一个月", "税前", "大概", "大约", "约", "差不多"}
	moneySuffixes = []string{"块钱", "块", "元钱", "元", "圆", "yuan", "rmb", "cny", "左右", "上下", "/月", "每月", "一个月", "多"}
)

// ParseMoney reads an amount of yuan as a worker would type it: "8000",
// "8,000", "15,000元", "¥8000", "8000.5", "0.8万", "1.5万", "1万5千", "1万5",
// "一万五", "两千三", "三千五百元", "8千", "15k". At most two decimals
// (fen); negative amounts are refused; an ambiguous separator ("6.000")
// is an *InputError with Code CodeAmbiguous offering both readings.
func ParseMoney(s string) (Money, error) {
	t := strings.ToLower(strings.Join(strings.Fields(Normalize(s)), ""))
	for changed := true; changed; {
		changed = false
		for _, p := range moneyPrefixes {
			if strings.HasPrefix(t, p) {
				t, changed = strings.TrimPrefix(t, p), true
			}
		}
		for _, p := range moneySuffixes {
			if strings.HasSuffix(t, p) {
				t, changed = strings.TrimSuffix(t, p), true
			}
		}
	}
	if strings.HasPrefix(t, "-") {
		if _, err := parseNumber(t[1:]); err == nil {
			return 0, inputErrf("", "金额不能是负数：%s", "an amount cannot be negative: %s", s)
		}
	}
	r, nerr := parseNumber(t)
	if nerr != nil {
		if nerr.ambiguous {
			shown := strings.TrimSpace(s)
			e := inputErrf("",
				"“%s”可以理解为 %s 元，也可以理解为 %s 元。请不用分隔符重新写一遍，例如 %s 或 %s。",
				"%q could mean %s yuan or %s yuan. Please write it again without a separator, e.g. %s or %s.",
				shown, numStr(nerr.decimal), numStr(nerr.grouped), numStr(nerr.decimal), numStr(nerr.grouped))
			e.Code = CodeAmbiguous
			return 0, e
		}
		return 0, errMoney(s)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		return 0, inputErrf("", "金额最多精确到分（小数点后两位）：%s", "an amount can have at most two decimals (fen): %s", s)
	}
	if !r.Num().IsInt64() || r.Num().Int64() > 1e15 {
		return 0, inputErrf("", "金额太大了：%s", "the amount is too large: %s", s)
	}
	return Money(r.Num().Int64()), nil
}

func errMoney(s string) *InputError {
	return inputErrf("", "看不懂这个金额：“%s”。请写数字，例如 8000、8000.50、1.5万 或 一万五", "%q is not an amount of money: write a number such as 8000, 8000.50 or 15k", strings.TrimSpace(s))
}
