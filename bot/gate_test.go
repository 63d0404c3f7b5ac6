package bot

import (
	"context"
	"testing"
	"time"
)

func TestQuietGate(t *testing.T) {
	const long = time.Hour // a wait that must not be what ends it
	tests := []struct {
		name  string
		enter int
		run   func(g *quietGate, cancel context.CancelFunc)
		max   time.Duration
	}{
		{"idle: returns at once", 0, func(*quietGate, context.CancelFunc) {}, long},
		{"busy: wakes when the last submission leaves", 2, func(g *quietGate, _ context.CancelFunc) { g.leave(); g.leave() }, long},
		{"busy: the context ends the wait", 1, func(_ *quietGate, cancel context.CancelFunc) { cancel() }, long},
		{"busy: at most max", 1, func(*quietGate, context.CancelFunc) {}, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g quietGate
			for range tt.enter {
				g.enter()
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			waiting := make(chan struct{})
			done := make(chan struct{})
			go func() {
				close(waiting)
				g.wait(ctx, tt.max)
				close(done)
			}()
			<-waiting
			tt.run(&g, cancel)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("wait did not return")
			}
		})
	}
	// Reusable: busy again after idle.
	var g quietGate
	g.enter()
	g.leave()
	g.enter()
	done := make(chan struct{})
	go func() { g.wait(context.Background(), time.Hour); close(done) }()
	select {
	case <-done:
		t.Fatal("a busy gate let the waiter through")
	default:
	}
	g.leave()
	<-done
}
