package discord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultPace is how long the shards of one identify bucket wait between
// their IDENTIFYs: Discord lets each bucket start one session per 5 s.
const DefaultPace = 5 * time.Second

// Shards picks the gateway shards an adapter connects in gateway mode.
// Discord sends each server's events on one shard only, (guild_id >> 22)
// % count, so every shard of the count must be connected by some process,
// and every process must be given the same count.
type Shards struct {
	// Count is how many shards there are in all; 0 takes Discord's
	// recommendation (GET /gateway/bot).
	Count int
	// IDs are the shards this process connects; nil connects every one.
	IDs []int
	// Pace overrides DefaultPace.
	Pace time.Duration
}

// plan is what one Run connects.
type plan struct {
	count int
	ids   []int
	// buckets is Discord's max_concurrency: shards whose ids are equal
	// modulo buckets share an identify bucket.
	buckets int
}

// plan asks Discord for its recommended shard count and max_concurrency,
// and checks the shards configured against the count.
func (a *Adapter) plan(ctx context.Context) (plan, error) {
	info, err := a.base.GatewayBot(discordgo.WithContext(ctx))
	if err != nil {
		return plan{}, fmt.Errorf("discord: ask the gateway for its shard count: %w", err)
	}
	p := plan{count: a.shards.Count, ids: a.shards.IDs, buckets: max(info.SessionStartLimit.MaxConcurrency, 1)}
	if p.count == 0 {
		p.count = max(info.Shards, 1)
	}
	if p.count < 1 {
		return plan{}, fmt.Errorf("discord: %d shards: there must be at least 1", p.count)
	}
	if p.ids == nil {
		for id := range p.count {
			p.ids = append(p.ids, id)
		}
	}
	for _, id := range p.ids {
		if id < 0 || id >= p.count {
			return plan{}, fmt.Errorf("discord: shard %d is not one of the %d shards (0 to %d)", id, p.count, p.count-1)
		}
	}
	return p, nil
}

// Run is gateway mode: it connects the shards this process runs, each on
// a session of its own whose interactions all come to this adapter, and
// answers them until ctx ends; then it closes the shards and lets
// deferred work finish. A session whose connection drops, or that Discord
// asks to reconnect (op 7), resumes (discordgo sends RESUME with its
// session id and last sequence number): Discord replays what it missed,
// and no IDENTIFY is spent.
func (a *Adapter) Run(ctx context.Context) error {
	p, err := a.plan(ctx)
	if err != nil {
		return err
	}
	sessions := make([]*discordgo.Session, len(p.ids))
	for i, id := range p.ids {
		s, err := shardSession(a.base, id, p.count)
		if err != nil {
			return err
		}
		remove := s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
			a.background(func() { a.onGateway(ctx, ic.Interaction) })
		})
		defer remove()
		defer a.track(s)()
		sessions[i] = s
	}
	err = a.open(ctx, p, sessions)
	if err == nil && ctx.Err() == nil {
		a.log.InfoContext(ctx, "discord gateway connected", "shards", p.ids, "shard_count", p.count)
		<-ctx.Done()
	}
	err = errors.Join(err, closeAll(sessions))
	a.Wait()
	return err
}

// shardSession is the gateway session of shard id of count: a websocket
// of its own, with base's token, identify settings and HTTP client (whose
// transport redirects and retries every call: see NewSession).
func shardSession(base *discordgo.Session, id, count int) (*discordgo.Session, error) {
	s, err := discordgo.New(base.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: session of shard %d: %w", id, err)
	}
	s.Client, s.UserAgent, s.Dialer = base.Client, base.UserAgent, base.Dialer
	s.ShouldRetryOnRateLimit, s.MaxRestRetries = base.ShouldRetryOnRateLimit, base.MaxRestRetries
	s.StateEnabled, s.SyncEvents, s.LogLevel = base.StateEnabled, base.SyncEvents, base.LogLevel
	s.Identify = base.Identify
	s.ShardID, s.ShardCount = id, count
	return s, nil
}

// open connects the sessions (of the shards p.ids) in the order Discord
// allows: the buckets at once, the shards of one bucket one after the
// other, a pace apart. It stops at the first failure, and without an
// error when ctx ends.
func (a *Adapter) open(ctx context.Context, p plan, sessions []*discordgo.Session) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	buckets := map[int][]int{} // bucket → indexes of its shards in p.ids
	for i, id := range p.ids {
		buckets[id%p.buckets] = append(buckets[id%p.buckets], i)
	}
	pace := a.shards.Pace
	if pace == 0 {
		pace = DefaultPace
	}
	errs := make(chan error, len(buckets))
	for _, bucket := range buckets {
		go func() { errs <- openBucket(ctx, pace, p, bucket, sessions) }()
	}
	var all []error
	for range buckets {
		if err := <-errs; err != nil {
			cancel()
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// openBucket opens the sessions of one bucket in turn, each pace after
// the previous one has identified.
func openBucket(ctx context.Context, pace time.Duration, p plan, bucket []int, sessions []*discordgo.Session) error {
	for n, i := range bucket {
		if n > 0 {
			timer := time.NewTimer(pace)
			select {
			case <-ctx.Done():
				timer.Stop()
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := sessions[i].Open(); err != nil {
			return fmt.Errorf("discord: open gateway shard %d of %d: %w", p.ids[i], p.count, err)
		}
	}
	return nil
}

// closeAll closes the sessions at once: discordgo's Close waits a second
// for Discord to read the close frame. A session closed just after it
// opened may have its first heartbeat fail on the closing connection,
// which discordgo takes for a dropped connection to reconnect: closing
// sessions reconnect no more.
func closeAll(sessions []*discordgo.Session) error {
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Go(func() {
			s.ShouldReconnectOnError = false
			errs[i] = s.Close()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
