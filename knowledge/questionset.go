package knowledge

// Labelled question sets, as in ../shared/eval/faq_dev.tsv: a TSV with a
// header naming at least id, question and expect; expect is NOANSWER or
// facts separated by '|', one of which a right answer contains.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// LabelledQuestion is one row of a question set.
type LabelledQuestion struct {
	ID       string
	Topic    string
	Question string
	Expect   []string // facts a right answer contains; nil: the bot must decline
	Kind     string   // the author's kind of question (chat, detail, ...), when given
	Set      string   // the file it came from, without extension
}

// InScope reports whether the question should be answered.
func (q LabelledQuestion) InScope() bool { return q.Expect != nil }

// ReadQuestionSet reads a question set file.
func ReadQuestionSet(path string) ([]LabelledQuestion, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var col map[string]int
	var rows []LabelledQuestion
	line := 0
	for sc.Scan() {
		line++
		cells := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if col == nil {
			col = map[string]int{}
			for i, h := range cells {
				col[strings.TrimSpace(h)] = i
			}
			for _, need := range []string{"id", "question", "expect"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("%s: the header has no %q column", path, need)
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		q := LabelledQuestion{ID: get("id"), Topic: get("topic"), Question: get("question"), Kind: get("kind"), Set: set}
		if q.Question == "" {
			continue
		}
		switch e := get("expect"); e {
		case "":
			return nil, fmt.Errorf("%s:%d: empty expect (facts, or NOANSWER)", path, line)
		case "NOANSWER":
		default:
			q.Expect = strings.Split(e, "|")
		}
		rows = append(rows, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

var (
	gradeSpace = regexp.MustCompile(`\s+`)
	gradeDash  = regexp.MustCompile(`[-‐‑‒–—―~～〜]`)
)

// gradeNorm mirrors the shared grader (faq_eval.py): NFC, lower case, no
// spaces, dashes and tildes folded.
func gradeNorm(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	return gradeDash.ReplaceAllString(gradeSpace.ReplaceAllString(s, ""), "~")
}

// containsFact reports whether text states one of the facts.
func containsFact(text string, facts []string) bool {
	t := gradeNorm(text)
	for _, f := range facts {
		if g := gradeNorm(f); g != "" && strings.Contains(t, g) {
			return true
		}
	}
	return false
}

// Right reports whether an answer passes the row the way the shared grader
// does: a decline for NOANSWER, otherwise an answer of at most
// MaxAnswerRunes that states one of the facts.
func (q LabelledQuestion) Right(a Answer) bool {
	if !q.InScope() {
		return !a.Answered
	}
	if !a.Answered {
		return false
	}
	text := PlainText(a.Text())
	return len([]rune(text)) <= MaxAnswerRunes && containsFact(text, q.Expect)
}
