package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxBody bounds a request body; Slack's are a few kilobytes.
const maxBody = 1 << 20

// Commands serves POST /slack/commands in HTTP mode.
func (a *Adapter) Commands() http.Handler {
	return a.verified(func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
		sc, err := slack.SlashCommandParse(r)
		if err != nil || sc.Command == "" {
			http.Error(w, "not a slash command", http.StatusBadRequest)
			return
		}
		writeAck(w, a.slashCommand(r.Context(), sc, retried(r)))
	})
}

// Interactions serves POST /slack/interactions in HTTP mode: button
// clicks and modal submissions.
func (a *Adapter) Interactions() http.Handler {
	return a.verified(func(w http.ResponseWriter, r *http.Request) {
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, "not an interaction payload", http.StatusBadRequest)
			return
		}
		writeAck(w, a.interaction(r.Context(), cb, retried(r)))
	})
}

// retried reports a delivery Slack repeats because an earlier one was not
// acknowledged in time.
func retried(r *http.Request) bool { return r.Header.Get("X-Slack-Retry-Num") != "" }

// verified checks Slack's v0 signature and timestamp (at most five minutes
// off, either way) on the raw body, restores the body and calls next;
// anything else gets 401. Verification cannot detect replays: the replay
// guard on trigger ids does.
func (a *Adapter) verified(next http.HandlerFunc) http.Handler {
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
		next(w, r)
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

// socketEvent handles one Socket Mode event without blocking the events
// channel: commands run as background work and are acknowledged with
// their reply.
func (a *Adapter) socketEvent(ctx context.Context, sm socketClient, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.log.WarnContext(ctx, "socket mode connection failed", "event", ev.Type, "data", fmt.Sprint(ev.Data))
	case socketmode.EventTypeSlashCommand:
		sc, ok := ev.Data.(slack.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		a.background(func() {
			a.ack(ctx, sm, ev.Request, func() any { return a.slashCommand(ctx, sc, ev.Request.RetryAttempt > 0) }, sc.ResponseURL)
		})
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		a.background(func() {
			a.ack(ctx, sm, ev.Request, func() any { return a.interaction(ctx, cb, ev.Request.RetryAttempt > 0) }, cb.ResponseURL)
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
