package knowledge

// How a question was read and why it got its outcome, for
// `sellerbot kb explain`.

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes how the question was read and decided.
func (b *Base) Explain(w io.Writer, question string) {
	qr := b.prepare(question, "")
	a := b.decideOn(b.prepare(question, ""))
	fmt.Fprintf(w, "question: %s\n", qr.ans.Question)
	fmt.Fprintf(w, "asked:    %s\n", orNone(qr.asked.String()))
	fmt.Fprintf(w, "act:      %s\n", orNone(qr.act))
	if len(qr.channels) > 0 {
		fmt.Fprintf(w, "means:    %s\n", strings.Join(qr.channels, ", "))
	}
	if len(qr.named) > 0 {
		var names []string
		for p := range qr.named {
			names = append(names, p)
		}
		sortStrings(names)
		fmt.Fprintf(w, "names:    %s\n", strings.Join(names, ", "))
	}
	if qr.ans.Refusal != "" {
		fmt.Fprintf(w, "refused:  %s\n", qr.ans.Refusal)
	}
	if i, ok := focus(qr.units); ok {
		fmt.Fprintf(w, "focus:    %s\n", qr.units[i].text)
	}
	fmt.Fprintln(w, "words (stem weight class, last sentence *):")
	for _, u := range qr.units {
		class := "topic"
		switch {
		case u.unknown:
			class = "unknown"
		case u.verbish:
			class = "minor"
		case !u.topical:
			class = "known"
		}
		mark := " "
		if u.last {
			mark = "*"
		}
		fmt.Fprintf(w, "  %s %-12s %5.2f %s\n", mark, u.text, u.weight, class)
	}
	probs := b.score(&qr)
	fmt.Fprintf(w, "candidates (model p; answer at %.3f, suggest at %.3f):\n", b.model.Answer, b.model.Suggest)
	for i, h := range qr.ranked {
		if i >= candidatesScored {
			break
		}
		fmt.Fprintf(w, "  %.3f %s", probs[i], h.Article.ID)
		if h.OffPlatform {
			fmt.Fprint(w, "  (about another platform)")
		}
		fmt.Fprintln(w)
		if h.OffPlatform {
			continue
		}
		f := b.candidateFeatures(&qr, h)
		var parts []string
		for k, v := range f {
			if k != fBias && v != 0 {
				parts = append(parts, fmt.Sprintf("%s=%.2f", featureNames[k], v))
			}
		}
		fmt.Fprintf(w, "        %s\n", strings.Join(parts, " "))
	}
	fmt.Fprintf(w, "outcome:  %s (confidence %.3f)", a.Outcome, a.Confidence)
	if a.Answered {
		fmt.Fprintf(w, " with %s", a.Article.ID)
	}
	fmt.Fprintln(w)
	if a.Lead != "" {
		fmt.Fprintf(w, "lead:     %s\n", a.Lead)
	}
	if a.Missing != "" {
		fmt.Fprintf(w, "missing:  %s\n", a.Missing)
	}
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
