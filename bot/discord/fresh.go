package discord

import (
	"context"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// FreshWindow is how far from now an interaction may be dated, by its
// signature's timestamp (HTTP mode) or by the time its snowflake id
// carries (both modes). It is Slack's window. It keeps a captured,
// validly signed interaction from running again once the replay guard
// has forgotten its id (the guard remembers ids for 24 hours): anything
// older than this is refused, so the guard's memory always covers what
// may still run.
const FreshWindow = 5 * time.Minute

// discordEpoch is the start of snowflake time, 2015-01-01 UTC, in Unix
// milliseconds: a snowflake id holds the milliseconds since then in its
// bits from the 22nd up.
const discordEpoch = 1420070400000

// within reports whether t lies no more than FreshWindow from now, on
// either side: clocks drift, and a request from the future is as suspect
// as one from the past.
func within(t, now time.Time) bool {
	d := now.Sub(t)
	return d <= FreshWindow && d >= -FreshWindow
}

// freshTimestamp reports whether an X-Signature-Timestamp (Unix seconds,
// decimal) is a number within FreshWindow of now.
func freshTimestamp(ts string, now time.Time) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	return within(time.Unix(sec, 0), now)
}

// created returns when Discord made the snowflake id; ok is false when id
// is not one.
func created(id string) (t time.Time, ok bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch), true
}

// stale reports whether the interaction was created outside FreshWindow
// (or carries no id that says when it was).
func (a *Adapter) stale(i *discordgo.Interaction) bool {
	t, ok := created(i.ID)
	return !ok || !within(t, a.clock.Now())
}

// staleAnswer refuses a stale interaction: a private message saying so,
// or no suggestions for an autocomplete.
func (a *Adapter) staleAnswer(ctx context.Context, i *discordgo.Interaction) outcome {
	a.log.InfoContext(ctx, "discord: stale interaction refused", "interaction", i.ID, "type", int(i.Type))
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		resp := autocompleteResponse{Type: int(discordgo.InteractionApplicationCommandAutocompleteResult)}
		resp.Data.Choices = []choice{}
		return outcome{initial: resp}
	}
	locale := string(i.Locale)
	reply := bot.Reply{Text: bot.Translate(locale, bot.M("discord.stale_request")), Tone: bot.Failure}
	return outcome{initial: messageResponse(render(reply, locale), true)}
}
