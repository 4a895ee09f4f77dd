package main

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/fcbot/fcbot/bot/serve"
)

// The floor is this program started again with these variables set: a
// process of its own, like fcbot, driven the same way.
const (
	floorEnv       = "FCBOTBENCH_FLOOR" // its address; set, the process is the floor
	floorSecretEnv = "FCBOTBENCH_FLOOR_SLACK_SECRET"
	floorKeyEnv    = "FCBOTBENCH_FLOOR_DISCORD_KEY" // the public key, in hex
)

// floorMain serves the floor until ctx ends.
func floorMain(ctx context.Context) error {
	key, err := hex.DecodeString(os.Getenv(floorKeyEnv))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return fmt.Errorf("floor: %s must be an ed25519 public key in hex", floorKeyEnv)
	}
	srv := floorServer(os.Getenv(floorEnv), os.Getenv(floorSecretEnv), key)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(stop)
	}
}

// floorServer is the floor: fcbot's HTTP stack (bot/serve's limits, body
// limit and bound on requests in flight, shared by the platform routes as
// in fcbot) with handlers that check the platforms' signatures as the
// adapters do and answer 200 with a fixed reply. What fcbot takes beyond
// it is fcbot's own work.
func floorServer(addr, secret string, key ed25519.PublicKey) *http.Server {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	limit := inFlight(log)
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", limit(floorSlack(secret)))
	mux.Handle("POST /discord/interactions", limit(floorDiscord(key)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return serve.Default.Server(addr, mux)
}

// inFlight is fcbot's bound on the requests in flight, one for all the
// platform routes, as cmd/fcbot wires it.
func inFlight(log *slog.Logger) func(http.Handler) http.Handler {
	return serve.Default.InFlight(log).Limit
}

// freshWindow is how far from now a signed request may be dated, on both
// platforms.
const freshWindow = 5 * time.Minute

func fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := time.Since(time.Unix(sec, 0))
	return d <= freshWindow && d >= -freshWindow
}

// floorSlack checks Slack's v0 signature the way slack-go's
// SecretsVerifier does (HMAC-SHA256 of "v0:timestamp:body", compared in
// constant time) while reading the body, and answers with a fixed message.
// It is written out because only bot/slack may import slack-go.
func floorSlack(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		if !fresh(ts) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "v0:%s:", ts)
		if _, err := io.Copy(mac, r.Body); err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		want := "v0=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Slack-Signature"))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"response_type":"ephemeral","text":"ok"}`)
	})
}

// floorDiscord checks Discord's ed25519 signature over the timestamp and
// the body and answers with a fixed message.
func floorDiscord(key ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts := r.Header.Get("X-Signature-Timestamp")
		sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if !fresh(ts) || err != nil {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if !ed25519.Verify(key, append([]byte(ts), body...), sig) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"type":4,"data":{"content":"ok","flags":64}}`)
	})
}
