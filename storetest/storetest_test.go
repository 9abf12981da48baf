package storetest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/storetest"
)

// bugEnv tells a child test process which bug its memStore has.
const bugEnv = "STORETEST_BUG"

func TestSuitePassesCorrectStore(t *testing.T) {
	storetest.TestStore(t, func(t *testing.T) bot.Store { return newMem("") })
}

// TestSuiteCatchesBugs runs the suite against stores with one bug each, in
// a child process (a failing suite would otherwise fail this test), and
// checks that the subtest meant to catch the bug fails.
func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per bug")
	}
	for _, tc := range []struct {
		bug     string
		failing string // a subtest of TestBuggyStore that must fail
	}{
		{"missing-prefs-error", "Prefs/MissingIsZero"},
		{"delete-prefs-noop", "Prefs/Delete"},
		{"prefs-shared-by-all-users", "Prefs/IsolatedPerUser"},
		{"feedback-oldest-first", "Feedback/NewestFirst"},
		{"feedback-limit-ignored", "Feedback/Limit"},
		{"feedback-drops-time", "Feedback/RoundTrip"},
		{"mark-always-first", "Updates/FirstThenDuplicate"},
		{"mark-check-then-set", "Updates/ConcurrentSameID"},
		{"state-aliased", "ChatState/CallerOwnsBytes"},
		{"state-empty-kept", "ChatState/EmptyDeletes"},
		{"state-cut-at-nul", "ChatState/RoundTrip/all-bytes"},
		{"ignores-context", "CanceledContext"},
	} {
		t.Run(tc.bug, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuggyStore$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), bugEnv+"="+tc.bug)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with bug %q:\n%s", tc.bug, out)
			}
			if want := "--- FAIL: TestBuggyStore/" + tc.failing + " "; !strings.Contains(string(out), want) {
				t.Fatalf("bug %q: output lacks %q:\n%s", tc.bug, want, out)
			}
		})
	}
}

// TestBuggyStore is the child process of TestSuiteCatchesBugs.
func TestBuggyStore(t *testing.T) {
	bug := os.Getenv(bugEnv)
	if bug == "" {
		t.Skip("only run as a child process of TestSuiteCatchesBugs")
	}
	storetest.TestStore(t, func(t *testing.T) bot.Store { return newMem(bug) })
}
