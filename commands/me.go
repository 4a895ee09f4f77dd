package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const meExample = "/me language:es timezone:America/Chicago"

// catalogLanguages are the catalog's languages, English first: what /me
// language and /setup language offer, and the only ones a locale can
// select.
var catalogLanguages = sync.OnceValue(bot.Languages)

// Language is the language a member reads, of those the catalog has: the
// one they chose (/me language), else their platform's locale, else the
// group's (/setup language), else English. A locale counts by its
// language: es-419 reads es, and one the catalog lacks (fr-FR) passes to
// the next.
func Language(chosen, platform, group string) string {
	for _, l := range [...]string{chosen, platform, group} {
		if lang, ok := spoken(l); ok {
			return lang
		}
	}
	return "en"
}

// spoken returns the catalog language a locale selects, if any.
func spoken(locale string) (string, bool) {
	base, _, _ := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	base = strings.ToLower(base)
	return base, base != "" && slices.Contains(catalogLanguages(), base)
}

// inZones shows a time in the caller's zone and, when the group's shows it
// otherwise, in the group's too: times are typed in the group's zone, so
// whoever lives elsewhere sees what they typed and what it means to them.
func inZones(req *bot.Request, t time.Time) string {
	mine, group := FormatTime(t, req.Location()).Localize(req.Locale), FormatTime(t, req.GroupLocation()).Localize(req.Locale)
	if mine == group {
		return mine
	}
	return req.T("me.group_time", "Time", mine, "Group", group)
}

// readAs returns a copy of req as member m reads it, in their language and
// zone: for a direct message to them that a handler writes.
func readAs(req *bot.Request, m *storage.Member) *bot.Request {
	r := *req
	r.Locale = Language(m.Language, m.Locale, req.Caller.GroupLocale)
	r.Caller.TimeZone = storage.ZoneOr(m.TimeZone, req.GroupLocation())
	return &r
}

func (env *Env) meCommand() *bot.Command {
	onOff := bot.Choices("on", "off")
	return &bot.Command{
		Name:    "me",
		Example: meExample,
		Options: []bot.Option{
			{Name: "language", Kind: bot.Choice, Choices: bot.Choices(catalogLanguages()...)},
			{Name: "timezone", Kind: bot.Text, MaxLength: 64},
			{Name: "reminders", Kind: bot.Choice, Choices: onOff},
			{Name: "digest", Kind: bot.Choice, Choices: onOff},
		},
		Handler: env.me,
	}
}

// me shows the caller's own settings, after changing those the options
// name. Every option is checked before anything is written, so a refusal
// changes nothing.
func (env *Env) me(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	change, err := settingsChangeOf(req)
	if err != nil {
		return bot.Reply{}, err
	}
	digest, subscribe := req.Has("digest"), req.Str("digest") == "on"
	if digest && req.Caller.Level < bot.Coordinator {
		return bot.Reply{}, &bot.Error{Kind: bot.KindForbidden, Need: bot.Coordinator, Msg: bot.M("me.digest_forbidden")}
	}
	changed := change != (storage.SettingsChange{})
	if changed || digest {
		err := env.Store.Tx(ctx, func(tx *storage.Store) error {
			if changed {
				if err := tx.ChangeSettings(ctx, req.Caller.GroupID, req.Caller.MemberID, change); err != nil {
					return err
				}
			}
			if !digest {
				return nil
			}
			if err := tx.SetDigestSubscription(ctx, req.Caller.GroupID, req.Caller.MemberID, subscribe); err != nil {
				return err
			}
			return env.audit(ctx, tx, req, "digest.subscribe", "digest", 0, "", fmt.Sprint(subscribe))
		})
		if err != nil {
			return bot.Reply{}, err
		}
	}
	st, err := env.Store.MemberSettings(ctx, req.Caller.GroupID, req.Caller.MemberID)
	if err != nil {
		return bot.Reply{}, err
	}
	// The reply is read as the settings now stand: in the language just
	// chosen, with times in the zone just set.
	req.Locale = Language(st.Language, st.Locale, req.Caller.GroupLocale)
	req.Caller.TimeZone = storage.ZoneOr(st.TimeZone, req.GroupLocation())
	return meReply(req, st, changed || digest), nil
}

// settingsChangeOf reads /me's language, timezone and reminders options;
// timezone:none goes back to the group's zone.
func settingsChangeOf(req *bot.Request) (storage.SettingsChange, error) {
	var c storage.SettingsChange
	if req.Has("language") {
		lang := req.Str("language")
		c.Language = &lang
	}
	if req.Has("timezone") {
		name := strings.TrimSpace(req.Str("timezone"))
		zone := ""
		if !strings.EqualFold(name, clearWord) {
			loc, err := time.LoadLocation(name)
			if err != nil || name == "" || name == "Local" {
				e := bot.Invalid("timezone", bot.M("me.bad_zone", "Zone", bot.Clip(name, 64)), "/me timezone:America/Chicago")
				e.Suggestions = bot.Closest(name, commonZones, 3)
				return c, e
			}
			zone = loc.String()
		}
		c.TimeZone = &zone
	}
	if req.Has("reminders") {
		on := req.Str("reminders") == "on"
		c.Reminders = &on
	}
	return c, nil
}

// meReply lists the caller's settings and where each comes from.
func meReply(req *bot.Request, st *storage.Settings, saved bool) bot.Reply {
	reply := bot.Reply{Title: req.T("me.title"), Ephemeral: true}
	if saved {
		reply.Title, reply.Tone = req.T("me.saved.title"), bot.Success
	}
	source := "me.language.group"
	if _, ok := spoken(st.Language); ok {
		source = "me.language.chosen"
	} else if _, ok := spoken(st.Locale); ok {
		source = "me.language.platform"
	}
	reply.Items = append(reply.Items, req.T("me.language", "Language", req.T("me.language."+req.Locale), "Source", req.T(source)))
	zone := "me.zone.group"
	if st.TimeZone != "" {
		zone = "me.zone.own"
	}
	reply.Items = append(reply.Items, req.T(zone, "Zone", req.Location().String(), "Now", FormatTime(req.Now, req.Location())))
	if st.Reminders {
		reply.Items = append(reply.Items, req.T("me.reminders.on"))
	} else {
		reply.Items = append(reply.Items, req.T("me.reminders.off"))
	}
	reply.Footer = req.T("me.footer")
	if req.Caller.Level >= bot.Coordinator {
		if st.Digest() {
			reply.Items = append(reply.Items, req.T("me.digest.on"))
		} else {
			reply.Items = append(reply.Items, req.T("me.digest.off"))
		}
		reply.Footer = req.T("me.footer.coordinator")
	}
	return reply
}
