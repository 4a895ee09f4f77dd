package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Member is a member of a server, as a test describes it.
type Member struct {
	ID         string
	Username   string
	GlobalName string // optional
	Nick       string // the server nickname, optional
}

// Channel is a channel of a server, as a test describes it. Type is
// Discord's channel type: 0 text, 2 voice, 4 category, 5 announcement,
// 15 forum…
type Channel struct {
	ID      string
	GuildID string
	Type    int
	Name    string
}

// AddMember makes m a member of the server guildID: GET
// /guilds/{guildID}/members/{m.ID} answers with them. Asked about anyone
// else, the fake answers 404 Unknown Member (10007) for a user who is a
// member of some other server, and 404 Unknown User (10013) for an id it
// has never been told of.
func (s *Server) AddMember(guildID string, m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members[guildID] == nil {
		s.members[guildID] = map[string]Member{}
	}
	s.members[guildID][m.ID] = m
	s.users[m.ID] = true
}

// AddChannel makes c known: GET /channels/{c.ID} answers with it; other
// ids get 404 Unknown Channel (10003).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

func (s *Server) member(guildID, userID string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[guildID][userID]
	switch {
	case ok:
	case s.users[userID]:
		return http.StatusNotFound, map[string]any{"message": "Unknown Member", "code": 10007}
	default:
		return http.StatusNotFound, map[string]any{"message": "Unknown User", "code": 10013}
	}
	user := map[string]any{"id": m.ID, "username": m.Username, "discriminator": "0", "global_name": nil, "avatar": nil}
	if m.GlobalName != "" {
		user["global_name"] = m.GlobalName
	}
	out := map[string]any{
		"user": user, "nick": nil, "roles": []string{}, "joined_at": "2026-01-05T18:00:00.000000+00:00",
		"deaf": false, "mute": false, "flags": 0, "pending": false,
	}
	if m.Nick != "" {
		out["nick"] = m.Nick
	}
	return http.StatusOK, out
}

func (s *Server) channel(id string) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return http.StatusNotFound, map[string]any{"message": "Unknown Channel", "code": 10003}
	}
	return http.StatusOK, map[string]any{"id": c.ID, "guild_id": c.GuildID, "type": c.Type, "name": c.Name, "position": 0}
}

// Message is a message the fake created in a channel.
type Message struct {
	ID        string
	ChannelID string
	Nonce     string // as sent, "" without one
	// Body is the JSON of the request that created it: the body, or the
	// payload_json part of a multipart upload.
	Body  []byte
	Files []File // uploaded with it
	at    time.Time
}

// File is a file uploaded with a message.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// maxUpload is Discord's limit on the files of one message for a bot in a
// server without boosts.
const maxUpload = 10 << 20

// readUpload reads a multipart/form-data message body as Discord does: the
// message's JSON in the payload_json part, each file in a part named
// files[n] with a filename. Any other part, or a file without a name, is
// a bad request.
func readUpload(contentType string, body []byte) (payload []byte, files []File, ok bool) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, nil, false
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return payload, files, payload != nil
		}
		if err != nil {
			return nil, nil, false
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, false
		}
		switch name := p.FormName(); {
		case name == "payload_json":
			payload = data
		case filesRE.MatchString(name) && p.FileName() != "":
			files = append(files, File{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		default:
			return nil, nil, false
		}
	}
}

var filesRE = regexp.MustCompile(`^files\[[0-9]+\]$`)

// Messages returns the messages created in channelID, oldest first; every
// channel's when channelID is "".
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channelID == "" || m.ChannelID == channelID {
			out = append(out, m)
		}
	}
	return out
}

// createMessage is POST /channels/{id}/messages. With enforce_nonce and a
// nonce that a message of the same channel got within NonceWindow, it
// returns that message and creates nothing, as Discord does.
func (s *Server) createMessage(channelID, contentType string, body []byte) (int, any) {
	var files []File
	if strings.HasPrefix(contentType, "multipart/form-data") {
		payload, uploaded, ok := readUpload(contentType, body)
		if !ok {
			return http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035}
		}
		body, files = payload, uploaded
		size := 0
		for _, f := range files {
			size += len(f.Data)
		}
		if size > maxUpload {
			return http.StatusRequestEntityTooLarge, map[string]any{"message": "Request entity too large", "code": 40005}
		}
	}
	var req struct {
		Nonce        json.RawMessage `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return http.StatusBadRequest, map[string]any{"message": "400: Bad Request", "code": 50109}
	}
	nonce := strings.Trim(string(req.Nonce), `"`)
	if len(nonce) > 25 {
		return http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if req.EnforceNonce && nonce != "" {
		for _, m := range s.messages {
			if m.ChannelID == channelID && m.Nonce == nonce && now.Sub(m.at) < s.NonceWindow {
				return http.StatusOK, messageJSON(m)
			}
		}
	}
	m := Message{ID: strconv.Itoa(200000000000000001 + len(s.messages)), ChannelID: channelID, Nonce: nonce, Body: body, Files: files, at: now}
	s.messages = append(s.messages, m)
	return http.StatusOK, messageJSON(m)
}

func messageJSON(m Message) map[string]any {
	attachments := []map[string]any{}
	for i, f := range m.Files {
		attachments = append(attachments, map[string]any{
			"id": strconv.Itoa(600000000000000001 + i), "filename": f.Name, "size": len(f.Data), "content_type": f.ContentType,
			"url": "https://cdn.discordapp.com/attachments/" + m.ChannelID + "/" + f.Name,
		})
	}
	out := map[string]any{"id": m.ID, "channel_id": m.ChannelID, "content": "", "type": 0, "attachments": attachments}
	if m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	return out
}

type stall struct {
	method, path string
	d            time.Duration
}

// Stall makes the next request matching method and a path containing
// path take effect as usual but get its answer only after d, or never if
// the client gives up first: a response lost to a timeout.
func (s *Server) Stall(method, path string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalls = append(s.stalls, stall{method, path, d})
}

func (s *Server) takeStall(method, path string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, st := range s.stalls {
		if st.method == method && strings.Contains(path, st.path) {
			s.stalls = append(s.stalls[:i], s.stalls[i+1:]...)
			return st.d
		}
	}
	return 0
}

// discordEpoch is the start of snowflake time, 2015-01-01 UTC, in Unix ms.
const discordEpoch = 1420070400000

var serial atomic.Uint64

// IDAt returns a snowflake id made at t, distinct from every other id
// this process made (its low 22 bits count).
func IDAt(t time.Time) string {
	ms := uint64(t.UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|serial.Add(1)&(1<<22-1), 10)
}

// NewID returns a snowflake id made now: an interaction the adapter
// accepts as fresh.
func NewID() string { return IDAt(time.Now()) }

// IDTime returns when the snowflake id was made (the zero time when id is
// not a number).
func IDTime(id string) time.Time {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch)
}
