package intake

import (
	"errors"
	"testing"
)

func TestAuthorize(t *testing.T) {
	const (
		owner    = 10
		stranger = 11
		claimant = 20
		other    = 21
		admin    = 30
	)
	worker := func(id int64) Principal { return Principal{UserID: id, Role: RoleWorker} }
	mediator := func(id int64) Principal { return Principal{UserID: id, Role: RoleMediator} }
	adm := Principal{UserID: admin, Role: RoleAdmin}
	claimed := &Ticket{Number: 1, WorkerID: owner, Mediator: claimant, State: StateInMediation}
	unclaimed := &Ticket{Number: 2, WorkerID: owner, State: StateNew}
	ownComplaint := &Ticket{Number: 3, WorkerID: claimant, State: StateNew}
	adminsComplaint := &Ticket{Number: 4, WorkerID: admin, Mediator: claimant, State: StateClaimed}

	for _, tc := range []struct {
		name string
		p    Principal
		a    Action
		t    *Ticket
		ok   bool
	}{
		// Workers: their own tickets only.
		{"owner views", worker(owner), ActionView, claimed, true},
		{"owner sees own contact", worker(owner), ActionViewContact, claimed, true},
		{"owner withdraws", worker(owner), ActionWithdraw, claimed, true},
		{"owner adds evidence", worker(owner), ActionAddEvidence, claimed, true},
		{"stranger views", worker(stranger), ActionView, claimed, false},
		{"stranger withdraws", worker(stranger), ActionWithdraw, claimed, false},
		{"stranger adds evidence", worker(stranger), ActionAddEvidence, claimed, false},
		{"worker claims (forged button)", worker(stranger), ActionClaim, unclaimed, false},
		{"owner claims own", worker(owner), ActionClaim, unclaimed, false},
		{"worker closes own", worker(owner), ActionClose, claimed, false},
		{"worker notes own", worker(owner), ActionNote, claimed, false},
		{"worker lists", worker(owner), ActionList, nil, false},
		{"worker stats", worker(owner), ActionStats, nil, false},
		{"worker exports", worker(owner), ActionExport, nil, false},
		{"worker manages mediators", worker(owner), ActionManageMediators, nil, false},
		{"worker submits", worker(stranger), ActionSubmit, nil, true},
		{"worker history of own", worker(owner), ActionHistory, claimed, false},

		// Mediators: claim any, act on their own claims.
		{"mediator claims", mediator(other), ActionClaim, unclaimed, true},
		{"mediator views any (masked)", mediator(other), ActionView, claimed, true},
		{"non-claimant sees contact", mediator(other), ActionViewContact, claimed, false},
		{"claimant sees contact", mediator(claimant), ActionViewContact, claimed, true},
		{"claimant notes", mediator(claimant), ActionNote, claimed, true},
		{"claimant messages worker", mediator(claimant), ActionMessage, claimed, true},
		{"claimant records outcome", mediator(claimant), ActionOutcome, claimed, true},
		{"claimant refers", mediator(claimant), ActionRefer, claimed, true},
		{"claimant closes", mediator(claimant), ActionClose, claimed, true},
		{"claimant requests evidence", mediator(claimant), ActionRequestEvidence, claimed, true},
		{"claimant reads history", mediator(claimant), ActionHistory, claimed, true},
		{"other mediator notes", mediator(other), ActionNote, claimed, false},
		{"other mediator messages worker", mediator(other), ActionMessage, claimed, false},
		{"other mediator closes", mediator(other), ActionClose, claimed, false},
		{"other mediator transitions", mediator(other), ActionTransition, claimed, false},
		{"mediator withdraws for worker", mediator(claimant), ActionWithdraw, claimed, false},
		{"mediator claims own complaint", mediator(claimant), ActionClaim, ownComplaint, false},
		{"mediator lists", mediator(other), ActionList, nil, true},
		{"mediator stats", mediator(other), ActionStats, nil, true},
		{"mediator exports", mediator(other), ActionExport, nil, false},
		{"mediator manages mediators", mediator(other), ActionManageMediators, nil, false},
		{"mediator acts on no ticket", mediator(claimant), ActionClose, nil, false},

		// Admins: everything, but not as judge of their own complaint.
		{"admin closes", adm, ActionClose, claimed, true},
		{"admin sees contact", adm, ActionViewContact, claimed, true},
		{"admin claims", adm, ActionClaim, unclaimed, true},
		{"admin exports", adm, ActionExport, nil, true},
		{"admin manages mediators", adm, ActionManageMediators, nil, true},
		{"admin closes own complaint", adm, ActionClose, adminsComplaint, false},
		{"admin withdraws own complaint", adm, ActionWithdraw, adminsComplaint, true},

		// No user at all.
		{"user 0", Principal{Role: RoleAdmin}, ActionView, claimed, false},
		{"unknown action", adm, Action("launch"), claimed, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Authorize(tc.p, tc.a, tc.t)
			if tc.ok && err != nil {
				t.Fatalf("Authorize = %v, want allowed", err)
			}
			if !tc.ok && !errors.Is(err, ErrForbidden) {
				t.Fatalf("Authorize = %v, want ErrForbidden", err)
			}
		})
	}
}
