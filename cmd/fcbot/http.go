package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fcbot/fcbot/storage"
)

// httpLimits bounds what clients can hold of the HTTP server: time per
// connection, bytes per request and requests at once. Honest clients are
// Slack and Discord, which send a few kilobytes at once (through the TLS
// proxy in front of fcbot) and give up 3 seconds after sending; the
// adapters answer within 2.5 s by acknowledging or deferring. Anything
// slower or bigger cannot be a request worth answering.
type httpLimits struct {
	readHeader     time.Duration // ReadHeaderTimeout
	read           time.Duration // ReadTimeout: headers and body
	write          time.Duration // WriteTimeout: from the end of the headers
	idle           time.Duration // IdleTimeout between keep-alive requests
	maxHeaderBytes int
	maxBody        int64 // bytes of any request's body
	maxInFlight    int   // platform requests served at once
}

// limits are the HTTP server's; tests shrink them.
var limits = httpLimits{
	// A platform's whole deadline: headers arriving later than this
	// belong to a request the platform has already given up on.
	readHeader: 3 * time.Second,
	// The whole request may take a little longer behind a slow proxy
	// hop, but a client that stalls mid-body frees its connection, its
	// buffered body and its slot within 5 s.
	read: 5 * time.Second,
	// Four times the adapters' 2.5 s answer budget: room for the slowest
	// handler and the write, while a client that stops reading its
	// answer is dropped.
	write: 10 * time.Second,
	// Longer than the keep-alive of common proxies (nginx's upstream
	// 60 s, Go's 90 s), so that the proxy closes idle connections, never
	// fcbot while the proxy sends on one (a 502 the platform would see).
	idle: 120 * time.Second,
	// Platforms' headers take well under 2 KiB; the default is 1 MiB.
	maxHeaderBytes: 16 << 10,
	// What the Discord and Slack adapters already allowed; the
	// platforms' payloads, modal states included, are far smaller.
	maxBody: 1 << 20,
	// Each request may buffer up to maxBody, so bodies take at most
	// 32 MiB. A group's members do not send 32 commands in the same
	// 2.5 s, and the database serves 4 (SQLite) or 16 (PostgreSQL)
	// connections at a time: more requests would only wait past the
	// platforms' deadline.
	maxInFlight: 32,
}

// server builds the HTTP server for handler with the limits.
func (l httpLimits) server(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           limitBody(l.maxBody, handler),
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    l.maxHeaderBytes,
	}
}

// limitBody refuses a body declared larger than max at once and cuts any
// other at max bytes, before a handler buffers it. It hands next a copy
// of the request, as http.MaxBytesHandler does: net/http tells whether a
// connection may carry another request from the Body of its own Request,
// and once a handler replaced that Body (the Discord adapter wraps it
// too), a connection whose body failed part-way, a client stalled past
// the read timeout, looked reusable and stayed open for the idle timeout.
func limitBody(max int64, next http.Handler) http.Handler {
	limited := http.MaxBytesHandler(next, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.Header().Set("Connection", "close")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		limited.ServeHTTP(w, r)
	})
}

// limitInFlight serves at most cap(slots) requests at once and refuses
// the others at once with 503 and Retry-After: queued, they would hold a
// connection and its body only to miss the platform's deadline. Refusals
// are logged at most every 10 seconds, with their count.
func limitInFlight(slots chan struct{}, log *slog.Logger, next http.Handler) http.Handler {
	var refused, logged atomic.Int64 // logged: when, in Unix nanoseconds
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			refused.Add(1)
			now, last := time.Now().UnixNano(), logged.Load()
			if now-last >= int64(10*time.Second) && logged.CompareAndSwap(last, now) {
				log.Warn("http: requests refused, too many in flight", "path", r.URL.Path, "limit", cap(slots), "refused", refused.Swap(0))
			}
			// The platforms do not retry on it, but a proxy or a person may.
			w.Header().Set("Retry-After", "1")
			// Closing, rather than reading the rest of the body to keep
			// the connection, sends the answer now.
			w.Header().Set("Connection", "close")
			http.Error(w, "busy, retry shortly", http.StatusServiceUnavailable)
		}
	})
}

// serveHTTP serves the platforms' routes and /healthz until ctx ends, then
// stops listening and waits (up to 10 seconds) for the requests in
// progress.
func (a *app) serveHTTP(ctx context.Context) error {
	srv := limits.server(a.cfg.HTTPAddr, a.mux)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	a.log.Info("http listening", "addr", a.cfg.HTTPAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

// healthz answers 200 when the bot can write to its database, else 503
// with a short reason (the log has the details).
func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.health.check(r.Context()); err != nil {
		reason := "database unreachable"
		if errors.Is(err, storage.ErrNotWritable) {
			reason = "database not writable"
		}
		http.Error(w, reason, http.StatusServiceUnavailable)
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
