package telegram

import (
	"testing"
	"time"
)

// TestAPIHealthFollowsMethodsApart: sendMessage refused while
// setMyCommands works is one outage of sendMessage, ended only when
// sendMessage works again (the fault test saw an outage "end" after 45 ms
// because another method answered, then begin again).
func TestAPIHealthFollowsMethodsApart(t *testing.T) {
	var h apiHealth
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	if !h.failed("sendMessage", t0) {
		t.Fatal("the first failure does not begin an outage")
	}
	if _, _, ok := h.ok("setMyCommands", t0.Add(time.Second)); ok {
		t.Fatal("another method's answer ended sendMessage's outage")
	}
	if h.failed("sendMessage", t0.Add(2*time.Second)) {
		t.Fatal("a second failure began a second outage")
	}
	if !h.failed("getUpdates", t0.Add(3*time.Second)) {
		t.Fatal("getUpdates failing is not an outage of its own")
	}
	out, fails, ok := h.ok("sendMessage", t0.Add(30*time.Second))
	if !ok || out != 30*time.Second || fails != 2 {
		t.Fatalf("sendMessage back: outage %v, %d fails, %v; want 30s, 2, true", out, fails, ok)
	}
	if _, _, ok := h.ok("sendMessage", t0.Add(31*time.Second)); ok {
		t.Fatal("a recovery logged twice")
	}
	if _, _, ok := h.ok("getUpdates", t0.Add(40*time.Second)); !ok {
		t.Fatal("getUpdates' outage never ended")
	}
}
