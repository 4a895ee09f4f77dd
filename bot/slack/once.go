package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/fcbot/fcbot/bot"
)

// Idempotent delivery. chat.postMessage takes no idempotency key, so
// SendOnce writes the key into the message's metadata and, before posting
// again, reads the conversation's recent history for it.
const (
	// deliveryEvent is the metadata event_type of fcbot's keyed messages
	// (Slack's guidelines: lower-case letters, digits and underscores,
	// starting with a letter).
	deliveryEvent = "fcbot_delivery"
	// maxDeliveryKey bounds a key. Metadata is readable by every app and
	// member of the workspace: keys are ids, never personal data.
	maxDeliveryKey = 64
	// recentWindow is how far back SendOnce looks for an earlier post: a
	// job retried with River's backoff, or rescued after a killed process
	// (jobs.RescueAfter, 5 minutes), comes back well within it.
	recentWindow = time.Hour
	// historyPage is conversations.history's limit per call: 15 is its
	// maximum for apps outside the Slack Marketplace created after May
	// 2025 (Tier 1, one call a minute); other apps get Tier 3.
	historyPage = 15
	// maxHistoryPages bounds one look to 60 messages of the window.
	maxHistoryPages = 4
)

// SendOnce delivers r like Send, at most once per key (1 to 64
// characters, the same on every attempt of one message): the message
// carries the key in its metadata (event_type fcbot_delivery,
// event_payload {"key": key}), and before posting SendOnce looks for it
// in the conversation's last hour (conversations.history with
// include_all_metadata); found, it does not post again. The look before
// the first post is one call, skipped when it fails (rate limited, or the
// bot cannot read the conversation: then delivery is at least once, as
// with Send). After a post whose outcome is unknown (a timeout or a
// server error: the request may have reached Slack) it posts again only
// once a look says that post is not there; when no look can say, it
// returns an error without posting.
func (s *Sender) SendOnce(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
	if key == "" || len(key) > maxDeliveryKey {
		return fmt.Errorf("slack: delivery key %q: want 1 to %d characters", bot.Clip(key, maxDeliveryKey+8), maxDeliveryKey)
	}
	ctx, cancel := withDeadline(ctx, sendDeadline)
	defer cancel()
	channel, err := s.conversation(ctx, to)
	if err == nil {
		err = s.postOnce(ctx, "en", channel, r, key)
	}
	if err == nil {
		err = s.upload(ctx, channel, r.Files)
	}
	if err != nil {
		s.log.WarnContext(ctx, "message not delivered", "platform", Platform, "group", to.Group, "to", to.User, "channel", to.Channel, "key", key, "err", err)
	}
	return err
}

// postOnce posts r to channel with key in its metadata unless a post with
// key is already there (see SendOnce).
func (s *Sender) postOnce(ctx context.Context, locale, channel string, r bot.Reply, key string) error {
	since := time.Now().Add(-recentWindow)
	found, err := s.posted(ctx, channel, key, since)
	switch {
	case err != nil:
		s.log.InfoContext(ctx, "could not look for an earlier post; posting", "platform", Platform, "channel", channel, "key", key, "err", err)
	case found:
		s.log.InfoContext(ctx, "already posted; not posting again", "platform", Platform, "channel", channel, "key", key)
		return nil
	}
	m := message(locale, r)
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks.BlockSet...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: deliveryEvent, EventPayload: map[string]any{"key": key}}),
	}
	unsure := false // an earlier attempt may have posted
	return retry(ctx, "chat.postMessage", func(ctx context.Context) error {
		if unsure {
			found, err := s.posted(ctx, channel, key, since)
			if err != nil {
				return fmt.Errorf("an earlier attempt may have posted, and looking for it failed: %w", err)
			}
			if found {
				return nil
			}
		}
		_, _, err := s.api.PostMessageContext(ctx, channel, opts...)
		if mayHavePosted(err) {
			unsure = true
			if ctx.Err() == nil {
				return lookAgain{err} // even the HTTP client's timeout, which Send does not retry
			}
		}
		return err
	})
}

// lookAgain is a post that may have gone through and is worth another
// attempt, after a look (see retryAfter).
type lookAgain struct{ err error }

func (e lookAgain) Error() string { return e.err.Error() }
func (e lookAgain) Unwrap() error { return e.err }

// mayHavePosted reports whether a failed chat.postMessage may still have
// posted: Slack refused neither with an error of its own (ok:false) nor
// with a rate limit, so the request may have reached it (a timeout, a
// dropped connection, a server error).
func mayHavePosted(err error) bool {
	if err == nil {
		return false
	}
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	return !errors.As(err, &se) && !errors.As(err, &rl)
}

// posted reports whether a message with key in its metadata was posted to
// channel since then, reading at most maxHistoryPages pages of its
// history, newest first. Each page is one call, never retried here.
func (s *Sender) posted(ctx context.Context, channel, key string, since time.Time) (bool, error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID: channel, Oldest: timestamp(since), Limit: historyPage, IncludeAllMetadata: true,
	}
	for range maxHistoryPages {
		h, err := s.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return false, fmt.Errorf("conversations.history: %w", err)
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == deliveryEvent && m.Metadata.EventPayload["key"] == key {
				return true, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	return false, nil
}

// timestamp writes t as Slack's message timestamps are written.
func timestamp(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
