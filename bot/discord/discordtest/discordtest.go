// Package discordtest is a local fake of Discord for tests: a REST API
// that records every call (and can be told to fail some with 429 or 5xx,
// or to answer late), knows the members and channels of the servers a
// test describes, keeps the messages posted to channels (honouring
// enforce_nonce), with the files uploaded with them (multipart/form-data,
// as Discord takes them), counts each interaction's initial responses,
// and runs a gateway over websocket (gateway.go: sessions per shard,
// each server's events on its shard only, RESUME with the missed events
// replayed, and connections a test drops). It also signs
// interaction requests the way Discord does, with a key made for the
// test, and makes snowflake ids of a chosen time.
package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one REST request the fake received.
type Call struct {
	Method string
	Path   string // without the /api/vN prefix, e.g. /interactions/1/tok/callback
	Auth   string
	Body   []byte
	Status int // what the fake answered
}

// JSON decodes the call's body into v, failing the test when it cannot.
func (c Call) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(c.Body, v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", c.Method, c.Path, err, c.Body)
	}
}

// Server is the fake Discord.
type Server struct {
	URL   string // base URL, for DISCORD_API_URL
	AppID string

	srv *httptest.Server

	// NonceWindow is how long a message nonce is remembered for
	// enforce_nonce; Discord documents "a few minutes".
	NonceWindow time.Duration
	// Shards and MaxConcurrency are what GET /gateway/bot answers: the
	// recommended shard count, and how many shards may identify at once
	// (session_start_limit.max_concurrency). 1 and 1 unless a test sets
	// them before a bot asks.
	Shards, MaxConcurrency int

	mu       sync.Mutex
	calls    []Call
	changed  chan struct{} // closed and replaced whenever calls grow
	faults   []fault
	stalls   []stall
	identify []json.RawMessage
	conns    []*gatewayConn
	sessions []*session
	acks     map[string]int               // initial responses per interaction id
	members  map[string]map[string]Member // guild id → user id → member
	users    map[string]bool              // every user id of some guild
	channels map[string]Channel
	messages []Message
}

type fault struct {
	method, path string
	statuses     []int
}

// New starts a fake Discord that closes with the test.
func New(t testing.TB) *Server {
	s := &Server{
		AppID: "100000000000000001", NonceWindow: 2 * time.Minute, changed: make(chan struct{}),
		Shards: 1, MaxConcurrency: 1, acks: map[string]int{},
		members: map[string]map[string]Member{}, users: map[string]bool{}, channels: map[string]Channel{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	for _, c := range s.conns {
		_ = c.ws.Close()
	}
	s.mu.Unlock()
	s.srv.Close()
}

// Fail makes the next len(statuses) requests matching method and a path
// containing path answer with those statuses (429 comes with
// Retry-After: 0.05).
func (s *Server) Fail(method, path string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method, path, statuses})
}

// Calls returns every REST call so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Find returns the calls matching method and a path containing path.
func (s *Server) Find(method, path string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method && strings.Contains(c.Path, path) {
			out = append(out, c)
		}
	}
	return out
}

// Wait waits (up to 10 s) for a successful call matching method and path
// and returns the first one.
func (s *Server) Wait(t testing.TB, method, path string) Call {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		for _, c := range s.calls {
			if c.Method == method && strings.Contains(c.Path, path) && c.Status < 300 {
				s.mu.Unlock()
				return c
			}
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %s %s reached the fake Discord; calls: %v", method, path, s.summary())
			return Call{}
		}
	}
}

func (s *Server) summary() []string {
	var out []string
	for _, c := range s.Calls() {
		out = append(out, c.Method+" "+c.Path+" "+strconv.Itoa(c.Status))
	}
	return out
}

var versionRE = regexp.MustCompile(`^/api/v[0-9]+`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		s.gateway(w, r)
		return
	}
	path := versionRE.ReplaceAllString(r.URL.Path, "")
	body, _ := io.ReadAll(r.Body)
	status, reply := s.answer(r.Method, path, r.Header.Get("Content-Type"), body)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: path, Auth: r.Header.Get("Authorization"), Body: body, Status: status})
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	if d := s.takeStall(r.Method, path); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "0.05")
	}
	w.WriteHeader(status)
	if reply != nil {
		_ = json.NewEncoder(w).Encode(reply)
	}
}

func (s *Server) takeFault(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.method == method && strings.Contains(path, f.path) && len(f.statuses) > 0 {
			st := f.statuses[0]
			s.faults[i].statuses = f.statuses[1:]
			return st
		}
	}
	return 0
}

var (
	callbackRE = regexp.MustCompile(`^/interactions/[^/]+/[^/]+/callback$`)
	originalRE = regexp.MustCompile(`^/webhooks/[^/]+/[^/]+/messages/@original$`)
	followupRE = regexp.MustCompile(`^/webhooks/[^/]+/[^/]+$`)
	messagesRE = regexp.MustCompile(`^/channels/([^/]+)/messages$`)
	memberRE   = regexp.MustCompile(`^/guilds/([^/]+)/members/([^/]+)$`)
	channelRE  = regexp.MustCompile(`^/channels/([^/]+)$`)
	commandsRE = regexp.MustCompile(`^/applications/[^/]+(/guilds/[^/]+)?/commands$`)
)

// answer is what the fake replies to a REST call.
func (s *Server) answer(method, path, contentType string, body []byte) (int, any) {
	if st := s.takeFault(method, path); st != 0 {
		if st == http.StatusTooManyRequests {
			return st, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false}
		}
		return st, map[string]any{"message": "fake failure", "code": 0}
	}
	message := map[string]any{"id": "200000000000000001", "channel_id": "300000000000000001", "content": "", "type": 0}
	switch {
	case method == http.MethodGet && (path == "/gateway" || path == "/gateway/bot"):
		return 200, map[string]any{"url": s.gatewayURL(), "shards": s.Shards, "session_start_limit": map[string]int{"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": s.MaxConcurrency}}
	case method == http.MethodPost && callbackRE.MatchString(path):
		return s.callback(path)
	case method == http.MethodPatch && originalRE.MatchString(path):
		return 200, message
	case method == http.MethodDelete && originalRE.MatchString(path):
		return http.StatusNoContent, nil
	case method == http.MethodPost && followupRE.MatchString(path):
		return 200, message
	case method == http.MethodPost && path == "/users/@me/channels":
		var v struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &v)
		return 200, map[string]any{"id": "4" + v.RecipientID, "type": 1}
	case method == http.MethodPost && messagesRE.MatchString(path):
		return s.createMessage(messagesRE.FindStringSubmatch(path)[1], contentType, body)
	case method == http.MethodGet && memberRE.MatchString(path):
		m := memberRE.FindStringSubmatch(path)
		return s.member(m[1], m[2])
	case method == http.MethodGet && channelRE.MatchString(path):
		return s.channel(channelRE.FindStringSubmatch(path)[1])
	case method == http.MethodPut && commandsRE.MatchString(path):
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			return 400, map[string]any{"message": "400: Bad Request", "code": 50109}
		}
		for i, c := range cmds {
			c["id"] = strconv.Itoa(500000000000000000 + i)
			c["application_id"] = s.AppID
		}
		return 200, cmds
	}
	return http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0}
}

// Key is an application key pair made for a test.
type Key struct {
	Public  ed25519.PublicKey
	private ed25519.PrivateKey
}

// NewKey makes a key pair.
func NewKey(t testing.TB) Key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Key{Public: pub, private: priv}
}

// PublicHex is the public key as DISCORD_PUBLIC_KEY spells it.
func (k Key) PublicHex() string { return hex.EncodeToString(k.Public) }

// Request builds a POST of body to url signed as Discord signs
// interactions: Ed25519 over timestamp + body, with the current time as
// the timestamp.
func (k Key) Request(t testing.TB, url string, body []byte) *http.Request {
	t.Helper()
	return k.RequestAt(t, url, body, strconv.FormatInt(time.Now().Unix(), 10))
}

// RequestAt is Request validly signed with the timestamp ts, sent as
// X-Signature-Timestamp whatever it holds: a request made at another
// time, or a malformed timestamp.
func (k Key) RequestAt(t testing.TB, url string, body []byte, ts string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Timestamp", ts)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(k.private, append([]byte(ts), body...))))
	return r
}
