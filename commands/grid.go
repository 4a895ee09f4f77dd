package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/storage"
)

// ScorecardGrid returns the group's scorecard as data, in the group's
// language and time zone: what the public page, the image and the
// roll-up draw. It reads the standing kept on write and the meetings its
// answers were given at, in a fixed number of statements.
func (env *Env) ScorecardGrid(ctx context.Context, groupID int64) (card.Grid, error) {
	g, err := env.Store.GroupByID(ctx, groupID)
	if err != nil {
		return card.Grid{}, fmt.Errorf("scorecard grid: %w", err)
	}
	st, err := env.loadStanding(ctx, g.ID, g.Jurisdiction)
	if err != nil {
		return card.Grid{}, fmt.Errorf("scorecard grid: %w", err)
	}
	var ids []int64
	for _, byRule := range st.latest {
		for _, a := range byRule {
			if a.MeetingID != nil {
				ids = append(ids, *a.MeetingID)
			}
		}
	}
	slices.Sort(ids)
	meetings, err := env.Store.MeetingTimes(ctx, g.ID, slices.Compact(ids))
	if err != nil {
		return card.Grid{}, fmt.Errorf("scorecard grid: %w", err)
	}
	grid := card.Grid{
		Jurisdiction: g.Jurisdiction, Language: g.Language, Location: g.Location(),
		Rules: st.cardRules(g.Language), InPlace: st.countStatus(storage.MarkYes), Core: CoreRules,
		Updated: st.updated(),
	}
	for _, o := range st.officials {
		row := card.Official{Name: o.Name, Office: string(o.Office), Jurisdiction: o.Jurisdiction}
		for _, r := range Rules {
			a, asked := st.latest[o.ID][r.Number]
			row.Cells = append(row.Cells, gridCell(a, asked, meetings))
		}
		grid.Officials = append(grid.Officials, row)
	}
	return grid, nil
}

// gridCell is one official's answer on one rule as the grid holds it.
func gridCell(a storage.Answer, asked bool, meetings map[int64]storage.MeetingTime) card.Cell {
	if !asked {
		return card.Cell{InPlace: card.Unknown, WouldSupport: card.Unknown}
	}
	c := card.Cell{Asked: true, InPlace: card.Mark(a.InPlace), WouldSupport: card.Mark(a.WouldSupport), At: a.CreatedAt}
	if c.WouldSupport == "" {
		c.WouldSupport = card.Unknown
	}
	if a.MeetingID != nil {
		if m, ok := meetings[*a.MeetingID]; ok {
			c.Meeting, c.At = m.Number, m.StartsAt
		}
	}
	return c
}
