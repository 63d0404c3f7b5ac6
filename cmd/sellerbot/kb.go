package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/sellerbot/sellerbot/knowledge"
)

const kbUsage = "kb: usage: sellerbot kb check [DIR] | kb explain [--kb DIR] QUESTION | kb tune [--kb DIR] [--out FILE] SET.tsv... | kb history [--json] | kb export OUTDIR"

func runKB(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef(kbUsage)
	}
	switch args[0] {
	case "check":
		return runKBCheck(e, args[1:])
	case "explain":
		return runKBExplain(e, args[1:])
	case "tune":
		return runKBTune(e, args[1:])
	case "history":
		return runKBHistory(ctx, e, args[1:])
	case "export":
		return runKBExport(ctx, e, args[1:])
	}
	return usagef(kbUsage)
}

func runKBCheck(e *env, args []string) error {
	fs := newFlagSet("kb check", e, "sellerbot kb check [DIR]", "Validates the articles in DIR (default: the embedded knowledge base).")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("kb check: at most one directory")
	}
	var (
		probs []knowledge.Problem
		err   error
		n     int
	)
	if dir := fs.Arg(0); dir != "" {
		if st, serr := os.Stat(dir); serr != nil || !st.IsDir() {
			return fmt.Errorf("kb check: %s is not a readable directory", dir)
		}
		probs, n, err = knowledge.CheckDir(dir)
	} else {
		probs, n, err = knowledge.CheckEmbedded()
	}
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(e.stdout, p)
	}
	if err := knowledge.ModelError(); err != nil {
		fmt.Fprintf(e.stdout, "%v: the bot decides by the hand-set rules until it is fitted again (sellerbot kb tune --out knowledge/decision.json SETS...)\n", err)
		return exitError{1}
	}
	if len(probs) > 0 {
		fmt.Fprintf(e.stderr, "kb check: %d problem(s) in %d file(s)\n", len(probs), n)
		return exitError{1}
	}
	fmt.Fprintf(e.stdout, "kb check: %d articles ok\n", n)
	return nil
}

// runKBExplain shows how a question is read (the kind of fact asked, its
// act and words) and why it gets its outcome.
func runKBExplain(e *env, args []string) error {
	fs := newFlagSet("kb explain", e, "sellerbot kb explain [--kb DIR] QUESTION", "Shows how the question is read and why the bot answers, suggests or declines.")
	kbDir := kbFlag(fs, e)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		return usagef("kb explain: no question given")
	}
	base, err := loadBase(*kbDir, e)
	if err != nil {
		return err
	}
	base.Explain(e.stdout, q)
	return nil
}

// runKBTune fits the answer decision on labelled question sets, reports
// each set's score with a model fitted on the other sets, and writes the
// model fitted on all of them.
func runKBTune(e *env, args []string) error {
	fs := newFlagSet("kb tune", e, "sellerbot kb tune [--kb DIR] [--out FILE] SET.tsv...", "Fits the answer/suggest/decline decision on labelled question sets (id, question,", "expect columns; expect NOANSWER or facts separated by |). Each set is also scored", "by a model fitted on the others.")
	kbDir := kbFlag(fs, e)
	out := fs.String("out", "", "write the fitted model to `FILE` (knowledge/decision.json ships with the binary)")
	opt := knowledge.DefaultTuneOptions()
	fs.Float64Var(&opt.Lambda, "lambda", opt.Lambda, "L2 penalty on the weights")
	fs.Float64Var(&opt.WrongCost, "wrong-cost", opt.WrongCost, "cost of a wrong answer against 1 for a right one")
	drop := fs.String("drop", "", "comma-separated features to leave out, to measure what each is worth")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("kb tune: no question set given")
	}
	if *drop != "" {
		opt.Drop = strings.Split(*drop, ",")
	}
	var rows []knowledge.LabelledQuestion
	for _, path := range fs.Args() {
		set, err := knowledge.ReadQuestionSet(path)
		if err != nil {
			return fmt.Errorf("kb tune: %w", err)
		}
		rows = append(rows, set...)
	}
	base, err := loadBase(*kbDir, e)
	if err != nil {
		return err
	}
	rep := base.Tune(rows, opt)
	fmt.Fprintln(e.stdout, "held out (fitted on the other sets):")
	printScores(e, rep.Held)
	fmt.Fprintf(e.stdout, "fitted on all: answer at %.3f, suggest at %.3f\n", rep.Model.Answer, rep.Model.Suggest)
	printScores(e, rep.Fit)
	for i, name := range rep.Model.Features {
		fmt.Fprintf(e.stdout, "  %-16s %8.3f\n", name, rep.Model.Weights[i])
	}
	if *out == "" {
		return nil
	}
	rep.Model.Fitted = nil
	for _, s := range rep.Held {
		rep.Model.Fitted = append(rep.Model.Fitted, strings.Join(strings.Fields(s.String()), " "))
	}
	data, err := json.MarshalIndent(rep.Model, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("kb tune: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}

func printScores(e *env, scores []knowledge.SetScore) {
	var total knowledge.SetScore
	total.Set = "all"
	for _, s := range scores {
		fmt.Fprintf(e.stdout, "  %s\n", s)
		total.InRight += s.InRight
		total.In += s.In
		total.InWrong += s.InWrong
		total.Declined += s.Declined
		total.Out += s.Out
		total.Suggested += s.Suggested
		total.SuggestedAll += s.SuggestedAll
	}
	fmt.Fprintf(e.stdout, "  %s\n", total)
}
