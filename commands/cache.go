package commands

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fcbot/fcbot/bot"
)

// The scorecard and the target list are the reads members run most, all
// at once after a meeting, and rendering them (every official on every
// rule, in the reader's language, fitted to the platforms' limits) costs
// far more than reading the standing. Their replies depend only on the
// standing, the group's name, the reader's language and time zone and the
// options typed, so a reply rendered once serves every later request
// that matches it until the standing changes: storage.StandingVersion,
// read first, says when (a change on any replica counts, since the
// version is in the database).

// maxCachedReplies bounds the renders kept: a few per active group and
// language; past it, the oldest go first.
const maxCachedReplies = 512

// replyCache holds rendered replies by key, in the order they were kept.
type replyCache struct {
	mu    sync.Mutex
	byKey map[string]bot.Reply
	order []string // keys, oldest first
}

// get returns a copy of the reply kept under key.
func (c *replyCache) get(key string) (bot.Reply, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byKey[key]
	return cloneReply(r), ok
}

// put keeps a copy of r under key, forgetting the oldest reply when full.
func (c *replyCache) put(key string, r bot.Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]bot.Reply{}
	}
	if _, ok := c.byKey[key]; ok {
		return
	}
	if len(c.order) >= maxCachedReplies {
		delete(c.byKey, c.order[0])
		c.order = slices.Delete(c.order, 0, 1)
	}
	c.byKey[key] = cloneReply(r)
	c.order = append(c.order, key)
}

// cloneReply copies what a caller might change in place: the slices.
func cloneReply(r bot.Reply) bot.Reply {
	r.Fields = slices.Clone(r.Fields)
	r.Items = slices.Clone(r.Items)
	r.Buttons = slices.Clone(r.Buttons)
	r.DMs = slices.Clone(r.DMs)
	return r
}

// fromStanding answers req with render's reply, rendered once per version
// of the group's standing and per everything else the reply depends on.
// render must read nothing but the standing, the caller's group name, the
// request's locale and location, and its options. Errors are not kept.
func (env *Env) fromStanding(ctx context.Context, req *bot.Request, render func(context.Context, *bot.Request) (bot.Reply, error)) (bot.Reply, error) {
	version, err := env.Store.StandingVersion(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	key := standingKey(req, version)
	if r, ok := env.replies.get(key); ok {
		return r, nil
	}
	r, err := render(ctx, req)
	if err == nil {
		env.replies.put(key, r)
	}
	return r, err
}

// standingKey names a render: the command, the group and its name, the
// standing's version, the locale, the time zone and the options typed.
func standingKey(req *bot.Request, version int64) string {
	var b strings.Builder
	for _, part := range []string{req.Command.Path(), strconv.FormatInt(req.Caller.GroupID, 10), strconv.FormatInt(version, 10),
		req.Caller.GroupName, req.Locale, req.Location().String()} {
		b.WriteString(strconv.Quote(part))
	}
	names := make([]string, 0, len(req.Options))
	for name := range req.Options {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "%q=%#v", name, req.Options[name])
	}
	return b.String()
}
