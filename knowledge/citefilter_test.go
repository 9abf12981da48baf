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
		{"unsupported bracket removed", "见 [劳动法 44] 规定", "见  规定", nil},
		{"mixed list keeps the allowed part", "[劳动法 44; 劳动合同法 30]", "[劳动合同法 30]", []Citation{{"劳动合同法", 30}}},
		{"alias resolved", "[调解仲裁法 27]", "[劳动争议调解仲裁法 27]", []Citation{{"劳动争议调解仲裁法", 27}}},
		{"prose brackets untouched", "[注意] 保留证据", "[注意] 保留证据", nil},
		{"book form allowed", "依照《劳动合同法》第三十条，", "依照《劳动合同法》第三十条，", []Citation{{"劳动合同法", 30}}},
		{"book form unsupported loses the article", "依照《劳动合同法》第四十七条，", "依照《劳动合同法》，", nil},
		{"book title alone untouched", "《劳动合同法》规定", "《劳动合同法》规定", nil},
		{"unclosed bracket released at the end", "总额 [约", "总额 [约", nil},
		{"english", "Pay on time [劳动合同法 30] or [社会保险法 60].", "Pay on time [劳动合同法 30] or .", []Citation{{"劳动合同法", 30}}},
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
	terms := queryTerms("年假 annual leave")
	want := []string{"年假", "annual", "leave"}
	if strings.Join(terms, ",") != strings.Join(want, ",") {
		t.Errorf("queryTerms = %v, want %v", terms, want)
	}
}
