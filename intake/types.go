package intake

import (
	"fmt"
	"slices"

	"github.com/laborbot/laborbot/calc"
)

// DisputeType is a kind of labor dispute. A complaint has one or more. The
// values are stored and exported: never change one.
type DisputeType string

// The dispute types a worker chooses from.
const (
	TypeUnpaidWages     DisputeType = "unpaid_wages"
	TypeOvertime        DisputeType = "overtime"
	TypeSocialInsurance DisputeType = "social_insurance"
	TypeWorkInjury      DisputeType = "work_injury"
	TypeDismissal       DisputeType = "dismissal"
	TypeContract        DisputeType = "contract"
	TypeOther           DisputeType = "other"
)

// DisputeTypes returns all dispute types in the order they are offered.
func DisputeTypes() []DisputeType {
	return []DisputeType{TypeUnpaidWages, TypeOvertime, TypeSocialInsurance, TypeWorkInjury, TypeDismissal, TypeContract, TypeOther}
}

// Valid reports whether t is one of DisputeTypes.
func (t DisputeType) Valid() bool { return slices.Contains(DisputeTypes(), t) }

// Label is the name a worker sees.
func (t DisputeType) Label(lang string) string { return t.label().In(lang) }

func (t DisputeType) label() calc.Text {
	switch t {
	case TypeUnpaidWages:
		return calc.Text{Zh: "拖欠工资", En: "Unpaid wages"}
	case TypeOvertime:
		return calc.Text{Zh: "加班费", En: "Overtime pay"}
	case TypeSocialInsurance:
		return calc.Text{Zh: "社会保险", En: "Social insurance"}
	case TypeWorkInjury:
		return calc.Text{Zh: "工伤", En: "Work injury"}
	case TypeDismissal:
		return calc.Text{Zh: "辞退/经济补偿", En: "Dismissal / severance"}
	case TypeContract:
		return calc.Text{Zh: "劳动合同", En: "Labor contract"}
	case TypeOther:
		return calc.Text{Zh: "其他", En: "Other"}
	}
	return calc.Text{Zh: string(t), En: string(t)}
}

// State is where a ticket is in the mediation process. The values are
// stored and exported: never change one.
type State string

// The states of a ticket. They follow the process of a union's labor
// dispute mediation: a mediator takes the case (claimed), mediates, and the
// mediation ends in an agreement (settled) or not; a failed mediation is
// referred to labor arbitration or to a court; every case ends closed,
// unless the worker withdraws it first.
const (
	StateNew                 State = "new"
	StateClaimed             State = "claimed"
	StateInMediation         State = "in_mediation"
	StateSettled             State = "settled"
	StateNotSettled          State = "not_settled"
	StateReferredArbitration State = "referred_arbitration"
	StateReferredCourt       State = "referred_court"
	StateClosed              State = "closed"
	StateWithdrawn           State = "withdrawn"
)

// States returns all states in process order.
func States() []State {
	return []State{StateNew, StateClaimed, StateInMediation, StateSettled, StateNotSettled,
		StateReferredArbitration, StateReferredCourt, StateClosed, StateWithdrawn}
}

// Valid reports whether s is one of States.
func (s State) Valid() bool { return slices.Contains(States(), s) }

// NextStates is the transition table: the states a ticket in state s may
// move to. A closed or withdrawn ticket moves nowhere.
//
//   - new: a mediator claims it, or the union closes it (not a labor
//     dispute, a duplicate), or the worker withdraws it.
//   - claimed: mediation starts, or the case is closed (resolved by a
//     phone call, not mediable), or withdrawn.
//   - in mediation: it ends settled or not settled, or is withdrawn.
//   - settled: closed once the agreement is carried out.
//   - not settled: referred to arbitration or to a court, closed, or
//     withdrawn (the worker gives up or goes elsewhere).
//   - referred to arbitration: on to a court (a party sues over the award)
//     or closed.
//   - referred to a court: closed.
func NextStates(s State) []State {
	switch s {
	case StateNew:
		return []State{StateClaimed, StateClosed, StateWithdrawn}
	case StateClaimed:
		return []State{StateInMediation, StateClosed, StateWithdrawn}
	case StateInMediation:
		return []State{StateSettled, StateNotSettled, StateWithdrawn}
	case StateSettled:
		return []State{StateClosed}
	case StateNotSettled:
		return []State{StateReferredArbitration, StateReferredCourt, StateClosed, StateWithdrawn}
	case StateReferredArbitration:
		return []State{StateReferredCourt, StateClosed}
	case StateReferredCourt:
		return []State{StateClosed}
	}
	return nil
}

// CanTransition reports whether the table allows from → to.
func CanTransition(from, to State) bool { return slices.Contains(NextStates(from), to) }

// CheckTransition returns a *TransitionError unless from → to is allowed.
func CheckTransition(from, to State) error {
	if !CanTransition(from, to) {
		return &TransitionError{From: from, To: to}
	}
	return nil
}

// Open reports whether the case is still going on: not closed, not
// withdrawn.
func (s State) Open() bool { return s != StateClosed && s != StateWithdrawn && s != "" }

// Label is the state's name for people.
func (s State) Label(lang string) string { return s.label().In(lang) }

func (s State) label() calc.Text {
	switch s {
	case StateNew:
		return calc.Text{Zh: "待受理", En: "new"}
	case StateClaimed:
		return calc.Text{Zh: "已受理", En: "claimed"}
	case StateInMediation:
		return calc.Text{Zh: "调解中", En: "in mediation"}
	case StateSettled:
		return calc.Text{Zh: "调解成功", En: "settled"}
	case StateNotSettled:
		return calc.Text{Zh: "调解未成功", En: "not settled"}
	case StateReferredArbitration:
		return calc.Text{Zh: "已转劳动仲裁", En: "referred to arbitration"}
	case StateReferredCourt:
		return calc.Text{Zh: "已转法院", En: "referred to court"}
	case StateClosed:
		return calc.Text{Zh: "已结案", En: "closed"}
	case StateWithdrawn:
		return calc.Text{Zh: "已撤回", En: "withdrawn"}
	}
	return calc.Text{Zh: string(s), En: string(s)}
}

// NextStep tells the worker, in plain words, what happens now that their
// ticket is in state s.
func (s State) NextStep(lang string) string {
	var t calc.Text
	switch s {
	case StateNew:
		t = calc.Text{
			Zh: "下一步：工会调解员会尽快查看并受理你的投诉，受理后会通过本机器人联系你。请保管好证据。",
			En: "Next: a union mediator will review and take your complaint soon and will contact you through this bot. Keep your evidence safe.",
		}
	case StateClaimed:
		t = calc.Text{
			Zh: "下一步：调解员会通过本机器人或电话联系你，了解情况。你在这里回复的消息会转给调解员。",
			En: "Next: the mediator will contact you through this bot or by phone. Your replies here go to the mediator.",
		}
	case StateInMediation:
		t = calc.Text{
			Zh: "下一步：调解员正在与用人单位协商。请留意消息，需要补充材料时会告诉你。",
			En: "Next: the mediator is negotiating with the employer. Watch for messages; you will be told if more evidence is needed.",
		}
	case StateSettled:
		t = calc.Text{
			Zh: "下一步：请按调解协议核对款项是否按时到账；单位不履行的，可以凭调解协议申请支付令或仲裁（劳动争议调解仲裁法 15、16 条）。",
			En: "Next: check that the employer pays as agreed. If it does not, the mediation agreement lets you apply for a payment order or arbitration (Labor Dispute Mediation and Arbitration Law arts. 15, 16).",
		}
	case StateNotSettled:
		t = calc.Text{
			Zh: "下一步：可以申请劳动仲裁。注意仲裁时效一般为一年（劳动争议调解仲裁法 27 条），调解员会告诉你怎么准备。",
			En: "Next: you can apply for labor arbitration. The time limit is usually one year (Labor Dispute Mediation and Arbitration Law art. 27); the mediator will tell you how to prepare.",
		}
	case StateReferredArbitration:
		t = calc.Text{
			Zh: "下一步：向用人单位所在地或劳动合同履行地的劳动人事争议仲裁委员会递交仲裁申请书和证据，可拨打 12348 申请法律援助。",
			En: "Next: file the arbitration application and your evidence with the labor dispute arbitration commission where the employer is or where you worked. Legal aid: 12348.",
		}
	case StateReferredCourt:
		t = calc.Text{
			Zh: "下一步：向人民法院起诉（对仲裁裁决不服的，收到裁决书之日起 15 日内，劳动争议调解仲裁法 50 条）。可拨打 12348 申请法律援助。",
			En: "Next: sue in the people's court (within 15 days of receiving an arbitral award you disagree with, art. 50 of the same law). Legal aid: 12348.",
		}
	case StateClosed:
		t = calc.Text{
			Zh: "这件投诉已结案。有新情况可以重新发起 /complain。",
			En: "This complaint is closed. If something new happens, start again with /complain.",
		}
	case StateWithdrawn:
		t = calc.Text{
			Zh: "这件投诉已撤回。需要帮助时可以随时重新发起 /complain。",
			En: "This complaint was withdrawn. You can start again with /complain whenever you need help.",
		}
	}
	return t.In(lang)
}

// Outcome is how a mediation ended.
type Outcome string

// The outcomes of a mediation ("" = none yet).
const (
	OutcomeSettled    Outcome = "settled"
	OutcomeNotSettled Outcome = "not_settled"
)

// Referral is where a failed mediation is sent.
type Referral string

// The places a case is referred to.
const (
	ReferArbitration Referral = "arbitration"
	ReferCourt       Referral = "court"
)

// State is the ticket state a referral leads to.
func (r Referral) State() (State, error) {
	switch r {
	case ReferArbitration:
		return StateReferredArbitration, nil
	case ReferCourt:
		return StateReferredCourt, nil
	}
	return "", fmt.Errorf("intake: unknown referral %q (want %q or %q)", r, ReferArbitration, ReferCourt)
}

// Role is what a user is to the bot. A user's role comes from the
// configuration (admins) and the Store (mediators); everyone else is a
// worker.
type Role string

// The roles.
const (
	RoleWorker   Role = "worker"
	RoleMediator Role = "mediator"
	RoleAdmin    Role = "admin"
)

// Staff reports whether the role is a mediator's or an admin's.
func (r Role) Staff() bool { return r == RoleMediator || r == RoleAdmin }
