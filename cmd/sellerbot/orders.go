package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"golang.org/x/time/rate"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/ingest"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/scheduler"
)

// alertConfig is the order-alert part of the configuration.
type alertConfig struct {
	Spec        string
	Schedule    cron.Schedule
	Grace       time.Duration
	Retention   time.Duration
	Rate        rate.Limit // messages per second across channels
	IngestToken string     // turns on /api/orders and /api/alerts/preview
}

func loadAlertConfig(getenv func(string) string, prefix string) (alertConfig, error) {
	bad := func(variable, format string, args ...any) error {
		return usageError{fmt.Sprintf("%s: %s: %s", prefix, variable, fmt.Sprintf(format, args...))}
	}
	c := alertConfig{Spec: strings.TrimSpace(getenv("SELLERBOT_ALERT_CRON")), Grace: 3 * time.Hour, Retention: 90 * 24 * time.Hour, Rate: 50}
	if c.Spec == "" {
		c.Spec = scheduler.DefaultSpec
	}
	sched, err := scheduler.ParseSpec(c.Spec)
	if err != nil {
		return c, bad("SELLERBOT_ALERT_CRON", "%v", err)
	}
	c.Schedule = sched
	if v := strings.TrimSpace(getenv("SELLERBOT_ALERT_GRACE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 7*24*time.Hour {
			return c, bad("SELLERBOT_ALERT_GRACE", "%q is not a duration like 3h (0 to 168h)", v)
		}
		c.Grace = d
	}
	if v := strings.TrimSpace(getenv("SELLERBOT_ORDER_RETENTION")); v != "" {
		d, err := parseDays(v)
		if err != nil || d < 24*time.Hour {
			return c, bad("SELLERBOT_ORDER_RETENTION", "%q is not a period like 90d or 2160h (at least 1 day)", v)
		}
		c.Retention = d
	}
	if v := strings.TrimSpace(getenv("SELLERBOT_ALERT_RATE")); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n <= 0 || n > 1000 {
			return c, bad("SELLERBOT_ALERT_RATE", "%q is not a number of messages per second (0-1000)", v)
		}
		c.Rate = rate.Limit(n)
	}
	c.IngestToken = strings.TrimSpace(getenv("SELLERBOT_INGEST_TOKEN"))
	if c.IngestToken != "" && len(c.IngestToken) < 16 {
		return c, bad("SELLERBOT_INGEST_TOKEN", "too short: use at least 16 random characters")
	}
	return c, nil
}

// parseDays reads "90d" as well as Go durations.
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, err
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// openForCLI opens the database for cmd; locked reports that serve
// holds it (the caller then goes through serve's API).
func openForCLI(cmd, path string) (st *boltstore.Store, locked bool, err error) {
	st, err = boltstore.Open(path, time.Second)
	if errors.Is(err, boltstore.ErrLocked) {
		return nil, true, nil
	}
	return st, false, damagedDB(cmd, "the database (--db or SELLERBOT_DB)", path, err)
}

// serverURL is where a running serve listens, for the locked case.
func serverURL(e *env, flagURL string) string {
	if flagURL != "" {
		return strings.TrimSuffix(flagURL, "/")
	}
	if u := e.getenv("SELLERBOT_URL"); u != "" {
		return strings.TrimSuffix(u, "/")
	}
	addr := e.getenv("SELLERBOT_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func lockedHelp(cmd, path string) error {
	return fmt.Errorf("%s: %s is in use by a running sellerbot serve; set SELLERBOT_INGEST_TOKEN (the same as the server's) to go through its API (SELLERBOT_ADDR or --server says where it listens), or stop serve first", cmd, path)
}

// callServe sends one request to serve's API.
func callServe(ctx context.Context, method, u, token string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reaching serve at %s: %w", u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return fmt.Errorf("serve answered %s: %s", resp.Status, e.Error)
	}
	return json.Unmarshal(data, out)
}

func runOrders(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("usage: sellerbot orders import [--db FILE] [--server URL] FILE.csv")
	}
	fs := newFlagSet("orders import", e, "sellerbot orders import [--db FILE] [--server URL] FILE.csv", "Imports orders from CSV: header order_no,seller_id,ordered_at,status (or 주문번호,업체ID,주문일시,주문상태).")
	db := dbFlag(fs, e)
	server := fs.String("server", "", "serve's base `URL` when it holds the database (default from SELLERBOT_URL or SELLERBOT_ADDR)")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("orders import: give one CSV file (- for standard input)")
	}
	var in io.Reader = e.stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("orders import: %w", err)
		}
		defer f.Close()
		in = f
	}
	list, rowErrs, err := orders.ReadCSV(in)
	if err != nil {
		return fmt.Errorf("orders import: %w", err)
	}
	for _, fe := range rowErrs {
		fmt.Fprintf(e.stderr, "line %d: %s: %s\n", fe.Index, fe.Field, fe.Error)
	}
	path := dbPath(*db)
	st, locked, err := openForCLI("orders import", path)
	if err != nil {
		return err
	}
	raws := make([]orders.Raw, len(list))
	for i, o := range list {
		raws[i] = orders.Raw{No: o.No, SellerID: o.SellerID, OrderedAt: o.OrderedAt.Format(time.RFC3339Nano), Status: string(o.Status)}
	}
	var total orders.UpsertResult
	accepted := 0
	if locked {
		token := strings.TrimSpace(e.getenv("SELLERBOT_INGEST_TOKEN"))
		if token == "" {
			return lockedHelp("orders import", path)
		}
		base := serverURL(e, *server)
		for start := 0; start < len(raws); start += ingest.MaxBatch {
			chunk := raws[start:min(start+ingest.MaxBatch, len(raws))]
			body, _ := json.Marshal(ingest.Request{Orders: chunk})
			var resp ingest.Response
			if err := callServe(ctx, http.MethodPost, base+"/api/orders", token, body, &resp); err != nil {
				return fmt.Errorf("orders import: %d of %d orders sent before: %w", start, len(raws), err)
			}
			accepted += resp.Accepted
			total.Inserted += resp.Result.Inserted
			total.Updated += resp.Result.Updated
			total.Unchanged += resp.Result.Unchanged
		}
		fmt.Fprintf(e.stdout, "(through serve at %s)\n", base)
	} else {
		defer st.Close()
		resp, err := orders.Accept(st, raws)
		if err != nil {
			return fmt.Errorf("orders import: %w", err)
		}
		accepted, total = resp.Accepted, resp.Result
	}
	badRows := map[int]bool{}
	for _, fe := range rowErrs {
		badRows[fe.Index] = true
	}
	fmt.Fprintf(e.stdout, "imported %d orders: %d new, %d updated, %d unchanged; %d rows rejected\n",
		accepted, total.Inserted, total.Updated, total.Unchanged, len(badRows))
	if len(rowErrs) > 0 {
		return exitError{1}
	}
	return nil
}

func dbPath(p string) string {
	if p == "" {
		return "sellerbot.db"
	}
	return p
}

func runAlerts(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "preview" {
		return usagef("usage: sellerbot alerts preview --at TIME [--json] [--db FILE]")
	}
	fs := newFlagSet("alerts preview", e, "sellerbot alerts preview --at TIME [--json] [--db FILE] [--server URL]")
	db := dbFlag(fs, e)
	atFlag := fs.String("at", "", "the send `TIME` (RFC 3339 or \"2026-11-23 10:00:00\" Korea time); the slot at or before it is shown")
	asJSON := fs.Bool("json", false, "print JSON")
	server := fs.String("server", "", "serve's base `URL` when it holds the database")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	if *atFlag == "" {
		return usagef("alerts preview: --at TIME is required")
	}
	at, err := orders.ParseTime(*atFlag)
	if err != nil {
		return usagef("alerts preview: --at: %v", err)
	}
	cfg, err := loadAlertConfig(e.getenv, "alerts preview")
	if err != nil {
		return err
	}
	path := dbPath(*db)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("alerts preview: no database at %s (set --db or SELLERBOT_DB)", path)
	}
	var list []scheduler.Preview
	st, locked, err := openForCLI("alerts preview", path)
	switch {
	case err != nil:
		return err
	case locked:
		if cfg.IngestToken == "" {
			return lockedHelp("alerts preview", path)
		}
		u := serverURL(e, *server) + "/api/alerts/preview?at=" + url.QueryEscape(at.Format(time.RFC3339))
		if err := callServe(ctx, http.MethodGet, u, cfg.IngestToken, nil, &list); err != nil {
			return fmt.Errorf("alerts preview: %w", err)
		}
	default:
		defer st.Close()
		a := &scheduler.Alerter{Store: st, Schedule: cfg.Schedule}
		if list, err = a.Preview(at); err != nil {
			return fmt.Errorf("alerts preview: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no alerts: no unconfirmed orders in the window")
		return nil
	}
	for _, p := range list {
		w := orders.Window{Start: p.WindowStart, End: p.WindowEnd}
		chs := strings.Join(p.Channels, ", ")
		if chs == "" {
			chs = "(no channel subscribed: nobody would be told; use /order-alerts on " + p.SellerID + ")"
		}
		fmt.Fprintf(e.stdout, "%s  %d orders  window %s  -> %s\n  %s\n", p.SellerID, p.Count, w.String(), chs, p.Text)
	}
	return nil
}
