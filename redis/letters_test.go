package redis

import (
	"testing"

	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/storetest"
)

func TestLetterStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestLetterStore(t, func(t *testing.T) letter.Store {
		s, _ := newTestStore(t)
		return s
	})
}
