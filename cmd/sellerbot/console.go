package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot"
	"github.com/sellerbot/sellerbot/handlers"
)

// runConsole runs the bot's handlers behind the terminal.
func runConsole(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("console", e, "sellerbot console [--kb DIR] [--db FILE]", "Try the bot in a terminal: type questions and slash commands, press numbered buttons.")
	kbDir := kbFlag(fs, e)
	dbPath := fs.String("db", "", "keep state in this bbolt `file` (default: a temporary file removed at exit)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		dir, err := os.MkdirTemp("", "sellerbot-console-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "console.db")
	}
	store, err := boltstore.Open(path, 2*time.Second)
	if err != nil {
		return damagedDB("console", "--db", path, err)
	}
	defer store.Close()
	kb, err := loadLive(*kbDir, store, e)
	if err != nil {
		return err
	}
	con := &bot.Console{In: e.stdin, Out: e.stdout, User: "UCONSOLE", OpsChannel: "COPS"}
	h, worker := wiring{
		KB: kb, Store: store, Slack: con, Channel: con, Edit: con, Respond: con.Respond,
		Team: handlers.Team{Channel: "COPS", Admins: map[string]bool{"UCONSOLE": true}},
		Log:  slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}.build()
	con.H = h
	// Work left owed in a kept --db file is delivered as the console starts.
	worker.Sweep(ctx)
	return con.Run(ctx)
}
