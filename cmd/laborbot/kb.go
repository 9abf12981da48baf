package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// laborbot kb: the knowledge base as files, for unions that keep theirs in
// git. validate checks entry files with the code the bot uses for uploads
// (knowledge.CheckBundle); export writes the served knowledge base out;
// import publishes files as the admin "cli".

const kbUsage = `usage:
  laborbot kb validate [--strict] DIR|FILE.md|FILE.zip
        check entry files (as an upload to the bot is checked) against the built-in
        entries and the statutes of LAWS_DIR; prints every problem as file:line and
        exits non-zero if there is any (with --strict, also on warnings)
  laborbot kb export DIR
        write every served entry (built-in ones with the published changes, without
        disabled ones) to DIR/zh/KEY.md and DIR/en/KEY.md
  laborbot kb import DIR|FILE.md|FILE.zip
        check the files and, if there is no problem, publish every changed entry as
        the admin "cli" (while the bot runs, too)
`

// cliActor is who the audit trail names for changes made with laborbot kb:
// whoever can run the binary against the store is an admin.
func cliActor() knowledge.Actor { return knowledge.Actor{Name: "cli", Role: knowledge.RoleAdmin} }

func (m *Main) runKB(ctx context.Context, cfg Config, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, kbUsage)
		return errUsage
	}
	switch args[0] {
	case "validate":
		return m.kbValidate(cfg, args[1:])
	case "export":
		return m.kbExport(ctx, cfg, args[1:])
	case "import":
		return m.kbImport(ctx, cfg, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, kbUsage)
		return nil
	}
	fmt.Fprintf(m.Stderr, "laborbot kb: unknown command %q\n\n%s", args[0], kbUsage)
	return errUsage
}

// kbArg parses a subcommand's flags and its one path argument.
func (m *Main) kbArg(name string, args []string, strict *bool) (string, error) {
	fs := flag.NewFlagSet("kb "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	if strict != nil {
		fs.BoolVar(strict, "strict", false, "treat warnings as problems")
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), kbUsage)
		if strict != nil {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	if err := parseInterspersed(fs, args); err != nil {
		return "", errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(m.Stderr, "laborbot kb %s takes one path\n\n%s", name, kbUsage)
		return "", errUsage
	}
	return fs.Arg(0), nil
}

func (m *Main) kbValidate(cfg Config, args []string) error {
	var strict bool
	p, err := m.kbArg("validate", args, &strict)
	if err != nil {
		return err
	}
	laws, err := loadLaws(cfg, m.Logger)
	if err != nil {
		return err
	}
	files, ps := readEntryFiles(p)
	if len(ps) > 0 {
		printProblems(m.Stdout, "", ps)
		return fmt.Errorf("%s: %d problems", p, len(ps))
	}
	builtin, _ := knowledge.LoadEntriesFS(content.Files, laws)
	b := knowledge.CheckBundle(files, laws, builtin)
	printProblems(m.Stdout, "", b.Problems)
	printProblems(m.Stdout, "warning: ", b.Warnings)
	fmt.Fprintf(m.Stdout, "%d files, %d entries: %d problems, %d warnings\n", len(files), len(b.Items), len(b.Problems), len(b.Warnings))
	switch {
	case len(b.Problems) > 0:
		return fmt.Errorf("%s: %d problems", p, len(b.Problems))
	case strict && len(b.Warnings) > 0:
		return fmt.Errorf("%s: %d warnings (--strict)", p, len(b.Warnings))
	}
	return nil
}

func (m *Main) kbExport(ctx context.Context, cfg Config, args []string) error {
	dir, err := m.kbArg("export", args, nil)
	if err != nil {
		return err
	}
	// The running bot exports its knowledge base (control.go), or this
	// command does from the store it opens.
	var buf bytes.Buffer
	if err := m.onStore(ctx, cfg, controlRequest{Cmd: "kb-export"}, nil, &buf, nil); err != nil {
		return err
	}
	var files []knowledge.BundleFile
	if err := json.Unmarshal(buf.Bytes(), &files); err != nil {
		return fmt.Errorf("kb export: %w", err)
	}
	for _, f := range files {
		// Names are LANG/KEY.md, and keys are checked to be [a-z0-9-].
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "exported %d entries to %s\n", len(files), dir)
	return nil
}

func (m *Main) kbImport(ctx context.Context, cfg Config, args []string) error {
	p, err := m.kbArg("import", args, nil)
	if err != nil {
		return err
	}
	files, ps := readEntryFiles(p)
	if len(ps) > 0 {
		printProblems(m.Stdout, "", ps)
		return fmt.Errorf("%s: %d problems; nothing imported", p, len(ps))
	}
	// The running bot publishes them (control.go), or this command does
	// on the store it opens.
	if err := m.onStore(ctx, cfg, controlRequest{Cmd: "kb-import", Files: files}, nil, m.Stdout, nil); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// openKnowledgeStore opens the configured store (as the bot does) as a
// knowledge.Store; the io.Closer closes it.
func openKnowledgeStore(ctx context.Context, cfg Config) (io.Closer, knowledge.Store, error) {
	store, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	ks, ok := store.(knowledge.Store)
	if !ok {
		store.Close()
		return nil, nil, fmt.Errorf("the configured store (%T) keeps no knowledge base", store)
	}
	return store, ks, nil
}

// newKBAdmin makes the knowledge-base Admin over store. With eng (from
// newEngine) it loads eng with the administered knowledge base, and the
// caller should then run admin.Follow(ctx) to pick up changes made by other
// replicas. The statutes are those of an already loaded eng, else read from
// LAWS_DIR here.
func newKBAdmin(ctx context.Context, cfg Config, store knowledge.Store, eng *knowledge.Engine, log *slog.Logger) (*knowledge.Admin, error) {
	var laws *knowledge.Statutes
	if eng != nil && eng.Library() != nil {
		laws = eng.Library().Statutes()
	} else {
		var err error
		if laws, err = loadLaws(cfg, log); err != nil {
			return nil, err
		}
	}
	// The built-in entries are parsed again rather than taken from eng's
	// library, which after a reload holds published entries too.
	builtin, _ := knowledge.LoadEntriesFS(content.Files, laws)
	admin, err := knowledge.NewAdmin(knowledge.AdminOptions{Store: store, Engine: eng, Builtin: builtin, Statutes: laws, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := admin.Reload(ctx); err != nil {
		return nil, fmt.Errorf("load the knowledge base: %w", err)
	}
	return admin, nil
}

// readEntryFiles reads a directory of entry files, a .zip of them or one
// entry file. Names are given as the path the user typed plus the file's
// path inside, so problems point at files an editor can open.
func readEntryFiles(p string) ([]knowledge.BundleFile, knowledge.Problems) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, knowledge.Problems{{Message: err.Error()}}
	}
	if fi.IsDir() {
		files, ps := knowledge.ReadBundleFS(os.DirFS(p))
		prefix := filepath.ToSlash(p)
		for i := range files {
			files[i].Name = path.Join(prefix, files[i].Name)
		}
		for i := range ps {
			if ps[i].File != "" {
				ps[i].File = path.Join(prefix, ps[i].File)
			}
		}
		return files, ps
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, knowledge.Problems{{Message: err.Error()}}
	}
	files, ps := knowledge.ReadBundle(p, data)
	if len(files) == 1 && !strings.HasSuffix(strings.ToLower(p), ".zip") {
		files[0].Name = filepath.ToSlash(p) // keep the folder for the zh/ en/ check
	}
	return files, ps
}

func printProblems(w io.Writer, prefix string, ps knowledge.Problems) {
	for _, p := range ps {
		fmt.Fprintln(w, prefix+p.String())
	}
}
