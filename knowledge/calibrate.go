package knowledge

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// rerankGrid are the question-match weights Calibrate tries.
var rerankGrid = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3}

// CalibrationReport tells how a decision model was fitted.
type CalibrationReport struct {
	Items, Own int // calibration questions, entries' own questions
	// RerankHit1 is, for each weight tried, the share of calibration labor
	// questions and of own questions whose first entry is right.
	RerankHit1 map[float64][2]float64
	// DomainAccuracy and AnswerAccuracy are the models' accuracies on the
	// questions they were fitted on.
	DomainAccuracy, AnswerAccuracy float64
}

func (r CalibrationReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fitted on %d labelled questions and the entries' %d own questions\n", r.Items, r.Own)
	ws := make([]float64, 0, len(r.RerankHit1))
	for w := range r.RerankHit1 {
		ws = append(ws, w)
	}
	sort.Float64s(ws)
	for _, w := range ws {
		h := r.RerankHit1[w]
		fmt.Fprintf(&b, "rerank %.2f: first entry right for %.3f of labelled labor questions, %.3f of own questions\n", w, h[0], h[1])
	}
	fmt.Fprintf(&b, "accuracy on the fitting questions: domain %.3f, answer %.3f\n", r.DomainAccuracy, r.AnswerAccuracy)
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
		r, err := e.rank(ctx, lib, it.Question, it.Lang)
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
			r, err := e.rank(ctx, lib, q, en.Lang)
			if err != nil {
				return DecisionModel{}, rep, err
			}
			owns = append(owns, own{en.Key, r})
		}
	}
	rep.Own = len(owns)
	rep.RerankHit1 = map[float64][2]float64{}
	bestW, bestScore := 0.0, -1.0
	for _, w := range rerankGrid {
		var right, n, ownRight int
		for _, l := range labelled {
			if !l.it.InDomain() || len(l.it.Gold)+len(l.it.Acceptable) == 0 {
				continue
			}
			l.r.order(w)
			n++
			if firstUseful(l.r, l.it) {
				right++
			}
		}
		for _, o := range owns {
			o.r.order(w)
			if len(o.r.results) > 0 && lib.entries[o.r.results[0].ID].Key == o.key {
				ownRight++
			}
		}
		h := [2]float64{ratio(right, n), ratio(ownRight, len(owns))}
		rep.RerankHit1[w] = h
		// Strictly better only: ties keep the smaller weight.
		if score := h[0] + h[1]; score > bestScore+1e-9 {
			bestW, bestScore = w, score
		}
	}
	m := DecisionModel{Rerank: bestW}
	var dx, ax []map[string]float64
	var dy, ay []bool
	for _, l := range labelled {
		l.r.order(bestW)
		s := l.r.signals()
		dx = append(dx, s.domainFeatures())
		dy = append(dy, l.it.InDomain())
		if l.it.InDomain() {
			ax = append(ax, s.answerFeatures())
			ay = append(ay, l.it.Expected() == OutcomeAnswer && firstUseful(l.r, l.it))
		}
	}
	m.Domain = fitLogistic(dx, dy)
	m.Answer = fitLogistic(ax, ay)
	rep.DomainAccuracy = accuracy(m.Domain, dx, dy)
	rep.AnswerAccuracy = accuracy(m.Answer, ax, ay)
	m.FittedOn = fmt.Sprintf("%d labelled questions (%d about labor) and %d own questions of the entries", len(labelled), len(ax), len(owns))
	return m, rep, nil
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

// l2 is the ridge penalty of the fit: it keeps weights small where the few
// labelled questions cannot pin them down.
const l2 = 1.0

// fitLogistic fits a logistic model by Newton's method with a ridge
// penalty (not on the bias), each class weighted to count as much as the
// other. The threshold is 0.5.
func fitLogistic(xs []map[string]float64, ys []bool) Logistic {
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
	var pos int
	for _, y := range ys {
		if y {
			pos++
		}
	}
	wPos, wNeg := 1.0, 1.0
	if pos > 0 && pos < len(ys) {
		wPos = float64(len(ys)) / (2 * float64(pos))
		wNeg = float64(len(ys)) / (2 * float64(len(ys)-pos))
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
			w, y := wNeg, 0.0
			if ys[i] {
				w, y = wPos, 1
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
