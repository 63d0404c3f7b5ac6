package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/handlers"
)

// runReport prints what the support team should improve: the most
// down-voted articles and the unanswered questions, grouped.
func runReport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("report", e, "sellerbot report [--db FILE] [--kb DIR] [--limit N]")
	db := dbFlag(fs, e)
	kbDir := fs.String("kb", e.getenv("SELLERBOT_KB_DIR"), "knowledge `DIR` for article titles (env SELLERBOT_KB_DIR)")
	limit := fs.Int("limit", 20, "show at most `N` rows per section")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *limit < 1 {
		return usagef("report: --limit must be at least 1")
	}
	path := *db
	if path == "" {
		path = "sellerbot.db"
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("report: no database at %s (set --db or SELLERBOT_DB)", path)
	}
	kb, err := loadBase(*kbDir, e)
	if err != nil {
		return err
	}
	st, err := boltstore.Open(path, time.Second)
	if errors.Is(err, boltstore.ErrLocked) {
		return fmt.Errorf("report: %s is in use by a running sellerbot serve; use /faq-report in Slack, or run the report after stopping it", path)
	}
	if err != nil {
		return damagedDB("report", "the database (--db or SELLERBOT_DB)", path, err)
	}
	defer st.Close()
	fb, err := st.Feedback()
	if err != nil {
		return err
	}
	dc, err := st.Declines()
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, handlers.BuildReport(fb, dc, kb).Text(*limit))
	return nil
}
