package intake

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/laborbot/laborbot/calc"
	"github.com/laborbot/laborbot/markdown"
)

// Stats are the figures /stats shows. They use only fields Erase keeps, so
// erasing a worker's data does not change them.
type Stats struct {
	At    time.Time // the "now" they were computed for
	Total int
	Open  int // not closed or withdrawn

	ByState map[State]int
	// ByType counts each ticket once under each of its types, so the sum
	// exceeds Total when tickets have several.
	ByType map[DisputeType]int
	// ByProvince is keyed by calc.Province.Short ("" = not given).
	ByProvince map[string]int
	// BySource is keyed by Ticket.Source, the tag of the link the worker
	// came through ("" = Telegram without one).
	BySource map[string]int

	// Concluded are the tickets whose mediation ended (an outcome was
	// recorded), whatever happened after; Settled those that ended in an
	// agreement. SettlementRate = Settled ÷ Concluded (0 when none).
	Settled, Concluded int
	SettlementRate     float64
	SettledAmount      calc.Money // the total agreed

	// ClaimedCount tickets were claimed; MedianToClaim is the median time
	// from filing to claiming among them. MedianToConclusion is the median
	// time from filing to the outcome among the Concluded.
	ClaimedCount       int
	MedianToClaim      time.Duration
	MedianToConclusion time.Duration

	// Unclaimed tickets are waiting for a mediator; the oldest has waited
	// OldestUnclaimed.
	Unclaimed       int
	OldestUnclaimed time.Duration

	// The chain after mediation (follow-ups): what workers answered about
	// settlements' payment, with the total they said arrived, and how the
	// cases referred to arbitration or court ended.
	Payments     map[PaymentReport]int
	PaidAmount   calc.Money
	Referred     int
	ByReferral   map[ReferralResult]int
	ReferralOpen int // referred, no result yet
}

// ComputeStats computes the statistics of tickets as of now.
func ComputeStats(tickets []Ticket, now time.Time) Stats {
	st := Stats{At: now, ByState: map[State]int{}, ByType: map[DisputeType]int{}, ByProvince: map[string]int{},
		Payments: map[PaymentReport]int{}, ByReferral: map[ReferralResult]int{}, BySource: map[string]int{}}
	var toClaim, toConclusion []time.Duration
	for _, t := range tickets {
		st.Total++
		if t.State.Open() {
			st.Open++
		}
		st.ByState[t.State]++
		for _, d := range t.Types {
			st.ByType[d]++
		}
		st.ByProvince[t.Province]++
		st.BySource[t.Source]++
		switch t.Outcome {
		case OutcomeSettled:
			st.Settled++
			st.Concluded++
			st.SettledAmount += t.SettledAmount
		case OutcomeNotSettled:
			st.Concluded++
		}
		if !t.ClaimedAt.IsZero() {
			toClaim = append(toClaim, t.ClaimedAt.Sub(t.CreatedAt))
		}
		if !t.ConcludedAt.IsZero() {
			toConclusion = append(toConclusion, t.ConcludedAt.Sub(t.CreatedAt))
		}
		if f := t.FollowUp; f.Payment != "" {
			st.Payments[f.Payment]++
			st.PaidAmount += f.PaidAmount
		}
		if f := t.FollowUp; !f.ReferredAt.IsZero() || f.Result != "" || t.State == StateReferredArbitration || t.State == StateReferredCourt {
			st.Referred++
			if f.Result != "" {
				st.ByReferral[f.Result]++
			} else if t.State.Open() {
				st.ReferralOpen++
			}
		}
		if t.State == StateNew {
			st.Unclaimed++
			st.OldestUnclaimed = max(st.OldestUnclaimed, now.Sub(t.CreatedAt))
		}
	}
	if st.Concluded > 0 {
		st.SettlementRate = float64(st.Settled) / float64(st.Concluded)
	}
	st.ClaimedCount = len(toClaim)
	st.MedianToClaim = median(toClaim)
	st.MedianToConclusion = median(toConclusion)
	return st
}

// median is the middle value, or the mean of the two middle values; 0 for
// none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return s[m-1] + (s[m]-s[m-1])/2
}

// Render is the statistics as a message for mediators and admins.
func (st Stats) Render(lang string) string {
	en := lang == "en"
	var b strings.Builder
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	fmt.Fprintf(&b, "**%s** (%s)\n", pick("投诉统计", "Complaint statistics"), st.At.In(Reporting).Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "%s: %d, %s: %d, %s: %d\n", pick("总数", "Total"), st.Total, pick("未结", "open"), st.Open,
		pick("待受理", "waiting for a mediator"), st.Unclaimed)
	if st.Unclaimed > 0 {
		fmt.Fprintf(&b, "%s: %s\n", pick("最久待受理", "Longest wait"), humanDuration(st.OldestUnclaimed, lang))
	}
	b.WriteString("\n" + pick("按状态", "By state") + ":\n")
	for _, s := range States() {
		if n := st.ByState[s]; n > 0 {
			fmt.Fprintf(&b, "• %s: %d\n", s.Label(lang), n)
		}
	}
	b.WriteString("\n" + pick("按类型", "By type") + ":\n")
	for _, d := range DisputeTypes() {
		if n := st.ByType[d]; n > 0 {
			fmt.Fprintf(&b, "• %s: %d\n", d.Label(lang), n)
		}
	}
	b.WriteString("\n" + pick("按地区", "By region") + ":\n")
	provinces := make([]string, 0, len(st.ByProvince))
	for p := range st.ByProvince {
		provinces = append(provinces, p)
	}
	slices.SortFunc(provinces, func(a, b string) int {
		if d := st.ByProvince[b] - st.ByProvince[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, p := range provinces {
		name := p
		if name == "" {
			name = pick("未填", "not given")
		} else if prov, ok := calc.LookupProvince(p); ok && en {
			name = prov.En
		}
		fmt.Fprintf(&b, "• %s: %d\n", markdown.Literal(name), st.ByProvince[p])
	}
	if len(st.BySource) > 1 || st.BySource[""] == 0 && len(st.BySource) == 1 {
		b.WriteString("\n" + pick("按来源", "By source") + ":\n")
		for _, src := range sortedByCount(st.BySource) {
			name := src
			if name == "" {
				name = "Telegram"
			}
			fmt.Fprintf(&b, "• %s: %d\n", name, st.BySource[src])
		}
	}
	b.WriteString("\n")
	if st.Concluded > 0 {
		fmt.Fprintf(&b, "%s: %d/%d = %.0f%%\n", pick("调解成功率（成功 ÷ 调解结束）", "Settlement rate (settled ÷ concluded)"),
			st.Settled, st.Concluded, st.SettlementRate*100)
		fmt.Fprintf(&b, "%s: %s\n", pick("调解金额合计（元）", "Total settled (yuan)"), st.SettledAmount)
	} else {
		b.WriteString(pick("还没有调解结束的案件。", "No mediation has concluded yet.") + "\n")
	}
	if n := st.Payments[PaidFull] + st.Payments[PaidPart] + st.Payments[PaidNone]; n > 0 {
		fmt.Fprintf(&b, "%s: %d, %s %d, %s %d, %s %d; %s: %s\n", pick("付款回访", "Payment checks"), n,
			pick("全部到账", "paid in full"), st.Payments[PaidFull], pick("部分到账", "part"), st.Payments[PaidPart],
			pick("未到账", "nothing"), st.Payments[PaidNone], pick("到账合计（元）", "total arrived (yuan)"), st.PaidAmount)
	}
	if st.Referred > 0 {
		fmt.Fprintf(&b, "%s: %d", pick("转仲裁/法院", "Referred to arbitration/court"), st.Referred)
		for _, r := range ReferralResults() {
			if n := st.ByReferral[r]; n > 0 {
				fmt.Fprintf(&b, ", %s %d", r.Label(lang), n)
			}
		}
		if st.ReferralOpen > 0 {
			fmt.Fprintf(&b, ", %s %d", pick("尚无结果", "no result yet"), st.ReferralOpen)
		}
		b.WriteString("\n")
	}
	if st.ClaimedCount > 0 {
		fmt.Fprintf(&b, "%s: %s\n", pick("受理用时中位数", "Median time to claim"), humanDuration(st.MedianToClaim, lang))
	}
	if st.Concluded > 0 {
		fmt.Fprintf(&b, "%s: %s\n", pick("办结用时中位数", "Median time to conclusion"), humanDuration(st.MedianToConclusion, lang))
	}
	return strings.TrimRight(b.String(), "\n")
}

// sortedByCount returns m's keys, the largest count first (ties by key).
func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := m[b] - m[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

// humanDuration renders a duration in days and hours, or minutes.
func humanDuration(d time.Duration, lang string) string {
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	if lang == "en" {
		switch {
		case days > 0:
			return fmt.Sprintf("%dd %dh", days, hours)
		case hours > 0:
			return fmt.Sprintf("%dh %dmin", hours, mins)
		}
		return fmt.Sprintf("%dmin", mins)
	}
	switch {
	case days > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d小时%d分钟", hours, mins)
	}
	return fmt.Sprintf("%d分钟", mins)
}
