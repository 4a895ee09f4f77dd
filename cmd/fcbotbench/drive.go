package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// loadCommand is a command the bench drives: its name as a flag gives it,
// its label in the tables, and the i-th line sent.
type loadCommand struct {
	name, label string
	line        func(i int, sz size) string
}

func fixed(line string) func(int, size) string { return func(int, size) string { return line } }

// loadCommands are the commands a member runs most, read-only and not:
// the RSVPs go to the upcoming meetings in turn.
var loadCommands = []loadCommand{
	{"scorecard", "/scorecard", fixed("/scorecard")},
	{"target-list", "/target list", fixed("/target list")},
	{"meeting-list", "/meeting list", fixed("/meeting list")},
	{"task-list", "/task list", fixed("/task list open")},
	{"meeting-rsvp", "/meeting rsvp", func(i int, sz size) string {
		return fmt.Sprintf("/meeting rsvp id:%d answer:%s", 1+i%sz.upcoming, [...]string{"yes", "maybe", "no"}[i%3])
	}},
}

func commandNames() string {
	names := make([]string, len(loadCommands))
	for i, c := range loadCommands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func lookupCommands(list string) ([]loadCommand, error) {
	var out []loadCommand
	for _, name := range split(list) {
		found := false
		for _, c := range loadCommands {
			if c.name == name {
				out, found = append(out, c), true
			}
		}
		if !found {
			return nil, fmt.Errorf("%q is not one of %s", name, commandNames())
		}
	}
	return out, nil
}

// outcome is what became of one request.
type outcome int

const (
	answered   outcome = iota // the command's reply
	busyReply                 // the reply that says to try again later
	refused                   // a refusal, not the command's reply
	non200                    // an HTTP status other than 200
	lost                      // no HTTP answer: refused connection, timeout
	unanswered                // acknowledged, but no answer came in time
)

var outcomeNames = map[outcome]string{
	answered: "answered", busyReply: "busy", refused: "refused",
	non200: "not 200", lost: "no HTTP answer", unanswered: "acknowledged, never answered",
}

// never is the time until an answer or acknowledgement that never came.
const never = time.Duration(math.MaxInt64)

// clientTimeout bounds one request; fcbot's server gives up on a
// response after 10 seconds.
const clientTimeout = 15 * time.Second

// shot is one request to send: line, as member m, on platform p.
type shot struct {
	p    platform
	line string
	m    int
}

// result is one request's fate: when it was acknowledged and when the
// user saw the answer, both counted from when it was sent, as the
// platform counts; and how late it was sent, which is the bench's own
// delay (Go's timers wake to the millisecond), not fcbot's.
type result struct {
	platform    string
	ack, answer time.Duration
	lag         time.Duration
	o           outcome
	detail      string // what a failure or refusal said, for seeding's errors
}

// driver sends requests and waits for their answers, in the HTTP response
// or, later, at the sink.
type driver struct {
	client *http.Client
	sink   *sink
	keys   atomic.Int64
}

func newDriver(s *sink) *driver {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        4096,
		MaxIdleConnsPerHost: 4096,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &driver{client: &http.Client{Transport: tr, Timeout: clientTimeout}, sink: s}
}

func (d *driver) close() { d.client.CloseIdleConnections() }

// drive sends rate requests a second for dur, each when it is due whether
// or not the earlier ones were answered (open loop), and waits for late
// answers until drain after the last was due.
func (d *driver) drive(ctx context.Context, base string, rate float64, dur, drain time.Duration, next func(i int) shot) []result {
	n := max(1, int(math.Round(rate*dur.Seconds())))
	every := time.Duration(float64(time.Second) / rate)
	start := time.Now().Add(20 * time.Millisecond)
	deadline := start.Add(dur + drain)
	out := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		due := start.Add(time.Duration(i) * every)
		time.Sleep(time.Until(due))
		if ctx.Err() != nil {
			out = out[:i]
			break
		}
		s := next(i)
		wg.Go(func() { out[i] = d.send(ctx, base, s, due, deadline) })
	}
	wg.Wait()
	return out
}

// each sends the shots with at most conc in flight (closed loop), each
// waited for up to timeout, and returns their results in order.
func (d *driver) each(ctx context.Context, base string, shots []shot, conc int, timeout time.Duration) []result {
	out := make([]result, len(shots))
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, s := range shots {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = d.send(ctx, base, s, time.Now(), time.Now().Add(timeout))
		})
	}
	wg.Wait()
	return out
}

// send sends one request that was due at due (how late it goes is its
// lag) and waits for its answer until deadline: in the acknowledgement,
// or late at the sink.
func (d *driver) send(ctx context.Context, base string, s shot, due, deadline time.Time) result {
	res := result{platform: s.p.Name(), ack: never, answer: never, o: lost}
	key := "k" + strconv.FormatInt(d.keys.Add(1), 36)
	later := d.sink.expect(key)
	defer d.sink.forget(key)
	req, err := s.p.Request(base, s.line, s.m, key)
	if err != nil {
		res.detail = err.Error()
		return res
	}
	sent := time.Now()
	res.lag = sent.Sub(due)
	resp, err := d.client.Do(req.WithContext(ctx))
	if err != nil {
		res.detail = err.Error()
		return res
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		res.detail = err.Error()
		return res
	}
	res.ack = time.Since(sent)
	if resp.StatusCode != http.StatusOK {
		res.o, res.detail = non200, fmt.Sprintf("%d %s", resp.StatusCode, clip(body))
		return res
	}
	if replied, o := s.p.Ack(body); replied {
		res.answer, res.o = res.ack, o
		if o != answered {
			res.detail = clip(body)
		}
		return res
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case l := <-later:
		res.answer, res.o = l.at.Sub(sent), l.o
		if l.o != answered {
			res.detail = l.detail
		}
	case <-timer.C:
		res.o = unanswered
	case <-ctx.Done():
		res.o = unanswered
	}
	return res
}

// clip is the start of a body, for messages.
func clip(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= 300 {
		return s
	}
	s = s[:300]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
