package bolt

import (
	"path/filepath"
	"testing"

	"github.com/laborbot/laborbot/letter"
	"github.com/laborbot/laborbot/storetest"
)

func TestLetterStore(t *testing.T) {
	storetest.TestLetterStore(t, func(t *testing.T) letter.Store {
		return openTest(t, filepath.Join(t.TempDir(), "laborbot.db"))
	})
}
