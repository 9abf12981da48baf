package terminal

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/markdown"
)

func TestUserTextPrintsAsTyped(t *testing.T) {
	var out bytes.Buffer
	typed := "[点我领补偿](http://evil.example/a) **急** C:\\dir\\a_b*.txt"
	err := Messenger(&out).SendTo(context.Background(), 5, bot.Reply{Text: "**用人单位**: " + markdown.Literal(typed)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "用人单位: " + typed; !strings.Contains(out.String(), want) {
		t.Errorf("printed %q, want a line %q", out.String(), want)
	}
}
