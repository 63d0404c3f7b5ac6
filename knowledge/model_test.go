package knowledge

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitLogisticRecoversWeights draws labels from a known logistic model
// and checks that the fit finds its weights again.
func TestFitLogisticRecoversWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var want [numFeatures]float64
	want[fCoverage], want[fUnknown], want[fActMissing], want[fBias] = 4, -3, -2, -1
	var samples []sample
	for range 20000 {
		var x features
		x[fCoverage], x[fUnknown] = rng.Float64(), rng.Float64()
		if rng.IntN(4) == 0 {
			x[fActMissing] = 1
		}
		x[fBias] = 1
		z := 0.0
		for i := range x {
			z += want[i] * x[i]
		}
		y := 0.0
		if rng.Float64() < sigmoid(z) {
			y = 1
		}
		samples = append(samples, sample{x: x, y: y})
	}
	got := fitLogistic(samples, 0.01)
	for _, i := range []int{fCoverage, fUnknown, fActMissing, fBias} {
		if math.Abs(got[i]-want[i]) > 0.25 {
			t.Errorf("weight of %s = %.2f; want about %.2f", featureNames[i], got[i], want[i])
		}
	}
	for _, i := range []int{fStrength, fPhrasing} { // always 0 in the samples
		if got[i] != 0 {
			t.Errorf("weight of unused %s = %.2f; want 0", featureNames[i], got[i])
		}
	}
}

// TestThresholds checks that the answer threshold separates right answers
// from questions to decline, and the suggestion band sits below it.
func TestThresholds(t *testing.T) {
	m := rulesModel()
	var ps []prepared
	add := func(n int, rules float64, right, inScope bool) {
		for range n {
			var f features
			f[fRules], f[fBias] = rules, 1
			r := LabelledQuestion{Question: "q"}
			if inScope {
				r.Expect = []string{"x"}
			}
			ps = append(ps, prepared{row: r, feats: []features{f}, right: []bool{right}})
		}
	}
	add(80, 1, true, true)     // in scope, answered by the rules, right
	add(20, 0.2, true, true)   // in scope, plausible, right
	add(20, 0.2, false, false) // out of scope, plausible
	add(80, 0, false, false)   // out of scope, clearly not
	answer, suggest := thresholds(ps, m, DefaultTuneOptions())
	pRight, pPlausible := m.Probability(ps[0].feats[0]), m.Probability(ps[80].feats[0])
	if !(answer <= pRight && answer > pPlausible) {
		t.Errorf("answer threshold %.3f; want it between %.3f and %.3f", answer, pPlausible, pRight)
	}
	if suggest > pPlausible || suggest > answer {
		t.Errorf("suggest threshold %.3f; want at most %.3f (the plausible band) and below %.3f", suggest, pPlausible, answer)
	}
}
