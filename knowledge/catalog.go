package knowledge

// StatuteInfo describes a statute the program knows by name even before its
// text is loaded: the canonical short name used in citations, the full title,
// an English name, the number of articles (so a citation can be checked with
// no statute text at hand) and the other names workers and lawyers use.
type StatuteInfo struct {
	Short    string
	Title    string
	English  string
	Articles int
	Aliases  []string
}

// statuteCatalog is read-only reference data (the canonical short names of
// shared/laws/README.md). It is never written after start-up.
var statuteCatalog = []StatuteInfo{
	{"劳动法", "中华人民共和国劳动法", "Labor Law", 107, []string{"labour law", "labor law"}},
	{"劳动合同法", "中华人民共和国劳动合同法", "Labor Contract Law", 98, []string{"劳动合同法", "labour contract law", "labor contract law", "employment contract law"}},
	{"劳动合同法实施条例", "中华人民共和国劳动合同法实施条例", "Labor Contract Law Implementing Regulations", 38, []string{"实施条例", "implementing regulations", "labor contract law implementing regulations", "labour contract law implementing regulations"}},
	{"劳动争议调解仲裁法", "中华人民共和国劳动争议调解仲裁法", "Labor Dispute Mediation and Arbitration Law", 54, []string{"调解仲裁法", "劳动仲裁法", "labor dispute mediation and arbitration law", "labour dispute mediation and arbitration law", "arbitration law"}},
	{"社会保险法", "中华人民共和国社会保险法", "Social Insurance Law", 98, []string{"社保法", "social insurance law"}},
	{"工伤保险条例", "工伤保险条例", "Work Injury Insurance Regulations", 67, []string{"工伤条例", "work injury insurance regulations", "work-related injury insurance regulations"}},
	{"保障农民工工资支付条例", "保障农民工工资支付条例", "Regulations on Ensuring Payment of Wages to Migrant Workers", 64, []string{"农民工工资支付条例", "农民工工资条例", "migrant workers wage regulations", "regulations on ensuring payment of wages to migrant workers"}},
	{"职工带薪年休假条例", "职工带薪年休假条例", "Regulations on Paid Annual Leave", 10, []string{"年休假条例", "paid annual leave regulations", "regulations on paid annual leave"}},
	{"企业职工带薪年休假实施办法", "企业职工带薪年休假实施办法", "Implementing Measures for Paid Annual Leave of Enterprise Employees", 19, []string{"年休假实施办法", "annual leave implementing measures"}},
	{"女职工劳动保护特别规定", "女职工劳动保护特别规定", "Special Provisions on Labor Protection of Female Employees", 16, []string{"女职工保护规定", "special provisions on labor protection of female employees", "female employees provisions"}},
	{"最低工资规定", "最低工资规定", "Minimum Wage Provisions", 15, []string{"minimum wage provisions", "minimum wage regulations"}},
	{"工资支付暂行规定", "工资支付暂行规定", "Interim Provisions on Wage Payment", 20, []string{"interim provisions on wage payment", "wage payment provisions"}},
	{"职业病防治法", "中华人民共和国职业病防治法", "Law on Prevention and Control of Occupational Diseases", 88, []string{"occupational disease law", "law on prevention and control of occupational diseases"}},
	{"安全生产法", "中华人民共和国安全生产法", "Work Safety Law", 119, []string{"work safety law", "production safety law"}},
	{"工会法", "中华人民共和国工会法", "Trade Union Law", 58, []string{"trade union law", "union law"}},
	{"就业促进法", "中华人民共和国就业促进法", "Employment Promotion Law", 69, []string{"employment promotion law"}},
	{"劳动争议解释（一）", "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "SPC Interpretation (I) on Labor Dispute Cases", 54, []string{"劳动争议司法解释一", "劳动争议司法解释（一）", "spc interpretation i", "labor dispute interpretation i"}},
	{"国务院关于职工工作时间的规定", "国务院关于职工工作时间的规定", "State Council Provisions on Working Hours", 9, []string{"职工工作时间的规定", "工作时间规定", "provisions on working hours"}},
	{"失业保险条例", "失业保险条例", "Unemployment Insurance Regulations", 33, []string{"unemployment insurance regulations"}},
	{"劳动保障监察条例", "劳动保障监察条例", "Labor Security Inspection Regulations", 36, []string{"劳动监察条例", "labor security inspection regulations", "labour inspection regulations"}},
	{"社会保险费征缴暂行条例", "社会保险费征缴暂行条例", "Interim Regulations on Collection of Social Insurance Premiums", 31, []string{"社保费征缴条例", "interim regulations on collection of social insurance premiums"}},
	{"关于职工全年月平均工作时间和工资折算问题的通知", "关于职工全年月平均工作时间和工资折算问题的通知", "Notice on Average Monthly Working Time and Wage Conversion", 3, []string{"工资折算通知", "21.75天通知", "notice on average monthly working time"}},
	{"关于工资总额组成的规定", "关于工资总额组成的规定", "Provisions on the Composition of Total Wages", 16, []string{"工资总额组成规定", "provisions on the composition of total wages"}},
	{"拒不支付劳动报酬刑事解释", "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释", "SPC Interpretation on Refusal to Pay Labor Remuneration", 9, []string{"拒不支付劳动报酬罪司法解释", "spc interpretation on refusal to pay labor remuneration"}},
	{"工伤保险行政案件规定", "最高人民法院关于审理工伤保险行政案件若干问题的规定", "SPC Provisions on Work Injury Insurance Administrative Cases", 9, []string{"工伤行政案件规定", "spc provisions on work injury insurance administrative cases"}},
}

// StatuteCatalog returns the statutes known by name, in citation order.
func StatuteCatalog() []StatuteInfo {
	out := make([]StatuteInfo, len(statuteCatalog))
	copy(out, statuteCatalog)
	return out
}

// LookupStatuteInfo finds a catalog statute by short name, full title,
// English name or alias (compared after NormalizeLawName, case-insensitive
// for English).
func LookupStatuteInfo(name string) (StatuteInfo, bool) {
	i, ok := catalogByName[normalizeNameKey(name)]
	if !ok {
		return StatuteInfo{}, false
	}
	return statuteCatalog[i], true
}

// catalogByName indexes the catalog by every normalized name; built once,
// never written after.
var catalogByName = func() map[string]int {
	m := map[string]int{}
	for i, s := range statuteCatalog {
		for _, n := range append([]string{s.Short, s.Title, s.English}, s.Aliases...) {
			if _, taken := m[normalizeNameKey(n)]; !taken {
				m[normalizeNameKey(n)] = i
			}
		}
	}
	return m
}()
