package intake

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/knowledge"
)

// loadStatutes reads the statute texts: $LAWS_DIR, or the shared/ beside
// the repository. In CI they must be there.
func loadStatutes(t *testing.T) *knowledge.Statutes {
	t.Helper()
	dir := os.Getenv("LAWS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "laws")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR): %v", dir, err)
		}
		t.Skipf("statute texts not found at %s (set LAWS_DIR to run this test): %v", dir, err)
	}
	list, err := knowledge.LoadStatutesDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return knowledge.NewStatutes(list...)
}

// TestNextStepsRestOnTheStatutes checks what the worker is told when a
// settlement is not paid against the statute texts: every citation
// resolves, and each article says what the step claims it says.
func TestNextStepsRestOnTheStatutes(t *testing.T) {
	statutes := loadStatutes(t)
	says := map[knowledge.Citation][]string{
		citePaymentOrder:   {"拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金", "持调解协议书依法向人民法院申请支付令", "人民法院应当依法发出支付令"},
		citePaymentOrderJI: {"调解仲裁法第十六条", "申请支付令", "人民法院应予受理"},
		citeWagesOrder:     {"拖欠或者未足额支付劳动报酬", "向当地人民法院申请支付令"},
		citeAgreementDoc:   {"应当制作调解协议书"},
		citeArbitration:    {"在协议约定期限内不履行调解协议", "可以依法申请仲裁"},
		citeArbitrationLoc: {"劳动合同履行地或者用人单位所在地"},
		citeArbitrationFee: {"劳动争议仲裁不收费"},
		citeConfirmation:   {"在人民调解委员会主持下仅就给付义务达成的调解协议", "双方认为有必要的", "共同向人民调解委员会所在地的基层人民法院申请司法确认"},
		citeLimitation:     {"时效期间为一年", "劳动关系终止的，应当自劳动关系终止之日起一年内提出"},
	}
	var all []knowledge.Citation
	for _, s := range unpaidSteps() {
		all = append(all, s.Cites...)
	}
	all = append(all, citeLimitation)
	for _, c := range all {
		phrases, ok := says[c]
		if !ok {
			t.Errorf("%s is cited but the test does not check what it says", c)
			continue
		}
		a, ok := statutes.Article(c)
		if !ok {
			t.Errorf("%s does not resolve in the statute texts", c)
			continue
		}
		for _, p := range phrases {
			if !strings.Contains(a.Text, p) {
				t.Errorf("%s does not say %q", c, p)
			}
		}
	}
}

var zhCitation = regexp.MustCompile(`《([^》]+)》第(\d+)条`)

// TestEveryFollowUpCitationResolves renders every text a follow-up sends
// and checks each citation in it.
func TestEveryFollowUpCitationResolves(t *testing.T) {
	statutes := loadStatutes(t)
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	tk := Ticket{Number: 3, State: StateSettled, Types: []DisputeType{TypeDismissal}, EndDate: calc.Date(2025, 6, 1),
		SettledAmount: 8000_00, PayBy: calc.Date(2026, 3, 31), CreatedAt: now, ClaimedAt: now, Mediator: 5,
		FollowUp: FollowUp{Payment: PaidPart, PaidAmount: 3000_00}}
	var texts []string
	for _, lang := range []string{"zh", "en"} {
		texts = append(texts, UnpaidNextSteps(lang), PaymentReplyText(tk, lang), PaymentAlertText(tk, lang),
			limitationText(tk, now, lang), paymentQuestionText(tk, now, lang), escalationWorkerText(tk, now, lang),
			checkInText(tk, 8*24*time.Hour, lang), referralText(tk, 45*24*time.Hour, 30*24*time.Hour, lang),
			ProgressText(tk, now, lang), LimitationOf(tk).Line(lang), tk.Text(lang))
	}
	found := 0
	for _, text := range texts {
		for _, m := range zhCitation.FindAllStringSubmatch(text, -1) {
			n, _ := strconv.Atoi(m[2])
			c := knowledge.Citation{Law: m[1], Article: n}
			if _, err := statutes.Resolve(c); err != nil {
				t.Errorf("%s in %q: %v", c, text, err)
			}
			found++
		}
	}
	if found < 8 {
		t.Errorf("only %d citations found in the follow-up texts", found)
	}
	// The English texts cite by the catalog's English names.
	if en := UnpaidNextSteps("en"); !strings.Contains(en, "art. 16") || strings.Contains(en, "《") {
		t.Errorf("English next steps: %s", en)
	}
}
