package redis

import (
	"testing"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/storetest"
)

func TestSpool(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestSpool(t, func(t *testing.T) bot.Spool {
		s, _ := newTestStore(t)
		return s
	})
}
