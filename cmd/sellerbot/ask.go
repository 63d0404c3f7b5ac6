package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// newFlagSet is a command's flags; -h prints usage, the lines about the
// command and the flags.
func newFlagSet(name string, e *env, usage string, about ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: "+usage)
		if len(about) > 0 {
			fmt.Fprintln(e.stderr, "\n"+strings.Join(about, "\n"))
		}
		fs.PrintDefaults()
	}
	return fs
}

// kbFlag is the --kb flag: the knowledge directory instead of the
// embedded articles.
func kbFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("kb", e.getenv("SELLERBOT_KB_DIR"), "load the knowledge base from `DIR` (env SELLERBOT_KB_DIR)")
}

// dbFlag is the --db flag of the commands that read serve's database.
func dbFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("db", e.getenv("SELLERBOT_DB"), "the bbolt `file` of sellerbot serve (env SELLERBOT_DB; default sellerbot.db)")
}

// parseFlags turns flag errors into usage errors (exit 2); -h prints help
// and ends the command successfully.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	if err != nil {
		return false, usageError{err.Error()}
	}
	return false, nil
}

// loadBase loads the knowledge directory if one is given, the embedded
// articles otherwise. Broken articles are reported and skipped.
func loadBase(dir string, e *env) (*knowledge.Base, error) {
	var (
		b     *knowledge.Base
		probs []knowledge.Problem
		err   error
	)
	if dir != "" {
		b, probs, err = knowledge.LoadDir(dir)
	} else {
		b, probs, err = knowledge.Embedded()
	}
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "sellerbot: skipped article: %s\n", p)
	}
	return b, err
}

type sourceJSON struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Source  string  `json:"source"`
	Updated string  `json:"updated"`
	Score   float64 `json:"score"`
}

type suggestionJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type answerJSON struct {
	Question    string           `json:"question"`
	Answered    bool             `json:"answered"`
	Outcome     string           `json:"outcome"` // answered, suggested or declined
	Asked       string           `json:"asked"`   // the kinds of fact read from the question ("duration+place"), "" for none
	Answer      string           `json:"answer"`
	Confidence  float64          `json:"confidence"`
	Mode        string           `json:"mode"`
	Fallback    string           `json:"fallback,omitempty"` // why the model's answer was not used
	Sources     []sourceJSON     `json:"sources"`
	Suggestions []suggestionJSON `json:"suggestions"`
}

func toJSON(res llm.Result) answerJSON {
	a := res.Answer
	out := answerJSON{
		Question:    a.Question,
		Answered:    a.Answered,
		Outcome:     string(a.Outcome),
		Asked:       a.Asked.String(),
		Answer:      knowledge.PlainText(a.Text()),
		Confidence:  a.Confidence,
		Mode:        res.Mode,
		Fallback:    res.Fallback,
		Sources:     []sourceJSON{},
		Suggestions: []suggestionJSON{},
	}
	if a.Answered && res.Mode == llm.ModeGenerated {
		out.Answer = res.Generated
		for _, n := range res.Cited {
			art := res.Given[n-1]
			out.Sources = append(out.Sources, sourceJSON{ID: art.ID, Title: art.Title, Source: art.Source, Updated: art.Updated.Format("2006-01-02")})
		}
	} else if a.Answered {
		for _, h := range a.Hits {
			out.Sources = append(out.Sources, sourceJSON{
				ID: h.Article.ID, Title: h.Article.Title, Source: h.Article.Source,
				Updated: h.Article.Updated.Format("2006-01-02"), Score: round3(h.Score),
			})
		}
	}
	for _, s := range a.Suggestions {
		out.Suggestions = append(out.Suggestions, suggestionJSON{ID: s.ID, Title: s.Title})
	}
	return out
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func runAsk(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("ask", e, "sellerbot ask [--json] [--kb DIR] QUESTION... | -", "With \"-\", reads one question per line from standard input and answers each in order.")
	asJSON := fs.Bool("json", false, "print one JSON object per question")
	kbDir := fs.String("kb", e.getenv("SELLERBOT_KB_DIR"), "load the knowledge base from `DIR` instead of the embedded one (env SELLERBOT_KB_DIR)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	fromStdin := fs.NArg() == 1 && fs.Arg(0) == "-"
	question := strings.Join(fs.Args(), " ")
	if !fromStdin && strings.TrimSpace(question) == "" {
		return usagef("ask: no question given (a question, or - to read questions from standard input)")
	}
	base, err := loadBase(*kbDir, e)
	if err != nil {
		return err
	}
	cfg, err := llm.LoadConfig(e.getenv)
	if err != nil {
		return usageError{"ask: " + err.Error()}
	}
	engine, closeCache := askEngine(ctx, e, base, cfg)
	defer closeCache()
	answer := func(q string) error {
		res := engine.Answer(ctx, q, "")
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(toJSON(res))
		}
		_, err := io.WriteString(e.stdout, renderText(res)+"\n")
		return err
	}
	if !fromStdin {
		return answer(question)
	}
	r := bufio.NewReader(e.stdin)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, rerr := r.ReadString('\n')
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("reading questions: %w", rerr)
		}
		if rerr == io.EOF && line == "" {
			return nil
		}
		if err := answer(strings.TrimRight(line, "\r\n")); err != nil {
			return err
		}
		if rerr == io.EOF {
			return nil
		}
	}
}

// askEngine builds the engine for ask: with an embedding model, the vector
// cache is the database in SELLERBOT_DB (default sellerbot.db), so a second
// run embeds only the question. A database held by serve is not waited
// for: vectors are then embedded without the cache.
func askEngine(ctx context.Context, e *env, base *knowledge.Base, cfg llm.Config) (*llm.Engine, func()) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var cache llm.VectorCache
	closeCache := func() {}
	if cfg.EmbeddingModel != "" {
		path := dbPath(e.getenv("SELLERBOT_DB"))
		st, err := boltstore.Open(path, time.Second)
		if err != nil {
			fmt.Fprintf(e.stderr, "sellerbot: no vector cache (%v); embedding without it\n", err)
		} else {
			cache, closeCache = st, func() { st.Close() }
		}
	}
	return newEngine(ctx, base, cfg, cache, nil, nil, log, 0), closeCache
}

// renderText shows an answer as a person reads it in a terminal.
func renderText(res llm.Result) string {
	a := res.Answer
	var sb strings.Builder
	if a.Answered && res.Mode == llm.ModeGenerated {
		sb.WriteString(res.Generated + "\n\n출처:")
		for _, n := range res.Cited {
			art := res.Given[n-1]
			fmt.Fprintf(&sb, "\n[%d] %s (%s)", n, art.Title, art.Source)
		}
		return sb.String()
	}
	if a.Answered {
		art := a.Article
		fmt.Fprintf(&sb, "%s\n\n%s\n\n", art.Title, knowledge.PlainText(a.Body()))
		fmt.Fprintf(&sb, "출처: %s (%s, %s 기준)", art.Title, art.Source, art.Updated.Format("2006-01-02"))
		return sb.String()
	}
	sb.WriteString(knowledge.PlainText(a.Text()))
	return sb.String()
}
