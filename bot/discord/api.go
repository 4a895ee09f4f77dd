package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// api lists the discordgo calls the adapter makes, and nothing else, so
// that the SDK stays in this package (STYLE.md #3). *discordgo.Session
// satisfies it.
type api interface {
	// RequestWithBucketID posts initial interaction responses: the same
	// JSON the HTTP mode writes, including autocomplete results whose
	// empty choices discordgo's own type would drop.
	RequestWithBucketID(method, urlStr string, data any, bucketID string, options ...discordgo.RequestOption) ([]byte, error)
	// RequestRaw posts a message with files and a nonce: a multipart body
	// that RequestWithBucketID cannot make.
	RequestRaw(method, urlStr, contentType string, b []byte, bucketID string, sequence int, options ...discordgo.RequestOption) ([]byte, error)
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	InteractionResponseDelete(i *discordgo.Interaction, options ...discordgo.RequestOption) error
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	UserChannelCreate(userID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	// GuildMember and Channel answer the Directory.
	GuildMember(guildID, userID string, options ...discordgo.RequestOption) (*discordgo.Member, error)
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// gateway is the websocket side of the session, used in gateway mode.
type gateway interface {
	AddHandler(handler any) func()
	Open() error
	Close() error
}

var (
	_ api     = (*discordgo.Session)(nil)
	_ gateway = (*discordgo.Session)(nil)
)

// NewSession returns a discordgo session whose every REST call (and so
// the gateway URL it asks for) goes to apiURL's scheme and host, through a
// transport that retries 429 and 5xx answers with bounded backoff. token
// may be empty in HTTP mode, where interaction webhooks need none; a
// "Bot " prefix is added when missing. The session keeps no state cache
// and asks the gateway for no intents: interactions arrive regardless.
func NewSession(token, apiURL string, log *slog.Logger) (*discordgo.Session, error) {
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, err
	}
	tr, err := newTransport(http.DefaultTransport, apiURL, log)
	if err != nil {
		return nil, err
	}
	s.Client = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	// Retries happen in the transport, where they can honour the request's
	// context; discordgo's own sleep ignores it.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false
	s.SyncEvents = false
	s.Identify.Intents = discordgo.IntentsNone
	return s, nil
}

// transport rewrites Discord URLs to the configured base and retries
// what Discord asks to be retried.
type transport struct {
	base   http.RoundTripper
	target *url.URL // nil: leave URLs alone
	log    *slog.Logger
	// attempts bounds the tries per request; maxWait bounds one wait.
	attempts int
	maxWait  time.Duration
	backoff  time.Duration // first 5xx backoff, doubled per try
}

func newTransport(base http.RoundTripper, apiURL string, log *slog.Logger) (*transport, error) {
	t := &transport{base: base, log: log, attempts: 4, maxWait: 15 * time.Second, backoff: 250 * time.Millisecond}
	if apiURL == "" {
		return t, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: API URL %q is not an http(s) URL", apiURL)
	}
	if u.Scheme != "https" || u.Host != "discord.com" {
		t.target = u
	}
	return t, nil
}

// RoundTrip sends req to the configured host, retrying 429 (after the
// wait Discord asks for) and 5xx (with exponential backoff) while the
// request's context allows. Network errors are retried except for POST,
// which may have taken effect.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if t.target != nil {
		req.URL.Scheme, req.URL.Host = t.target.Scheme, t.target.Host
		req.Host = ""
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := t.base.RoundTrip(req)
		var wait time.Duration
		switch {
		case err != nil:
			if req.Method == http.MethodPost || ctx.Err() != nil {
				return nil, err
			}
			wait = t.backoffFor(attempt)
		case resp.StatusCode == http.StatusTooManyRequests:
			wait = retryAfter(resp)
		case resp.StatusCode >= 500:
			wait = t.backoffFor(attempt)
		default:
			return resp, nil
		}
		if attempt >= t.attempts || wait > t.maxWait || !fits(ctx, wait) {
			return resp, err
		}
		status := "error"
		if resp != nil {
			status = resp.Status
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		t.log.DebugContext(ctx, "discord: retrying", "method", req.Method, "path", route(req.URL.Path), "status", status, "wait", wait, "err", withoutURL(err))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

func (t *transport) backoffFor(attempt int) time.Duration {
	d := t.backoff << (attempt - 1)
	return d/2 + rand.N(d/2+1)
}

// fits reports whether waiting d still leaves the context time to retry.
func fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// retryAfter reads how long Discord asks us to wait: the Retry-After
// header (seconds), or retry_after in the JSON body, at least 50 ms.
func retryAfter(resp *http.Response) time.Duration {
	secs := -1.0
	if h := resp.Header.Get("Retry-After"); h != "" {
		if f, err := strconv.ParseFloat(h, 64); err == nil {
			secs = f
		}
	}
	if secs < 0 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body = io.NopCloser(strings.NewReader(string(body)))
		var v struct {
			RetryAfter float64 `json:"retry_after"`
		}
		if json.Unmarshal(body, &v) == nil {
			secs = v.RetryAfter
		}
	}
	return max(time.Duration(secs*float64(time.Second)), 50*time.Millisecond)
}

// apiCode returns Discord's JSON error code of a discordgo error, or 0.
func apiCode(err error) int {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		return rest.Message.Code
	}
	return 0
}

// status returns the HTTP status of a discordgo error, or 0.
func status(err error) int {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return rest.Response.StatusCode
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return http.StatusTooManyRequests
	}
	return 0
}

// route is a request path as logs may show it: the interaction token in
// an interaction's callback and webhook paths (valid for 15 minutes, and
// enough to answer as the bot) is replaced by ":token".
func route(path string) string {
	parts := strings.Split(path, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "webhooks" || parts[i] == "interactions" {
			parts[i+2] = ":token"
		}
	}
	return strings.Join(parts, "/")
}

// withoutURL drops the URL, which holds the same token, from a transport
// error.
func withoutURL(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}
