package bot

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the bot's Prometheus metrics, on their own registry.
type Metrics struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	apiTime   *prometheus.HistogramVec
	apiErrors *prometheus.CounterVec

	connsOpened prometheus.Counter // see SlackTransport
	connsOpen   prometheus.Gauge
	poolSize    prometheus.Gauge
}

// NewMetrics creates the metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sellerbot_events_total",
			Help: "What the bot did: requests, questions, answers, declines, handoffs, feedback, errors.",
		}, []string{"kind"}),
		apiTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sellerbot_slack_api_seconds",
			Help:    "Latency of Slack Web API calls.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sellerbot_slack_api_errors_total",
			Help: "Slack Web API calls that failed: HTTP status (429, 5xx) or transport error.",
		}, []string{"method", "code"}),
		connsOpened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sellerbot_slack_connections_opened_total",
			Help: "TCP connections opened to Slack (each a TLS handshake); requests minus these reused a pooled one.",
		}),
		connsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sellerbot_slack_connections_open",
			Help: "TCP connections to Slack open now, in use or idle in the pool.",
		}),
		poolSize: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sellerbot_slack_connections_max",
			Help: "Connections to Slack the pool may open per host, all kept alive: the Web API calls that can be in flight at once.",
		}),
	}
	m.reg.MustRegister(m.events, m.apiTime, m.apiErrors, m.connsOpened, m.connsOpen, m.poolSize,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Inc counts one occurrence of kind; a nil Metrics counts nothing.
func (m *Metrics) Inc(kind string) { m.inc(kind) }

func (m *Metrics) inc(kind string) {
	if m != nil {
		m.events.WithLabelValues(kind).Inc()
	}
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Transport wraps an HTTP transport so every Slack Web API call is timed
// and its failures counted.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		start := time.Now()
		resp, err := next.RoundTrip(r)
		m.apiTime.WithLabelValues(method).Observe(time.Since(start).Seconds())
		switch {
		case err != nil:
			m.apiErrors.WithLabelValues(method, "transport").Inc()
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			m.apiErrors.WithLabelValues(method, strconv.Itoa(resp.StatusCode)).Inc()
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
