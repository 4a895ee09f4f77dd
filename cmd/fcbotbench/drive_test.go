package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/slack/fakeslack"
)

// fakeBot answers as fcbot may: at once, empty or deferred with the answer
// later (to response_url, by editing the deferred message or by a
// follow-up), with a refusal or the busy reply, with 503, or never. What
// it does is the word after /help.
func fakeBot(t *testing.T, sinkURL string) *httptest.Server {
	later := func(method, target string, body any) {
		time.Sleep(50 * time.Millisecond)
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, target, bytes.NewReader(b))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		respond := r.PostForm.Get("response_url")
		switch r.PostForm.Get("text") {
		case "now":
			reply(w, map[string]any{"text": "Scorecard: Bench County"})
		case "later":
			go later(http.MethodPost, respond, map[string]any{"text": "Scorecard: Bench County"})
		case "refuse":
			reply(w, map[string]any{"text": ":x: There is no meeting 99."})
		case "busy":
			go later(http.MethodPost, respond, map[string]any{"text": ":x: fcbot is busy right now. Try again in a minute."})
		case "full":
			http.Error(w, "busy, retry shortly", http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("POST /discord/interactions", func(w http.ResponseWriter, r *http.Request) {
		var i struct {
			Token string `json:"token"`
			Data  struct {
				Options []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"data"`
		}
		_ = json.NewDecoder(r.Body).Decode(&i)
		hook := fmt.Sprintf("%s/api/v10/webhooks/%s/%s", sinkURL, discordApp, i.Token)
		switch i.Data.Options[0].Value {
		case "now":
			reply(w, map[string]any{"type": 4, "data": map[string]any{"embeds": []any{map[string]any{"title": "Scorecard", "color": 0x5865F2}}}})
		case "later":
			reply(w, map[string]any{"type": 5})
			go later(http.MethodPatch, hook+"/messages/@original", map[string]any{"embeds": []any{map[string]any{"title": "Scorecard"}}})
		case "follow":
			reply(w, map[string]any{"type": 5})
			go later(http.MethodPost, hook, map[string]any{"content": "Your tasks"})
		case "refuse":
			reply(w, map[string]any{"type": 4, "data": map[string]any{"embeds": []any{map[string]any{"title": "No such meeting", "color": failureColour}}}})
		case "never":
			reply(w, map[string]any{"type": 5})
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestSendReadsAnswers: the driver tells the command's answer from a
// refusal, the busy reply and a failure, and times an answer that comes
// after the acknowledgement by its arrival at the sink.
func TestSendReadsAnswers(t *testing.T) {
	busy := regexp.MustCompile(`(?i)\bbusy\b`)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	slack := &slackPlatform{secret: "s", busy: busy}
	discord := newDiscord(key, busy)
	s, err := startSink(slack, discord)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	slack.responses = s.url + "/slack/response/"
	d := newDriver(s)
	defer d.close()
	bot := fakeBot(t, s.url)
	for _, tc := range []struct {
		p     platform
		does  string
		want  outcome
		later bool // the answer comes after the acknowledgement
	}{
		{slack, "now", answered, false},
		{slack, "later", answered, true},
		{slack, "refuse", refused, false},
		{slack, "busy", busyReply, true},
		{slack, "full", non200, false},
		{discord, "now", answered, false},
		{discord, "later", answered, true},
		{discord, "follow", answered, true},
		{discord, "refuse", refused, false},
		{discord, "never", unanswered, false},
	} {
		t.Run(tc.p.Name()+" "+tc.does, func(t *testing.T) {
			line := "/help command:" + tc.does
			if tc.p == slack {
				line = "/help " + tc.does
			}
			now := time.Now()
			r := d.send(context.Background(), bot.URL, shot{p: tc.p, line: line, m: 1}, now, now.Add(time.Second))
			if r.o != tc.want {
				t.Fatalf("got %s (%s), want %s", outcomeNames[r.o], r.detail, outcomeNames[tc.want])
			}
			switch {
			case tc.want == non200 || tc.want == unanswered:
				if r.answer != never {
					t.Errorf("got an answer after %s, want none", r.answer)
				}
			case tc.later && r.answer < r.ack+40*time.Millisecond:
				t.Errorf("answered after %s, acknowledged after %s: want the late answer's arrival", r.answer, r.ack)
			case !tc.later && r.answer != r.ack:
				t.Errorf("answered after %s, acknowledged after %s: want the same", r.answer, r.ack)
			}
		})
	}
}

// TestFloorChecksSignatures: the floor takes the bench's signed requests
// and refuses others, as fcbot does.
func TestFloorChecksSignatures(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	slackFloor, discordFloor := floorSlack("secret"), floorDiscord(pub)
	for _, tc := range []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"slack", slackRequest("secret", time.Now()), http.StatusOK},
		{"slack, another secret", slackRequest("other", time.Now()), http.StatusUnauthorized},
		{"slack, six minutes old", slackRequest("secret", time.Now().Add(-6*time.Minute)), http.StatusUnauthorized},
		{"discord", discordRequest(key), http.StatusOK},
		{"discord, another key", discordRequest(other), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, h := tc.req(), slackFloor
			if r.URL.Path == "/discord/interactions" {
				h = discordFloor
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if b, _ := io.ReadAll(w.Result().Body); w.Code != tc.want {
				t.Errorf("got %d %s, want %d", w.Code, b, tc.want)
			}
		})
	}
}

func slackRequest(secret string, at time.Time) func() *http.Request {
	return func() *http.Request {
		body := []byte(url.Values{"command": {"/scorecard"}}.Encode())
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
		fakeslack.Sign(r.Header, secret, body, at)
		return r
	}
}

func discordRequest(key ed25519.PrivateKey) func() *http.Request {
	return func() *http.Request {
		r, err := newDiscord(key, regexp.MustCompile("busy")).Request("", "/scorecard", 1, "token")
		if err != nil {
			panic(err)
		}
		r.URL.Path = "/discord/interactions"
		return r
	}
}
