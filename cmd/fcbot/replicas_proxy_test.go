package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// replicaHeader names, in each answer the balancer passes on, the replica
// that gave it (or failed to): its index and its life, "1.0", then "1.1"
// once restarted.
const replicaHeader = "X-Fcbot-Replica"

// balancer is a round-robin load balancer in front of fcbot replicas, as
// an operator puts one (httputil.ReverseProxy): each request goes to the
// next replica. A replica that refuses the connection (it is down, or
// starting again) has not seen the request, which goes to the next one;
// any other failure is answered 502, as a request lost with its replica.
type balancer struct {
	*httptest.Server
	replicas []*backend
	next     atomic.Uint64
	tr       *http.Transport
}

// backend is one replica behind the balancer.
type backend struct {
	n    int
	addr string
	life atomic.Int32 // how many times it was restarted
}

func (b *backend) name() string { return fmt.Sprintf("%d.%d", b.n, b.life.Load()) }

// newBalancer balances over the replicas' HTTP addresses until the test
// ends.
func newBalancer(t *testing.T, addrs []string) *balancer {
	b := &balancer{tr: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}}
	for i, a := range addrs {
		b.replicas = append(b.replicas, &backend{n: i, addr: a})
	}
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.Out.URL.Scheme, r.Out.URL.Host = "http", "replica" },
		Transport: b,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			var re replicaError
			if errors.As(err, &re) {
				w.Header().Set(replicaHeader, re.replica)
			}
			http.Error(w, "bad gateway: "+err.Error(), http.StatusBadGateway)
		},
	}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Kept, so that a request a replica refused goes to the next.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		b.Close()
		b.tr.CloseIdleConnections()
	})
	return b
}

// restarted marks replica n's next life: answers from now on name it.
// Connections kept open to its last life are dropped first, so that none
// of them, dead, is taken for the new one.
func (b *balancer) restarted(n int) {
	b.tr.CloseIdleConnections()
	b.replicas[n].life.Add(1)
}

// replicaError is a request's failure at the replica that had it.
type replicaError struct {
	replica string
	err     error
}

func (e replicaError) Error() string { return "replica " + e.replica + ": " + e.err.Error() }
func (e replicaError) Unwrap() error { return e.err }

// RoundTrip sends r to the next replica that accepts a connection.
func (b *balancer) RoundTrip(r *http.Request) (*http.Response, error) {
	first := b.next.Add(1)
	var err error
	for i := range uint64(len(b.replicas)) {
		be := b.replicas[(first+i)%uint64(len(b.replicas))]
		out := r.Clone(r.Context())
		out.URL.Host, out.Host = be.addr, be.addr
		if out.Body, err = r.GetBody(); err != nil {
			return nil, err
		}
		name := be.name()
		resp, rerr := b.tr.RoundTrip(out)
		if rerr == nil {
			resp.Header.Set(replicaHeader, name)
			return resp, nil
		}
		err = replicaError{replica: name, err: rerr}
		if !errors.Is(rerr, syscall.ECONNREFUSED) {
			return nil, err
		}
	}
	return nil, err
}
