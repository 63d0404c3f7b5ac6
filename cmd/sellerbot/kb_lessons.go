package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/ingest"
	"github.com/sellerbot/sellerbot/knowledge"
)

// What the support team taught, from the command line: kb history lists
// it, kb export writes the base with it applied as Markdown files.

// storedLessons reads the lessons from the database, or through serve's
// API while serve holds it.
func storedLessons(ctx context.Context, e *env, cmd, dbPath, server string) ([]knowledge.Lesson, uint64, error) {
	st, locked, err := openForCLI(cmd, dbPath)
	if err != nil {
		return nil, 0, err
	}
	if !locked {
		defer st.Close()
		return st.Lessons()
	}
	token := strings.TrimSpace(e.getenv("SELLERBOT_INGEST_TOKEN"))
	if token == "" {
		return nil, 0, lockedHelp(cmd, dbPath)
	}
	var out ingest.Lessons
	if err := callServe(ctx, http.MethodGet, serverURL(e, server)+"/api/lessons", token, nil, &out); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", cmd, err)
	}
	return out.Lessons, out.Rev, nil
}

func runKBHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("kb history", e, "sellerbot kb history [--json] [--db FILE] [--server URL]",
		"Lists what the support team taught the bot in Slack: who, when, what, and what was undone.")
	db := dbFlag(fs, e)
	server := fs.String("server", "", "serve's base `URL` when it holds the database (default from SELLERBOT_URL or SELLERBOT_ADDR)")
	asJSON := fs.Bool("json", false, "print the lessons as JSON, with the articles before and after")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	ls, _, err := storedLessons(ctx, e, "kb history", dbOrDefault(*db), *server)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if ls == nil {
			ls = []knowledge.Lesson{}
		}
		return enc.Encode(ls)
	}
	if len(ls) == 0 {
		fmt.Fprintln(e.stdout, "no lessons yet: teach the bot from a hand-off, a 👎 or /faq-report in Slack")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\twhen (KST)\tby\twhat\tfrom\tundone")
	for _, l := range ls {
		undone := ""
		if !l.Active() {
			undone = fmt.Sprintf("%s by %s", l.UndoneAt.In(sellerbot.KST).Format("2006-01-02 15:04"), l.UndoneBy)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Seq, l.At.In(sellerbot.KST).Format("2006-01-02 15:04"), l.By, l.Describe(), l.Origin, undone)
	}
	return tw.Flush()
}

func runKBExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("kb export", e, "sellerbot kb export [--kb DIR] [--db FILE] [--server URL] OUTDIR",
		"Writes the knowledge base with what the team taught applied, one Markdown file per article,",
		"for a team that keeps its articles in git; kb check accepts the result.")
	kbDir := kbFlag(fs, e)
	db := dbFlag(fs, e)
	server := fs.String("server", "", "serve's base `URL` when it holds the database (default from SELLERBOT_URL or SELLERBOT_ADDR)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("kb export: give one output directory")
	}
	ls, rev, err := storedLessons(ctx, e, "kb export", dbOrDefault(*db), *server)
	if err != nil {
		return err
	}
	live, err := loadLive(*kbDir, nil, e)
	if err != nil {
		return err
	}
	_, probs := live.Teach(ls, rev)
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "kb export: a lesson does not apply: %s\n", p)
	}
	n, err := live.Base().Export(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("kb export: %w", err)
	}
	active := 0
	for _, l := range ls {
		if l.Active() {
			active++
		}
	}
	fmt.Fprintf(e.stdout, "exported %d articles to %s (%d lessons applied)\n", n, fs.Arg(0), active)
	return nil
}

func dbOrDefault(path string) string {
	if path == "" {
		return "sellerbot.db"
	}
	return path
}
