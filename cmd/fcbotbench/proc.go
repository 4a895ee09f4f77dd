package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildFcbot builds fcbot from the module the bench runs in.
func buildFcbot(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "fcbot")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/fcbot/fcbot/cmd/fcbot").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/fcbot: %w\n%s", err, out)
	}
	return bin, nil
}

// proc is a server process the bench started: fcbot or the floor.
type proc struct {
	cmd  *exec.Cmd
	base string // http://host:port
	done chan struct{}
	err  error // once done is closed
}

// startProc starts bin with env, its output going to logPath, on a free
// local port that it reads from HTTP_ADDR or env's addrVar, and waits
// until its /healthz answers 200. It returns how long that took from the
// moment the process was started.
func startProc(ctx context.Context, bin string, args, env []string, addrVar, logPath string) (*proc, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	defer logf.Close() // the child keeps its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Dir(logPath) // no .env from the caller's directory
	cmd.Env = append(env, addrVar+"="+addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	orphanProof(cmd)
	p := &proc{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := p.waitHealthy(ctx, 60*time.Second); err != nil {
		p.stop()
		return nil, 0, fmt.Errorf("%s (log: %s): %w", filepath.Base(bin), logPath, err)
	}
	return p, time.Since(start), nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHealthy polls /healthz every millisecond until it answers 200.
func (p *proc) waitHealthy(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("exited before it was healthy: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("/healthz did not answer 200 within %s", limit)
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop asks the process to stop (SIGTERM: fcbot finishes its deferred
// work first) and kills it if it has not within a minute and a half.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(90 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// memory reads a process's resident set (VmRSS) and its peak (VmHWM), in
// bytes, from /proc.
func memory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status %s: %w", pid, name, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, nil
}

// watchPeak measures a process's peak resident set from now until the
// returned function is called: Linux's own peak, reset now through
// clear_refs, or where that is not allowed the largest of samples taken
// every 10 ms.
func watchPeak(pid int) (stop func() int64) {
	reset := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	var mu sync.Mutex
	var sampled int64
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, _, err := memory(pid); err == nil {
				mu.Lock()
				sampled = max(sampled, rss)
				mu.Unlock()
			}
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	})
	return func() int64 {
		close(quit)
		wg.Wait()
		peak := sampled
		if _, hwm, err := memory(pid); err == nil && reset {
			peak = max(peak, hwm)
		}
		return peak
	}
}

// cpuTicks is the CPU time a process has used, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after it. utime and stime are fields 14 and 15.
	_, rest, ok := bytes.Cut(b, []byte(") "))
	f := strings.Fields(string(rest))
	if !ok || len(f) < 13 {
		return 0, errors.New("unreadable /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + s, errors.Join(err1, err2)
}

// settle waits until the process has been all but idle (under 4% of a
// core) for half a second, so that work left from one phase does not
// weigh on the next; it gives up after limit.
func settle(ctx context.Context, pid int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	last, err := cpuTicks(pid)
	for err == nil && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(500 * time.Millisecond)
		var now int64
		if now, err = cpuTicks(pid); err == nil && now-last <= 2 {
			return
		}
		last = now
	}
}
