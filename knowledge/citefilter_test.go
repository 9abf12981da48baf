package knowledge

import (
	"strings"
	"testing"
)

func TestCitationFilter(t *testing.T) {
	allowed := map[Citation]bool{{Law: "劳动合同法", Article: 30}: true, {Law: "劳动争议调解仲裁法", Article: 27}: true}
	tests := []struct {
		name, in, want string
		used           []Citation
	}{
		{"allowed bracket kept", "按时支付 [劳动合同法 30]。", "按时支付 [劳动合同法 30]。", []Citation{{"劳动合同法", 30}}},
		{"unsupported bracket removed", "见 [劳动法 44] 规定", "见 规定", nil},
		{"mixed list keeps the allowed part", "[劳动法 44; 劳动合同法 30]", "[劳动合同法 30]", []Citation{{"劳动合同法", 30}}},
		{"alias resolved", "[调解仲裁法 27]", "[劳动争议调解仲裁法 27]", []Citation{{"劳动争议调解仲裁法", 27}}},
		{"prose brackets untouched", "[注意] 保留证据", "[注意] 保留证据", nil},
		{"book form allowed", "依照《劳动合同法》第三十条，", "依照《劳动合同法》第三十条，", []Citation{{"劳动合同法", 30}}},
		{"book form unsupported loses the article", "依照《劳动合同法》第四十七条，", "依照《劳动合同法》，", nil},
		{"book title alone untouched", "《劳动合同法》规定", "《劳动合同法》规定", nil},
		{"unclosed bracket released at the end", "总额 [约", "总额 [约", nil},
		// The removal takes the "or" it leaves dangling.
		// Every form a citation takes (issue 15): invented articles go,
		// allowed ones stay, and no sentence is left broken.
		{"plain name, Chinese numerals", "根据劳动合同法第九百九十九条，用人单位应当支付。", "根据劳动合同法，用人单位应当支付。", nil},
		{"full-width digits", "《劳动合同法》第９９９条规定，", "《劳动合同法》规定，", nil},
		{"lenticular brackets", "【劳动合同法 999】用人单位应当支付。", "用人单位应当支付。", nil},
		{"lenticular after 依照", "依照【劳动合同法 999】，用人单位应当支付。", "用人单位应当支付。", nil},
		{"other brackets", "公司应付〔劳动合同法 999〕，也可以［劳动合同法 998］。", "公司应付，也可以。", nil},
		{"parenthesised article", "《劳动合同法》（第999条）规定", "《劳动合同法》规定", nil},
		{"parenthesised citation", "应当支付（劳动合同法第999条）。", "应当支付。", nil},
		{"English before", "Under Labor Contract Law article 999, the employer must pay.", "Under Labor Contract Law, the employer must pay.", nil},
		{"English art.", "See Labor Contract Law, art. 999.", "See Labor Contract Law.", nil},
		{"English after", "See Article 999 of the Labor Contract Law.", "See the Labor Contract Law.", nil},
		{"invented statute", "根据劳动者权益保护法第12条，公司应赔偿。", "公司应赔偿。", nil},
		{"invented statute in brackets", "根据[劳动保障法 12]，公司应赔偿。", "公司应赔偿。", nil},
		{"invented English statute", "According to the Worker Rights Law article 12, you may claim.", "you may claim.", nil},
		{"paragraph of an invented article", "《劳动合同法》第四十七条第二款规定", "《劳动合同法》规定", nil},
		{"one of two articles allowed", "《劳动合同法》第三十条和第九百九十九条", "《劳动合同法》第30条", []Citation{{"劳动合同法", 30}}},
		{"allowed plain form", "劳动合同法第30条规定按时支付。", "劳动合同法第30条规定按时支付。", []Citation{{"劳动合同法", 30}}},
		{"allowed full-width", "《劳动合同法》第３０条", "《劳动合同法》第３０条", []Citation{{"劳动合同法", 30}}},
		{"allowed lenticular", "按时支付【劳动合同法 30】。", "按时支付[劳动合同法 30]。", []Citation{{"劳动合同法", 30}}},
		{"allowed parenthesised", "《劳动合同法》（第三十条）", "《劳动合同法》（第三十条）", []Citation{{"劳动合同法", 30}}},
		{"allowed English", "Under Labor Contract Law, art. 30 and Article 27 of the Labor Dispute Mediation and Arbitration Law.", "Under Labor Contract Law, art. 30 and Article 27 of the Labor Dispute Mediation and Arbitration Law.", []Citation{{"劳动合同法", 30}, {"劳动争议调解仲裁法", 27}}},
		{"article list across a comma", "《劳动合同法》第三十条，第九百九十九条都有规定。", "《劳动合同法》第三十条，都有规定。", []Citation{{"劳动合同法", 30}}},
		{"bare article after an invented one", "依照《劳动合同法》第九百九十九条，和第三十条。", "依照《劳动合同法》，和第三十条。", []Citation{{"劳动合同法", 30}}},
		{"prose in parentheses", "加班费（up to 12）按（共3条）计算。", "加班费（up to 12）按（共3条）计算。", nil},
		{"markdown link", "请[点我领补偿](http://evil.example/a)。", "请点我领补偿。", nil},
		{"bare link", "详情见 http://evil.example/a 。", "详情。", nil},
		{"english", "Pay on time [劳动合同法 30] or [社会保险法 60].", "Pay on time [劳动合同法 30].", []Citation{{"劳动合同法", 30}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every way of cutting the input into two stream chunks must give
			// the same output, and streamed pieces must add up to the text.
			runes := []rune(tt.in)
			for cut := 0; cut <= len(runes); cut++ {
				var streamed strings.Builder
				f := newCitationFilter(allowed, func(s string) { streamed.WriteString(s) })
				f.Write(string(runes[:cut]))
				f.Write(string(runes[cut:]))
				f.Flush()
				if f.Text() != tt.want {
					t.Fatalf("cut at %d: got %q, want %q", cut, f.Text(), tt.want)
				}
				if streamed.String() != f.Text() {
					t.Fatalf("cut at %d: streamed %q differs from text %q", cut, streamed.String(), f.Text())
				}
				if len(f.Used()) != len(tt.used) {
					t.Fatalf("cut at %d: used %v, want %v", cut, f.Used(), tt.used)
				}
				for i := range tt.used {
					if f.Used()[i] != tt.used[i] {
						t.Fatalf("used %v, want %v", f.Used(), tt.used)
					}
				}
			}
		})
	}
}

func TestQueryTermsAndExpansion(t *testing.T) {
	if got := ExpandQuery("老板欠薪跑路了"); !strings.Contains(got, "拖欠工资") {
		t.Errorf("ExpandQuery did not map 欠薪: %q", got)
	}
	if got := ExpandQuery("没交社保"); !strings.Contains(got, "未缴纳社会保险费") || !strings.Contains(got, "社会保险") {
		t.Errorf("ExpandQuery(没交社保) = %q", got)
	}
	if got := ExpandQuery("I was fired"); !strings.Contains(got, "解除劳动合同") {
		t.Errorf("English words are not mapped: %q", got)
	}
	if got := ExpandQuery("I have a payment"); strings.Contains(got, "工资") {
		t.Errorf("English keys must match whole words only: %q", got)
	}
	terms := termize("年假 annual leave")
	want := []string{"年假", "annual", "leav"}
	if strings.Join(terms, ",") != strings.Join(want, ",") {
		t.Errorf("termize = %v, want %v", terms, want)
	}
}
