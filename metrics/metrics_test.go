package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/fcbot/fcbot/metrics"
	"github.com/fcbot/fcbot/metrics/metricstest"
)

// TestNilMetricsRecordNothing: every method a caller reports through is
// safe on a nil *Metrics, as the console and tests use it.
func TestNilMetricsRecordNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Command("rules", "console", "ok", time.Millisecond)
	m.LateReply("slack")
	m.Delivery("sent")
	m.Job("deliver", time.Millisecond, time.Millisecond)
	m.DigestRun(time.Second)
	m.WatchPool(func() metrics.Pool { t.Error("a nil Metrics asked the pool"); return metrics.Pool{} })
	m.WatchQueue(func(context.Context) ([]metrics.JobCount, error) {
		t.Error("a nil Metrics counted the queue")
		return nil, nil
	}, time.Second)
}

// TestExposition: what the methods record is served in Prometheus's text
// format under the names and labels the README documents.
func TestExposition(t *testing.T) {
	m := metrics.New("v1.2.3", slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Command("meeting rsvp", "slack", "ok", 20*time.Millisecond)
	m.Command("meeting rsvp", "slack", "refused", 5*time.Millisecond)
	m.Command("rules", "discord", "error", 2*time.Second)
	m.LateReply("discord")
	m.Delivery("sent")
	m.Delivery("sent")
	m.Delivery("retried")
	m.Job("deliver", 50*time.Millisecond, 10*time.Millisecond)
	m.DigestRun(300 * time.Millisecond)
	m.WatchPool(func() metrics.Pool { return metrics.Pool{InUse: 2, Idle: 3, Max: 16} })

	fams := metricstest.Serve(t, m.Handler())
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"fcbot_commands_total", map[string]string{"command": "meeting rsvp", "platform": "slack", "outcome": "ok"}, 1},
		{"fcbot_commands_total", map[string]string{"command": "meeting rsvp", "platform": "slack", "outcome": "refused"}, 1},
		{"fcbot_commands_total", map[string]string{"command": "rules", "platform": "discord", "outcome": "error"}, 1},
		{"fcbot_command_duration_seconds", map[string]string{"command": "meeting rsvp"}, 2},
		{"fcbot_late_replies_total", map[string]string{"platform": "discord"}, 1},
		{"fcbot_deliveries_total", map[string]string{"outcome": "sent"}, 2},
		{"fcbot_deliveries_total", map[string]string{"outcome": "retried"}, 1},
		{"fcbot_deliveries_total", map[string]string{"outcome": "failed"}, 0},
		{"fcbot_job_wait_seconds", map[string]string{"kind": "deliver"}, 1},
		{"fcbot_job_duration_seconds", map[string]string{"kind": "deliver"}, 1},
		{"fcbot_digest_run_seconds", nil, 1},
		{"fcbot_db_connections", map[string]string{"state": "in_use"}, 2},
		{"fcbot_db_connections", map[string]string{"state": "idle"}, 3},
		{"fcbot_db_connections_max", nil, 16},
		{"fcbot_build_info", map[string]string{"version": "v1.2.3"}, 1},
	} {
		if got, ok := fams.Value(c.name, c.labels); !ok || got != c.want {
			t.Errorf("%s%v: got %v (found %t), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	// The slow command fell in the 2.5 s bucket, not below.
	h := fams.Series("fcbot_command_duration_seconds", map[string]string{"command": "rules"}).GetHistogram()
	for _, b := range h.GetBucket() {
		if in := b.GetCumulativeCount() == 1; in != (b.GetUpperBound() >= 2.5) {
			t.Errorf("rules took 2 s: bucket le=%v holds %d", b.GetUpperBound(), b.GetCumulativeCount())
		}
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("the Go runtime's metrics are missing")
	}
}

// TestQueueDepthIsCountedOncePerTTL: however often Prometheus scrapes,
// the queue is counted at most once per TTL; a kind and state no longer
// counted reads 0, and a failed count keeps the last one.
func TestQueueDepthIsCountedOncePerTTL(t *testing.T) {
	m := metrics.New("dev", slog.New(slog.NewTextHandler(io.Discard, nil)))
	counts := [][]metrics.JobCount{
		{{Kind: "deliver", State: "available", Jobs: 4}, {Kind: "digest", State: "running", Jobs: 1}},
		{{Kind: "digest", State: "running", Jobs: 2}},
	}
	calls := 0
	var fail error
	const ttl = 200 * time.Millisecond
	m.WatchQueue(func(context.Context) ([]metrics.JobCount, error) {
		calls++
		if fail != nil {
			return nil, fail
		}
		return counts[min(calls-1, len(counts)-1)], nil
	}, ttl)
	depth := func(kind, state string) float64 {
		t.Helper()
		v, ok := metricstest.Serve(t, m.Handler()).Value("fcbot_jobs", map[string]string{"kind": kind, "state": state})
		if !ok {
			t.Fatalf("fcbot_jobs{kind=%q,state=%q} is missing", kind, state)
		}
		return v
	}

	if got := depth("deliver", "available"); got != 4 {
		t.Errorf("first scrape: got %v deliveries available, want 4", got)
	}
	for range 5 {
		depth("digest", "running")
	}
	if calls != 1 {
		t.Errorf("6 scrapes within the TTL counted %d times, want 1", calls)
	}
	time.Sleep(ttl)
	if got := depth("deliver", "available"); got != 0 {
		t.Errorf("after the queue emptied: got %v deliveries available, want 0", got)
	}
	if got := depth("digest", "running"); got != 2 || calls != 2 {
		t.Errorf("after the TTL: got %v digests running after %d counts, want 2 after 2", got, calls)
	}
	fail = errors.New("database gone")
	time.Sleep(ttl)
	if got := depth("digest", "running"); got != 2 {
		t.Errorf("a failed count: got %v digests running, want the last count, 2", got)
	}
}
