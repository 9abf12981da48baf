package knowledge

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Citation names one article of one statute: a canonical short name (see
// the catalog) and an article number.
type Citation struct {
	Law     string `json:"law"`
	Article int    `json:"article"`
}

// String renders the citation the way entry files write it: "劳动合同法 47".
func (c Citation) String() string { return fmt.Sprintf("%s %d", c.Law, c.Article) }

// Zh renders the citation for Chinese readers: "《劳动合同法》第47条".
func (c Citation) Zh() string { return fmt.Sprintf("《%s》第%d条", c.Law, c.Article) }

// En renders the citation for English readers, with the English statute
// name when the catalog knows one: "Labor Contract Law, art. 47".
func (c Citation) En() string {
	if s, ok := LookupStatuteInfo(c.Law); ok && s.English != "" {
		return fmt.Sprintf("%s, art. %d", s.English, c.Article)
	}
	return fmt.Sprintf("%s, art. %d", c.Law, c.Article)
}

// Format renders the citation for the given language ("zh" or "en").
func (c Citation) Format(lang string) string {
	if lang == "en" {
		return c.En()
	}
	return c.Zh()
}

// NormalizeLawName reduces a statute name to the form in which names are
// compared: without 《》, the 中华人民共和国 prefix, spaces and brackets, so
// that 劳动争议解释（一） and 劳动争议解释一 are the same name.
func NormalizeLawName(name string) string {
	name = lawNameCleaner.Replace(strings.TrimSpace(name))
	return strings.TrimPrefix(name, "中华人民共和国")
}

// lawNameCleaner is immutable and safe for concurrent use.
var lawNameCleaner = strings.NewReplacer("《", "", "》", "", " ", "", "\u3000", "", "\t", "",
	"（", "", "）", "", "(", "", ")", "", "〈", "", "〉", "", "<", "", ">", "")

// SameLaw reports whether two statute names denote the same statute.
func SameLaw(a, b string) bool { return NormalizeLawName(a) == NormalizeLawName(b) }

// Matches reports whether c and d cite the same article.
func (c Citation) Matches(d Citation) bool { return c.Article == d.Article && SameLaw(c.Law, d.Law) }

var citationPattern = regexp.MustCompile(`^(.+?)\s*(?:第\s*)?([0-9一二三四五六七八九十百零〇两]+)\s*条?$`)

// ParseCitation reads a citation written as "劳动合同法 47", "劳动合同法第47条"
// or "《劳动合同法》第四十七条". The law name is kept as written (trimmed of
// 《》); resolving it to a canonical short name is the caller's job.
func ParseCitation(s string) (Citation, error) {
	s = strings.TrimSpace(s)
	m := citationPattern.FindStringSubmatch(s)
	if m == nil {
		return Citation{}, fmt.Errorf("%q is not a citation: write the statute's short name and the article number, e.g. \"劳动合同法 47\"", s)
	}
	law := strings.TrimSpace(strings.NewReplacer("《", "", "》", "").Replace(m[1]))
	if law == "" || !hasLetter(law) {
		return Citation{}, fmt.Errorf("%q has no statute name", s)
	}
	n, err := parseArticleNumber(m[2])
	if err != nil || n <= 0 {
		return Citation{}, fmt.Errorf("%q: article number %q is not a positive number", s, m[2])
	}
	return Citation{Law: law, Article: n}, nil
}

func parseArticleNumber(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	return ParseChineseNumber(s)
}

// ParseChineseNumber converts a Chinese numeral below 10000 (四十七, 一百零三,
// 十, 两百) to an int.
func ParseChineseNumber(s string) (int, error) {
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, cur := 0, 0
	seen := false
	for _, r := range s {
		if d, ok := digits[r]; ok {
			cur = d
			seen = true
			continue
		}
		u, ok := units[r]
		if !ok {
			return 0, fmt.Errorf("%q is not a Chinese numeral", s)
		}
		if cur == 0 && (!seen || r == '十') {
			cur = 1 // 十 at the start means 一十
		}
		total += cur * u
		cur = 0
		seen = true
	}
	if !seen {
		return 0, fmt.Errorf("empty numeral")
	}
	return total + cur, nil
}

func normalizeNameKey(name string) string {
	return strings.ToLower(NormalizeLawName(name))
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
