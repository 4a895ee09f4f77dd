// Package commands declares fcbot's commands, platform-neutral, with their
// handlers: one file per command group. All is the one list every adapter
// registers from. Handlers read and write through storage and return
// bot.Reply values; they never touch a chat SDK.
package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// Env is what handlers need: the store, the clock, a logger and the
// outbox for messages to people other than the caller.
type Env struct {
	Store  *storage.Store
	Clock  bot.Clock
	Log    *slog.Logger
	Outbox Outbox
	// PublicURL is where the web pages are served, without a trailing
	// slash ("https://fcbot.example.org"): the links commands hand out
	// start with it. "" when fcbot serves no pages.
	PublicURL string

	tree    *bot.Tree  // set by Tree, read by /help
	replies replyCache // see fromStanding
}

// Outbox delivers messages durably; the job queue implements it.
type Outbox interface {
	// Enqueue queues notices inside tx, so that they go out if and only if
	// the change that causes them commits; undeliverable ones are retried,
	// sent to the digest channel, and reported in the next digest.
	Enqueue(ctx context.Context, tx *storage.Store, notices []Notice) error
}

// Notice is one direct message to a member, sent through the Outbox.
type Notice struct {
	GroupID  int64
	MemberID int64
	Name     string // the recipient, as a failure report names them
	What     string // what it is about, e.g. "notice for meeting 3"
	Reply    bot.Reply
}

// notify queues notices through the outbox inside tx.
func (env *Env) notify(ctx context.Context, tx *storage.Store, notices []Notice) error {
	if len(notices) == 0 {
		return nil
	}
	if env.Outbox == nil {
		return errors.New("commands: no outbox to deliver notices through")
	}
	return env.Outbox.Enqueue(ctx, tx, notices)
}

// All returns every command, in the order help lists them.
func All(env *Env) []*bot.Command {
	return []*bot.Command{
		env.helpCommand(),
		env.rulesCommand(),
		env.setupCommand(),
		env.roleCommand(),
		env.officialCommand(),
		env.meetingCommand(),
		env.calendarCommand(),
		env.responseCommand(),
		env.scorecardCommand(),
		env.targetCommand(),
		env.taskCommand(),
		env.guideCommand(),
		env.reportCommand(),
		env.digestCommand(),
		env.dashboardCommand(),
		env.meCommand(),
		env.privacyCommand(),
		env.memberCommand(),
		env.auditCommand(),
		env.exportCommand(),
	}
}

// Tree builds the command tree from All. A command, option or choice the
// English catalog does not describe is a programming error, found here at
// start-up rather than as a raw catalog id in front of users.
func Tree(env *Env) *bot.Tree {
	env.tree = bot.NewTree(All(env)...)
	if missing := env.tree.Undescribed("en"); len(missing) > 0 {
		panic(fmt.Sprintf("commands: locales/*.en.toml lacks %q", missing))
	}
	return env.tree
}

// Router wires a router for env with its resolver and replay guard.
func Router(env *Env) *bot.Router {
	return bot.NewRouter(bot.Config{
		Tree:     Tree(env),
		Log:      env.Log,
		Resolver: env,
		Guard:    env,
		Clock:    env.Clock,
	})
}

// Resolve finds or creates the caller's group and member and computes the
// caller's level: platform administrators and holders of the lead role are
// leads; holders of the coordinator role are coordinators. A known member
// costs one statement (storage.EnsureCaller), and nothing is cached: a lead
// whose role is taken away is a member from the next request on. The
// platform's locale is remembered, for messages sent to them later.
//
// It also makes the request the caller's to read: req.Locale becomes the
// language they read (see Language), and the caller's TimeZone their own
// zone when they set one, GroupZone staying the group's.
func (env *Env) Resolve(ctx context.Context, req *bot.Request) (bot.Caller, error) {
	sc, err := env.Store.EnsureCaller(ctx, req.Platform, req.Group, req.User.ID, req.User.Name, req.Locale)
	if err != nil {
		return bot.Caller{}, err
	}
	c := bot.Caller{GroupID: sc.GroupID, MemberID: sc.MemberID, Level: bot.Member, GroupName: sc.Jurisdiction, GroupKind: sc.Kind}
	for _, r := range sc.Roles {
		switch r {
		case storage.RoleLead:
			c.Level = bot.Lead
		case storage.RoleCoordinator:
			c.Level = max(c.Level, bot.Coordinator)
		}
	}
	if req.Admin {
		c.Level = bot.Lead
	}
	c.GroupZone, c.GroupLocale = sc.Location(), sc.GroupLanguage
	c.TimeZone = storage.ZoneOr(sc.MemberZone, c.GroupZone)
	req.Locale = Language(sc.Language, sc.Locale, sc.GroupLanguage)
	_, chosen := spoken(sc.Language)
	_, platform := spoken(sc.Locale)
	c.FollowsGroup = !chosen && !platform
	return c, nil
}

// ReaderLocale is the language the request's reader reads, as Resolve
// would set it, read in one statement that changes nothing: help and
// refusals come before the caller is resolved. A member not yet known
// reads their platform's language, else the group's.
func (env *Env) ReaderLocale(ctx context.Context, req *bot.Request) string {
	sc, err := env.Store.LookupCaller(ctx, req.Platform, req.Group, req.User.ID)
	if err != nil {
		env.Log.WarnContext(ctx, "reader's language", "err", err)
		return ""
	}
	if sc.MemberID == 0 {
		return Language("", req.Locale, sc.GroupLanguage)
	}
	return Language(sc.Language, cmp.Or(req.Locale, sc.Locale), sc.GroupLanguage)
}

// First is the replay guard: it records the delivery id in the group, in
// one statement.
func (env *Env) First(ctx context.Context, req *bot.Request) (bool, error) {
	return env.Store.FirstDelivery(ctx, req.Caller.GroupID, req.Platform, req.ID)
}

// Within is the replay guard for OneCommit commands: the handler's
// transaction records the delivery id with its change (storage.Tx), a
// replay is refused before it changes anything, and a handler that
// succeeded without a transaction (it changed nothing after all) has the
// id recorded after it, as First would have.
func (env *Env) Within(ctx context.Context, req *bot.Request, next bot.Handler) (bot.Reply, error) {
	ctx = storage.WithDelivery(ctx, req.Caller.GroupID, req.Platform, req.ID)
	reply, err := next(ctx, req)
	switch {
	case errors.Is(err, storage.ErrReplayed):
		return bot.Reply{Text: req.T("replay.duplicate"), Ephemeral: true}, nil
	case err != nil || storage.DeliveryRecorded(ctx):
		return reply, err
	}
	if _, err := env.First(ctx, req); err != nil {
		return bot.Reply{}, fmt.Errorf("replay guard: %w", err)
	}
	return reply, nil
}

// audit records a change by the caller.
func (env *Env) audit(ctx context.Context, s *storage.Store, req *bot.Request, action, entity string, number int64, before, after string) error {
	err := s.Audit(ctx, &storage.AuditEntry{
		GroupID: req.Caller.GroupID, MemberID: &req.Caller.MemberID,
		Action: action, Entity: entity, EntityNumber: number, Before: before, After: after,
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// notFound turns a storage miss into the user's error, passing other
// errors through.
func notFound(err error, msg bot.Message, suggestions []string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return bot.NotFound(msg, suggestions)
	}
	return err
}

// pageOption is the page:N option of list commands.
func pageOption() bot.Option {
	return bot.Option{Name: "page", Kind: bot.Integer, Min: 1, Max: 100000}
}
