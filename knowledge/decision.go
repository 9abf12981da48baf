package knowledge

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Outcome is what the relevance decision made of a question.
type Outcome string

// The three outcomes a worker can see.
const (
	// OutcomeAnswer: a labor question the knowledge base answers; the best
	// entry is the answer.
	OutcomeAnswer Outcome = "answer"
	// OutcomePartial: a labor question the knowledge base covers only in
	// part; the closest entry is shown as the closest match, with other
	// candidates to pick from.
	OutcomePartial Outcome = "partial"
	// OutcomeOffTopic: not a labor question; a short reply says what the bot
	// covers and where to go instead, with no labor entry.
	OutcomeOffTopic Outcome = "off_topic"
)

// Signals are what the relevance decision looks at for one question and
// its best entry. They are computed the same way for every question, so a
// model calibrated on some questions applies to others.
type Signals struct {
	// From the domain lexicon (lexicon.go).
	LaborWords float64 `json:"labor_words"` // weight of the labor words found
	// LaborStrong is the weight of those that are about work whatever the
	// sentence (工伤, 社保, 辞退…).
	LaborStrong float64 `json:"labor_strong"`
	OtherWords  float64 `json:"other_words"` // weight of the other field's words
	// OtherStrong is the weight of that field's unmistakable words (离婚,
	// 驾照, 个税…).
	OtherStrong float64  `json:"other_strong"`
	OtherField  string   `json:"other_field,omitempty"`
	Problems    []string `json:"problems,omitempty"` // labor problems mentioned
	// From the search, for the best entry.
	Match    float64 `json:"match"`    // closeness to one of the entry's own questions or its title
	Coverage float64 `json:"coverage"` // share of the question's weight found in the entry
	// Contained is the largest share of one of the entry's own questions
	// found in the question.
	Contained float64 `json:"contained"`
	// ScoreGap is how far the best entry's score is ahead of the second's
	// (0: a tie, 1: nothing else found).
	ScoreGap float64 `json:"score_gap"`
	// MatchGap is the best entry's Match minus the runner-up's.
	MatchGap float64 `json:"match_gap"`
	// TopicAgrees: 1 when the best entry is about a problem the question
	// mentions, 0 when the question names problems and this is none of
	// them, 0.5 when it names none.
	TopicAgrees float64 `json:"topic_agrees"`
	// Length is the log of the number of the question's terms.
	Length float64 `json:"length"`
	// Vector is the cosine similarity of the question and the best entry
	// with an embeddings model (HasVector false without one).
	Vector    float64 `json:"vector,omitempty"`
	HasVector bool    `json:"-"`
	English   bool    `json:"english,omitempty"`
}

// domainFeatures are the inputs of "is this about work at all".
func (s Signals) domainFeatures() map[string]float64 {
	f := map[string]float64{
		"labor_words":  math.Log1p(s.LaborWords),
		"labor_strong": math.Log1p(s.LaborStrong),
		"other_words":  math.Log1p(s.OtherWords),
		"other_strong": math.Log1p(s.OtherStrong),
		"match":        s.Match,
		"coverage":     s.Coverage,
		"english":      b2f(s.English),
	}
	if s.HasVector {
		f["vector"] = s.Vector
	}
	return f
}

// answerFeatures are the inputs of "does the best entry answer it".
func (s Signals) answerFeatures() map[string]float64 {
	f := map[string]float64{
		"match":        s.Match,
		"coverage":     s.Coverage,
		"contained":    s.Contained,
		"score_gap":    s.ScoreGap,
		"match_gap":    s.MatchGap,
		"topic_agrees": s.TopicAgrees,
		"labor_words":  math.Log1p(s.LaborWords),
		"length":       s.Length,
		"english":      b2f(s.English),
	}
	if s.HasVector {
		f["vector"] = s.Vector
	}
	return f
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Logistic is a logistic model over named features: P = σ(bias + Σ w·x).
// Features the model has no weight for are ignored, so a model calibrated
// without an embeddings model ignores the vector signal.
type Logistic struct {
	Bias      float64            `json:"bias"`
	Weights   map[string]float64 `json:"weights"`
	Threshold float64            `json:"threshold"`
}

// Prob is the model's probability for the features x.
func (l Logistic) Prob(x map[string]float64) float64 {
	z := l.Bias
	for k, w := range l.Weights {
		z += w * x[k]
	}
	return 1 / (1 + math.Exp(-z))
}

// DecisionModel is the calibrated relevance decision: whether a question is
// about work at all, and whether the best entry answers it, and how entries
// are ranked in each language (Ranking, by "zh" and "en").
//
// ExactMatch is a rule, not a fit: a question that matches one of the best
// entry's own questions at least this closely (Signals.Match; 1 is word for
// word) is answered by it. An entry's sample questions are, by definition,
// questions it answers; the labelled questions have too few such matches
// for the models to learn it.
type DecisionModel struct {
	Domain     Logistic               `json:"domain"`
	Answer     Logistic               `json:"answer"`
	Ranking    map[string]RankWeights `json:"ranking"`
	ExactMatch float64                `json:"exact_match"`
	FittedOn   string                 `json:"fitted_on"`
}

// RankWeights weigh, when ranking entries, the question's match with an
// entry's own questions, how much of one of them it contains, and whether
// the entry is about a problem the question names: score = lexical score /
// the best lexical score + Match × match + Contained × contained + Topic
// (when it is). Chinese is compared in character pairs, English in words,
// so each language has its own.
type RankWeights struct {
	Match     float64 `json:"match"`
	Contained float64 `json:"contained"`
	Topic     float64 `json:"topic"`
}

// exactMatch is the ExactMatch of a calibration.
const exactMatch = 0.9

//go:embed decision.json
var builtinDecisionJSON []byte

// BuiltinDecision returns the decision model calibrated on the labelled
// questions in eval/questions.jsonl (the calibration half), without an
// embeddings model. `laborbot eval --calibrate FILE` fits another (for
// example with embeddings configured); DECISION_FILE loads it.
func BuiltinDecision() DecisionModel {
	m, err := ParseDecisionModel(builtinDecisionJSON)
	if err != nil {
		panic("knowledge: built-in decision model: " + err.Error())
	}
	return m
}

// ParseDecisionModel reads a decision model written by Calibrate.
func ParseDecisionModel(b []byte) (DecisionModel, error) {
	var m DecisionModel
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	if len(m.Domain.Weights) == 0 || len(m.Answer.Weights) == 0 {
		return m, fmt.Errorf("decision model has no weights")
	}
	if m.Domain.Threshold <= 0 || m.Domain.Threshold >= 1 || m.Answer.Threshold <= 0 || m.Answer.Threshold >= 1 {
		return m, fmt.Errorf("decision model thresholds must be between 0 and 1")
	}
	for lang, w := range m.Ranking {
		if w.Match < 0 || w.Contained < 0 || w.Topic < 0 {
			return m, fmt.Errorf("decision model ranking weights for %s must not be negative", lang)
		}
	}
	if m.ExactMatch < 0 || m.ExactMatch > 1 {
		return m, fmt.Errorf("decision model exact_match must be between 0 and 1 (0: no rule)")
	}
	return m, nil
}

// Decision is the outcome for a question, with the probabilities and the
// signals it was made from (for the gaps list, evaluation and debugging).
type Decision struct {
	Outcome Outcome `json:"outcome"`
	PLabor  float64 `json:"p_labor"`
	PAnswer float64 `json:"p_answer"`
	Signals Signals `json:"signals"`
}

// decide applies the model to the signals.
func (m DecisionModel) decide(s Signals) Decision {
	d := Decision{Signals: s}
	d.PLabor = m.Domain.Prob(s.domainFeatures())
	d.PAnswer = m.Answer.Prob(s.answerFeatures())
	exact := m.ExactMatch > 0 && s.Match >= m.ExactMatch
	switch {
	case exact:
		d.Outcome = OutcomeAnswer
	case d.PLabor < m.Domain.Threshold:
		d.Outcome = OutcomeOffTopic
	case d.PAnswer < m.Answer.Threshold:
		d.Outcome = OutcomePartial
	default:
		d.Outcome = OutcomeAnswer
	}
	return d
}

// problemOfTopic maps an entry's topic to the problem the lexicon names
// (problems are coarser: a dismissal question and a severance question are
// one problem to a worker).
var problemOfTopic = map[string]string{
	"wages": "wages", "minimum_wage": "wages", "overtime": "hours", "leave": "leave",
	"contract": "contract", "probation": "contract", "dismissal": "leaving", "severance": "leaving",
	"resignation": "leaving", "noncompete": "noncompete", "dispatch": "dispatch", "gig_work": "dispatch",
	"social_insurance": "social_insurance", "work_injury": "injury", "occupational_disease": "injury",
	"female_workers": "women", "safety": "safety",
}

// topicAgreement says whether an entry's topic is among the problems a
// question mentions.
func topicAgreement(problems []string, topic string) float64 {
	if len(problems) == 0 {
		return 0.5
	}
	p := problemOfTopic[topic]
	for _, q := range problems {
		if q == p {
			return 1
		}
	}
	return 0
}

// String lists the model's weights, for people reading a calibration.
func (l Logistic) String() string {
	names := make([]string, 0, len(l.Weights))
	for k := range l.Weights {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := []string{fmt.Sprintf("bias %+.2f", l.Bias)}
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %+.2f", k, l.Weights[k]))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (threshold %.2f)", l.Threshold)
}
