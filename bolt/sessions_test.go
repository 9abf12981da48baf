package bolt

import (
	"path/filepath"
	"testing"

	"github.com/laborbot/laborbot/storetest"
	"github.com/laborbot/laborbot/web"
)

func TestSessionStore(t *testing.T) {
	storetest.TestSessionStore(t, func(t *testing.T) web.SessionStore {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}
