package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/fcbot/fcbot/bot/serve"
	"github.com/fcbot/fcbot/storage"
)

// serveHTTP serves the platforms' routes, the web pages and /healthz
// until ctx ends, then stops listening and waits for the requests in
// progress, within the stop's budget (see shutdown.go); those still open
// then are cut off.
func (a *app) serveHTTP(ctx context.Context) error {
	srv := limits.Server(a.cfg.HTTPAddr, a.mux)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.log.Info("http listening", "addr", a.cfg.HTTPAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithDeadline(context.WithoutCancel(ctx), a.stopBy(adaptersLeft))
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			a.log.Warn("stopping: HTTP requests still open at the deadline are cut off", "err", err)
			return srv.Close()
		}
		return nil
	}
}

// limits are the HTTP server's; tests shrink them.
var limits = serve.Default

// healthz answers 200 when the bot can write to its database, else 503
// with a short reason (the log has the details).
func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.health.check(r.Context()); err != nil {
		http.Error(w, probeReason(err), http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

// healthTTL is how long a write probe's answer is reused: /healthz
// cannot load the database with more than one small write per healthTTL,
// however often it is asked.
const healthTTL = 5 * time.Second

// health runs the store's write probe at most once per ttl, one probe at
// a time, and logs when its answer changes.
type health struct {
	store *storage.Store
	log   *slog.Logger
	ttl   time.Duration

	mu  sync.Mutex
	at  time.Time // of the last probe; zero before the first
	err error
}

func (h *health) check(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && time.Since(h.at) < h.ttl {
		return h.err
	}
	// A caller that hangs up must not leave a cancelled probe cached as
	// a failure.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	err := h.store.CheckWrite(ctx)
	switch {
	case err != nil && (h.err == nil || err.Error() != h.err.Error()):
		h.log.Error("health check failed", "err", err)
	case err == nil && h.err != nil:
		h.log.Info("health check passes again")
	}
	h.at, h.err = time.Now(), err
	return err
}
