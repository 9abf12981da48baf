package knowledge

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// SuggestionKind says why an entry is offered next to an answer.
type SuggestionKind string

// The kinds of suggestions.
const (
	// SuggestMaybe: a candidate when the question is only partly covered
	// ("是不是想问：…").
	SuggestMaybe SuggestionKind = "maybe"
	// SuggestAlso: the entry for another problem the question mentions.
	SuggestAlso SuggestionKind = "also"
	// SuggestRelated: an entry near the answer.
	SuggestRelated SuggestionKind = "related"
	// SuggestExplains: an entry that explains a statute article.
	SuggestExplains SuggestionKind = "explains"
)

// Suggestion is an entry offered with an answer; a channel shows it as a
// button that answers with the entry.
type Suggestion struct {
	ID    string         `json:"id"`
	Title string         `json:"title"`
	Kind  SuggestionKind `json:"kind"`
	// Problem names the problem an "also" suggestion is about.
	Problem string `json:"problem,omitempty"`
}

// resolution is what the engine made of a question before any text is
// written: the ranking, the decision, the entry to answer with and the
// entries to offer.
type resolution struct {
	ranking     *ranking
	decision    Decision
	best        *Result
	suggestions []Suggestion
}

// maxMaybe and maxAlso bound the buttons under an answer: a phone screen
// holds a few.
const (
	maxMaybe   = 3
	maxAlso    = 2
	maxRelated = 2
)

// resolve ranks the entries for a question and decides the outcome. It
// never calls a model.
func (e *Engine) resolve(ctx context.Context, lib *Library, q, lang string) (*resolution, error) {
	r, err := e.rank(ctx, lib, q, lang, rankCandidates, rerankDepth)
	if err != nil {
		return nil, err
	}
	r.order(e.opts.Decision)
	res := &resolution{ranking: r, decision: e.opts.Decision.decide(r.signals())}
	if res.decision.Outcome == OutcomeOffTopic || len(r.results) == 0 {
		return res, nil
	}
	res.best = &r.results[0]
	used := map[string]bool{res.best.ID: true}
	also, err := e.otherProblems(ctx, lib, r, used)
	if err != nil {
		return nil, err
	}
	res.suggestions = append(also, moreEntries(r, res.decision.Outcome, len(also) > 0, used)...)
	return res, nil
}

// otherProblems finds, for a question that raises several problems (unpaid
// wages, a dismissal and social insurance in one message), an entry for
// each problem other than the one the best entry answers: the parts of the
// question that name a problem are searched on their own, so each gets the
// entry that fits it rather than one that fits the whole.
func (e *Engine) otherProblems(ctx context.Context, lib *Library, r *ranking, used map[string]bool) ([]Suggestion, error) {
	main := problemOfTopic[r.results[0].Topic]
	var problems []string
	for _, p := range r.lex.groups {
		if p != main && r.lex.groupWeight[p] >= 2 {
			problems = append(problems, p)
		}
	}
	if len(problems) == 0 {
		return nil, nil
	}
	clauses := splitClauses(r.question)
	var out []Suggestion
	for _, p := range problems {
		if len(out) == maxAlso {
			break
		}
		var part []string
		for _, c := range clauses {
			for _, g := range domainLexicon.signals(c).groups {
				if g == p {
					part = append(part, c)
					break
				}
			}
		}
		if len(part) == 0 || len(part) == len(clauses) {
			continue // the problem is not a separate part of the question
		}
		sub, err := e.rank(ctx, lib, strings.Join(part, "，"), r.lang, partCandidates, partDepth)
		if err != nil {
			return nil, err
		}
		sub.order(e.opts.Decision)
		for _, c := range sub.results {
			if !used[c.ID] && problemOfTopic[c.Topic] == p {
				used[c.ID] = true
				out = append(out, Suggestion{ID: c.ID, Title: c.Title, Kind: SuggestAlso, Problem: p})
				break
			}
		}
	}
	return out, nil
}

// clauseSep splits a question into its parts: sentences and clauses, and in
// English also "and", "but" and "also".
var clauseSep = regexp.MustCompile(`[，,。.;；!！?？、\n]+|\s+(?:and|but|also|plus)\s+|还有|而且|另外|并且`)

func splitClauses(q string) []string {
	var out []string
	for _, c := range clauseSep.Split(q, -1) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// moreEntries picks the next candidates to offer: when the question is only
// partly covered, up to maxMaybe of them ("是不是想问"); when it is answered
// and raised no other problems, a couple of related entries.
func moreEntries(r *ranking, outcome Outcome, hasAlso bool, used map[string]bool) []Suggestion {
	kind, n := SuggestRelated, maxRelated
	switch {
	case outcome == OutcomePartial:
		kind, n = SuggestMaybe, maxMaybe
	case hasAlso:
		return nil // the other problems say more than related entries
	}
	var out []Suggestion
	for _, c := range r.results[1:] {
		if len(out) == n {
			break
		}
		if !used[c.ID] {
			used[c.ID] = true
			out = append(out, Suggestion{ID: c.ID, Title: c.Title, Kind: kind})
		}
	}
	return out
}

// partialIntro frames an answer that only partly covers the question, or
// that answers one of several problems the question raises.
func partialIntro(ans *Answer) string {
	var problem string
	for _, s := range ans.Suggestions {
		if s.Kind == SuggestAlso {
			problem = "also"
			break
		}
	}
	en := ans.Lang == "en"
	switch {
	case problem != "" && en:
		return "Your question raises several matters. Here is the one I can answer best; the others are below.\n\n"
	case problem != "":
		return "你的问题涉及好几件事，下面先回答最相关的一件，其他的见文末。\n\n"
	case ans.Outcome != OutcomePartial:
		return ""
	case en:
		return "🔎 I found nothing that answers exactly this. This is the closest match; check whether it fits your situation:\n\n"
	}
	return "🔎 没有找到正好回答这个问题的内容，下面是最接近的一条，请对照自己的情况看：\n\n"
}

// offTopicText is the reply to a question that is not about work: what the
// bot covers and where to go instead, by the field the question seems to
// be about.
func offTopicText(lang, field string) string {
	if lang == "en" {
		var b strings.Builder
		b.WriteString("This doesn't look like a question about work, and I can only help with labor matters: wages, overtime, social insurance, contracts, dismissal, work injuries and how to resolve a dispute with an employer.")
		if p := offTopicPointerEn[field]; p != "" {
			b.WriteString("\n\n" + p)
		}
		b.WriteString("\n\nFor other legal questions: legal aid hotline 12348. For anything else about public services: the government service hotline 12345.\n\nIf it is about your job, tell me a bit more, for example: \"My boss hasn't paid me for two months\", or call the union hotline 12351 to talk to a person.")
		return b.String()
	}
	var b strings.Builder
	b.WriteString("这个问题看起来和劳动用工无关。我只解答劳动方面的问题：工资、加班、社保、劳动合同、辞退、工伤，以及和单位的纠纷怎么解决。")
	if p := offTopicPointerZh[field]; p != "" {
		b.WriteString("\n\n" + p)
	}
	b.WriteString("\n\n其他法律问题可以拨打法律援助热线12348；其他政务问题可以拨打政务服务便民热线12345。\n\n如果你问的是工作上的事，请再说具体一点，比如“老板拖欠我两个月工资怎么办”，也可以拨打工会热线12351找人帮忙。")
	return b.String()
}

// Where to go, by field (the domain lexicon's fields).
var offTopicPointerZh = map[string]string{
	"family":      "婚姻、家庭、继承方面的问题，可以找当地法律援助中心，或到人民法院诉讼服务中心咨询。",
	"traffic":     "交通违章、交通事故的问题找公安交警部门，发生事故可以拨打122报警。",
	"housing":     "租房、物业、买房、拆迁的问题，可以找当地住房和城乡建设部门，或拨打12345。",
	"consumer":    "消费纠纷（退货、退款、假货、预付卡）可以拨打12315向市场监管部门投诉。",
	"civil":       "借款、邻里、医疗纠纷等民事问题，可以拨打12348咨询，必要时向人民法院起诉。",
	"criminal":    "遇到违法犯罪（诈骗、盗窃、打人），请拨打110报警。",
	"tax":         "税务问题可以拨打12366纳税服务热线。",
	"immigration": "护照、签证、出入境问题可以拨打12367移民管理服务热线。",
	"business":    "开公司、开店、办证，可以到当地政务服务中心咨询，或拨打12345。",
	"land":        "土地、宅基地、征收的问题，可以咨询当地自然资源部门，或拨打12345。",
	"finance":     "信用卡、贷款、催收的问题，可以先找银行，也可以拨打12378银行保险消费者投诉热线。",
	"education":   "考试、报名、上学、培训的问题，可以咨询考试机构或学校，也可以拨打12345。",
}

var offTopicPointerEn = map[string]string{
	"family":      "For marriage, family and inheritance matters, ask your local legal aid center or the people's court's litigation service center.",
	"traffic":     "For traffic tickets and accidents, go to the traffic police; to report an accident call 122.",
	"housing":     "For renting, property management, buying a home or demolition, ask the local housing department or call 12345.",
	"consumer":    "For consumer disputes (refunds, fakes, prepaid cards), complain to market regulation on 12315.",
	"civil":       "For loans, neighbours and medical disputes, ask legal aid on 12348, or sue in the people's court.",
	"criminal":    "To report a crime (fraud, theft, assault), call the police on 110.",
	"tax":         "For tax questions, call the tax service hotline 12366.",
	"immigration": "For passports, visas and residence permits, call the National Immigration Administration hotline 12367.",
	"business":    "To register a company or get a license, ask your local government service center or call 12345.",
	"land":        "For land, rural homesteads and requisition, ask the local natural resources department or call 12345.",
	"finance":     "For credit cards, loans and debt collectors, contact the bank first, or the banking and insurance consumer hotline 12378.",
	"education":   "For exams, enrolment, schools and courses, ask the exam authority or the school, or call 12345.",
}

// catalogArticleAnswer answers a question naming an article whose text is
// not loaded: the program knows the statute from its catalog, so it says
// which article it is, that the text is not loaded here, and offers the
// entries that rest on it.
func (e *Engine) catalogArticleAnswer(lib *Library, ans *Answer, c Citation) *Answer {
	ans.Mode, ans.Outcome = ModeArticle, OutcomeAnswer
	ans.Covered, ans.Confidence = true, 1
	var b strings.Builder
	b.WriteString("**" + c.Format(ans.Lang) + "**\n\n")
	citing := lib.entriesCiting(c, ans.Lang)
	if ans.Lang == "en" {
		b.WriteString("The text of this article is not loaded here (an administrator can load the statute texts with LAWS_DIR).")
		if len(citing) == 0 {
			b.WriteString(" No answer in the knowledge base rests on it yet; the official text is on the National Database of Laws and Regulations (flk.npc.gov.cn).")
		}
	} else {
		b.WriteString("这里没有载入这一条的原文（管理员可以用 LAWS_DIR 导入法条文本）。")
		if len(citing) == 0 {
			b.WriteString("知识库里还没有以这一条为依据的解答；原文可以在国家法律法规数据库（flk.npc.gov.cn）查到。")
		}
	}
	ans.Sources = []Source{{ID: ArticlePassageID(c), Kind: PassageArticle, Title: c.Format(ans.Lang), Score: 1, Citations: []Citation{c}}}
	for i, en := range citing {
		if i == 3 {
			break
		}
		ans.Suggestions = append(ans.Suggestions, Suggestion{ID: en.ID, Title: en.Title, Kind: SuggestExplains})
		ans.Sources = append(ans.Sources, Source{ID: en.ID, Kind: PassageEntry, Title: en.Title, Score: 1, Citations: en.Citations})
	}
	b.WriteString("\n\n" + Disclaimer(ans.Lang))
	ans.Text = b.String()
	return ans
}

// problemNames name the problems of the domain lexicon.
var problemNames = map[string][2]string{
	"wages": {"工资", "wages"}, "hours": {"加班和工时", "overtime and hours"}, "leave": {"休息休假", "leave"},
	"contract": {"劳动合同", "the contract"}, "leaving": {"辞退、辞职和补偿", "dismissal, quitting and severance"},
	"social_insurance": {"社会保险", "social insurance"}, "injury": {"工伤和职业病", "work injury"},
	"women": {"女职工保护", "pregnancy and maternity"}, "dispatch": {"派遣和灵活用工", "dispatch and gig work"},
	"noncompete": {"竞业限制和培训服务期", "non-compete and training bonds"}, "safety": {"安全生产", "safety at work"},
}

// ProblemName names a problem of an "also" suggestion in lang.
func ProblemName(problem, lang string) string {
	n, ok := problemNames[problem]
	if !ok {
		return problem
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// SuggestionHeader is the line that introduces an answer's suggestions on
// a channel that shows them as buttons ("" when there are none).
func SuggestionHeader(ans *Answer) string {
	if len(ans.Suggestions) == 0 {
		return ""
	}
	en := ans.Lang == "en"
	var problems []string
	kinds := map[SuggestionKind]bool{}
	for _, s := range ans.Suggestions {
		kinds[s.Kind] = true
		if s.Kind == SuggestAlso {
			problems = append(problems, ProblemName(s.Problem, ans.Lang))
		}
	}
	var parts []string
	if len(problems) > 0 {
		if en {
			parts = append(parts, "You also asked about "+strings.Join(problems, " and ")+".")
		} else {
			parts = append(parts, "你还问到了"+strings.Join(problems, "、")+"。")
		}
	}
	switch {
	case kinds[SuggestMaybe]:
		parts = append(parts, map[bool]string{false: "是不是想问下面这些？", true: "Did you mean one of these?"}[en])
	case kinds[SuggestExplains]:
		parts = append(parts, map[bool]string{false: "通俗解读：", true: "Explained in plain words:"}[en])
	case kinds[SuggestRelated]:
		parts = append(parts, map[bool]string{false: "相关问题：", true: "Related questions:"}[en])
	}
	sep := ""
	if en {
		sep = " "
	}
	return "👇 " + strings.Join(parts, sep)
}

// SuggestionsText lists an answer's suggestions for a channel without
// buttons (the ask command): the header and one line per entry.
func SuggestionsText(ans *Answer) string {
	if len(ans.Suggestions) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(SuggestionHeader(ans), "👇 "))
	for i, s := range ans.Suggestions {
		fmt.Fprintf(&b, "\n%d. %s", i+1, s.Title)
	}
	return b.String()
}
