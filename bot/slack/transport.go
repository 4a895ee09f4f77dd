package slack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxBody bounds a request body; Slack's are a few kilobytes.
const maxBody = 1 << 20

// Commands serves POST /slack/commands in HTTP mode.
func (a *Adapter) Commands() http.Handler {
	return a.verified(func(w http.ResponseWriter, r *http.Request, d delivery) {
		if r.PostFormValue("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
		sc, err := slack.SlashCommandParse(r)
		if err != nil || sc.Command == "" {
			http.Error(w, "not a slash command", http.StatusBadRequest)
			return
		}
		writeAck(w, a.slashCommand(r.Context(), sc, d))
	})
}

// Interactions serves POST /slack/interactions in HTTP mode: button
// clicks and modal submissions.
func (a *Adapter) Interactions() http.Handler {
	return a.verified(func(w http.ResponseWriter, r *http.Request, d delivery) {
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, "not an interaction payload", http.StatusBadRequest)
			return
		}
		writeAck(w, a.interaction(r.Context(), cb, d))
	})
}

// delivery is what identifies one delivery of a command, a click or a
// submission: its id, which a retry repeats, and which retry it is.
type delivery struct {
	// id is the request's id for the router's replay guard (bot.Request.ID):
	// a hash of what Slack signed (HTTP) or of the envelope's payload
	// (Socket Mode). Every delivery has one, trigger_id or not, and Slack
	// resends a retry unchanged, so a retry of a delivery that ran is
	// answered without a second effect while one whose original never
	// arrived runs once.
	id string
	// retry is Slack's retry number (X-Slack-Retry-Num, or the envelope's
	// retry_attempt), 0 for a first delivery; reason is why it retried.
	retry  int
	reason string
}

// deliveryID is the replay guard's id for a delivery with this content:
// the hex SHA-256 of it (64 characters).
func deliveryID(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// httpDelivery identifies an HTTP delivery by its signed body.
func httpDelivery(r *http.Request, body []byte) delivery {
	n, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	return delivery{id: deliveryID(body), retry: n, reason: r.Header.Get("X-Slack-Retry-Reason")}
}

// socketDelivery identifies a Socket Mode envelope by its payload, read
// as JSON and written again with sorted keys, so that a retry whose
// payload Slack serialised differently still has the same id. A payload
// that is not JSON is hashed as it came.
func socketDelivery(req *socketmode.Request) delivery {
	content := []byte(req.Payload)
	dec := json.NewDecoder(bytes.NewReader(req.Payload))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil {
		if b, err := json.Marshal(v); err == nil {
			content = b
		}
	}
	return delivery{id: deliveryID(content), retry: req.RetryAttempt, reason: req.RetryReason}
}

// verified checks Slack's v0 signature and timestamp (at most five minutes
// off, either way) on the raw body, restores the body and calls next with
// the delivery the body identifies; anything else gets 401. Verification
// cannot detect replays: the replay guard, on the delivery's id, does.
func (a *Adapter) verified(next func(http.ResponseWriter, *http.Request, delivery)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sv, err := slack.NewSecretsVerifier(r.Header, a.secret)
		if err != nil {
			a.log.InfoContext(r.Context(), "request refused", "path", r.URL.Path, "err", err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.TeeReader(http.MaxBytesReader(w, r.Body, maxBody), &sv))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if err := sv.Ensure(); err != nil {
			a.log.InfoContext(r.Context(), "request refused", "path", r.URL.Path, "err", err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, httpDelivery(r, body))
	})
}

// writeAck writes an acknowledgement: 200 with the payload as JSON, or
// with an empty body when there is none.
func writeAck(w http.ResponseWriter, payload any) {
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(payload)
}

// socketClient is the part of slack-go's Socket Mode client fcbot uses.
type socketClient interface {
	RunContext(ctx context.Context) error
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

var _ socketClient = (*socketmode.Client)(nil)

// Run receives commands over Socket Mode until ctx ends, then waits for
// the work they started (see Wait). Without an app-level token there is
// nothing to run (HTTP mode is served by Commands and Interactions) and
// Run waits for ctx.
func (a *Adapter) Run(ctx context.Context) error {
	if a.appToken == "" {
		<-ctx.Done()
		return nil
	}
	sm := socketmode.New(a.client, socketmode.OptionLog(log.New(slogWriter{a.log}, "", 0)))
	errc := make(chan error, 1)
	a.background(func() {
		err := errors.New("socket mode client panicked")
		defer func() { errc <- err }() // even after a panic, so that Run hears of it
		err = sm.RunContext(ctx)
	})
	defer a.Wait()
	defer a.connected.Store(false)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			// RunContext reconnects by itself; it returns only when it
			// cannot (bad token, endpoint gone).
			a.log.ErrorContext(ctx, "socket mode stopped", "err", err)
			return fmt.Errorf("slack socket mode: %w", err)
		case ev := <-sm.Events:
			a.socketEvent(ctx, sm, ev)
		}
	}
}

// Connected reports whether Socket Mode is connected, for readiness: false
// before Run has connected, while slack-go reconnects, and after Run.
// Without an app-level token there is no connection, and it is false.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// socketEvent handles one Socket Mode event without blocking the events
// channel: commands run as background work and are acknowledged with
// their reply.
func (a *Adapter) socketEvent(ctx context.Context, sm socketClient, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		a.connected.Store(true)
		a.log.InfoContext(ctx, "socket mode connected")
	case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
		a.connected.Store(false)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.connected.Store(false)
		a.log.WarnContext(ctx, "socket mode connection failed", "event", ev.Type, "data", fmt.Sprint(ev.Data))
	case socketmode.EventTypeSlashCommand:
		sc, ok := ev.Data.(slack.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		a.background(func() {
			a.ack(ctx, sm, ev.Request, func() any { return a.slashCommand(ctx, sc, socketDelivery(ev.Request)) }, sc.ResponseURL)
		})
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		a.background(func() {
			a.ack(ctx, sm, ev.Request, func() any { return a.interaction(ctx, cb, socketDelivery(ev.Request)) }, cb.ResponseURL)
		})
	case socketmode.EventTypeEventsAPI:
		if ev.Request != nil {
			a.background(func() { a.ack(ctx, sm, ev.Request, func() any { return nil }, "") })
		}
	}
}

// ack acknowledges a Socket Mode envelope with what handle returns. Slack
// drops acknowledgements of 20 KB or more: then the envelope is
// acknowledged empty and the reply goes to response_url.
func (a *Adapter) ack(ctx context.Context, sm socketClient, req *socketmode.Request, handle func() any, responseURL string) {
	payload := handle()
	ctx, cancel := a.detach(ctx)
	defer cancel()
	err := sm.AckCtx(ctx, req.EnvelopeID, payload)
	if err == nil {
		return
	}
	if payload != nil {
		a.log.WarnContext(ctx, "acknowledgement with payload failed; acknowledging empty", "envelope", req.EnvelopeID, "err", err)
		if err = sm.AckCtx(ctx, req.EnvelopeID, nil); err == nil {
			if m, ok := payload.(*slack.WebhookMessage); ok && responseURL != "" {
				_ = a.sender.Respond(ctx, responseURL, m)
			}
			return
		}
	}
	a.log.ErrorContext(ctx, "socket mode acknowledgement failed", "envelope", req.EnvelopeID, "err", err)
}

// slogWriter carries slack-go's log lines into the adapter's logger.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Debug("slack-go", "msg", string(bytes.TrimSpace(p)))
	return len(p), nil
}
