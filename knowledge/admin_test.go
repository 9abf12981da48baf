package knowledge_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/bolt"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

var (
	admin    = knowledge.Actor{Name: "tg:1001", Role: knowledge.RoleAdmin}
	mediator = knowledge.Actor{Name: "tg:2002", Role: knowledge.RoleMediator}
	worker   = knowledge.Actor{Name: "tg:3003", Role: knowledge.RoleNone}
)

// canteenQuestion is a question the built-in knowledge base does not cover
// (TestAdminGapsClearedByPublish checks that it starts as a gap).
const canteenQuestion = "厂里食堂饭菜难吃又贵怎么办"

// canteenEntry is a valid new entry answering canteenQuestion; marker
// appears in its body so a test can tell versions apart.
func canteenEntry(marker string) string {
	return `---
id: canteen-food-zh
key: canteen-food
lang: zh
title: 员工食堂饭菜太差可以投诉吗
topic: union
questions:
  - 员工食堂饭菜太难吃可以投诉吗
  - 厂里食堂饭菜难吃又贵怎么办
  - 厂里食堂不卫生找谁反映
citations:
  - 劳动法 76
  - 工会法 6
region: national
reviewed: 2026-11-23
---
` + marker + `食堂、宿舍这些集体福利，用人单位应当创造条件加以改善 [劳动法 76]。饭菜质量差、价格高、卫生不过关，可以通过工会反映：代表和维护职工的合法权益是工会的基本职责 [工会法 6]。

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

// lawsIfPresent returns the statutes of shared/laws, or nil (citations are
// then checked against the catalog) where they are absent outside CI.
func lawsIfPresent(t testing.TB) *knowledge.Statutes {
	t.Helper()
	d := os.Getenv("LAWS_DIR")
	if d == "" {
		d = filepath.Join("..", "..", "shared", "laws")
	}
	if _, err := os.Stat(d); err != nil && os.Getenv("CI") == "" {
		return nil
	}
	return loadStatutes(t)
}

type adminFixture struct {
	admin  *knowledge.Admin
	engine *knowledge.Engine
	store  *bolt.Store
}

// newAdmin makes an Admin over a new embedded store, with an engine loaded
// with the built-in knowledge base.
func newAdmin(t *testing.T) adminFixture {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "laborbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newAdminOn(t, store)
}

// The statutes of shared/laws are left out: they triple the passages to
// index, and every change reloads the engine. Citations are then checked
// against the catalog, and TestAdminStatutes uploads a statute of its own.
func newAdminOn(t *testing.T, store knowledge.Store) adminFixture {
	t.Helper()
	var laws *knowledge.Statutes
	builtin, ps := knowledge.LoadEntriesFS(content.Files, laws)
	if len(ps) > 0 {
		t.Fatalf("built-in entries: %v", ps)
	}
	eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
	a, err := knowledge.NewAdmin(knowledge.AdminOptions{Store: store, Engine: eng, Builtin: builtin, Statutes: laws})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := adminFixture{admin: a, engine: eng}
	f.store, _ = store.(*bolt.Store)
	return f
}

func ask(t *testing.T, eng *knowledge.Engine, q string) *knowledge.Answer {
	t.Helper()
	ans, err := eng.Answer(t.Context(), knowledge.Request{Question: q}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ans
}

func bestID(ans *knowledge.Answer) string {
	if !ans.Covered || len(ans.Sources) == 0 {
		return ""
	}
	return ans.Sources[0].ID
}

func auditTrail(t *testing.T, a *knowledge.Admin) []string {
	t.Helper()
	recs, err := a.Audit(t.Context(), admin, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, string(recs[i].Action)+" "+recs[i].ID)
	}
	return out
}

// TestAdminPublishSearchRollback: an admin uploads a new entry, a worker's
// question then finds it; a second version replaces it; rollback restores
// the old answer; every step is in history and the audit trail.
func TestAdminPublishSearchRollback(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	if id := bestID(ask(t, f.engine, canteenQuestion)); id == "canteen-food-zh" {
		t.Fatal("the entry is found before it is published")
	}

	b, err := f.admin.Check(ctx, "canteen.md", []byte(canteenEntry("【第一版】")))
	if err != nil || !b.OK() {
		t.Fatalf("Check = %+v, %v", b, err)
	}
	for _, want := range []string{"➕ new canteen-food-zh v1", "⚠️ Warnings", "no English version", "Workers will see:", "【第一版】", "（《劳动法》第76条）"} {
		if !strings.Contains(b.Preview("en"), want) {
			t.Errorf("preview lacks %q:\n%s", want, b.Preview("en"))
		}
	}
	res, err := f.admin.Publish(ctx, admin, "canteen.md", []byte(canteenEntry("【第一版】")))
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if len(res.Published) != 1 || res.Published[0].ID != "canteen-food-zh" || res.Published[0].Version != 1 || res.Published[0].Previous != 0 {
		t.Fatalf("Publish result = %+v, want canteen-food-zh v1", res)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings.Error(), "no English version") {
		t.Errorf("warnings = %v, want one about the missing English version", res.Warnings)
	}
	ans := ask(t, f.engine, canteenQuestion)
	if bestID(ans) != "canteen-food-zh" || !strings.Contains(ans.Text, "【第一版】") {
		t.Fatalf("after publishing, the question is answered by %q:\n%s", bestID(ans), ans.Text)
	}

	if _, err := f.admin.Publish(ctx, admin, "canteen.md", []byte(canteenEntry("【第二版】"))); err != nil {
		t.Fatalf("Publish v2: %v", err)
	}
	if ans := ask(t, f.engine, canteenQuestion); !strings.Contains(ans.Text, "【第二版】") {
		t.Fatalf("after publishing v2 the answer is:\n%s", ans.Text)
	}
	// The same file again is no new version.
	res, err = f.admin.Publish(ctx, admin, "canteen.md", []byte(canteenEntry("【第二版】")))
	if err != nil || len(res.Published) != 0 || len(res.Unchanged) != 1 {
		t.Fatalf("publishing an unchanged file = %+v, %v; want it reported unchanged", res, err)
	}

	res, err = f.admin.Rollback(ctx, admin, "canteen-food-zh", 1)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if res.Published[0].Version != 3 || res.Published[0].Previous != 2 {
		t.Errorf("Rollback result = %+v, want v3 replacing v2", res.Published)
	}
	ans = ask(t, f.engine, canteenQuestion)
	if !strings.Contains(ans.Text, "【第一版】") || strings.Contains(ans.Text, "【第二版】") {
		t.Fatalf("after rollback to v1 the answer is:\n%s", ans.Text)
	}

	hist, err := f.admin.History(ctx, mediator, "canteen-food-zh")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[2].Note != "rollback to v1" || hist[0].Actor != admin.Name || hist[2].Source != hist[0].Source {
		t.Errorf("history = %+v, want v1, v2 and v3 = v1's file (rollback)", hist)
	}
	v2, err := f.admin.Get(ctx, admin, "canteen-food-zh", 2)
	if err != nil || !strings.Contains(string(v2), "【第二版】") {
		t.Errorf("Get v2 = %q, %v", v2, err)
	}
	cur, err := f.admin.Get(ctx, admin, "canteen-food-zh", 0)
	if err != nil || string(cur) != canteenEntry("【第一版】") {
		t.Errorf("Get current = %q, %v; want the v1 file as sent", cur, err)
	}
	want := []string{"publish canteen-food-zh", "publish canteen-food-zh", "rollback canteen-food-zh"}
	if got := auditTrail(t, f.admin); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit trail = %v, want %v", got, want)
	}
}

// TestAdminOverrideBuiltin: a published entry with a built-in id replaces
// the built-in text; rollback to version 0 brings the built-in text back.
func TestAdminOverrideBuiltin(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	const id, q = "wages-arrears-basic-zh", "老板拖欠工资两个月了怎么办"
	if got := bestID(ask(t, f.engine, q)); got != id {
		t.Fatalf("before: %q answered by %q, want %s", q, got, id)
	}
	orig, err := f.admin.Get(ctx, admin, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(orig), "---\n", "---\n【工会补充】", 2)
	edited = strings.Replace(edited, "---\n【工会补充】", "---\n", 1) // only the body gets the marker
	b, err := f.admin.Check(ctx, id+".md", []byte(edited))
	if err != nil || !b.OK() || b.Items[0].Change != knowledge.ChangeUpdate {
		t.Fatalf("Check of the edited built-in = %+v, %v; want an OK update", b, err)
	}
	if !strings.Contains(b.Preview("zh"), "更新 "+id+" v0 → v1") || !strings.Contains(b.Preview("zh"), "【工会补充】") {
		t.Errorf("preview lacks the change or the text:\n%s", b.Preview("zh"))
	}
	if _, err := f.admin.Publish(ctx, admin, id+".md", []byte(edited)); err != nil {
		t.Fatal(err)
	}
	ans := ask(t, f.engine, q)
	if bestID(ans) != id || !strings.Contains(ans.Text, "【工会补充】") {
		t.Fatalf("after override the answer is from %q:\n%s", bestID(ans), ans.Text)
	}
	info, err := f.admin.Show(ctx, admin, id)
	if err != nil || !info.Builtin || !info.Published || info.Version != 1 || info.Actor != admin.Name {
		t.Errorf("Show = %+v, %v; want a published override of a built-in, v1", info, err)
	}

	if _, err := f.admin.Rollback(ctx, admin, id, 0); err != nil {
		t.Fatalf("Rollback to the built-in: %v", err)
	}
	ans = ask(t, f.engine, q)
	if bestID(ans) != id || strings.Contains(ans.Text, "【工会补充】") {
		t.Fatalf("after rollback to v0 the answer is from %q:\n%s", bestID(ans), ans.Text)
	}
	hist, _ := f.admin.History(ctx, admin, id)
	if len(hist) != 3 || hist[0].Version != 0 || hist[0].Actor != "built-in" || hist[2].Source != "" {
		t.Errorf("history = %+v, want v0 (built-in), v1, v2 (back to the built-in)", hist)
	}
	if info, _ := f.admin.Show(ctx, admin, id); info.Published || info.Version != 2 {
		t.Errorf("after rollback Show = %+v, want the built-in text at version 2", info)
	}
	if got, _ := f.admin.Get(ctx, admin, id, 2); string(got) != string(orig) {
		t.Errorf("Get v2 (the built-in) differs from the built-in file")
	}
}

// TestAdminInvalidUpload: every problem comes back with its line, and
// nothing changes.
func TestAdminInvalidUpload(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	bad := strings.NewReplacer(
		"topic: union", "topic: canteen",
		"  - 工会法 6", "  - 工会法 600",
		"lang: zh", "lang: zh\nauthor: me",
	).Replace(canteenEntry(""))
	v0, _ := f.store.KBVersion(ctx)
	_, err := f.admin.Publish(ctx, admin, "canteen.md", []byte(bad))
	var ps knowledge.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Publish of an invalid file: error %v, want Problems", err)
	}
	want := []string{
		"canteen.md:5: unknown field \"author\"",
		"canteen.md:7: unknown topic \"canteen\"",
		"canteen.md:14: citation \"工会法 600\"",
		"canteen.md:18: inline citation 工会法 6 is not in the front-matter citations",
	}
	got := ps.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	if v, _ := f.store.KBVersion(ctx); v != v0 {
		t.Errorf("an invalid upload changed the store version (%d → %d)", v0, v)
	}
	if trail := auditTrail(t, f.admin); len(trail) != 0 {
		t.Errorf("an invalid upload left audit records: %v", trail)
	}
	if _, ok := f.engine.Library().Entry("canteen-food-zh"); ok {
		t.Error("an invalid upload is being served")
	}
	// Check says the same without publishing.
	b, err := f.admin.Check(ctx, "canteen.md", []byte(bad))
	if err != nil || b.OK() || b.Problems.Error() != got {
		t.Errorf("Check problems differ from Publish's:\n%v\nvs\n%s", b.Problems, got)
	}
}

// TestAdminRefusesNonAdmins: workers can do nothing, mediators can read
// and suggest, and a refusal changes nothing.
func TestAdminRefusesNonAdmins(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	file := []byte(canteenEntry(""))
	for _, who := range []knowledge.Actor{worker, mediator, {Name: "tg:1001"}} {
		if _, err := f.admin.Publish(ctx, who, "canteen.md", file); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("Publish by %+v: error %v, want ErrNotAllowed", who, err)
		}
		if _, err := f.admin.Disable(ctx, who, "wages-arrears-basic-zh"); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("Disable by %+v: error %v, want ErrNotAllowed", who, err)
		}
		if _, err := f.admin.Rollback(ctx, who, "wages-arrears-basic-zh", 0); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("Rollback by %+v: error %v, want ErrNotAllowed", who, err)
		}
		if _, err := f.admin.PutStatute(ctx, who, "x.md", []byte("# x")); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("PutStatute by %+v: error %v, want ErrNotAllowed", who, err)
		}
		if _, err := f.admin.Gaps(ctx, who, 10); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("Gaps by %+v: error %v, want ErrNotAllowed", who, err)
		}
		if _, err := f.admin.Drafts(ctx, who); !errors.Is(err, knowledge.ErrNotAllowed) {
			t.Errorf("Drafts by %+v: error %v, want ErrNotAllowed", who, err)
		}
	}
	if _, _, err := f.admin.Suggest(ctx, worker, "s.md", file); !errors.Is(err, knowledge.ErrNotAllowed) {
		t.Errorf("Suggest by a worker: error %v, want ErrNotAllowed", err)
	}
	if _, err := f.admin.List(ctx, worker, ""); !errors.Is(err, knowledge.ErrNotAllowed) {
		t.Errorf("List by a worker: error %v, want ErrNotAllowed", err)
	}
	if v, _ := f.store.KBVersion(ctx); v != 0 {
		t.Errorf("refused calls changed the store (version %d)", v)
	}
	if list, err := f.admin.List(ctx, mediator, "wages"); err != nil || len(list) == 0 {
		t.Errorf("List by a mediator = %d entries, %v", len(list), err)
	}
	if _, _, err := f.admin.Suggest(ctx, mediator, "s.md", file); err != nil {
		t.Errorf("Suggest by a mediator: %v", err)
	}
}

// TestAdminDisableEnable: a disabled entry is not served, also a built-in
// one, until enabled again.
func TestAdminDisableEnable(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	const id, q = "wages-arrears-basic-zh", "老板拖欠工资两个月了怎么办"
	changed, err := f.admin.Disable(ctx, admin, id)
	if err != nil || !changed {
		t.Fatalf("Disable = %v, %v", changed, err)
	}
	if _, ok := f.engine.Library().Entry(id); ok {
		t.Fatal("a disabled entry is still in the library")
	}
	if got := bestID(ask(t, f.engine, q)); got == id {
		t.Fatal("a disabled entry still answers")
	}
	if changed, _ := f.admin.Disable(ctx, admin, id); changed {
		t.Error("disabling twice reported a change")
	}
	if info, err := f.admin.Show(ctx, admin, id); err != nil || !info.Disabled {
		t.Errorf("Show of a disabled entry = %+v, %v", info, err)
	}
	if changed, err := f.admin.Enable(ctx, admin, id); err != nil || !changed {
		t.Fatalf("Enable = %v, %v", changed, err)
	}
	if got := bestID(ask(t, f.engine, q)); got != id {
		t.Fatalf("after Enable the question is answered by %q", got)
	}
	if _, err := f.admin.Disable(ctx, admin, "no-such-entry-zh"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("Disable of an unknown id: %v, want ErrNotFound", err)
	}
	want := []string{"disable " + id, "enable " + id}
	if got := auditTrail(t, f.admin); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit trail = %v, want %v", got, want)
	}
}

// TestAdminDrafts: a mediator proposes, an admin publishes one draft and
// rejects another; a draft that is not an entry yet cannot be published.
func TestAdminDrafts(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	text, b, err := f.admin.Suggest(ctx, mediator, "", []byte("很多工人问食堂饭菜的问题，建议写一条。"))
	if err != nil || b != nil || text.ID == 0 || text.Author != mediator.Name {
		t.Fatalf("Suggest(text) = %+v, %v, %v", text, b, err)
	}
	file, b, err := f.admin.Suggest(ctx, mediator, "canteen.md", []byte(canteenEntry("【草稿】")))
	if err != nil || b == nil || !b.OK() || file.EntryID != "canteen-food-zh" {
		t.Fatalf("Suggest(file) = %+v, %+v, %v", file, b, err)
	}
	drafts, err := f.admin.Drafts(ctx, admin)
	if err != nil || len(drafts) != 2 {
		t.Fatalf("Drafts = %+v, %v", drafts, err)
	}
	if _, err := f.admin.PublishDraft(ctx, admin, text.ID); err == nil {
		t.Error("a plain-text draft was published")
	}
	res, err := f.admin.PublishDraft(ctx, admin, file.ID)
	if err != nil || len(res.Published) != 1 {
		t.Fatalf("PublishDraft = %+v, %v", res, err)
	}
	if ans := ask(t, f.engine, canteenQuestion); bestID(ans) != "canteen-food-zh" || !strings.Contains(ans.Text, "【草稿】") {
		t.Errorf("the published draft does not answer:\n%s", ans.Text)
	}
	if hist, _ := f.admin.History(ctx, admin, "canteen-food-zh"); len(hist) != 1 || !strings.Contains(hist[0].Note, mediator.Name) {
		t.Errorf("history of the published draft = %+v, want a note naming its author", hist)
	}
	// The text draft becomes an entry by an admin's edit.
	if _, b, err := f.admin.EditDraft(ctx, admin, text.ID, "canteen.md", []byte(canteenEntry("【编辑】"))); err != nil || !b.OK() {
		t.Fatalf("EditDraft = %+v, %v", b, err)
	}
	if err := f.admin.RejectDraft(ctx, admin, text.ID, "covered by the published draft"); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.RejectDraft(ctx, admin, text.ID, "again"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("second reject: %v, want ErrNotFound", err)
	}
	if drafts, _ := f.admin.Drafts(ctx, admin); len(drafts) != 0 {
		t.Errorf("drafts left: %+v", drafts)
	}
	want := []string{"suggest draft:1", "suggest draft:2", "publish canteen-food-zh", "publish_draft draft:2", "edit_draft draft:1", "reject_draft draft:1"}
	if got := auditTrail(t, f.admin); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit trail = %v, want %v", got, want)
	}
}

const newStatute = `# 某市职工食堂管理办法

2026年1月1日 施行

<!-- INFO END -->

## 第一章 总则

第一条 为了保障职工饮食安全，制定本办法。

第二条 用人单位设立职工食堂的，应当保证饭菜卫生、价格合理，并定期听取工会和职工的意见。

第三条 职工对食堂有意见的，可以通过工会向用人单位提出。
`

// TestAdminStatutes: an uploaded statute is citable and searchable at
// once; replacing or removing it may not break an entry citing it.
func TestAdminStatutes(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	citing := strings.Replace(canteenEntry(""), "  - 工会法 6", "  - 工会法 6\n  - 某市职工食堂管理办法 2", 1)
	citing = strings.Replace(citing, "价格高、卫生不过关", "价格高、卫生不过关 [某市职工食堂管理办法 2]", 1)
	if b, _ := f.admin.Check(ctx, "c.md", []byte(citing)); b.OK() || !strings.Contains(b.Problems.Error(), "unknown statute") {
		t.Fatalf("before the upload the citation should be unknown: %v", b.Problems)
	}

	sf, err := f.admin.PutStatute(ctx, admin, "shitang.md", []byte(newStatute))
	if err != nil || sf.Short != "某市职工食堂管理办法" || sf.Articles != 3 {
		t.Fatalf("PutStatute = %+v, %v", sf, err)
	}
	ans := ask(t, f.engine, "某市职工食堂管理办法第二条怎么规定")
	if ans.Mode != knowledge.ModeArticle || !strings.Contains(ans.Text, "饭菜卫生") {
		t.Errorf("asking for the new article: mode %s\n%s", ans.Mode, ans.Text)
	}
	if _, err := f.admin.Publish(ctx, admin, "c.md", []byte(citing)); err != nil {
		t.Fatalf("publishing an entry citing the new statute: %v", err)
	}
	list, err := f.admin.Statutes(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		found = found || s.Short == sf.Short && s.Uploaded && s.Actor == admin.Name
	}
	if !found {
		t.Errorf("Statutes does not list the upload: %+v", list)
	}

	// A new text without article 2 would break the entry: refused.
	shorter := strings.Replace(newStatute, "第二条 用人单位设立职工食堂的，应当保证饭菜卫生、价格合理，并定期听取工会和职工的意见。\n", "", 1)
	if _, err := f.admin.PutStatute(ctx, admin, "shitang.md", []byte(shorter)); err == nil || !strings.Contains(err.Error(), "canteen-food-zh") {
		t.Errorf("replacing the statute with one lacking a cited article: %v, want a problem naming the entry", err)
	}
	if err := f.admin.DeleteStatute(ctx, admin, sf.Short); err == nil {
		t.Error("a statute cited by an entry was removed")
	}
	if _, err := f.admin.Disable(ctx, admin, "canteen-food-zh"); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.DeleteStatute(ctx, admin, sf.Short); err == nil {
		t.Error("a statute cited by a disabled entry was removed (enabling it would break it)")
	}
	if _, err := f.admin.PutStatute(ctx, admin, "bad.md", []byte("# 没有条文\n<!-- INFO END -->\n正文\n")); err == nil {
		t.Error("a statute file without articles was accepted")
	}
}

// TestAdminGapsClearedByPublish: a question asked three times that the
// knowledge base does not cover is listed by Gaps, and is no longer listed
// once an entry answering it is published.
func TestAdminGapsClearedByPublish(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	for _, q := range []string{canteenQuestion, canteenQuestion + "？", "  " + canteenQuestion + "?? "} {
		ans := ask(t, f.engine, q)
		if ans.Mode != knowledge.ModeNone {
			t.Fatalf("%q is covered (mode %s): pick another test question", q, ans.Mode)
		}
		if err := f.admin.ObserveAnswer(ctx, ans); err != nil {
			t.Fatal(err)
		}
	}
	// A covered, confident answer is no gap.
	if err := f.admin.ObserveAnswer(ctx, ask(t, f.engine, "老板拖欠工资两个月了怎么办")); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.RecordGap(ctx, "宿舍空调坏了三个月不修", "zh", knowledge.GapThumbsDown); err != nil {
		t.Fatal(err)
	}
	gaps, err := f.admin.Gaps(ctx, admin, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 2 || gaps[0].Question != canteenQuestion || gaps[0].Count != 3 || gaps[0].Reasons[knowledge.GapNotCovered] != 3 {
		t.Fatalf("Gaps = %+v, want the canteen question ×3 first, then the other", gaps)
	}

	res, err := f.admin.Publish(ctx, admin, "canteen.md", []byte(canteenEntry("")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.GapsCleared) != 1 || res.GapsCleared[0].Question != canteenQuestion {
		t.Errorf("GapsCleared = %+v, want the canteen question", res.GapsCleared)
	}
	gaps, _ = f.admin.Gaps(ctx, admin, 10)
	if len(gaps) != 1 || gaps[0].Question != "宿舍空调坏了三个月不修" {
		t.Errorf("after publishing, Gaps = %+v, want only the question the entry does not answer", gaps)
	}
	if err := f.admin.DismissGap(ctx, admin, gaps[0].Key()); err != nil {
		t.Fatal(err)
	}
	if err := f.admin.DismissGap(ctx, admin, gaps[0].Key()); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("dismissing twice: %v, want ErrNotFound", err)
	}
	if gaps, _ := f.admin.Gaps(ctx, admin, 10); len(gaps) != 0 {
		t.Errorf("gaps left: %+v", gaps)
	}
}

// TestAdminFollow: two Admins (two replicas) on one store; a publish
// through one is served by the other's engine soon after.
func TestAdminFollow(t *testing.T) {
	t.Parallel()
	one := newAdmin(t)
	other := newAdminOn(t, one.store)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- other.admin.Follow(ctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Follow returned %v, want context.Canceled", err)
		}
	}()
	if _, err := one.admin.Publish(t.Context(), admin, "canteen.md", []byte(canteenEntry(""))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for bestID(ask(t, other.engine, canteenQuestion)) != "canteen-food-zh" {
		if time.Now().After(deadline) {
			t.Fatal("the other replica does not serve the published entry after 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAdminExport: the export is the served knowledge base, as files that
// check out and load again.
func TestAdminExport(t *testing.T) {
	t.Parallel()
	f := newAdmin(t)
	ctx := t.Context()
	if _, err := f.admin.Publish(ctx, admin, "canteen.md", []byte(canteenEntry("【导出】"))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Disable(ctx, admin, "wages-arrears-basic-en"); err != nil {
		t.Fatal(err)
	}
	files, err := f.admin.Export(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, fl := range files {
		names[fl.Name] = string(fl.Data)
	}
	if !strings.Contains(names["zh/canteen-food.md"], "【导出】") {
		t.Error("the published entry is not exported as zh/canteen-food.md")
	}
	if _, ok := names["en/wages-arrears-basic.md"]; ok {
		t.Error("a disabled entry was exported")
	}
	if _, ok := names["zh/wages-arrears-basic.md"]; !ok {
		t.Error("a built-in entry is missing from the export")
	}
	b := knowledge.CheckBundle(files, lawsIfPresent(t), nil) // the export checks out against the texts too
	if len(b.Problems) > 0 {
		t.Errorf("the export does not check out: %v", b.Problems)
	}
	if len(b.Items) != len(f.engine.Library().Entries()) {
		t.Errorf("exported %d entries, the engine serves %d", len(b.Items), len(f.engine.Library().Entries()))
	}
}
