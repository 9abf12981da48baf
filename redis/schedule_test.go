package redis

import (
	"testing"

	"github.com/laborbot/laborbot/schedule"
	"github.com/laborbot/laborbot/storetest"
)

func TestScheduleStore(t *testing.T) {
	testClient(t) // skip or fail once, not in every subtest
	storetest.TestScheduleStore(t, func(t *testing.T) (schedule.Store, func() schedule.Store) {
		s, _ := newTestStore(t)
		return s, func() schedule.Store {
			// A restart: a new client and Store on the same keys.
			s.Close()
			return New(testClient(t), s.Prefix())
		}
	})
}
