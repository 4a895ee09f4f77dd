package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/fcbot/fcbot/bot"
)

// userTTL is how long users.info answers (name, locale, admin, workspace)
// are kept.
const userTTL = 5 * time.Minute

// directoryTimeout bounds one Directory answer, users.info or
// conversations.info with its retries.
const directoryTimeout = 3 * time.Second

// cachedUser is what users.info said about a user.
type cachedUser struct {
	name   string
	locale string
	admin  bool
	// team is the user's workspace (team_id); on Enterprise Grid,
	// enterprise is their organisation and teams the workspaces they
	// belong to in it.
	team       string
	enterprise string
	teams      []string
	deleted    bool
	until      time.Time
}

// memberOf reports whether the user belongs to the workspace team, whose
// Enterprise Grid organisation is enterprise ("" when unknown or none): a
// deactivated user belongs to none.
func (c cachedUser) memberOf(team, enterprise string) bool {
	switch {
	case c.deleted || team == "":
		return false
	case c.team == team || slices.Contains(c.teams, team):
		return true
	}
	return c.enterprise != "" && (c.enterprise == team || c.enterprise == enterprise)
}

// errUnknownUser is users.info's user_not_found: no user of the token's
// workspace (or of a workspace it shares a channel with) has that id.
var errUnknownUser = errors.New("no such user")

// lookupUser returns what users.info says about id, from the cache when
// fresh. A user Slack does not know is errUnknownUser.
func (a *Adapter) lookupUser(ctx context.Context, id string) (cachedUser, error) {
	a.mu.Lock()
	c, ok := a.users[id]
	a.mu.Unlock()
	if ok && time.Now().Before(c.until) {
		return c, nil
	}
	u, err := a.sender.userInfo(ctx, id)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "user_not_found" {
		return cachedUser{}, fmt.Errorf("%s: %w", id, errUnknownUser)
	} else if err != nil {
		return cachedUser{}, err
	}
	c = cachedUser{
		name:       firstNonEmpty(u.Profile.DisplayName, u.RealName, u.Name),
		locale:     u.Locale,
		admin:      u.IsAdmin || u.IsOwner || u.IsPrimaryOwner || u.Enterprise.IsAdmin || u.Enterprise.IsOwner,
		team:       u.TeamID,
		enterprise: u.Enterprise.EnterpriseID,
		teams:      u.Enterprise.Teams,
		deleted:    u.Deleted,
		until:      time.Now().Add(userTTL),
	}
	a.mu.Lock()
	if len(a.users) > 10000 {
		clear(a.users) // a crude bound; the cache only saves calls
	}
	a.users[id] = c
	a.mu.Unlock()
	return c, nil
}

// user returns what users.info says about id (see lookupUser), waiting at
// most a second: it runs before the acknowledgement. Failures are logged
// and read as "not an admin".
func (a *Adapter) user(ctx context.Context, id string) (cachedUser, bool) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	c, err := a.lookupUser(ctx, id)
	if err != nil {
		a.log.WarnContext(ctx, "users.info failed; treating the user as a member", "user", id, "err", err)
		return cachedUser{}, false
	}
	return c, true
}

// directory is the bot.Directory of one request: it answers from Slack
// for the request's workspace (team) and, on Enterprise Grid, its
// organisation (enterprise).
type directory struct {
	a                *Adapter
	team, enterprise string
}

var _ bot.Directory = (*directory)(nil)

// Member reports whether userID is a member of the workspace group, as
// users.info (cached for userTTL) says: their team_id is group, or on
// Enterprise Grid group is one of their workspaces or in their
// organisation; a deactivated user or one Slack does not know is not a
// member. Other failures are errors: nobody is let through unchecked.
func (d *directory) Member(ctx context.Context, group, userID string) (bot.User, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, directoryTimeout)
	defer cancel()
	c, err := d.a.lookupUser(ctx, userID)
	if errors.Is(err, errUnknownUser) {
		return bot.User{}, false, nil
	} else if err != nil {
		return bot.User{}, false, err
	}
	enterprise := ""
	if group == d.team {
		enterprise = d.enterprise
	}
	if !c.memberOf(group, enterprise) {
		return bot.User{}, false, nil
	}
	return bot.User{ID: userID, Name: c.name}, true, nil
}

// channelID reads a channel as a user gives it: an id, a mention (<#C123>
// as normalize leaves it, or <#C123|name> as Slack sends it) or #C123.
var channelID = regexp.MustCompile(`^(?:<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>|#?([CG][A-Z0-9]{2,}))$`)

// Channel returns the id of the channel typed, with ok true only when
// conversations.info says it belongs to the workspace group (its
// context_team_id, or group among its shared_team_ids or
// internal_team_ids) and the bot can post in it: it is not archived, and
// the bot is a member or it is public (chat:write.public). A channel name
// (#general) is not read: Slack turns a real channel's name into a
// mention, and names are not unique across the workspaces of a
// shared channel.
func (d *directory) Channel(ctx context.Context, group, typed string) (string, bool, error) {
	m := channelID.FindStringSubmatch(strings.TrimSpace(typed))
	if m == nil {
		return "", false, nil
	}
	id := firstNonEmpty(m[1], m[2])
	ctx, cancel := context.WithTimeout(ctx, directoryTimeout)
	defer cancel()
	ch, err := d.a.sender.conversationInfo(ctx, id)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "channel_not_found" || se.Err == "not_in_channel") {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	inTeam := group != "" && (ch.ContextTeamID == group || slices.Contains(ch.SharedTeamIDs, group) || slices.Contains(ch.InternalTeamIDs, group))
	canPost := !ch.IsArchived && !ch.IsIM && !ch.IsMpIM && (ch.IsMember || !ch.IsPrivate)
	if !inTeam || !canPost {
		return "", false, nil
	}
	return firstNonEmpty(ch.ID, id), true, nil
}
