package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/orders"
)

// The end-to-end tests of the order commands: `orders import`, `alerts
// preview`, both on a database of their own and through a running serve's
// API, the ingest API itself and /order-alerts.

// Korean headers and statuses, times in Korea time. With the default
// schedule (10:00 and 15:00 KST) the 10:00 slot of 2026-11-23 counts orders
// placed in (2026-11-22 15:00, 2026-11-23 10:00].
const oeKoreanCSV = "주문번호,업체ID,주문일시,주문상태\n" +
	"K-1001,ganashop,2026-11-23 09:59:00,신규주문\n" + // in
	"K-1002,ganashop,2026-11-22 15:00:01,신규주문\n" + // in: just after the start
	"K-1003,ganashop,2026-11-23 08:00:00,주문확인\n" + // confirmed: not counted
	"K-1004,ganashop,2026-11-23 08:30:00,발송완료\n" + // shipped: not counted
	"K-1005,ganashop,2026-11-23 09:00:00,취소\n" + // cancelled: not counted
	"K-1006,ganashop,2026-11-22 15:00:00,신규주문\n" + // at the start: outside (the window is open there)
	"K-1007,ganashop,2026-11-23 10:00:01,신규주문\n" + // after the end
	"K-1008,ganashop,2026-11-23 10:00:00,신규주문\n" + // at the end: in
	"K-1009,dadashop,2026-11-23 09:30:00,신규주문\n"

// English headers and statuses, RFC 3339 and local times mixed.
const oeEnglishCSV = "order_no,seller_id,ordered_at,status\n" +
	"E-1,rarashop,2026-11-23T00:30:00Z,new\n" + // 09:30 KST: in
	"E-2,rarashop,2026-11-22T05:59:59Z,new\n" + // 14:59:59 KST the day before: outside
	"E-3,rarashop,2026-11-23T09:00:00+09:00,confirmed\n" +
	"E-4,rarashop,2026-11-23 09:40:00,canceled\n"

func oeWriteFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// oePreview is one entry of `alerts preview --json`, with channels kept raw
// to tell [] from null.
type oePreview struct {
	SellerID    string          `json:"seller_id"`
	Channels    json.RawMessage `json:"channels"`
	WindowStart time.Time       `json:"window_start"`
	WindowEnd   time.Time       `json:"window_end"`
	Count       int             `json:"count"`
	Text        string          `json:"text"`
}

func oeDecodePreview(t *testing.T, out string) map[string]oePreview {
	t.Helper()
	var list []oePreview
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("preview output is not a JSON list: %v\n%s", err, out)
	}
	if list == nil {
		t.Fatalf("preview output is null; want a list: %q", out)
	}
	m := map[string]oePreview{}
	for _, p := range list {
		if _, dup := m[p.SellerID]; dup {
			t.Errorf("seller %s listed twice", p.SellerID)
		}
		m[p.SellerID] = p
	}
	return m
}

func oeTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func oeAlertText(n int) string {
	return fmt.Sprintf("[인터파크-판매관리] 현재 확인하실 신규주문건이 %d건 있습니다.", n)
}

// oeCheckPreview compares a preview with the expected counts per seller,
// the window and the channels.
func oeCheckPreview(t *testing.T, got map[string]oePreview, counts map[string]int, channels map[string][]string, start, end string) {
	t.Helper()
	ws, we := oeTime(t, start), oeTime(t, end)
	if len(got) != len(counts) {
		t.Errorf("preview lists %d sellers; want %d (%v)", len(got), len(counts), counts)
	}
	for seller, n := range counts {
		p, ok := got[seller]
		if !ok {
			t.Errorf("seller %s missing from the preview", seller)
			continue
		}
		if p.Count != n {
			t.Errorf("%s: count %d; want %d", seller, p.Count, n)
		}
		if p.Text != oeAlertText(n) {
			t.Errorf("%s: text %q; want %q", seller, p.Text, oeAlertText(n))
		}
		if !p.WindowStart.Equal(ws) || !p.WindowEnd.Equal(we) {
			t.Errorf("%s: window %s .. %s; want %s .. %s", seller, p.WindowStart.Format(time.RFC3339), p.WindowEnd.Format(time.RFC3339), start, end)
		}
		if string(p.Channels) == "null" || len(p.Channels) == 0 {
			t.Errorf("%s: channels %s; want a list, never null", seller, p.Channels)
			continue
		}
		var chs []string
		if err := json.Unmarshal(p.Channels, &chs); err != nil {
			t.Errorf("%s: channels %s: %v", seller, p.Channels, err)
		}
		want := channels[seller]
		if want == nil {
			want = []string{}
		}
		if strings.Join(chs, ",") != strings.Join(want, ",") || len(chs) != len(want) {
			t.Errorf("%s: channels %q; want %q", seller, chs, want)
		}
	}
}

// TestOrdersImportCLI imports English and Korean CSV files into a fresh
// database, again (unchanged), from standard input, with bad rows, and
// checks the failures that must stop an import.
func TestOrdersImportCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "orders.db")
	english := oeWriteFile(t, dir, "english.csv", oeEnglishCSV)
	korean := oeWriteFile(t, dir, "korean.csv", oeKoreanCSV)
	// Excel's UTF-8 CSV: a BOM, CRLF line ends and a quoted header.
	excel := oeWriteFile(t, dir, "excel.csv", "\ufeff\"주문번호\",\"업체ID\",\"주문일시\",\"주문상태\"\r\nX-1,ganashop,2026-11-23 09:10:00,신규\r\n")
	badRows := oeWriteFile(t, dir, "bad-rows.csv", "order_no,seller_id,ordered_at,status\n"+
		"B-1,badashop,2026-11-23 09:00:00,new\n"+ // line 2: good
		"B-2,badashop,2026-11-23 09:00:00,배송중\n"+ // line 3: status
		"B-3,badashop,yesterday,new\n"+ // line 4: ordered_at
		"B-4,,2026-11-23 09:00:00,new\n"+ // line 5: seller_id
		"\n"+ // line 6: blank, skipped
		"B-5,badashop,2026-11-23 09:05:00,new\n") // line 7: good
	bareQuote := oeWriteFile(t, dir, "bare-quote.csv", "order_no,seller_id,ordered_at,status\n"+
		"Q-1,quoteshop,2026-11-23 09:00:00,new\n"+
		"Q-2,quote\"shop,2026-11-23 09:00:00,new\n"+ // line 3: not CSV
		"Q-3,quoteshop,2026-11-23 09:01:00,new\n")
	badHeader := oeWriteFile(t, dir, "bad-header.csv", "order,seller,when,status\nB-1,badashop,2026-11-23 09:00:00,new\n")
	empty := oeWriteFile(t, dir, "empty.csv", "")
	missing := filepath.Join(dir, "no-such-file.csv")

	steps := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantOut    []string
		wantErr    []string
		notWantErr []string
	}{
		{"english header", []string{english}, "", 0,
			[]string{"imported 4 orders: 4 new, 0 updated, 0 unchanged; 0 rows rejected"}, nil, nil},
		{"korean header", []string{korean}, "", 0,
			[]string{"imported 9 orders: 9 new, 0 updated, 0 unchanged; 0 rows rejected"}, nil, nil},
		{"korean again is unchanged", []string{korean}, "", 0,
			[]string{"imported 9 orders: 0 new, 0 updated, 9 unchanged; 0 rows rejected"}, nil, nil},
		{"english again is unchanged", []string{english}, "", 0,
			[]string{"imported 4 orders: 0 new, 0 updated, 4 unchanged"}, nil, nil},
		{"standard input updates and adds", []string{"-"},
			"주문번호,업체ID,주문일시,주문상태\nK-1001,ganashop,2026-11-23 09:59:00,주문확인\nS-1,sasashop,2026-11-23 09:20:00,신규주문\n", 0,
			[]string{"imported 2 orders: 1 new, 1 updated, 0 unchanged; 0 rows rejected"}, nil, nil},
		{"excel BOM, CRLF, quoted header", []string{excel}, "", 0,
			[]string{"imported 1 orders: 1 new"}, nil, nil},
		{"bad rows: good rows imported, bad lines named", []string{badRows}, "", 1,
			[]string{"imported 2 orders: 2 new, 0 updated, 0 unchanged; 3 rows rejected"},
			[]string{"line 3: status:", "배송중", "line 4: ordered_at:", "yesterday", "line 5: seller_id: required"},
			[]string{"line 2:", "line 6:", "line 7:"}},
		{"bad rows again: the good rows were stored", []string{badRows}, "", 1,
			[]string{"imported 2 orders: 0 new, 0 updated, 2 unchanged; 3 rows rejected"}, nil, nil},
		{"a malformed CSV line is skipped, the rest imported", []string{bareQuote}, "", 1,
			[]string{"imported 2 orders: 2 new, 0 updated, 0 unchanged; 1 rows rejected"},
			[]string{"line 3: line:", "bare \""}, []string{"line 2:", "line 4:"}},
		{"missing file", []string{missing}, "", 1, nil,
			[]string{"orders import:", "no-such-file.csv", "no such file"}, nil},
		{"bad header", []string{badHeader}, "", 1, nil,
			[]string{"orders import:", "header lacks order_no"}, nil},
		{"empty file", []string{empty}, "", 1, nil,
			[]string{"orders import:", "empty file", "header"}, nil},
		{"no file", nil, "", 2, nil, []string{"give one CSV file"}, nil},
		{"two files", []string{english, korean}, "", 2, nil, []string{"give one CSV file"}, nil},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"orders", "import", "--db", db}, tt.args...)
			r := runCmd(t, nil, tt.stdin, args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d; want %d\nstdout %q\nstderr %q", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout %q; want %q", r.stdout, w)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q; want %q", r.stderr, w)
				}
			}
			for _, w := range tt.notWantErr {
				if strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q; want no %q", r.stderr, w)
				}
			}
		})
	}

	// SELLERBOT_DB stands for --db.
	r := runCmd(t, map[string]string{"SELLERBOT_DB": db}, "", "orders", "import", korean)
	if r.code != 0 || !strings.Contains(r.stdout, "0 new, 1 updated, 8 unchanged") {
		t.Errorf("import with SELLERBOT_DB: exit %d\n%s%s; want K-1001 changed back and the rest unchanged", r.code, r.stdout, r.stderr)
	}
}

// TestOrdersImportRowsRejectedCountsRows: a row with two bad fields is one
// rejected row, not two.
func TestOrdersImportRowsRejectedCountsRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := oeWriteFile(t, dir, "two-bad-fields.csv", "order_no,seller_id,ordered_at,status\n"+
		"B-1,badashop,2026-11-23 09:00:00,new\n"+
		"B-2,badashop,yesterday,배송중\n") // line 3: ordered_at and status
	r := runCmd(t, nil, "", "orders", "import", "--db", filepath.Join(dir, "o.db"), f)
	if r.code != 1 || !strings.Contains(r.stderr, "line 3: ordered_at:") || !strings.Contains(r.stderr, "line 3: status:") {
		t.Fatalf("exit %d, stderr %q; want 1 and both fields of line 3 named", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "imported 1 orders") {
		t.Fatalf("stdout %q; want the good row imported", r.stdout)
	}
	if !strings.Contains(r.stdout, "1 rows rejected") {
		t.Errorf("one row with two bad fields: %q; want \"1 rows rejected\"", strings.TrimSpace(r.stdout))
	}
}

// TestOrdersImportUnclosedQuoteLine: a quote left open on line 5 swallows
// the next line; the error must point at line 5, where the record starts,
// not at line 6, which is fine on its own.
func TestOrdersImportUnclosedQuoteLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := oeWriteFile(t, dir, "open-quote.csv", "order_no,seller_id,ordered_at,status\n"+
		"U-1,quoteshop,2026-11-23 09:00:00,new\n"+
		"U-2,quoteshop,2026-11-23 09:01:00,new\n"+
		"U-3,quoteshop,2026-11-23 09:02:00,new\n"+
		"\"U-4,quoteshop,2026-11-23 09:03:00,new\n"+ // line 5: the quote is never closed
		"U-5,quoteshop,2026-11-23 09:04:00,new\n")
	r := runCmd(t, nil, "", "orders", "import", "--db", filepath.Join(dir, "o.db"), f)
	if r.code != 1 || !strings.Contains(r.stdout, "imported 3 orders") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and the three good rows imported", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "line 5:") {
		t.Errorf("stderr %q; want the unclosed quote reported on line 5, where the record starts", strings.TrimSpace(r.stderr))
	}
}

// TestAlertsPreviewMissingDatabase: previewing a database that does not
// exist (a typo in --db, the wrong directory) must say so, like report
// does, not print "no alerts" and leave an empty database behind.
func TestAlertsPreviewMissingDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "typo.db")
	r := runCmd(t, nil, "", "alerts", "preview", "--at", "2026-11-23 10:00:00", "--db", path)
	_, statErr := os.Stat(path)
	if r.code == 0 || statErr == nil {
		t.Errorf("alerts preview on a missing database exits %d with %q and creates %s (stat: %v); want an error",
			r.code, strings.TrimSpace(r.stdout), filepath.Base(path), statErr)
	}
	if !strings.Contains(r.stderr, path) {
		t.Errorf("stderr %q; want the path named", r.stderr)
	}
}

// TestAlertsPreviewCLI previews the 10:00 slot after an import: windows,
// counts, texts, channels, the text mode, a custom schedule and the errors.
func TestAlertsPreviewCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "alerts.db")
	for _, f := range []string{oeWriteFile(t, dir, "k.csv", oeKoreanCSV), oeWriteFile(t, dir, "e.csv", oeEnglishCSV)} {
		if r := runCmd(t, nil, "", "orders", "import", "--db", db, f); r.code != 0 {
			t.Fatalf("import %s: exit %d: %s", f, r.code, r.stderr)
		}
	}
	// dadashop is subscribed in two channels; the others in none.
	st, err := boltstore.Open(db, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"C0SELLER", "C0ANOTHER"} {
		if _, err := st.Subscribe(orders.Subscription{Seller: "dadashop", Channel: ch, By: "UADMIN", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	defaultCounts := map[string]int{"ganashop": 3, "dadashop": 1, "rarashop": 1}
	subscribed := map[string][]string{"dadashop": {"C0ANOTHER", "C0SELLER"}}
	const (
		defStart = "2026-11-22T15:00:00+09:00"
		defEnd   = "2026-11-23T10:00:00+09:00"
	)
	tests := []struct {
		name       string
		env        map[string]string
		at         string
		counts     map[string]int
		start, end string
	}{
		{"default schedule at 10:00", nil, "2026-11-23 10:00:00", defaultCounts, defStart, defEnd},
		{"RFC 3339 --at", nil, "2026-11-23T01:00:00Z", defaultCounts, defStart, defEnd},
		{"between slots shows the latest slot", nil, "2026-11-23 12:34:56", defaultCounts, defStart, defEnd},
		// (2026-11-22 09:30, 2026-11-23 09:30]: K-1002 and K-1006 in, K-1001
		// and K-1008 out; K-1009 and E-1 at 09:30 exactly in; E-2 in.
		{"custom SELLERBOT_ALERT_CRON", map[string]string{"SELLERBOT_ALERT_CRON": "CRON_TZ=Asia/Seoul 30 9 * * *"}, "2026-11-23 10:00:00",
			map[string]int{"ganashop": 2, "dadashop": 1, "rarashop": 2}, "2026-11-22T09:30:00+09:00", "2026-11-23T09:30:00+09:00"},
		{"no orders in the window", nil, "2026-11-20 10:00:00", map[string]int{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.env, "", "alerts", "preview", "--at", tt.at, "--json", "--db", db)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := oeDecodePreview(t, r.stdout)
			if len(tt.counts) == 0 {
				if strings.TrimSpace(r.stdout) != "[]" {
					t.Errorf("stdout %q; want []", r.stdout)
				}
				return
			}
			oeCheckPreview(t, got, tt.counts, subscribed, tt.start, tt.end)
		})
	}

	t.Run("text mode", func(t *testing.T) {
		r := runCmd(t, map[string]string{"SELLERBOT_DB": db}, "", "alerts", "preview", "--at", "2026-11-23 10:00:00")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		lines := strings.Split(r.stdout, "\n")
		var gana, dada string
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "ganashop"):
				gana = l
			case strings.HasPrefix(l, "dadashop"):
				dada = l
			}
		}
		if !strings.Contains(gana, "3 orders") || !strings.Contains(gana, "no channel subscribed") || !strings.Contains(gana, "/order-alerts on ganashop") {
			t.Errorf("ganashop line %q; want 3 orders and a note that no channel is subscribed\n%s", gana, r.stdout)
		}
		if !strings.Contains(dada, "-> C0ANOTHER, C0SELLER") || strings.Contains(dada, "no channel") {
			t.Errorf("dadashop line %q; want its two channels", dada)
		}
		if !strings.Contains(r.stdout, "11/22 15:00:01 ~ 11/23 10:00:00") {
			t.Errorf("text output lacks the window in Korea time:\n%s", r.stdout)
		}
		if !strings.Contains(r.stdout, oeAlertText(3)) {
			t.Errorf("text output lacks %q:\n%s", oeAlertText(3), r.stdout)
		}
		r = runCmd(t, nil, "", "alerts", "preview", "--at", "2026-11-20 10:00:00", "--db", db)
		if r.code != 0 || !strings.Contains(r.stdout, "no alerts") {
			t.Errorf("empty slot: exit %d %q; want a no-alerts note", r.code, r.stdout)
		}
	})

	errs := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"--at missing", nil, []string{"--json"}, "--at TIME is required"},
		{"--at malformed", nil, []string{"--at", "tomorrow 10am"}, "--at"},
		{"--at date only", nil, []string{"--at", "2026-11-23"}, "--at"},
		{"no time zone in SELLERBOT_ALERT_CRON", map[string]string{"SELLERBOT_ALERT_CRON": "0 10,15 * * *"}, []string{"--at", "2026-11-23 10:00:00"}, "SELLERBOT_ALERT_CRON"},
		{"malformed SELLERBOT_ALERT_CRON", map[string]string{"SELLERBOT_ALERT_CRON": "CRON_TZ=Asia/Seoul 99 25 * * *"}, []string{"--at", "2026-11-23 10:00:00"}, "SELLERBOT_ALERT_CRON"},
		{"bare CRON_TZ", map[string]string{"SELLERBOT_ALERT_CRON": "CRON_TZ=Asia/Seoul"}, []string{"--at", "2026-11-23 10:00:00"}, "SELLERBOT_ALERT_CRON"},
		{"no subcommand", nil, nil, "alerts preview --at TIME"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"alerts"}
			if tt.args != nil {
				args = append(args, "preview", "--db", db)
				args = append(args, tt.args...)
			}
			r := runCmd(t, tt.env, "", args...)
			if r.code != 2 {
				t.Errorf("exit %d; want 2 (stdout %q stderr %q)", r.code, r.stdout, r.stderr)
			}
			if first := strings.SplitN(r.stderr, "\n", 2)[0]; !strings.Contains(first, tt.want) {
				t.Errorf("stderr %q; want its first line to contain %q", r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q; want nothing on a usage error", r.stdout)
			}
		})
	}
}

// oeToken is a 32-character ingest token.
const oeToken = "0123456789abcdef0123456789ABCDEF"

func oePost(t *testing.T, u, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOrdersCLIThroughServe: while serve holds the database, orders import
// and alerts preview go through its API with the token, and fail at once
// without it; the API itself checks the token and takes mixed batches.
func TestOrdersCLIThroughServe(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "served.db")
	base, stop, stderr := startServe(t, fake, map[string]string{
		"SELLERBOT_DB": db, "SELLERBOT_INGEST_TOKEN": oeToken,
		"SELLERBOT_ORDER_RETENTION": "3650d", // the fixed 2026 orders must never be pruned by a catch-up
	})
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	addr := strings.TrimPrefix(base, "http://")
	dir := t.TempDir()
	korean := oeWriteFile(t, dir, "k.csv", oeKoreanCSV)
	english := oeWriteFile(t, dir, "e.csv", oeEnglishCSV)
	withToken := map[string]string{"SELLERBOT_DB": db, "SELLERBOT_INGEST_TOKEN": oeToken, "SELLERBOT_ADDR": addr}
	noToken := map[string]string{"SELLERBOT_DB": db, "SELLERBOT_ADDR": addr}
	wrongToken := map[string]string{"SELLERBOT_DB": db, "SELLERBOT_ADDR": addr, "SELLERBOT_INGEST_TOKEN": strings.Repeat("x", 32)}

	// Each command that finds the database locked waits a second for it, so
	// independent commands run at once.
	type cliRun struct {
		name string
		env  map[string]string
		args []string
		res  result
		took time.Duration
	}
	runAll := func(runs []*cliRun) {
		var wg sync.WaitGroup
		for _, c := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				c.res = runCmd(t, c.env, "", c.args...)
				c.took = time.Since(start)
			}()
		}
		wg.Wait()
	}

	// Without a token, or with the wrong one, both commands fail quickly and
	// say what to set; meanwhile the import with the token goes through.
	fails := []*cliRun{
		{name: "import without token", env: noToken, args: []string{"orders", "import", korean}},
		{name: "preview without token", env: noToken, args: []string{"alerts", "preview", "--at", "2026-11-23 10:00:00", "--json"}},
		{name: "import with wrong token", env: wrongToken, args: []string{"orders", "import", korean}},
		{name: "preview with wrong token", env: wrongToken, args: []string{"alerts", "preview", "--at", "2026-11-23 10:00:00"}},
	}
	failWants := [][]string{
		{"SELLERBOT_INGEST_TOKEN", "in use by a running sellerbot serve"},
		{"SELLERBOT_INGEST_TOKEN", "in use by a running sellerbot serve"},
		{"401", "SELLERBOT_INGEST_TOKEN"},
		{"401", "SELLERBOT_INGEST_TOKEN"},
	}
	importK := &cliRun{name: "import through serve", env: withToken, args: []string{"orders", "import", korean}}
	runAll(append(fails, importK))
	for i, f := range fails {
		r := f.res
		if r.code != 1 {
			t.Errorf("%s: exit %d; want 1 (stdout %q stderr %q)", f.name, r.code, r.stdout, r.stderr)
		}
		for _, w := range failWants[i] {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr %q; want %q", f.name, r.stderr, w)
			}
		}
		if f.took > 5*time.Second {
			t.Errorf("%s took %s; want a quick failure", f.name, f.took)
		}
		if strings.Contains(r.stdout+r.stderr, oeToken) {
			t.Errorf("%s: the token reached the output", f.name)
		}
	}
	if r := importK.res; r.code != 0 {
		t.Fatalf("import through serve: exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{"through serve", addr, "imported 9 orders: 9 new, 0 updated, 0 unchanged; 0 rows rejected"} {
		if !strings.Contains(importK.res.stdout, w) {
			t.Errorf("import through serve: stdout %q; want %q", importK.res.stdout, w)
		}
	}

	// Again: unchanged. And --server says where serve listens when
	// SELLERBOT_ADDR does not.
	again := &cliRun{name: "import again", env: withToken, args: []string{"orders", "import", korean}}
	byFlag := &cliRun{name: "import with --server", env: map[string]string{"SELLERBOT_DB": db, "SELLERBOT_INGEST_TOKEN": oeToken},
		args: []string{"orders", "import", "--server", base + "/", english}}
	runAll([]*cliRun{again, byFlag})
	if r := again.res; r.code != 0 || !strings.Contains(r.stdout, "0 new, 0 updated, 9 unchanged") {
		t.Errorf("import again through serve: exit %d %q %q; want all unchanged", r.code, r.stdout, r.stderr)
	}
	if r := byFlag.res; r.code != 0 || !strings.Contains(r.stdout, "through serve") || !strings.Contains(r.stdout, "4 new") {
		t.Errorf("import with --server: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// The API directly.
	batch := `{"orders":[
		{"order_no":"A-1","seller_id":"apishop","ordered_at":"2026-11-23 09:00:00","status":"신규주문"},
		{"order_no":"A-2","seller_id":"apishop","ordered_at":"2026-11-23 09:10:00","status":"배송중"},
		{"order_no":"","seller_id":"apishop","ordered_at":"2026-11-23 09:20:00","status":"new"},
		{"order_no":"A-4","seller_id":"apishop","ordered_at":"2026-11-23T00:30:00Z","status":"new"}]}`
	for _, tc := range []struct{ name, token string }{{"no token", ""}, {"wrong token", strings.Repeat("y", 32)}, {"token prefix", oeToken[:16]}} {
		code, body := oePost(t, base+"/api/orders", tc.token, batch)
		if code != http.StatusUnauthorized || !strings.Contains(body, "SELLERBOT_INGEST_TOKEN") {
			t.Errorf("POST /api/orders with %s: %d %s; want 401 naming the variable", tc.name, code, body)
		}
	}
	if resp, err := http.Get(base + "/api/alerts/preview?at=" + url.QueryEscape("2026-11-23 10:00:00")); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /api/alerts/preview without a token: %d; want 401", resp.StatusCode)
		}
	}
	code, body := oePost(t, base+"/api/orders", oeToken, batch)
	if code != http.StatusOK {
		t.Fatalf("mixed batch: %d %s; want 200", code, body)
	}
	var resp struct {
		Accepted int                 `json:"accepted"`
		Result   orders.UpsertResult `json:"result"`
		Rejected []orders.FieldError `json:"rejected"`
		Orders   []string            `json:"accepted_orders"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatalf("mixed batch answer %s: %v", body, err)
	}
	if resp.Accepted != 2 || resp.Result.Inserted != 2 || strings.Join(resp.Orders, ",") != "A-1,A-4" {
		t.Errorf("mixed batch: %+v; want A-1 and A-4 accepted and inserted", resp)
	}
	rejected := map[int]string{}
	for _, fe := range resp.Rejected {
		rejected[fe.Index] = fe.Field
	}
	if len(resp.Rejected) != 2 || rejected[1] != "status" || rejected[2] != "order_no" {
		t.Errorf("mixed batch rejected %+v; want #1 status and #2 order_no", resp.Rejected)
	}
	if code, body := oePost(t, base+"/api/orders", oeToken, `{"orders":`); code != http.StatusBadRequest {
		t.Errorf("malformed JSON: %d %s; want 400", code, body)
	}

	// The preview through serve sees the CSV imports and the API batch.
	wantCounts := map[string]int{"ganashop": 3, "dadashop": 1, "rarashop": 1, "apishop": 2}
	r := runCmd(t, withToken, "", "alerts", "preview", "--at", "2026-11-23 10:00:00", "--json")
	if r.code != 0 {
		t.Fatalf("preview through serve: exit %d: %s", r.code, r.stderr)
	}
	oeCheckPreview(t, oeDecodePreview(t, r.stdout), wantCounts, nil, "2026-11-22T15:00:00+09:00", "2026-11-23T10:00:00+09:00")

	if err := stop(); err != nil {
		t.Errorf("serve stopped with %v", err)
	}
	stopped = true
	if strings.Contains(stderr.String(), oeToken) {
		t.Errorf("the ingest token reached serve's log")
	}
	// With serve stopped the same commands open the database themselves and
	// see what serve stored.
	r = runCmd(t, noToken, "", "alerts", "preview", "--at", "2026-11-23 10:00:00", "--json")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "through serve") {
		t.Fatalf("preview after serve stopped: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	oeCheckPreview(t, oeDecodePreview(t, r.stdout), wantCounts, nil, "2026-11-22T15:00:00+09:00", "2026-11-23T10:00:00+09:00")
}

// TestIngestAPIOffWithoutToken: a serve without SELLERBOT_INGEST_TOKEN has
// no /api/orders, and the CLI with a token says serve refused.
func TestIngestAPIOffWithoutToken(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "plain.db")
	base, stop, _ := startServe(t, fake, map[string]string{"SELLERBOT_DB": db})
	defer stop()
	for _, token := range []string{"", oeToken} {
		code, body := oePost(t, base+"/api/orders", token, `{"orders":[]}`)
		if code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
			t.Errorf("POST /api/orders (token %v): %d %s; want 404 or 405", token != "", code, body)
		}
	}
	resp, err := http.Get(base + "/api/alerts/preview")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/alerts/preview: %d; want 404 or 405", resp.StatusCode)
	}
	csv := oeWriteFile(t, t.TempDir(), "k.csv", oeKoreanCSV)
	start := time.Now()
	r := runCmd(t, map[string]string{"SELLERBOT_DB": db, "SELLERBOT_INGEST_TOKEN": oeToken, "SELLERBOT_ADDR": strings.TrimPrefix(base, "http://")}, "", "orders", "import", csv)
	if r.code != 1 || !strings.Contains(r.stderr, "404") {
		t.Errorf("import into a serve without the API: exit %d %q; want 1 and serve's 404", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("import took %s; want a quick failure", d)
	}
}

// TestOrderAlertsCommandNeedsBotInChannel: /order-alerts on from an admin
// in a channel the bot is not in asks to invite it, and subscribes nothing;
// from anyone else it is refused.
func TestOrderAlertsCommandNeedsBotInChannel(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "cmd.db")
	base, stop, _ := startServe(t, fake, map[string]string{
		"SELLERBOT_DB": db, "SELLERBOT_ADMINS": "UADMIN", "SELLERBOT_INGEST_TOKEN": oeToken, "SELLERBOT_ORDER_RETENTION": "3650d",
	})
	defer stop()
	send := func(user string) {
		t.Helper()
		form := url.Values{
			"command": {"/order-alerts"}, "text": {"on ganashop"}, "user_id": {user}, "user_name": {"kim"},
			"channel_id": {"C0SELLER"}, "team_id": {"T0"}, "trigger_id": {"1.2.3"}, "response_url": {fake.URL + "/respond"},
		}.Encode()
		if r := signedPost(t, base, "/slack/commands", "application/x-www-form-urlencoded", testSecret, []byte(form)); r.StatusCode != http.StatusOK {
			t.Fatalf("slash command: status %d", r.StatusCode)
		}
	}
	text := func(c slackfake.Call) string { return fmt.Sprint(c.JSON["text"]) }

	send("UADMIN")
	invite := fake.WaitFor(t, "the reply asking to invite the bot", func(c slackfake.Call) bool {
		return c.Method == "respond" && strings.Contains(text(c), "초대")
	})
	if !strings.Contains(text(invite), "/invite") {
		t.Errorf("reply %q; want it to say how to invite the bot", text(invite))
	}
	if fake.Count(func(c slackfake.Call) bool { return c.Method == "conversations.members" }) == 0 {
		t.Errorf("the bot's membership was not checked; calls %v", fake.Methods())
	}

	send("UOTHER")
	refusal := fake.WaitFor(t, "the refusal of a non-admin", func(c slackfake.Call) bool {
		return c.Method == "respond" && strings.Contains(text(c), "관리자")
	})
	if strings.Contains(text(refusal), "초대") {
		t.Errorf("refusal %q asks to invite the bot; a non-admin must be refused first", text(refusal))
	}
	if n := fake.Count(func(c slackfake.Call) bool { return c.Method == "respond" && strings.Contains(text(c), "받습니다") }); n != 0 {
		t.Errorf("%d replies confirm a subscription; want none", n)
	}

	// Nothing was subscribed: the preview through serve lists ganashop
	// with no channel.
	code, body := oePost(t, base+"/api/orders", oeToken, `{"orders":[{"order_no":"G-1","seller_id":"ganashop","ordered_at":"2026-11-23 09:00:00","status":"new"}]}`)
	if code != http.StatusOK {
		t.Fatalf("POST /api/orders: %d %s", code, body)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/alerts/preview?at="+url.QueryEscape("2026-11-23 10:00:00"), nil)
	req.Header.Set("Authorization", "Bearer "+oeToken)
	presp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pbody, _ := io.ReadAll(presp.Body)
	presp.Body.Close()
	if presp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/alerts/preview: %d %s", presp.StatusCode, pbody)
	}
	oeCheckPreview(t, oeDecodePreview(t, string(pbody)), map[string]int{"ganashop": 1}, nil, "2026-11-22T15:00:00+09:00", "2026-11-23T10:00:00+09:00")
}
