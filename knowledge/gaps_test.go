package knowledge_test

import (
	"strings"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
)

func TestNormalizeQuestion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  老板拖欠工资怎么办？？ ", "老板拖欠工资怎么办"},
		{"老板拖欠工资   怎么办", "老板拖欠工资 怎么办"},
		{"How much SEVERANCE do I get?", "how much severance do i get"},
		{"我电话13812345678，老板欠薪", "我电话<phone>，老板欠薪"},
		{"我电话 138 1234 5678 老板欠薪", "我电话 <phone> 老板欠薪"},
		{"call me +8613812345678", "call me <phone>"},
		{"全角１３８１２３４５６７８也算", "全角<phone>也算"},
		{"座机010-12345678找我", "座机<phone>找我"},
		{"身份证110101199003071234被扣了", "身份证<id>被扣了"},
		{"身份证11010119900307123X被扣了", "身份证<id>被扣了"},
		{"邮箱 zhang.san@example.com 发我", "邮箱 <email> 发我"},
		{"看这个 https://example.com/a?b=1 链接", "看这个 <link> 链接"},
		{"工资8000元被扣了2000块", "工资<money>被扣了<money>"},
		{"欠我3.5万怎么要", "欠我<money>怎么要"},
		{"owed ¥12,000 in wages", "owed <money> in wages"},
		{"工号 A1234567 被开除", "工号 a<number> 被开除"},
		{"银行卡6222021234567890123收不到工资", "银行卡<number>收不到工资"},
		{"问 @zhangsan_88 就知道", "问 <user> 就知道"},
		// Short numbers carry the question's meaning and stay.
		{"干了3个月没签合同", "干了3个月没签合同"},
		{"每天加班4小时，每周6天", "每天加班4小时，每周6天"},
		{strings.Repeat("很长", 150), strings.Repeat("很长", 100)},
	} {
		if got := knowledge.NormalizeQuestion(tc.in); got != tc.want {
			t.Errorf("NormalizeQuestion(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRecordGapSkipsEmptyAndChecksReason(t *testing.T) {
	f := newAdmin(t)
	ctx := t.Context()
	for _, q := range []string{"", "   ", "13812345678", "？？", "https://example.com"} {
		if err := f.admin.RecordGap(ctx, q, "zh", knowledge.GapNotCovered); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.admin.RecordGap(ctx, "正常问题", "zh", "bored"); err == nil {
		t.Error("an unknown reason was accepted")
	}
	if gaps, _ := f.admin.Gaps(ctx, admin, 10); len(gaps) != 0 {
		t.Errorf("recorded %+v; questions with nothing but personal data or punctuation are not gaps", gaps)
	}
	if err := f.admin.RecordGap(ctx, "加班费 how much", "", knowledge.GapThumbsDown); err != nil {
		t.Fatal(err)
	}
	if gaps, _ := f.admin.Gaps(ctx, admin, 10); len(gaps) != 1 || gaps[0].Lang != "zh" {
		t.Errorf("gap with no language = %+v, want it guessed (zh)", gaps)
	}
}
