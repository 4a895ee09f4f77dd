package serve_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/serve"
)

// TestInFlightBoundsBodiesNotRequests: large bodies held by a handler
// that does not return take at most half of the bytes in flight, and
// the next large one is refused at once with 503 and Retry-After, as is
// one that declares no length; meanwhile hundreds of small requests, the
// size of the platforms', are all served; once the handlers return,
// large ones fit again.
func TestInFlightBoundsBodiesNotRequests(t *testing.T) {
	limits := serve.Limits{MaxBody: 1 << 20, InFlightBytes: 1 << 20, LargeBody: 16 << 10}
	f := limits.InFlight(slog.New(slog.NewTextHandler(io.Discard, nil)))
	release := make(chan struct{})
	letGo := sync.OnceFunc(func() { close(release) })
	var entered atomic.Int64
	srv := httptest.NewServer(f.Limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		entered.Add(1)
		<-release
	})))
	defer srv.Close()
	defer letGo() // first, so that Close finds the handlers returned
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	defer client.CloseIdleConnections()

	var held sync.WaitGroup
	send := func(size int, chunked bool) int {
		var body io.Reader = bytes.NewReader(make([]byte, size))
		if chunked {
			body = io.MultiReader(body) // not a type net/http knows the length of
		}
		resp, err := client.Post(srv.URL, "application/octet-stream", body)
		if err != nil {
			t.Errorf("post: %v", err)
			return 0
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		return resp.StatusCode
	}
	hold := func(n, size int) {
		for range n {
			held.Go(func() {
				if code := send(size, false); code != http.StatusOK {
					t.Errorf("a request of %d bytes got %d, want 200 once released", size, code)
				}
			})
		}
	}
	waitEntered := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); entered.Load() < n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d requests reached the handler, want %d", entered.Load(), n)
			}
		}
	}

	const large, small = 100 << 10, 2 << 10
	hold(5, large) // 500 KiB of the 512 KiB that large bodies share
	waitEntered(5)
	if code := send(large, false); code != http.StatusServiceUnavailable {
		t.Errorf("a sixth large body: got %d, want 503", code)
	}
	if code := send(small, true); code != http.StatusServiceUnavailable {
		t.Errorf("a body of undeclared length, counted as the largest: got %d, want 503", code)
	}
	hold(200, small) // 400 KiB of the 524 KiB left
	waitEntered(205)
	letGo()
	held.Wait()
	if code := send(large, false); code != http.StatusOK {
		t.Errorf("a large body once the others returned: got %d, want 200", code)
	}
}
