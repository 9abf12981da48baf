package knowledge_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/laborbot/laborbot/bleve"
	"github.com/laborbot/laborbot/knowledge"
	"github.com/laborbot/laborbot/knowledge/content"
)

// shortQuestions are what workers type into a phone: a few words.
var shortQuestions = []string{"欠薪", "老板拖欠我三个月工资怎么办", "被辞退有补偿吗", "没交社保", "年假", "加班费怎么算",
	"试用期被辞", "干活受伤", "怀孕被辞退", "劳动仲裁要钱吗", "unpaid wages", "fired while pregnant", "劳动合同法第四十七条"}

func benchSearch(b *testing.B, questions []string) {
	eng := newEngine(b, true, knowledge.Options{})
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := eng.Search(ctx, questions[i%len(questions)], knowledge.SearchOptions{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(eng.Library().Passages()), "passages")
}

// BenchmarkSearchShort searches the full index (entries and every statute
// article of shared/laws) with short, phone-typed questions.
func BenchmarkSearchShort(b *testing.B) { benchSearch(b, shortQuestions) }

// BenchmarkSearchDev searches with the long real questions of the
// evaluation set.
func BenchmarkSearchDev(b *testing.B) {
	var qs []string
	for _, it := range evalItems(b) {
		qs = append(qs, it.Question)
	}
	benchSearch(b, qs)
}

// benchDecide measures what a question costs before any text is written:
// the search and the relevance decision together (BestEntry: ranking,
// re-ranking, the decision, and for questions raising several problems the
// search of each), on the full index with every statute article loaded.
func benchDecide(b *testing.B, questions []string) {
	eng := newEngine(b, true, knowledge.Options{})
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := questions[i%len(questions)]
		start := time.Now()
		if _, _, err := eng.BestEntry(ctx, q, knowledge.DetectLang(q)); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(eng.Library().Passages()), "passages")
}

// BenchmarkDecideShort: search and decision for short phone-typed
// questions, off-topic ones among them.
func BenchmarkDecideShort(b *testing.B) {
	benchDecide(b, append(append([]string(nil), shortQuestions...), "今天天气怎么样", "我和老公要离婚孩子归谁", "What's the weather like today?",
		"老板拖欠我三个月工资，还把我开除了，社保也一直没交"))
}

// BenchmarkDecideDev: search and decision for the long real questions of
// the evaluation set.
func BenchmarkDecideDev(b *testing.B) {
	var qs []string
	for _, it := range evalItems(b) {
		qs = append(qs, it.Question)
	}
	benchDecide(b, qs)
}

// BenchmarkDecideOwnSet: search and decision for the project's own
// labelled questions (long, short, off-topic).
func BenchmarkDecideOwnSet(b *testing.B) {
	var qs []string
	for _, it := range ownEvalItems(b) {
		qs = append(qs, it.Question)
	}
	benchDecide(b, qs)
}

// BenchmarkIndexBuild measures building the full index and the memory it
// holds afterwards.
func BenchmarkIndexBuild(b *testing.B) {
	laws := loadStatutes(b)
	entries, _ := knowledge.LoadEntriesFS(content.Files, laws)
	passages := len(entries)
	for _, st := range laws.List() {
		passages += len(st.Articles)
	}
	b.ReportAllocs()
	var heap uint64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		// What a start-up builds: the entries' index and term profiles, and
		// the statute articles' index.
		eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
		if err := eng.Load(context.Background(), entries, laws); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		runtime.KeepAlive(eng)
	}
	b.ReportMetric(float64(heap)/(1<<20), "index-MiB")
	b.ReportMetric(float64(passages), "passages")
}

// BenchmarkLoadEntries measures loading the built-in entries without
// statutes: what `laborbot ask` does before it can answer.
func BenchmarkLoadEntries(b *testing.B) {
	entries, _ := knowledge.LoadEntriesFS(content.Files, nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		eng := knowledge.NewEngine(knowledge.Options{Index: bleve.Build})
		if err := eng.Load(context.Background(), entries, nil); err != nil {
			b.Fatal(err)
		}
	}
}
