package knowledge_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/openai/openaitest"
)

func TestZZExp(t *testing.T) {
	srv := openaitest.NewServer()
	defer srv.Close()
	eng := llmEngine(t, srv, 5*time.Second)
	for _, q := range []string{
		"我2021年3月1日入职，2024年9月15日被公司辞退，月工资8000元，能拿多少经济补偿？",
		"帮我算算：2021-03-01入职，2024-09-15离职，月薪8000，补偿多少钱",
		"公司让我走人，干了三年半，工资八千，能拿多少钱",
		"被裁员了能拿多少钱",
		"How much severance do I get? Started 2021-03-01, dismissed 2024-09-15, wage 8000",
	} {
		n := len(srv.Requests())
		ans, _ := eng.Answer(context.Background(), knowledgeReq(q), nil)
		if len(srv.Requests()) == n { t.Logf("%s: no model call, mode %s", q, ans.Mode); continue }
		u := srv.Requests()[n].Messages[1].Content
		t.Logf("%s: mode %s has47=%v", q, ans.Mode, strings.Contains(u, "劳动合同法 47"))
	}
}
func knowledgeReq(q string) knowledge.Request { return knowledge.Request{Question: q} }
