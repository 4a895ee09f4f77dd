package main

import (
	"context"
	"net/http"
	"time"

	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/metrics"
)

// queueTTL is how long a count of the queue's jobs serves the scrapes
// that follow it (see metrics.WatchQueue); tests shorten it.
var queueTTL = 5 * time.Second

// setupMetrics builds the metrics when METRICS_ADDR is set: the router
// reports its commands to them, the database pool its connections, and
// their listener joins the intake. Without METRICS_ADDR a.metrics stays
// nil and records nothing.
func (a *app) setupMetrics() {
	if a.cfg.MetricsAddr == "" {
		return
	}
	a.metrics = metrics.New(buildVersion(), a.log)
	a.router.SetObserver(a.metrics)
	a.metrics.WatchPool(a.poolStats)
	a.intake = append(a.intake, a.serveMetrics)
}

// poolStats is the pool's state: pgx's on PostgreSQL (database/sql over
// it keeps no idle connections of its own), database/sql's on SQLite.
func (a *app) poolStats() metrics.Pool {
	if p := a.store.Pool(); p != nil {
		st := p.Stat()
		return metrics.Pool{InUse: int(st.AcquiredConns()), Idle: int(st.IdleConns()), Max: int(st.MaxConns())}
	}
	st := a.store.SQL().Stats()
	return metrics.Pool{InUse: st.InUse, Idle: st.Idle, Max: st.MaxOpenConnections}
}

// jobObserver is what the job queue reports to: the metrics, or nobody.
func (a *app) jobObserver() jobs.Observer {
	if a.metrics == nil {
		return nil
	}
	return a.metrics
}

// watchQueue reports q's depth in the metrics, if any.
func (a *app) watchQueue(q *jobs.Queue) {
	a.metrics.WatchQueue(func(ctx context.Context) ([]metrics.JobCount, error) {
		counts, err := q.Depth(ctx)
		out := make([]metrics.JobCount, len(counts))
		for i, c := range counts {
			out[i] = metrics.JobCount(c)
		}
		return out, err
	}, queueTTL)
}

// serveMetrics serves /metrics on METRICS_ADDR until ctx ends, with
// /healthz and /readyz, so that probes reach a process that has no
// HTTP_ADDR (gateway and Socket Mode only).
func (a *app) serveMetrics(ctx context.Context) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	srv := limits.Server(a.cfg.MetricsAddr, mux)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.log.Info("metrics listening", "addr", a.cfg.MetricsAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		// A scrape takes milliseconds: none is worth waiting long for.
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}
