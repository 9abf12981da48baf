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

// A gap keeps no names of people or employers (issue 15, defect 7).
func TestNormalizeQuestionStripsNamesAndEmployers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"我叫张三，在深圳星光电子有限公司上班，王总拖欠工资怎么办", "我叫<name>，在<employer>上班，<name>拖欠工资怎么办"},
		{"我是李四，老板刘德华说不给加班费", "我是<name>，老板<name>说不给加班费"},
		{"华强北鸿运精密模具厂不给交社保", "<employer>不给交社保"},
		{"我在富士康科技集团干了三年被辞退", "我在<employer>干了三年被辞退"},
		{"同事欧阳娜娜也被拖欠了", "同事<name>也被拖欠了"},
		{"主管姓赵，天天骂人", "主管姓<name>，天天骂人"},
		{"张师傅让我们每天加班", "<name>让我们每天加班"},
		{"王建国不给我发工资", "<name>不给我发工资"},
		{"My name is John Smith and Acme Trading Co., Ltd. owes me wages", "my name is <name> and <employer> owes me wages"},
		{"boss Wang refused to pay overtime", "boss <name> refused to pay overtime"},
		{"Mr. Chen fired me", "<name> fired me"},
		// Generic words carry the question and stay.
		{"我们公司不给交社保怎么办", "我们公司不给交社保怎么办"},
		{"在电子厂上班加班费怎么算", "在电子厂上班加班费怎么算"},
		{"外卖平台算不算用人单位", "外卖平台算不算用人单位"},
		{"我是外卖骑手，受伤了算工伤吗", "我是外卖骑手，受伤了算工伤吗"},
		{"劳务派遣公司和用工单位谁负责", "劳务派遣公司和用工单位谁负责"},
		{"高温补贴怎么发", "高温补贴怎么发"},
		{"试用期被辞退有补偿吗", "试用期被辞退有补偿吗"},
	} {
		if got := knowledge.NormalizeQuestion(tc.in); got != tc.want {
			t.Errorf("NormalizeQuestion(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// /deletedata takes the gaps that mention the worker's name or employer
// with it, in whatever form the question named them.
func TestForgetGapsAbout(t *testing.T) {
	f := newAdmin(t)
	ctx := t.Context()
	for _, q := range []string{"星光电子不发高温费怎么办", "张三丰的事情怎么办", "火星移民补贴怎么算"} {
		if err := f.admin.RecordGap(ctx, q, "zh", knowledge.GapNotCovered); err != nil {
			t.Fatal(err)
		}
	}
	n, err := f.admin.ForgetGapsAbout(ctx, []string{"张三丰", "深圳市星光电子有限公司", "", "王"})
	if err != nil || n != 2 {
		t.Fatalf("ForgetGapsAbout = %d, %v; want 2", n, err)
	}
	gaps, _ := f.admin.Gaps(ctx, admin, 10)
	if len(gaps) != 1 || gaps[0].Question != "火星移民补贴怎么算" {
		t.Errorf("gaps left: %+v", gaps)
	}
}
