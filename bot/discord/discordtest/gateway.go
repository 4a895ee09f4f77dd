package discordtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Session is a gateway session as the fake saw it: one Identify made it,
// and RESUMEs carry it from one connection to the next.
type Session struct {
	ID            string
	Shard, Shards int       // the Identify's shard array; 0 of 1 without one
	Identified    time.Time // when its Identify arrived
	Resumes       int       // RESUMEs that took it to a new connection
	Connected     bool
}

// session is a live gateway session. Its events are numbered from READY
// on and all kept, so that a RESUME with the last number the bot saw gets
// the rest replayed; a clean close (1000 or 1001) ends it, as Discord
// ends it, and an abrupt one leaves it to be resumed.
type session struct {
	mu     sync.Mutex // orders its events: dispatches, replays, RESUMED
	info   Session
	conn   *gatewayConn // nil while disconnected
	seq    int
	events []event // every dispatch after READY
	ended  bool
}

type event struct {
	seq  int
	name string
	data json.RawMessage
}

// gatewayConn is one websocket connected to the fake gateway.
type gatewayConn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

func (c *gatewayConn) send(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(v)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// frame is a gateway payload.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int             `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// gateway speaks Discord's gateway protocol: Hello (op 10); Identify (op
// 2) starts a session for the shard it names and is answered with READY;
// Resume (op 6) takes a session over to this connection, replays the
// events it missed and sends RESUMED, or answers Invalid Session (op 9)
// for a session it does not know; heartbeats (op 1) get ACKs (op 11).
func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gatewayConn{ws: ws}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
	defer ws.Close()
	if c.send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}}) != nil {
		return
	}
	var sess *session
	for {
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			if sess != nil {
				s.detach(sess, c, err)
			}
			return
		}
		switch f.Op {
		case 1:
			_ = c.send(map[string]any{"op": 11})
		case 2:
			sess = s.identifyOn(c, f.D)
		case 6:
			sess = s.resumeOn(c, f.D)
		}
	}
}

// identifyOn starts a session on c for the shard the Identify payload d
// names, and sends READY.
func (s *Server) identifyOn(c *gatewayConn, d json.RawMessage) *session {
	var id struct {
		Shard *[2]int `json:"shard"`
	}
	_ = json.Unmarshal(d, &id)
	sess := &session{conn: c, seq: 1, info: Session{Shards: 1, Identified: time.Now(), Connected: true}}
	if id.Shard != nil && id.Shard[1] > 0 {
		sess.info.Shard, sess.info.Shards = id.Shard[0], id.Shard[1]
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	s.mu.Lock()
	s.identify = append(s.identify, d)
	s.sessions = append(s.sessions, sess)
	sess.info.ID = "fake-session-" + strconv.Itoa(len(s.sessions))
	s.mu.Unlock()
	_ = c.send(frame{Op: 0, S: sess.seq, T: "READY", D: mustJSON(map[string]any{
		"v": 10, "session_id": sess.info.ID, "resume_gateway_url": s.gatewayURL(),
		"shard":       [2]int{sess.info.Shard, sess.info.Shards},
		"user":        map[string]any{"id": s.AppID, "username": "fcbot", "discriminator": "0", "bot": true},
		"guilds":      []any{},
		"application": map[string]any{"id": s.AppID, "flags": 0},
	})})
	s.touch()
	return sess
}

// resumeOn takes the session the Resume payload d names over to c,
// replays every event numbered after the one the bot saw last, then sends
// RESUMED; a session that ended or never was gets Invalid Session.
func (s *Server) resumeOn(c *gatewayConn, d json.RawMessage) *session {
	var r struct {
		SessionID string `json:"session_id"`
		Seq       int    `json:"seq"`
	}
	_ = json.Unmarshal(d, &r)
	sess := s.session(r.SessionID)
	if sess == nil {
		_ = c.send(frame{Op: 9, D: json.RawMessage("false")})
		return nil
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.ended {
		_ = c.send(frame{Op: 9, D: json.RawMessage("false")})
		return nil
	}
	sess.conn = c
	sess.info.Resumes++
	sess.info.Connected = true
	for _, e := range sess.events {
		if e.seq > r.Seq {
			_ = c.send(frame{Op: 0, S: e.seq, T: e.name, D: e.data})
		}
	}
	sess.seq++
	_ = c.send(frame{Op: 0, S: sess.seq, T: "RESUMED", D: json.RawMessage("{}")})
	s.touch()
	return sess
}

// detach notes that c, which carried sess, is gone: err says whether the
// bot closed it cleanly, which ends the session.
func (s *Server) detach(sess *session, c *gatewayConn, err error) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.conn != c {
		return // dropped by the test, or resumed elsewhere since
	}
	sess.conn = nil
	sess.info.Connected = false
	sess.ended = websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway)
}

func (s *Server) session(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sess := range s.sessions {
		if sess.info.ID == id {
			return sess
		}
	}
	return nil
}

// live returns the sessions that have not ended. Their shard never
// changes, so it may be read without their lock.
func (s *Server) live() []*session {
	s.mu.Lock()
	all := append([]*session(nil), s.sessions...)
	s.mu.Unlock()
	var out []*session
	for _, sess := range all {
		sess.mu.Lock()
		if !sess.ended {
			out = append(out, sess)
		}
		sess.mu.Unlock()
	}
	return out
}

func (s *Server) gatewayURL() string { return "ws" + strings.TrimPrefix(s.URL, "http") + "/ws" }

// touch wakes whoever waits for the fake to change.
func (s *Server) touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits (up to 10 s) until ok holds, failing the test with what
// otherwise.
func (s *Server) waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if ok() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the fake gateway waited 10 s for %s; sessions: %+v", what, s.Sessions())
			return
		}
	}
}

// WaitIdentify waits (up to 10 s) for a bot to identify on the gateway
// and returns its first Identify payload.
func (s *Server) WaitIdentify(t testing.TB) json.RawMessage {
	t.Helper()
	var id json.RawMessage
	s.waitFor(t, "an Identify", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.identify) > 0 {
			id = s.identify[0]
		}
		return id != nil
	})
	return id
}

// Sessions returns every session identified so far, in the order of
// their Identify: as many as there were IDENTIFYs.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	all := append([]*session(nil), s.sessions...)
	s.mu.Unlock()
	out := make([]Session, len(all))
	for i, sess := range all {
		sess.mu.Lock()
		out[i] = sess.info
		sess.mu.Unlock()
	}
	return out
}

// WaitConnected waits (up to 10 s) until n sessions are connected, after
// READY or RESUMED, and returns every session.
func (s *Server) WaitConnected(t testing.TB, n int) []Session {
	t.Helper()
	var ss []Session
	s.waitFor(t, strconv.Itoa(n)+" connected sessions", func() bool {
		ss = s.Sessions()
		connected := 0
		for _, x := range ss {
			if x.Connected {
				connected++
			}
		}
		return connected >= n
	})
	return ss
}

// ShardOf is the shard of count that Discord sends a server's events on.
func ShardOf(guildID string, count int) int {
	id, _ := strconv.ParseUint(guildID, 10, 64)
	return int((id >> 22) % uint64(count))
}

// GuildOnShard returns a new server id whose events go to shard of count.
func GuildOnShard(shard, count int) string {
	for {
		if id := NewID(); ShardOf(id, count) == shard {
			return id
		}
	}
}

// Dispatch sends an event (e.g. INTERACTION_CREATE) to the sessions of
// the shard its guild_id falls on (shard 0 without one, as Discord sends
// direct messages), numbered in each session; a session between
// connections gets it when it resumes. It fails the test when no session
// of that shard is live.
func (s *Server) Dispatch(t testing.TB, name string, payload []byte) {
	t.Helper()
	var p struct {
		GuildID string `json:"guild_id"`
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		t.Fatalf("dispatch %s: payload is not JSON: %v", name, err)
	}
	var to []*session
	for _, sess := range s.live() {
		if p.GuildID == "" && sess.info.Shard == 0 || p.GuildID != "" && ShardOf(p.GuildID, sess.info.Shards) == sess.info.Shard {
			to = append(to, sess)
		}
	}
	if len(to) == 0 {
		t.Fatalf("dispatch %s: no bot has a session for the shard of server %q on the fake gateway", name, p.GuildID)
	}
	for _, sess := range to {
		sess.mu.Lock()
		sess.seq++
		e := event{seq: sess.seq, name: name, data: payload}
		sess.events = append(sess.events, e)
		if sess.conn != nil {
			// A send that fails leaves the event to the replay.
			_ = sess.conn.send(frame{Op: 0, S: e.seq, T: e.name, D: e.data})
		}
		sess.mu.Unlock()
	}
}

// Drop closes the connections of shard's sessions abruptly, without a
// close frame, as a network failure would: the sessions stay resumable,
// and what is dispatched meanwhile waits for the RESUME.
func (s *Server) Drop(t testing.TB, shard int) {
	t.Helper()
	s.cut(t, shard, func(c *gatewayConn) { _ = c.ws.Close() })
}

// Reconnect sends Reconnect (op 7) on shard's sessions, as Discord does
// before it moves a session: the bot is to reconnect and resume.
func (s *Server) Reconnect(t testing.TB, shard int) {
	t.Helper()
	s.cut(t, shard, func(c *gatewayConn) { _ = c.send(frame{Op: 7, D: json.RawMessage("null")}) })
}

// cut detaches the connected sessions of shard from their connections
// after doing how to each connection.
func (s *Server) cut(t testing.TB, shard int, how func(*gatewayConn)) {
	t.Helper()
	n := 0
	for _, sess := range s.live() {
		sess.mu.Lock()
		if c := sess.conn; c != nil && sess.info.Shard == shard {
			how(c)
			sess.conn = nil
			sess.info.Connected = false
			n++
		}
		sess.mu.Unlock()
	}
	if n == 0 {
		t.Fatalf("no session of shard %d is connected to the fake gateway", shard)
	}
}

var callbackID = regexp.MustCompile(`^/interactions/([^/]+)/`)

// callback answers an interaction's initial response, which over the
// gateway is a REST call: the first is accepted, any other refused as
// Discord refuses it (400, 40060).
func (s *Server) callback(path string) (int, any) {
	id := callbackID.FindStringSubmatch(path)[1]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acks[id]++
	if s.acks[id] > 1 {
		return http.StatusBadRequest, map[string]any{"message": "Interaction has already been acknowledged.", "code": 40060}
	}
	return http.StatusNoContent, nil
}

// Callbacks returns how many initial responses the interaction id got,
// refused second ones included: 1 when it was answered exactly once.
func (s *Server) Callbacks(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acks[id]
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
