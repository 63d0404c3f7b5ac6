package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// events records what the parts did, in order.
type events struct {
	mu  sync.Mutex
	got []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, s)
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.got)
}

// waiter is a part that runs until told to stop, or fails when told.
func waiter(ev *events, name string, started *sync.WaitGroup, fail <-chan error) part {
	started.Add(1)
	return part{name, func(ctx context.Context) error {
		started.Done()
		select {
		case <-ctx.Done():
			ev.add(name + " stopped")
			return nil
		case err := <-fail:
			ev.add(name + " failed")
			return err
		}
	}}
}

func TestLifecycleStopsInOrder(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk gone")
	tests := []struct {
		name    string
		failIn  string // "", "intake" or "background"
		wantErr error
	}{
		{"told to stop", "", nil},
		{"an intake part fails", "intake", boom},
		{"a background part fails", "background", boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &events{}
			var started sync.WaitGroup
			failIntake, failBackground := make(chan error, 1), make(chan error, 1)
			l := lifecycle{
				intake: []part{waiter(ev, "http", &started, failIntake), waiter(ev, "socket", &started, nil)},
				drain: func(ctx context.Context) error {
					ev.add("drained")
					return nil
				},
				drainFor:   time.Second,
				background: []part{waiter(ev, "outbox", &started, failBackground), waiter(ev, "alerts", &started, nil)},
				log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- l.run(ctx) }()
			started.Wait()
			switch tt.failIn {
			case "":
				cancel()
			case "intake":
				failIntake <- boom
			case "background":
				failBackground <- boom
			}
			err := <-done
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("run = %v; want %v", err, tt.wantErr)
			}
			got := ev.list()
			at := func(s string) int {
				for i, g := range got {
					if strings.HasPrefix(g, s) {
						return i
					}
				}
				t.Fatalf("%q never happened: %v", s, got)
				return -1
			}
			drained := at("drained")
			for _, p := range []string{"http", "socket"} {
				if at(p) > drained {
					t.Errorf("%s stopped after the drain: %v", p, got)
				}
			}
			for _, p := range []string{"outbox", "alerts"} {
				if slices.Contains(got, p+" failed") {
					continue // the failure started the shutdown
				}
				if at(p) < drained {
					t.Errorf("%s stopped before the drain: %v", p, got)
				}
			}
		})
	}
}
