package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestE2EEvidenceDownload: with EVIDENCE_DOWNLOAD the worker's photo is
// copied into the store when the complaint is filed, and /deletedata
// removes it from the store's file.
func TestE2EEvidenceDownload(t *testing.T) {
	for _, c := range []struct {
		name     string
		download string
		want     bool
	}{
		{"on", "true", true},
		{"off", "false", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dataDir := t.TempDir()
			env := map[string]string{"DATA_DIR": dataDir, "MEDIATOR_CHAT_ID": "-100500", "EVIDENCE_DOWNLOAD": c.download, "fast": "1"}
			r := startBot(t, nil, env)
			tg := r.tg
			const chat = 730
			fileComplaint(t, tg, chat)
			// The photo fileComplaint sent, now with bytes no other data
			// contains (Telegram is only asked for them at submission).
			photo := append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("工资条照片-payslip-photo "), 500)...)
			tg.AddFile("photo-payslip", photo)
			pressWait(t, tg, chat, chat, "ik|submit", "#1")
			tg.WaitForText(t, mediatorChat, "#1", wait)
			r.stop()
			if bytes.Contains([]byte(r.logs.String()), []byte("photo-payslip")) {
				t.Error("the logs name the evidence file")
			}

			raw := readStoreFile(t, dataDir)
			if got := bytes.Contains(raw, photo); got != c.want {
				t.Fatalf("store file holds the photo: %v; want %v", got, c.want)
			}
			if !c.want {
				return
			}

			r = startBot(t, tg, env)
			say(t, tg, chat, "/deletedata", "确定要删除")
			pressWait(t, tg, chat, chat, "dd|yes", "已删除")
			time.Sleep(200 * time.Millisecond)
			r.stop()
			raw = readStoreFile(t, dataDir)
			for _, s := range [][]byte{photo, []byte("payslip-photo"), []byte("工资条照片")} {
				if bytes.Contains(raw, s) {
					t.Errorf("the store still holds %q after /deletedata", s[:min(len(s), 20)])
				}
			}
		})
	}
}

// readStoreFile reads the bbolt file, which the bot must have closed.
func readStoreFile(t *testing.T, dataDir string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dataDir, "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
