package bot

import (
	"context"
	"sync"
	"time"
)

// quietGate lets work wait until no modal submission is being answered:
// the follow-up of a filed request (more disk writes) steps aside while
// other sellers wait for their modals. A channel closed when the last
// submission leaves wakes the waiters at once, without polling.
type quietGate struct {
	mu   sync.Mutex
	busy int
	idle chan struct{} // closed while busy == 0
}

// enter marks a submission being answered; leave, its end.
func (g *quietGate) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy == 0 {
		g.idle = make(chan struct{})
	}
	g.busy++
}

func (g *quietGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.busy--
	if g.busy == 0 {
		close(g.idle)
	}
}

// wait returns once no submission is being answered, after at most max,
// or when ctx ends.
func (g *quietGate) wait(ctx context.Context, max time.Duration) {
	g.mu.Lock()
	idle := g.idle
	busy := g.busy
	g.mu.Unlock()
	if busy == 0 {
		return
	}
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
}
