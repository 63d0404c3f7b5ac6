package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed articles/*.md
var embedded embed.FS

// Base is a loaded, indexed knowledge base. It is immutable and safe for
// concurrent use.
type Base struct {
	articles  []*Article
	byID      map[string]*Article
	docByID   map[string]int32
	ix        *index
	platforms []map[string]bool // per article, see articlePlatforms
	// facts and actText are read only for the few candidates of a
	// question, so they are made on first use (measured: reading every
	// line of 50,000 articles up front took 30 s of CPU).
	facts       []atomic.Pointer[[]factLine] // per article: its lines and the kinds of fact each states
	actText     []atomic.Pointer[string]     // per article: title, body and questions, compacted, for acts
	phrasings   [][][]int32                  // per article, per question phrasing: its sorted term ids
	phrasePairs [][][]uint64                 // per article, per phrasing: its character pairs (charPairs)
	covered     map[string]bool              // platforms some article is about
	model       *Model                       // the fitted decision
	// source are the articles as loaded, before lessons (Teach starts from
	// them); lessons and taught are what the support team taught.
	source  []*Article
	lessons []Lesson
	taught  taught
	tuning  Tuning
	decide  Decision
	label   string // where it came from, for logs
}

// Embedded loads the articles compiled into the binary.
func Embedded() (*Base, []Problem, error) {
	sub, err := fs.Sub(embedded, "articles")
	if err != nil {
		return nil, nil, err
	}
	return LoadFS(sub, "embedded")
}

// LoadDir loads every *.md file in dir.
func LoadDir(dir string) (*Base, []Problem, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("knowledge directory: %w", err)
	}
	if !st.IsDir() {
		return nil, nil, fmt.Errorf("knowledge directory %s: not a directory", dir)
	}
	return LoadFS(os.DirFS(dir), dir)
}

// CheckDir validates the articles in dir without building an index; it is
// what `sellerbot kb check DIR` runs. n is the number of files looked at.
func CheckDir(dir string) (probs []Problem, n int, err error) {
	return check(os.DirFS(dir), dir)
}

// CheckEmbedded validates the articles compiled into the binary.
func CheckEmbedded() (probs []Problem, n int, err error) {
	sub, err := fs.Sub(embedded, "articles")
	if err != nil {
		return nil, 0, err
	}
	return check(sub, "embedded")
}

func check(fsys fs.FS, label string) ([]Problem, int, error) {
	names, _ := fs.Glob(fsys, "*.md")
	_, probs, err := parseAll(fsys, label)
	return probs, len(names), err
}

// LoadFS parses and indexes the *.md files at the root of fsys. Articles with
// problems are left out and reported; the rest load. It fails only when no
// article at all can be loaded.
func LoadFS(fsys fs.FS, label string) (*Base, []Problem, error) {
	arts, probs, err := parseAll(fsys, label)
	if err != nil {
		return nil, probs, err
	}
	if len(arts) == 0 {
		return nil, probs, fmt.Errorf("knowledge base %s: no usable article", label)
	}
	return newBase(arts, label, defaultTuning, defaultDecision), probs, nil
}

func parseAll(fsys fs.FS, label string) ([]*Article, []Problem, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("knowledge base %s: no *.md files", label)
	}
	sort.Strings(names)
	var arts []*Article
	var probs []Problem
	first := map[string]string{}
	for _, name := range names {
		file := name
		if label != "embedded" {
			file = path.Join(label, name)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			probs = append(probs, Problem{File: file, Msg: "cannot read: " + errText(err)})
			continue
		}
		a, ps := ParseArticle(file, data)
		if len(ps) > 0 {
			probs = append(probs, ps...)
			continue
		}
		if prev, dup := first[a.ID]; dup {
			probs = append(probs, Problem{File: file, Line: 2, Msg: fmt.Sprintf("duplicate id %q (first in %s)", a.ID, prev)})
			continue
		}
		first[a.ID] = file
		arts = append(arts, &a)
	}
	return arts, probs, nil
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func newBase(arts []*Article, label string, tu Tuning, dc Decision) *Base {
	return newTaughtBase(arts, label, tu, dc, nil)
}

// newTaughtBase builds a base whose articles carry phrasings the team
// linked (learned, by article id): they are indexed like the others but
// left out of the phrasing features, which describe how articles were
// written (a taught phrasing answers by itself, see decideTaught).
func newTaughtBase(arts []*Article, label string, tu Tuning, dc Decision, learned map[string][]string) *Base {
	b := &Base{articles: arts, source: arts, byID: make(map[string]*Article, len(arts)), docByID: make(map[string]int32, len(arts)), tuning: tu, decide: dc, label: label}
	docs := make([]docFields, len(arts))
	for i, a := range arts {
		b.byID[a.ID] = a
		b.docByID[a.ID] = int32(i)
		docs[i] = docFields{
			fieldTitle:     a.Title,
			fieldQuestions: strings.Join(a.Questions, "\n"),
			fieldKeywords:  strings.Join(a.Keywords, "\n"),
			fieldBody:      a.Body,
		}
	}
	b.platforms = make([]map[string]bool, len(arts))
	b.facts = make([]atomic.Pointer[[]factLine], len(arts))
	b.actText = make([]atomic.Pointer[string], len(arts))
	parallel(len(arts), func(i int) { b.platforms[i] = articlePlatforms(arts[i]) })
	b.covered = map[string]bool{}
	for _, ps := range b.platforms {
		for p := range ps {
			b.covered[p] = true
		}
	}
	b.model = defaultModel
	b.ix = buildIndex(docs, tu)
	b.phrasings = make([][][]int32, len(arts))
	b.phrasePairs = make([][][]uint64, len(arts))
	parallel(len(arts), func(i int) {
		for _, q := range arts[i].Questions {
			if slices.Contains(learned[arts[i].ID], q) {
				continue
			}
			var ids []int32
			terms(q, func(t string) {
				if id, ok := b.ix.lookup(t); ok {
					ids = append(ids, id)
				}
			})
			slices.Sort(ids)
			b.phrasings[i] = append(b.phrasings[i], slices.Compact(ids))
			b.phrasePairs[i] = append(b.phrasePairs[i], charPairs(q))
		}
	})
	return b
}

// parallel calls fn(0..n-1) spread over the available cores.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n/256, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// factsOf returns an article's lines and the kinds of fact they state.
func (b *Base) factsOf(doc int32) []factLine {
	if p := b.facts[doc].Load(); p != nil {
		return *p
	}
	fl := articleFacts(b.articles[doc])
	b.facts[doc].Store(&fl) // two first uses at once store the same
	return fl
}

// actTextOf returns an article's title, body and questions, compacted.
func (b *Base) actTextOf(doc int32) string {
	if p := b.actText[doc].Load(); p != nil {
		return *p
	}
	a := b.articles[doc]
	t := compact(a.Title + " " + a.Body + " " + strings.Join(a.Questions, " "))
	b.actText[doc].Store(&t)
	return t
}

// Articles returns the articles in file order.
func (b *Base) Articles() []*Article { return b.articles }

// Article returns the article with the given id.
func (b *Base) Article(id string) (*Article, bool) {
	a, ok := b.byID[id]
	return a, ok
}

// Label says where the base was loaded from.
func (b *Base) Label() string { return b.label }
