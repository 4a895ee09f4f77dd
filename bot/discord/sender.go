package discord

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// sendTimeout bounds one delivery when the caller's context has no
// deadline of its own; retries (in the session's transport) fit inside.
const sendTimeout = 30 * time.Second

// Sender is the adapter's one way out: interaction responses, edits and
// follow-ups, direct messages and channel posts all go through it. The
// session's transport honours rate limits and retries 429 and 5xx with
// bounded backoff inside the context's deadline; what still fails is
// logged here, once.
type Sender struct {
	api      api
	hasToken bool
	log      *slog.Logger
}

var (
	_ bot.Sender = (*Sender)(nil)
	// The optional interface the jobs layer finds by type assertion.
	_ interface {
		SendOnce(ctx context.Context, to bot.Destination, r bot.Reply, key string) error
	} = (*Sender)(nil)
)

func newSender(a api, hasToken bool, log *slog.Logger) *Sender {
	return &Sender{api: a, hasToken: hasToken, log: log}
}

// Send delivers a message no request asked for: to a user's direct
// messages when to.User is set, else to to.Channel. Forms cannot open
// outside an interaction and are left out.
func (s *Sender) Send(ctx context.Context, to bot.Destination, r bot.Reply) error {
	return s.send(ctx, to, r, "")
}

// SendOnce is Send made safe to repeat: key is a stable id of the message
// (at most 64 characters; the jobs layer's id of the delivery), and
// sending the same key to the same destination again, after a timeout
// whose request did reach Discord or from a rescued job, returns the
// message already posted instead of posting it again (see nonce).
// Discord remembers a nonce for "a few minutes", its documented window
// for enforce_nonce, stated no more precisely: a repeat after that posts
// anew, so this covers quick retries, not a job rescued an hour later.
// An empty key sends as Send does.
func (s *Sender) SendOnce(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
	return s.send(ctx, to, r, key)
}

func (s *Sender) send(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
	if to.Platform != "" && to.Platform != Platform {
		return fmt.Errorf("discord: cannot deliver to platform %q", to.Platform)
	}
	if !s.hasToken {
		return errNoToken
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	r.Form = nil
	m := render(r, "en")
	channel := to.Channel
	what := "channel message"
	if to.User != "" {
		what = "direct message"
		ch, err := s.api.UserChannelCreate(to.User, discordgo.WithContext(ctx))
		if err != nil {
			return s.failed(ctx, what, err, "user", to.User)
		}
		channel = ch.ID
	}
	if channel == "" {
		return fmt.Errorf("discord: destination names neither a user nor a channel")
	}
	data := &discordgo.MessageSend{
		Content: m.content, Embeds: m.embeds, Components: m.components, AllowedMentions: noPings(),
	}
	for _, f := range r.Files {
		data.Files = append(data.Files, &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)})
	}
	if err := s.post(ctx, channel, data, key); err != nil {
		return s.failed(ctx, what, err, "user", to.User, "channel", channel)
	}
	return nil
}

// onceMessage is a message with Discord's nonce check, which discordgo's
// MessageSend cannot carry: with enforce_nonce, a message this bot
// already created with the same nonce is returned instead of a new one.
type onceMessage struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// post creates data in channel: plainly, or with the nonce of key. A
// message with files is sent as multipart/form-data, the JSON in its
// payload_json part and each file in a files[n] part, as Discord takes
// uploads.
func (s *Sender) post(ctx context.Context, channel string, data *discordgo.MessageSend, key string) error {
	if key == "" {
		_, err := s.api.ChannelMessageSendComplex(channel, data, discordgo.WithContext(ctx))
		return err
	}
	for _, e := range data.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich // as ChannelMessageSendComplex does
		}
	}
	ep := discordgo.EndpointChannelMessages(channel)
	body := onceMessage{MessageSend: data, Nonce: nonce(key, channel), EnforceNonce: true}
	if len(data.Files) > 0 {
		contentType, raw, err := discordgo.MultipartBodyWithJSON(body, data.Files)
		if err != nil {
			return err
		}
		_, err = s.api.RequestRaw(http.MethodPost, ep, contentType, raw, ep, 0, discordgo.WithContext(ctx))
		return err
	}
	_, err := s.api.RequestWithBucketID(http.MethodPost, ep, body, ep, discordgo.WithContext(ctx))
	return err
}

// maxNonce is Discord's limit on a message nonce.
const maxNonce = 25

// nonce derives a message's nonce from its key and channel: the first 25
// hex digits (100 bits) of SHA-256 over both. Discord compares nonces per
// author, not (by its documentation) per channel, so the channel is
// hashed in: the same key sent to two places is two messages.
func nonce(key, channel string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + channel))
	return hex.EncodeToString(sum[:])[:maxNonce]
}

// respond posts an interaction's initial response (gateway mode).
func (s *Sender) respond(ctx context.Context, i *discordgo.Interaction, body any) error {
	// The response is due within 3 s of the interaction's creation.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	ep := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	if _, err := s.api.RequestWithBucketID("POST", ep, body, ep, discordgo.WithContext(ctx)); err != nil {
		return s.failed(ctx, "interaction response", err, "interaction", i.ID)
	}
	return nil
}

// finish says how the result of a deferred interaction is delivered.
type finish int

const (
	// editOriginal edits the deferred response: the placeholder, or after a
	// deferred update (type 6) the message whose component was used.
	editOriginal finish = iota
	// replacePrivately deletes the placeholder and sends the result as a
	// private follow-up: a private result after a public placeholder, so
	// that an error never shows in the channel, or a sheet.
	replacePrivately
	// followPrivately sends the result as a private follow-up and leaves
	// the original alone: a refusal beside the sheet it refused.
	followPrivately
)

// complete finishes a deferred interaction with m, delivered as how says.
func (s *Sender) complete(ctx context.Context, i *discordgo.Interaction, m message, how finish) {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	if how == replacePrivately {
		if err := s.api.InteractionResponseDelete(i, discordgo.WithContext(ctx)); err != nil {
			s.log.WarnContext(ctx, "discord: could not delete the deferred placeholder", "interaction", i.ID, "err", err)
		}
	}
	if how != editOriginal {
		flags := discordgo.MessageFlagsEphemeral
		if m.v2 {
			flags |= discordgo.MessageFlagsIsComponentsV2
		}
		_, err := s.api.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: m.content, Embeds: m.embeds, Components: m.components, AllowedMentions: noPings(), Flags: flags,
		}, discordgo.WithContext(ctx))
		if err != nil {
			_ = s.failed(ctx, "deferred reply", err, "interaction", i.ID)
		}
		return
	}
	components := m.components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit := &discordgo.WebhookEdit{Components: &components, AllowedMentions: noPings()}
	// A Components V2 message (the sheet, already flagged) takes no content
	// and no embeds, not even empty ones.
	if !m.v2 {
		embeds := m.embeds
		if embeds == nil {
			embeds = []*discordgo.MessageEmbed{}
		}
		edit.Content, edit.Embeds = &m.content, &embeds
	}
	if _, err := s.api.InteractionResponseEdit(i, edit, discordgo.WithContext(ctx)); err != nil {
		_ = s.failed(ctx, "deferred reply", err, "interaction", i.ID)
	}
}

// failed logs what could not be delivered and returns the error.
func (s *Sender) failed(ctx context.Context, what string, err error, kv ...any) error {
	s.log.ErrorContext(ctx, "discord: not delivered", append([]any{"what", what, "status", status(err), "err", err}, kv...)...)
	return fmt.Errorf("discord: %s not delivered: %w", what, err)
}

func withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, sendTimeout)
}
