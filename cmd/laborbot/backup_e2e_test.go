package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
	"github.com/laborbot/laborbot/intake"
)

const backupDataKey = "backup-e2e-data-key-0123456789"

// staleSocket leaves a socket file at path that nothing listens on, as a
// bot killed with SIGKILL does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no stale socket: %v", err)
	}
}

// While the bot runs on the embedded store: a backup is a data file with
// the tickets; export works, with a byte-order mark and without personal
// fields unless --personal; a restore brings back a worker's erased data
// and the running bot serves it at once; bad backups are refused clearly;
// all of it is in the audit log.
func TestBackupRestoreExportWhileRunning(t *testing.T) {
	dataDir := t.TempDir()
	sock := filepath.Join(dataDir, controlSocketName)
	staleSocket(t, sock)
	env := map[string]string{"DATA_DIR": dataDir, "DATA_KEY": backupDataKey, "ADMIN_IDS": "900", "fast": "1"}
	r := startBot(t, nil, env)
	tg := r.tg

	// The control socket replaced the stale one, and is the owner's alone.
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket: %v, %v", fi, err)
	}

	const chat = 730
	fileComplaint(t, tg, chat)
	pressWait(t, tg, chat, chat, "ik|submit", "#1")
	say(t, tg, adminID, "/ticket 1", "张三")

	// Backup while running.
	dir := t.TempDir()
	backup := filepath.Join(dir, "laborbot-backup.db")
	out, err := runCommand(t, env, "backup", backup)
	if err != nil || !strings.Contains(out, "tickets: 1") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v", fi, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	st, err := bolt.OpenReadOnly(backup)
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.ListTickets(t.Context())
	st.Close()
	if err != nil || len(all) != 1 || all[0].Number != 1 || !strings.HasPrefix(all[0].Phone, "sealed:") {
		t.Fatalf("the backup's tickets: %+v, %v", all, err)
	}

	// Export while running: CSV with a byte-order mark, no personal fields.
	out, err = runCommand(t, env, "export")
	if err != nil || !strings.HasPrefix(out, intake.BOM+"number,state") || !strings.Contains(out, "\n1,") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	for _, secret := range []string{"13800138000", "张三", "老板三个月"} {
		if strings.Contains(out, secret) {
			t.Errorf("the export without --personal holds %q:\n%s", secret, out)
		}
	}
	exportFile := filepath.Join(dir, "tickets.json")
	if out, err := runCommand(t, env, "export", "--format", "json", "--personal", "--out", exportFile); err != nil {
		t.Fatalf("export --personal: %v\n%s", err, out)
	}
	b, err := os.ReadFile(exportFile)
	if err != nil || !bytes.Contains(b, []byte("13800138000")) || !bytes.Contains(b, []byte("张三")) {
		t.Errorf("export --personal: %v\n%s", err, b)
	}
	if fi, err := os.Stat(exportFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export file: %v, %v", fi, err)
	}

	// The worker deletes their data; the restore brings it back, and the
	// running bot shows it at once.
	say(t, tg, chat, "/deletedata", "确定要删除")
	pressWait(t, tg, chat, chat, "dd|yes", "已删除")
	if msg := say(t, tg, adminID, "/ticket 1", "#1"); strings.Contains(msg.Text(), "张三") {
		t.Fatalf("the name is still shown after /deletedata: %s", msg.Text())
	}

	// Bad backups are refused before anything changes.
	notStore := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notStore, bytes.Repeat([]byte("not a backup\n"), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	otherKey := filepath.Join(dir, "other-key.db")
	writeSealedStore(t, otherKey, "another-data-key-0123456789")
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"restore", "--force", filepath.Join(dir, "missing.db")}, env, "does not exist"},
		{[]string{"restore", "--force", notStore}, env, "not a laborbot backup"},
		{[]string{"restore", "--force", otherKey}, env, "another DATA_KEY"},
		{[]string{"restore", "--force", backup}, map[string]string{"DATA_DIR": dataDir, "ADMIN_IDS": "900"}, "DATA_KEY is not set"},
		{[]string{"restore", backup}, env, "cancelled"}, // no "yes" on standard input
		{[]string{"restore"}, env, ""},
		{[]string{"backup"}, env, ""},
	} {
		out, err := runCommand(t, c.env, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q\n%s", c.args, err, c.want, out)
		}
	}
	if msg := say(t, tg, adminID, "/ticket 1", "#1"); strings.Contains(msg.Text(), "张三") {
		t.Fatalf("a refused restore changed the data: %s", msg.Text())
	}

	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader("yes\n"), Stdout: &stdout, Stderr: &stderr, Environ: env}
	if err := m.Run(t.Context(), []string{"restore", backup}); err != nil {
		t.Fatalf("restore: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "restored") || !strings.Contains(stdout.String(), "tickets: 1") {
		t.Errorf("restore said: %s", stdout.String())
	}
	say(t, tg, adminID, "/ticket 1", "张三")

	// What staff and the command line did is in the audit log.
	r.stop()
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the control socket is left after the bot stopped: %v", err)
	}
	store, err := bolt.Open(filepath.Join(dataDir, "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	recs, err := store.ListStaffAudit(t.Context(), intake.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range recs {
		if rec.UserID == 0 {
			got = append(got, string(rec.Action)+": "+rec.Detail)
		}
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{"backup: command line:", "export: command line: csv 1 tickets", "export: command line: json 1 tickets with personal data",
		"restore: command line: 1 tickets in the backup"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, joined)
		}
	}
}

// writeSealedStore makes a data file with one ticket whose phone is sealed
// with key.
func writeSealedStore(t *testing.T, path, key string) {
	t.Helper()
	sealer, err := intake.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	phone, err := sealer.Seal("13900000000")
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.CreateTicket(t.Context(), "other-key-submission-0123456789abcdef", 0, intake.Ticket{Phone: phone, State: intake.StateNew},
		intake.Event{Action: intake.ActionSubmit}, intake.Notification{Action: intake.ActionSubmit}); err != nil {
		t.Fatal(err)
	}
}

// Without a running bot, backup, restore and export open the store
// themselves; with Redis, backup says where to look instead.
func TestBackupRestoreStopped(t *testing.T) {
	dataDir := t.TempDir()
	env := map[string]string{"DATA_DIR": dataDir}
	if _, err := runCommand(t, env, "backup", filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(err.Error(), "no data file") {
		t.Errorf("a backup of nothing: %v", err)
	}
	writeSealedStore(t, filepath.Join(dataDir, "laborbot.db"), backupDataKey)
	env["DATA_KEY"] = backupDataKey
	// A socket left by a killed bot: nobody answers, the command opens the
	// file itself.
	staleSocket(t, filepath.Join(dataDir, controlSocketName))
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, err := runCommand(t, env, "backup", backup); err != nil || !strings.Contains(out, "tickets: 1") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	// An empty store takes the backup back.
	empty := map[string]string{"DATA_DIR": t.TempDir(), "DATA_KEY": backupDataKey}
	if out, err := runCommand(t, empty, "restore", "--force", backup); err != nil || !strings.Contains(out, "tickets: 1 (there were 0)") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	out, err := runCommand(t, empty, "export", "--personal", "--format", "json")
	if err != nil || !strings.Contains(out, "13900000000") {
		t.Errorf("export after restore: %v\n%s", err, out)
	}
	redisEnv := map[string]string{"DATA_DIR": dataDir, "REDIS_URL": "redis://127.0.0.1:1/0"}
	if _, err := runCommand(t, redisEnv, "backup", backup); err == nil || !strings.Contains(err.Error(), "redis-cli --rdb") {
		t.Errorf("backup with Redis: %v", err)
	}
}

// /export in Telegram: a mediator's has no personal fields and may not ask
// for them; an admin's has them only when asked; CSV starts with a
// byte-order mark.
func TestE2EExportPersonalOnlyForAdmins(t *testing.T) {
	dataDir := t.TempDir()
	r := startBot(t, nil, map[string]string{"DATA_DIR": dataDir, "ADMIN_IDS": "900", "fast": "1"})
	tg := r.tg
	say(t, tg, adminID, "/mediator add 901", "901")
	const chat = 740
	fileComplaint(t, tg, chat)
	pressWait(t, tg, chat, chat, "ik|submit", "#1")

	export := func(user int64, text string) []byte {
		t.Helper()
		before := len(tg.CallsTo("sendDocument"))
		tg.PushUpdate(telegramtest.TextMessage(user, user, text))
		tg.WaitFor(t, wait, func(c telegramtest.Call) bool {
			return c.Method == "sendDocument" && c.OK() && c.Int64("chat_id") == user && len(tg.CallsTo("sendDocument")) > before
		})
		docs := tg.CallsTo("sendDocument")
		for _, b := range docs[len(docs)-1].Files {
			return b
		}
		t.Fatalf("%s: no file", text)
		return nil
	}
	masked := export(mediatorID, "/export")
	if !bytes.HasPrefix(masked, []byte(intake.BOM+"number,")) || !bytes.Contains(masked, []byte("\n1,")) {
		t.Errorf("a mediator's export:\n%s", masked)
	}
	if bytes.Contains(masked, []byte("13800138000")) || bytes.Contains(masked, []byte("张三")) {
		t.Errorf("a mediator's export holds personal data:\n%s", masked)
	}
	say(t, tg, mediatorID, "/export personal", "只有管理员")
	if b := export(adminID, "/export"); bytes.Contains(b, []byte("13800138000")) {
		t.Errorf("an admin's export without 'personal' holds the phone:\n%s", b)
	}
	if b := export(adminID, "/export csv personal"); !bytes.Contains(b, []byte("13800138000")) || !bytes.Contains(b, []byte("张三")) {
		t.Errorf("an admin's export with 'personal':\n%s", b)
	}
	say(t, tg, chat, "/export", "没有权限")

	// Each export is in the audit log: who, format, whether personal.
	r.stop()
	store, err := bolt.Open(filepath.Join(dataDir, "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	recs, err := store.ListStaffAudit(t.Context(), intake.AuditFilter{Action: intake.ActionExport})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range recs {
		got = append(got, fmt.Sprintf("%d %s", rec.UserID, rec.Detail))
	}
	want := []string{"900 csv 1 tickets with personal data", "900 csv 1 tickets", "901 csv 1 tickets"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("exports in the audit log: %q, want %q", got, want)
	}
}

// kb import and export while the bot runs on the embedded store: the
// running bot publishes the files, serves the new entry at once, and
// exports it.
func TestKBImportExportWhileRunning(t *testing.T) {
	dataDir := t.TempDir()
	env := map[string]string{"DATA_DIR": dataDir}
	r := startBot(t, nil, map[string]string{"DATA_DIR": dataDir})
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"zh/canteen-food.md": kbCanteen("zh"), "en/canteen-food.md": kbCanteen("en")})
	out, err := runCommand(t, env, "kb", "import", src)
	if err != nil || !strings.Contains(out, "2 published, 0 unchanged") {
		t.Fatalf("kb import while running: %v\n%s", err, out)
	}
	say(t, r.tg, 750, "厂里食堂饭菜难吃又贵怎么办", "要求公开食堂收费和采购情况")

	exp := t.TempDir()
	if out, err := runCommand(t, env, "kb", "export", exp); err != nil {
		t.Fatalf("kb export while running: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(exp, "zh", "canteen-food.md"))
	if err != nil || string(got) != kbCanteen("zh") {
		t.Errorf("exported zh/canteen-food.md = %q, %v", got, err)
	}
	// A bad file: the running bot refuses the whole set, and says where.
	writeFiles(t, src, map[string]string{"zh/broken.md": "no front matter"})
	out, err = runCommand(t, env, "kb", "import", src)
	if err == nil || !strings.Contains(out, "zh/broken.md:1: the file must start with front matter") {
		t.Errorf("kb import of a bad set while running: %v\n%s", err, out)
	}
}

// A bot that stops answering in the middle of a backup (it was stopped,
// or died) leaves no file: neither under the backup's name nor a
// temporary one.
func TestBackupCutOffLeavesNoFile(t *testing.T) {
	dataDir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dataDir, "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ln, err := net.Listen("unix", filepath.Join(dataDir, controlSocketName))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		if _, err := readRequest(conn); err != nil {
			return
		}
		// Half a backup, then nothing: no result frame.
		bw := bufio.NewWriter(conn)
		_ = writeFrame(bw, frameData, bytes.Repeat([]byte{0xAB}, 4096))
		_ = bw.Flush()
	}()
	dir := t.TempDir()
	target := filepath.Join(dir, "b.db")
	_, err = runCommand(t, map[string]string{"DATA_DIR": dataDir}, "backup", target)
	if err == nil || !strings.Contains(err.Error(), "stopped answering") {
		t.Fatalf("a cut-off backup: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("files left after a failed backup: %v", left)
	}
}

// The bot as a separate process, as in production (bbolt's lock is then
// another process's): backup and export go through its socket; after it
// is killed with SIGKILL (the socket left behind) they open the file, and
// a restarted bot replaces the socket.
func TestBackupAcrossProcesses(t *testing.T) {
	dataDir := t.TempDir()
	env := map[string]string{"DATA_DIR": dataDir, "HTTP_ADDR": "127.0.0.1:0", "TELEGRAM_BOT_TOKEN": "", "DATA_KEY": backupDataKey}
	logs := &syncBuffer{}
	p := startProcess(t, env, logs)
	cli := map[string]string{"DATA_DIR": dataDir, "DATA_KEY": backupDataKey}
	target := filepath.Join(t.TempDir(), "b.db")
	if out, err := runCommand(t, cli, "backup", target); err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup through the bot process: %v\n%s\n%s", err, out, logs)
	}
	if !strings.Contains(logs.String(), `"cmd":"backup"`) {
		t.Errorf("the bot process did not make the backup:\n%s", logs)
	}
	p.kill()
	if _, err := os.Stat(filepath.Join(dataDir, controlSocketName)); err != nil {
		t.Fatalf("SIGKILL should leave the socket: %v", err)
	}
	if out, err := runCommand(t, cli, "export"); err != nil || !strings.HasPrefix(out, intake.BOM) {
		t.Fatalf("export after the bot was killed: %v\n%s", err, out)
	}
	p = startProcess(t, env, logs)
	defer p.stop(t)
	if out, err := runCommand(t, cli, "restore", "--force", target); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore through the restarted bot process: %v\n%s\n%s", err, out, logs)
	}
}

// A backup is never renamed over the data file itself (the running bot
// would write on into a file gone from disk, lost at its next start), nor
// over a directory; a missing directory is named.
func TestBackupRefusesTheDataFile(t *testing.T) {
	dataDir := t.TempDir()
	data := filepath.Join(dataDir, "laborbot.db")
	writeSealedStore(t, data, backupDataKey)
	env := map[string]string{"DATA_DIR": dataDir, "DATA_KEY": backupDataKey}
	before, err := os.Stat(data)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{data, link} {
		if out, err := runCommand(t, env, "backup", target); err == nil || !strings.Contains(err.Error(), "data file itself") {
			t.Errorf("backup onto the data file (%s): %v\n%s", target, err, out)
		}
	}
	if after, err := os.Stat(data); err != nil || !os.SameFile(before, after) {
		t.Errorf("the data file was replaced: %v", err)
	}
	// Nor is the data file restored over itself (it said "in use by
	// another laborbot process").
	if _, err := runCommand(t, env, "restore", "--force", data); err == nil || !strings.Contains(err.Error(), "data file itself") {
		t.Errorf("restore from the data file: %v", err)
	}
	dir := t.TempDir()
	if _, err := runCommand(t, env, "backup", dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("backup onto a directory: %v", err)
	}
	if _, err := runCommand(t, env, "backup", filepath.Join(dir, "no", "b.db")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("backup into a missing directory: %v", err)
	}
}
