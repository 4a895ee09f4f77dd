package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processEnv, set in the environment, makes the test binary an fcbot
// process, as main runs it: the shutdown and replica tests start such
// processes, signal and kill them. clockEnv, when set too, is the
// process's clock: "SIM@REAL" reads SIM (RFC 3339) at the Unix
// nanosecond REAL, and runs at the real pace from there, the same in
// every process given it, restarted ones included.
const (
	processEnv = "FCBOT_TEST_PROCESS"
	clockEnv   = "FCBOT_TEST_CLOCK"
)

func TestMain(m *testing.M) {
	if os.Getenv(processEnv) != "" {
		os.Exit(runProcess())
	}
	os.Exit(m.Run())
}

// runProcess is main, with the clock clockEnv gives.
func runProcess() int {
	if v := os.Getenv(clockEnv); v != "" {
		c, err := parseShiftedClock(v)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fcbot:", err)
			return 2
		}
		processClock = c
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, nil, strings.NewReader(""), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fcbot:", err)
		return 1
	}
	return 0
}

// shiftedClock reads sim at the real moment base, and moves with the
// real clock: processes given the same one agree on the time to the
// millisecond, whenever they start.
type shiftedClock struct{ sim, base time.Time }

func (c shiftedClock) Now() time.Time { return c.sim.Add(time.Since(c.base)) }

// String is the clock as clockEnv carries it.
func (c shiftedClock) String() string {
	return c.sim.Format(time.RFC3339Nano) + "@" + strconv.FormatInt(c.base.UnixNano(), 10)
}

// at is the real moment the clock reads t.
func (c shiftedClock) at(t time.Time) time.Time { return c.base.Add(t.Sub(c.sim)) }

// reading is what the clock read at the real moment t.
func (c shiftedClock) reading(t time.Time) time.Time { return c.sim.Add(t.Sub(c.base)) }

func parseShiftedClock(v string) (shiftedClock, error) {
	simText, baseText, ok := strings.Cut(v, "@")
	sim, err := time.Parse(time.RFC3339Nano, simText)
	base, berr := strconv.ParseInt(baseText, 10, 64)
	if !ok || err != nil || berr != nil {
		return shiftedClock{}, fmt.Errorf("%s %q is not SIM@REAL (RFC 3339 @ Unix nanoseconds)", clockEnv, v)
	}
	return shiftedClock{sim: sim, base: time.Unix(0, base)}, nil
}

// process is fcbot running as a child process of the test: the test
// binary again, with processEnv set (see TestMain).
type process struct {
	t    *testing.T
	name string
	env  map[string]string
	addr string // HTTP_ADDR
	log  *os.File
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // how it exited, once done is closed
}

// startProcess starts fcbot with env (on top of the test's environment)
// serving HTTP on a free local port; it stops with the test.
func startProcess(t *testing.T, name string, env map[string]string) *process {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, name: name, env: env, addr: freeAddr(t), log: log}
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s's log ends:\n%s", p.name, p.logTail(400000))
		}
		log.Close()
	})
	return p
}

func (p *process) start() error {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), processEnv+"=1", "HTTP_ADDR="+p.addr, "LOG_FORMAT=json",
		"METRICS_ADDR=", "PUBLIC_URL=", "SLACK_APP_TOKEN=")
	for k, v := range p.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd, p.done, p.err = cmd, make(chan struct{}), nil
	go func() {
		err := cmd.Wait()
		p.err = err
		close(p.done)
	}()
	return nil
}

// base is the process's own URL.
func (p *process) base() string { return "http://" + p.addr }

// waitHealthy waits until /healthz answers 200, failing the test if the
// process exits first or takes more than within.
func (p *process) waitHealthy(within time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			p.t.Fatalf("%s exited before it was healthy (%v):\n%s", p.name, p.err, p.logTail(400000))
		default:
		}
		if resp, err := client.Get(p.base() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	p.t.Fatalf("%s was not healthy within %s:\n%s", p.name, within, p.logTail(400000))
}

// signal sends sig to the process.
func (p *process) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %s: %v", p.name, err)
	}
}

// wait waits up to within for the process to exit and returns how.
func (p *process) wait(within time.Duration) error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(within):
		p.t.Fatalf("%s did not exit within %s:\n%s", p.name, within, p.logTail(400000))
		return nil
	}
}

// kill SIGKILLs the process, if it still runs, and waits for its end.
func (p *process) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// restart starts the process again, once it has exited, on the same
// address and database.
func (p *process) restart() error {
	fmt.Fprintf(p.log, "\n--- restarted by the test at %s ---\n", time.Now().Format(time.RFC3339Nano))
	return p.start()
}

// logTail is the last n bytes of what the process wrote.
func (p *process) logTail(n int64) string {
	b, err := os.ReadFile(p.log.Name())
	if err != nil {
		return err.Error()
	}
	if int64(len(b)) > n {
		b = b[int64(len(b))-n:]
	}
	return string(b)
}

// logLines returns the process's log lines that contain s.
func (p *process) logLines(s string) []string {
	f, err := os.Open(p.log.Name())
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			out = append(out, sc.Text())
		}
	}
	return out
}

// exitedCleanly reports whether err, from wait, is an exit with status 0.
func exitedCleanly(err error) bool { return err == nil }
