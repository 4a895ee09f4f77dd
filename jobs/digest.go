package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// catchUp is how long after its time a missed digest (the bot was down at
// 08:00) is still sent that day.
const catchUp = 6 * time.Hour

// TickArgs is the periodic digest tick.
type TickArgs struct{}

// Kind names the job.
func (TickArgs) Kind() string { return "digest_tick" }

// InsertOpts keeps one pending tick at a time.
func (TickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// DigestArgs is one group's digest for one local date.
type DigestArgs struct {
	GroupID int64  `json:"group_id"`
	Date    string `json:"date"` // YYYY-MM-DD in the group's zone
}

// Kind names the job.
func (DigestArgs) Kind() string { return "digest" }

// InsertOpts makes the job unique per group and date while River keeps
// it; the digests_sent row guards for good.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DueDigest reports whether a digest set for sendAt (HH:MM) is due at now
// in loc, and for which local date. It is due from its time on that local
// day until catchUp later; the day's date, not an elapsed interval, is what
// counts, so the days clocks change still have exactly one 08:00.
func DueDigest(now time.Time, loc *time.Location, sendAt string) (date string, due bool) {
	_, h, m, ok := commands.ParseDigestTime(sendAt)
	if !ok {
		h, m = 8, 0
	}
	local := now.In(loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
	return local.Format(time.DateOnly), !now.Before(at) && now.Sub(at) < catchUp
}

// Tick enqueues a digest job for every group whose digest is due and not
// yet sent. It asks the database which groups those are in a constant
// number of statements (storage.DueDigests), deciding DueDigest once per
// time zone and digest time that groups share, so that a minute's tick
// costs the same for ten groups as for thousands.
func (q *Queue) Tick(ctx context.Context) error {
	_, _, err := q.tick(ctx)
	return err
}

// tick is Tick, returning the jobs it enqueued and how many statements
// the store ran to find them, counted before the jobs exist (once they
// do, workers run them).
func (q *Queue) tick(ctx context.Context) ([]*rivertype.JobInsertResult, int64, error) {
	now, before := q.clock.Now(), q.store.Statements()
	due, err := q.store.DueDigests(ctx, func(sl storage.DigestSlot) (string, bool) {
		zone := storage.Group{TimeZone: sl.TimeZone}
		return DueDigest(now, zone.Location(), sl.SendAt)
	})
	statements := q.store.Statements() - before
	if err != nil || len(due) == 0 {
		return nil, statements, err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, d := range due {
		params[i] = river.InsertManyParams{Args: DigestArgs{GroupID: d.GroupID, Date: d.LocalDate}}
	}
	res, err := q.client.InsertMany(ctx, params)
	if err != nil {
		return nil, statements, fmt.Errorf("enqueue digests: %w", err)
	}
	return res, statements, nil
}

type tickWorker struct {
	river.WorkerDefaults[TickArgs]
	q *Queue
}

func (w *tickWorker) Work(ctx context.Context, _ *river.Job[TickArgs]) error { return w.q.Tick(ctx) }

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	q *Queue
}

var errAlreadySent = errors.New("digest already sent")

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	q, a, start := w.q, job.Args, time.Now()
	done, err := q.store.DigestDone(ctx, a.GroupID, a.Date)
	if err != nil || done {
		return err
	}
	g, err := q.store.GroupByID(ctx, a.GroupID)
	if err != nil {
		return err
	}
	// The group's digest, in its language and zone: the channel's, and
	// the one that tells whether the day has anything to say.
	now, groupLocale := q.clock.Now(), commands.Language("", "", g.Language)
	d, err := q.cfg.Env.BuildDigest(ctx, a.GroupID, now, groupLocale, g.Location())
	if err != nil {
		return err
	}
	ds, err := q.store.DigestSettingsOf(ctx, a.GroupID)
	if err != nil {
		return err
	}
	status := storage.DigestSentStatus
	var next []river.InsertManyParams
	what := "digest " + a.Date
	switch {
	case d.Empty && ds.Quiet:
		status = storage.DigestQuietStatus
	case ds.Channel != "":
		next = append(next, q.delivery(DeliverArgs{GroupID: a.GroupID, Channel: ds.Channel, Name: "#" + ds.Channel, What: what, Reply: d.Reply}))
	default:
		recipients, err := q.store.DigestRecipients(ctx, a.GroupID)
		if err != nil {
			return err
		}
		// Each reader gets the digest in their language with times in
		// their zone, written once for all who read it alike.
		type reader struct{ locale, zone string }
		written := map[reader]bot.Reply{{groupLocale, g.Location().String()}: d.Reply}
		for _, m := range recipients {
			locale, loc := readerOf(g, m.Language, m.Locale, m.TimeZone)
			reply, ok := written[reader{locale, loc.String()}]
			if !ok {
				dl, err := q.cfg.Env.BuildDigest(ctx, a.GroupID, now, locale, loc)
				if err != nil {
					return err
				}
				reply, written[reader{locale, loc.String()}] = dl.Reply, dl.Reply
			}
			next = append(next, q.delivery(DeliverArgs{GroupID: a.GroupID, MemberID: m.ID, Name: m.DisplayName, What: what, Reply: reply}))
		}
	}
	err = complete(ctx, q, job, func(tx *storage.Store) error {
		if err := tx.MarkDigest(ctx, a.GroupID, a.Date, status); errors.Is(err, storage.ErrDuplicate) {
			return errAlreadySent
		} else if err != nil {
			return err
		}
		if status != storage.DigestSentStatus {
			return nil
		}
		if err := tx.MarkFailuresReported(ctx, a.GroupID, d.Failures); err != nil {
			return err
		}
		return tx.ForgetPurgeReports(ctx, a.GroupID, d.Purges)
	}, next)
	if errors.Is(err, errAlreadySent) {
		return nil // another worker sent it; River completes this job
	}
	if err == nil {
		q.log.InfoContext(ctx, "digest", "group", a.GroupID, "date", a.Date, "status", status, "deliveries", len(next))
		if q.cfg.Observer != nil {
			q.cfg.Observer.DigestRun(time.Since(start))
		}
	}
	return err
}
