package knowledge

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// rerankGrid and containedGrid are the ranking weights Calibrate tries.
var (
	rerankGrid    = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3}
	containedGrid = []float64{0, 0.25, 0.5, 1}
	topicGrid     = []float64{0, 0.25, 0.5}
)

// CalibrationReport tells how a decision model was fitted.
type CalibrationReport struct {
	Items, Own int // calibration questions, entries' own questions
	// RerankHit1 is, by language and for each set of ranking weights
	// tried, the share of calibration labor questions and of own questions
	// whose first entry is right.
	RerankHit1 map[string]map[RankWeights][2]float64
	// DomainAccuracy and AnswerAccuracy are the models' accuracies on the
	// questions they were fitted on; the CV errors are the cross-validated
	// errors of the chosen models (balanced for the domain model, cost
	// weighted for the answer model).
	DomainAccuracy, AnswerAccuracy float64
	DomainCVError, AnswerCVError   float64
}

func (r CalibrationReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fitted on %d labelled questions and the entries' %d own questions\n", r.Items, r.Own)
	for _, lang := range sortedKeys(r.RerankHit1) {
		ws := make([]RankWeights, 0, len(r.RerankHit1[lang]))
		for w := range r.RerankHit1[lang] {
			ws = append(ws, w)
		}
		sort.Slice(ws, func(i, j int) bool {
			a, b := ws[i], ws[j]
			if a.Topic != b.Topic {
				return a.Topic < b.Topic
			}
			if a.Contained != b.Contained {
				return a.Contained < b.Contained
			}
			return a.Match < b.Match
		})
		for _, w := range ws {
			h := r.RerankHit1[lang][w]
			fmt.Fprintf(&b, "%s ranking match %.2f, contained %.2f, topic %.2f: first entry right for %.3f of labelled labor questions, %.3f of own questions\n", lang, w.Match, w.Contained, w.Topic, h[0], h[1])
		}
	}
	fmt.Fprintf(&b, "accuracy on the fitting questions: domain %.3f, answer %.3f; cross-validated error: domain %.3f, answer %.3f\n",
		r.DomainAccuracy, r.AnswerAccuracy, r.DomainCVError, r.AnswerCVError)
	return b.String()
}

// Calibrate fits the decision model on labelled questions: the items with
// Split "calibrate" (all of them when none has a split), with the engine's
// current library and configuration (so with an embeddings model the vector
// signal is fitted too). It chooses the question-match weight of the
// ranking that puts the right entry first most often (on the labelled labor
// questions and on the entries' own questions), then fits two logistic
// models: is the question about work (labor versus off-topic items), and
// does the best entry answer it (the expected outcome is "answer" and the
// first entry cites a gold or acceptable article). Fitting is deterministic:
// the same items give the same model.
func (e *Engine) Calibrate(ctx context.Context, items []EvalItem) (DecisionModel, CalibrationReport, error) {
	var rep CalibrationReport
	lib := e.lib.Load()
	if lib == nil {
		return DecisionModel{}, rep, errNotLoaded
	}
	var calib []EvalItem
	for _, it := range items {
		if it.Split == "calibrate" {
			calib = append(calib, it)
		}
	}
	if len(calib) == 0 {
		calib = items
	}
	rep.Items = len(calib)
	// Rank every question once; re-ordering for each weight is cheap.
	type ranked struct {
		it EvalItem
		r  *ranking
	}
	var labelled []ranked
	for _, it := range calib {
		r, err := e.rank(ctx, lib, it.Question, it.Lang, rankCandidates, rerankDepth)
		if err != nil {
			return DecisionModel{}, rep, err
		}
		labelled = append(labelled, ranked{it, r})
	}
	type own struct {
		key string
		r   *ranking
	}
	var owns []own
	for _, id := range lib.order {
		en := lib.entries[id]
		for _, q := range append([]string{en.Title}, en.Questions...) {
			r, err := e.rank(ctx, lib, q, en.Lang, rankCandidates, rerankDepth)
			if err != nil {
				return DecisionModel{}, rep, err
			}
			owns = append(owns, own{en.Key, r})
		}
	}
	rep.Own = len(owns)
	rep.RerankHit1 = map[string]map[RankWeights][2]float64{}
	m := DecisionModel{Ranking: map[string]RankWeights{}, ExactMatch: exactMatch}
	for _, lang := range []string{"zh", "en"} {
		rep.RerankHit1[lang] = map[RankWeights][2]float64{}
		bestScore := -1.0
		for _, wt := range topicGrid {
			for _, wc := range containedGrid {
				for _, wm := range rerankGrid {
					w := RankWeights{Match: wm, Contained: wc, Topic: wt}
					var right, n, ownRight, ownN int
					for _, l := range labelled {
						if l.it.Lang != lang || !l.it.InDomain() || len(l.it.Gold)+len(l.it.Acceptable) == 0 {
							continue
						}
						l.r.orderBy(w)
						n++
						if firstUseful(l.r, l.it) {
							right++
						}
					}
					for _, o := range owns {
						if o.r.lang != lang {
							continue
						}
						o.r.orderBy(w)
						ownN++
						if len(o.r.results) > 0 && lib.entries[o.r.results[0].ID].Key == o.key {
							ownRight++
						}
					}
					h := [2]float64{ratio(right, n), ratio(ownRight, ownN)}
					rep.RerankHit1[lang][w] = h
					// Strictly better only: ties keep the smaller weights.
					if score := h[0] + h[1]; score > bestScore+1e-9 {
						m.Ranking[lang], bestScore = w, score
					}
				}
			}
		}
	}
	var dom, ans sample
	labor := 0
	for _, l := range labelled {
		l.r.order(&m)
		s := l.r.signals()
		dom.add(s.domainFeatures(), l.it.InDomain(), 1)
		if l.it.InDomain() {
			labor++
			ans.add(s.answerFeatures(), l.it.Expected() == OutcomeAnswer && firstUseful(l.r, l.it), 1)
		}
	}
	// The entries' own questions choose the ranking weight above but are
	// not fitted on: they are in the index, so their signals are not those
	// of a question nobody has seen.
	// Both mistakes of the domain model cost a worker dearly (a labor
	// question refused, a divorce answered with a labor entry), so its
	// classes count equally. The answer model only chooses how an entry is
	// framed: it keeps the real share of right first entries, and the entry
	// is given as the answer when the model is confident enough
	// (answerThreshold). Which signals each model uses, and how strongly the
	// fit is regularised, is chosen by five-fold cross-validation on the
	// calibration questions.
	var domainCV, answerCV float64
	m.Domain, domainCV = selectModel(dom, domainFeatureSets, true, 0.5, 1)
	m.Answer, answerCV = selectModel(ans, answerFeatureSets, false, answerThreshold, 3)
	rep.DomainCVError, rep.AnswerCVError = domainCV, answerCV
	rep.DomainAccuracy = accuracy(m.Domain, dom.x[:len(labelled)], dom.y[:len(labelled)])
	rep.AnswerAccuracy = accuracy(m.Answer, ans.x[:labor], ans.y[:labor])
	m.FittedOn = fmt.Sprintf("%d labelled questions (%d about labor) and %d own questions of the entries", len(labelled), labor, len(owns))
	return m, rep, nil
}

// The signal sets model selection chooses from, simplest first (ties go to
// the simpler). Every set has the question's language (Chinese is compared
// in character pairs and English in words, so the same share means a
// little different in each), and every domain set has the search's own
// signals besides the lexicon's, so a labor question in words the lexicon
// lacks is not refused for that alone.
var (
	domainFeatureSets = [][]string{
		{"labor_words", "other_words", "match", "coverage", "english"},
		{"labor_words", "labor_strong", "other_words", "other_strong", "match", "coverage", "english"},
	}
	answerFeatureSets = [][]string{
		{"match", "coverage", "contained", "english"},
		{"match", "coverage", "contained", "score_gap", "topic_agrees", "english"},
		{"match", "coverage", "contained", "score_gap", "match_gap", "topic_agrees", "labor_words", "length", "english"},
	}
	l2Grid = []float64{0.1, 1, 10}
)

// selectModel picks the signal set and ridge penalty with the lowest
// five-fold cross-validated error (for balanced models the mean of the two
// classes' error rates; otherwise missed positives count 1 and false
// positives fpCost), then fits it on all the samples. With an embeddings
// model the vector signal joins every set.
func selectModel(s sample, sets [][]string, balance bool, threshold, fpCost float64) (Logistic, float64) {
	hasVector := false
	for _, x := range s.x {
		if _, ok := x["vector"]; ok {
			hasVector = true
			break
		}
	}
	bestErr := math.Inf(1)
	var bestSet []string
	bestL2 := l2
	for _, set := range sets {
		if hasVector {
			set = append(append([]string(nil), set...), "vector")
		}
		for _, pen := range l2Grid {
			if e := crossValidate(s.project(set), balance, threshold, fpCost, pen); e < bestErr-1e-9 {
				bestErr, bestSet, bestL2 = e, set, pen
			}
		}
	}
	p := s.project(bestSet)
	l := fitLogisticL2(p.x, p.y, p.w, balance, bestL2)
	l.Threshold = threshold
	return l, bestErr
}

const folds = 5

func crossValidate(s sample, balance bool, threshold, fpCost, pen float64) float64 {
	var fn, fp, pos, neg float64
	for f := 0; f < folds; f++ {
		var train sample
		for i := range s.x {
			if i%folds != f {
				train.add(s.x[i], s.y[i], s.w[i])
			}
		}
		l := fitLogisticL2(train.x, train.y, train.w, balance, pen)
		for i := range s.x {
			if i%folds != f {
				continue
			}
			yes := l.Prob(s.x[i]) >= threshold
			if s.y[i] {
				pos += s.w[i]
				if !yes {
					fn += s.w[i]
				}
			} else {
				neg += s.w[i]
				if yes {
					fp += s.w[i]
				}
			}
		}
	}
	if balance {
		return (fn/math.Max(pos, 1e-9) + fp/math.Max(neg, 1e-9)) / 2
	}
	return (fn + fpCost*fp) / math.Max(pos+neg, 1e-9)
}

// project keeps only the named signals.
func (s sample) project(names []string) sample {
	out := sample{y: s.y, w: s.w}
	for _, x := range s.x {
		px := make(map[string]float64, len(names))
		for _, k := range names {
			px[k] = x[k]
		}
		out.x = append(out.x, px)
	}
	return out
}

// sample is the data a logistic model is fitted on.
type sample struct {
	x []map[string]float64
	y []bool
	w []float64
}

func (s *sample) add(x map[string]float64, y bool, w float64) {
	s.x, s.y, s.w = append(s.x, x), append(s.y, y), append(s.w, w)
}

// firstUseful reports whether the first entry of a ranking cites a gold or
// acceptable article of the item in its first five citations.
func firstUseful(r *ranking, it EvalItem) bool {
	if len(r.results) == 0 {
		return false
	}
	return anyMatch(first5(r.results[0].Citations), append(append([]Citation(nil), it.Gold...), it.Acceptable...))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func accuracy(l Logistic, xs []map[string]float64, ys []bool) float64 {
	right := 0
	for i, x := range xs {
		if (l.Prob(x) >= l.Threshold) == ys[i] {
			right++
		}
	}
	return ratio(right, len(xs))
}

// answerThreshold is the probability that the best entry is right above
// which it is given as the answer: a wrong entry given as the answer is
// taken to cost a worker three times what a right one framed as the closest
// match (with other candidates offered) costs, so the entry is given as the
// answer when p > 3/(3+1).
const answerThreshold = 0.75

// l2 is the ridge penalty of the fit: it keeps weights small where the few
// labelled questions cannot pin them down.
const l2 = 1.0

// fitLogistic fits a logistic model by Newton's method with a ridge
// penalty (not on the bias), on weighted samples; with balance, each class
// weighted to count as much as the other. The threshold is 0.5.
func fitLogistic(xs []map[string]float64, ys []bool, ws []float64, balance bool) Logistic {
	return fitLogisticL2(xs, ys, ws, balance, l2)
}

func fitLogisticL2(xs []map[string]float64, ys []bool, ws []float64, balance bool, l2 float64) Logistic {
	nameSet := map[string]bool{}
	for _, x := range xs {
		for k := range x {
			nameSet[k] = true
		}
	}
	names := make([]string, 0, len(nameSet))
	for k := range nameSet {
		names = append(names, k)
	}
	sort.Strings(names)
	d := len(names) + 1 // the bias is the last
	var pos, total float64
	for i, y := range ys {
		total += ws[i]
		if y {
			pos += ws[i]
		}
	}
	wPos, wNeg := 1.0, 1.0
	if balance && pos > 0 && pos < total {
		wPos = total / (2 * pos)
		wNeg = total / (2 * (total - pos))
	}
	row := func(x map[string]float64) []float64 {
		v := make([]float64, d)
		for i, k := range names {
			v[i] = x[k]
		}
		v[d-1] = 1
		return v
	}
	rows := make([][]float64, len(xs))
	for i, x := range xs {
		rows[i] = row(x)
	}
	beta := make([]float64, d)
	for iter := 0; iter < 50; iter++ {
		grad := make([]float64, d)
		hess := make([][]float64, d)
		for i := range hess {
			hess[i] = make([]float64, d)
		}
		for i, v := range rows {
			z := 0.0
			for j := range v {
				z += beta[j] * v[j]
			}
			p := 1 / (1 + math.Exp(-z))
			w, y := wNeg*ws[i], 0.0
			if ys[i] {
				w, y = wPos*ws[i], 1
			}
			for j := range v {
				grad[j] += w * (p - y) * v[j]
				for k := range v {
					hess[j][k] += w * p * (1 - p) * v[j] * v[k]
				}
			}
		}
		for j := 0; j < d-1; j++ {
			grad[j] += l2 * beta[j]
			hess[j][j] += l2
		}
		hess[d-1][d-1] += 1e-6
		step := solve(hess, grad)
		change := 0.0
		for j := range beta {
			beta[j] -= step[j]
			change = math.Max(change, math.Abs(step[j]))
		}
		if change < 1e-9 {
			break
		}
	}
	l := Logistic{Bias: round4(beta[d-1]), Weights: map[string]float64{}, Threshold: 0.5}
	for i, k := range names {
		l.Weights[k] = round4(beta[i])
	}
	return l
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// solve solves a·x = b by Gaussian elimination with partial pivoting (a is
// small and, with the ridge, well conditioned).
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64(nil), a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		if m[r][r] != 0 {
			x[r] = s / m[r][r]
		}
	}
	return x
}
