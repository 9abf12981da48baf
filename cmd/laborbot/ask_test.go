package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runMain(t *testing.T, stdin string, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	if env == nil {
		env = map[string]string{}
	}
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Environ: env}
	err := m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestAskText(t *testing.T) {
	out, _, err := runMain(t, "", nil, "ask", "老板拖欠我三个月工资怎么办")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"《劳动合同法》第30条", "《劳动争议调解仲裁法》第27条", "《保障农民工工资支付条例》", "12351", "一般性法律信息"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
	// Plain text, as the terminal chat prints it: no Markdown markup.
	if strings.Contains(out, "**") {
		t.Errorf("the answer shows Markdown:\n%.300s", out)
	}
}

type askOut struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Sources  []struct {
		ID        string  `json:"id"`
		Title     string  `json:"title"`
		Score     float64 `json:"score"`
		Citations []struct {
			Law     string `json:"law"`
			Article int    `json:"article"`
		} `json:"citations"`
	} `json:"sources"`
}

func TestAskJSONFromStdin(t *testing.T) {
	in := "我被辞退了有补偿吗\n\nMy employer does not pay social insurance for me\n"
	out, _, err := runMain(t, in, nil, "ask", "--json", "-k", "2", "-")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	var got []askOut
	for sc.Scan() {
		var a askOut
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		got = append(got, a)
	}
	if len(got) != 2 {
		t.Fatalf("%d JSON lines for 2 questions (a blank line skipped)", len(got))
	}
	if got[0].Question != "我被辞退了有补偿吗" || got[1].Question != "My employer does not pay social insurance for me" {
		t.Errorf("questions: %q, %q", got[0].Question, got[1].Question)
	}
	for _, a := range got {
		if a.Answer == "" || len(a.Sources) == 0 || len(a.Sources) > 2 {
			t.Fatalf("answer %+v", a)
		}
		for i := 1; i < len(a.Sources); i++ {
			if a.Sources[i].Score > a.Sources[0].Score {
				t.Errorf("sources not best first: %+v", a.Sources)
			}
		}
		c := a.Sources[0].Citations
		if len(c) == 0 || c[0].Law == "" || c[0].Article <= 0 {
			t.Errorf("citations: %+v", c)
		}
	}
	if !strings.Contains(got[1].Answer, "Social Insurance Law") {
		t.Errorf("English question got: %s", got[1].Answer)
	}
}

func TestAskUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"ask"}, {"ask", "--lang", "fr", "q"}, {"ask", "-k", "0", "q"}} {
		_, errOut, err := runMain(t, "", nil, args...)
		if err == nil || errOut == "" {
			t.Errorf("%v: err %v, stderr %q", args, err, errOut)
		}
	}
	if _, _, err := runMain(t, "", map[string]string{"LLM_TIMEOUT": "-1s"}, "ask", "q"); err == nil || !strings.Contains(err.Error(), "LLM_TIMEOUT") {
		t.Errorf("a bad LLM_TIMEOUT was not reported by name: %v", err)
	}
	if _, _, err := runMain(t, "", map[string]string{"WEBHOOK_URL": "https://x.org/hook"}, "ask", "q"); err == nil || !strings.Contains(err.Error(), "WEBHOOK_SECRET") {
		t.Errorf("a webhook without a secret was accepted: %v", err)
	}
	// Without a token the web chat runs alone (TestE2EWebChatAlone); with
	// the web chat off too there is nothing to run.
	if _, _, err := runMain(t, "", map[string]string{"WEBCHAT": "false"}, "run"); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("running without a token or the web chat: %v", err)
	}
	if _, _, err := runMain(t, "", map[string]string{"MEDIATOR_CHAT_ID": "-100500"}, "run"); err == nil || !strings.Contains(err.Error(), "MEDIATOR_CHAT_ID") {
		t.Errorf("a mediators' group without Telegram: %v", err)
	}
}

// A flag after the question is a flag, not words of the question.
func TestAskFlagAfterQuestion(t *testing.T) {
	out, _, err := runMain(t, "", nil, "ask", "老板拖欠我三个月工资怎么办", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var a askOut
	if err := json.Unmarshal([]byte(out), &a); err != nil || a.Question != "老板拖欠我三个月工资怎么办" {
		t.Errorf("ask QUESTION --json: %v %q\n%.300s", err, a.Question, out)
	}
}
