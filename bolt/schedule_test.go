package bolt

import (
	"path/filepath"
	"testing"

	"github.com/laborbot/laborbot/schedule"
	"github.com/laborbot/laborbot/storetest"
)

func TestScheduleStore(t *testing.T) {
	storetest.TestScheduleStore(t, func(t *testing.T) (schedule.Store, func() schedule.Store) {
		path := filepath.Join(t.TempDir(), "laborbot.db")
		s := openTest(t, path)
		return s, func() schedule.Store {
			s.Close()
			s = openTest(t, path)
			return s
		}
	})
}
