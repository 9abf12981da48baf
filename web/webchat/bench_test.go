package webchat_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laborbot/laborbot/web/webchat"
)

// BenchmarkSessions: 500 web sessions ask a question each, without a
// model, over HTTP (chat.js's request: the answer as events), against the
// real conversation and the embedded store. It reports the time from the
// post to the answer's event (p50, p99) and the answers a second:
//
//	go test ./web/webchat -run XXX -bench Sessions -benchtime 1x -count 3
//
// "at-once" starts all 500 together (a saturation burst: latency is time
// queued); "paced-N" sends N questions a second, a heavy but sustainable
// load.
func BenchmarkSessions(b *testing.B) {
	const sessions = 500
	e := newEnv(b, func(o *webchat.Options) {
		o.SessionRate, o.SessionBurst, o.IPRate, o.IPBurst = 1000, 1000, 1e6, 1e6
	})
	transport := &http.Transport{MaxIdleConns: sessions * 2, MaxIdleConnsPerHost: sessions * 2, MaxConnsPerHost: 0}
	// Realistic questions: every entry's own ways of asking, each asked
	// once (no answer-cache hits).
	var questions []string
	for _, en := range testEngine(b).Library().Entries() {
		questions = append(questions, en.Questions...)
	}
	clients := make([]*http.Client, sessions)
	for i := range clients {
		clients[i] = e.client(b)
		clients[i].Transport = transport
	}
	ask := func(c *http.Client, q string) (time.Duration, error) {
		start := time.Now()
		req, _ := http.NewRequest("POST", e.srv.URL+"/chat/send", strings.NewReader(url.Values{"text": {q}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/event-stream")
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		msgs := 0
		for sc.Scan() {
			if sc.Text() == "event: msg" {
				if msgs++; msgs == 2 { // the worker's own message, then the answer
					return time.Since(start), nil
				}
			}
		}
		return 0, fmt.Errorf("no answer (status %d)", resp.StatusCode)
	}
	next := 0
	run := func(b *testing.B, pace time.Duration) {
		lat := make([]time.Duration, sessions)
		var wg sync.WaitGroup
		var failed sync.Map
		start := time.Now()
		for i := range sessions {
			q := questions[next%len(questions)]
			next++
			if pace > 0 {
				time.Sleep(time.Until(start.Add(time.Duration(i) * pace)))
			}
			wg.Go(func() {
				d, err := ask(clients[i], q)
				if err != nil {
					failed.Store(i, err)
				}
				lat[i] = d
			})
		}
		wg.Wait()
		total := time.Since(start)
		failed.Range(func(k, v any) bool { b.Fatalf("session %v: %v", k, v); return false })
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(sessions)/total.Seconds(), "answers/s")
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")

	}
	b.Run("at-once", func(b *testing.B) {
		for range b.N {
			run(b, 0)
		}
	})
	for _, perSecond := range []int{100, 200, 500} {
		b.Run(fmt.Sprintf("paced-%d", perSecond), func(b *testing.B) {
			for range b.N {
				run(b, time.Second/time.Duration(perSecond))
			}
		})
	}
}
