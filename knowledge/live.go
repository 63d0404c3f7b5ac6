package knowledge

// The knowledge base in service: articles (embedded, or a directory that
// the team edits) with what it taught in Slack applied, rebuilt off the
// request path and swapped whole, so a question never sees a half-built
// base. A file that fails kb check keeps its previous version in service.

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Live holds the base in service. It is safe for concurrent use.
type Live struct {
	dir string // "" for the embedded articles
	cur atomic.Pointer[Base]

	mu      sync.Mutex          // one rebuild at a time; guards the rest
	good    map[string]*Article // per file: the last version that passed kb check
	sums    map[string][32]byte // per file: what was read last
	lessons []Lesson
	rev     uint64 // the store's revision of lessons
	src     *Base  // a base of the current articles (its source, without lessons)
}

// Reloaded reports a reload.
type Reloaded struct {
	Changed  bool      // the base in service was replaced
	Articles int       // articles now in service
	Problems []Problem // broken files (their previous version, if any, stays)
	Kept     []string  // files whose previous version stays in service
	Took     time.Duration
}

// NewLive loads the embedded articles (dir "") or a directory.
func NewLive(dir string) (*Live, []Problem, error) {
	l := &Live{dir: dir, good: map[string]*Article{}, sums: map[string][32]byte{}}
	if dir == "" {
		b, probs, err := Embedded()
		if err != nil {
			return nil, probs, err
		}
		l.src = b
		l.cur.Store(b)
		return l, probs, nil
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("knowledge directory: %w", err)
	} else if !st.IsDir() {
		return nil, nil, fmt.Errorf("knowledge directory %s: not a directory", dir)
	}
	r, err := l.Reload()
	if err == nil && r.Articles == 0 {
		err = fmt.Errorf("knowledge base %s: no usable article", dir)
	}
	if err != nil {
		return nil, r.Problems, err
	}
	return l, r.Problems, nil
}

// LiveOf serves a base already loaded (the embedded articles, a test's):
// it is taught, never reloaded.
func LiveOf(b *Base) *Live {
	l := &Live{good: map[string]*Article{}, sums: map[string][32]byte{}, src: b}
	l.cur.Store(b)
	return l
}

// Base returns the base in service.
func (l *Live) Base() *Base { return l.cur.Load() }

// Dir is the directory the articles come from, "" for the embedded ones.
func (l *Live) Dir() string { return l.dir }

// Reload reads the directory again and, when a file changed, swaps in a
// base built from it (with the lessons). The embedded articles never
// change.
func (l *Live) Reload() (Reloaded, error) {
	start := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dir == "" {
		return Reloaded{Articles: len(l.cur.Load().Articles())}, nil
	}
	fsys := os.DirFS(l.dir)
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return Reloaded{}, err
	}
	var r Reloaded
	changed := l.src == nil
	seen := map[string]bool{}
	for _, name := range names {
		file := path.Join(l.dir, name)
		seen[file] = true
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			r.Problems = append(r.Problems, Problem{File: file, Msg: "cannot read: " + errText(err)})
			continue
		}
		sum := sha256.Sum256(data)
		if old, ok := l.sums[file]; ok && old == sum {
			continue // unchanged; a broken one was reported when it broke
		}
		l.sums[file] = sum
		changed = true
		a, probs := ParseArticle(file, data)
		if len(probs) > 0 {
			r.Problems = append(r.Problems, probs...)
			if _, ok := l.good[file]; ok {
				r.Kept = append(r.Kept, file)
			}
			continue
		}
		l.good[file] = &a
	}
	for file := range l.good {
		if !seen[file] {
			delete(l.good, file)
			delete(l.sums, file)
			changed = true
		}
	}
	for file := range l.sums {
		if !seen[file] {
			delete(l.sums, file)
		}
	}
	if !changed {
		r.Articles = len(l.cur.Load().Articles())
		return r, nil
	}
	arts, dups := l.articles()
	r.Problems = append(r.Problems, dups...)
	if len(arts) == 0 {
		return r, fmt.Errorf("knowledge base %s: no usable article", l.dir)
	}
	b, probs := teach(arts, l.dir, defaultTuning, defaultDecision, l.lessons)
	l.src = b // Teach starts from its source articles, not its lessons
	r.Problems = append(r.Problems, probs...)
	l.cur.Store(b)
	r.Changed, r.Articles, r.Took = true, len(b.Articles()), time.Since(start)
	return r, nil
}

// articles lists the good articles by file name; a repeated id keeps the
// first file's.
func (l *Live) articles() ([]*Article, []Problem) {
	files := make([]string, 0, len(l.good))
	for f := range l.good {
		files = append(files, f)
	}
	sort.Strings(files)
	var arts []*Article
	var probs []Problem
	first := map[string]string{}
	for _, f := range files {
		a := l.good[f]
		if prev, dup := first[a.ID]; dup {
			probs = append(probs, Problem{File: f, Line: 2, Msg: fmt.Sprintf("duplicate id %q (first in %s)", a.ID, prev)})
			continue
		}
		first[a.ID] = f
		arts = append(arts, a)
	}
	return arts, probs
}

// Teach swaps in a base with these lessons (all of them, in order, the
// undone included: they are skipped), read from the store at revision
// rev. Lessons of an older revision than those in service are ignored
// (applied false): two admins teaching at once never lose a lesson.
func (l *Live) Teach(lessons []Lesson, rev uint64) (applied bool, probs []Problem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rev != 0 && rev < l.rev {
		return false, nil
	}
	l.lessons, l.rev = slices.Clone(lessons), rev
	b, probs := l.src.Teach(l.lessons)
	l.cur.Store(b)
	return true, probs
}

// Rev is the revision of the lessons in service.
func (l *Live) Rev() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rev
}

// The base in service answers: Live is what the handlers ask.

// AskInContext answers with the base in service.
func (l *Live) AskInContext(question, earlier string) Answer {
	return l.Base().AskInContext(question, earlier)
}

// AskHybrid answers with the base in service and vector hits.
func (l *Live) AskHybrid(question, earlier string, vec []VectorHit, f Fusion) Answer {
	return l.Base().AskHybrid(question, earlier, vec, f)
}

// Article returns an article of the base in service.
func (l *Live) Article(id string) (*Article, bool) { return l.Base().Article(id) }

// Lessons are the lessons in service (undone ones included).
func (l *Live) Lessons() []Lesson { return l.Base().Lessons() }

// Articles lists the articles in service.
func (l *Live) Articles() []*Article { return l.Base().Articles() }
