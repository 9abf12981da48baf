package letter

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
)

// Template is how one kind of letter is drafted: the admins' wording with
// {placeholders} the draft fills from the ticket. The JSON names are the
// stored format.
type Template struct {
	Kind Kind `json:"kind"`
	// Title is the letter's heading, e.g. 劳动法律监督提示函.
	Title string `json:"title"`
	// Prefix starts the letter's number: 工提 gives 工提〔2026〕3号.
	Prefix string `json:"prefix"`
	// Recipient is whom the letter is addressed to; placeholders allowed
	// ({employer} for the employer, {city} for the authority's city).
	Recipient string `json:"recipient"`
	// Body is the text, one paragraph a line; a line holding only an
	// empty placeholder is left out.
	Body string `json:"body"`
	// ReplyDays is the {reply_days} the letter gives for an answer.
	ReplyDays int       `json:"reply_days"`
	UpdatedBy int64     `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Placeholder is one {name} a template may use.
type Placeholder struct {
	Name string
	Help calc.Text
}

// Placeholders lists what templates may use, for the admins' editor.
func Placeholders() []Placeholder {
	return []Placeholder{
		{"employer", calc.Text{Zh: "用人单位名称", En: "the employer's name"}},
		{"union", calc.Text{Zh: "工会名称（信头）", En: "the union's name (letterhead)"}},
		{"workers", calc.Text{Zh: "涉及的职工人数，如“3名职工”", En: "how many workers, e.g. 3名职工"}},
		{"types", calc.Text{Zh: "反映的问题，如“拖欠工资、加班费”", En: "the dispute types, e.g. 拖欠工资、加班费"}},
		{"period", calc.Text{Zh: "涉及的用工期间", En: "the period of employment concerned"}},
		{"facts", calc.Text{Zh: "逐一列出各职工反映的情况（每人一段，不写姓名）", En: "each worker's facts, one paragraph each (no names)"}},
		{"amounts", calc.Text{Zh: "主张金额合计和计算器测算的参考数额", En: "the amounts claimed and those computed by the calculators"}},
		{"basis", calc.Text{Zh: "法律依据：逐条引用条文（未加载法规原文时只写名称和条号）", En: "the legal basis, article by article (quoted when the statutes are loaded)"}},
		{"basis_names", calc.Text{Zh: "法律依据的条文名称", En: "the names of the articles"}},
		{"earlier", calc.Text{Zh: "此前就本案发出的函件", En: "letters issued earlier on this case"}},
		{"reply_days", calc.Text{Zh: "答复期限（天）", En: "days given to answer"}},
		{"city", calc.Text{Zh: "案件所在城市", En: "the case's city"}},
		{"date", calc.Text{Zh: "签发日期", En: "the date of issue"}},
		{"contact", calc.Text{Zh: "工会联系人", En: "the union's contact person"}},
		{"phone", calc.Text{Zh: "工会联系电话", En: "the union's phone"}},
	}
}

var placeholderRe = regexp.MustCompile(`\{([^{}\n]{0,40})\}`)

// Limits on what admins and mediators write.
const (
	MaxTitleRunes     = 60
	MaxPrefixRunes    = 20
	MaxRecipientRunes = 120
	MaxBodyRunes      = 20000
	MaxReplyDays      = 90
)

// Check lists what is wrong with a template, in Chinese and English: an
// admin fixes every problem before it is saved.
func (t Template) Check() []calc.Text {
	var ps []calc.Text
	add := func(zh, en string, args ...any) {
		ps = append(ps, calc.Text{Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)})
	}
	if !t.Kind.Valid() {
		add("未知的文书类型 %q", "unknown kind of letter %q", t.Kind)
	}
	if strings.TrimSpace(t.Title) == "" {
		add("标题不能为空", "the title is empty")
	}
	if utf8.RuneCountInString(t.Title) > MaxTitleRunes {
		add("标题不能超过 %d 个字", "the title is longer than %d characters", MaxTitleRunes)
	}
	if utf8.RuneCountInString(t.Prefix) > MaxPrefixRunes || strings.ContainsAny(t.Prefix, "{}〔〕\n") {
		add("文号前缀最多 %d 个字，不能含括号", "the number prefix takes at most %d characters, no brackets", MaxPrefixRunes)
	}
	if strings.TrimSpace(t.Recipient) == "" {
		add("收文单位不能为空", "the recipient is empty")
	}
	if strings.TrimSpace(t.Body) == "" {
		add("正文不能为空", "the body is empty")
	}
	if utf8.RuneCountInString(t.Body) > MaxBodyRunes {
		add("正文不能超过 %d 个字", "the body is longer than %d characters", MaxBodyRunes)
	}
	if t.ReplyDays < 1 || t.ReplyDays > MaxReplyDays {
		add("答复期限应为 1 到 %d 天", "the days to answer must be 1 to %d", MaxReplyDays)
	}
	known := map[string]bool{}
	for _, p := range Placeholders() {
		known[p.Name] = true
	}
	for _, field := range []struct{ zh, en, text string }{{"收文单位", "recipient", t.Recipient}, {"正文", "body", t.Body}} {
		for i, line := range strings.Split(field.text, "\n") {
			for _, m := range placeholderRe.FindAllStringSubmatch(line, -1) {
				if !known[m[1]] {
					ps = append(ps, calc.Text{Zh: fmt.Sprintf("%s第 %d 行：未知的占位符 {%s}", field.zh, i+1, m[1]),
						En: fmt.Sprintf("%s line %d: unknown placeholder {%s}", field.en, i+1, m[1])})
				}
			}
		}
	}
	return ps
}

// DefaultTemplates are the templates letters are drafted from until an
// admin changes them: the union's voice, careful about what is established
// (the workers' reports, not findings) and about what the union may do
// (supervise, ask for correction, refer to the authority).
func DefaultTemplates() map[Kind]Template {
	return map[Kind]Template{
		Reminder: {Kind: Reminder, Title: "劳动法律监督提示函", Prefix: "工提", Recipient: "{employer}", ReplyDays: 15, Body: `近期，{union}接到{workers}反映，贵单位在{types}方面可能存在不符合劳动法律法规规定的情况。根据职工反映和我会初步了解，有关情况如下：
{facts}
{amounts}
工会依法维护职工合法权益，对用人单位遵守劳动法律法规的情况进行监督。现将与上述情况有关的法律规定提示如下：
{basis}
请贵单位对照上述规定认真自查：情况属实的，请依法及时纠正，保障职工合法权益；对职工反映的情况有不同意见的，请提供说明和有关材料。请于收到本函之日起{reply_days}日内，将自查和处理情况书面反馈我会。
本函所述情况依据职工反映和我会初步了解整理，用于提示和督促，不是对事实和责任的最终认定。`},
		Opinion: {Kind: Opinion, Title: "劳动法律监督意见书", Prefix: "工意", Recipient: "{employer}", ReplyDays: 15, Body: `{union}在劳动法律监督工作中了解到，贵单位存在以下涉及{workers}劳动权益的情况：
{facts}
{amounts}
我会认为，上述情况不符合下列法律法规的规定：
{basis}
{earlier}
根据《中华人民共和国劳动合同法》第七十八条、《中华人民共和国工会法》第二十三条的规定，用人单位违反劳动法律法规的，工会有权提出意见、要求纠正。为此，我会提出以下意见：
一、请贵单位对上述情况进行核查，依法纠正，依法支付职工应得的劳动报酬和有关款项；
二、请贵单位于收到本意见书之日起{reply_days}日内研究处理，并将处理结果书面答复我会。
贵单位逾期不答复或者拒不纠正的，我会将依法提请当地人民政府及有关部门处理，并支持和帮助职工依法申请劳动争议仲裁或者提起诉讼。`},
		Recommendation: {Kind: Recommendation, Title: "劳动法律监督建议书", Prefix: "工建", Recipient: "{city}人力资源和社会保障局", ReplyDays: 30, Body: `{union}在劳动法律监督工作中了解到，{employer}存在以下涉嫌违反劳动法律法规、侵害{workers}劳动权益的情况：
{facts}
{amounts}
上述情况涉及下列法律法规的规定：
{basis}
{earlier}
根据《中华人民共和国工会法》第二十三条和《劳动保障监察条例》第七条、第九条的规定，现建议贵单位依法对{employer}的上述情况进行调查核实，对查实的违法行为责令其限期改正，依法维护职工合法权益，并于{reply_days}日内将处理情况告知我会。
我会将继续跟进，并可协助提供职工反映的情况和有关材料。`},
	}
}

// Paragraphs splits a letter's body into its paragraphs: one a line,
// blank lines and surrounding spaces dropped.
func Paragraphs(body string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(strings.Trim(line, "\u3000")); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// fill replaces the placeholders of text with values. A line that held
// placeholders and is empty once they are filled is dropped; a value of
// several lines becomes several paragraphs.
func fill(text string, values map[string]string) string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		had := placeholderRe.MatchString(line)
		line = placeholderRe.ReplaceAllStringFunc(line, func(m string) string {
			if v, ok := values[m[1:len(m)-1]]; ok {
				return v
			}
			return m
		})
		if had && strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
