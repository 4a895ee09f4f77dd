// Package metrics keeps fcbot's Prometheus metrics: what the commands,
// the replies, the deliveries, the job queue, the digests and the
// database pool did, and which build is running. The rest of the process
// reports through a few small methods (Command, LateReply, Delivery, Job,
// DigestRun), each safe to call on a nil *Metrics, so that tests and the
// console need no registry; cmd/fcbot serves Handler on METRICS_ADDR.
//
// No label carries a group, a person or anything typed: commands are
// named by their path in the declared tree ("meeting rsvp"), platforms
// and job kinds by their fixed names, outcomes by a few fixed words.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the process's registry and the collectors it reports to.
type Metrics struct {
	reg        *prometheus.Registry
	log        *slog.Logger
	commands   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	late       *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	jobWait    *prometheus.HistogramVec
	jobRun     *prometheus.HistogramVec
	digest     prometheus.Histogram
}

// Delivery outcomes, as jobs.Observer reports them.
var deliveryOutcomes = []string{"sent", "retried", "failed"}

// New returns a registry holding fcbot's metrics, the Go runtime's and
// the process's, and fcbot_build_info for version.
func New(version string, log *slog.Logger) *Metrics {
	seconds := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: log,
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcbot_commands_total",
			Help: "Commands dispatched, by command path, platform and outcome: ok, refused (the input or the caller's level was wrong) or error.",
		}, []string{"command", "platform", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fcbot_command_duration_seconds",
			Help:    "How long dispatching a command took, from binding its options to its reply, by command path.",
			Buckets: seconds,
		}, []string{"command"}),
		late: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcbot_late_replies_total",
			Help: "Replies that reached the platform more than 3 s after their request (deferred, then delivered late), by platform.",
		}, []string{"platform"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcbot_deliveries_total",
			Help: "Delivery attempts of queued messages (digests, reminders, notices), by outcome: sent, retried (failed, will be tried again) or failed (the last attempt failed too).",
		}, []string{"outcome"}),
		jobWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fcbot_job_wait_seconds",
			Help:    "How long finished jobs waited for a worker once due, by kind.",
			Buckets: slices.Concat(seconds, []float64{30, 60, 300}),
		}, []string{"kind"}),
		jobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fcbot_job_duration_seconds",
			Help:    "How long finished jobs ran, by kind.",
			Buckets: slices.Concat(seconds, []float64{30, 60}),
		}, []string{"kind"}),
		digest: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "fcbot_digest_run_seconds",
			Help:    "How long one group's daily digest took to write, in each reader's language, and to queue its deliveries.",
			Buckets: slices.Concat(seconds, []float64{30, 60}),
		}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "fcbot_build_info",
		Help:        "The running build: always 1, with its version and Go version as labels.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	build.Set(1)
	for _, o := range deliveryOutcomes {
		m.deliveries.WithLabelValues(o) // shown at 0 before the first
	}
	m.reg.MustRegister(m.commands, m.latency, m.late, m.deliveries, m.jobWait, m.jobRun, m.digest, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus's exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorLog: slogErrors{m.log}})
}

// Command records one dispatched command (see bot.Observer).
func (m *Metrics) Command(path, platform, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.commands.WithLabelValues(path, platform, outcome).Inc()
	m.latency.WithLabelValues(path).Observe(took.Seconds())
}

// LateReply records a reply that reached platform after its deadline.
func (m *Metrics) LateReply(platform string) {
	if m == nil {
		return
	}
	m.late.WithLabelValues(platform).Inc()
}

// Delivery records how one delivery attempt ended (see jobs.Observer).
func (m *Metrics) Delivery(outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// Job records how long a finished job of kind waited and ran.
func (m *Metrics) Job(kind string, wait, run time.Duration) {
	if m == nil {
		return
	}
	m.jobWait.WithLabelValues(kind).Observe(wait.Seconds())
	m.jobRun.WithLabelValues(kind).Observe(run.Seconds())
}

// DigestRun records how long one group's digest took.
func (m *Metrics) DigestRun(took time.Duration) {
	if m == nil {
		return
	}
	m.digest.Observe(took.Seconds())
}

// Pool is the database connection pool's state.
type Pool struct {
	InUse, Idle, Max int
}

// WatchPool reports the pool's state as stats gives it at each scrape.
func (m *Metrics) WatchPool(stats func() Pool) {
	if m == nil {
		return
	}
	m.reg.MustRegister(poolCollector{
		stats: stats,
		conns: prometheus.NewDesc("fcbot_db_connections", "Database connections, by state: in_use (running a statement or holding a transaction) or idle.", []string{"state"}, nil),
		max:   prometheus.NewDesc("fcbot_db_connections_max", "The most database connections the pool opens.", nil, nil),
	})
}

type poolCollector struct {
	stats      func() Pool
	conns, max *prometheus.Desc
}

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.conns; ch <- c.max }

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.stats()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(p.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(p.Idle), "idle")
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(p.Max))
}

// JobCount is how many of the queue's jobs of one kind are in one state.
type JobCount struct {
	Kind, State string
	Jobs        int
}

// queueTimeout bounds the count of a scrape.
const queueTimeout = 2 * time.Second

// WatchQueue reports the job queue's depth as count gives it: counted at
// most once per ttl however often Prometheus scrapes, so that the metrics
// cannot load the database with more than one statement per ttl.
func (m *Metrics) WatchQueue(count func(context.Context) ([]JobCount, error), ttl time.Duration) {
	if m == nil {
		return
	}
	m.reg.MustRegister(&queueCollector{
		count: count, ttl: ttl, log: m.log, seen: map[[2]string]int{},
		desc: prometheus.NewDesc("fcbot_jobs", "Jobs in the queue not yet finished, by kind and state (pending, scheduled, available, running, retryable).", []string{"kind", "state"}, nil),
	})
}

type queueCollector struct {
	count func(context.Context) ([]JobCount, error)
	ttl   time.Duration
	log   *slog.Logger
	desc  *prometheus.Desc

	mu sync.Mutex
	at time.Time // of the last count; zero before the first
	// seen holds every kind and state counted so far, with its last
	// count: one no longer counted is shown at 0, not dropped, so that
	// an emptied queue reads 0 rather than nothing.
	seen map[[2]string]int
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || time.Since(c.at) >= c.ttl {
		c.refresh()
	}
	for k, n := range c.seen {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

// refresh counts the jobs again; on failure the last counts stay, and the
// next scrape tries again.
func (c *queueCollector) refresh() {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.log.Warn("metrics: cannot count the queue's jobs", "err", err)
		return
	}
	for k := range c.seen {
		c.seen[k] = 0
	}
	for _, n := range counts {
		c.seen[[2]string{n.Kind, n.State}] = n.Jobs
	}
	c.at = time.Now()
}

// slogErrors carries promhttp's errors into the process's logger.
type slogErrors struct{ log *slog.Logger }

func (l slogErrors) Println(v ...any) { l.log.Error("metrics: cannot serve", "err", fmt.Sprint(v...)) }
