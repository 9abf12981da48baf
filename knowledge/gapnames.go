package knowledge

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names of people and employers in a gap's question (NormalizeQuestion):
// a question like "我叫张三，在深圳星光电子有限公司上班，王总拖欠工资" must not
// keep 张三, 星光电子 or 王总 in the gaps store, where admins read it and where
// /deletedata would not find it. There is no dictionary of Chinese names,
// so the rules look at what surrounds a name: the words that introduce one
// (我叫, 姓, 老板, 同事), a title after it (总, 经理, 师傅), a verb a person does
// (说, 骂, 扣), or, for an employer, the suffix of an organisation (公司, 厂,
// 店, 医院) with the distinctive part of its name before it. What they
// replace becomes <name> or <employer>; generic words (我们公司, 电子厂, 外卖平台)
// are kept, as they carry the question's meaning.

// commonSurnames are common single-character surnames, leaving out those
// that also begin everyday words of a worker's question (周末, 任何, 金额,
// 高温, 单位, 解除, 付款, 范围, 谢谢, 钟点工...), and the common
// two-character ones.
var (
	commonSurnames   = []rune("王李张刘陈杨黄赵吴徐孙朱胡郭林罗郑梁宋唐韩冯邓曹彭肖田袁潘蒋蔡杜叶苏魏吕丁沈姚卢姜崔谭汪廖贾韦邹孟熊秦邱尹薛闫雷侯龙陶黎贺郝龚邵覃戴欧")
	compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "长孙", "宇文", "司徒", "夏侯", "公孙", "端木", "独孤", "南宫", "西门"}
)

var (
	han = `\p{Han}`
	// A full name: a surname and one or two more characters.
	surnameClass = `[` + string(commonSurnames) + `]`
	fullNamePat  = `(?:` + strings.Join(compoundSurnames, "|") + `|` + surnameClass + `)` + han + `{1,2}`

	// 我叫张三, 姓名是李四, 名字叫王小明.
	nameIntroRe = regexp.MustCompile(`(我叫|我名叫|我的名字是|我的名字叫|名字是|名字叫|姓名是|姓名叫|姓名：|姓名:)\s*(` + han + `{2,3})`)
	// 我是张三 (only a surname-led name right before a pause: 我是外卖骑手 stays).
	iAmRe = regexp.MustCompile(`(我是)(` + fullNamePat + `)([，,。.！!？?\s]|$)`)
	// 姓王 / 姓欧阳.
	surnameOnlyRe = regexp.MustCompile(`(姓)(` + strings.Join(compoundSurnames, "|") + `|` + surnameClass + `)`)
	// 王总, 李经理, 张师傅, 刘姐: a surname (and maybe a given name) and a title.
	// The name must start the text or follow a pause or a verb (公司总经理
	// is no name).
	titledRe = regexp.MustCompile(`(^|[^\p{Han}]|[说找叫被给和跟让问是把对向])(?:` + strings.Join(compoundSurnames, "|") + `|` + surnameClass + `)` + han + `{0,2}?` +
		`(总经理|总监|总|经理|老板|老总|主管|主任|厂长|店长|组长|班长|队长|科长|处长|部长|师傅|老师|律师|会计|先生|女士|小姐|阿姨|大姐|大哥|姐|哥|叔)`)
	// 老板张三丰, 同事李强, 工头王某: a role, then a name.
	roleNameRe = regexp.MustCompile(`(老板|老总|经理|主管|组长|班长|队长|厂长|店长|同事|工友|老乡|师傅|包工头|工头|负责人|法人|法定代表人|人事|财务|会计|hr|HR)\s*(` + fullNamePat + `)`)
	// 张三说, 李强不给: a name, then something a person does.
	nameVerbRe = regexp.MustCompile(`(` + fullNamePat + `)(说|告诉|让我|叫我|打我|骂我|扣我|欠我|拖欠|不给|没给|不发|威胁|答应|承诺|签了)`)

	// English.
	enNameIntroRe = regexp.MustCompile(`\b((?i:my name is|my name's|i am called|this is))\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})`)
	enTitledRe    = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?`)
	enRoleNameRe  = regexp.MustCompile(`\b((?i:boss|manager|supervisor|foreman|colleague|coworker|co-worker))\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)`)
	enEmployerRe  = regexp.MustCompile(`\b(?:[A-Z][\w&'.-]*\s+){1,5}(?:Co\.?,?\s*Ltd\.?|Co\.|Company|Corp\.?|Corporation|Inc\.?|Ltd\.?|Limited|LLC|Group|Factory|Restaurant|Hotel|Store|Shop|Logistics|Technology|Technologies)\b\.?`)
)

// employerSuffixes end the name of an organisation, longest first;
// legalForms among them are said only after a company's name.
var (
	employerSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "分公司", "子公司", "集团", "公司", "工厂", "厂",
		"商店", "店", "超市", "商场", "餐厅", "餐馆", "饭店", "酒店", "宾馆", "医院", "诊所", "学校", "幼儿园", "工地", "项目部",
		"工作室", "门店", "商行", "事务所", "合作社", "车队", "矿"}
	legalForms = map[string]bool{"股份有限公司": true, "有限责任公司": true, "有限公司": true, "集团": true}
)

// industryWords end a company's name before its suffix ("星光电子厂"); a
// name that starts the sentence counts only with one of them, so that
// "续签时公司…" (when renewing, the company…) is not taken for a name.
var industryWords = []string{"电子", "科技", "精密", "模具", "服装", "制衣", "纺织", "鞋业", "机械", "五金", "塑胶", "塑料", "玩具", "家具",
	"食品", "印刷", "化工", "钢铁", "汽车", "信息", "网络", "软件", "贸易", "商贸", "实业", "餐饮", "物流", "快递", "建筑", "建设",
	"工程", "装饰", "装修", "物业", "保安", "家政", "医药", "制造", "包装", "电器", "光电", "材料", "能源", "置业", "地产", "房地产",
	"劳务", "人力资源", "传媒", "文化", "教育", "投资", "控股", "发展", "技术", "运输"}

// genericWords describe a kind of workplace or point at one; a name made of
// nothing else is no name ("关联公司", "一家电子厂", "第三方派遣公司").
var genericWords = []string{"我们", "你们", "他们", "这家", "那家", "一家", "这个", "那个", "哪家", "原来", "原", "新", "前", "老",
	"某某", "某", "小", "大", "黑", "正规", "私人", "个人", "民营", "国有", "国营", "外资", "合资", "私营", "外地", "本地", "当地",
	"公司", "同行业", "同行", "行业", "关联", "总包", "分包", "第三方", "上级", "下属", "合作", "空壳", "皮包", "母", "子", "总", "分",
	"用人单位", "用工单位", "劳务派遣", "派遣", "外包", "承包", "挂靠", "劳务", "中介", "人力资源", "人力", "平台", "网约车", "外卖", "奶茶",
	"电子", "服装", "制衣", "纺织", "鞋", "机械", "五金", "塑料", "模具", "玩具", "家具", "食品", "印刷", "化工", "钢铁", "汽车",
	"科技", "信息", "网络", "软件", "互联网", "贸易", "商贸", "餐饮", "保安", "家政", "保洁", "物业", "医药", "制造", "加工", "生产",
	"包装", "电器", "建筑", "装修", "物流", "快递", "运输", "上市", "大型", "小型", "中型", "工程", "施工"}

// employerStops come right before a name: where the walk left from a
// suffix stops.
var employerStops = []string{"在", "去", "到", "进", "被", "跟", "和", "与", "给", "是", "从", "离开", "告", "起诉", "投诉", "就职于", "任职于"}

// clauseRunes are characters of ordinary speech (pronouns, particles,
// common verbs and time words) that a company's name does not contain; a
// candidate with one is a clause, not a name ("离职后公司", "算不算公司").
const clauseRunes = "我你他她它们的了着过时后前期内里间把让要不没都也还就又才再说做干能会可有这那哪什么怎每各该其请问找算扣发交签退回逼叫对向为替帮受伤病次第错出借开拿卖买打假几送倒检"

// stripEmployers replaces "深圳星光电子有限公司" (a distinctive name before an
// organisation's suffix) with <employer>.
func stripEmployers(q string) string {
	r := []rune(q)
	var out []rune
	last := 0
	for i := 0; i < len(r); i++ {
		suffix := ""
		for _, s := range employerSuffixes {
			if hasRunesAt(r, i, s) {
				suffix = s
				break
			}
		}
		if suffix == "" {
			continue
		}
		end := i + len([]rune(suffix))
		start, afterStop := nameStart(r, i, last)
		name := string(r[start:i])
		if start < i && isEmployerName(name, legalForms[suffix], afterStop) {
			out = append(out, r[last:start]...)
			out = append(out, []rune("<employer>")...)
			last = end
		}
		i = end - 1
	}
	out = append(out, r[last:]...)
	return string(out)
}

// isEmployerName decides on the words before a suffix: no ordinary speech
// in them, something distinctive, and either a legal form after them, a
// word like 在 before them, or an industry at their end.
func isEmployerName(name string, legalForm, afterStop bool) bool {
	if strings.ContainsAny(name, clauseRunes) || !distinctive(name) {
		return false
	}
	if legalForm || afterStop {
		return true
	}
	for _, w := range industryWords {
		if strings.HasSuffix(name, w) && distinctive(strings.TrimSuffix(name, w)) {
			return true
		}
	}
	return false
}

// nameStart walks left from the suffix at i while the runes can be part of
// a name (letters, digits, brackets), at most 20 runes and never before
// floor. afterStop tells whether it stopped at a word like 在.
func nameStart(r []rune, i, floor int) (start int, afterStop bool) {
	j := i
	for j > floor && i-j < 20 {
		c := r[j-1]
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("（）()·&", c)) {
			break
		}
		for _, w := range employerStops {
			if hasRunesEndingAt(r, j, w) {
				return j, true
			}
		}
		j--
	}
	return j, false
}

// distinctive reports whether name has something besides generic words.
func distinctive(name string) bool {
	rest := name
	for changed := true; changed && rest != ""; {
		changed = false
		for _, w := range genericWords {
			if strings.HasPrefix(rest, w) {
				rest, changed = strings.TrimPrefix(rest, w), true
			}
			if strings.HasSuffix(rest, w) {
				rest, changed = strings.TrimSuffix(rest, w), true
			}
		}
	}
	n := 0
	for _, c := range rest {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			n++
		}
	}
	return n >= 2 || n == 1 && !unicode.Is(unicode.Han, []rune(rest)[0])
}

func hasRunesAt(r []rune, i int, s string) bool {
	sr := []rune(s)
	if i+len(sr) > len(r) {
		return false
	}
	for k, c := range sr {
		if r[i+k] != c {
			return false
		}
	}
	return true
}

func hasRunesEndingAt(r []rune, end int, s string) bool {
	n := len([]rune(s))
	return end-n >= 0 && hasRunesAt(r, end-n, s)
}

// stripNamesAndEmployers replaces people's and employers' names in q.
func stripNamesAndEmployers(q string) string {
	q = nameIntroRe.ReplaceAllString(q, "$1<name>")
	q = iAmRe.ReplaceAllString(q, "$1<name>$3")
	q = surnameOnlyRe.ReplaceAllString(q, "$1<name>")
	q = roleNameRe.ReplaceAllString(q, "$1<name>")
	q = titledRe.ReplaceAllString(q, "$1<name>")
	q = nameVerbRe.ReplaceAllString(q, "<name>$2")
	q = enNameIntroRe.ReplaceAllString(q, "$1 <name>")
	q = enTitledRe.ReplaceAllString(q, "<name>")
	q = enRoleNameRe.ReplaceAllString(q, "$1 <name>")
	q = enEmployerRe.ReplaceAllString(q, "<employer>")
	return stripEmployers(q)
}

// ForgetGapsAbout deletes the gaps whose question mentions any of terms (a
// worker's name and employers, as their complaints give them), for
// /deletedata: what the rules above missed in a question goes with the
// worker's data. Terms shorter than two characters are ignored, as they
// would match too much. It returns how many gaps went.
func (a *Admin) ForgetGapsAbout(ctx context.Context, terms []string) (int, error) {
	var keys []string
	seen := map[string]bool{}
	for _, t := range terms {
		for _, v := range termVariants(t) {
			if utf8.RuneCountInString(v) >= 2 && !seen[v] {
				seen[v] = true
				keys = append(keys, v)
			}
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	gaps, err := a.store.ListGaps(ctx, a.opts.MaxGaps)
	if err != nil {
		return 0, err
	}
	var del []string
	for _, g := range gaps {
		for _, k := range keys {
			if strings.Contains(g.Question, k) {
				del = append(del, g.Key())
				break
			}
		}
	}
	if len(del) == 0 {
		return 0, nil
	}
	// The audit record says how many, never what.
	return a.store.DeleteGaps(ctx, del, a.audit(Actor{Name: "privacy"}, AuditClearGaps, "", 0,
		fmt.Sprintf("%d gaps mentioning a worker who deleted their data", len(del))))
}

// termVariants are the forms in which a name or an employer can appear in
// a normalized question: as given, and an employer without its legal form
// or industry ("深圳市星光电子有限公司", "深圳市星光电子", "星光电子", "星光").
func termVariants(term string) []string {
	t := strings.ToLower(strings.Join(strings.Fields(foldWidthText(term)), " "))
	if t == "" {
		return nil
	}
	out := []string{t}
	for _, s := range employerSuffixes {
		if strings.HasSuffix(t, s) && len(t) > len(s) {
			t = strings.TrimSuffix(t, s)
			out = append(out, t)
			break
		}
	}
	for _, p := range []string{"中国", "北京市", "上海市", "天津市", "重庆市"} {
		t = strings.TrimPrefix(t, p)
	}
	// A city or province before the name: drop up to its 市/省/区/县.
	if i := strings.IndexAny(t, "市省区县"); i > 0 && i < len(t)-3 {
		out = append(out, t[i+len("市"):])
		t = t[i+len("市"):]
	}
	for _, w := range industryWords {
		if strings.HasSuffix(t, w) && len(t) > len(w) {
			out = append(out, strings.TrimSuffix(t, w))
			break
		}
	}
	return out
}
