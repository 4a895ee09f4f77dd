package discord

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// How long the directory trusts an answer, and how many it keeps. Every
// command naming a person asks, so answers are kept a little while; a
// "no" for less long, so that someone who has just joined waits at most
// a minute. Someone who has just left can still be named for up to
// yesTTL.
const (
	yesTTL       = 5 * time.Minute
	noTTL        = time.Minute
	directoryMax = 4096 // answers per kind
)

// directory is bot.Directory over Discord's REST API, with the bot
// token: GET /guilds/{guild}/members/{user} and GET /channels/{id}.
type directory struct {
	api      api
	clock    bot.Clock
	members  *answers[bot.User]
	channels *answers[string]
}

var _ bot.Directory = (*directory)(nil)

func newDirectory(a api, clock bot.Clock) *directory {
	return &directory{
		api: a, clock: clock,
		members:  newAnswers[bot.User](directoryMax),
		channels: newAnswers[string](directoryMax),
	}
}

// Member returns the user as the server knows them, named by their
// server nickname, else their global name, else their username; ok is
// false when Discord says they are not a member (10007 Unknown Member)
// or no user at all (10013 Unknown User).
func (d *directory) Member(ctx context.Context, guildID, userID string) (bot.User, bool, error) {
	if !snowflakeRE.MatchString(guildID) || !snowflakeRE.MatchString(userID) {
		return bot.User{}, false, nil
	}
	key := guildID + "/" + userID
	if u, ok, hit := d.members.get(key, d.clock.Now()); hit {
		return u, ok, nil
	}
	m, err := d.api.GuildMember(guildID, userID, discordgo.WithContext(ctx))
	switch {
	case err == nil:
		u := bot.User{ID: userID}
		if m.User != nil {
			u.Name = displayName(m.User, m)
		}
		d.members.put(key, u, true, d.clock.Now())
		return u, true, nil
	case status(err) == http.StatusNotFound && (apiCode(err) == discordgo.ErrCodeUnknownMember || apiCode(err) == discordgo.ErrCodeUnknownUser):
		d.members.put(key, bot.User{}, false, d.clock.Now())
		return bot.User{}, false, nil
	}
	return bot.User{}, false, fmt.Errorf("discord: is %s a member of server %s: %w", userID, guildID, err)
}

// channelMentionRE is a channel mention as Discord writes it in text.
var channelMentionRE = regexp.MustCompile(`^<#([0-9]{15,21})>$`)

// Channel reads a channel id or a <#id> mention and returns the id when
// the channel belongs to the server and is one the bot can post in. That
// is judged by its type alone: a text channel (0) or an announcement
// channel (5), where messages are posted; voice, stage, forum and
// category channels, and threads, are not. Whether the bot's role may
// post there is not computed (that needs the server's roles and the
// channel's overwrites): Discord refuses such a post when it is made, and
// the delivery reports it. A channel the bot cannot see at all (403) or
// that does not exist (404) is not ok.
func (d *directory) Channel(ctx context.Context, guildID, typed string) (string, bool, error) {
	id := typed
	if m := channelMentionRE.FindStringSubmatch(typed); m != nil {
		id = m[1]
	}
	if !snowflakeRE.MatchString(guildID) || !snowflakeRE.MatchString(id) {
		return "", false, nil
	}
	key := guildID + "/" + id
	if got, ok, hit := d.channels.get(key, d.clock.Now()); hit {
		return got, ok, nil
	}
	ch, err := d.api.Channel(id, discordgo.WithContext(ctx))
	switch {
	case err == nil:
		ok := ch.GuildID == guildID && (ch.Type == discordgo.ChannelTypeGuildText || ch.Type == discordgo.ChannelTypeGuildNews)
		if !ok {
			id = ""
		}
		d.channels.put(key, id, ok, d.clock.Now())
		return id, ok, nil
	case status(err) == http.StatusNotFound || status(err) == http.StatusForbidden:
		d.channels.put(key, "", false, d.clock.Now())
		return "", false, nil
	}
	return "", false, fmt.Errorf("discord: look up channel %s for server %s: %w", id, guildID, err)
}

// answers is a small cache of yes-or-no answers with their values: a yes
// lasts yesTTL, a no noTTL. When full, it drops the expired answers, then
// those closest to expiry.
type answers[V any] struct {
	mu    sync.Mutex
	limit int
	m     map[string]answer[V]
}

type answer[V any] struct {
	v     V
	ok    bool
	until time.Time
}

func newAnswers[V any](limit int) *answers[V] {
	return &answers[V]{limit: limit, m: make(map[string]answer[V])}
}

// get returns the answer for key; hit is false when there is none still
// valid at now.
func (c *answers[V]) get(key string, now time.Time) (v V, ok, hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, found := c.m[key]
	if !found || !now.Before(a.until) {
		return v, false, false
	}
	return a.v, a.ok, true
}

func (c *answers[V]) put(key string, v V, ok bool, now time.Time) {
	ttl := noTTL
	if ok {
		ttl = yesTTL
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, found := c.m[key]; !found && len(c.m) >= c.limit {
		c.evict(now)
	}
	c.m[key] = answer[V]{v: v, ok: ok, until: now.Add(ttl)}
}

// evict makes room for one answer: it drops every expired answer, or
// else the one closest to expiry.
func (c *answers[V]) evict(now time.Time) {
	var first string
	var firstUntil time.Time
	for k, a := range c.m {
		if !now.Before(a.until) {
			delete(c.m, k)
			continue
		}
		if first == "" || a.until.Before(firstUntil) {
			first, firstUntil = k, a.until
		}
	}
	if len(c.m) >= c.limit {
		delete(c.m, first)
	}
}
