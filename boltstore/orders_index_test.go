package boltstore

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/orders"
)

// checkSellerIndex compares the seller index with the time index, entry
// by entry, and the counts taken through it with a scan of the window.
func checkSellerIndex(t *testing.T, s *Store, sellers []string, windows []orders.Window) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		want := map[string]string{}
		tx.Bucket(bucketOrdersTime).ForEach(func(k, v []byte) error {
			status, seller, _ := bytes.Cut(v, []byte{0})
			want[string(sellerKey(string(seller), k))] = string(status)
			return nil
		})
		got := map[string]string{}
		tx.Bucket(bucketOrdersSeller).ForEach(func(k, v []byte) error { got[string(k)] = string(v); return nil })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("seller index has %d entries, time index %d; they differ", len(got), len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range windows {
		by, err := s.NewOrdersBySeller(w)
		if err != nil {
			t.Fatal(err)
		}
		for _, seller := range sellers {
			n, err := s.CountNew(seller, w)
			if err != nil || n != by[seller] {
				t.Errorf("CountNew(%q, %s) = %d, %v; the window holds %d", seller, w, n, err, by[seller])
			}
			list, total, err := s.NewOrders(seller, w, 0)
			if err != nil || total != by[seller] || len(list) != total {
				t.Errorf("NewOrders(%q, %s) = %d listed, %d, %v; want %d", seller, w, len(list), total, err, by[seller])
			}
		}
	}
}

// Upserts that move orders between sellers, times and statuses, and
// prunes, keep the seller index exact (sellers whose ids are prefixes of
// each other included).
func TestSellerIndexFollowsOrders(t *testing.T) {
	s := MustOpen(t)
	rnd := rand.New(rand.NewPCG(3, 14))
	sellers := []string{"g", "gana", "gana2", "nara"}
	statuses := []orders.Status{orders.New, orders.New, orders.Confirmed, orders.Shipped, orders.Cancelled}
	base := orderWindow.Start.Add(-12 * time.Hour)
	windows := []orders.Window{orderWindow, nextWindow, {Start: base, End: base.Add(72 * time.Hour)}}
	for round := range 30 {
		var batch []orders.Order
		for range 40 {
			batch = append(batch, ord(fmt.Sprintf("O%03d", rnd.IntN(150)), sellers[rnd.IntN(len(sellers))],
				base.Add(time.Duration(rnd.IntN(48*60))*time.Minute), statuses[rnd.IntN(len(statuses))]))
		}
		mustUpsert(t, s, batch...)
		if round%10 == 9 {
			if _, err := s.PruneOrders(base.Add(time.Duration(round) * time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		checkSellerIndex(t, s, sellers, windows)
	}
}

// A file from before the seller index gets it built when opened.
func TestSellerIndexBuiltForOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t1 := orderWindow.Start.Add(time.Hour)
	mustUpsert(t, s, ord("A1", "gana", t1, orders.New), ord("A2", "gana", t1, orders.Confirmed), ord("B1", "nara", t1, orders.New))
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketOrdersSeller) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path, time.Second); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.CountNew("gana", orderWindow); err != nil || n != 1 {
		t.Errorf("CountNew(gana) after the upgrade = %d, %v; want 1", n, err)
	}
	checkSellerIndex(t, s, []string{"gana", "nara"}, []orders.Window{orderWindow})
}
