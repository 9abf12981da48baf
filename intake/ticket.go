package intake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/markdown"
)

// Ticket is a complaint as the union handles it. The JSON names are the
// stored format: never rename one. Number must stay the first field (the
// Redis store relies on it, see redis/intake.go).
//
// Name, Phone, ContactTime, Description and Demands are personal data: a
// Service seals them before they reach the Store and opens them after.
// DeleteWorkerData empties every field marked "personal" below; the others
// are kept for statistics (see Erase).
type Ticket struct {
	Number int64 `json:"number"`
	// Version counts the ticket's changes. The Store sets it (1 when
	// created) and refuses an update made from an older version, so two
	// mediators acting at once cannot overwrite each other.
	Version int64 `json:"version"`

	WorkerID int64  `json:"worker_id,omitempty"` // personal: the worker's Telegram user id
	ChatID   int64  `json:"chat_id,omitempty"`   // personal: where to tell the worker of changes
	Lang     string `json:"lang,omitempty"`      // personal: the worker's language

	Types       []DisputeType `json:"types"`
	Employer    string        `json:"employer,omitempty"`     // personal (it names the worker's workplace)
	EmployerKey string        `json:"employer_key,omitempty"` // personal: NormalizeEmployer(Employer), links tickets
	Province    string        `json:"province,omitempty"`     // calc.Province.Short
	City        string        `json:"city,omitempty"`
	District    string        `json:"district,omitempty"` // personal (too fine for statistics)
	StartDate   time.Time     `json:"start_date,omitzero"`
	EndDate     time.Time     `json:"end_date,omitzero"` // zero: still employed
	MonthlyWage calc.Money    `json:"monthly_wage"`
	Claimed     calc.Money    `json:"claimed"` // 0: not known
	Coworkers   int           `json:"coworkers"`
	Description string        `json:"description,omitempty"`  // personal, sealed
	Evidence    []Evidence    `json:"evidence,omitempty"`     // personal
	Demands     string        `json:"demands,omitempty"`      // personal, sealed
	Name        string        `json:"name,omitempty"`         // personal, sealed
	Phone       string        `json:"phone,omitempty"`        // personal, sealed
	ContactTime string        `json:"contact_time,omitempty"` // personal, sealed
	// NameKey is the blind index of Name (see Service.NameKey), so staff
	// can search by name; personal.
	NameKey string `json:"name_key,omitempty"`
	// Source is the tag of the link the worker came through (a poster at
	// a site, a union branch, a campaign; "web" for the web chat without
	// one, "" for Telegram). Not personal: statistics count by it.
	Source string `json:"source,omitempty"`

	State         State      `json:"state"`
	Mediator      int64      `json:"mediator,omitempty"` // the claiming mediator's user id
	Outcome       Outcome    `json:"outcome,omitempty"`
	SettledAmount calc.Money `json:"settled_amount"`
	// PayBy is the day the employer agreed to pay the settlement by
	// (zero: not given).
	PayBy time.Time `json:"pay_by,omitzero"`
	// FollowUp is what follow-ups learned and the worker chose
	// (followup.go).
	FollowUp FollowUp `json:"follow_up,omitzero"`

	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	ClaimedAt   time.Time `json:"claimed_at,omitzero"`
	ConcludedAt time.Time `json:"concluded_at,omitzero"` // when the outcome was recorded
	ClosedAt    time.Time `json:"closed_at,omitzero"`    // closed or withdrawn
	ConsentAt   time.Time `json:"consent_at"`
	ErasedAt    time.Time `json:"erased_at,omitzero"` // when DeleteWorkerData ran

	// Linked are the numbers of the other tickets against the same
	// employer (by EmployerKey), so a collective dispute is visible. A
	// Service fills it on reading; it is not stored.
	Linked []int64 `json:"-"`
}

// Evidence is a photo or file the worker sent, kept as Telegram's file
// ids: the file stays on Telegram's servers and is fetched when a mediator
// opens it. File names are not kept (they often hold a name).
type Evidence struct {
	FileID   string    `json:"file_id"`
	UniqueID string    `json:"unique_id,omitempty"` // Telegram's file_unique_id: the same file sent twice
	Kind     string    `json:"kind,omitempty"`      // photo, document, video, ...
	AddedAt  time.Time `json:"added_at,omitzero"`
}

// Action is something a user does, both for Authorize and as the action of
// an Event. The values are stored: never change one.
type Action string

// The actions.
const (
	ActionSubmit          Action = "submit"           // file a complaint (event: ticket created)
	ActionView            Action = "view"             // read a ticket (contact details masked)
	ActionViewContact     Action = "view_contact"     // read a ticket with name and phone
	ActionHistory         Action = "history"          // read a ticket's events
	ActionClaim           Action = "claim"            // take a new ticket
	ActionTransition      Action = "transition"       // move a ticket to another state
	ActionNote            Action = "note"             // add an internal note
	ActionRequestEvidence Action = "request_evidence" // ask the worker for more evidence
	ActionAddEvidence     Action = "add_evidence"     // the worker adds evidence
	ActionMessage         Action = "message"          // a mediator writes to the worker
	ActionOutcome         Action = "outcome"          // record settled / not settled
	ActionRefer           Action = "refer"            // refer to arbitration or court
	ActionClose           Action = "close"            // close the ticket
	ActionWithdraw        Action = "withdraw"         // the worker withdraws the complaint
	ActionErase           Action = "erase"            // the worker's data is erased
	ActionList            Action = "list"             // list all tickets
	ActionStats           Action = "stats"            // read the statistics
	ActionExport          Action = "export"           // export all tickets
	ActionManageMediators Action = "manage_mediators" // add or remove mediators
)

// Event is one entry of a ticket's audit trail: who did what, when. Ticket
// must stay the first field (see Ticket). Note is the actor's own words
// (for ActionNote, ActionRequestEvidence, outcomes and closing); it is
// erased with the worker's data because mediators write about the worker.
type Event struct {
	Ticket int64      `json:"ticket"`
	Actor  int64      `json:"actor,omitempty"` // 0 once the worker's data is erased (worker's own events)
	Role   Role       `json:"role"`
	Action Action     `json:"action"`
	From   State      `json:"from,omitempty"`
	To     State      `json:"to,omitempty"`
	Note   string     `json:"note,omitempty"`
	Amount calc.Money `json:"amount,omitempty"` // the settled amount (ActionOutcome)
	At     time.Time  `json:"at"`
}

// Notification is what goes through the queue when a ticket is created or
// changes, for the channel layer to tell the mediators' group, the
// claiming mediator and the worker. It deliberately holds no personal data
// and no note (acknowledged entries are deleted, but pending ones sit in
// the store): the consumer reads the ticket for the rest. Ticket must stay
// the first field (see Ticket).
type Notification struct {
	Ticket int64  `json:"ticket"`
	Action Action `json:"action"`
	From   State  `json:"from,omitempty"`
	To     State  `json:"to,omitempty"`
	// Actor is the mediator or admin who acted; 0 for the worker's own
	// actions (the worker is Ticket.WorkerID).
	Actor int64     `json:"actor,omitempty"`
	Role  Role      `json:"role"`
	At    time.Time `json:"at"`
}

func notificationOf(e Event) Notification {
	n := Notification{Ticket: e.Ticket, Action: e.Action, From: e.From, To: e.To, Actor: e.Actor, Role: e.Role, At: e.At}
	if e.Role == RoleWorker {
		n.Actor = 0
	}
	return n
}

// HasType reports whether the ticket has dispute type d.
func (t Ticket) HasType(d DisputeType) bool {
	for _, x := range t.Types {
		if x == d {
			return true
		}
	}
	return false
}

// Erased reports whether the worker's personal data was deleted.
func (t Ticket) Erased() bool { return !t.ErasedAt.IsZero() }

// Masked returns a copy with the name and phone masked (张**,
// 138****5678), for mediators who have not claimed the ticket and for the
// mediators' group.
func (t Ticket) Masked() Ticket {
	t.Name = MaskName(t.Name)
	t.Phone = MaskPhone(t.Phone)
	t.Evidence = append([]Evidence(nil), t.Evidence...)
	return t
}

// MaskPhone keeps the first three and the last four digits of a mainland
// mobile number (138****5678) and only the last two of anything else.
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	r := []rune(p)
	if len(r) == 11 {
		return string(r[:3]) + "****" + string(r[7:])
	}
	if len(r) <= 2 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-2) + string(r[len(r)-2:])
}

// MaskName keeps the first letter of a name: 张三丰 → 张**, Li Wei → L**.
func MaskName(n string) string {
	n = strings.TrimSpace(n)
	if n == "" {
		return ""
	}
	first, _ := utf8.DecodeRuneInString(n)
	return string(first) + "**"
}

// NormalizeEmployer reduces an employer's name to a key under which the
// same employer written differently links up: full-width letters become
// ASCII, case, spaces and punctuation are dropped, and so are legal-form
// suffixes (有限公司, Co., Ltd.). "深圳市 星光电子有限公司" and
// "深圳市星光电子" give the same key. It returns "" for a name with no
// letters or digits.
func NormalizeEmployer(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	key := b.String()
	// Longest first, and repeat: "XX集团股份有限公司" sheds both.
	suffixes := []string{"股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "集团", "工厂", "厂",
		"companylimited", "colimited", "coltd", "limited", "ltd", "inc", "corporation", "corp", "company", "group"}
	for changed := true; changed; {
		changed = false
		for _, s := range suffixes {
			if !strings.HasSuffix(key, s) {
				continue
			}
			// A name that is nothing but a legal form stays as it is.
			if len(key) > len(s) {
				key, changed = strings.TrimSuffix(key, s), true
			}
			break
		}
	}
	return key
}

// Text renders the ticket for a mediator: every field, as stored in t (so
// pass t.Masked() to hide the contact details).
func (t Ticket) Text(lang string) string {
	l := labelsIn(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "**#%d** · %s\n", t.Number, t.State.Label(lang))
	if t.Erased() {
		b.WriteString(l.erased + "\n")
	}
	// Values are shown as typed (markdown.Literal): an employer or a
	// description is the worker's text, never formatting.
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, markdown.Literal(value))
		}
	}
	line(l.types, typeList(t.Types, lang))
	line(l.employer, t.Employer)
	line(l.location, joinNonEmpty(" ", t.Province, t.City, t.District))
	line(l.period, period(t.StartDate, t.EndDate, lang))
	if s := limitationLine(t, lang); s != "" {
		b.WriteString(s + "\n")
	}
	if t.MonthlyWage > 0 {
		line(l.wage, t.MonthlyWage.String())
	}
	if t.Claimed > 0 {
		line(l.claimed, t.Claimed.String())
	}
	line(l.coworkers, strconv.Itoa(t.Coworkers))
	line(l.description, t.Description)
	if len(t.Evidence) > 0 {
		line(l.evidence, strconv.Itoa(len(t.Evidence)))
	}
	line(l.demands, t.Demands)
	line(l.name, t.Name)
	line(l.phone, t.Phone)
	line(l.contactTime, t.ContactTime)
	if t.Mediator != 0 {
		line(l.mediator, strconv.FormatInt(t.Mediator, 10))
	}
	if t.Outcome == OutcomeSettled {
		line(l.settled, t.SettledAmount.String())
	}
	if len(t.Linked) > 0 {
		var nums []string
		for _, n := range t.Linked {
			nums = append(nums, "#"+strconv.FormatInt(n, 10))
		}
		line(l.linked, strings.Join(nums, " "))
	}
	// In the unions' own time, as the console shows it: a server on UTC
	// would otherwise say a complaint filed at 06:30 in Shenzhen came at 22:30.
	line(l.created, t.CreatedAt.In(Reporting).Format("2006-01-02 15:04"))
	return strings.TrimRight(b.String(), "\n")
}

// WorkerNotice is what the worker is told when their ticket changes: the
// change in plain words and the next step. It is "" for changes the worker
// need not hear of (their own submission is confirmed by the chat flow;
// internal notes are internal).
func WorkerNotice(n Notification, t Ticket, lang string) string {
	var head calc.Text
	num := t.Number
	switch n.Action {
	case ActionClaim:
		head = calc.Text{Zh: "你的投诉 #%d 已由工会调解员受理。", En: "A union mediator has taken your complaint #%d."}
	case ActionTransition:
		if n.To == StateInMediation {
			head = calc.Text{Zh: "你的投诉 #%d 已进入调解。", En: "Mediation has started on your complaint #%d."}
		} else {
			head = calc.Text{Zh: "你的投诉 #%d 状态更新为：", En: "Your complaint #%d is now: "}
			return fmt.Sprintf(head.In(lang), num) + n.To.Label(lang) + "\n" + n.To.NextStep(lang)
		}
	case ActionRequestEvidence:
		head = calc.Text{Zh: "调解员请你为投诉 #%d 补充证据：请把照片或文件直接发到这里。", En: "The mediator asks for more evidence on complaint #%d: send photos or files here."}
		return fmt.Sprintf(head.In(lang), num)
	case ActionOutcome:
		if n.To == StateSettled {
			head = calc.Text{Zh: "你的投诉 #%d 调解成功。", En: "Your complaint #%d was settled."}
		} else {
			head = calc.Text{Zh: "你的投诉 #%d 调解未能达成协议。", En: "Mediation on your complaint #%d did not reach an agreement."}
		}
	case ActionRefer:
		if n.To == StateReferredCourt {
			head = calc.Text{Zh: "你的投诉 #%d 已建议转法院处理。", En: "Your complaint #%d has been referred to court."}
		} else {
			head = calc.Text{Zh: "你的投诉 #%d 已建议转劳动仲裁处理。", En: "Your complaint #%d has been referred to labor arbitration."}
		}
	case ActionClose:
		head = calc.Text{Zh: "你的投诉 #%d 已结案。", En: "Your complaint #%d is closed."}
	case ActionWithdraw:
		head = calc.Text{Zh: "你的投诉 #%d 已撤回。", En: "Your complaint #%d was withdrawn."}
	default:
		return ""
	}
	return fmt.Sprintf(head.In(lang), num) + "\n" + n.To.NextStep(lang)
}

type labels struct {
	types, employer, location, period, wage, claimed, coworkers, description, evidence, demands,
	name, phone, contactTime, mediator, settled, linked, created, erased, stillEmployed string
}

func labelsIn(lang string) labels {
	if lang == "en" {
		return labels{"Dispute", "Employer", "Workplace", "Employed", "Monthly wage (yuan)", "Amount claimed (yuan)",
			"Co-workers affected", "What happened", "Evidence files", "Wants", "Name", "Mobile", "Best time to call",
			"Mediator", "Settled for (yuan)", "Same employer", "Filed", "(personal data deleted by the worker)", "still employed"}
	}
	return labels{"纠纷类型", "用人单位", "工作地点", "在职时间", "月工资（元）", "主张金额（元）",
		"受影响同事人数", "事情经过", "证据文件", "诉求", "姓名", "手机号", "方便联系时间",
		"调解员", "调解金额（元）", "同一单位的投诉", "提交时间", "（劳动者已删除个人信息）", "至今在职"}
}

func typeList(ts []DisputeType, lang string) string {
	var names []string
	for _, t := range ts {
		names = append(names, t.Label(lang))
	}
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	return strings.Join(names, sep)
}

func period(start, end time.Time, lang string) string {
	if start.IsZero() {
		return ""
	}
	if end.IsZero() {
		return start.Format("2006-01-02") + " – " + labelsIn(lang).stillEmployed
	}
	return start.Format("2006-01-02") + " – " + end.Format("2006-01-02")
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
