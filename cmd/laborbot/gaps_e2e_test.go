package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/laborbot/laborbot/redis"
)

// TestE2EGapsKeepNoNamesAndGoWithDeletedData: the questions the knowledge
// base missed are kept for admins without the names of people and
// employers, and what the rules miss goes with /deletedata (issue 15,
// defect 7); on both stores.
func TestE2EGapsKeepNoNamesAndGoWithDeletedData(t *testing.T) {
	for _, store := range []string{"bolt", "redis"} {
		t.Run(store, func(t *testing.T) {
			env := map[string]string{"ADMIN_IDS": "900", "MEDIATOR_CHAT_ID": "-100500", "fast": "1"}
			var raw func() []byte
			if store == "redis" {
				url, prefix := testRedis(t, "laborbot-gaps")
				env["REDIS_URL"], env["REDIS_PREFIX"] = url, prefix
				raw = func() []byte { return redisDump(t, url, prefix) }
			} else {
				dir := t.TempDir()
				env["DATA_DIR"] = dir
				raw = func() []byte {
					b, err := os.ReadFile(filepath.Join(dir, "laborbot.db"))
					if err != nil {
						t.Fatal(err)
					}
					return b
				}
			}
			r := startBot(t, nil, env)
			tg := r.tg
			const chat = 740
			// Two questions the knowledge base cannot answer: one names a
			// person and an employer the rules recognise, one in a way they
			// do not.
			say(t, tg, chat, "我叫王小明，在深圳鸿运精密模具厂上班，火星移民补贴怎么算", "12351")
			say(t, tg, chat, "李小龙在星光电子干活，火星移民补贴怎么算", "12351")
			gaps := say(t, tg, adminID, "/kb gaps", "火星")
			for _, secret := range []string{"王小明", "鸿运"} {
				if strings.Contains(gaps.Text(), secret) {
					t.Errorf("/kb gaps shows %q: %s", secret, gaps.Text())
				}
			}
			// The worker files a complaint naming themselves and the employer.
			say(t, tg, chat, "/complain", "同意")
			pressWait(t, tg, chat, chat, "ik|agree", "(1/16)")
			pressWait(t, tg, chat, chat, "ik|type:unpaid_wages", "(1/16)")
			pressWait(t, tg, chat, chat, "ik|next", "(2/16)")
			for _, a := range []struct{ text, want string }{
				{"深圳市星光电子有限公司", "(3/16)"}, {"广东", "(4/16)"}, {"深圳", "(5/16)"}, {"宝安", "(6/16)"},
				{"2023-03-01", "(7/16)"}, {"在职", "(8/16)"}, {"6000", "(9/16)"}, {"18000", "(10/16)"}, {"5", "(11/16)"},
				{"老板三个月没发工资", "(12/16)"},
			} {
				say(t, tg, chat, a.text, a.want)
			}
			pressWait(t, tg, chat, chat, "ik|next", "(13/16)")
			say(t, tg, chat, "补发工资", "(14/16)")
			say(t, tg, chat, "李小龙", "(15/16)")
			say(t, tg, chat, "13800138000", "(16/16)")
			pressWait(t, tg, chat, chat, "ik|next", "核对")
			pressWait(t, tg, chat, chat, "ik|submit", "#1")

			say(t, tg, chat, "/deletedata", "确定要删除")
			pressWait(t, tg, chat, chat, "dd|yes", "已删除")
			left := say(t, tg, adminID, "/kb gaps", "火星")
			for _, secret := range []string{"李小龙", "星光"} {
				if strings.Contains(left.Text(), secret) {
					t.Errorf("/kb gaps still shows %q after /deletedata: %s", secret, left.Text())
				}
			}
			r.stop()
			dump := raw()
			if !bytes.Contains(dump, []byte("火星")) {
				t.Fatal("the gaps are not in the raw store: is this the right store?")
			}
			for _, secret := range []string{"王小明", "鸿运", "李小龙", "星光电子"} {
				if bytes.Contains(dump, []byte(secret)) {
					t.Errorf("the store still holds %q after /deletedata", secret)
				}
			}
		})
	}
}

// redisDump is every key and value under prefix, as text.
func redisDump(t *testing.T, url, prefix string) []byte {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewUniversalClient(opts)
	defer c.Close()
	ctx := context.Background()
	var out bytes.Buffer
	for _, k := range redisKeys(ctx, c, prefix) {
		typ, _ := c.Type(ctx, k).Result()
		var v any
		switch typ {
		case "string":
			v, _ = c.Get(ctx, k).Result()
		case "hash":
			v, _ = c.HGetAll(ctx, k).Result()
		case "list":
			v, _ = c.LRange(ctx, k, 0, -1).Result()
		case "set":
			v, _ = c.SMembers(ctx, k).Result()
		case "zset":
			v, _ = c.ZRange(ctx, k, 0, -1).Result()
		case "stream":
			v, _ = c.XRange(ctx, k, "-", "+").Result()
		}
		fmt.Fprintf(&out, "%s %v\n", k, v)
	}
	return out.Bytes()
}

// redisKeys lists the keys under prefix, from every master of a cluster
// (SCAN walks one node).
func redisKeys(ctx context.Context, c goredis.UniversalClient, prefix string) []string {
	var (
		mu   sync.Mutex
		keys []string
	)
	scan := func(ctx context.Context, c goredis.UniversalClient) error {
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	if cc, ok := c.(*goredis.ClusterClient); ok {
		cc.ForEachMaster(ctx, func(ctx context.Context, n *goredis.Client) error { return scan(ctx, n) })
	} else {
		scan(ctx, c)
	}
	return keys
}
