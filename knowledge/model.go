package knowledge

// The decision between answering, suggesting and declining is a logistic
// model over the features of features.go, fitted on labelled questions by
// `sellerbot kb tune` (tune.go) and shipped as decision.json. Logistic
// regression is a few lines of Newton's method here: the Go options
// (gonum's optimize, golearn) bring large dependency trees for a 20 x 20
// system solved once at tuning time.

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// Model is a fitted decision.
type Model struct {
	Features []string  `json:"features"` // featureNames at fitting time
	Weights  []float64 `json:"weights"`  // one per feature (the last is the bias)
	// Answer is the probability from which a candidate is answered;
	// Suggest the lower one from which it is offered as "혹시 이 내용을
	// 찾으셨나요?".
	Answer  float64 `json:"answer"`
	Suggest float64 `json:"suggest"`
	// Fitted records what the model was fitted on and how it scored in
	// cross-validation, for the record only.
	Fitted []string `json:"fitted,omitempty"`
}

//go:embed decision.json
var decisionJSON []byte

// defaultModel is the shipped decision. A decision.json that does not match
// the features of this version (a feature was added and the model not
// fitted again) falls back to the hand-set rules, so that kb tune can still
// run; ModelError reports it, and a test fails on it.
var defaultModel, modelErr = loadDefaultModel()

func loadDefaultModel() (*Model, error) {
	m, err := ParseModel(decisionJSON)
	if err != nil {
		return rulesModel(), fmt.Errorf("knowledge/decision.json: %w", err)
	}
	return m, nil
}

// ModelError says why the shipped decision could not be used, or nil.
func ModelError() error { return modelErr }

// rulesModel answers exactly when the hand-set rules would.
func rulesModel() *Model {
	m := &Model{Features: featureNames[:], Weights: make([]float64, numFeatures), Answer: 0.5, Suggest: 0.3}
	m.Weights[fRules], m.Weights[fBias] = 6, -3
	return m
}

// ParseModel reads a model and checks it against the features this
// version computes.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if len(m.Features) != numFeatures || len(m.Weights) != numFeatures {
		return nil, fmt.Errorf("model has %d features and %d weights; this version computes %d (run sellerbot kb tune)",
			len(m.Features), len(m.Weights), numFeatures)
	}
	for i, name := range m.Features {
		if name != featureNames[i] {
			return nil, fmt.Errorf("feature %d is %q; this version computes %q (run sellerbot kb tune)", i, name, featureNames[i])
		}
	}
	if !(0 < m.Suggest && m.Suggest <= m.Answer && m.Answer < 1) {
		return nil, fmt.Errorf("thresholds suggest %v and answer %v must satisfy 0 < suggest <= answer < 1", m.Suggest, m.Answer)
	}
	return &m, nil
}

// Probability is the model's estimate that the candidate answers the
// question.
func (m *Model) Probability(f features) float64 {
	var z float64
	for i, w := range m.Weights {
		z += w * f[i]
	}
	return sigmoid(z)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// sample is one labelled candidate for fitting.
type sample struct {
	x features
	y float64 // 1 when the candidate answers the question
}

// fitLogistic fits weights by Newton's method with an L2 penalty lambda
// (not on the bias), which keeps the weights finite when a feature
// separates the samples.
func fitLogistic(samples []sample, lambda float64) []float64 {
	w := make([]float64, numFeatures)
	for iter := 0; iter < 50; iter++ {
		var grad [numFeatures]float64
		var hess [numFeatures][numFeatures]float64
		for _, s := range samples {
			p := 0.0
			for i := range w {
				p += w[i] * s.x[i]
			}
			p = sigmoid(p)
			for i := range grad {
				grad[i] += (p - s.y) * s.x[i]
				for j := range grad {
					hess[i][j] += p * (1 - p) * s.x[i] * s.x[j]
				}
			}
		}
		for i := 0; i < numFeatures-1; i++ { // the bias is the last feature
			grad[i] += lambda * w[i]
			hess[i][i] += lambda
		}
		hess[numFeatures-1][numFeatures-1] += 1e-9
		step := solve(hess, grad)
		change := 0.0
		for i := range w {
			w[i] -= step[i]
			change = math.Max(change, math.Abs(step[i]))
		}
		if change < 1e-7 {
			break
		}
	}
	return w
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [numFeatures][numFeatures]float64, b [numFeatures]float64) [numFeatures]float64 {
	const n = numFeatures
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		if a[col][col] == 0 {
			continue
		}
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < n; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [n]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < n; c++ {
			s -= a[r][c] * x[c]
		}
		if a[r][r] != 0 {
			x[r] = s / a[r][r]
		}
	}
	return x
}
