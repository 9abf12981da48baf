package redis

import (
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url        string
		addrs      []string
		master     string
		db         int
		user, pass string
		tls        bool
		serverName string
		dial       time.Duration
	}{
		{url: "redis://127.0.0.1:6379", addrs: []string{"127.0.0.1:6379"}},
		{url: "redis://", addrs: []string{"localhost:6379"}},
		{url: "redis://cache", addrs: []string{"cache:6379"}},
		{url: "redis://u:p%40ss@cache:6380/2", addrs: []string{"cache:6380"}, db: 2, user: "u", pass: "p@ss"},
		{url: "redis://:p@[::1]:6379/0?dial_timeout=3", addrs: []string{"[::1]:6379"}, pass: "p", dial: 3 * time.Second},
		{url: "rediss://cache.example:6380", addrs: []string{"cache.example:6380"}, tls: true, serverName: "cache.example"},
		{
			url:   "redis://a:7000,b:7001, c",
			addrs: []string{"a:7000", "b:7001", "c:6379"},
		},
		{
			url:   "rediss://u:p@a:7000,b:7001/0?read_timeout=2s",
			addrs: []string{"a:7000", "b:7001"}, user: "u", pass: "p", tls: true, serverName: "",
		},
		{
			url:   "redis://:p@s1:26379,s2:26379/1?master_name=mymaster",
			addrs: []string{"s1:26379", "s2:26379"}, master: "mymaster", db: 1, pass: "p",
		},
		{
			url:   "redis://s1:26379?master_name=mymaster&dial_timeout=1s",
			addrs: []string{"s1:26379"}, master: "mymaster", dial: time.Second,
		},
	} {
		t.Run(tc.url, func(t *testing.T) {
			o, err := ParseURL(tc.url)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if strings.Join(o.Addrs, " ") != strings.Join(tc.addrs, " ") {
				t.Errorf("Addrs = %q, want %q", o.Addrs, tc.addrs)
			}
			if o.MasterName != tc.master {
				t.Errorf("MasterName = %q, want %q", o.MasterName, tc.master)
			}
			if o.DB != tc.db {
				t.Errorf("DB = %d, want %d", o.DB, tc.db)
			}
			if o.Username != tc.user || o.Password != tc.pass {
				t.Errorf("credentials = %q/%q, want %q/%q", o.Username, o.Password, tc.user, tc.pass)
			}
			if (o.TLSConfig != nil) != tc.tls {
				t.Fatalf("TLS = %v, want %v", o.TLSConfig != nil, tc.tls)
			}
			if tc.tls && o.TLSConfig.ServerName != tc.serverName {
				t.Errorf("TLS ServerName = %q, want %q", o.TLSConfig.ServerName, tc.serverName)
			}
			if o.DialTimeout != tc.dial {
				t.Errorf("DialTimeout = %v, want %v", o.DialTimeout, tc.dial)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, url := range []string{
		"",
		"127.0.0.1:6379",
		"http://cache:6379",
		"unix:///run/redis.sock",
		"redis://a:7000,,b:7001",
		"redis://a:7000,b:7001/3",     // a cluster has only db 0
		"redis://cache/x",             // bad db
		"redis://cache?bogus=1",       // unknown option
		"redis://cache?master_name=",  // empty master name
		"redis://:hunter2@cache:port", // bad port; must not echo the password
	} {
		t.Run(url, func(t *testing.T) {
			o, err := ParseURL(url)
			if err == nil {
				t.Fatalf("ParseURL succeeded with %+v; want an error", o)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}
