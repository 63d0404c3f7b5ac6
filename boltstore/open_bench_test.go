package boltstore

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/orders"
)

// BenchmarkOpenVerified opens a database of 200,000 orders as serve does
// (every page read once first) and, side by side, as bbolt alone opens it;
// it reports the cost of the check as a ratio and per MB of file.
func BenchmarkOpenVerified(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.db")
	s, err := Open(path, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	for batch := range 20 {
		list := make([]orders.Order, 0, 10_000)
		for i := range 10_000 {
			n := batch*10_000 + i
			list = append(list, orders.Order{No: fmt.Sprintf("2026112%08d", n), SellerID: fmt.Sprintf("seller%03d", n%500), OrderedAt: at.Add(-time.Duration(n) * time.Second), Status: orders.New})
		}
		if _, err := s.UpsertOrders(list); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	fi, _ := os.Stat(path)
	var verified, bare time.Duration
	for b.Loop() {
		start := time.Now()
		s, err := Open(path, time.Second)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		verified += time.Since(start)
		start = time.Now()
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		bare += time.Since(start)
	}
	b.ReportMetric(float64(verified.Milliseconds())/float64(b.N), "ms/open")
	b.ReportMetric(verified.Seconds()/bare.Seconds(), "x-bbolt-open")
	b.ReportMetric(float64(fi.Size())/(1<<20), "MB")
}
