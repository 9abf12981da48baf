package knowledge

import (
	"regexp"
	"sort"
	"strings"
)

// workerTerms maps the words workers use to the terms the law (and our
// entries) use, so a search for 欠薪 also finds 拖欠工资. English words map
// to Chinese legal terms too, so an English question can find Chinese
// passages when no English entry fits. Read-only after start-up.
var workerTerms = map[string][]string{
	// wages
	"欠薪": {"拖欠工资", "劳动报酬"}, "欠工资": {"拖欠工资"}, "拖工资": {"拖欠工资"}, "不发工资": {"拖欠工资", "支付工资"},
	"没发工资": {"拖欠工资"}, "工资没发": {"拖欠工资"}, "押工资": {"扣押工资", "拖欠工资"}, "压工资": {"拖欠工资"},
	"老板跑路": {"拖欠工资", "逃匿", "欠薪"}, "跑路": {"逃匿", "拖欠工资"}, "包工头": {"施工总承包单位", "分包单位", "农民工工资"},
	"工头": {"包工头", "分包单位", "农民工工资"}, "大老板": {"施工总承包单位", "建设单位"}, "卡着": {"拖欠工资"},
	"工资卡": {"工资卡", "支付给本人", "货币形式"},
	"工钱":  {"工资", "劳动报酬"}, "薪水": {"工资"}, "薪资": {"工资"}, "底薪": {"工资", "最低工资"}, "扣工资": {"克扣工资", "扣除工资"},
	"罚款": {"扣除工资", "克扣"}, "扣钱": {"克扣工资"}, "欠条": {"欠条", "支付令"}, "打白条": {"欠条", "拖欠工资"},
	"工地": {"建设工程", "施工"}, "农民工": {"农民工工资"},
	// Part of the pay held back without the word 工资: 只发一半, 压了我一万, 剩下的年底统一发.
	"只发一半": {"未足额支付", "拖欠工资"}, "发一半": {"未足额支付", "拖欠工资"}, "少发": {"未足额支付", "克扣工资"},
	"压了我": {"拖欠工资"}, "年底统一发": {"拖欠工资", "工资支付周期"}, "年底一起发": {"拖欠工资", "工资支付周期"},
	"年底一起结": {"拖欠工资", "工资支付周期"}, "年底再发": {"拖欠工资", "工资支付周期"},
	// Regional words for pay: Cantonese 人工 (wages), 冇俾/唔俾 (not
	// given), 老细 (boss); northern 开支 (payday, 不给开支 = wages unpaid);
	// 结账 for settling a day labourer's pay; 十三薪/双薪 for the year-end month.
	"人工": {"工资"}, "冇俾": {"不发", "拖欠工资"}, "唔俾": {"不发", "拖欠工资"}, "老细": {"老板", "用人单位"},
	"不给开支": {"拖欠工资", "不发工资"}, "没开支": {"拖欠工资", "不发工资"}, "不开支": {"拖欠工资", "不发工资"},
	"不结账": {"拖欠工资", "结清工资"}, "不给结账": {"拖欠工资", "结清工资"}, "不结钱": {"拖欠工资", "结清工资"},
	"点工": {"日工资", "农民工"}, "十三薪": {"奖金", "年终奖"}, "双薪": {"奖金", "年终奖"},
	// Pay offset against rent, goods or debts instead of money.
	"只发": {"未足额支付", "克扣工资", "拖欠工资"}, "工资抵": {"货币形式", "实物", "支付工资"}, "抵工资": {"货币形式", "实物", "支付工资"},
	// hours and leave
	"加班费": {"加班工资", "延长工作时间"}, "加班": {"延长工作时间", "加班工资"}, "996": {"延长工作时间", "加班"},
	"双休": {"休息日"}, "个钟": {"小时", "工作时间", "延长工作时间"}, "周末": {"休息日"}, "节假日": {"法定休假日"}, "放假": {"休假"}, "年假": {"年休假", "带薪年休假"},
	"病假": {"医疗期", "病假工资"}, "婚假": {"婚丧假"}, "产假": {"产假", "生育"}, "陪产假": {"产假", "休假"}, "育儿假": {"产假", "休假"}, "坐月子": {"产假", "生育", "女职工"}, "月子": {"产假", "生育"}, "调休": {"补休"},
	// contract
	"合同": {"劳动合同"}, "没签合同": {"未订立书面劳动合同", "二倍工资"}, "不签合同": {"未订立书面劳动合同", "二倍工资"},
	"双倍工资": {"二倍工资"}, "押金": {"担保", "收取财物"}, "保证金": {"押金", "担保", "收取财物"}, "工资保证金": {"工资保证金", "施工总承包单位"}, "扣身份证": {"扣押", "身份证"}, "试用": {"试用期"},
	// dismissal
	"开除": {"解除劳动合同", "辞退"}, "辞退": {"解除劳动合同"}, "被炒": {"解除劳动合同", "辞退"}, "炒咗": {"解除劳动合同", "辞退"}, "炒鱿鱼": {"解除劳动合同", "辞退"},
	"裁员": {"裁减人员", "经济性裁员"}, "赶走": {"解除劳动合同"}, "劝退": {"解除劳动合同", "协商解除"}, "不让干了": {"解除劳动合同"},
	"赔偿金": {"赔偿金", "违法解除"}, "补偿金": {"经济补偿"}, "补偿": {"经济补偿"}, "赔偿": {"赔偿金", "经济补偿"},
	"遣散费": {"经济补偿"}, "n+1": {"经济补偿", "额外支付一个月工资"}, "2n": {"赔偿金", "违法解除"},
	// resignation
	"辞职": {"劳动者解除劳动合同", "提前三十日"}, "离职": {"解除劳动合同", "离职"}, "跳槽": {"辞职", "竞业限制"},
	// social insurance
	"社保": {"社会保险", "社会保险费"}, "五险": {"社会保险"}, "五险一金": {"社会保险"}, "没交社保": {"未缴纳社会保险费"},
	"不交社保": {"未缴纳社会保险费"}, "放弃社保": {"放弃缴纳社会保险", "不交社保", "社会保险"}, "社宝": {"社保", "社会保险"}, "买社宝": {"交社保", "缴纳社会保险费"}, "不给买社宝": {"没交社保", "未缴纳社会保险费"},
	"没买社宝": {"没交社保", "未缴纳社会保险费"}, "没交社宝": {"没交社保", "未缴纳社会保险费"}, "买社保": {"交社保", "缴纳社会保险费"},
	"没买社保": {"没交社保", "未缴纳社会保险费"}, "不买社保": {"没交社保", "未缴纳社会保险费"},
	"不给买社保": {"没交社保", "未缴纳社会保险费"}, "没给买社保": {"没交社保", "未缴纳社会保险费"}, "断缴": {"社会保险", "中断缴费"}, "医保": {"医疗保险", "基本医疗保险"}, "养老金": {"基本养老保险"},
	"退休金": {"基本养老保险", "养老金"}, "失业金": {"失业保险金"}, "失业保险": {"失业保险金"}, "生育险": {"生育保险", "生育津贴"},
	// injury
	"受伤": {"工伤", "事故伤害"}, "干活受伤": {"工伤"}, "工伤认定": {"工伤认定", "申请"}, "伤残": {"伤残等级", "劳动能力鉴定"},
	"鉴定": {"劳动能力鉴定"}, "职业病": {"职业病", "诊断"}, "尘肺": {"职业病", "尘肺病"}, "上下班": {"上下班途中"},
	"车祸": {"交通事故", "上下班途中"},
	"压断": {"工伤", "事故伤害"}, "砸断": {"工伤", "事故伤害"}, "摔断": {"工伤", "事故伤害"}, "压伤": {"工伤", "事故伤害"},
	"砸伤": {"工伤", "事故伤害"}, "摔伤": {"工伤", "事故伤害"}, "绞伤": {"工伤", "事故伤害"}, "骨折": {"工伤", "事故伤害"},
	"公伤": {"工伤"}, "报工伤": {"工伤认定", "申请"}, "报公伤": {"工伤", "工伤认定", "申请"}, "申报工伤": {"工伤认定", "申请"},
	"私了": {"工伤", "不报工伤"},
	// Hurt on the road while working (delivering, driving for the job).
	"送货路上": {"因工外出", "工作原因", "工伤"}, "送餐路上": {"因工外出", "工作原因", "工伤"},
	"送外卖路上": {"因工外出", "工作原因", "工伤"}, "送快递路上": {"因工外出", "工作原因", "工伤"},
	// safety
	"安全帽": {"劳动防护用品"}, "劳保": {"劳动防护用品"}, "手套": {"劳动防护用品"}, "口罩": {"劳动防护用品"}, "防护服": {"劳动防护用品"},
	// women
	"怀孕": {"孕期", "女职工"}, "孕妇": {"孕期", "女职工"}, "哺乳": {"哺乳期"}, "喂奶": {"哺乳时间"},
	// procedure
	"仲裁": {"劳动争议仲裁", "仲裁委员会"}, "打官司": {"诉讼", "人民法院"}, "起诉": {"人民法院", "诉讼"}, "告": {"投诉", "仲裁", "起诉"},
	"投诉": {"劳动保障监察", "投诉"}, "举报": {"劳动保障监察", "举报"}, "调解": {"调解", "劳动争议调解"}, "维权": {"劳动争议", "仲裁"},
	"时效": {"仲裁时效"}, "多久要给": {"什么时候发", "支付"}, "多久给": {"什么时候发", "支付"}, "啥时候给": {"什么时候发", "支付"}, "工会": {"工会"},
	"哪个电话": {"12333", "投诉", "劳动保障监察"}, "什么电话": {"12333", "投诉", "劳动保障监察"}, "热线": {"12333", "12351"},
	// gig work
	"外卖": {"平台", "劳动关系"}, "骑手": {"平台", "劳动关系"}, "网约车": {"平台", "劳动关系"}, "兼职": {"非全日制用工"},
	"小时工": {"非全日制用工"}, "派遣": {"劳务派遣"}, "退回去": {"退回", "劳务派遣"}, "被退回": {"退回", "劳务派遣"}, "外包": {"劳务派遣", "外包"}, "退休返聘": {"退休", "劳务关系"}, "实习生": {"实习", "学生", "劳动关系"},

	// English → the law's terms in Chinese (for the Chinese entries) and
	// in English (irregular and everyday words the stemmer does not join:
	// paid/pay, owed/unpaid, sacked/dismissed).
	"wage": {"工资"}, "wages": {"工资"}, "salary": {"工资", "wage"}, "pay": {"工资", "支付"}, "unpaid": {"拖欠工资"},
	"paid": {"pay", "wage", "工资"}, "owe": {"unpaid", "wage", "拖欠"}, "owes": {"unpaid", "wage", "拖欠"}, "owed": {"unpaid", "wage", "拖欠"},
	"owing": {"unpaid", "wage", "拖欠"}, "boss": {"employer"}, "sacked": {"dismissed", "fired", "解除劳动合同"},
	"hurt": {"injury", "injured", "工伤"}, "broke": {"injury", "工伤"}, "sick": {"sick", "medical", "医疗期"},
	"overtime": {"加班", "延长工作时间"}, "holiday": {"法定休假日"}, "leave": {"休假"}, "annual": {"年休假"},
	"contract": {"劳动合同"}, "probation": {"试用期"}, "fired": {"解除劳动合同", "辞退", "dismissed"}, "dismissed": {"解除劳动合同"},
	"dismissal": {"解除劳动合同"}, "layoff": {"裁减人员"}, "laid": {"裁减人员", "解除劳动合同"}, "severance": {"经济补偿"},
	"compensation": {"经济补偿", "赔偿"}, "resign": {"辞职", "解除劳动合同"}, "quit": {"辞职", "resign"}, "notice": {"提前三十日"},
	"insurance": {"社会保险"}, "pension": {"基本养老保险"}, "unemployment": {"失业保险"}, "medical": {"医疗"},
	"injury": {"工伤"}, "injured": {"工伤", "injury"}, "accident": {"事故伤害", "工伤"}, "disease": {"职业病"}, "pregnant": {"孕期"},
	"maternity": {"产假", "生育"}, "breastfeeding": {"哺乳期"}, "union": {"工会"}, "arbitration": {"劳动争议仲裁"},
	"court": {"人民法院"}, "complaint": {"投诉"}, "mediation": {"调解"}, "dispatch": {"劳务派遣"}, "agency": {"劳务派遣"},
	"minimum": {"最低工资"}, "noncompete": {"竞业限制"}, "non-compete": {"竞业限制"}, "deadline": {"时效"}, "safety": {"安全生产"},
	"delivery": {"平台", "外卖"}, "rider": {"平台", "外卖"}, "part-time": {"非全日制用工"}, "deposit": {"收取财物", "担保"},
	"retired": {"退休", "retiree", "劳务关系"}, "retiree": {"退休", "retired", "劳务关系"}, "pensioner": {"退休", "retired", "劳务关系"},
	"staffing": {"劳务派遣", "dispatch"}, "intern": {"实习", "internship", "student"}, "card": {"工资卡", "bank"}, "passport": {"扣押", "证件", "身份证"},
	"paycheck": {"wage", "工资"}, "paycheque": {"wage", "工资"}, "yells": {"侮辱", "insult"}, "humiliates": {"侮辱", "insult"},
	"bankrupt": {"破产", "bankruptcy"}, "ventilation": {"劳动条件", "职业病", "防护"}, "hot": {"高温"},
	"silicosis": {"职业病", "pneumoconiosis", "diagnosis"}, "underpaid": {"unpaid", "拖欠工资"},
}

// workerTermKeys lists the map's keys longest first, so 没交社保 is seen
// before 社保.
var workerTermKeys = func() []string {
	keys := make([]string, 0, len(workerTerms))
	for k := range workerTerms {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}()

// ExpandQuery appends to a question the legal terms for the worker's words it
// contains. English keys match whole words only.
func ExpandQuery(q string) string {
	lower := strings.ToLower(q)
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '+')
	}) {
		words[w] = true
	}
	var extra []string
	seen := map[string]bool{}
	for _, k := range workerTermKeys {
		ascii := k[0] < 0x80
		if ascii && !words[k] || !ascii && !strings.Contains(lower, k) {
			continue
		}
		for _, t := range workerTerms[k] {
			if !seen[t] && !strings.Contains(lower, t) {
				seen[t] = true
				extra = append(extra, t)
			}
		}
	}
	// A worker who gives an age of fifty or more is usually asking about
	// retirement: the legal age, pensions, work after it.
	if zhOldAge.MatchString(q) {
		extra = append(extra, "退休年龄", "退休")
	}
	if len(extra) == 0 {
		return q
	}
	return q + " " + strings.Join(extra, " ")
}

var zhOldAge = regexp.MustCompile(`(?:[5-9][0-9]|[五六七八九]十[一二三四五六七八九]?)\s*多?\s*周?岁`)
