package main

import (
	"context"
	"fmt"
	"os"

	"github.com/sellerbot/sellerbot/knowledge"
)

func runKB(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usagef("kb: usage: sellerbot kb check [DIR]")
	}
	fs := newFlagSet("kb check", e)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: sellerbot kb check [DIR]")
		fmt.Fprintln(e.stderr, "\nValidates the articles in DIR (default: the embedded knowledge base).")
	}
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
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
	if len(probs) > 0 {
		fmt.Fprintf(e.stderr, "kb check: %d problem(s) in %d file(s)\n", len(probs), n)
		return exitError{1}
	}
	fmt.Fprintf(e.stdout, "kb check: %d articles ok\n", n)
	return nil
}
