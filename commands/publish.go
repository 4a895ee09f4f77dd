package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/storage"
)

// /scorecard publish on|off lets a lead put the group's scorecard on a
// public page (web: /s/TOKEN): officials and their answers only, never a
// member's name, an RSVP or who came. The link carries a long random
// token; taking it down deletes the token, so that the old link dies at
// once, and publishing again makes a new one.

const publishExample = "/scorecard publish on"

func (env *Env) scorecardPublishCommand() *bot.Command {
	return &bot.Command{
		Name:    "publish",
		Example: publishExample,
		Level:   bot.Lead,
		Options: []bot.Option{
			{Name: "state", Kind: bot.Choice, Required: true, Choices: bot.Choices("on", "off")},
		},
		Handler: env.scorecardPublish,
	}
}

// ScorecardPath is the path of the public page of the scorecard published
// under token; its image is at ScorecardPath(token) + "/scorecard.png".
func ScorecardPath(token string) string { return "/s/" + token }

// scorecardPublish is /scorecard publish on|off.
func (env *Env) scorecardPublish(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if req.Str("state") == "off" {
		return env.unpublish(ctx, req)
	}
	if req.Caller.GroupName == "" {
		return bot.Reply{}, bot.Conflict(bot.M("publish.no_setup", "Example", setupExample))
	}
	if _, err := env.link("/"); err != nil {
		return bot.Reply{}, err
	}
	var token string
	var created bool
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		var err error
		token, created, err = tx.PublishScorecard(ctx, req.Caller.GroupID, storage.NewToken(), req.Now)
		if err != nil || !created {
			return err
		}
		return env.audit(ctx, tx, req, "scorecard.publish", "scorecard", 0, "off", "on")
	})
	if err != nil {
		return bot.Reply{}, err
	}
	link, err := env.link(ScorecardPath(token))
	if err != nil {
		return bot.Reply{}, err
	}
	text := req.T("publish.on", "Link", link)
	if !created {
		text = req.T("publish.already", "Link", link)
	}
	return bot.Reply{Text: text + "\n" + req.T("publish.shows"), Footer: req.T("publish.off_hint"), Tone: bot.Success}, nil
}

// unpublish is /scorecard publish off.
func (env *Env) unpublish(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	var removed bool
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		var err error
		removed, err = tx.UnpublishScorecard(ctx, req.Caller.GroupID)
		if err != nil || !removed {
			return err
		}
		return env.audit(ctx, tx, req, "scorecard.publish", "scorecard", 0, "on", "off")
	})
	if err != nil {
		return bot.Reply{}, err
	}
	if !removed {
		return bot.Reply{Text: req.T("publish.not_published", "Example", publishExample)}, nil
	}
	return bot.Reply{Text: req.T("publish.off"), Tone: bot.Success}, nil
}

// PublishedScorecard is one published group's scorecard as the roll-up of
// an instance lists it: where, how far, and the link's token.
type PublishedScorecard struct {
	Jurisdiction string
	Kind         string // city, county or state
	Language     string // the group's, in which Rules are named
	// Location is the group's time zone, in which dates are shown.
	Location *time.Location
	Token    string
	// Rules are every rule with its status, in order; InPlace counts the
	// core rules in place, of Core.
	Rules         []card.Rule
	InPlace, Core int
	// Updated is when the standing last changed; zero when nothing was
	// logged yet.
	Updated time.Time
}

// PublishedScorecards returns one page (from 1) of the instance's
// published scorecards, by jurisdiction, per to a page, and whether a
// later page has any: the one read across groups, of published groups
// only, in a fixed number of statements whatever their number. Each
// rule's status is derived as /scorecard derives it.
func (env *Env) PublishedScorecards(ctx context.Context, page, per int) ([]PublishedScorecard, bool, error) {
	read, more, err := env.Store.PublishedStandings(ctx, page, per)
	if err != nil {
		return nil, false, fmt.Errorf("published scorecards: %w", err)
	}
	out := make([]PublishedScorecard, len(read))
	for i, p := range read {
		st := newStanding(p.Group.Jurisdiction, &p.Standing)
		sc := PublishedScorecard{Jurisdiction: p.Group.Jurisdiction, Kind: p.Group.Kind, Language: p.Group.Language,
			Location: p.Group.Location(), Token: p.Token, Core: CoreRules,
			Rules: st.cardRules(p.Group.Language), InPlace: st.countStatus(storage.MarkYes), Updated: st.updated()}
		out[i] = sc
	}
	return out, more, nil
}
