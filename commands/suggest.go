package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// The autocomplete sources options name in bot.Option.Autocomplete.
const (
	SuggestOfficial = "official"
	SuggestMeeting  = "meeting"
	SuggestTask     = "task"
)

// Suggest offers up to 25 values for an option with an autocomplete
// source while the user types: official names, meeting numbers, task
// numbers, each labelled so people recognise it. It only reads: a
// workspace the bot has not seen yet has nothing to suggest.
func (env *Env) Suggest(ctx context.Context, req *bot.Request, source, typed string) ([]bot.ChoiceValue, error) {
	g, err := env.Store.GroupByPlatform(ctx, req.Platform, req.Group)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	loc := g.Location()
	var out []bot.ChoiceValue
	switch source {
	case SuggestOfficial:
		list, err := env.Store.SuggestOfficials(ctx, g.ID, typed)
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			out = append(out, bot.ChoiceValue{Value: o.Name, Label: bot.Clip(req.T("suggest.official", "Name", o.Name, "Office", o.Office), 100)})
		}
	case SuggestMeeting:
		list, err := env.Store.SuggestMeetings(ctx, g.ID, typed, env.Clock.Now())
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			out = append(out, bot.ChoiceValue{Value: strconv.FormatInt(m.Number, 10), Label: bot.Clip(req.T("suggest.meeting",
				"Number", m.Number, "Kind", m.Kind, "When", bot.At(m.StartsAt, loc, bot.DateTime), "Status", bot.M("meeting.status."+string(m.Status))), 100)})
		}
	case SuggestTask:
		list, err := env.Store.SuggestTasks(ctx, g.ID, typed)
		if err != nil {
			return nil, err
		}
		for _, t := range list {
			out = append(out, bot.ChoiceValue{Value: strconv.FormatInt(t.Number, 10), Label: bot.Clip(req.T("suggest.task", "Number", t.Number, "Title", t.Title, "Status", t.Status), 100)})
		}
	default:
		return nil, fmt.Errorf("suggest: unknown source %q", source)
	}
	return out, nil
}
