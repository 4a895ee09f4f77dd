package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sink stands in for the Web APIs of Slack and Discord, answering the few
// calls fcbot makes under load the way the platforms do, and takes the
// late answers: posts to a response_url (Slack) and edits or follow-ups
// of a deferred interaction (Discord), each named by the key of the
// request it answers. Unlike the test fakes it keeps nothing: a waiting
// request hears of its answer, everything else is forgotten.
type sink struct {
	url     string
	srv     *http.Server
	slack   *slackPlatform
	discord *discordPlatform
	waiting sync.Map // key → chan late
	serial  atomic.Int64
}

// late is an answer that came after the acknowledgement.
type late struct {
	at     time.Time
	o      outcome
	detail string // the start of the answer
}

func startSink(slack *slackPlatform, discord *discordPlatform) (*sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	s := &sink{url: "http://" + l.Addr().String(), slack: slack, discord: discord}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/api/{method}", s.slackAPI)
	mux.HandleFunc("POST /slack/response/{key}", s.slackResponse)
	mux.HandleFunc("/api/", s.discordAPI)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

func (s *sink) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// expect returns where the late answer to key will arrive.
func (s *sink) expect(key string) <-chan late {
	ch := make(chan late, 1)
	s.waiting.Store(key, ch)
	return ch
}

func (s *sink) forget(key string) { s.waiting.Delete(key) }

// arrived passes a late answer to whoever waits for it; the first counts.
func (s *sink) arrived(key string, l late) {
	if ch, ok := s.waiting.Load(key); ok {
		select {
		case ch.(chan late) <- l:
		default:
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// slackResponse takes a post to a response_url.
func (s *sink) slackResponse(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(r.Body)
	s.arrived(r.PathValue("key"), late{at: at, o: s.slack.read(body), detail: clip(body)})
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// slackAPI answers Slack Web API methods: users.info describes the bench's
// people (member 0 an admin), posts succeed, histories are empty.
func (s *sink) slackAPI(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	var answer map[string]any
	switch r.PathValue("method") {
	case "users.info":
		answer = slackUserInfo(r.Form.Get("user"))
	case "conversations.open":
		answer = map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(r.Form.Get("users"), "U")}}
	case "conversations.info":
		id := r.Form.Get("channel")
		answer = map[string]any{"ok": true, "channel": map[string]any{"id": id, "name": "general", "is_channel": true, "is_member": true, "context_team_id": slackTeam}}
	case "conversations.history":
		answer = map[string]any{"ok": true, "messages": []any{}, "has_more": false}
	case "chat.postMessage":
		answer = map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": s.ts()}
	case "chat.postEphemeral":
		answer = map[string]any{"ok": true, "message_ts": s.ts()}
	case "views.open":
		answer = map[string]any{"ok": true, "view": map[string]any{"id": "V0BENCH"}}
	default:
		answer = map[string]any{"ok": true}
	}
	writeJSON(w, http.StatusOK, answer)
}

func (s *sink) ts() string { return fmt.Sprintf("%d.%06d", time.Now().Unix(), s.serial.Add(1)%1e6) }

func slackUserInfo(id string) map[string]any {
	m, err := strconv.Atoi(strings.TrimPrefix(id, "UB"))
	if err != nil || !strings.HasPrefix(id, "UB") {
		return map[string]any{"ok": false, "error": "user_not_found"}
	}
	return map[string]any{"ok": true, "user": map[string]any{
		"id": id, "team_id": slackTeam, "name": memberHandle(m), "real_name": memberName(m), "locale": "en-US",
		"is_admin": m == 0, "profile": map[string]any{"display_name": memberName(m)},
	}}
}

var (
	apiVersionRE = regexp.MustCompile(`^/api/v[0-9]+`)
	webhookRE    = regexp.MustCompile(`^/webhooks/[^/]+/([^/]+)(/messages/@original)?$`)
	callbackRE   = regexp.MustCompile(`^/interactions/[^/]+/[^/]+/callback$`)
	memberRE     = regexp.MustCompile(`^/guilds/([^/]+)/members/([0-9]+)$`)
	channelRE    = regexp.MustCompile(`^/channels/([^/]+)(/messages)?$`)
)

// discordAPI answers Discord's REST API: edits and follow-ups of deferred
// interactions are late answers; everyone is a member of the bench's
// server, every channel one of its text channels.
func (s *sink) discordAPI(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	path := apiVersionRE.ReplaceAllString(r.URL.Path, "")
	body, _ := io.ReadAll(r.Body)
	message := map[string]any{"id": strconv.FormatInt(900000000000000000+s.serial.Add(1), 10), "channel_id": discordChannel, "content": "", "type": 0}
	switch m := webhookRE.FindStringSubmatch(path); {
	case m != nil && (r.Method == http.MethodPatch || (r.Method == http.MethodPost && m[2] == "")):
		s.arrived(m[1], late{at: at, o: s.discord.read(body, body), detail: clip(body)})
		writeJSON(w, http.StatusOK, message)
	case m != nil && r.Method == http.MethodDelete, callbackRE.MatchString(path):
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && path == "/users/@me/channels":
		var v struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &v)
		writeJSON(w, http.StatusOK, map[string]any{"id": "6" + strings.TrimPrefix(v.RecipientID, "7"), "type": 1})
	case memberRE.MatchString(path) && r.Method == http.MethodGet:
		s.discordMember(w, memberRE.FindStringSubmatch(path)[2])
	case channelRE.MatchString(path):
		ch := channelRE.FindStringSubmatch(path)
		if ch[2] != "" {
			message["channel_id"] = ch[1]
			writeJSON(w, http.StatusOK, message)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": ch[1], "guild_id": discordGuild, "type": 0, "name": "general", "position": 0})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

func (s *sink) discordMember(w http.ResponseWriter, id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	m := int(n - discordFirst)
	if err != nil || m < 0 {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown User", "code": 10013})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"user": map[string]any{"id": id, "username": memberHandle(m), "global_name": memberName(m), "discriminator": "0"},
		"nick": nil, "roles": []string{}, "joined_at": "2026-01-05T18:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
	})
}
