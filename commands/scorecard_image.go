package commands

import (
	"context"
	"fmt"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/card"
)

// scorecardImageCommand is /scorecard image: the scorecard as a picture
// to post on social media.
func (env *Env) scorecardImageCommand() *bot.Command {
	return &bot.Command{
		Name:     "image",
		Example:  "/scorecard image",
		ReadOnly: true,
		Handler:  env.scorecardImage,
	}
}

// scorecardImage sends the caller the scorecard as a PNG (card.PNG, the
// image the public page offers too) by direct message: replies carry
// files only there, on every platform. The image is in the group's
// language and time zone, since it is posted for the public.
func (env *Env) scorecardImage(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	g, err := env.ScorecardGrid(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	data, err := card.PNG(g)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("scorecard image: %w", err)
	}
	name := req.Caller.GroupName
	if name == "" {
		name = req.T("scorecard.your_jurisdiction")
	}
	dm := bot.Reply{
		Title: req.T("scorecard.image.title", "Name", name),
		Text:  req.T("scorecard.image.text"),
		Files: []bot.File{{
			Name:        fmt.Sprintf("fcbot-scorecard-%s.png", req.Now.In(req.Location()).Format("2006-01-02")),
			ContentType: "image/png",
			Data:        data,
		}},
	}
	return bot.Reply{
		Text:      req.T("scorecard.image.sent"),
		Tone:      bot.Success,
		Ephemeral: true,
		DMs:       []bot.DirectMessage{{To: req.User, Reply: dm}},
	}, nil
}
