package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/knowledge"
)

// laborbot backup and restore, and the commands that work on the store
// while the bot runs (see control.go): storeOps does the work, either in
// the running bot for a command sent over the control socket, or in the
// command itself on the store it opened.

// storeOps are the commands that work on the store.
type storeOps struct {
	cfg     Config
	log     *slog.Logger
	store   store
	tickets *intake.Service
	sealer  intake.Sealer
	// kb returns the knowledge base's Admin: the running bot's, or one
	// made on first use.
	kb func(ctx context.Context) (*knowledge.Admin, error)
	// signIn makes a console sign-in link; nil when the console is off.
	signIn func(ctx context.Context, userID int64) (string, time.Duration, error)
	// reload brings what the process keeps in memory up to date after a
	// restore (the running bot's knowledge base); nil: nothing to reload.
	reload func(ctx context.Context) error
}

// errRedisBackup answers backup and restore on Redis, which has its own,
// better tools: the README's "Backup and restore" gives them.
var errRedisBackup = errors.New("the store is Redis (REDIS_URL): back it up and restore it with Redis's own persistence " +
	"(an RDB copy with `redis-cli --rdb FILE`, or BGSAVE and a copy of dump.rdb and the AOF directory); see \"Backup and restore\" in README.md")

// serve runs a command sent over the control socket; in is the request's
// payload (a backup to restore).
func (o *storeOps) serve(ctx context.Context, req controlRequest, in io.Reader, out io.Writer) error {
	switch req.Cmd {
	case "backup":
		_, err := o.backup(ctx, out)
		return err
	case "restore":
		// The backup arrives as bytes: it is kept beside the data file
		// (a private directory, a private file) while it is checked
		// and read, and removed after.
		f, err := os.CreateTemp(o.cfg.DataDir, ".restore-*.db")
		if err != nil {
			return fmt.Errorf("keep the backup for reading: %w", err)
		}
		defer os.Remove(f.Name())
		n, err := io.Copy(f, in)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("receive the backup: %w", err)
		}
		if n != req.Size {
			return fmt.Errorf("receive the backup: got %d of %d bytes", n, req.Size)
		}
		name := req.Name
		if name == "" {
			name = "the backup"
		}
		return o.restore(ctx, f.Name(), name, out)
	case "export":
		return o.export(ctx, req.Format, req.Personal, out)
	case "console-link":
		return o.consoleLink(ctx, req.UserID, out)
	case "kb-export":
		admin, err := o.kb(ctx)
		if err != nil {
			return err
		}
		files, err := admin.Export(ctx, cliActor())
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(files)
	case "kb-import":
		return o.kbImport(ctx, req.Files, out)
	}
	return fmt.Errorf("the running bot does not know the command %q (is it an older laborbot?)", req.Cmd)
}

// backup writes a consistent copy of the embedded store to out and records
// it in the audit log (the copy holds every worker's data).
func (o *storeOps) backup(ctx context.Context, out io.Writer) (int64, error) {
	bs, ok := o.store.(*bolt.Store)
	if !ok {
		return 0, errRedisBackup
	}
	n, err := bs.WriteSnapshot(ctx, out)
	if err != nil {
		return n, err
	}
	if err := o.tickets.RecordOperatorAudit(ctx, intake.ActionBackup, fmt.Sprintf("command line: %d bytes", n)); err != nil {
		return n, fmt.Errorf("the backup was made, but recording it in the audit log failed: %w", err)
	}
	return n, nil
}

// restore replaces the store's data with the backup at path (called name
// in messages), after checking it, and reloads what is kept in memory.
func (o *storeOps) restore(ctx context.Context, path, name string, out io.Writer) error {
	bs, ok := o.store.(*bolt.Store)
	if !ok {
		return errRedisBackup
	}
	src, n, err := openBackup(ctx, path, name, o.sealer)
	if err != nil {
		return err
	}
	defer src.Close()
	before, err := o.store.ListTickets(ctx)
	if err != nil {
		return err
	}
	sum, err := bs.Restore(ctx, src)
	if err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	_ = o.tickets.RecordOperatorAudit(ctx, intake.ActionRestore, fmt.Sprintf("command line: %d tickets in the backup, %d before", n, len(before)))
	// A backup made by an older version may have its ticket indexes in an
	// older form, or none: the console lists from them.
	if err := o.tickets.EnsureIndex(ctx); err != nil {
		return fmt.Errorf("the data was restored, but rebuilding the ticket indexes failed (restart the bot): %w", err)
	}
	if o.reload != nil {
		if err := o.reload(ctx); err != nil {
			return fmt.Errorf("the data was restored, but reloading the knowledge base failed (restart the bot): %w", err)
		}
	}
	fmt.Fprintf(out, "restored %s: tickets: %d (there were %d); %d buckets, %d keys\n", name, n, len(before), sum.Buckets, sum.Keys)
	return nil
}

// openBackup opens a backup for reading and checks that it is a laborbot
// data file whose personal data opens with sealer (DATA_KEY). It returns
// how many tickets it holds.
func openBackup(ctx context.Context, path, name string, sealer intake.Sealer) (*bolt.Store, int, error) {
	src, err := bolt.OpenReadOnly(path)
	var notStore *bolt.NotStoreError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, fmt.Errorf("%s does not exist", name)
	case errors.As(err, &notStore):
		return nil, 0, fmt.Errorf("%s is not a laborbot backup (%s); nothing was changed", name, notStore.Reason)
	case err != nil:
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	n, err := intake.NewService(src, intake.Options{Sealer: sealer}).CheckDataKey(ctx)
	switch {
	case errors.Is(err, intake.ErrNoDataKey):
		err = fmt.Errorf("the personal data in %s is encrypted, and DATA_KEY is not set: set DATA_KEY to the key the backup was made with; nothing was changed", name)
	case errors.Is(err, intake.ErrDataKeyMismatch):
		err = fmt.Errorf("the personal data in %s was encrypted with another DATA_KEY: restore it with the DATA_KEY it was made with (and run the bot with that key); nothing was changed", name)
	}
	if err != nil {
		src.Close()
		return nil, 0, err
	}
	return src, n, nil
}

// export writes every ticket, personal fields only when asked for.
func (o *storeOps) export(ctx context.Context, format string, personal bool, out io.Writer) error {
	f, err := intake.ParseFormat(format)
	if err != nil {
		return err
	}
	_, err = o.tickets.OperatorExport(ctx, out, f, personal)
	return err
}

func (o *storeOps) consoleLink(ctx context.Context, userID int64, out io.Writer) error {
	if o.signIn == nil {
		return errors.New("the web console is off where the bot runs (CONSOLE_URL is not set there)")
	}
	link, valid, err := o.signIn(ctx, userID)
	if errors.Is(err, intake.ErrForbidden) {
		return fmt.Errorf("user %d is not a mediator or admin (admins: ADMIN_IDS; mediators: added by an admin)", userID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n(works once, for %d minutes; give it only to user %d)\n", link, int(valid.Minutes()), userID)
	return nil
}

func (o *storeOps) kbImport(ctx context.Context, files []knowledge.BundleFile, out io.Writer) error {
	admin, err := o.kb(ctx)
	if err != nil {
		return err
	}
	res, err := admin.PublishFiles(ctx, cliActor(), files, "import")
	var problems knowledge.Problems
	if errors.As(err, &problems) {
		printProblems(out, "", problems)
		return fmt.Errorf("%d problems; nothing imported", len(problems))
	}
	if res != nil {
		printProblems(out, "warning: ", res.Warnings)
		for _, e := range res.Published {
			fmt.Fprintf(out, "published %s v%d\n", e.ID, e.Version)
		}
		fmt.Fprintf(out, "%d published, %d unchanged, %d gaps now answered\n", len(res.Published), len(res.Unchanged), len(res.GapsCleared))
	}
	return err
}

// liveOps are the running bot's storeOps, for its control socket.
func (m *Main) liveOps(cfg Config, st store, tickets *intake.Service, sealer intake.Sealer, kb *knowledge.Admin,
	signIn func(context.Context, int64) (string, time.Duration, error)) *storeOps {
	return &storeOps{cfg: cfg, log: m.Logger, store: st, tickets: tickets, sealer: sealer, signIn: signIn,
		kb:     func(context.Context) (*knowledge.Admin, error) { return kb, nil },
		reload: kb.Reload}
}

// openOps opens the configured store for a command run without a bot (or
// on Redis); close closes it.
func (m *Main) openOps(ctx context.Context, cfg Config) (ops *storeOps, closeStore func(), err error) {
	sealer, err := intake.NewSealer(cfg.DataKey)
	if err != nil {
		return nil, nil, fmt.Errorf("DATA_KEY: %w", err)
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	tickets := intake.NewService(st, intake.Options{Admins: cfg.AdminIDs, Sealer: sealer, Logger: m.Logger})
	o := &storeOps{cfg: cfg, log: m.Logger, store: st, tickets: tickets, sealer: sealer}
	var admin *knowledge.Admin
	o.kb = func(ctx context.Context) (*knowledge.Admin, error) {
		if admin != nil {
			return admin, nil
		}
		// An engine, so the gaps imported entries answer are cleared;
		// newKBAdmin loads it.
		a, err := newKBAdmin(ctx, cfg, st, newEngine(cfg, m.Logger), m.Logger)
		if err != nil {
			return nil, err
		}
		admin = a
		return a, nil
	}
	if cfg.ConsoleURL != "" {
		o.signIn = func(ctx context.Context, userID int64) (string, time.Duration, error) {
			noFiles := bot.DownloaderFunc(func(context.Context, string) ([]byte, error) { return nil, errors.New("no files here") })
			// Only the sign-in links are used here: no knowledge base, no files.
			con, err := m.newConsole(ctx, cfg, consoleDeps{store: st, tickets: tickets, files: noFiles, sealer: sealer, engine: newEngine(cfg, m.Logger)},
				func() *bot.Conversation { return nil })
			if err != nil {
				return "", 0, err
			}
			return con.SignInLink(ctx, userID)
		}
	}
	return o, func() { st.Close() }, nil
}

// onStore runs a command on the store: by the running bot when one holds
// the embedded store (output to out), else here on the store opened for
// it, with local (nil: the same command as the bot would run).
func (m *Main) onStore(ctx context.Context, cfg Config, req controlRequest, payload io.Reader, out io.Writer, local func(*storeOps) error) error {
	if cfg.RedisURL == "" {
		conn, err := dialControl(cfg)
		if err == nil {
			return callControl(ctx, conn, req, payload, out)
		}
		if !errors.Is(err, errNoBot) {
			return err
		}
	}
	ops, closeStore, err := m.openOps(ctx, cfg)
	var inUse *bolt.InUseError
	if errors.As(err, &inUse) {
		// A bot that started meanwhile answers now.
		if conn, derr := dialControl(cfg); derr == nil {
			return callControl(ctx, conn, req, payload, out)
		}
		return fmt.Errorf("%s is in use by a laborbot that does not answer on %s (an older version?): stop it and run this again", inUse.Path, controlPath(cfg))
	}
	if err != nil {
		return err
	}
	defer closeStore()
	if local == nil {
		return ops.serve(ctx, req, nil, out)
	}
	return local(ops)
}

// dataFile is the embedded store's file.
func dataFile(cfg Config) string { return filepath.Join(cfg.DataDir, "laborbot.db") }

const backupUsage = `write a consistent copy of the embedded store (DATA_DIR/laborbot.db) to FILE (mode 0600),
while the bot runs or not; "-" writes it to standard output. The copy holds the workers'
personal data (encrypted when DATA_KEY is set): keep it as safe as the data file.
With REDIS_URL, use Redis's own persistence instead (README.md, "Backup and restore").
`

func (m *Main) runBackup(ctx context.Context, cfg Config, args []string) error {
	flags := m.flagSet("backup", "FILE", strings.TrimSpace(backupUsage))
	if err := m.parseFlags(flags, args, 1); err != nil {
		return err
	}
	if cfg.RedisURL != "" {
		return errRedisBackup
	}
	if _, err := os.Stat(dataFile(cfg)); errors.Is(err, fs.ErrNotExist) {
		// No bot runs without its file: there is nothing to copy, and
		// opening the store would make an empty one.
		return fmt.Errorf("there is no data file at %s (DATA_DIR): nothing to back up", dataFile(cfg))
	}
	target := flags.Arg(0)
	backup := func(w io.Writer) error {
		return m.onStore(ctx, cfg, controlRequest{Cmd: "backup"}, nil, w, func(o *storeOps) error {
			_, err := o.backup(ctx, w)
			return err
		})
	}
	if target == "-" {
		return backup(m.Stdout)
	}
	if err := checkBackupTarget(target, dataFile(cfg)); err != nil {
		return err
	}
	// Into a private temporary file beside the target, renamed over it
	// once complete and checked: a failed backup never leaves a torn
	// file under the name of a good one.
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	err = backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// The copy must read back as a data file. Its personal data is not
	// opened: that needs the bot's key, which restore checks.
	src, err := bolt.OpenReadOnly(tmp.Name())
	if err != nil {
		return fmt.Errorf("backup: the copy does not read back: %w", err)
	}
	all, err := src.ListTickets(ctx)
	src.Close()
	if err != nil {
		return fmt.Errorf("backup: the copy does not read back: %w", err)
	}
	n := len(all)
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fi, err := os.Stat(target)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s: tickets: %d, %d bytes (it holds workers' personal data: keep it safe)\n", target, n, fi.Size())
	return nil
}

// checkBackupTarget refuses a FILE the backup must not be renamed over:
// the data file itself (the bot would go on writing to a file no longer
// on disk, and all of it would be lost at the next start), or a
// directory; and says plainly when FILE's directory does not exist.
func checkBackupTarget(target, data string) error {
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("backup: %s is a directory: name the backup file, e.g. %s", target,
				filepath.Join(target, "laborbot-"+time.Now().Format("2006-01-02")+".db"))
		}
		if live, err := os.Stat(data); err == nil && os.SameFile(fi, live) {
			return fmt.Errorf("backup: %s is the data file itself (DATA_DIR): write the backup to another file", target)
		}
	}
	if dir := filepath.Dir(target); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: directory %s does not exist", dir)
		}
	}
	return nil
}

const restoreUsage = `replace all data of the embedded store with the backup FILE (made by laborbot backup),
while the bot runs or not, in one step: the bot serves the backup's data at once.
FILE is checked first: a laborbot backup, whose personal data opens with this DATA_KEY.
What was written since the backup is lost, except the staff audit log, which is kept.
Asks for "yes" unless --force.
`

func (m *Main) runRestore(ctx context.Context, cfg Config, args []string) error {
	flags := m.flagSet("restore", "[--force] FILE", strings.TrimSpace(restoreUsage))
	force := flags.Bool("force", false, "do not ask for confirmation")
	if err := m.parseFlags(flags, args, 1); err != nil {
		return err
	}
	if cfg.RedisURL != "" {
		return errRedisBackup
	}
	path := flags.Arg(0)
	if fi, err := os.Stat(path); err == nil {
		if live, err := os.Stat(dataFile(cfg)); err == nil && os.SameFile(fi, live) {
			return fmt.Errorf("restore: %s is the data file itself (DATA_DIR), not a backup: give the file laborbot backup wrote", path)
		}
	}
	sealer, err := intake.NewSealer(cfg.DataKey)
	if err != nil {
		return fmt.Errorf("DATA_KEY: %w", err)
	}
	// Checked here first, for a clear answer before anything is sent;
	// the bot checks again with its own key.
	src, n, err := openBackup(ctx, path, path, sealer)
	if err != nil {
		return err
	}
	src.Close()
	if !*force {
		fmt.Fprintf(m.Stdout, "Restore %s (tickets: %d) over all data in %s? What was written since the backup is lost (the audit log is kept).\nType yes to go on: ",
			path, n, dataFile(cfg))
		answer, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil {
			fmt.Fprintln(m.Stdout) // no answer: end the prompt's line
		}
		if strings.TrimSpace(strings.ToLower(answer)) != "yes" {
			return errors.New("restore cancelled: nothing was changed (answer yes, or pass --force)")
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return m.onStore(ctx, cfg, controlRequest{Cmd: "restore", Name: path, Size: fi.Size()}, f, m.Stdout, func(o *storeOps) error {
		return o.restore(ctx, path, path, m.Stdout)
	})
}
