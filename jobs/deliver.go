package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// DeliverArgs is one message to one member (MemberID) or one channel
// (Channel), sent through the group's platform Sender. Each message is its
// own job so that one failed recipient is retried alone and never holds up
// another's message or another group's.
type DeliverArgs struct {
	GroupID  int64     `json:"group_id"`
	MemberID int64     `json:"member_id,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Name     string    `json:"name"` // the recipient as a failure report names them
	What     string    `json:"what"` // "digest 2026-03-08", "reminder for meeting 3"
	Reply    bot.Reply `json:"reply"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "deliver" }

// readerOf is the language and zone a member of g reads what the bot
// sends them in: the language they chose, else their platform's, else
// the group's (commands.Language); their own zone, else the group's.
func readerOf(g *storage.Group, language, locale, zone string) (string, *time.Location) {
	return commands.Language(language, locale, g.Language), storage.ZoneOr(zone, g.Location())
}

func (q *Queue) delivery(a DeliverArgs) river.InsertManyParams {
	return river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{MaxAttempts: q.cfg.DeliveryAttempts}}
}

var _ commands.Outbox = (*Queue)(nil)

// Enqueue queues one delivery per notice inside tx: the commands' Outbox.
func (q *Queue) Enqueue(ctx context.Context, tx *storage.Store, notices []commands.Notice) error {
	params := make([]river.InsertManyParams, len(notices))
	for i, n := range notices {
		params[i] = q.delivery(DeliverArgs{GroupID: n.GroupID, MemberID: n.MemberID, Name: n.Name, What: n.What, Reply: n.Reply})
	}
	return q.insert(ctx, tx, params)
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	q *Queue
}

var errNoSender = errors.New("no sender for the group's platform")

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	q, a := w.q, job.Args
	g, err := q.store.GroupByID(ctx, a.GroupID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	err = q.send(ctx, g, a, fmt.Sprintf("fcbot-%d", job.ID))
	if err == nil {
		q.delivered("sent")
		return nil
	}
	if job.Attempt >= job.MaxAttempts {
		q.delivered("failed")
		q.log.ErrorContext(ctx, "message not delivered", "group", g.ID, "what", a.What, "member", a.MemberID, "attempts", job.Attempt, "err", err)
		f := &storage.DeliveryFailure{GroupID: g.ID, What: a.What, Recipient: a.Name, Reason: err.Error()}
		if rerr := q.store.RecordDeliveryFailure(ctx, f); rerr != nil {
			return errors.Join(err, rerr)
		}
	} else {
		q.delivered("retried")
		q.log.WarnContext(ctx, "delivery failed; will retry", "group", g.ID, "what", a.What, "member", a.MemberID, "attempt", job.Attempt, "err", err)
	}
	return err
}

// delivered tells the Observer, if any, how a delivery attempt ended.
func (q *Queue) delivered(outcome string) {
	if q.cfg.Observer != nil {
		q.cfg.Observer.Delivery(outcome)
	}
}

// send delivers one message. A member who cannot be messaged directly (they
// block direct messages, or left) gets it in the digest channel, when the
// group has one, addressed to them by name.
//
// key names the message for the platform, the same on every attempt of
// the job: a Sender that can (bot.OnceSender) posts it at most once, even
// when an earlier attempt reached the platform but its answer was lost.
func (q *Queue) send(ctx context.Context, g *storage.Group, a DeliverArgs, key string) error {
	platform := q.cfg.Senders[g.Platform]
	if platform == nil {
		return fmt.Errorf("%w %q", errNoSender, g.Platform)
	}
	sender := func(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
		if once, ok := platform.(bot.OnceSender); ok {
			return once.SendOnce(ctx, to, r, key)
		}
		return platform.Send(ctx, to, r)
	}
	to := bot.Destination{Platform: g.Platform, Group: g.PlatformID}
	reply := a.Reply.Fit()
	if a.MemberID == 0 {
		to.Channel = a.Channel
		return sender(ctx, to, reply, key)
	}
	m, err := q.store.MemberByID(ctx, g.ID, a.MemberID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && m.PlatformUserID == nil) {
		return nil // forgotten: nothing to deliver to
	} else if err != nil {
		return err
	}
	to.User = *m.PlatformUserID
	dmErr := sender(ctx, to, reply, key)
	if dmErr == nil {
		return nil
	}
	ds, err := q.store.DigestSettingsOf(ctx, g.ID)
	if err != nil || ds.Channel == "" {
		return errors.Join(dmErr, err)
	}
	to.User, to.Channel = "", ds.Channel
	inChannel := reply
	locale, _ := readerOf(g, m.Language, m.Locale, m.TimeZone)
	inChannel.Text = bot.Translate(locale, bot.M("reminder.for", "Name", m.DisplayName)) + "\n" + reply.Text
	if err := sender(ctx, to, inChannel.Fit(), key+"-channel"); err != nil {
		return errors.Join(dmErr, err)
	}
	q.log.InfoContext(ctx, "direct message failed; delivered in the digest channel", "group", g.ID, "what", a.What, "member", a.MemberID, "err", dmErr)
	return nil
}
