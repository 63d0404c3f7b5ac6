package bot

import (
	"context"
	"net"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// SlackTransport returns the HTTP transport every Web API client of serve
// shares: at most conns connections per host, all kept alive, counted in
// /metrics. http.DefaultTransport keeps 2 idle: with 64 handlers posting at
// once most posts opened a new connection (against the real Slack a TLS
// handshake each) and left one in TIME_WAIT. conns should be the number of
// calls that can be in flight at once (SlackCallers), so the cap makes no
// one wait; it only stops a call from dialing while a connection it could
// use is on its way back to the pool.
func (m *Metrics) SlackTransport(conns int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost = conns
	t.MaxIdleConnsPerHost = conns
	t.MaxIdleConns = 2 * conns // slack.com and the response_url host
	dial := t.DialContext
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		m.connsOpened.Inc()
		m.connsOpen.Inc()
		return &countedConn{Conn: c, gauge: m.connsOpen}, nil
	}
	m.poolSize.Set(float64(conns))
	return t
}

// SlackCallers is how many Web API calls serve may have in flight at once:
// the handlers, the follow-ups of filed requests, the alert workers and the
// loops that catch up on deliveries and alerts.
func SlackCallers(alertWorkers int) int { return MaxInFlight + MaxFollowUps + alertWorkers + 2 }

// countedConn keeps the open-connections gauge right.
type countedConn struct {
	net.Conn
	gauge prometheus.Gauge
	once  sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(c.gauge.Dec)
	return c.Conn.Close()
}

// CommitStats reports a store's commits and the writes they carried.
type CommitStats func() (commits, writes uint64)

// ObserveCommits puts a store's commit figures in /metrics: writes per
// commit is what group commit saves in fsyncs.
func (m *Metrics) ObserveCommits(stats CommitStats) {
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sellerbot_db_commits_total",
			Help: "Group commits of the database, each one fsync'd transaction.",
		}, func() float64 { c, _ := stats(); return float64(c) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sellerbot_db_writes_total",
			Help: "Writes carried by the group commits.",
		}, func() float64 { _, w := stats(); return float64(w) }),
	)
}
