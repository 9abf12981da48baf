package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestConfigParseErrorsNameTheVariable: for every field that is not a
// plain string, a value that does not parse is reported with the
// variable's name and value, never the Go field's name.
func TestConfigParseErrorsNameTheVariable(t *testing.T) {
	keys := configKeys()
	checked := 0
	for name, f := range keys {
		if f.Type.Kind() == reflect.String {
			continue
		}
		checked++
		key := envKey(f)
		t.Run(key, func(t *testing.T) {
			_, err := LoadConfig(map[string]string{key: "abc!"})
			if err == nil {
				t.Fatalf("%s=abc! accepted", key)
			}
			msg := err.Error()
			if !strings.Contains(msg, key+`="abc!"`) || strings.Contains(msg, name) || strings.Contains(msg, "parse error on field") {
				t.Errorf("%s=abc!: %s", key, msg)
			}
		})
	}
	if checked < 8 { // the typed fields when this was written
		t.Errorf("only %d typed fields checked", checked)
	}
}

// TestConfigMessages: the findings of issue 12, each with the message a
// user should see.
func TestConfigMessages(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"TELEGRAM_MAX_RATE": "abc"}, []string{`TELEGRAM_MAX_RATE="abc" is not a number`}},
		{map[string]string{"TELEGRAM_MAX_RATE": "0"}, []string{"TELEGRAM_MAX_RATE=0 must be more than 0 and at most 1000"}},
		{map[string]string{"TELEGRAM_MAX_RATE": "1001"}, []string{"TELEGRAM_MAX_RATE=1001 must be more than 0 and at most 1000"}},
		{map[string]string{"ADMIN_IDS": "x"}, []string{`ADMIN_IDS="x" has "x" that is not a whole number`}},
		{map[string]string{"ADMIN_IDS": "1,x,3"}, []string{`ADMIN_IDS="1,x,3" has "x" that is not a whole number`}},
		{map[string]string{"MEDIATOR_CHAT_ID": "x"}, []string{`MEDIATOR_CHAT_ID="x" is not a whole number`}},
		{map[string]string{"MEDIATOR_CHAT_ID": "99999999999999999999"}, []string{`MEDIATOR_CHAT_ID="99999999999999999999" is too large`}},
		{map[string]string{"LLM_TIMEOUT": "20"}, []string{`LLM_TIMEOUT="20" is not a duration: use a unit, e.g. 20s`}},
		{map[string]string{"LLM_TIMEOUT": "soon"}, []string{`LLM_TIMEOUT="soon" is not a duration`, "20s"}},
		{map[string]string{"LLM_TIMEOUT": "0s"}, []string{"LLM_TIMEOUT=0s must be more than 0 and at most 5m"}},
		{map[string]string{"EVIDENCE_DOWNLOAD": "yes"}, []string{`EVIDENCE_DOWNLOAD="yes" must be true or false`}},
		{map[string]string{"WEBCHAT": "on"}, []string{`WEBCHAT="on" must be true or false`}},
		{map[string]string{"CONSOLE_IDLE": "2"}, []string{`CONSOLE_IDLE="2" is not a duration: use a unit, e.g. 2s`}},
		{map[string]string{"OPS_ADDR": "9090"}, []string{`OPS_ADDR "9090" must be host:port`}},
		{map[string]string{"OPS_ADDR": ":8080"}, []string{`OPS_ADDR ":8080" must differ from HTTP_ADDR`}},
		{map[string]string{"OPENAI_MODEL": "gpt-4o-mini"}, []string{"OPENAI_MODEL is set but OPENAI_API_KEY is not", "OPENAI_BASE_URL"}},
		{map[string]string{"OPENAI_EMBEDDING_MODEL": "text-embedding-3-small"}, []string{"OPENAI_API_KEY is not"}},
		// Every problem at once, not the first only.
		{map[string]string{"TELEGRAM_MAX_RATE": "abc", "LLM_TIMEOUT": "20"}, []string{"TELEGRAM_MAX_RATE", "LLM_TIMEOUT"}},
	} {
		_, err := LoadConfig(c.env)
		if err == nil {
			t.Errorf("%v accepted", c.env)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", c.env, err, w)
			}
		}
	}
}

// TestConfigTolerates: lists with spaces and a trailing comma, spaces
// around values, a keyless model server with a base URL.
func TestConfigTolerates(t *testing.T) {
	cfg, err := LoadConfig(map[string]string{"ADMIN_IDS": " 1, 2 ,3,", "MEDIATOR_CHAT_ID": " -100123 \r", "TELEGRAM_MAX_RATE": "25 ",
		"EVIDENCE_DOWNLOAD": " true", "LLM_TIMEOUT": "15s\n",
		"OPENAI_MODEL": "qwen2.5", "OPENAI_BASE_URL": "http://localhost:11434/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.AdminIDs, []int64{1, 2, 3}) || cfg.MediatorChatID != -100123 || cfg.TelegramRate != 25 ||
		!cfg.EvidenceDownload || cfg.LLMTimeout != 15*time.Second {
		t.Errorf("%+v", cfg)
	}
	for _, v := range []string{"", ",", " , "} {
		cfg, err := LoadConfig(map[string]string{"ADMIN_IDS": v})
		if err != nil || len(cfg.AdminIDs) != 0 {
			t.Errorf("ADMIN_IDS=%q: %v %v", v, cfg.AdminIDs, err)
		}
	}
	cfg, err = LoadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OpsAddr != defaultOpsAddr || cfg.HTTPAddr != ":8080" {
		t.Errorf("defaults: OPS_ADDR %q, HTTP_ADDR %q", cfg.OpsAddr, cfg.HTTPAddr)
	}
	if _, err := LoadConfig(map[string]string{"OPS_ADDR": "127.0.0.1:0", "HTTP_ADDR": "127.0.0.1:0"}); err != nil {
		t.Errorf("two ephemeral ports: %v", err)
	}
}
