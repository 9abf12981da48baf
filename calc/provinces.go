package calc

import "strings"

// Province is a provincial-level division of mainland China, which sets its
// own minimum wage (劳动法 48).
type Province struct {
	// Short is the name used in data and citations: 四川, 内蒙古.
	Short string `json:"short"`
	// Full is the official name: 四川省, 内蒙古自治区.
	Full string `json:"full"`
	// En is the English name: Sichuan, Inner Mongolia.
	En string `json:"en"`
}

// Provinces returns the 31 provincial-level divisions of mainland China in
// the official order.
func Provinces() []Province {
	return []Province{
		{"北京", "北京市", "Beijing"},
		{"天津", "天津市", "Tianjin"},
		{"河北", "河北省", "Hebei"},
		{"山西", "山西省", "Shanxi"},
		{"内蒙古", "内蒙古自治区", "Inner Mongolia"},
		{"辽宁", "辽宁省", "Liaoning"},
		{"吉林", "吉林省", "Jilin"},
		{"黑龙江", "黑龙江省", "Heilongjiang"},
		{"上海", "上海市", "Shanghai"},
		{"江苏", "江苏省", "Jiangsu"},
		{"浙江", "浙江省", "Zhejiang"},
		{"安徽", "安徽省", "Anhui"},
		{"福建", "福建省", "Fujian"},
		{"江西", "江西省", "Jiangxi"},
		{"山东", "山东省", "Shandong"},
		{"河南", "河南省", "Henan"},
		{"湖北", "湖北省", "Hubei"},
		{"湖南", "湖南省", "Hunan"},
		{"广东", "广东省", "Guangdong"},
		{"广西", "广西壮族自治区", "Guangxi"},
		{"海南", "海南省", "Hainan"},
		{"重庆", "重庆市", "Chongqing"},
		{"四川", "四川省", "Sichuan"},
		{"贵州", "贵州省", "Guizhou"},
		{"云南", "云南省", "Yunnan"},
		{"西藏", "西藏自治区", "Xizang"},
		{"陕西", "陕西省", "Shaanxi"},
		{"甘肃", "甘肃省", "Gansu"},
		{"青海", "青海省", "Qinghai"},
		{"宁夏", "宁夏回族自治区", "Ningxia"},
		{"新疆", "新疆维吾尔自治区", "Xinjiang"},
	}
}

// LookupProvince finds a province by its short, full or English name
// ("四川", "四川省", "Sichuan", "sichuan province"; "Tibet" for 西藏).
func LookupProvince(name string) (Province, bool) {
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	n = strings.TrimSuffix(n, " province")
	if n == "" {
		return Province{}, false
	}
	for _, p := range Provinces() {
		if n == p.Short || n == p.Full || n == strings.ToLower(p.En) {
			return p, true
		}
		if p.Short == "西藏" && n == "tibet" {
			return p, true
		}
	}
	return Province{}, false
}

func provinceNames(lang string) string {
	var names []string
	for _, p := range Provinces() {
		if lang == "en" {
			names = append(names, p.En)
		} else {
			names = append(names, p.Short)
		}
	}
	if lang == "en" {
		return strings.Join(names, ", ")
	}
	return strings.Join(names, "、")
}
