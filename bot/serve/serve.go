// Package serve is the HTTP stack fcbot's platform routes run on, and its
// benchmark's floor: the server's timeouts and sizes, a body limit read
// before any handler buffers, and a bound on the bodies in flight.
package serve

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// Limits bounds what clients can hold of the HTTP server: time per
// connection, bytes per request and bytes at once. Honest clients are
// Slack and Discord, which send a few kilobytes at once (through the TLS
// proxy in front of fcbot) and give up 3 seconds after sending; the
// adapters answer within 2.5 s by acknowledging, deferring or answering
// busy. Anything slower or bigger cannot be a request worth answering.
type Limits struct {
	ReadHeader     time.Duration // ReadHeaderTimeout
	Read           time.Duration // ReadTimeout: headers and body
	Write          time.Duration // WriteTimeout: from the end of the headers
	Idle           time.Duration // IdleTimeout between keep-alive requests
	MaxHeaderBytes int
	MaxBody        int64 // bytes of any request's body
	// InFlightBytes bounds the bodies that platform requests hold at
	// once, by the length they declare: the memory backstop (see
	// InFlight).
	InFlightBytes int64
	// LargeBody is the longest body a request may declare and still be
	// small; larger ones, and those that declare no length, hold at most
	// half of InFlightBytes between them.
	LargeBody int64
}

// Default are fcbot's limits.
var Default = Limits{
	// A platform's whole deadline: headers arriving later than this
	// belong to a request the platform has already given up on.
	ReadHeader: 3 * time.Second,
	// The whole request may take a little longer behind a slow proxy
	// hop, but a client that stalls mid-body frees its connection, its
	// buffered body and its share of InFlightBytes within 5 s.
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
	// Bodies take at most 32 MiB. The adapters' gate (bot.Gate) bounds
	// the commands admitted and answers the rest busy at once, so honest
	// requests in flight number a few hundred at most, of a few
	// kilobytes each: this bound is far above them and is met only by
	// clients that send large bodies slowly.
	InFlightBytes: 32 << 20,
	// A slash command is under 1 KiB; a click or a modal submission
	// carries its message or view, which fcbot keeps well under this.
	LargeBody: 64 << 10,
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

// InFlight bounds the request bodies held at once by the routes it
// limits, counting each request by the length it declares (a request
// that declares none counts as MaxBody) from the moment its handler
// starts until it returns. A request that would exceed the bound is
// refused at once with 503 and Retry-After: the client that holds the
// room is sending slowly or sending much, and an honest platform request
// never meets the bound (see Limits.InFlightBytes). Large requests share
// half of the bound, so that clients stalling with large bodies, the
// cheapest way to hold memory, leave room for small ones: signed
// platform requests are still answered during such an attack.
type InFlight struct {
	max, large, maxBody int64
	used, largeUsed     atomic.Int64
	log                 *slog.Logger
	refused, logged     atomic.Int64 // logged: when, in Unix nanoseconds
}

// InFlight returns a bound on bodies in flight with l's sizes, to share
// between the routes it limits.
func (l Limits) InFlight(log *slog.Logger) *InFlight {
	return &InFlight{max: l.InFlightBytes, large: l.LargeBody, maxBody: l.MaxBody, log: log}
}

// Limit serves next within the bound. Refusals are logged at most every
// 10 seconds, with their count.
func (f *InFlight) Limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, large := r.ContentLength, r.ContentLength < 0 || r.ContentLength > f.large
		if n < 0 {
			n = f.maxBody
		}
		if f.take(n, large) {
			defer f.give(n, large)
			next.ServeHTTP(w, r)
			return
		}
		f.refused.Add(1)
		now, last := time.Now().UnixNano(), f.logged.Load()
		if now-last >= int64(10*time.Second) && f.logged.CompareAndSwap(last, now) {
			f.log.Warn("http: requests refused, too many bytes in flight", "path", r.URL.Path, "limit", f.max, "refused", f.refused.Swap(0))
		}
		// The platforms do not retry on it, but a proxy or a person may.
		w.Header().Set("Retry-After", "1")
		// Closing, rather than reading the rest of the body to keep
		// the connection, sends the answer now.
		w.Header().Set("Connection", "close")
		http.Error(w, "busy, retry shortly", http.StatusServiceUnavailable)
	})
}

// take reserves n bytes, large or not, if they fit.
func (f *InFlight) take(n int64, large bool) bool {
	if large && f.largeUsed.Add(n) > f.max/2 {
		f.largeUsed.Add(-n)
		return false
	}
	if f.used.Add(n) > f.max {
		f.used.Add(-n)
		if large {
			f.largeUsed.Add(-n)
		}
		return false
	}
	return true
}

// give returns what take reserved.
func (f *InFlight) give(n int64, large bool) {
	f.used.Add(-n)
	if large {
		f.largeUsed.Add(-n)
	}
}
