package intake

import (
	"errors"
	"testing"
)

func TestTransitionTable(t *testing.T) {
	// Every pair of states, spelled out: the table is the process, and a
	// change to it should be a deliberate change to this test too.
	allowed := map[State][]State{
		StateNew:                 {StateClaimed, StateClosed, StateWithdrawn},
		StateClaimed:             {StateInMediation, StateClosed, StateWithdrawn},
		StateInMediation:         {StateSettled, StateNotSettled, StateWithdrawn},
		StateSettled:             {StateClosed},
		StateNotSettled:          {StateReferredArbitration, StateReferredCourt, StateClosed, StateWithdrawn},
		StateReferredArbitration: {StateReferredCourt, StateClosed},
		StateReferredCourt:       {StateClosed},
		StateClosed:              nil,
		StateWithdrawn:           nil,
	}
	for _, from := range States() {
		for _, to := range States() {
			want := false
			for _, s := range allowed[from] {
				want = want || s == to
			}
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(from, to)
			var te *TransitionError
			if want && err != nil {
				t.Errorf("CheckTransition(%s, %s) = %v, want nil", from, to, err)
			}
			if !want && (!errors.As(err, &te) || te.From != from || te.To != to) {
				t.Errorf("CheckTransition(%s, %s) = %v, want a *TransitionError", from, to, err)
			}
		}
	}
	for _, s := range []State{"", "bogus"} {
		if CanTransition(s, StateClaimed) || CanTransition(StateNew, s) {
			t.Errorf("transition with unknown state %q allowed", s)
		}
	}
}

func TestStatesAndTypesHaveLabels(t *testing.T) {
	for _, s := range States() {
		if !s.Valid() || s.Label("zh") == string(s) || s.Label("en") == "" || s.NextStep("zh") == "" || s.NextStep("en") == "" {
			t.Errorf("state %q lacks a label or next step", s)
		}
	}
	for _, d := range DisputeTypes() {
		if !d.Valid() || d.Label("zh") == string(d) || d.Label("en") == string(d) {
			t.Errorf("dispute type %q lacks a label", d)
		}
	}
	if len(DisputeTypes()) != 7 {
		t.Errorf("%d dispute types, want the 7 of the issue", len(DisputeTypes()))
	}
	if State("x").Valid() || DisputeType("x").Valid() {
		t.Error("unknown values are valid")
	}
}

func TestOpenStates(t *testing.T) {
	for _, s := range States() {
		want := s != StateClosed && s != StateWithdrawn
		if s.Open() != want {
			t.Errorf("%s.Open() = %v, want %v", s, s.Open(), want)
		}
		// An open case can always still end; a finished one cannot move.
		if s.Open() == (len(NextStates(s)) == 0) {
			t.Errorf("%s: open %v but %d next states", s, s.Open(), len(NextStates(s)))
		}
	}
}

func TestReferralState(t *testing.T) {
	for r, want := range map[Referral]State{ReferArbitration: StateReferredArbitration, ReferCourt: StateReferredCourt} {
		if got, err := r.State(); err != nil || got != want {
			t.Errorf("%s.State() = %v, %v; want %v", r, got, err, want)
		}
	}
	if _, err := Referral("police").State(); err == nil {
		t.Error("unknown referral accepted")
	}
}
