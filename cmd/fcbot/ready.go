package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/storage"
)

// readyTTL is how long /readyz reuses an answer of the write probe and a
// finding that the schema is behind: short, so that /readyz turns 503
// within a second of the database refusing writes, and still no more
// than two small writes a second however often load balancers ask.
const readyTTL = 500 * time.Millisecond

// schemaTTL is how long /readyz reuses a finding that the database has
// every migration this binary brings: only a restore of an older database
// undoes it, and reading it costs a statement per migration.
const schemaTTL = time.Minute

// ready is what /readyz says: whether this replica should be sent
// requests. It is not while it drains, nor while the database refuses
// writes or lacks migrations this binary brings, nor while a connection
// its intake needs (the Discord gateway, Slack's Socket Mode) is down.
// /healthz, by contrast, only says whether the process should be
// restarted.
type ready struct {
	write    *health
	store    *storage.Store
	log      *slog.Logger
	draining atomic.Bool

	mu        sync.Mutex
	schemaTTL time.Duration // tests shorten it
	schemaAt  time.Time     // of the last look at the schema; zero before the first
	current   bool          // what it found
}

func newReady(store *storage.Store, log *slog.Logger) *ready {
	return &ready{write: &health{store: store, log: log, ttl: readyTTL}, store: store, log: log, schemaTTL: schemaTTL}
}

// drain turns /readyz to 503 for good: the process is stopping, and load
// balancers should send new requests elsewhere while it finishes those it
// has. Call it first when shutdown begins, before the intake stops.
func (r *ready) drain() { r.draining.Store(true) }

// link is a connection the intake needs, and how to tell it is up.
type link struct {
	name string
	up   func() bool
}

// reason is why the replica is not ready, "" when it is.
func (r *ready) reason(ctx context.Context, links []link) string {
	if r.draining.Load() {
		return "draining"
	}
	if err := r.write.check(ctx); err != nil {
		return probeReason(err)
	}
	if !r.schemaCurrent(ctx) {
		return "database schema behind this binary"
	}
	for _, l := range links {
		if !l.up() {
			return l.name + " not connected"
		}
	}
	return ""
}

// probeReason is the short reason a failed write probe gives: the log has
// the details.
func probeReason(err error) string {
	if errors.Is(err, storage.ErrNotWritable) {
		return "database not writable"
	}
	return "database unreachable"
}

// schemaCurrent reports whether the database has every migration this
// binary brings (a newer binary's extra ones are fine: replicas upgrade
// one by one). A finding that it has is reused for schemaTTL, one that it
// has not for readyTTL.
func (r *ready) schemaCurrent(ctx context.Context) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	ttl := readyTTL
	if r.current {
		ttl = r.schemaTTL
	}
	if !r.schemaAt.IsZero() && time.Since(r.schemaAt) < ttl {
		return r.current
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	st, err := r.store.MigrationStatus(ctx)
	current := err == nil
	for _, m := range st {
		current = current && m.Applied
	}
	switch first := r.schemaAt.IsZero(); {
	case current == r.current && !first:
	case err != nil:
		r.log.Error("not ready: cannot read the database's migrations", "err", err)
	case !current:
		r.log.Error("not ready: the database lacks migrations this binary brings (run fcbot migrate)")
	case !first:
		r.log.Info("the database has this binary's migrations again")
	}
	r.schemaAt, r.current = time.Now(), current
	return current
}

// links are the connections this replica's intake needs up: the Discord
// gateway (without DISCORD_PUBLIC_KEY) and Slack's Socket Mode (with
// SLACK_APP_TOKEN). HTTP modes need none.
func (a *app) links() []link {
	var out []link
	for _, ad := range a.adapters {
		switch ad := ad.(type) {
		case *discord.Adapter:
			if a.cfg.DiscordPublicKey == "" {
				out = append(out, link{"discord gateway", ad.Connected})
			}
		case *slack.Adapter:
			if a.cfg.SlackAppToken != "" {
				out = append(out, link{"slack socket mode", ad.Connected})
			}
		}
	}
	return out
}

// readiness is /readyz's answer.
type readiness struct {
	Ready  bool   `json:"ready"`
	Reason string `json:"reason,omitempty"`
}

// readyz answers 200 {"ready":true} when this replica can serve, else 503
// with the reason, e.g. {"ready":false,"reason":"database not writable"}.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	reason := a.ready.reason(r.Context(), a.links())
	if reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(readiness{Ready: reason == "", Reason: reason})
}
