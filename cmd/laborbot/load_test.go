package main

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/laborbot/laborbot/bot/telegram/telegramtest"
)

// Load benchmarks: many chats send questions at once through the fake Bot
// API server; each update must get its reply. They report updates a second,
// the time from an update being available to its reply (p50, p99) and the
// heap in use, for the real bot (retrieval-only answers) and for a bare echo
// handler on the same library and fake server, as the baseline.
//
//	go test ./cmd/laborbot -run XXX -bench Load -benchtime 1x
const (
	loadChats   = 400
	loadPerChat = 2 // within the per-chat burst, so pacing does not dominate
)

var loadQuestions = []string{"老板拖欠我三个月工资怎么办", "我被辞退了有补偿吗", "公司不交社保怎么办", "加班费怎么算",
	"试用期被辞退有补偿吗", "干活受伤了怎么认定工伤", "怀孕了公司能辞退我吗", "年假有几天", "劳动仲裁要钱吗", "How much severance do I get?"}

// BenchmarkLoadBot sends all updates at once: throughput at saturation
// (latency is then mostly time spent queued). Questions repeat, as common
// questions do, so the answer cache serves most of them.
var loadPlaces = []string{"成都", "太原", "深圳", "东莞", "武汉", "郑州", "西安", "杭州", "苏州", "重庆", "长沙", "昆明"}

func BenchmarkLoadBot(b *testing.B) { benchBot(b, 0, false) }

// BenchmarkLoadBotCold is the same with every question different, so each
// one is searched.
func BenchmarkLoadBotCold(b *testing.B) { benchBot(b, 0, true) }

// BenchmarkLoadBotPaced sends 200 updates a second, a heavy but sustainable
// load: latency as workers see it (every question different).
func BenchmarkLoadBotPaced(b *testing.B) { benchBot(b, 200, true) }

func benchBot(b *testing.B, rate int, distinct bool) {
	for i := 0; i < b.N; i++ {
		tg := telegramtest.NewServer(b, testToken)
		// The global limit is lifted to measure the bot itself: with the
		// default (Telegram's 30 messages a second) throughput is 30/s by design.
		startBot(b, tg, map[string]string{"TELEGRAM_MAX_RATE": "1000", "LOG_LEVEL": "warn"})
		runLoad(b, tg, rate, distinct)
	}
}

func BenchmarkLoadEchoPaced(b *testing.B) { benchEcho(b, 200) }

func BenchmarkLoadEcho(b *testing.B) { benchEcho(b, 0) }

func benchEcho(b *testing.B, rate int) {
	for i := 0; i < b.N; i++ {
		tg := telegramtest.NewServer(b, testToken)
		ctx, cancel := context.WithCancel(context.Background())
		echo, err := tgbot.New(testToken, tgbot.WithServerURL(tg.URL()), tgbot.WithHTTPClient(3*time.Second, &http.Client{Timeout: 10 * time.Second}),
			tgbot.WithDefaultHandler(func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
				if u.Message != nil {
					b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
				}
			}))
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan struct{})
		go func() { echo.Start(ctx); close(done) }()
		runLoad(b, tg, rate, true)
		cancel()
		<-done
	}
}

// runLoad pushes the updates (all at once when rate is 0, else rate a
// second) and waits for every reply.
func runLoad(b *testing.B, tg *telegramtest.Server, rate int, distinct bool) {
	b.Helper()
	runtime.GC()
	total := loadChats * loadPerChat
	pushed := make(map[int64][]time.Time, loadChats)
	start := time.Now()
	for k := 0; k < loadPerChat; k++ {
		for c := int64(1); c <= loadChats; c++ {
			q := loadQuestions[(int(c)+k)%len(loadQuestions)]
			if distinct {
				// A different place and job per question: a search every time.
				q = fmt.Sprintf("我在%s第%d工地干活，%s", loadPlaces[int(c)%len(loadPlaces)], int(c)*loadPerChat+k, q)
			}
			if rate > 0 {
				n := k*loadChats + int(c-1)
				time.Sleep(time.Until(start.Add(time.Duration(n) * time.Second / time.Duration(rate))))
			}
			pushed[c] = append(pushed[c], time.Now())
			tg.PushUpdate(telegramtest.TextMessage(10_000+c, 10_000+c, q))
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	var replies []telegramtest.Call
	for {
		replies = replies[:0]
		for _, c := range tg.CallsTo("sendMessage") {
			if c.OK() {
				replies = append(replies, c)
			}
		}
		if len(replies) >= total {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d replies arrived", len(replies), total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// Each chat's replies come in order: the k-th reply answers the k-th update.
	seen := map[int64]int{}
	var lat []time.Duration
	for _, c := range replies {
		chat := c.Int64("chat_id") - 10_000
		k := seen[chat]
		seen[chat]++
		if k < len(pushed[chat]) {
			lat = append(lat, c.At.Sub(pushed[chat][k]))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(total)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	fmt.Fprintf(testingOutput{b}, "%d chats × %d updates in %s\n", loadChats, loadPerChat, elapsed.Round(time.Millisecond))
}

type testingOutput struct{ b *testing.B }

func (o testingOutput) Write(p []byte) (int, error) { o.b.Log(string(p)); return len(p), nil }
