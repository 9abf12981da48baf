package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// kbCanteen is a valid entry file the built-in knowledge base lacks, in
// Chinese or English.
func kbCanteen(lang string) string {
	if lang == "en" {
		return `---
id: canteen-food-en
key: canteen-food
lang: en
title: The canteen food is bad. Can we complain?
topic: union
questions:
  - The factory canteen food is bad and expensive, what can we do?
  - Can we complain about the staff canteen?
  - Who do I tell that the factory canteen is dirty?
citations:
  - 劳动法 76
  - 工会法 6
region: national
reviewed: 2026-11-23
---
Employers should improve collective welfare such as canteens and dormitories [劳动法 76]. If the food is bad, overpriced or unhygienic, raise it through the union: representing and protecting workers' rights is its basic duty [工会法 6].

**What to do**
- Write down with coworkers what was wrong, on which day and meal, with photos.
- Ask the union or worker representatives to put it to the employer and to publish canteen prices and purchasing.

**Where to go**
Your workplace union; union hotline 12351; market regulation hotline 12315 for spoiled or dirty food.
`
	}
	return `---
id: canteen-food-zh
key: canteen-food
lang: zh
title: 员工食堂饭菜太差可以投诉吗
topic: union
questions:
  - 厂里食堂饭菜难吃又贵怎么办
  - 员工食堂饭菜太难吃可以投诉吗
  - 厂里食堂不卫生找谁反映
citations:
  - 劳动法 76
  - 工会法 6
region: national
reviewed: 2026-11-23
---
食堂、宿舍这些集体福利，用人单位应当创造条件加以改善 [劳动法 76]。饭菜质量差、价格高、卫生不过关，可以通过工会反映：代表和维护职工的合法权益是工会的基本职责 [工会法 6]。

**怎么做**
- 先和同事一起把问题记下来：哪天、哪顿饭、什么问题，拍照留存。
- 通过单位工会或职工代表向单位提出改进意见，要求公开食堂收费和采购情况。
- 食品变质、不干净，可以向当地市场监管部门投诉（12315）。

**保留证据**
饭菜照片、收费记录、和同事一起反映的记录。

**去哪里**
单位工会；工会热线 12351；市场监管 12315。
`
}

// kbMain is a Main for running laborbot kb in tests, with its output.
func kbMain(t *testing.T, env map[string]string) (*Main, Config, *bytes.Buffer) {
	t.Helper()
	if _, ok := env["DATA_DIR"]; !ok {
		env["DATA_DIR"] = t.TempDir()
	}
	cfg, err := LoadConfig(env)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &out, Environ: env, Logger: slog.New(slog.DiscardHandler)}
	return m, cfg, &out
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKBValidate(t *testing.T) {
	ctx := t.Context()
	t.Run("built-in knowledge base", func(t *testing.T) {
		m, cfg, out := kbMain(t, map[string]string{})
		if err := m.runKB(ctx, cfg, []string{"validate", filepath.Join("..", "..", "knowledge", "content")}); err != nil {
			t.Fatalf("validate knowledge/content: %v\n%s", err, out)
		}
		builtin, _ := knowledge.LoadEntriesFS(content.Files, nil)
		if want := fmt.Sprintf("%d files, %d entries: 0 problems", len(builtin), len(builtin)); !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	})

	dir := t.TempDir()
	bad := strings.Replace(kbCanteen("zh"), "topic: union", "topic: canteen", 1)
	bad = strings.Replace(bad, "  - 工会法 6", "  - 工会法 600", 1)
	writeFiles(t, dir, map[string]string{"zh/canteen-food.md": bad, "en/canteen-food.md": kbCanteen("en"), "README.md": "# our knowledge base"})
	t.Run("problems by file and line", func(t *testing.T) {
		m, cfg, out := kbMain(t, map[string]string{})
		err := m.runKB(ctx, cfg, []string{"validate", dir})
		if err == nil || !strings.Contains(err.Error(), "3 problems") {
			t.Fatalf("validate of a bad file: error %v, want 3 problems\n%s", err, out)
		}
		p := filepath.ToSlash(dir) + "/zh/canteen-food.md"
		for _, want := range []string{
			p + `:6: unknown topic "canteen"`,
			p + `:13: citation "工会法 600": 工会法 has no article 600`,
			p + `:17: inline citation 工会法 6 is not in the front-matter citations`,
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("strict", func(t *testing.T) {
		writeFiles(t, dir, map[string]string{"zh/canteen-food.md": kbCanteen("zh")})
		os.Remove(filepath.Join(dir, "en", "canteen-food.md"))
		m, cfg, out := kbMain(t, map[string]string{})
		if err := m.runKB(ctx, cfg, []string{"validate", dir}); err != nil {
			t.Fatalf("a warning failed validation: %v\n%s", err, out)
		}
		if !strings.Contains(out.String(), "warning: "+filepath.ToSlash(dir)+"/zh/canteen-food.md: no English version") {
			t.Errorf("output lacks the warning:\n%s", out)
		}
		if err := m.runKB(ctx, cfg, []string{"validate", "--strict", dir}); err == nil {
			t.Error("--strict passed a file with a warning")
		}
	})
	t.Run("zip and single file", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("zh/canteen-food.md")
		w.Write([]byte(kbCanteen("zh")))
		zw.Close()
		zipPath := filepath.Join(t.TempDir(), "kb.zip")
		os.WriteFile(zipPath, buf.Bytes(), 0o644)
		m, cfg, out := kbMain(t, map[string]string{})
		if err := m.runKB(ctx, cfg, []string{"validate", zipPath}); err != nil {
			t.Errorf("validate zip: %v\n%s", err, out)
		}
		wrongFolder := filepath.Join(t.TempDir(), "en", "canteen-food.md")
		writeFiles(t, filepath.Dir(filepath.Dir(wrongFolder)), map[string]string{"en/canteen-food.md": kbCanteen("zh")})
		if err := m.runKB(ctx, cfg, []string{"validate", wrongFolder}); err == nil || !strings.Contains(out.String(), "does not match the folder en/") {
			t.Errorf("a Chinese entry in en/ passed: %v\n%s", err, out)
		}
	})
	t.Run("usage", func(t *testing.T) {
		m, cfg, _ := kbMain(t, map[string]string{})
		for _, args := range [][]string{{}, {"validate"}, {"validate", "a", "b"}, {"frobnicate"}} {
			if err := m.runKB(ctx, cfg, args); !errors.Is(err, errUsage) {
				t.Errorf("kb %v: error %v, want usage", args, err)
			}
		}
		if err := m.runKB(ctx, cfg, []string{"validate", filepath.Join(t.TempDir(), "missing")}); err == nil {
			t.Error("validate of a missing path passed")
		}
	})
}

// TestKBImportExport: import publishes changed entries only, refuses a
// bad set whole, and export writes out the served knowledge base.
func TestKBImportExport(t *testing.T) {
	ctx := t.Context()
	env := map[string]string{"DATA_DIR": t.TempDir()}
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"zh/canteen-food.md": kbCanteen("zh"), "en/canteen-food.md": kbCanteen("en")})

	m, cfg, out := kbMain(t, env)
	if err := m.runKB(ctx, cfg, []string{"import", src}); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"published canteen-food-en v1", "published canteen-food-zh v1", "2 published, 0 unchanged"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	out.Reset()
	if err := m.runKB(ctx, cfg, []string{"import", src}); err != nil || !strings.Contains(out.String(), "0 published, 2 unchanged") {
		t.Errorf("second import of the same files: %v\n%s", err, out)
	}

	// One bad file: nothing of the set is published.
	writeFiles(t, src, map[string]string{
		"zh/canteen-food.md": strings.Replace(kbCanteen("zh"), "【", "", 1) + "\n补充一句。",
		"zh/broken.md":       "no front matter",
	})
	out.Reset()
	err := m.runKB(ctx, cfg, []string{"import", src})
	if err == nil || !strings.Contains(out.String(), filepath.ToSlash(src)+"/zh/broken.md:1: the file must start with front matter") {
		t.Fatalf("import with a broken file: %v\n%s", err, out)
	}

	exp := t.TempDir()
	out.Reset()
	if err := m.runKB(ctx, cfg, []string{"export", exp}); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(exp, "zh", "canteen-food.md"))
	if err != nil || string(got) != kbCanteen("zh") {
		t.Errorf("exported zh/canteen-food.md = %q, %v; want v1 as imported (the bad import changed nothing)", got, err)
	}
	builtin, _ := knowledge.LoadEntriesFS(content.Files, nil)
	n := 0
	filepath.WalkDir(exp, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if n != len(builtin)+2 {
		t.Errorf("exported %d files, want %d (built-in + 2)", n, len(builtin)+2)
	}
	// The export is a valid knowledge base, and importing it changes nothing.
	out.Reset()
	if err := m.runKB(ctx, cfg, []string{"validate", exp}); err != nil {
		t.Errorf("validate of the export: %v\n%s", err, out)
	}
	out.Reset()
	if err := m.runKB(ctx, cfg, []string{"import", exp}); err != nil || !strings.Contains(out.String(), fmt.Sprintf("0 published, %d unchanged", n)) {
		t.Errorf("import of the export: %v\n%s", err, out)
	}
}

// TestKBTwoReplicasRedis: two bots on one Redis, each with its own
// connection; an entry published through one is found by the other's
// engine within a second.
//
// The publishing replica has no engine here: in production its own reload
// (Publish makes it serve the entry at once, see knowledge's tests) runs on
// its own CPU, while in this test process it would compete with the other
// replica's reload for the same cores and measure the test machine rather
// than the notification and reload path.
func TestKBTwoReplicasRedis(t *testing.T) {
	url, prefix := testRedis(t, "laborbot-kb")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	newReplica := func(withEngine bool) (*knowledge.Admin, *knowledge.Engine) {
		_, cfg, _ := kbMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix})
		store, ks, err := openKnowledgeStore(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		var eng *knowledge.Engine
		if withEngine {
			if eng, err = buildEngine(ctx, cfg, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
		}
		admin, err := newKBAdmin(ctx, cfg, ks, eng, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		return admin, eng
	}
	publisher, _ := newReplica(false)
	follower, engine := newReplica(true)
	followed := make(chan error, 1)
	go func() { followed <- follower.Follow(ctx) }()
	// Follow subscribes before its first check: let it get there.
	time.Sleep(200 * time.Millisecond)

	const q = "厂里食堂饭菜难吃又贵怎么办"
	found := func() bool {
		ans, err := engine.Answer(ctx, knowledge.Request{Question: q}, nil)
		return err == nil && ans.Covered && len(ans.Sources) > 0 && ans.Sources[0].ID == "canteen-food-zh"
	}
	if found() {
		t.Fatal("the entry is found before it is published")
	}
	// The goal is a second, and a reload of the whole index is most of it
	// (~0.6 s on an idle two-core machine). On a busy machine, or under the
	// race detector, one reload alone takes longer: the test then asks for
	// what the design promises, a prompt signal and one reload, with that
	// reload's duration measured here, now.
	t0 := time.Now()
	if err := follower.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	reload := time.Since(t0)
	budget := max(time.Second, 200*time.Millisecond+reload*3/2)
	// Timed from the commit: Publish returns right after it (checking the
	// upload before it is the uploader's time, not the replica's).
	if _, err := publisher.Publish(ctx, cliActor(), "canteen.md", []byte(kbCanteen("zh"))); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for !found() {
		if time.Since(start) > budget {
			t.Fatalf("the other replica does not find the entry %s after Publish returned", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	t.Logf("the other replica found the entry %s after Publish returned (one reload takes %s here)", took.Round(time.Millisecond), reload.Round(time.Millisecond))
	if took > time.Second {
		t.Logf("over the one-second goal only because a reload alone takes %s on this machine now", reload.Round(time.Millisecond))
	}
	cancel()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Errorf("Follow returned %v", err)
	}
}
