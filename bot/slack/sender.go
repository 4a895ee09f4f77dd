package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/fcbot/fcbot/bot"
)

// webAPI lists the Slack Web API calls fcbot makes; *slack.Client is the
// real one. Keeping the SDK behind it keeps its types out of the rest of
// the code and its surface small.
type webAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	// UploadFileContext shares a file in a conversation: Slack's
	// files.getUploadURLExternal, the upload itself, then
	// files.completeUploadExternal.
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
}

var _ webAPI = (*slack.Client)(nil)

// Retry bounds for Web API calls.
const (
	maxAttempts   = 5
	firstBackoff  = 200 * time.Millisecond
	maxBackoff    = 5 * time.Second
	maxRetryAfter = 30 * time.Second
	// sendDeadline bounds a whole delivery, retries included, when the
	// caller's context sets no deadline.
	sendDeadline = 30 * time.Second
)

// Sender makes every outgoing Web API call: replies posted after the
// acknowledgement, direct messages, ephemeral messages and modals, the
// unrequested messages of jobs (it implements bot.Sender, and
// bot.OnceSender: see SendOnce), and the Directory's questions. It honours
// Slack's rate limits and retries with bounded backoff within the
// context's deadline, and logs what it finally could not deliver.
type Sender struct {
	api  webAPI
	http *http.Client
	log  *slog.Logger
}

var (
	_ bot.Sender     = (*Sender)(nil)
	_ bot.OnceSender = (*Sender)(nil)
)

// Send delivers r to a user's direct messages (conversations.open, then
// chat.postMessage) or to a channel, its files after it. bot.Sender
// carries no locale: the few words the adapter adds itself are in
// English.
func (s *Sender) Send(ctx context.Context, to bot.Destination, r bot.Reply) error {
	return s.send(ctx, "en", to, r)
}

func (s *Sender) send(ctx context.Context, locale string, to bot.Destination, r bot.Reply) error {
	ctx, cancel := withDeadline(ctx, sendDeadline)
	defer cancel()
	channel, err := s.conversation(ctx, to)
	if err == nil {
		err = s.post(ctx, locale, channel, r)
	}
	if err == nil {
		err = s.upload(ctx, channel, r.Files)
	}
	if err != nil {
		s.log.WarnContext(ctx, "message not delivered", "platform", Platform, "group", to.Group, "to", to.User, "channel", to.Channel, "err", err)
	}
	return err
}

// conversation is the channel to post to for to: the user's direct
// messages with the bot (conversations.open) when to names a user, else
// to's channel.
func (s *Sender) conversation(ctx context.Context, to bot.Destination) (string, error) {
	if to.User == "" {
		return to.Channel, nil
	}
	return s.openIM(ctx, to.User)
}

func (s *Sender) openIM(ctx context.Context, user string) (string, error) {
	var id string
	err := retry(ctx, "conversations.open", func(ctx context.Context) error {
		ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	return id, err
}

func (s *Sender) post(ctx context.Context, locale, channel string, r bot.Reply) error {
	m := message(locale, r)
	return retry(ctx, "chat.postMessage", func(ctx context.Context) error {
		_, _, err := s.api.PostMessageContext(ctx, channel, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks.BlockSet...))
		return err
	})
}

// upload shares each file in channel, under its name. Slack has no way to
// make an upload idempotent: a retry after an answer lost on the way back
// may share a file twice.
func (s *Sender) upload(ctx context.Context, channel string, files []bot.File) error {
	for _, f := range files {
		err := retry(ctx, "files.upload", func(ctx context.Context) error {
			_, err := s.api.UploadFileContext(ctx, slack.UploadFileParameters{
				Channel: channel, Filename: f.Name, Title: f.Name, FileSize: len(f.Data), Reader: bytes.NewReader(f.Data),
			})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Ephemeral shows r to one user in a channel (chat.postEphemeral); when
// that fails (the bot is not in the channel) it sends a direct message.
func (s *Sender) Ephemeral(ctx context.Context, group, channel, user string, r bot.Reply) error {
	return s.ephemeral(ctx, "en", group, channel, user, r)
}

func (s *Sender) ephemeral(ctx context.Context, locale, group, channel, user string, r bot.Reply) error {
	ctx, cancel := withDeadline(ctx, sendDeadline)
	defer cancel()
	if channel != "" {
		m := message(locale, r)
		err := retry(ctx, "chat.postEphemeral", func(ctx context.Context) error {
			_, err := s.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks.BlockSet...))
			return err
		})
		if err == nil {
			return nil
		}
		s.log.InfoContext(ctx, "ephemeral message failed; sending a direct message", "platform", Platform, "group", group, "channel", channel, "err", err)
	}
	return s.send(ctx, locale, bot.Destination{Platform: Platform, Group: group, User: user}, r)
}

// OpenView opens a modal with a trigger id. Trigger ids expire after
// three seconds, so this does not wait long.
func (s *Sender) OpenView(ctx context.Context, trigger string, v slack.ModalViewRequest) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return retry(ctx, "views.open", func(ctx context.Context) error {
		_, err := s.api.OpenViewContext(ctx, trigger, v)
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && len(se.ResponseMetadata.Messages) > 0 {
			return fmt.Errorf("%w: %v", err, se.ResponseMetadata.Messages)
		}
		return err
	})
}

// Respond posts a message to the response_url Slack gave with a command
// or a click, exactly as given.
func (s *Sender) Respond(ctx context.Context, responseURL string, m *slack.WebhookMessage) error {
	ctx, cancel := withDeadline(ctx, sendDeadline)
	defer cancel()
	err := retry(ctx, "response_url", func(ctx context.Context) error {
		return slack.PostWebhookCustomHTTPContext(ctx, responseURL, s.http, m)
	})
	if err != nil {
		s.log.WarnContext(ctx, "reply not delivered", "platform", Platform, "err", err)
	}
	return err
}

// conversationInfo calls conversations.info.
func (s *Sender) conversationInfo(ctx context.Context, id string) (*slack.Channel, error) {
	var ch *slack.Channel
	err := retry(ctx, "conversations.info", func(ctx context.Context) error {
		var err error
		ch, err = s.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
		return err
	})
	return ch, err
}

// userInfo calls users.info.
func (s *Sender) userInfo(ctx context.Context, id string) (*slack.User, error) {
	var u *slack.User
	err := retry(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = s.api.GetUserInfoContext(ctx, id)
		return err
	})
	return u, err
}

func withDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// retry runs call until it succeeds, fails for good, or the context's
// deadline would pass before the next attempt. Rate limits wait as long as
// Slack asks (bounded); server and network errors back off exponentially;
// Slack's own errors (channel_not_found, …) are final.
func retry(ctx context.Context, op string, call func(ctx context.Context) error) error {
	backoff := firstBackoff
	var err error
	for attempt := 1; ; attempt++ {
		err = call(ctx)
		if err == nil {
			return nil
		}
		wait, again := retryAfter(err, backoff)
		if !again || attempt == maxAttempts {
			break
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w (gave up: %w)", op, err, ctx.Err())
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// retryAfter says whether err is worth another attempt, and after how long.
func retryAfter(err error, backoff time.Duration) (time.Duration, bool) {
	var again lookAgain
	if errors.As(err, &again) {
		return backoff, true
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return min(max(rl.RetryAfter, firstBackoff), maxRetryAfter), true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return backoff, sc.Code >= 500
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return backoff, true
	}
	return 0, false
}
