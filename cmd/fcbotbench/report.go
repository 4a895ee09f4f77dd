package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/storage"
)

// num is a figure; infinite ones (an answer that never came) are null in
// JSON.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	if math.IsInf(float64(n), 0) || math.IsNaN(float64(n)) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(n), 'f', -1, 64), nil
}

// stats sums up one case on one platform. Times are in milliseconds from
// when a request was due to when the user saw its answer (the HTTP
// response when it carried the reply, else the late answer's arrival at
// the sink); one never answered counts as infinitely late.
type stats struct {
	Requests   int `json:"requests"`
	P50        num `json:"p50_ms"`
	P99        num `json:"p99_ms"`
	Max        num `json:"max_ms"`
	Answered   int `json:"answered"`
	Busy       int `json:"busy"`
	Refused    int `json:"refused"`
	Non200     int `json:"non_200"`
	Lost       int `json:"no_http_answer"`
	Unanswered int `json:"acknowledged_never_answered"`
	// Errors are the refusals, the non-200 answers, the requests without
	// an HTTP answer and those acknowledged but never answered.
	Errors int `json:"errors"`
	// AnswersOver3s are the answers the user saw, but more than 3 s after
	// the request was sent (those never seen are errors).
	AnswersOver3s int `json:"answers_over_3s"`
	// AcksOver3s are the requests not acknowledged within 3 s, those never
	// acknowledged included.
	AcksOver3s int `json:"acks_over_3s"`
	PeakRSSMB  num `json:"peak_rss_mb"`
	// SendLagP99 is how late the bench sent its requests (p99): when it
	// nears the answer times, the bench, not fcbot, was the limit.
	SendLagP99 num `json:"send_lag_p99_ms"`
	// FloorRatio is p99 over the floor's p99 on the same platform in the
	// same run; 0 for the floor and the overload case.
	FloorRatio num `json:"p99_floor_ratio"`
}

func summarize(rs []result) stats {
	st := stats{Requests: len(rs)}
	times, lags := make([]time.Duration, len(rs)), make([]time.Duration, len(rs))
	for i, r := range rs {
		times[i], lags[i] = r.answer, r.lag
		switch r.o {
		case answered:
			st.Answered++
		case busyReply:
			st.Busy++
		case refused:
			st.Refused++
		case non200:
			st.Non200++
		case lost:
			st.Lost++
		case unanswered:
			st.Unanswered++
		}
		if r.answer > 3*time.Second && r.answer != never {
			st.AnswersOver3s++
		}
		if r.ack > 3*time.Second {
			st.AcksOver3s++
		}
	}
	st.Errors = st.Refused + st.Non200 + st.Lost + st.Unanswered
	st.P50, st.P99, st.Max = percentile(times, 0.50), percentile(times, 0.99), percentile(times, 1)
	st.SendLagP99 = percentile(lags, 0.99)
	return st
}

// percentile is the nearest-rank percentile p of ds, in milliseconds.
func percentile(ds []time.Duration, p float64) num {
	s := slices.Clone(ds)
	slices.Sort(s)
	return num(ms(s[max(0, int(math.Ceil(p*float64(len(s))))-1)]))
}

func ms(d time.Duration) float64 {
	if d == never {
		return math.Inf(1)
	}
	return float64(d) / float64(time.Millisecond)
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }

// caseResult is one case (the floor, a command, the overload) on one
// platform in one run.
type caseResult struct {
	Case     string `json:"case"`
	Platform string `json:"platform"`
	Rate     num    `json:"rate"` // requests a second, all platforms together
	Seconds  num    `json:"seconds"`
	Stats    stats  `json:"stats"`
}

// runResult is one run on one database.
type runResult struct {
	Cases     []caseResult  `json:"cases"`
	IdleRSSMB num           `json:"idle_rss_mb"`
	StartupMS num           `json:"startup_ms"` // from exec to /healthz 200, existing database
	Digest    *digestResult `json:"digest,omitempty"`
}

// floorRatios sets each command's p99 ratio to the floor's on its
// platform.
func (rr *runResult) floorRatios() {
	floor := map[string]num{}
	for _, c := range rr.Cases {
		if c.Case == floorCase {
			floor[c.Platform] = c.Stats.P99
		}
	}
	for i, c := range rr.Cases {
		if f, ok := floor[c.Platform]; ok && c.Case != floorCase && c.Case != overloadCase && f > 0 {
			rr.Cases[i].Stats.FloorRatio = c.Stats.P99 / f
		}
	}
}

// dbResult is a database's runs and their median.
type dbResult struct {
	Database string      `json:"database"`
	Analyzed bool        `json:"analyzed"`
	Runs     []runResult `json:"runs"`
	Median   runResult   `json:"median"`
}

// median is the middle value (the upper one of an even count).
func median[T int | num](vals []T) T {
	s := slices.Clone(vals)
	slices.Sort(s)
	return s[len(s)/2]
}

// medianRun is the median of the runs, figure by figure: the cases are
// in the same order in every run.
func medianRun(runs []runResult) runResult {
	m := runResult{Cases: slices.Clone(runs[0].Cases)}
	pick := func(get func(runResult) num) num {
		vals := make([]num, len(runs))
		for i, r := range runs {
			vals[i] = get(r)
		}
		return median(vals)
	}
	m.IdleRSSMB = pick(func(r runResult) num { return r.IdleRSSMB })
	m.StartupMS = pick(func(r runResult) num { return r.StartupMS })
	for i := range m.Cases {
		all := make([]stats, len(runs))
		for k, r := range runs {
			all[k] = r.Cases[i].Stats
		}
		m.Cases[i].Stats = medianStats(all)
	}
	if runs[0].Digest != nil {
		d := *runs[0].Digest
		d.Seconds = pick(func(r runResult) num { return r.Digest.Seconds })
		d.Statements = pick(func(r runResult) num { return r.Digest.Statements })
		m.Digest = &d
	}
	return m
}

func medianStats(all []stats) stats {
	n := func(get func(stats) num) num {
		vals := make([]num, len(all))
		for i, s := range all {
			vals[i] = get(s)
		}
		return median(vals)
	}
	c := func(get func(stats) int) int {
		vals := make([]int, len(all))
		for i, s := range all {
			vals[i] = get(s)
		}
		return median(vals)
	}
	return stats{
		Requests: c(func(s stats) int { return s.Requests }),
		P50:      n(func(s stats) num { return s.P50 }), P99: n(func(s stats) num { return s.P99 }), Max: n(func(s stats) num { return s.Max }),
		Answered: c(func(s stats) int { return s.Answered }), Busy: c(func(s stats) int { return s.Busy }),
		Refused: c(func(s stats) int { return s.Refused }), Non200: c(func(s stats) int { return s.Non200 }),
		Lost: c(func(s stats) int { return s.Lost }), Unanswered: c(func(s stats) int { return s.Unanswered }),
		Errors:        c(func(s stats) int { return s.Errors }),
		AnswersOver3s: c(func(s stats) int { return s.AnswersOver3s }), AcksOver3s: c(func(s stats) int { return s.AcksOver3s }),
		PeakRSSMB: n(func(s stats) num { return s.PeakRSSMB }), FloorRatio: n(func(s stats) num { return s.FloorRatio }),
		SendLagP99: n(func(s stats) num { return s.SendLagP99 }),
	}
}

// writeMarkdown prints a database's median as the README's Performance
// section shows it.
func writeMarkdown(w io.Writer, r dbResult, o options) {
	name := map[string]string{storage.SQLite: "SQLite", storage.Postgres: "PostgreSQL"}[r.Database]
	if r.Analyzed {
		name += " (after ANALYZE)"
	}
	runs := "median of " + count(len(r.Runs)) + " runs"
	if len(r.Runs) == 1 {
		runs = "one run"
	}
	fmt.Fprintf(w, "\n#### %s: %s, %d cores\n\n", name, runs, runtime.NumCPU())
	fmt.Fprintf(w, "Each command at %s/s for %s on one platform at a time", count(int(o.rate)), fmtSeconds(o.duration))
	if o.overloadRate > 0 {
		fmt.Fprintf(w, "; the overload case at %s/s for %s, shared by the platforms", count(int(o.overloadRate)), fmtSeconds(o.overloadDuration))
	}
	fmt.Fprint(w, ". Peak RSS is fcbot's.\n\n")
	fmt.Fprintln(w, "| case | platform | requests | p50 | p99 | max | p99 ÷ floor | errors | busy | answers > 3 s | acks > 3 s | peak RSS |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, c := range r.Median.Cases {
		s := c.Stats
		label := "`" + c.Case + "`"
		switch c.Case {
		case floorCase:
			label = "floor (no-op)"
		case overloadCase:
			var cmds []string
			for _, oc := range o.overloadCommands {
				cmds = append(cmds, "`"+oc.label+"`")
			}
			label = "overload: " + strings.Join(cmds, " + ")
		}
		ratio := "–"
		if s.FloorRatio != 0 {
			ratio = fmtRatio(s.FloorRatio)
		}
		errs := count(s.Errors)
		if s.Non200 > 0 {
			errs += fmt.Sprintf(" (%s not 200)", count(s.Non200))
		}
		rss := fmt.Sprintf("%.0f MB", float64(s.PeakRSSMB))
		if c.Case == floorCase {
			rss = "–" // the floor's process is this program's, not fcbot's
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label, c.Platform, count(s.Requests),
			fmtMillis(s.P50), fmtMillis(s.P99), fmtMillis(s.Max), ratio, errs, count(s.Busy), count(s.AnswersOver3s), count(s.AcksOver3s), rss)
	}
	fmt.Fprintf(w, "\nIdle RSS after start-up: %.0f MB. Start-up to `/healthz` 200 on the existing database: %s.", float64(r.Median.IdleRSSMB), fmtMillis(r.Median.StartupMS))
	if d := r.Median.Digest; d != nil {
		fmt.Fprintf(w, " Daily digest for %s groups: %.2f s (%.0f statements a group).", count(d.Groups), float64(d.Seconds), float64(d.Statements))
	}
	fmt.Fprintln(w)
	if lag := floorLag(r.Median.Cases); lag > lagWarning {
		fmt.Fprintf(w, "\nWhile the floor ran, the bench sent requests up to %s late (p99): something else was using the CPU, and the figures above are not to be trusted.\n", fmtMillis(lag))
	}
}

// lagWarning is the send lag (p99, in ms) past which the machine was not
// quiet: Go's timers wake to about a millisecond, and an idle two-core
// machine keeps the floor's sends within a few.
const lagWarning = 10

// floorLag is the larger p99 send lag of the floor's cases: fcbot idles
// then, so lag there is another process's doing.
func floorLag(cases []caseResult) num {
	var lag num
	for _, c := range cases {
		if c.Case == floorCase {
			lag = max(lag, c.Stats.SendLagP99)
		}
	}
	return lag
}

func fmtMillis(v num) string {
	f := float64(v)
	switch {
	case math.IsInf(f, 1):
		return "∞"
	case f < 1:
		return fmt.Sprintf("%.2f ms", f)
	case f < 10:
		return fmt.Sprintf("%.1f ms", f)
	case f < 1000:
		return fmt.Sprintf("%.0f ms", f)
	}
	return fmt.Sprintf("%.2f s", f/1000)
}

func fmtSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

func fmtRatio(v num) string {
	f := float64(v)
	switch {
	case math.IsInf(f, 1):
		return "∞"
	case f < 10:
		return fmt.Sprintf("%.1f×", f)
	}
	return count(int(math.Round(f))) + "×"
}

// count writes n with thousands separators: 5,000.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
