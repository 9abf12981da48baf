package intake

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
)

// ValidationError is an answer the interview cannot take, explained to the
// worker in Chinese and English, so the chat flow can show it and ask
// again.
type ValidationError struct {
	Step Step
	Msg  calc.Text
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("intake: %s: %s（%s）", e.Step, e.Msg.En, e.Msg.Zh)
}

// Message is the explanation in the given language.
func (e *ValidationError) Message(lang string) string { return e.Msg.In(lang) }

func invalid(step Step, zh, en string) *ValidationError {
	return &ValidationError{Step: step, Msg: calc.Text{Zh: zh, En: en}}
}

// mobilePattern is a mainland China mobile number: 11 digits, 13x–19x.
var mobilePattern = regexp.MustCompile(`^1[3-9]\d{9}$`)

// ParsePhone reads a mainland mobile number as people write it: with
// spaces, dashes, dots or brackets, full-width digits, and a +86 / 0086 /
// 86 country code, and returns the 11 digits.
func ParsePhone(raw string) (string, error) {
	s := halfWidth(raw)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-.()（）—", r) {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	case strings.HasPrefix(s, "86") && len(s) == 13:
		s = s[2:]
	}
	if !mobilePattern.MatchString(s) {
		return "", invalid(StepPhone,
			fmt.Sprintf("“%s”不是有效的手机号。请填写 11 位手机号，例如 13812345678。", strings.TrimSpace(raw)),
			fmt.Sprintf("%q is not a mainland mobile number. Please give 11 digits, e.g. 13812345678.", strings.TrimSpace(raw)))
	}
	return s, nil
}

// ParseDate reads a calendar day: 2024-09-15, 2024/9/15, 2024.9.15,
// 2024年9月15日 (the forms of calc.ParseDate), 20240915, with full-width
// digits too.
func ParseDate(raw string) (time.Time, error) {
	s := strings.TrimSpace(halfWidth(raw))
	if len(s) == 8 && isDigits(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	d, err := calc.ParseDate(s)
	if err != nil {
		var ie *calc.InputError
		if errors.As(err, &ie) {
			return time.Time{}, &ValidationError{Msg: ie.Msg}
		}
		return time.Time{}, err
	}
	return d, nil
}

// ParseAmount reads an amount of yuan (see calc.ParseMoney: 8000, 8,000,
// 8000.5, 8000元, 0.8万) that must be positive and at most max.
func ParseAmount(raw string, max calc.Money) (calc.Money, error) {
	m, err := calc.ParseMoney(halfWidth(raw))
	if err != nil {
		var ie *calc.InputError
		if errors.As(err, &ie) {
			return 0, &ValidationError{Msg: ie.Msg}
		}
		return 0, err
	}
	if m <= 0 {
		return 0, &ValidationError{Msg: calc.Text{Zh: "金额要大于 0。", En: "The amount must be more than 0."}}
	}
	if m > max {
		return 0, &ValidationError{Msg: calc.Text{
			Zh: fmt.Sprintf("金额 %s 元太大了，请检查（最多 %s 元）。", m, max),
			En: fmt.Sprintf("%s yuan looks too large; please check it (at most %s).", m, max),
		}}
	}
	return m, nil
}

// ParseCount reads a number of people: 0, 12, 12人, 十 is not understood;
// "none", "没有", "只有我" mean 0.
func ParseCount(raw string) (int, error) {
	s := strings.ToLower(strings.TrimSpace(halfWidth(raw)))
	switch s {
	case "没有", "无", "没", "只有我", "就我", "就我一个", "none", "no", "nobody", "just me", "only me":
		return 0, nil
	}
	for _, suffix := range []string{"多人", "多个", "多名", "人", "个", "名", "people", "persons", "workers"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	s = strings.TrimPrefix(s, "约")
	s = strings.TrimPrefix(s, "about ")
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || n < 0 || n > 100000 {
		return 0, &ValidationError{Msg: calc.Text{
			Zh: "请填一个人数，例如 0、3 或 25（只有你自己就填 0）。",
			En: "Please give a number of people, e.g. 0, 3 or 25 (0 if it is only you).",
		}}
	}
	return n, nil
}

// ParseTypes reads one or more dispute types from text: their codes,
// numbers 1–7 in the order of DisputeTypes, their Chinese or English
// labels, or common words for them (欠薪, 社保, 被辞退), separated by commas,
// spaces or 、.
func ParseTypes(raw string) ([]DisputeType, error) {
	fields := strings.FieldsFunc(halfWidth(raw), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;、，；/|", r)
	})
	var out []DisputeType
	var unknown []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		// English labels have spaces: try two words together first.
		if i+1 < len(fields) {
			if t, ok := lookupType(f + " " + fields[i+1]); ok {
				out = appendType(out, t)
				i++
				continue
			}
		}
		if t, ok := lookupType(f); ok {
			out = appendType(out, t)
			continue
		}
		unknown = append(unknown, f)
	}
	if len(unknown) > 0 || len(out) == 0 {
		return nil, &ValidationError{Msg: calc.Text{
			Zh: "请点按钮选择纠纷类型（可多选），或写编号，例如“1、3”。" + unknownList(unknown, "看不懂：", "、"),
			En: "Please pick the dispute types with the buttons (several allowed) or write their numbers, e.g. \"1, 3\"." + unknownList(unknown, " Not understood: ", ", "),
		}}
	}
	return out, nil
}

func unknownList(words []string, head, sep string) string {
	if len(words) == 0 {
		return ""
	}
	return head + strings.Join(words, sep)
}

func appendType(ts []DisputeType, t DisputeType) []DisputeType {
	for _, x := range ts {
		if x == t {
			return ts
		}
	}
	return append(ts, t)
}

func lookupType(word string) (DisputeType, bool) {
	w := strings.ToLower(strings.TrimSpace(word))
	all := DisputeTypes()
	if n, err := strconv.Atoi(w); err == nil && n >= 1 && n <= len(all) {
		return all[n-1], true
	}
	for _, t := range all {
		if w == string(t) || w == strings.ToLower(t.Label("zh")) || w == strings.ToLower(t.Label("en")) {
			return t, true
		}
	}
	synonyms := map[string]DisputeType{
		"欠薪": TypeUnpaidWages, "拖欠工资": TypeUnpaidWages, "工资": TypeUnpaidWages, "欠工资": TypeUnpaidWages, "wages": TypeUnpaidWages, "wage": TypeUnpaidWages,
		"加班": TypeOvertime, "加班工资": TypeOvertime, "overtime": TypeOvertime,
		"社保": TypeSocialInsurance, "五险一金": TypeSocialInsurance, "保险": TypeSocialInsurance, "insurance": TypeSocialInsurance,
		"受伤": TypeWorkInjury, "injury": TypeWorkInjury,
		"辞退": TypeDismissal, "被辞退": TypeDismissal, "开除": TypeDismissal, "解雇": TypeDismissal, "经济补偿": TypeDismissal, "裁员": TypeDismissal,
		"dismissal": TypeDismissal, "severance": TypeDismissal, "fired": TypeDismissal,
		"合同": TypeContract, "没签合同": TypeContract, "contract": TypeContract,
		"其它": TypeOther,
	}
	t, ok := synonyms[w]
	return t, ok
}

// Location is a workplace: province (calc.Province.Short), city, district.
type Location struct {
	Province, City, District string
}

// municipality reports whether a province is a city itself (北京, 天津,
// 上海, 重庆): its "city" is the province and the next level is a district.
func municipality(short string) bool {
	switch short {
	case "北京", "天津", "上海", "重庆":
		return true
	}
	return false
}

// ParseLocation reads a province, optionally followed by the city and
// district: "广东", "广东省深圳市宝安区", "北京朝阳区", "Guangdong Shenzhen".
// For the four municipalities the city is the municipality itself.
func ParseLocation(raw string) (Location, error) {
	s := strings.TrimSpace(halfWidth(raw))
	if p, ok := calc.LookupProvince(s); ok {
		return locationFor(p, ""), nil
	}
	// The longest province name the answer starts with (四川省 before 四川).
	var best calc.Province
	bestLen := 0
	lower := strings.ToLower(s)
	for _, p := range calc.Provinces() {
		for _, name := range []string{p.Full, p.Short, strings.ToLower(p.En) + " province", strings.ToLower(p.En)} {
			if strings.HasPrefix(lower, strings.ToLower(name)) && len(name) > bestLen {
				best, bestLen = p, len(name)
			}
		}
	}
	if bestLen == 0 {
		return Location{}, invalid(StepProvince,
			"看不懂这个省份。请写省、自治区或直辖市的名称，例如：广东、四川省、北京。",
			"That is not a province I know. Please write a province, e.g. Guangdong, Sichuan, Beijing.")
	}
	rest := strings.TrimLeft(s[bestLen:], " ,，、")
	return locationFor(best, rest), nil
}

func locationFor(p calc.Province, rest string) Location {
	loc := Location{Province: p.Short}
	if municipality(p.Short) {
		loc.City = p.Full
		loc.District = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(rest, p.Full), p.Short))
		return loc
	}
	if rest == "" {
		return loc
	}
	// The city ends at 市, 州 (自治州), 盟 or 地区; the rest is the district.
	cut := -1
	for _, marker := range []string{"市", "自治州", "地区", "盟"} {
		if i := strings.Index(rest, marker); i >= 0 && (cut < 0 || i+len(marker) < cut) {
			cut = i + len(marker)
		}
	}
	if cut < 0 {
		// "Guangdong Shenzhen Bao'an": words.
		words := strings.Fields(rest)
		loc.City = words[0]
		loc.District = strings.Join(words[1:], " ")
		return loc
	}
	loc.City = strings.TrimSpace(rest[:cut])
	loc.District = strings.TrimSpace(rest[cut:])
	return loc
}

// checkText trims an answer and checks its length in characters.
func checkText(step Step, raw string, minLen, maxLen int) (string, error) {
	s := strings.TrimSpace(raw)
	n := utf8.RuneCountInString(s)
	if n < minLen {
		if minLen <= 1 {
			return "", invalid(step, "这一项不能为空。", "This cannot be empty.")
		}
		return "", invalid(step,
			fmt.Sprintf("太短了，请至少写 %d 个字。", minLen),
			fmt.Sprintf("That is too short: please write at least %d characters.", minLen))
	}
	if n > maxLen {
		return "", invalid(step,
			fmt.Sprintf("太长了（%d 字），请控制在 %d 字以内。", n, maxLen),
			fmt.Sprintf("That is too long (%d characters): please keep it under %d.", n, maxLen))
	}
	return s, nil
}

// parseName checks a person's name: letters (any script), spaces, dots
// and hyphens, no digits (a phone number typed in the wrong place).
func parseName(raw string) (string, error) {
	s, err := checkText(StepName, raw, 1, 40)
	if err != nil {
		return "", err
	}
	hasLetter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			hasLetter = true
		case unicode.IsSpace(r) || strings.ContainsRune(".·•-'’", r):
		default:
			return "", invalid(StepName, "姓名只能包含文字，请重新填写。", "A name can only contain letters; please write it again.")
		}
	}
	if !hasLetter {
		return "", invalid(StepName, "请填写你的姓名。", "Please write your name.")
	}
	return strings.Join(strings.Fields(s), " "), nil
}

// halfWidth turns full-width ASCII (１２３ＡＢ，) and the ideographic space
// into their ASCII forms, which Chinese input methods often produce.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
