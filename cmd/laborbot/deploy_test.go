package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The deployment files cannot be run here (no Docker daemon in CI); these
// tests read them and check what a fresh clone's `docker compose up`
// depends on.

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type composeService struct {
	Build       any               `yaml:"build"`
	Image       string            `yaml:"image"`
	Restart     string            `yaml:"restart"`
	EnvFile     any               `yaml:"env_file"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

func TestDockerCompose(t *testing.T) {
	var c struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(readRepoFile(t, "docker-compose.yml")), &c); err != nil {
		t.Fatal(err)
	}
	bot, redis := c.Services["bot"], c.Services["redis"]
	// Every variable of .env reaches the bot.
	if files := envFiles(bot.EnvFile); !slices.Contains(files, ".env") {
		t.Errorf("bot env_file = %v, want .env", bot.EnvFile)
	}
	if bot.Environment["REDIS_URL"] != "redis://redis:6379/0" {
		t.Errorf("REDIS_URL = %q", bot.Environment["REDIS_URL"])
	}
	keys := map[string]bool{}
	for _, f := range configKeys() {
		keys[envKey(f)] = true
	}
	for k := range bot.Environment {
		if !keys[k] {
			t.Errorf("compose sets %s, which the bot does not read", k)
		}
	}
	// The container's healthcheck is the binary's own (distroless has no curl).
	if !slices.Equal(bot.Healthcheck.Test, []string{"CMD", "/laborbot", "healthcheck"}) {
		t.Errorf("bot healthcheck = %v", bot.Healthcheck.Test)
	}
	for name, s := range map[string]composeService{"bot": bot, "redis": redis} {
		if s.Restart != "unless-stopped" {
			t.Errorf("%s restart = %q", name, s.Restart)
		}
	}
	// Only the public site is published; the operators' port is not.
	_, opsPort, _ := strings.Cut(bot.Environment["OPS_ADDR"], ":")
	if opsPort == "" || bot.Environment["OPS_ADDR"] == bot.Environment["HTTP_ADDR"] {
		t.Errorf("OPS_ADDR = %q", bot.Environment["OPS_ADDR"])
	}
	for _, p := range bot.Ports {
		if strings.HasSuffix(p, ":"+opsPort) || strings.HasSuffix(p, ":"+opsPort+"/tcp") {
			t.Errorf("compose publishes the operators' port: %q", p)
		}
	}
	if !slices.Equal(bot.Ports, []string{"8080:8080"}) {
		t.Errorf("bot ports = %v", bot.Ports)
	}
	// A fresh clone has no ./laws (nor any other untracked host path):
	// Docker would make an empty directory, and the bot start without
	// statutes; mounts of host paths must exist in the checkout.
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(filepath.Join("..", "..", src)); err != nil {
					t.Errorf("%s mounts %s, which a fresh clone does not have", name, src)
				}
			}
		}
	}
}

func envFiles(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			switch e := e.(type) {
			case string:
				out = append(out, e)
			case map[string]any:
				if p, ok := e["path"].(string); ok {
					out = append(out, p)
				}
			}
		}
		return out
	}
	return nil
}

func TestDockerfile(t *testing.T) {
	df := readRepoFile(t, "Dockerfile")
	for _, want := range []string{
		"USER nonroot",
		"ARG VERSION",
		"-X main.version=${VERSION}",
		`HEALTHCHECK`,
		`CMD ["/laborbot", "healthcheck"]`,
		"OPS_ADDR=:9090",
		"--chown=65532:65532 /out/data /data",
		"chown -R 65532:65532",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^EXPOSE .*9090`).MatchString(df) {
		t.Error("Dockerfile exposes the operators' port")
	}
	di := readRepoFile(t, ".dockerignore")
	lines := strings.Split(di, "\n")
	for _, want := range []string{".git", "data/", "**/*.db", ".env", "testoutput/", "/laborbot", "**/*.test"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
}

// TestEnvExample: .env.example names only variables the bot reads, and
// as it stands (values empty) the configuration loads.
func TestEnvExample(t *testing.T) {
	keys := map[string]reflect.StructField{}
	for _, f := range configKeys() {
		keys[envKey(f)] = f
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readRepoFile(t, ".env.example")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf(".env.example: %q is not KEY=value", line)
			continue
		}
		if _, known := keys[k]; !known {
			t.Errorf(".env.example sets %s, which the bot does not read", k)
		}
		env[k] = v
	}
	if _, ok := env["TELEGRAM_BOT_TOKEN"]; !ok {
		t.Error(".env.example lacks TELEGRAM_BOT_TOKEN")
	}
	if _, err := LoadConfig(env); err != nil {
		t.Errorf(".env.example as it stands: %v", err)
	}
}

// TestREADMEConfiguration: the README's configuration table has every
// variable the bot reads.
func TestREADMEConfiguration(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for _, f := range configKeys() {
		if k := envKey(f); !strings.Contains(readme, "| `"+k+"`") && !strings.Contains(readme, "`"+k+"`, `") && !strings.Contains(readme, ", `"+k+"` |") {
			t.Errorf("README's configuration table lacks %s", k)
		}
	}
}
