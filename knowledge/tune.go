package knowledge

// Fitting the decision (sellerbot kb tune): the model's weights and its two
// thresholds come from labelled questions, and are checked on sets that
// were not used to fit them (leave one set out).

import (
	"fmt"
	"sort"
)

// TuneOptions steer the fit.
type TuneOptions struct {
	// Lambda is the L2 penalty on the weights.
	Lambda float64
	// WrongCost is how much a confident wrong answer costs, against 1 for
	// a right answer or a right decline: in support it is the worst outcome.
	WrongCost float64
	// MinSuggestPrecision is the share of suggestions that must be the
	// right article for the band below the answer threshold to be offered.
	MinSuggestPrecision float64
	// Drop names features to leave out (their weight is fixed at 0), to
	// measure what each is worth.
	Drop []string
}

// DefaultTuneOptions are what sellerbot kb tune uses; a caller changes
// its copy.
func DefaultTuneOptions() TuneOptions {
	return TuneOptions{Lambda: 1, WrongCost: 1, MinSuggestPrecision: 0.4}
}

// SetScore counts how a model did on some questions.
type SetScore struct {
	Set          string
	InRight, In  int // in scope: answered with a right article, of all
	InWrong      int // in scope, answered with a wrong article
	Declined     int // out of scope, declined
	Out          int
	Suggested    int // not answered, but the right article was suggested first
	SuggestedAll int // not answered but suggested (any)
}

func (s SetScore) String() string {
	return fmt.Sprintf("%-14s in scope %3d/%3d right (%3d wrong)   out of scope %3d/%3d declined   suggested %d (%d right)",
		s.Set, s.InRight, s.In, s.InWrong, s.Declined, s.Out, s.SuggestedAll, s.Suggested)
}

// TuneReport is the outcome of a fit.
type TuneReport struct {
	Model *Model
	// Held are the scores of each set with a model fitted on the others.
	Held []SetScore
	// Fit is each set's score with the final model (fitted on all).
	Fit []SetScore
}

// prepared is one labelled question analyzed once, with its candidates.
type prepared struct {
	row   LabelledQuestion
	feats []features
	right []bool
}

// prepareRows analyzes every question and labels its candidates: a
// candidate is right when its body states one of the expected facts.
func (b *Base) prepareRows(rows []LabelledQuestion) []prepared {
	out := make([]prepared, len(rows))
	parallel(len(rows), func(i int) {
		r := rows[i]
		qr := b.prepare(r.Question, "")
		p := prepared{row: r}
		for k, h := range qr.ranked {
			if k >= candidatesScored || h.OffPlatform || qr.ans.Refusal != "" {
				continue
			}
			p.feats = append(p.feats, b.candidateFeatures(&qr, h))
			p.right = append(p.right, r.InScope() && containsFact(PlainText(h.Article.Body), r.Expect))
		}
		out[i] = p
	})
	return out
}

// Tune fits the decision on rows and checks it by leaving each set out.
func (b *Base) Tune(rows []LabelledQuestion, opt TuneOptions) TuneReport {
	all := b.prepareRows(rows)
	for _, name := range opt.Drop {
		for k, fn := range featureNames {
			if fn != name {
				continue
			}
			for i := range all {
				for j := range all[i].feats {
					all[i].feats[j][k] = 0
				}
			}
		}
	}
	var sets []string
	bySet := map[string][]prepared{}
	for _, p := range all {
		if _, ok := bySet[p.row.Set]; !ok {
			sets = append(sets, p.row.Set)
		}
		bySet[p.row.Set] = append(bySet[p.row.Set], p)
	}
	var rep TuneReport
	for _, held := range sets {
		var train []prepared
		for _, s := range sets {
			if s != held {
				train = append(train, bySet[s]...)
			}
		}
		if len(train) == 0 {
			continue
		}
		m := fitModel(train, opt)
		rep.Held = append(rep.Held, evaluate(bySet[held], m, held))
	}
	rep.Model = fitModel(all, opt)
	for _, s := range sets {
		rep.Fit = append(rep.Fit, evaluate(bySet[s], rep.Model, s))
	}
	return rep
}

func fitModel(ps []prepared, opt TuneOptions) *Model {
	var samples []sample
	for _, p := range ps {
		for k, f := range p.feats {
			samples = append(samples, sample{x: f, y: boolf(p.right[k])})
		}
	}
	m := &Model{Features: featureNames[:], Weights: fitLogistic(samples, opt.Lambda)}
	m.Answer, m.Suggest = thresholds(ps, m, opt)
	return m
}

// choice is what the model makes of one question: its likeliest candidate.
type choice struct {
	p       float64
	right   bool
	inScope bool
}

func choose(p prepared, m *Model) choice {
	c := choice{inScope: p.row.InScope()}
	for k, f := range p.feats {
		if pr := m.Probability(f); pr > c.p {
			c.p, c.right = pr, p.right[k]
		}
	}
	return c
}

// thresholds picks the answer threshold that maximizes right answers plus
// right declines, less WrongCost per wrong answer (each side counted as a
// share of its questions), and the lowest suggestion threshold below it
// whose band still suggests the right article often enough.
func thresholds(ps []prepared, m *Model, opt TuneOptions) (answer, suggest float64) {
	cs := make([]choice, len(ps))
	var nIn, nOut float64
	for i, p := range ps {
		cs[i] = choose(p, m)
		if cs[i].inScope {
			nIn++
		} else {
			nOut++
		}
	}
	nIn, nOut = max(nIn, 1), max(nOut, 1)
	bestJ := -1e9
	answer = 0.5
	for t := 0.05; t < 0.96; t += 0.01 {
		var right, wrongIn, declined float64
		for _, c := range cs {
			answered := c.p >= t
			switch {
			case c.inScope && answered && c.right:
				right++
			case c.inScope && answered:
				wrongIn++
			case !c.inScope && !answered:
				declined++
			}
		}
		j := right/nIn + declined/nOut - opt.WrongCost*wrongIn/nIn
		if j >= bestJ {
			bestJ, answer = j, t
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].p > cs[j].p })
	suggest = answer
	var band, bandRight float64
	for _, c := range cs {
		if c.p >= answer {
			continue
		}
		band++
		if c.right {
			bandRight++
		}
		if (band >= 20 && bandRight/band < opt.MinSuggestPrecision) || c.p < 0.02 {
			break
		}
		suggest = c.p
	}
	return round3(answer), max(round3(suggest), 0.01)
}

func evaluate(ps []prepared, m *Model, set string) SetScore {
	s := SetScore{Set: set}
	for _, p := range ps {
		c := choose(p, m)
		answered := c.p >= m.Answer
		if c.inScope {
			s.In++
			switch {
			case answered && c.right:
				s.InRight++
			case answered:
				s.InWrong++
			}
		} else {
			s.Out++
			if !answered {
				s.Declined++
			}
		}
		if !answered && c.p >= m.Suggest && len(p.feats) > 0 {
			s.SuggestedAll++
			if c.right {
				s.Suggested++
			}
		}
	}
	return s
}
