// Package fakeslack is a local stand-in for Slack in tests: a Web API that
// records the calls it gets (users.info, conversations.open,
// chat.postMessage, chat.postEphemeral, views.open, apps.connections.open),
// response_url endpoints, a Socket Mode websocket the test drives, and
// request signing as Slack does it. slack-go's own slacktest serves
// neither conversations.open nor views.open, and its websocket speaks RTM.
package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// User is a workspace member as users.info describes them.
type User struct {
	ID, Name, Locale string
	Admin, Owner     bool
}

// Call is one recorded Web API call or response_url post.
type Call struct {
	Method string     // "chat.postMessage", or "response" for response_url posts
	Form   url.Values // form-encoded parameters
	JSON   map[string]any
	Path   string
}

// Server is a fake Slack.
type Server struct {
	*httptest.Server
	t testing.TB

	mu      sync.Mutex
	users   map[string]User
	calls   []Call
	limited map[string]int    // method → 429 answers still to give
	fail    map[string]string // method → Slack error to answer with
	notify  chan struct{}
	sockets chan *Socket
}

// New starts a fake Slack, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{t: t, users: map[string]User{}, limited: map[string]int{}, fail: map[string]string{}, notify: make(chan struct{}, 1), sockets: make(chan *Socket, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.api)
	mux.HandleFunc("/response/{id}", s.response)
	mux.HandleFunc("/ws", s.socket)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// APIURL is the base URL to pass as slack.OptionAPIURL (SLACK_API_URL).
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url that records what is posted to it.
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + id }

// AddUser makes u known to users.info.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// RateLimit makes the next n calls of method answer 429 with Retry-After:
// 0 (slack-go's RateLimitedError).
func (s *Server) RateLimit(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited[method] = n
}

// Fail makes every call of method answer ok:false with the given error
// ("" stops failing).
func (s *Server) Fail(method, slackErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = slackErr
}

// Calls returns the recorded calls of method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called n times and returns the
// calls; it fails the test after a few seconds.
func (s *Server) WaitCalls(method string, n int) []Call {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if c := s.Calls(method); len(c) >= n {
			return c
		}
		select {
		case <-s.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			s.t.Fatalf("fake slack: got %d %s calls, want %d", len(s.Calls(method)), method, n)
			return nil
		}
	}
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func readCall(r *http.Request, method string) Call {
	c := Call{Method: method, Path: r.URL.Path}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
		if c.Form == nil {
			c.Form = url.Values{}
		}
		for k, v := range r.URL.Query() {
			c.Form[k] = v
		}
	}
	return c
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	c := readCall(r, method)
	s.record(c)
	s.mu.Lock()
	limited := s.limited[method]
	if limited > 0 {
		s.limited[method]--
	}
	failure := s.fail[method]
	s.mu.Unlock()
	if limited > 0 {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if failure != "" {
		writeJSON(w, map[string]any{"ok": false, "error": failure})
		return
	}
	switch method {
	case "users.info":
		s.mu.Lock()
		u, ok := s.users[c.Form.Get("user")]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": u.ID, "name": strings.ToLower(u.Name), "real_name": u.Name, "locale": u.Locale,
			"is_admin": u.Admin, "is_owner": u.Owner, "profile": map[string]any{"display_name": u.Name},
		}})
	case "conversations.open":
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(c.Form.Get("users"), "U")}})
	case "chat.postMessage":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": fmt.Sprintf("%d.000100", time.Now().Unix())})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": fmt.Sprintf("%d.000200", time.Now().Unix())})
	case "views.open":
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V0001"}})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	s.record(readCall(r, "response"))
	writeJSON(w, map[string]any{"ok": true})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Socket is one Socket Mode connection, driven by the test.
type Socket struct {
	conn  *websocket.Conn
	in    chan map[string]any
	pongs chan string
	wmu   sync.Mutex
}

func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	// slack-go dials with Origin: https://api.slack.com, as Slack expects.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sock := &Socket{conn: conn, in: make(chan map[string]any, 16), pongs: make(chan string, 4)}
	conn.SetPongHandler(func(data string) error {
		select {
		case sock.pongs <- data:
		default:
		}
		return nil
	})
	go func() {
		defer close(sock.in)
		for {
			var m map[string]any
			if err := conn.ReadJSON(&m); err != nil {
				return
			}
			sock.in <- m
		}
	}()
	s.sockets <- sock
}

// Socket waits for the client to connect.
func (s *Server) Socket() *Socket {
	s.t.Helper()
	select {
	case sock := <-s.sockets:
		s.t.Cleanup(func() { _ = sock.conn.Close() })
		return sock
	case <-time.After(5 * time.Second):
		s.t.Fatal("fake slack: no Socket Mode connection")
		return nil
	}
}

// Send writes one message (hello, an envelope) as JSON.
func (sock *Socket) Send(v any) error {
	sock.wmu.Lock()
	defer sock.wmu.Unlock()
	return sock.conn.WriteJSON(v)
}

// Ping sends a websocket ping and waits for its pong.
func (sock *Socket) Ping(data string) error {
	sock.wmu.Lock()
	err := sock.conn.WriteControl(websocket.PingMessage, []byte(data), time.Now().Add(time.Second))
	sock.wmu.Unlock()
	if err != nil {
		return err
	}
	select {
	case got := <-sock.pongs:
		if got != data {
			return fmt.Errorf("pong %q, want %q", got, data)
		}
		return nil
	case <-time.After(3 * time.Second):
		return fmt.Errorf("no pong")
	}
}

// Ack waits for the next message from the client: an acknowledgement.
func (sock *Socket) Ack(timeout time.Duration) (map[string]any, error) {
	select {
	case m, ok := <-sock.in:
		if !ok {
			return nil, fmt.Errorf("connection closed")
		}
		return m, nil
	case <-time.After(timeout):
		return nil, fmt.Errorf("no acknowledgement within %s", timeout)
	}
}

// Sign adds Slack's v0 signature headers for body at ts to h.
func Sign(h http.Header, secret string, body []byte, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", stamp)
	mac.Write(body)
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// Request builds a form POST to target signed with secret at ts.
func Request(target, secret string, form url.Values, ts time.Time) *http.Request {
	body := []byte(form.Encode())
	r, _ := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	Sign(r.Header, secret, body, ts)
	return r
}

// SlashCommand is the form Slack posts for a slash command.
func SlashCommand(team, channel, user, userName, command, text, trigger, responseURL string) url.Values {
	return url.Values{
		"token": {"legacy"}, "team_id": {team}, "team_domain": {"example"},
		"channel_id": {channel}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {userName},
		"command": {command}, "text": {text},
		"api_app_id": {"A0001"}, "is_enterprise_install": {"false"},
		"response_url": {responseURL}, "trigger_id": {trigger},
	}
}
