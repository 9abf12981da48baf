package knowledge

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// The domain lexicon: words that tell a question about work from one about
// something else. Labor words are the law's terms and the words workers use
// for them (工钱, 拖粮, 被炒, 包工头, 公伤…), each with the problem it
// belongs to, so a question about unpaid wages, a dismissal and social
// insurance at once can be recognised as three problems. Words of other
// fields (family, traffic, housing, consumer, criminal, tax, immigration,
// small talk…) say where else a question belongs.
//
// Weights: 2 for words that are about work whatever the sentence (欠薪,
// 工伤, 劳动仲裁), 1 for words that usually are (工资, 辞职, 合同 with 劳动), 0.5
// for words that only set the scene (公司, 老板, 上班). How much the words
// count against the search's own signals is calibrated on labelled
// questions (see decision.go), not set here.
//
// Format: "DOMAIN GROUP WEIGHT: term | term | …". GROUP "-" is none.
// English terms are matched word by word after stemming, so "fired" also
// matches "fire", "wages" matches "wage".
const lexiconSource = `
labor wages 2: 卷钱跑 | 老板跑路 | 老板跑了 | 工资里扣 | 从工资里扣 | 扣我工资 | 欠薪 | 拖欠工资 | 欠工资 | 欠我工资 | 工资不发 | 不发工资 | 没发工资 | 工资没发 | 拖工资 | 拖粮 | 出粮 | 工钱 | 血汗钱 | 包工头 | 工头 | 工资条 | 工资卡 | 克扣 | 扣工资 | 最低工资 | 计件 | 拒不支付劳动报酬 | 劳动报酬 | 农民工 | 工资欠条 | 结工资 | 工资保证金 | 停工 | 停产 | 待岗 | 同工同酬
labor wages 2: 工资 | 薪水 | 薪资 | 底薪 | 提成 | 绩效 | 奖金 | 年终奖 | 欠条 | 干活的钱 | 人工费 | 生活费 | 发薪
labor wages 1.5: 失联 | 联系不上 | 只发
labor wages 2: 人工 | 冇俾 | 唔俾 | 不给开支 | 没开支 | 不开支 | 不结账 | 点工 | 十三薪 | 年底双薪
labor wages 2: 房东是我老板 | 老板是房东 | 老板是我房东 | 老板也是房东 | 扣房租 | 宿舍费 | 住宿费 | 扣住宿费
labor wages 2: 只发一半 | 发一半 | 少发 | 压了我 | 年底统一发 | 年底一起发 | 年底一起结 | 年底再发 | 工资抵 | 抵工资 | 拿工资抵 | 用工资抵
labor wages 1: 卡着 | 被罚 | 扣钱 | 罚款 | 欠我 | 不给钱 | 没给钱 | 一分钱 | 结账 | 拖着
labor hours 2: 加班 | 加班费 | 加斑 | 工时 | 996 | 大小周 | 调休 | 倒班 | 综合工时 | 不定时工作 | 标准工时 | 延长工作时间
labor hours 1: 个钟 | 个钟头 | 返工 | 迟到 | 早退 | 旷工 | 考勤 | 打卡 | 夜班 | 休息日 | 双休 | 单休 | 上班时间 | 下班 | 一天干 | 每天干 | 小时班
labor leave 2: 陪产假 | 育儿假 | 护理假 | 探亲假 | 年假 | 年休假 | 带薪年休假 | 病假 | 事假 | 婚假 | 丧假 | 医疗期 | 法定节假日 | 法定假日
labor leave 1: 请几天假 | 几天假 | 假期 | 休假 | 请假 | 休息 | 放假 | 国庆节加班 | 过年加班
labor contract 2: 扣身份证 | 扣押身份证 | 扣我身份证 | 身份证被扣 | 劳动合同 | 劳动关系 | 试用期 | 转正 | 无固定期限 | 续签 | 调岗 | 降薪 | 员工手册 | 规章制度 | 用人单位 | 劳动者 | 入职 | 合tong
labor contract 1.5: 面试 | 招聘 | 求职 | 应聘 | 招工
labor contract 1.5: 押金
labor contract 1: 签合同 | 合同 | 身份证 | 录用 | 上岗 | 实名制
labor leaving 2: 炒咗 | 辞退 | 开除 | 解雇 | 被炒 | 炒鱿鱼 | 裁员 | 劝退 | 辞推 | 解除劳动合同 | 解除合同 | 离职 | 辞职 | 辞工 | 自离 | 离职证明 | 经济补偿 | 补偿金 | 赔偿金 | n+1 | 2n | 遣散费 | 工龄 | 不用来了 | 别来了 | 明天不用来 | 末位淘汰 | 不胜任 | 协商解除 | 辞职信
labor leaving 1: 补偿 | 赔偿 | 不要我了 | 不要俺了 | 走人 | 退休 | 返聘 | 违约金
labor social_insurance 2: 医保 | 社保 | 社宝 | 社会保险 | 五险一金 | 五险 | 养老保险 | 养老金 | 医疗保险 | 失业金 | 失业保险 | 生育保险 | 生育津贴 | 公积金 | 缴费基数 | 断缴 | 补缴 | 灵活就业 | 退休金
labor social_insurance 2: 买社保 | 社保没买
labor social_insurance 1: 交满 | 缴费
labor injury 2: 工伤 | 公伤 | 伤残 | 劳动能力鉴定 | 停工留薪 | 职业病 | 尘肺 | 矽肺 | 工亡 | 干活受伤 | 上班受伤 | 上班路上 | 下班路上 | 上下班途中
labor injury 2: 送货路上 | 送餐路上 | 送外卖路上 | 送快递路上 | 跑单路上 | 报工伤 | 申报工伤 | 算工伤 | 算不算工伤
labor injury 1: 出车 | 因工外出 | 外出办事 | 受伤 | 摔伤 | 砸伤 | 压伤 | 骨折 | 鉴定 | 伤
labor women 2: 坐月子 | 月子 | 怀孕 | 孕期 | 产假 | 哺乳 | 产检 | 女职工 | 女工 | 喂奶 | 孕妇 | 性骚扰 | 预产期 | 剖腹产
labor women 1: 流产 | 生孩子 | 生育
labor dispatch 2: 劳务派遣 | 派遣 | 外包 | 骑手 | 跑外卖 | 送外卖 | 跑单 | 兼职 | 小时工 | 临时工 | 零工 | 实习 | 暑假工 | 非全日制 | 劳务关系
labor - 1: 报销 | 差旅 | 辱骂 | 霸凌 | 清洁工 | 保洁 | 服务员 | 厨师 | 收银员 | 店员 | 营业员 | 导购 | 前台 | 文员 | 会计 | 出纳 | 销售 | 客服 | 护工 | 月嫂 | 电工 | 焊工 | 电焊 | 木工 | 瓦工 | 钢筋工 | 普工 | 杂工 | 搬运工 | 装卸工 | 配送员 | 外卖员 | 门卫 | 操作工 | 车工 | 司机师傅 | 帮工 | 长工
labor dispatch 1: 站点 | 外卖 | 网约车 | 平台 | 快递员 | 保安 | 保姆 | 学徒
labor noncompete 2: 竞业 | 竞业限制 | 服务期 | 培训费 | 保密协议 | 培训协议
labor safety 2: 安全帽 | 劳保 | 防护用品 | 高温补贴 | 高温津贴 | 安全隐患 | 危险作业 | 安全生产 | 冒险作业 | 下井
labor safety 1: 危险 | 防护 | 高温 | 漏气 | 粉尘 | 有毒
labor - 2: 工地 | 劳动仲裁 | 劳动监察 | 劳动局 | 人社局 | 12333 | 12351 | 仲裁委 | 支付令 | 工会 | 职代会 | 集体合同 | 集体协商 | 劳动法 | 劳动争议 | 一裁终局 | 终局裁决
labor - 1: 仲裁 | 打工 | 干活 | 送货 | 出差 | 值班 | 上班时 | 工作时 | 上班 | 员工 | 职工 | 工人 | 厂里 | 工厂 | 车间 | 进厂 | 人事 | 东家 | 雇主 | 单位 | 岗位 | 同事 | 主管 | 领导 | 经理 | 工作 | 劳动 | 厂 | hr
labor - 0.5: 干了 | 公司 | 老板 | 老细 | 老版 | 维权 | 投诉 | 举报 | 起诉 | 告 | 调解 | 法律援助

family - 2: 离婚 | 抚养权 | 抚养费 | 赡养费 | 赡养 | 彩礼 | 嫁妆 | 遗产 | 继承 | 遗嘱 | 家暴 | 悔婚 | 结婚证 | 夫妻共同财产
family - 1: 丈夫 | 妻子 | 媳妇 | 公公 | 岳父 | 岳母 | 老公 | 老婆 | 前夫 | 前妻 | 婆婆 | 他妈 | 兄弟 | 父母 | 分家 | 婚姻
family - 0.5: 孩子 | 去世 | 房子
traffic - 2: 驾照 | 驾驶证 | 扣分 | 闯红灯 | 超速 | 酒驾 | 醉驾 | 违章 | 罚单 | 车险 | 追尾 | 交通事故 | 换证
traffic - 1: 头盔
traffic - 1: 开车 | 停车 | 小汽车
traffic - 0.5: 交警 | 电动车 | 撞 | 全责 | 车
housing - 2: 房东 | 租房 | 房租 | 租金 | 物业费 | 商品房 | 交房 | 房产证 | 拆迁 | 买房 | 房贷 | 漏水
housing - 1: 小区 | 物业
housing - 2: 扰民 | 吵得睡不着 | 晚上睡不着
housing - 1: 开发商 | 租的房子 | 邻居 | 墙
consumer - 2: 行李 | 托运 | 我的餐 | 外卖送错 | 送错了 | 差评
consumer - 2: 退货 | 退款 | 网购 | 商家 | 假货 | 翻新机 | 消费者 | 健身房 | 年卡 | 会员卡 | 预付卡 | 二手车 | 泡水车 | 装修公司 | 快递丢了 | 绕路
consumer - 1: 手机 | 快递 | 买的 | 卖给我 | 衣服 | 饭菜 | 装修 | 多收钱 | 质量
civil - 2: 借钱 | 借款 | 借条 | 借给 | 借我 | 还钱 | 狗咬 | 咬了 | 看错 | 误诊 | 医疗事故 | 名誉
civil - 1: 欠款 | 不还
civil - 0.5: 医院 | 朋友
criminal - 2: 诈骗 | 被骗 | 盗窃 | 被偷 | 偷了 | 破案 | 打伤 | 轻伤 | 重伤
criminal - 1.5: 报警 | 派出所 | 坐牢 | 判刑
criminal - 1: 警察 | 打架 | 缓刑 | 被打
tax - 2: 工资个税 | 工资交税 | 工资要交税 | 个税 | 个人所得税 | 专项附加扣除 | 纳税 | 交税 | 税务 | 偷税 | 漏税 | 发票 | 报税 | 退税
immigration - 2: 签证 | 护照 | 出国 | 入境 | 出入境 | 居留 | 绿卡 | 移民 | 旅游签证
chitchat - 2: 人工智能 | 天气 | 笑话 | 电影 | 电视剧 | 你是谁 | 机器人 | 怎么做 | 做菜 | 菜谱 | 股票 | 彩票 | 游戏 | 唱歌 | 旅游 | 火车票 | 高铁票 | 机票 | 好吃 | 好看
chitchat - 1: 你好 | 谢谢 | 推荐
education - 2: 考公务员 | 公务员考试 | 考研 | 考编 | 报名费 | 学费 | 简历 | 驾校
business - 1: 注册
business - 2: 小卖部 | 发招聘信息 | 招聘平台 | 管理方法 | 管理员工 | 员工积极性 | 工作积极性 | 积极性 | 激励员工 | 团队管理
business - 2: 注册公司 | 开公司 | 开饭馆 | 饭馆 | 开店 | 开网店 | 营业执照怎么办 | 办证
land - 2: 宅基地 | 土地 | 征收 | 征地 | 承包地 | 补偿款
finance - 2: 信用卡 | 逾期 | 网贷 | 催收 | 理财
finance - 1.5: 贷款

labor wages 2: i'm late | i am late | being late | arrive late | got fined | get fined | fined every | fined for | bank card | wage card | ran away | run away | ran off | run off | subcontractor | general contractor | delivery station | shopping card | unpaid wage | unpaid salary | back pay | wage arrear | minimum wage | piece rate | payslip | pay slip | withheld wage | labour contractor | labor contractor | iou
labor wages 2: wage | salary | paid | payday
labor wages 1: pay
labor wages 1.5: bonus | commission | disappeared | disappearing | vanished | absconded
labor wages 2: also my landlord | landlord is my boss | landlord is my employer | dormitory fee | dorm fee | rent from my wage | rent from my salary | rent from my pay
labor wages 1: deduct | deduction | fine | owe | owed
labor hours 2: on call | on-call | standby | overtime | working hours | work hours | shift | 996 | comp time | rest day | day off | days off
labor hours 1: hours a day | night shift | weekend | late for work | clock in | attendance
labor leave 2: marriage leave | wedding leave | bereavement leave | funeral leave | marriage and bereavement leave | bereavement | annual leave | sick leave | personal leave | public holiday | paid leave | medical period
labor leave 1: leave | holiday | vacation
labor contract 2: collective contract | job agency | recruitment agency | employment agency | job ad | job interview | discrimination | merger | merged | years of service | labor contract | labour contract | employment contract | written contract | probation | handbook | transfer | demote | id card
labor contract 2: withholds my passport | withheld my passport | withhold my passport | keeps my passport | kept my passport | took my passport | pay cut | cut my pay | cut my salary | cut my wage | cut my hours | salary cut | wage cut | marital status | marriage and kids | marriage and children | plans for kids | plan to have kids | plan to have children | hiring | not hired | job application | applied for a job | applicant | turned me down | rejected me
labor contract 1: interview | agency | contract | deposit | hire | hired
labor leaving 2: sack | sacked | sacking | lose my job | lost my job | let go | let us go | let all of us go | handed in my notice | hand in my notice | fired | fire | dismiss | dismissal | dismissed | laid off | lay off | layoff | terminate | termination | resign | resignation | quit | severance | separation certificate | notice period | unlawful dismissal
labor leaving 1.5: compensation
labor leaving 1:  compensate | notice | retire | retirement | retiree
labor social_insurance 2: social insurance | pension | unemployment benefit | unemployment insurance | housing fund | housing provident fund | provident fund | maternity insurance | medical insurance | contribution
labor injury 2: business trip | died at work | collapsed at work | on duty | work injury | injury at work | injured at work | occupational disease | silicosis | disability | disability assessment | on the way to work | on my way to work | commute
labor injury 1: collapsed | surgery | sick | injury | injured | hurt | accident | broke my | broken
labor women 2: childbirth | give birth | gave birth | prenatal | miscarriage | touching me | touched me | groping | dirty joke | dirty jokes | pregnant | pregnancy | maternity | breastfeeding | nursing | sexual harassment | harass
labor dispatch 2: dispatch | dispatched | agency worker | outsourced | delivery rider | rider | part-time | gig | intern | internship | platform
labor noncompete 2: non-compete | noncompete | training bond | training fee | confidentiality agreement
labor safety 2: ventilation | high temperature | too hot | very hot | dangerous goods | dangerous work | protective equipment | safety equipment | helmet | heatstroke | unsafe
labor safety 1: safety | dormitory | heat | fumes
labor - 2: report my boss | report the boss | report my employer | time limit | labor arbitration | labour arbitration | arbitration | labor bureau | labour bureau | labor inspection | union | trade union | collective bargaining | workers congress | employer | employee | worker
labor - 1: yell | yells | yelled | shout at me | shouts at me | humiliate | humiliates | humiliated | abuse | abusive | beat me | hit me | search our bags | paycheck | paycheque | bankrupt | bankruptcy | reimburse | reimbursement | reimbursing | expenses | work trip | business travel | insult | insults | bully | bullying | contractor | mediation | hearing | cleaner | waiter | waitress | cook | cashier | clerk | driver | guard | nanny | welder | electrician | carpenter | laborer | labourer | operator | salesperson | boss | factory | job | work | workplace | staff | hr | manager | supervisor | colleague | coworker | shift | workshop | warehouse | construction site
labor - 0.5: company | firm | owner

family - 2: divorce | custody | child support | alimony | inheritance | inherit | last will | testament | bride price
family - 0.5: marriage
family - 1: husband | wife | sibling
family - 0.5: children | kid
traffic - 2: speeding | speeding ticket | traffic ticket | driving licence | driving license | drunk driving | traffic police | parked car | hit and run
traffic - 1: car | drove | ticket | point | points
housing - 2: landlord | tenant | apartment | lease | property management
housing - 1: rent | rented
housing - 1: leak | flat
consumer - 2: online course | course fee | tuition | luggage | baggage | lost my luggage | home renovation | kitchen renovation | renovating | my kitchen | my bathroom
consumer - 2: refund | online shop | gym | membership | used car | customer service | my package | my parcel | my order
consumer - 1.5: parcel
consumer - 1: package
consumer - 1: shop | store | shopping | sold me | bought | broken phone | phone
civil - 2: friend owes | lend | lent | borrow | borrowed | loan | neighbor | neighbour | dog bit
criminal - 2: scam | scammed | fraud | stolen | theft
criminal - 1.5: police
tax - 2: income tax | tax return | tax refund | tax on a salary | tax on my salary | tax on salary | tax on wages | tax on my wages | salary tax | payroll tax
tax - 2: my taxes | on my taxes | tax deduction | tax deductible
tax - 1: tax
immigration - 2: visa | passport | residence permit | immigration | green card
chitchat - 2: weather | tell me a joke | a joke | football | good restaurant | recommend a restaurant | movie | film | recipe | stock market | share price | bitcoin | video game
chitchat - 2: farewell gift | farewell party
chitchat - 1: gift | gifts
finance - 2: invest | investing | investment | stocks | mortgage | credit card | crypto
chitchat - 2: what to wear | what should i wear | outfit | resume | cv
chitchat - 1: hello | hi | thanks | who are you | last night | recommend
business - 2: motivate | motivation | team building | management tips | manage my team
business - 2: register a company | get a business license | apply for a business license | start a business
`

// lexEntry is one word of the lexicon.
type lexEntry struct {
	domain string  // "labor" or the other field
	group  string  // for labor: the problem it belongs to ("" for none)
	weight float64 // how much it says
}

type zhLexTerm struct {
	text []rune
	lexEntry
}

type enLexTerm struct {
	words []string // stemmed
	lexEntry
}

// lexicon finds the lexicon's words in a question. It is built once and
// only read afterwards.
type lexicon struct {
	zh map[rune][]zhLexTerm   // by first character, longest first
	en map[string][]enLexTerm // by first stemmed word, longest first
}

// domainLexicon is read-only reference data, like the statute catalog.
var domainLexicon = parseLexicon(lexiconSource)

func parseLexicon(src string) *lexicon {
	lx := &lexicon{zh: map[rune][]zhLexTerm{}, en: map[string][]enLexTerm{}}
	seenZh := map[string]bool{}
	seenEn := map[string]bool{}
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		head, list, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			panic("lexicon: bad line " + line)
		}
		w, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			panic("lexicon: bad weight in " + line)
		}
		e := lexEntry{domain: f[0], group: f[1], weight: w}
		if e.group == "-" {
			e.group = ""
		}
		for _, t := range strings.Split(list, "|") {
			t = strings.ToLower(strings.TrimSpace(t))
			if t == "" {
				continue
			}
			if hasHan(t) {
				if seenZh[t] {
					continue // the first (strongest) listing wins
				}
				seenZh[t] = true
				r := []rune(t)
				lx.zh[r[0]] = append(lx.zh[r[0]], zhLexTerm{text: r, lexEntry: e})
				continue
			}
			words := stemWords(t)
			key := strings.Join(words, " ")
			if len(words) == 0 || seenEn[key] {
				continue
			}
			seenEn[key] = true
			lx.en[words[0]] = append(lx.en[words[0]], enLexTerm{words: words, lexEntry: e})
		}
	}
	for k, ts := range lx.zh {
		sort.SliceStable(ts, func(i, j int) bool { return len(ts[i].text) > len(ts[j].text) })
		lx.zh[k] = ts
	}
	for k, ts := range lx.en {
		sort.SliceStable(ts, func(i, j int) bool { return len(ts[i].words) > len(ts[j].words) })
		lx.en[k] = ts
	}
	return lx
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// stemWords splits English text into lower-case stemmed words (all of
// them: phrases like "laid off" need their small words).
func stemWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) && r < 0x3000 || unicode.IsDigit(r) || r == '-' || r == '+' || r == '\'')
	}) {
		w = strings.Trim(strings.ReplaceAll(w, "'", ""), "-")
		if w != "" {
			out = append(out, porterstemmer.StemString(w))
		}
	}
	return out
}

// lexHit is a lexicon word found in a question.
type lexHit struct {
	term string
	lexEntry
}

// find returns the lexicon's words in q, longest match first at each
// place, without overlaps.
func (lx *lexicon) find(q string) []lexHit {
	var hits []lexHit
	r := []rune(strings.ToLower(q))
	for i := 0; i < len(r); {
		matched := 0
		for _, t := range lx.zh[r[i]] {
			if len(t.text) <= len(r)-i && string(r[i:i+len(t.text)]) == string(t.text) {
				hits = append(hits, lexHit{term: string(t.text), lexEntry: t.lexEntry})
				matched = len(t.text)
				break
			}
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
	words := stemWords(q)
	for i := 0; i < len(words); {
		matched := 0
		for _, t := range lx.en[words[i]] {
			if len(t.words) <= len(words)-i && equalWords(words[i:i+len(t.words)], t.words) {
				hits = append(hits, lexHit{term: strings.Join(t.words, " "), lexEntry: t.lexEntry})
				matched = len(t.words)
				break
			}
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
	return hits
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// domainSignals are what the lexicon says about a question.
type domainSignals struct {
	labor       float64  // sum of the weights of the distinct labor words
	laborStrong float64  // the same for the words that are about work whatever the sentence (weight 2)
	other       float64  // the same for the other field with the most
	otherStrong float64  // that field's words of weight 2
	otherDomain string   // that field ("" when none)
	groups      []string // labor problems mentioned, in order of first mention
	groupWeight map[string]float64
}

func (lx *lexicon) signals(q string) domainSignals {
	var s domainSignals
	seen := map[string]bool{}
	other := map[string]float64{}
	otherStrong := map[string]float64{}
	s.groupWeight = map[string]float64{}
	for _, h := range lx.find(q) {
		if seen[h.term] {
			continue
		}
		seen[h.term] = true
		if h.domain == "labor" {
			s.labor += h.weight
			if h.weight >= 2 {
				s.laborStrong += h.weight
			}
			if h.group != "" {
				if _, ok := s.groupWeight[h.group]; !ok {
					s.groups = append(s.groups, h.group)
				}
				s.groupWeight[h.group] += h.weight
			}
			continue
		}
		other[h.domain] += h.weight
		if h.weight >= 2 {
			otherStrong[h.domain] += h.weight
		}
	}
	for d, w := range other {
		if w > s.other || w == s.other && d < s.otherDomain {
			s.other, s.otherDomain = w, d
		}
	}
	s.otherStrong = otherStrong[s.otherDomain]
	return s
}
