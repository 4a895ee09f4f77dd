// Package fakeslack is a local stand-in for Slack in tests: a Web API that
// records the calls it gets (users.info, conversations.open,
// conversations.info, conversations.history, chat.postMessage,
// chat.postEphemeral, views.open, apps.connections.open, and a file upload:
// files.getUploadURLExternal, the upload to the URL it gives,
// files.completeUploadExternal), keeps the messages posted (with their
// metadata) for conversations.history and the files shared,
// response_url endpoints, a Socket Mode websocket the test drives, and
// request signing as Slack does it. slack-go's own slacktest serves
// neither conversations.open nor views.open, and its websocket speaks RTM.
//
// The fake's own workspace is DefaultTeam, with one channel, #general
// (DefaultChannel), that the bot is in; users and channels added without
// a team belong to it.
package fakeslack

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The fake's own workspace and its one channel.
const (
	DefaultTeam    = "T0001"
	DefaultChannel = "C0001"
)

// User is a person as users.info describes them.
type User struct {
	ID, Name, Locale string
	Admin, Owner     bool
	// TeamID is the user's workspace; "" is DefaultTeam.
	TeamID string
	// EnterpriseID is their Enterprise Grid organisation, Teams the
	// workspaces they belong to in it; "" and nil outside Grid.
	EnterpriseID string
	Teams        []string
	Deleted      bool // deactivated
}

// Channel is a conversation as conversations.info describes it.
type Channel struct {
	ID, Name string
	// TeamID is the workspace that hosts it (context_team_id); "" is
	// DefaultTeam. SharedTeams and InternalTeams are the other workspaces
	// that see it (Slack Connect, Enterprise Grid).
	TeamID                     string
	SharedTeams, InternalTeams []string
	Private, Archived          bool
	BotMember                  bool // the bot is in it
}

// Message is one message posted with chat.postMessage.
type Message struct {
	Channel, TS, Text string
	Metadata          map[string]any // nil when posted without
}

// File is a file shared in a conversation by files.completeUploadExternal.
type File struct {
	ID, Channel, Name, Title string
	Data                     []byte
}

// upload is a file announced by files.getUploadURLExternal: its name and
// length, and once uploaded its bytes.
type upload struct {
	name     string
	length   int
	data     []byte
	uploaded bool
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

	mu       sync.Mutex
	users    map[string]User
	channels map[string]Channel
	messages []Message // posted, oldest first
	serial   int       // of message timestamps and file ids
	uploads  map[string]*upload
	files    []File // shared, oldest first
	calls    []Call
	limited  map[string]int    // method → 429 answers still to give
	fail     map[string]string // method → Slack error to answer with
	slow     map[string]slowness
	notify   chan struct{}
	sockets  chan *Socket
}

// slowness holds back the answers of a method's next calls.
type slowness struct {
	n int
	d time.Duration
}

// New starts a fake Slack, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{
		t: t, users: map[string]User{}, channels: map[string]Channel{}, uploads: map[string]*upload{}, limited: map[string]int{}, fail: map[string]string{},
		slow: map[string]slowness{}, notify: make(chan struct{}, 1), sockets: make(chan *Socket, 4),
	}
	s.channels[DefaultChannel] = Channel{ID: DefaultChannel, Name: "general", TeamID: DefaultTeam, BotMember: true}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.api)
	mux.HandleFunc("/response/{id}", s.response)
	mux.HandleFunc("/upload/{id}", s.upload)
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

// AddChannel makes ch known to conversations.info.
func (s *Server) AddChannel(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.ID] = ch
}

// Messages returns the messages posted to channel ("" for all), oldest
// first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// Files returns the files shared in channel ("" for all), oldest first.
func (s *Server) Files(channel string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, f := range s.files {
		if channel == "" || f.Channel == channel {
			out = append(out, f)
		}
	}
	return out
}

// Slow makes the next n calls of method do their work (a post is posted)
// and then wait d, or until the client gives up, before answering: a
// request that reached Slack whose answer the client never read.
func (s *Server) Slow(method string, n int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow[method] = slowness{n: n, d: d}
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
	slow := s.slow[method]
	if slow.n > 0 {
		s.slow[method] = slowness{n: slow.n - 1, d: slow.d}
	}
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
	answer := s.answer(method, c)
	if slow.n > 0 {
		select {
		case <-time.After(slow.d):
		case <-r.Context().Done():
			return
		}
	}
	writeJSON(w, answer)
}

// answer does what method does and returns Slack's answer.
func (s *Server) answer(method string, c Call) map[string]any {
	switch method {
	case "users.info":
		return s.userInfo(c.Form.Get("user"))
	case "conversations.open":
		return map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(c.Form.Get("users"), "U")}}
	case "conversations.info":
		return s.conversationInfo(c.Form.Get("channel"))
	case "conversations.history":
		return s.history(c.Form)
	case "chat.postMessage":
		m := s.post(c.Form)
		return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS}
	case "chat.postEphemeral":
		return map[string]any{"ok": true, "message_ts": fmt.Sprintf("%d.000200", time.Now().Unix())}
	case "views.open":
		return map[string]any{"ok": true, "view": map[string]any{"id": "V0001"}}
	case "files.getUploadURLExternal":
		return s.uploadURL(c.Form)
	case "files.completeUploadExternal":
		return s.completeUpload(c.Form)
	case "apps.connections.open":
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"}
	default:
		return map[string]any{"ok": false, "error": "unknown_method"}
	}
}

func (s *Server) userInfo(id string) map[string]any {
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		return map[string]any{"ok": false, "error": "user_not_found"}
	}
	user := map[string]any{
		"id": u.ID, "team_id": cmp.Or(u.TeamID, DefaultTeam), "name": strings.ToLower(u.Name), "real_name": u.Name, "locale": u.Locale,
		"deleted": u.Deleted, "is_admin": u.Admin, "is_owner": u.Owner, "profile": map[string]any{"display_name": u.Name},
	}
	if u.EnterpriseID != "" {
		user["enterprise_user"] = map[string]any{"id": u.ID, "enterprise_id": u.EnterpriseID, "teams": u.Teams}
	}
	return map[string]any{"ok": true, "user": user}
}

func (s *Server) conversationInfo(id string) map[string]any {
	s.mu.Lock()
	ch, ok := s.channels[id]
	s.mu.Unlock()
	if !ok {
		return map[string]any{"ok": false, "error": "channel_not_found"}
	}
	return map[string]any{"ok": true, "channel": map[string]any{
		"id": ch.ID, "name": ch.Name, "is_channel": !ch.Private, "is_group": false, "is_private": ch.Private,
		"is_archived": ch.Archived, "is_member": ch.BotMember, "is_shared": len(ch.SharedTeams) > 0,
		"context_team_id": cmp.Or(ch.TeamID, DefaultTeam), "shared_team_ids": ch.SharedTeams, "internal_team_ids": ch.InternalTeams,
	}}
}

// post keeps a chat.postMessage's message, with a timestamp of its own.
func (s *Server) post(form url.Values) Message {
	var meta map[string]any
	if raw := form.Get("metadata"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &meta)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serial++
	m := Message{Channel: form.Get("channel"), TS: fmt.Sprintf("%d.%06d", time.Now().Unix(), s.serial), Text: form.Get("text"), Metadata: meta}
	s.messages = append(s.messages, m)
	return m
}

// history answers conversations.history: the channel's messages newer
// than oldest, newest first, limit (default 100) a page, the cursor being
// how many were already given; metadata only with include_all_metadata.
func (s *Server) history(form url.Values) map[string]any {
	oldest, _ := strconv.ParseFloat(cmp.Or(form.Get("oldest"), "0"), 64)
	limit, _ := strconv.Atoi(cmp.Or(form.Get("limit"), "100"))
	skip, _ := strconv.Atoi(form.Get("cursor"))
	withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	var in []Message
	for _, m := range s.Messages(form.Get("channel")) {
		if ts, _ := strconv.ParseFloat(m.TS, 64); ts > oldest {
			in = append(in, m)
		}
	}
	slices.Reverse(in)
	page := in[min(skip, len(in)):min(skip+max(limit, 1), len(in))]
	msgs := make([]map[string]any, len(page))
	for i, m := range page {
		msgs[i] = map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "bot_id": "B0001"}
		if withMeta && m.Metadata != nil {
			msgs[i]["metadata"] = m.Metadata
		}
	}
	more := skip+len(page) < len(in)
	next := ""
	if more {
		next = strconv.Itoa(skip + len(page))
	}
	return map[string]any{"ok": true, "messages": msgs, "has_more": more, "response_metadata": map[string]any{"next_cursor": next}}
}

// uploadURL answers files.getUploadURLExternal: a file id and the URL to
// upload its bytes to, for a named file of a stated length.
func (s *Server) uploadURL(form url.Values) map[string]any {
	length, err := strconv.Atoi(form.Get("length"))
	if form.Get("filename") == "" || err != nil || length < 1 {
		return map[string]any{"ok": false, "error": "invalid_arguments"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serial++
	id := fmt.Sprintf("F%04d", s.serial)
	s.uploads[id] = &upload{name: form.Get("filename"), length: length}
	return map[string]any{"ok": true, "upload_url": s.URL + "/upload/" + id, "file_id": id}
}

// upload takes a file's bytes, as Slack's upload URL does: the raw body,
// or the file part of a multipart/form-data body. Its length must be the
// one announced.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.record(Call{Method: "upload", Path: r.URL.Path, Form: url.Values{}})
	data, err := uploadedBytes(r)
	s.mu.Lock()
	u := s.uploads[id]
	ok := err == nil && u != nil && !u.uploaded && len(data) == u.length
	if ok {
		u.data, u.uploaded = data, true
	}
	s.mu.Unlock()
	if !ok {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "OK - %d", len(data))
}

func uploadedBytes(r *http.Request) ([]byte, error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return io.ReadAll(r.Body)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no file part: %w", err)
		}
		if p.FormName() == "file" {
			return io.ReadAll(p)
		}
	}
}

// completeUpload answers files.completeUploadExternal: the uploaded files
// it lists are shared in channel_id (a conversation is needed: the fake
// keeps no unshared files).
func (s *Server) completeUpload(form url.Values) map[string]any {
	var list []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	channel := form.Get("channel_id")
	if err := json.Unmarshal([]byte(form.Get("files")), &list); err != nil || len(list) == 0 || channel == "" {
		return map[string]any{"ok": false, "error": "invalid_arguments"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range list {
		if u := s.uploads[f.ID]; u == nil || !u.uploaded {
			return map[string]any{"ok": false, "error": "file_not_found"}
		}
	}
	var done []map[string]any
	for _, f := range list {
		u := s.uploads[f.ID]
		delete(s.uploads, f.ID)
		s.files = append(s.files, File{ID: f.ID, Channel: channel, Name: u.name, Title: f.Title, Data: u.data})
		done = append(done, map[string]any{"id": f.ID, "title": f.Title})
	}
	return map[string]any{"ok": true, "files": done}
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
