package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError ends the program with a status and no further message (the
// command already printed what went wrong).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "sellerbot: %s\n", ue.msg)
		fmt.Fprintln(stderr, "Run 'sellerbot help' for usage.")
		return 2
	default:
		fmt.Fprintf(stderr, "sellerbot: %v\n", err)
		return 1
	}
}

// command is one subcommand of sellerbot.
type command struct {
	name  string
	args  string
	short string
	run   func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch of the outside world; tests pass fakes.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"ask", "[--json] [--kb DIR] QUESTION... | -", "answer a seller's question from the knowledge base", runAsk},
		{"kb", "check [DIR] | explain QUESTION | tune SET.tsv...", "validate a knowledge directory, explain how a question is decided, fit the decision", runKB},
		{"console", "[--kb DIR] [--db FILE]", "try the bot in a terminal, without a Slack workspace", runConsole},
		{"report", "[--db FILE] [--kb DIR] [--limit N]", "show the most down-voted articles and the questions the bot could not answer", runReport},
		{"orders", "import [--db FILE] FILE.csv", "import orders (CSV) for the unconfirmed-order alerts", runOrders},
		{"alerts", "preview --at TIME [--json]", "show what the order alerts would send at a time", runAlerts},
		{"healthcheck", "", "exit 0 if the serve on SELLERBOT_ADDR answers /healthz (for Docker)", runHealthcheck},
		{"serve", "", "run the Slack bot (Socket Mode and/or HTTP; configured from the environment)", runServe},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) < 2 {
		printUsage(stderr)
		return exitError{2}
	}
	name, rest := args[1], args[2:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			for _, c := range commands() {
				if c.name == rest[0] {
					fmt.Fprintf(stdout, "usage: sellerbot %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.short[:1])+c.short[1:])
					return nil
				}
			}
			return usagef("unknown help topic %q", rest[0])
		}
		printUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, rest)
		}
	}
	return usagef("unknown command %q", name)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Sellerbot answers Korean sellers' policy questions, files their requests and")
	fmt.Fprintln(w, "alerts them to unconfirmed orders, in Slack or in a terminal.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\tsellerbot <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The commands are:")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Use \"sellerbot help <command>\" for more information about a command.")
}
