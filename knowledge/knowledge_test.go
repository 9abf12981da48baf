package knowledge_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// sharedLaws finds the statute texts of shared/laws beside the checkout
// (LAWS_DIR overrides). The statutes are test data the repository must not
// copy: in CI a missing directory fails the test; elsewhere the tests that
// need the texts skip, and TestContentCitationsCatalog still checks every
// citation against the statute catalog.
func sharedLaws(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("LAWS_DIR"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "shared", "laws"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR): %v", d, err)
		}
		t.Skipf("statute texts not found at %s (set LAWS_DIR to run this test): %v", d, err)
	}
	return d
}

var (
	statutesOnce sync.Once
	statutesVal  *knowledge.Statutes
	statutesErr  error
)

func loadStatutes(t testing.TB) *knowledge.Statutes {
	t.Helper()
	dir := sharedLaws(t)
	statutesOnce.Do(func() {
		list, err := knowledge.LoadStatutesDir(dir)
		statutesVal, statutesErr = knowledge.NewStatutes(list...), err
	})
	if statutesErr != nil {
		t.Fatal(statutesErr)
	}
	return statutesVal
}

func TestStatutesMatchManifest(t *testing.T) {
	laws := loadStatutes(t)
	// Article counts from shared/laws/README.md.
	want := map[string]int{"劳动法": 107, "劳动合同法": 98, "劳动合同法实施条例": 38, "劳动争议调解仲裁法": 54,
		"社会保险法": 98, "工伤保险条例": 67, "保障农民工工资支付条例": 64, "劳动争议解释（一）": 54,
		"关于职工全年月平均工作时间和工资折算问题的通知": 3, "拒不支付劳动报酬刑事解释": 9}
	for law, n := range want {
		st, ok := laws.Lookup(law)
		if !ok {
			t.Errorf("%s not loaded", law)
			continue
		}
		if len(st.Articles) != n {
			t.Errorf("%s: %d articles, want %d", law, len(st.Articles), n)
		}
	}
	if laws.Len() != len(knowledge.StatuteCatalog()) {
		t.Errorf("loaded %d statutes, catalog knows %d", laws.Len(), len(knowledge.StatuteCatalog()))
	}
	for _, info := range knowledge.StatuteCatalog() {
		st, ok := laws.Lookup(info.Short)
		if !ok {
			t.Errorf("catalog statute %s has no file", info.Short)
			continue
		}
		if len(st.Articles) != info.Articles {
			t.Errorf("catalog says %s has %d articles, the text has %d", info.Short, info.Articles, len(st.Articles))
		}
	}
	a, ok := laws.Article(knowledge.Citation{Law: "中华人民共和国劳动合同法", Article: 47})
	if !ok || !strings.HasPrefix(a.Text, "第四十七条") || !strings.Contains(a.Text, "经济补偿") {
		t.Errorf("劳动合同法 47 = %q", a.Text)
	}
	// An article spanning several paragraphs keeps them all.
	a, _ = laws.Article(knowledge.Citation{Law: "劳动合同法", Article: 14})
	if !strings.Contains(a.Text, "连续工作满十年") || !strings.Contains(a.Text, "视为用人单位与劳动者已订立无固定期限劳动合同") {
		t.Errorf("劳动合同法 14 lost paragraphs: %q", a.Text)
	}
}

// TestContentCitationsResolve is the guard on the legal content: every entry
// parses, and every citation in it (front matter and inline) names an article
// that exists in the statute texts.
func TestContentCitationsResolve(t *testing.T) {
	laws := loadStatutes(t)
	entries, ps := knowledge.LoadEntriesFS(content.Files, laws)
	for _, p := range ps {
		t.Error(p)
	}
	zh := 0
	for _, e := range entries {
		if e.Lang == "zh" {
			zh++
		}
		for _, c := range e.Citations {
			if _, ok := laws.Article(c); !ok {
				t.Errorf("%s cites %s, which is not in shared/laws", e.ID, c)
			}
		}
	}
	t.Logf("%d entries, %d Chinese", len(entries), zh)
	if zh < 150 {
		t.Errorf("only %d Chinese entries; the knowledge base needs at least 150", zh)
	}
}

// TestContentCitationsCatalog checks the knowledge base with no statute
// texts at hand: each citation names a known statute and an article number
// within its range. It runs everywhere, including machines without shared/.
func TestContentCitationsCatalog(t *testing.T) {
	_, ps := knowledge.LoadEntriesFS(content.Files, nil)
	for _, p := range ps {
		t.Error(p)
	}
}

func TestParseCitation(t *testing.T) {
	tests := []struct {
		in      string
		want    knowledge.Citation
		wantErr bool
	}{
		{"劳动合同法 47", knowledge.Citation{Law: "劳动合同法", Article: 47}, false},
		{"劳动合同法第47条", knowledge.Citation{Law: "劳动合同法", Article: 47}, false},
		{"《劳动合同法》第四十七条", knowledge.Citation{Law: "劳动合同法", Article: 47}, false},
		{"劳动法 第一百零三条", knowledge.Citation{Law: "劳动法", Article: 103}, false},
		{"劳动争议解释（一） 32", knowledge.Citation{Law: "劳动争议解释（一）", Article: 32}, false},
		{"劳动合同法", knowledge.Citation{}, true},
		{"47", knowledge.Citation{}, true},
		{"劳动合同法 0", knowledge.Citation{}, true},
	}
	for _, tt := range tests {
		got, err := knowledge.ParseCitation(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseCitation(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseCitation(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseChineseNumber(t *testing.T) {
	for in, want := range map[string]int{"一": 1, "十": 10, "十一": 11, "二十": 20, "四十七": 47, "九十八": 98, "一百": 100, "一百零七": 107, "一百一十九": 119} {
		if got, err := knowledge.ParseChineseNumber(in); err != nil || got != want {
			t.Errorf("ParseChineseNumber(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := knowledge.ParseChineseNumber("四x"); err == nil {
		t.Error("ParseChineseNumber accepted a non-numeral")
	}
}

func TestResolveAgainstCatalogWithoutTexts(t *testing.T) {
	var none *knowledge.Statutes
	if c, err := none.Resolve(knowledge.Citation{Law: "中华人民共和国劳动合同法", Article: 98}); err != nil || c.Law != "劳动合同法" {
		t.Errorf("Resolve = %v, %v", c, err)
	}
	if _, err := none.Resolve(knowledge.Citation{Law: "劳动合同法", Article: 99}); err == nil {
		t.Error("article 99 of a 98-article law resolved")
	}
	if _, err := none.Resolve(knowledge.Citation{Law: "合同法", Article: 1}); err == nil {
		t.Error("unknown statute resolved")
	}
}

const goodEntry = `---
id: test-wages-zh
key: test-wages
lang: zh
title: 老板拖欠工资怎么办
topic: wages
questions:
  - 老板三个月没发工资怎么办
  - 欠薪怎么办
  - 工资拖着不给
citations:
  - 劳动合同法 30
  - 劳动争议调解仲裁法 27
region: national
reviewed: 2026-11-23
---
用人单位应当按照约定按时足额支付工资 [劳动合同法 30]。拖欠工资的，可以先找单位协商，也可以向劳动保障监察投诉，或者申请劳动仲裁。

**怎么做**
1. 收集证据，写下欠薪月份和金额。
2. 拨打12333投诉，或到劳动人事争议仲裁委员会申请仲裁。

**保留证据**
工资条、银行流水、考勤记录、聊天记录。

**时限**
仲裁时效一般为一年；在职期间的欠薪不受一年限制，离职后一年内提出 [劳动争议调解仲裁法 27]。

**去哪里**
工会热线12351，劳动监察12333，法律援助12348。
`

func TestParseEntryProblemsByLine(t *testing.T) {
	laws := loadStatutes(t)
	if _, ps := knowledge.ParseEntry("good.md", []byte(goodEntry), laws); len(ps) > 0 {
		t.Fatalf("good entry has problems: %v", ps)
	}
	tests := []struct {
		name     string
		old, new string
		wantLine int
		wantText string
	}{
		{"bad citation article", "  - 劳动合同法 30\n", "  - 劳动合同法 300\n", 12, "has no article 300"},
		{"unknown statute", "  - 劳动合同法 30\n", "  - 合同法 30\n", 12, "unknown statute"},
		{"bad lang", "lang: zh", "lang: fr", 4, "lang must be zh or en"},
		{"bad topic", "topic: wages", "topic: money", 6, "unknown topic"},
		{"bad date", "reviewed: 2026-11-23", "reviewed: 23/11/2026", 15, "reviewed must be a date"},
		{"inline citation not in front matter", "[劳动合同法 30]", "[劳动合同法 31]", 17, "not in the front-matter citations"},
		{"inline citation to a missing article", "[劳动合同法 30]", "[劳动合同法 199]", 17, "has no article 199"},
		{"id mismatch", "id: test-wages-zh", "id: wages-zh", 2, "id must be the key"},
		{"bad yaml", "title: 老板拖欠工资怎么办", "title: 老板: 拖欠工资", 5, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(goodEntry, tt.old, tt.new, 1)
			if src == goodEntry {
				t.Fatalf("replacement %q not applied", tt.old)
			}
			_, ps := knowledge.ParseEntry("e.md", []byte(src), laws)
			for _, p := range ps {
				if strings.Contains(p.Message, tt.wantText) {
					if p.Line != tt.wantLine {
						t.Errorf("problem %q on line %d, want line %d", p.Message, p.Line, tt.wantLine)
					}
					return
				}
			}
			t.Errorf("no problem containing %q; got %v", tt.wantText, ps)
		})
	}
}

func TestRenderCitations(t *testing.T) {
	body := "按时支付工资 [劳动合同法 30; 工资支付暂行规定 7]。见 [附件]。"
	if got, want := knowledge.RenderCitations(body, "zh"), "按时支付工资（《劳动合同法》第30条、《工资支付暂行规定》第7条）。见 [附件]。"; got != want {
		t.Errorf("zh: got %q want %q", got, want)
	}
	if got := knowledge.RenderCitations("pay on time [劳动合同法 30].", "en"); got != "pay on time (Labor Contract Law, art. 30)." {
		t.Errorf("en: got %q", got)
	}
}
