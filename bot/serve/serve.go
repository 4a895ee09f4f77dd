// Package serve is the HTTP stack fcbot's platform routes run on, and its
// benchmark's floor: the server's timeouts and sizes, a body limit read
// before any handler buffers, and a bound on requests in flight.
package serve

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// Limits bounds what clients can hold of the HTTP server: time per
// connection, bytes per request and requests at once. Honest clients are
// Slack and Discord, which send a few kilobytes at once (through the TLS
// proxy in front of fcbot) and give up 3 seconds after sending; the
// adapters answer within 2.5 s by acknowledging or deferring. Anything
// slower or bigger cannot be a request worth answering.
type Limits struct {
	ReadHeader     time.Duration // ReadHeaderTimeout
	Read           time.Duration // ReadTimeout: headers and body
	Write          time.Duration // WriteTimeout: from the end of the headers
	Idle           time.Duration // IdleTimeout between keep-alive requests
	MaxHeaderBytes int
	MaxBody        int64 // bytes of any request's body
	MaxInFlight    int   // platform requests served at once
}

// Default are fcbot's limits.
var Default = Limits{
	// A platform's whole deadline: headers arriving later than this
	// belong to a request the platform has already given up on.
	ReadHeader: 3 * time.Second,
	// The whole request may take a little longer behind a slow proxy
	// hop, but a client that stalls mid-body frees its connection, its
	// buffered body and its slot within 5 s.
	Read: 5 * time.Second,
	// Four times the adapters' 2.5 s answer budget: room for the slowest
	// handler and the write, while a client that stops reading its
	// answer is dropped.
	Write: 10 * time.Second,
	// Longer than the keep-alive of common proxies (nginx's upstream
	// 60 s, Go's 90 s), so that the proxy closes idle connections, never
	// fcbot while the proxy sends on one (a 502 the platform would see).
	Idle: 120 * time.Second,
	// Platforms' headers take well under 2 KiB; the default is 1 MiB.
	MaxHeaderBytes: 16 << 10,
	// What the Discord and Slack adapters already allowed; the
	// platforms' payloads, modal states included, are far smaller.
	MaxBody: 1 << 20,
	// Each request may buffer up to MaxBody, so bodies take at most
	// 32 MiB. A group's members do not send 32 commands in the same
	// 2.5 s, and the database serves 4 (SQLite) or 16 (PostgreSQL)
	// connections at a time: more requests would only wait past the
	// platforms' deadline.
	MaxInFlight: 32,
}

// Server builds an HTTP server for handler with the limits.
func (l Limits) Server(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           limitBody(l.MaxBody, handler),
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
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

// LimitInFlight serves at most cap(slots) requests at once and refuses
// the others at once with 503 and Retry-After: queued, they would hold a
// connection and its body only to miss the platform's deadline. Refusals
// are logged at most every 10 seconds, with their count.
func LimitInFlight(slots chan struct{}, log *slog.Logger, next http.Handler) http.Handler {
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
