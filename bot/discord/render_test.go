package discord

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
)

func TestRenderStaysWithinDiscordLimits(t *testing.T) {
	var fields []bot.Field
	for i := range 30 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("Field %d", i), Value: strings.Repeat("v", 1500)})
	}
	var items []string
	for i := range 60 {
		items = append(items, fmt.Sprintf("%02d %s", i, strings.Repeat("i", 150)))
	}
	r := bot.Reply{Title: strings.Repeat("T", 300), Text: strings.Repeat("t", 1000), Fields: fields, Items: items, Footer: strings.Repeat("f", 3000), Tone: bot.Warning}
	m := render(r, "en")
	if len(m.embeds) != 1 {
		t.Fatalf("got %d embeds, want 1", len(m.embeds))
	}
	e := m.embeds[0]
	if n := utf8.RuneCountInString(e.Title); n > maxEmbedTitle {
		t.Errorf("title %d, limit %d", n, maxEmbedTitle)
	}
	if n := utf8.RuneCountInString(e.Description); n > maxDescription {
		t.Errorf("description %d, limit %d", n, maxDescription)
	}
	if !strings.Contains(e.Description, "… and ") || !strings.Contains(e.Description, "more") {
		t.Errorf("description does not say how many items were left out: …%s", e.Description[len(e.Description)-40:])
	}
	if last := e.Fields[len(e.Fields)-1]; !strings.Contains(last.Value, "more") {
		t.Errorf("fields end with %q, want … and N more", last.Value)
	}
	var small []bot.Field
	for i := range 30 {
		small = append(small, bot.Field{Name: fmt.Sprintf("Field %d", i), Value: strings.Repeat("v", 100)})
	}
	if f := render(bot.Reply{Title: "Many", Fields: small}, "en").embeds[0].Fields; len(f) != maxEmbedFields || f[24].Value != "… and 6 more" {
		t.Errorf("got %d fields, last %q; want 25 ending with … and 6 more", len(f), f[len(f)-1].Value)
	}
	for _, f := range e.Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Errorf("field value %d, limit %d", utf8.RuneCountInString(f.Value), maxFieldValue)
		}
	}
	if n := embedSize(e); n > maxEmbedTotal {
		t.Errorf("embed %d characters, limit %d", n, maxEmbedTotal)
	}
	if e.Color != toneColour[bot.Warning] {
		t.Errorf("colour %x, want the warning colour", e.Color)
	}

	plain := render(bot.Reply{Text: strings.Repeat("p", 2500)}, "en")
	if len(plain.embeds) != 0 || utf8.RuneCountInString(plain.content) != maxContent {
		t.Errorf("plain text: got %d embeds and %d characters, want content clipped to %d", len(plain.embeds), utf8.RuneCountInString(plain.content), maxContent)
	}
	if empty := render(bot.Reply{}, "en"); empty.content == "" {
		t.Error("an empty reply renders as an empty message, which Discord refuses")
	}
}

func TestCustomIDs(t *testing.T) {
	if id, ok := buttonID("/meeting rsvp id:3 answer:yes"); !ok || id != "a:meeting rsvp id:3 answer:yes" {
		t.Errorf("got %q %v", id, ok)
	}
	if _, ok := buttonID(strings.Repeat("x", 99)); ok {
		t.Error("a 101-character custom id fits, want it refused")
	}
	if id, ok := modalID("response bulk", map[string]string{"official": "Sheriff Roe", "meeting": "3"}); !ok || id != `m:response bulk meeting:"3" official:"Sheriff Roe"` {
		t.Errorf("got %q %v", id, ok)
	}
	if _, ok := modalID("setup", map[string]string{"jurisdiction": `The "City"`}); ok {
		t.Error("a quoted value encodes, want it refused")
	}
}

func TestTransportRewritesAndRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.URL.Path != "/api/v9/gateway" {
			t.Errorf("path %q, want /api/v9/gateway", r.URL.Path)
		}
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"retry_after": 0.01, "global": false}`)
			return
		}
		_, _ = io.WriteString(w, `{"url":"ws://x"}`)
	}))
	defer srv.Close()
	tr, err := newTransport(http.DefaultTransport, srv.URL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://discord.com/api/v9/gateway", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 || hits.Load() != 2 {
		t.Fatalf("got %v %v after %d hits, want 200 after a retried 429", resp, err, hits.Load())
	}
	resp.Body.Close()

	hits.Store(0)
	tr.backoff = time.Second
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); w.WriteHeader(http.StatusBadGateway) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "https://discord.com/api/v9/gateway", nil)
	if resp, err := tr.RoundTrip(req); err == nil && resp.StatusCode == 200 {
		t.Error("got success from a server that always fails")
	}
	if hits.Load() > 2 {
		t.Errorf("got %d tries inside a 200 ms deadline with 1 s backoff, want at most 2", hits.Load())
	}
}
