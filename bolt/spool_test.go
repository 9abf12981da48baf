package bolt

import (
	"path/filepath"
	"testing"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/storetest"
)

func TestSpool(t *testing.T) {
	storetest.TestSpool(t, func(t *testing.T) bot.Spool {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}
