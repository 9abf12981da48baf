package redis

import (
	"testing"

	"github.com/laborbot/laborbot/storetest"
	"github.com/laborbot/laborbot/web"
)

func TestSessionStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestSessionStore(t, func(t *testing.T) web.SessionStore {
		s, _ := newTestStore(t)
		return s
	})
}
