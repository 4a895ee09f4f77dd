// Package jobs runs fcbot's background work on River, a job queue stored in
// the same database as everything else: the daily digest (a periodic tick
// enqueues one job per due group and local date), meeting and task
// reminders (enqueued by storage.Hooks inside the transaction that creates
// or moves the meeting or task), and the deliveries they fan out to, which
// retry with backoff and are reported in the next digest when they finally
// fail; and each group's nightly purge (an hourly tick enqueues one job per
// group whose night it is), which erases what the group's retention no
// longer keeps.
//
// Workers are idempotent on their guard rows and re-check the current row
// before reminding: a job whose meeting or task has moved since it was
// enqueued does nothing.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// Migrate applies River's own migrations; call it after the store's
// Migrate, wherever the process or a test migrates. On PostgreSQL they run
// outside goose's transaction (they add enum values, which PostgreSQL
// refuses to use in the transaction that added them).
func Migrate(ctx context.Context, s *storage.Store) error {
	m, err := rivermigrate.New(driver(s), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

func driver(s *storage.Store) riverdriver.Driver[*sql.Tx] {
	if s.Dialect() == storage.Postgres {
		return riverdatabasesql.NewWithPgxListener(s.QueueSQL(), s.ListenPool())
	}
	return riversqlite.New(s.QueueSQL())
}

// Config wires a Queue.
type Config struct {
	Store   *storage.Store
	Env     *commands.Env // builds the digest
	Senders map[string]bot.Sender
	Clock   bot.Clock // defaults to Env's clock, else the system clock
	Log     *slog.Logger
	// ID names this process among the queue's clients; default: River's.
	ID string
	// PollInterval is how often workers look for due jobs; default 1s.
	// SQLite has no notifications, so it bounds their latency there.
	PollInterval time.Duration
	// TickInterval is how often the digest tick runs; default 1 minute.
	TickInterval time.Duration
	// NoTick leaves the periodic ticks out (digest, pruning, retention),
	// for tests that call Tick and RetentionTick themselves at chosen
	// moments.
	NoTick bool
	// RetryDelay is the wait before retrying a failed job; nil uses River's
	// backoff (attempt⁴ seconds, with jitter).
	RetryDelay func(attempt int) time.Duration
	// DeliveryAttempts bounds the tries of one message; default 10 (about
	// three hours with River's backoff).
	DeliveryAttempts int
	// RescueAfter is how long a job may stay running before River takes
	// it for abandoned by a dead process and retries it; default
	// RescueAfter. With a clock other than the system clock and no value
	// here, jobs are never rescued (see New).
	RescueAfter time.Duration
	// Observer hears what the queue does, for the process's metrics;
	// optional.
	Observer Observer
}

// Observer hears what the queue does: each delivery attempt's outcome
// ("sent"; "retried": it failed and will be tried again; "failed": the
// last attempt failed too, and the next digest reports it), how long each
// group's digest took to write and queue, and how long each finished job
// waited for a worker and ran, by kind. Its methods must be quick and
// safe for concurrent use.
type Observer interface {
	Delivery(outcome string)
	DigestRun(took time.Duration)
	Job(kind string, wait, run time.Duration)
}

// RescueAfter is how long a job left running by a killed process waits
// before another process retries it, instead of River's default hour. A
// job that is really running takes seconds (JobTimeout bounds it at one
// minute, and River requires more than that), so two minutes never
// retries a live one; and a delivery cut off mid-send is retried while
// Discord still remembers its nonce (for "a few minutes"), so that the
// retry does not post it again.
const RescueAfter = 2 * time.Minute

// Queue is the River client with fcbot's workers. It implements
// storage.Hooks.
type Queue struct {
	cfg    Config
	store  *storage.Store
	clock  bot.Clock
	log    *slog.Logger
	client *river.Client[*sql.Tx]
}

var _ storage.Hooks = (*Queue)(nil)

// New builds the queue; call Start to work jobs. Inserting works before
// Start, so the hooks can be installed first.
func New(cfg Config) (*Queue, error) {
	q := &Queue{cfg: cfg, store: cfg.Store, clock: cfg.Clock, log: cfg.Log}
	if q.clock == nil && cfg.Env != nil {
		q.clock = cfg.Env.Clock
	}
	if q.clock == nil {
		q.clock = bot.SystemClock{}
	}
	if q.log == nil {
		q.log = slog.Default()
	}
	q.cfg.DeliveryAttempts = cmp.Or(cfg.DeliveryAttempts, 10)
	poll := cmp.Or(cfg.PollInterval, time.Second)
	workers := river.NewWorkers()
	river.AddWorker(workers, &tickWorker{q: q})
	river.AddWorker(workers, &digestWorker{q: q})
	river.AddWorker(workers, &meetingReminderWorker{q: q})
	river.AddWorker(workers, &taskReminderWorker{q: q})
	river.AddWorker(workers, &deliverWorker{q: q})
	river.AddWorker(workers, &pruneWorker{q: q})
	river.AddWorker(workers, &retentionTickWorker{q: q})
	river.AddWorker(workers, &retentionWorker{q: q})
	rc := &river.Config{
		ID:                cfg.ID,
		Logger:            q.log.With("component", "river"),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Workers:           workers,
		FetchPollInterval: poll,
		// River fetches at most once per cooldown, each time as many jobs
		// as workers are free: at its default of 100 ms, ten workers start
		// at most 100 jobs a second, and the morning's digests of 1,000
		// groups (3,000 jobs with their deliveries) would take half a
		// minute. Fetches come only from inserts, finished jobs and the
		// poll, so a short cooldown costs nothing when the queue is idle.
		FetchCooldown:        min(poll, 10*time.Millisecond),
		RescueStuckJobsAfter: cmp.Or(cfg.RescueAfter, RescueAfter),
		JobTimeout:           time.Minute,
	}
	if !cfg.NoTick {
		// Every process configures it; only the elected leader runs it.
		rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(
			river.PeriodicInterval(cmp.Or(cfg.TickInterval, time.Minute)),
			func() (river.JobArgs, *river.InsertOpts) { return TickArgs{}, nil },
			&river.PeriodicJobOpts{ID: "digest_tick", RunOnStart: true},
		), river.NewPeriodicJob(
			river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
			&river.PeriodicJobOpts{ID: "prune_deliveries"},
		), river.NewPeriodicJob(
			// Hourly: each group's purge falls due in the hour its night
			// reaches PurgeHour (see DuePurge).
			river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionTickArgs{}, nil },
			&river.PeriodicJobOpts{ID: "retention_tick", RunOnStart: true},
		)}
	}
	if cfg.RetryDelay != nil {
		rc.RetryPolicy = retryPolicy{q}
	}
	if _, real := q.clock.(bot.SystemClock); !real {
		// Tests: River reads the same clock for scheduling, fetching and
		// leadership, so jobs come due when the test moves the clock.
		rc.Test.Time = riverTime{q.clock}
		// River's rescuer measures "stuck" against the real clock, and a
		// job started at a test's made-up time would look hours stuck
		// and run twice; a test that wants rescue sets RescueAfter.
		if cfg.RescueAfter == 0 {
			rc.RescueStuckJobsAfter = 100 * 365 * 24 * time.Hour
		}
		// River's cleaner, too, ages finished jobs by the real clock:
		// once the real day passed a test's made-up one by a day, it
		// deleted the jobs a test was counting. Tests keep them.
		keep := 100 * 365 * 24 * time.Hour
		rc.CancelledJobRetentionPeriod, rc.CompletedJobRetentionPeriod, rc.DiscardedJobRetentionPeriod = keep, keep, keep
	}
	client, err := river.NewClient(driver(cfg.Store), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	q.client = client
	return q, nil
}

// Start begins working jobs; it returns once the client is running. Jobs
// run under ctx: when it ends they are cancelled at once (River's hard
// stop), so a process that wants them to finish starts with a context its
// signals do not end and calls Shutdown.
func (q *Queue) Start(ctx context.Context) error {
	stop := q.watch()
	if err := q.client.Start(ctx); err != nil {
		stop()
		return err
	}
	return nil
}

// watch tells the Observer, if any, how long each job that finishes
// waited and ran, until the client stops (River then closes the
// subscription) or stop is called.
func (q *Queue) watch() (stop func()) {
	if q.cfg.Observer == nil {
		return func() {}
	}
	events, stop := q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	go func() {
		for e := range events {
			if e.Job != nil && e.JobStats != nil {
				q.cfg.Observer.Job(e.Job.Kind, e.JobStats.QueueWaitDuration, e.JobStats.RunDuration)
			}
		}
	}()
	return stop
}

// Client is the River client, for tests that inspect jobs.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// JobCount is how many of the queue's jobs of one kind are in one state.
type JobCount struct {
	Kind, State string
	Jobs        int
}

// Depth counts the jobs not yet finished (pending, scheduled, available,
// running, retryable) by kind and state, in one statement over River's
// table: how far behind the workers are, for the metrics. Finished jobs
// River keeps for a while are not counted.
func (q *Queue) Depth(ctx context.Context) ([]JobCount, error) {
	rows, err := q.store.SQL().QueryContext(ctx, `SELECT kind, CAST(state AS TEXT), count(*) FROM river_job
		WHERE state IN ('pending', 'scheduled', 'available', 'running', 'retryable') GROUP BY kind, state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	var out []JobCount
	for rows.Next() {
		var c JobCount
		if err := rows.Scan(&c.Kind, &c.State, &c.Jobs); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return out, nil
}

// Shutdown stops the queue gracefully, whether ctx has ended or not: it
// takes no new jobs, lets those in flight finish until soft, then cancels
// them (River hands each back, to be retried by whichever process runs
// next) and waits for them until hard. A queue that was never started has
// nothing to stop.
func (q *Queue) Shutdown(ctx context.Context, soft, hard time.Time) error {
	stop, cancel := context.WithDeadline(context.WithoutCancel(ctx), soft)
	defer cancel()
	if err := q.client.Stop(stop); err != nil {
		q.log.Warn("stopping: cancelling the jobs still running; they will be retried")
		cancelled, cancel := context.WithDeadline(context.WithoutCancel(ctx), hard)
		defer cancel()
		return errors.Join(err, q.client.StopAndCancel(cancelled))
	}
	return nil
}

type riverTime struct{ clock bot.Clock }

func (t riverTime) Now() time.Time { return t.clock.Now() }

func (t riverTime) NowOrNil() *time.Time {
	now := t.clock.Now().UTC()
	return &now
}

type retryPolicy struct{ q *Queue }

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return p.q.clock.Now().Add(p.q.cfg.RetryDelay(job.Attempt))
}

// insert enqueues jobs inside the caller's transaction when tx is bound to
// one, so that they commit or roll back with the change that caused them.
func (q *Queue) insert(ctx context.Context, tx *storage.Store, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	var err error
	if sqlTx, ok := tx.SQLTx(); ok {
		_, err = q.client.InsertManyTx(ctx, sqlTx, params)
	} else {
		_, err = q.client.InsertMany(ctx, params)
	}
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// complete runs fn, inserts the follow-up jobs and marks job completed, all
// in one transaction: either the job's effects and its completion commit
// together, or neither does and the job is retried.
func complete[T river.JobArgs](ctx context.Context, q *Queue, job *river.Job[T], fn func(tx *storage.Store) error, next []river.InsertManyParams) error {
	return q.store.Tx(ctx, func(tx *storage.Store) error {
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		sqlTx, ok := tx.SQLTx()
		if !ok {
			return errors.New("job completion outside a transaction")
		}
		if len(next) > 0 {
			if _, err := q.client.InsertManyTx(ctx, sqlTx, next); err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
		}
		// The driver type parameter is nominal: JobCompleteTx uses the
		// driver of the client that runs the job, on either database.
		if _, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, sqlTx, job); err != nil {
			return fmt.Errorf("complete job: %w", err)
		}
		return nil
	})
}

// sameTime compares stored times at the second: databases keep different
// sub-second precision, users never type it.
func sameTime(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }

// norm is how a time is carried in job args, so that the same moment
// always makes the same args (River's uniqueness compares them).
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
