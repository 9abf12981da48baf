package letter_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/letter"
)

const (
	admin     = 900
	mediatorA = 901
	mediatorB = 902
	worker    = 700
)

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 15: "十五", 20: "二十", 30: "三十", 47: "四十七", 100: "一百", 105: "一百零五",
		110: "一百一十", 119: "一百一十九", 1001: "一千零一"} {
		if got := letter.ChineseNumber(n); got != want {
			t.Errorf("ChineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDefaultTemplatesAreValid(t *testing.T) {
	for k, tpl := range letter.DefaultTemplates() {
		if ps := tpl.Check(); len(ps) > 0 {
			t.Errorf("default %s: %v", k, ps)
		}
	}
	bad := letter.DefaultTemplates()[letter.Reminder]
	bad.Body += "\n请于{deadline}前答复"
	bad.ReplyDays = 0
	ps := bad.Check()
	if len(ps) != 2 || !strings.Contains(ps[1].Zh+ps[0].Zh, "{deadline}") {
		t.Errorf("problems = %v; want the unknown placeholder and the days", ps)
	}
}

// lawsDir is shared/laws beside the repository, or $LAWS_DIR.
func statutes(t *testing.T) *knowledge.Statutes {
	t.Helper()
	dir := os.Getenv("LAWS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "laws")
	}
	list, err := knowledge.LoadStatutesDir(dir)
	if err != nil || len(list) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("statute texts not found at %s (set LAWS_DIR): %v", dir, err)
		}
		t.Skipf("statute texts not found at %s: %v", dir, err)
	}
	return knowledge.NewStatutes(list...)
}

// Every article a letter rests on exists in the statute texts.
func TestBasisResolves(t *testing.T) {
	laws := statutes(t)
	for _, c := range letter.BasisFor(intake.DisputeTypes()) {
		if _, ok := laws.Article(c); !ok {
			t.Errorf("%s is not an article of shared/laws", c)
		}
	}
}

type fixture struct {
	store   *bolt.Store
	tickets *intake.Service
	letters *letter.Service
	laws    *knowledge.Statutes
	mu      sync.Mutex
	now     time.Time
}

func newFixture(t *testing.T, laws *knowledge.Statutes) *fixture {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &fixture{store: s, laws: laws, now: time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)}
	sealer, err := intake.NewSealer("letter-test-data-key-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	f.tickets = intake.NewService(s, intake.Options{Admins: []int64{admin}, Sealer: sealer, Now: f.clock})
	for _, m := range []int64{mediatorA, mediatorB} {
		if err := f.tickets.AddMediator(t.Context(), admin, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.tickets.EnsureIndex(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.letters, err = letter.NewService(letter.Options{Store: s, Tickets: f.tickets, Sealer: sealer, Now: f.clock,
		Statutes: func() *knowledge.Statutes { return f.laws }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

func (f *fixture) file(t *testing.T, tk intake.Ticket) int64 {
	t.Helper()
	tk.WorkerID, tk.ChatID = worker+int64(len(tk.Employer)), worker
	tk.EmployerKey = intake.NormalizeEmployer(tk.Employer)
	tk.Province, tk.City = "四川", "成都"
	tk.State, tk.CreatedAt, tk.UpdatedAt, tk.ConsentAt = intake.StateNew, f.clock(), f.clock(), f.clock()
	n, _, err := f.store.CreateTicket(context.Background(), rand.Text(), time.Hour, tk,
		intake.Event{Actor: tk.WorkerID, Role: intake.RoleWorker, Action: intake.ActionSubmit, To: intake.StateNew, At: f.clock()},
		intake.Notification{Action: intake.ActionSubmit, To: intake.StateNew, Role: intake.RoleWorker, At: f.clock()})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDraftAndIssue(t *testing.T) {
	for _, loaded := range []bool{false, true} {
		name := "cited by name"
		var laws *knowledge.Statutes
		if loaded {
			name, laws = "quoted", statutes(t)
		}
		t.Run(name, func(t *testing.T) { testDraftAndIssue(t, laws) })
	}
}

func testDraftAndIssue(t *testing.T, laws *knowledge.Statutes) {
	f := newFixture(t, laws)
	ctx := t.Context()
	employer := "四川星光电子科技有限公司"
	n := f.file(t, intake.Ticket{Employer: employer, Types: []intake.DisputeType{intake.TypeUnpaidWages, intake.TypeDismissal},
		StartDate: calc.Date(2022, 3, 1), EndDate: calc.Date(2026, 4, 30), MonthlyWage: calc.Yuan(6000), Claimed: calc.Yuan(18000), Name: "王小明"})
	f.file(t, intake.Ticket{Employer: employer + " ", Types: []intake.DisputeType{intake.TypeOvertime},
		StartDate: calc.Date(2024, 7, 1), MonthlyWage: calc.Yuan(5000), Claimed: calc.Yuan(7500)})
	other := f.file(t, intake.Ticket{Employer: "另一家公司", Types: []intake.DisputeType{intake.TypeUnpaidWages}, Claimed: calc.Yuan(99999)})
	if _, err := f.tickets.Claim(ctx, mediatorA, n); err != nil {
		t.Fatal(err)
	}

	// Only the claiming mediator and admins draft letters.
	for _, who := range []int64{worker, mediatorB, 12345} {
		if _, err := f.letters.Draft(ctx, who, n, letter.Reminder); !errors.Is(err, intake.ErrForbidden) {
			t.Errorf("Draft by %d: %v; want ErrForbidden", who, err)
		}
	}
	d, err := f.letters.Draft(ctx, mediatorA, n, letter.Reminder)
	if err != nil {
		t.Fatal(err)
	}
	if d.Letterhead {
		t.Error("a draft before the letterhead is set up says it can be issued")
	}
	if d.Recipient != employer || len(d.Facts.Workers) != 2 || d.Facts.Claimed != calc.Yuan(25500) {
		t.Errorf("draft facts: recipient %q, workers %d, claimed %v", d.Recipient, len(d.Facts.Workers), d.Facts.Claimed)
	}
	for _, want := range []string{"2名职工", "拖欠工资、加班及加班费、解除劳动合同及经济补偿", "职工甲：2022年3月1日入职，2026年4月30日离职", "职工乙：2024年7月1日入职，现仍在职",
		"主张的金额合计25,500.00元", "应当支付经济补偿的情形，按《中华人民共和国劳动合同法》第四十七条测算，职工甲的经济补偿参考数额为27,000.00元", "《中华人民共和国劳动法》第五十条", "《中华人民共和国劳动合同法》第四十七条", "15日内"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("the draft lacks %q:\n%s", want, d.Body)
		}
	}
	if strings.Contains(d.Body, "王小明") || strings.Contains(d.Body, "99,999") || strings.Contains(d.Body, "{") {
		t.Errorf("the draft names the worker, another employer's case or a placeholder:\n%s", d.Body)
	}
	if laws != nil && !strings.Contains(d.Body, "规定：“工资应当以货币形式按月支付给劳动者本人") {
		t.Errorf("with the statutes loaded the articles are not quoted:\n%s", d.Body)
	}
	if laws == nil && strings.Contains(d.Body, "工资应当以货币形式") {
		t.Errorf("without statutes the draft quotes text it does not have")
	}

	// No letter without a letterhead; admins set it up.
	edit := letter.Edit{Title: d.Title, Recipient: d.Recipient, Body: d.Body + "\n（调解员补充：请尽快联系我会。）"}
	if _, err := f.letters.Issue(ctx, mediatorA, n, letter.Reminder, edit); !errors.Is(err, letter.ErrNoLetterhead) {
		t.Fatalf("Issue without a letterhead: %v", err)
	}
	if err := f.letters.PutUnion(ctx, mediatorA, letter.Union{Name: "x"}); !errors.Is(err, intake.ErrForbidden) {
		t.Errorf("a mediator set the letterhead: %v", err)
	}
	if err := f.letters.PutUnion(ctx, admin, letter.Union{Name: "  "}); err == nil {
		t.Error("a letterhead without a name was saved")
	}
	if err := f.letters.PutUnion(ctx, admin, letter.Union{Name: "成都市某某区总工会", Phone: "028-12345678", Contact: "李明"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.letters.Issue(ctx, mediatorB, n, letter.Reminder, edit); !errors.Is(err, intake.ErrForbidden) {
		t.Errorf("another mediator issued a letter: %v", err)
	}
	if _, err := f.letters.Issue(ctx, mediatorA, n, letter.Reminder, letter.Edit{Title: d.Title, Recipient: " ", Body: d.Body}); !errors.Is(err, letter.ErrEmpty) {
		t.Errorf("a letter without a recipient: %v", err)
	}
	l, err := f.letters.Issue(ctx, mediatorA, n, letter.Reminder, edit)
	if err != nil {
		t.Fatal(err)
	}
	if l.Number() != "工提〔2026〕1号" || !strings.Contains(l.Body, "调解员补充") || l.Union.Name != "成都市某某区总工会" {
		t.Errorf("issued: %s %+v", l.Number(), l)
	}
	l2, err := f.letters.Issue(ctx, admin, n, letter.Reminder, edit)
	if err != nil || l2.Number() != "工提〔2026〕2号" {
		t.Fatalf("second letter: %s, %v", l2.Number(), err)
	}
	// Stored sealed, read back open.
	raw, err := f.store.GetLetter(ctx, l.ID)
	if err != nil || strings.Contains(raw.Body, "调解员补充") {
		t.Errorf("the stored body is not sealed: %q, %v", raw.Body, err)
	}
	got, err := f.letters.Letter(ctx, mediatorA, n, l.ID)
	if err != nil || got.Body != l.Body {
		t.Errorf("Letter = %q, %v", got.Body, err)
	}
	if _, err := f.letters.Letter(ctx, admin, other, l.ID); !errors.Is(err, letter.ErrNotFound) {
		t.Errorf("a letter read through another ticket: %v", err)
	}
	// In the trail and the audit log.
	events, err := f.tickets.Events(ctx, mediatorA, n)
	if err != nil {
		t.Fatal(err)
	}
	if e := events[len(events)-1]; e.Action != intake.ActionLetter || e.Note != "提示函 工提〔2026〕2号" || e.Actor != admin {
		t.Errorf("last event %+v", e)
	}
	recs, err := f.tickets.Audit(ctx, admin, intake.AuditFilter{Action: intake.ActionLetter})
	if err != nil || len(recs) != 2 || recs[1].Detail != "提示函 工提〔2026〕1号" || recs[1].Ticket != n || recs[1].UserID != mediatorA {
		t.Errorf("audit = %+v, %v", recs, err)
	}
	// A later letter mentions the earlier ones.
	d, err = f.letters.Draft(ctx, mediatorA, n, letter.Opinion)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Body, "2026年6月15日发出《劳动法律监督提示函》（工提〔2026〕1号）") {
		t.Errorf("the opinion does not mention the reminder:\n%s", d.Body)
	}
	// No letters on a closed case.
	if _, err := f.tickets.Close(ctx, mediatorA, n, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.letters.Issue(ctx, mediatorA, n, letter.Opinion, edit); !errors.Is(err, letter.ErrClosed) {
		t.Errorf("a letter on a closed case: %v", err)
	}
}

func TestTemplatesForAdmins(t *testing.T) {
	f := newFixture(t, nil)
	ctx := t.Context()
	if _, err := f.letters.Templates(ctx, mediatorA); !errors.Is(err, intake.ErrForbidden) {
		t.Errorf("a mediator read the templates: %v", err)
	}
	tpls, err := f.letters.Templates(ctx, admin)
	if err != nil || len(tpls) != 3 {
		t.Fatalf("templates: %d, %v", len(tpls), err)
	}
	tpl := tpls[letter.Recommendation]
	tpl.Body = "请依法处理{employer}的问题。\n{nonsense}"
	var ps letter.ProblemsError
	if err := f.letters.PutTemplate(ctx, admin, tpl); !errors.As(err, &ps) || !strings.Contains(ps[0].Zh, "{nonsense}") {
		t.Fatalf("PutTemplate with an unknown placeholder: %v", err)
	}
	tpl.Body = "请依法处理{employer}拖欠{workers}工资的问题。\n{basis}"
	tpl.Prefix = "成工建"
	if err := f.letters.PutTemplate(ctx, admin, tpl); err != nil {
		t.Fatal(err)
	}
	n := f.file(t, intake.Ticket{Employer: "某某公司", Types: []intake.DisputeType{intake.TypeUnpaidWages}})
	if _, err := f.tickets.Claim(ctx, mediatorA, n); err != nil {
		t.Fatal(err)
	}
	d, err := f.letters.Draft(ctx, mediatorA, n, letter.Recommendation)
	if err != nil {
		t.Fatal(err)
	}
	if d.Recipient != "成都市人力资源和社会保障局" || !strings.HasPrefix(d.Body, "请依法处理某某公司拖欠职工工资的问题。") {
		t.Errorf("draft from the edited template: %q\n%s", d.Recipient, d.Body)
	}
	p, err := f.letters.Preview(ctx, admin, tpl, letter.Union{Name: "样例总工会"})
	if err != nil || p.Number() != "成工建〔2026〕1号" || !strings.Contains(p.Body, "某某电子科技有限公司") {
		t.Errorf("preview: %s %q, %v", p.Number(), p.Body, err)
	}
	recs, _ := f.tickets.Audit(ctx, admin, intake.AuditFilter{Action: intake.ActionLetterSettings})
	if len(recs) != 1 || recs[0].Detail != "template recommendation" {
		t.Errorf("audit: %+v", recs)
	}
}
