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
	// Code tells the chat flow what kind of problem it is when it may act
	// on it (CodeQuestion: answer the question, then ask the step again);
	// "" for an ordinary bad answer.
	Code string
}

// The codes of ValidationError.Code.
const (
	// CodeQuestion: the worker typed a question instead of an answer
	// (see LooksLikeQuestion). The interview is unchanged; the chat flow
	// may answer the question and show the same step again.
	CodeQuestion = "question"
	// CodeAmbiguous: the answer has two readings ("6.000": 6 or 6000
	// yuan); the message offers both.
	CodeAmbiguous = calc.CodeAmbiguous
	// CodeRange: the answer was read but is out of the plausible range
	// (a wage of 0 or ten million, 15,000 co-workers, a date in 1900).
	CodeRange = "range"
	// CodeNeedMonth: a date with only a year (前年, 2023年); the message
	// names the year understood and asks for the month.
	CodeNeedMonth = calc.CodeNeedMonth
)

// ErrorCode returns the Code of a *ValidationError in err's chain, or "".
func ErrorCode(err error) string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Code
	}
	return ""
}

// IsQuestion reports whether err says the answer was a question (see
// CodeQuestion).
func IsQuestion(err error) bool { return ErrorCode(err) == CodeQuestion }

// fromCalc turns a calc.InputError into a ValidationError, keeping its
// code.
func fromCalc(err error) error {
	var ie *calc.InputError
	if errors.As(err, &ie) {
		return &ValidationError{Msg: ie.Msg, Code: ie.Code}
	}
	return err
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

// mobileIn finds such a number inside other text.
var mobileIn = regexp.MustCompile(`1[3-9]\d{9}`)

// ParsePhone reads a mainland mobile number as people write it: with
// spaces, dashes, dots or brackets, full-width digits, and a +86 / 0086 /
// 86 country code, and returns the 11 digits.
func ParsePhone(raw string) (string, error) {
	s := calc.Normalize(raw)
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
		// "13812345678（微信同号）", "手机：13812345678": one mobile number
		// with words around it and no other digits.
		// ("+1 415 555 0100" is a foreign number, not 14155550100.)
		if m := mobileIn.FindAllStringIndex(s, -1); len(m) == 1 && !strings.ContainsAny(mobileIn.ReplaceAllString(s, ""), "0123456789") &&
			(m[0][0] == 0 || s[m[0][0]-1] != '+') {
			return s[m[0][0]:m[0][1]], nil
		}
		return "", invalid(StepPhone,
			fmt.Sprintf("“%s”不是有效的手机号。请填写 11 位手机号，例如 13812345678。", strings.TrimSpace(raw)),
			fmt.Sprintf("%q is not a mainland mobile number. Please give 11 digits, e.g. 13812345678.", strings.TrimSpace(raw)))
	}
	return s, nil
}

// ParseDate reads a date that does not depend on today (see
// calc.ParseDate): 2024-09-15, 2024/9/15, 2024年9月15日, 20240915,
// 2023年3月 (the 1st), with full-width digits and invisible characters
// too. ParseDateOn also reads 去年三月, 上个月底 and the like.
func ParseDate(raw string) (time.Time, error) {
	p, err := ParseDateOn(raw, time.Time{})
	return p.Time, err
}

// ParseDateOn reads a date as workers write it, relative ones (去年三月,
// 3月1号, 上个月底, last month) against today; see calc.ParseDateOn. A
// year out of range is a CodeRange error naming the years allowed.
func ParseDateOn(raw string, today time.Time) (calc.ParsedDate, error) {
	p, err := calc.ParseDateOn(raw, today)
	if err == nil {
		return p, nil
	}
	var ie *calc.InputError
	if errors.As(err, &ie) && ie.Code == calc.CodeYearRange {
		shown := strings.TrimSpace(calc.StripInvisible(raw))
		if today.IsZero() {
			return p, &ValidationError{Code: CodeRange, Msg: calc.Text{
				Zh: fmt.Sprintf("“%s”的年份不对：请写 %d 年以后的日期。", shown, calc.MinYear),
				En: fmt.Sprintf("The year of %q is out of range: please give a date from %d on.", shown, calc.MinYear),
			}}
		}
		return p, &ValidationError{Code: CodeRange, Msg: calc.Text{
			Zh: fmt.Sprintf("“%s”的年份不对：请写 %d 年到今年（%d 年）之间的日期。", shown, calc.MinYear, today.Year()),
			En: fmt.Sprintf("The year of %q is out of range: please give a date between %d and this year (%d).", shown, calc.MinYear, today.Year()),
		}}
	}
	return p, fromCalc(err)
}

// ParseAmount reads an amount of yuan (see calc.ParseMoney: 8000, 8,000,
// 15,000元, 1.5万, 一万五, 1万5千, 15k) that must be positive and at most max.
// An ambiguous "6.000" is a CodeAmbiguous error offering both readings.
func ParseAmount(raw string, max calc.Money) (calc.Money, error) {
	m, err := calc.ParseMoney(raw)
	if err != nil {
		return 0, fromCalc(err)
	}
	if m <= 0 {
		return 0, &ValidationError{Code: CodeRange, Msg: calc.Text{Zh: "金额要大于 0。", En: "The amount must be more than 0."}}
	}
	if m > max {
		return 0, &ValidationError{Code: CodeRange, Msg: calc.Text{
			Zh: fmt.Sprintf("金额 %s 元太大了，请检查（最多 %s 元）。", m, max),
			En: fmt.Sprintf("%s yuan looks too large; please check it (at most %s).", m, max),
		}}
	}
	return m, nil
}

// MaxCoworkers is the most co-workers one complaint may name. A dispute
// involving more people is a mass dispute: the union handles it by
// collective negotiation and the local federation's direct involvement,
// not as one worker's ticket, and a figure above it is far more often a
// typing mistake (a wage in the wrong box) than a headcount.
const MaxCoworkers = 1000

// ParseCount reads a number of co-workers: 0, 12, 12人, 十二个, 约30人;
// "none", "没有", "只有我" mean 0. More than MaxCoworkers is refused with
// the way to reach the union about a mass dispute.
func ParseCount(raw string) (int, error) {
	s := strings.ToLower(calc.Normalize(raw))
	switch s {
	case "没有", "无", "没", "只有我", "就我", "就我一个", "只有我一个", "就我自己", "只有我自己", "我自己", "自己", "我一个人",
		"就我一个人", "只有我一个人", "无人", "没人", "没别人", "没有别人", "none", "no", "nobody", "just me", "only me":
		return 0, nil
	}
	// "二十人左右": about that many.
	s = strings.TrimSpace(strings.TrimSuffix(s, "左右"))
	for _, suffix := range []string{"多人", "多个", "多名", "个人", "人", "个", "名", "位", "people", "persons", "workers", "co-workers"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	// "三十来个": about that many.
	s = strings.TrimSpace(strings.TrimSuffix(s, "来"))
	for _, prefix := range []string{"约", "大约", "大概", "about ", "around "} {
		s = strings.TrimPrefix(s, prefix)
	}
	r, ok := calc.ParseNumber(s)
	if !ok && strings.ContainsAny(s, "几") {
		// "十几个", "几十人": a guess is the mediator's to make, not ours;
		// a rough figure is all that is asked.
		return 0, &ValidationError{Msg: calc.Text{
			Zh: fmt.Sprintf("“%s”没法记成一个数。写个大概的数就行，例如“十几个”就写 15。", raw),
			En: fmt.Sprintf("%q cannot be recorded as a number: a rough figure is fine, e.g. 15.", raw),
		}}
	}
	if !ok || !r.IsInt() {
		return 0, &ValidationError{Msg: calc.Text{
			Zh: "请填一个人数，例如 0、3 或 25（只有你自己就填 0）。",
			En: "Please give a number of people, e.g. 0, 3 or 25 (0 if it is only you).",
		}}
	}
	if !r.Num().IsInt64() || r.Num().Int64() > MaxCoworkers {
		return 0, &ValidationError{Code: CodeRange, Msg: calc.Text{
			Zh: fmt.Sprintf("同事人数最多填 %d。超过 %d 人的大规模集体争议，请直接拨打职工服务热线 12351 或联系当地总工会，他们会安排人员介入；也可以先填 %d，在“事情经过”里写上实际人数。", MaxCoworkers, MaxCoworkers, MaxCoworkers),
			En: fmt.Sprintf("At most %d co-workers. For a mass dispute involving more than %d people, please call the union's workers' hotline 12351 or contact the local federation of trade unions directly; or give %d here and write the real number in the description.", MaxCoworkers, MaxCoworkers, MaxCoworkers),
		}}
	}
	return int(r.Num().Int64()), nil
}

// LooksLikeQuestion reports whether typed text reads as a question rather
// than an answer: a question mark (half- or full-width), a Chinese
// question word (怎么, 为什么, 如何, 能不能, 是不是, 请问 …) or final particle
// (吗, 呢), or an English sentence starting with a question word. The
// interview asks it only of answers it could not read, so an answer that
// happens to contain such a word is never refused for it.
func LooksLikeQuestion(text string) bool {
	t := strings.ToLower(calc.Normalize(text))
	if t == "" {
		return false
	}
	if strings.ContainsAny(t, "?") {
		return true
	}
	for _, w := range []string{"怎么", "为什么", "为啥", "如何", "什么", "咋", "能不能", "可不可以", "可以吗", "是不是", "有没有",
		"要不要", "会不会", "该不该", "应不应该", "多少", "多久", "哪里", "哪些", "哪个", "请问", "是否"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	trimmed := strings.TrimRight(t, "。.!！~ ")
	if strings.HasSuffix(trimmed, "吗") || strings.HasSuffix(trimmed, "呢") || strings.HasSuffix(trimmed, "么") {
		return true
	}
	words := strings.Fields(t)
	if len(words) >= 3 {
		switch words[0] {
		case "how", "what", "why", "when", "where", "who", "which", "can", "could", "should", "do", "does", "is", "are", "will", "would", "may":
			return true
		}
	}
	return false
}

// ParseTypes reads one or more dispute types from text: their codes,
// numbers 1–7 in the order of DisputeTypes, their Chinese or English
// labels, or common words for them (欠薪, 社保, 被辞退), separated by commas,
// spaces or 、.
func ParseTypes(raw string) ([]DisputeType, error) {
	// "欠薪和加班费", "工伤还有社保", "wages and overtime": the words that
	// join two types are separators too (no label contains them).
	joined := calc.Normalize(raw)
	for _, w := range []string{"以及", "还有", "和", "及", "与", "跟", " and ", " & "} {
		joined = strings.ReplaceAll(joined, w, "、")
	}
	fields := strings.FieldsFunc(joined, func(r rune) bool {
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
	// "被开除了": the particle says nothing of the type.
	w = strings.TrimSuffix(w, "了")
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
		"没交社保": TypeSocialInsurance, "不交社保": TypeSocialInsurance, "没买社保": TypeSocialInsurance, "不买社保": TypeSocialInsurance,
		"辞退": TypeDismissal, "被辞退": TypeDismissal, "开除": TypeDismissal, "解雇": TypeDismissal, "经济补偿": TypeDismissal, "裁员": TypeDismissal,
		"被开除": TypeDismissal, "被解雇": TypeDismissal, "被裁员": TypeDismissal, "被炒": TypeDismissal, "炒鱿鱼": TypeDismissal,
		"加班费": TypeOvertime, "没签劳动合同": TypeContract, "不签合同": TypeContract,
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
	s := calc.Normalize(raw)
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
	loc.City, loc.District = splitCity(rest)
	return loc
}

// longCities are the prefecture-level cities whose names have more than
// two characters, for splitting "新疆乌鲁木齐天山区" without a 市.
var longCities = []string{
	"石家庄", "张家口", "秦皇岛", "呼和浩特", "鄂尔多斯", "呼伦贝尔", "巴彦淖尔", "乌兰察布", "锡林郭勒", "阿拉善",
	"葫芦岛", "齐齐哈尔", "牡丹江", "佳木斯", "七台河", "双鸭山", "大兴安岭", "连云港", "马鞍山", "景德镇",
	"平顶山", "驻马店", "三门峡", "张家界", "防城港", "攀枝花", "六盘水", "西双版纳", "德宏州", "日喀则",
	"嘉峪关", "石嘴山", "克拉玛依", "吐鲁番", "乌鲁木齐", "哈尔滨", "神农架", "阿勒泰", "博尔塔拉", "巴音郭楞",
	"克孜勒苏", "黔东南", "黔西南",
}

// splitCity splits what follows the province into the city and the
// district. The city ends at 市, 州 (自治州), 盟 or 地区; without any of
// them, words ("Shenzhen Bao'an"); without spaces, Chinese written as
// workers write it, "深圳宝安": the city is its first two characters
// (most cities' names) or a longer city's name, and the rest the district.
func splitCity(rest string) (city, district string) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return "", ""
	}
	cut := -1
	for _, marker := range []string{"市", "自治州", "地区", "盟"} {
		if i := strings.Index(rest, marker); i >= 0 && (cut < 0 || i+len(marker) < cut) {
			cut = i + len(marker)
		}
	}
	if cut >= 0 {
		return strings.TrimSpace(rest[:cut]), strings.TrimSpace(rest[cut:])
	}
	words := strings.Fields(rest)
	if len(words) > 1 {
		return words[0], strings.Join(words[1:], " ")
	}
	runes := []rune(rest)
	// An autonomous prefecture written short, "黔东南州凯里": 州 past the
	// second character (广州, 杭州 end there and are cities of two).
	for i, r := range runes {
		if r == '州' && i >= 2 {
			return string(runes[:i+1]), string(runes[i+1:])
		}
	}
	for _, c := range longCities {
		if strings.HasPrefix(rest, c) {
			return c, rest[len(c):]
		}
	}
	if len(runes) >= 4 && allHan(runes) {
		return string(runes[:2]), string(runes[2:])
	}
	return rest, ""
}

func allHan(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// checkText trims an answer and checks its length in characters.
func checkText(step Step, raw string, minLen, maxLen int) (string, error) {
	s := strings.TrimSpace(calc.StripInvisible(raw))
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
	s, err := checkText(StepName, calc.FoldWidth(raw), 1, 40)
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
