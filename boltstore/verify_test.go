package boltstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/outbox"
)

// filled is a database with some of everything, closed, and how many of
// its bytes are in use (the file has room to grow beyond).
func filled(t *testing.T) ([]byte, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	var list []orders.Order
	for i := range 1000 {
		list = append(list, orders.Order{No: fmt.Sprintf("O%06d", i), SellerID: fmt.Sprintf("s%02d", i%40), OrderedAt: at.Add(-time.Duration(i) * time.Second), Status: orders.New})
	}
	if _, err := s.UpsertOrders(list); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		s.Subscribe(orders.Subscription{Seller: fmt.Sprintf("s%02d", i), Channel: "C1", At: at})
		s.CreateRequest(forms.Request{Key: fmt.Sprint("V", i), Kind: forms.CancelRequest, Requester: "U1", CreatedAt: at, Values: forms.Values{"detail": string(bytes.Repeat([]byte("가"), 2000))}}, outbox.Filed(true, ""))
		s.AddDecline(sellerbot.Decline{At: at, User: "U1", Question: "질문"})
	}
	var used int64
	s.db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, int(used)
}

// readAll reads what serve reads; on a damaged file it would fault.
func readAll(s *Store) {
	s.Subscriptions()
	s.NewOrdersBySeller(orders.Window{Start: time.Unix(0, 0), End: time.Now()})
	s.RequestsBy("U1", 0)
	s.DueRequests(time.Now())
	s.Declines()
	s.MarkEvent("Ev1")
}

// TestDamagedFiles opens truncated copies and copies with one page
// overwritten, every page in turn: each is refused with ErrCorrupt and
// left byte for byte as it was, or (a page no longer in use) opens and
// reads without fault. Before Open checked, bbolt faulted (SIGSEGV) or
// panicked on such files and took the process down.
func TestDamagedFiles(t *testing.T) {
	good, used := filled(t)
	const page = 4096
	variants := map[string][]byte{}
	for _, n := range []int{2, 3, 4, 10} {
		variants[fmt.Sprintf("truncated to 1/%d", n)] = good[:used/n/page*page]
	}
	variants["truncated by a page"] = good[:used-page]
	for p := 0; p*page < used; p++ {
		c := bytes.Clone(good)
		for i := range page {
			c[p*page+i] = byte(i*7 + p)
		}
		variants[fmt.Sprintf("page %d overwritten", p)] = c
	}
	dir := t.TempDir()
	refused := 0
	i := 0
	for name, data := range variants {
		i++ // a file each: a refused one may stay locked until collected
		path := filepath.Join(dir, fmt.Sprintf("damaged%d.db", i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, time.Second)
		if err != nil {
			var ce *CorruptError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) || ce.Path != path {
				t.Errorf("%s: Open error %v; want ErrCorrupt", name, err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Errorf("%s: the refused file was changed", name)
			}
			refused++
			continue
		}
		readAll(s)
		s.Close()
	}
	if refused < len(variants)/2 {
		t.Errorf("only %d of %d damaged copies refused", refused, len(variants))
	}
	t.Logf("%d of %d damaged copies refused, the others read without fault", refused, len(variants))
}

// A garbage file, an empty one and a locked one keep their answers.
func TestOpenOddFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	if _, err := Open(garbage, time.Second); !errors.Is(err, ErrCorrupt) {
		t.Errorf("garbage: %v; want ErrCorrupt", err)
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	s, err := Open(empty, time.Second)
	if err != nil {
		t.Fatalf("empty: %v; want a new database", err)
	}
	if _, err := Open(empty, 100*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("locked: %v; want ErrLocked", err)
	}
	s.Close()
}
