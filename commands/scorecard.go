package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// The marks the scorecard and targets show for yes, no, evasive and
// unknown (or not asked).
const (
	markYes     = "✅"
	markNo      = "❌"
	markEvasive = "⚠️"
	markUnknown = "❔"
)

// mark returns the symbol for an answer value.
func mark(v string) string {
	switch v {
	case storage.MarkYes:
		return markYes
	case storage.MarkNo:
		return markNo
	case storage.MarkEvasive:
		return markEvasive
	}
	return markUnknown
}

// standing is what the group knows, computed from the latest answers; it
// is never stored.
type standing struct {
	groupName string
	officials []storage.Official
	// latest holds each official's answer that counts, by rule.
	latest map[int64]map[string]storage.Answer
	// inPlace holds, per jurisdiction key, each rule's derived status.
	inPlace map[string]map[string]string
}

// jurisdictionKey folds an official's jurisdiction: "" for the group's
// own (whether left empty or typed out), else its lower-case name.
func jurisdictionKey(j, groupName string) string {
	j = strings.TrimSpace(j)
	if j == "" || strings.EqualFold(j, strings.TrimSpace(groupName)) {
		return ""
	}
	return strings.ToLower(j)
}

// loadStanding reads the group's officials and their latest answers and
// derives, per jurisdiction and rule, whether the rule is in place: the
// most recent clear answer (yes or no) to "is it in place?" from any of
// that jurisdiction's officials; failing one, evasive when someone dodged
// the question, else unknown. An evasion never overrides a clear answer.
func (env *Env) loadStanding(ctx context.Context, groupID int64, groupName string) (*standing, error) {
	officials, err := env.Store.Officials(ctx, groupID)
	if err != nil {
		return nil, err
	}
	answers, err := env.Store.LatestAnswers(ctx, groupID)
	if err != nil {
		return nil, err
	}
	st := &standing{groupName: groupName, officials: officials, latest: map[int64]map[string]storage.Answer{}, inPlace: map[string]map[string]string{}}
	jur := map[int64]string{}
	for _, o := range officials {
		jur[o.ID] = jurisdictionKey(o.Jurisdiction, groupName)
	}
	clear := map[string]map[string]storage.Answer{} // jurisdiction → rule → latest clear answer
	for _, a := range answers {
		if st.latest[a.OfficialID] == nil {
			st.latest[a.OfficialID] = map[string]storage.Answer{}
		}
		st.latest[a.OfficialID][a.Rule] = a
		j := jur[a.OfficialID]
		if st.inPlace[j] == nil {
			st.inPlace[j], clear[j] = map[string]string{}, map[string]storage.Answer{}
		}
		switch a.InPlace {
		case storage.MarkYes, storage.MarkNo:
			if c, ok := clear[j][a.Rule]; !ok || a.CreatedAt.After(c.CreatedAt) || (a.CreatedAt.Equal(c.CreatedAt) && a.ID > c.ID) {
				clear[j][a.Rule] = a
				st.inPlace[j][a.Rule] = a.InPlace
			}
		case storage.MarkEvasive:
			if _, ok := clear[j][a.Rule]; !ok {
				st.inPlace[j][a.Rule] = storage.MarkEvasive
			}
		}
	}
	return st, nil
}

// status is the derived "in place?" of a rule in a jurisdiction.
func (st *standing) status(jur, rule string) string {
	if v := st.inPlace[jur][rule]; v != "" {
		return v
	}
	return storage.MarkUnknown
}

// of returns the officials serving the jurisdiction key.
func (st *standing) of(jur string) []storage.Official {
	var out []storage.Official
	for _, o := range st.officials {
		if jurisdictionKey(o.Jurisdiction, st.groupName) == jur {
			out = append(out, o)
		}
	}
	return out
}

// jurisdictions lists the other jurisdictions officials serve, as typed.
func (st *standing) jurisdictions() []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range st.officials {
		k := jurisdictionKey(o.Jurisdiction, st.groupName)
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, strings.TrimSpace(o.Jurisdiction))
		}
	}
	sort.Strings(out)
	return out
}

// resolveJurisdiction turns the typed jurisdiction into a key: "" or the
// group's name is the group's own; another must be one an official serves.
// It returns the key and the jurisdiction's name as officials spell it.
func (st *standing) resolveJurisdiction(typed, example string) (key, name string, err error) {
	typed = strings.TrimSpace(typed)
	k := jurisdictionKey(typed, st.groupName)
	if k == "" {
		return "", st.groupName, nil
	}
	known := st.jurisdictions()
	for _, j := range known {
		if strings.ToLower(j) == k {
			return k, j, nil
		}
	}
	if st.groupName != "" {
		known = append(known, st.groupName)
	}
	e := bot.NotFound(bot.M("scorecard.no_jurisdiction", "Name", bot.Clip(typed, 60)), bot.Closest(typed, known, 3))
	e.Example = example
	return "", "", e
}

// officialScore is one official's position on the rules not in place.
type officialScore struct {
	official storage.Official
	asked    bool
	supports int // rules not in place they would support
	evasive  int // rules they were evasive on
}

// score counts an official's support and evasions over the nine rules.
func (st *standing) score(o storage.Official) officialScore {
	jur := jurisdictionKey(o.Jurisdiction, st.groupName)
	sc := officialScore{official: o}
	for _, r := range Rules[:CoreRules] {
		a, ok := st.latest[o.ID][r.Number]
		if !ok {
			continue
		}
		sc.asked = true
		if a.InPlace == storage.MarkEvasive || a.WouldSupport == storage.MarkEvasive {
			sc.evasive++
		}
		if st.status(jur, r.Number) != storage.MarkYes && a.WouldSupport == storage.MarkYes {
			sc.supports++
		}
	}
	return sc
}

// inPlaceCount counts the nine rules in place in the jurisdiction.
func (st *standing) inPlaceCount(jur string) int {
	n := 0
	for _, r := range Rules[:CoreRules] {
		if st.status(jur, r.Number) == storage.MarkYes {
			n++
		}
	}
	return n
}

// summary is the one-line state of a jurisdiction: "3 of 9 in place;
// Sheriff Roe supports 2 more, evasive on 4".
func (st *standing) summary(locale, jur string) string {
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	officials := st.of(jur)
	if len(officials) == 0 {
		return t("scorecard.summary.no_officials")
	}
	n := st.inPlaceCount(jur)
	if n == CoreRules {
		return t("scorecard.summary.all", "Count", CoreRules)
	}
	var scores []officialScore
	for _, o := range officials {
		if sc := st.score(o); sc.asked {
			scores = append(scores, sc)
		}
	}
	if len(scores) == 0 {
		return t("scorecard.summary.none_asked", "Count", n, "Total", CoreRules)
	}
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].supports != scores[j].supports {
			return scores[i].supports > scores[j].supports
		}
		return scores[i].evasive > scores[j].evasive
	})
	parts := []string{t("scorecard.summary.in_place", "Count", n, "Total", CoreRules)}
	const shown = 3
	for i, sc := range scores {
		if i == shown {
			parts = append(parts, t("scorecard.summary.more", "Count", len(scores)-shown))
			break
		}
		p := t("scorecard.summary.supports", "Name", sc.official.Name, "Count", sc.supports)
		if sc.evasive > 0 {
			p += t("scorecard.summary.evasive", "Count", sc.evasive)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// ScorecardSummary returns the one-line summary of the group's own
// jurisdiction ("3 of 9 in place; Sheriff Roe supports 2 more, evasive on
// 4"), for the daily digest.
func (env *Env) ScorecardSummary(ctx context.Context, groupID int64, locale string) (string, error) {
	g, err := env.Store.GroupByID(ctx, groupID)
	if err != nil {
		return "", fmt.Errorf("scorecard summary: %w", err)
	}
	st, err := env.loadStanding(ctx, groupID, g.Jurisdiction)
	if err != nil {
		return "", fmt.Errorf("scorecard summary: %w", err)
	}
	return st.summary(locale, ""), nil
}

const scorecardExample = `/scorecard jurisdiction:"Cook County"`

// scorecardOfficials is how many officials' columns the scorecard shows;
// /target list ranks them all.
const scorecardOfficials = 8

func (env *Env) scorecardCommand() *bot.Command {
	return &bot.Command{
		Name: "scorecard",
		// Discord shows at most 100 characters of a description.
		Description: "Each rule: in place? (the latest clear yes/no from its officials) and each official's support",
		Example:     "/scorecard",
		Options: []bot.Option{
			{Name: "jurisdiction", Description: "Whose officials: the group's own (default) or another they serve", Kind: bot.Text, MaxLength: 100, Positional: true},
		},
		Handler: env.scorecard,
	}
}

func (env *Env) scorecard(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return bot.Reply{}, err
	}
	jur, name, err := st.resolveJurisdiction(req.Str("jurisdiction"), scorecardExample)
	if err != nil {
		return bot.Reply{}, err
	}
	if name == "" {
		name = req.T("scorecard.your_jurisdiction")
	}
	officials := st.of(jur)
	reply := bot.Reply{Title: req.T("scorecard.title", "Name", name)}
	lines := []string{st.summary(req.Locale, jur)}
	if len(officials) > 0 && st.inPlaceCount(jur) == CoreRules {
		lines = append(lines, req.T("scorecard.all_in_place"))
	}
	lines = append(lines, req.T("scorecard.legend", "Yes", markYes, "No", markNo, "Evasive", markEvasive, "Unknown", markUnknown))
	reply.Text = strings.Join(lines, "\n")
	// Show as many officials' columns as every platform takes: at most
	// scorecardOfficials, fewer when long names would break a limit.
	for n := min(len(officials), scorecardOfficials); ; n-- {
		out := scorecardFields(req, st, jur, officials[:n], reply)
		if out.Check() == nil || n <= 1 {
			return out, nil
		}
	}
}

// scorecardFields fills the reply with one field per rule, showing the
// given officials.
func scorecardFields(req *bot.Request, st *standing, jur string, shown []storage.Official, reply bot.Reply) bot.Reply {
	evasions := 0
	for _, r := range Rules {
		status := st.status(jur, r.Number)
		field := bot.Field{Name: req.T("scorecard.rule", "Number", r.Number, "Name", r.Name(req.Locale), "Mark", mark(status), "Status", req.T("scorecard.in_place."+status))}
		var cells []string
		for _, o := range shown {
			a, ok := st.latest[o.ID][r.Number]
			cells = append(cells, cell(req, bot.Clip(o.Name, 40), a, ok))
			if ok && (a.InPlace == storage.MarkEvasive || a.WouldSupport == storage.MarkEvasive) {
				evasions++
			}
		}
		if len(cells) == 0 {
			cells = []string{req.T("scorecard.no_officials")}
		}
		field.Value = strings.Join(cells, "\n")
		reply.Fields = append(reply.Fields, field)
	}
	var foot []string
	if all := len(st.of(jur)); all > len(shown) {
		foot = append(foot, req.T("scorecard.more_officials", "Count", all-len(shown)))
	}
	if others := st.jurisdictions(); len(others) > 0 && jur == "" {
		foot = append(foot, bot.Clip(req.T("scorecard.others", "List", strings.Join(others, ", ")), 150))
	}
	reply.Footer = strings.Join(foot, " ")
	if evasions > 0 {
		reply.Tone = bot.Warning
	}
	return reply
}

// cell is one official's answer on one rule as the scorecard shows it.
func cell(req *bot.Request, name string, a storage.Answer, asked bool) string {
	m, pos := position(req, a, asked)
	return m + " " + name + ": " + pos
}

// position is an official's answer on one rule, in words, with its mark;
// evasion is spelled in capitals so that it stands out everywhere.
func position(req *bot.Request, a storage.Answer, asked bool) (string, string) {
	switch {
	case !asked:
		return markUnknown, req.T("scorecard.pos.not_asked")
	case a.InPlace == storage.MarkYes:
		return markYes, req.T("scorecard.pos.in_place")
	case a.InPlace == storage.MarkEvasive:
		return markEvasive, req.T("scorecard.pos.evasive_in_place", "Support", shout(a.WouldSupport))
	}
	ws := a.WouldSupport
	if ws == "" {
		ws = storage.MarkUnknown
	}
	return mark(ws), req.T("scorecard.pos.support." + ws)
}
