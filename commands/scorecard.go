package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/storage"
)

// The marks the scorecard and targets show for yes, no, evasive and
// unknown (or not asked), and for a rule the officials disagree on.
const (
	markYes      = "✅"
	markNo       = "❌"
	markEvasive  = "⚠️"
	markUnknown  = "❔"
	markDisputed = "⚖️"
)

// statusDisputed is a rule's status, beyond the marks, when its officials
// (or an official and the group's ruling) disagree on whether it is in
// place.
const statusDisputed storage.Mark = "disputed"

// mark returns the symbol for an answer value or a rule's status.
func mark(v storage.Mark) string {
	switch v {
	case storage.MarkYes:
		return markYes
	case storage.MarkNo:
		return markNo
	case storage.MarkEvasive:
		return markEvasive
	case statusDisputed:
		return markDisputed
	}
	return markUnknown
}

// dodges reports whether an answer dodged either question.
func dodges(a storage.Answer) bool {
	return a.InPlace == storage.MarkEvasive || a.WouldSupport == storage.MarkEvasive
}

// voice is one clear statement on whether a rule is in place: an official's
// latest answer, or the group's ruling (official nil).
type voice struct {
	official *storage.Official
	value    storage.Mark // yes or no
	at       time.Time
}

// ruleStatus is what the group knows about one rule.
type ruleStatus struct {
	// value is yes, no, statusDisputed, evasive or unknown.
	value storage.Mark
	// voices are the clear statements the value rests on, oldest first.
	voices []voice
	// ruling is the coordinator's ruling that still counts, if any.
	ruling *storage.Settlement
}

// standing is what the group knows, computed from its officials' latest
// answers and its rulings; it is never stored. "In place" is a fact about
// the group's jurisdiction, whichever of its officials (the city's, or
// the county's and state's around it) says so.
type standing struct {
	groupName string
	officials []storage.Official
	// latest holds each official's answer that counts, by rule.
	latest map[int64]map[string]storage.Answer
	rules  map[string]ruleStatus
}

// loadStanding reads the group's standing (its officials, their latest
// answers and the group's rulings: rows kept on write, see
// storage.Standing), and derives each rule's status: the clear answers
// ("yes" or "no" to "is it in place?") of the officials whose latest
// answer is clear, given after the latest ruling, together with that
// ruling. When they agree, that is the status; when they disagree the rule
// is disputed until a coordinator rules (/response settle). With no clear
// answer it is evasive when an official dodged, else unknown.
func (env *Env) loadStanding(ctx context.Context, groupID int64, groupName string) (*standing, error) {
	read, err := env.Store.Standing(ctx, groupID)
	if err != nil {
		return nil, err
	}
	return newStanding(groupName, read), nil
}

// newStanding derives each rule's status from the standing storage read:
// the one derivation the scorecard, the page, the image and the roll-up
// share.
func newStanding(groupName string, read *storage.Standing) *standing {
	st := &standing{groupName: groupName, officials: read.Officials, latest: read.Answers, rules: make(map[string]ruleStatus, len(Rules))}
	for _, r := range Rules {
		st.rules[r.Number] = st.derive(r.Number, read.Rulings)
	}
	return st
}

// updated is when the standing last changed: the latest answer or ruling
// that counts; zero before the first.
func (st *standing) updated() time.Time {
	var at time.Time
	later := func(t time.Time) {
		if t.After(at) {
			at = t
		}
	}
	for _, rs := range st.rules {
		if rs.ruling != nil {
			later(rs.ruling.CreatedAt)
		}
	}
	for _, o := range st.officials {
		for _, a := range st.latest[o.ID] {
			later(a.CreatedAt)
		}
	}
	return at
}

// cardRules are the rules with their statuses, named in locale, as the
// page, the image and the roll-up show them.
func (st *standing) cardRules(locale string) []card.Rule {
	out := make([]card.Rule, len(Rules))
	for i, r := range Rules {
		out[i] = card.Rule{Number: r.Number, Name: r.Name(locale), Status: card.Mark(st.status(r.Number))}
	}
	return out
}

func (st *standing) derive(rule string, rulings map[string]storage.Settlement) ruleStatus {
	var rs ruleStatus
	if s, ok := rulings[rule]; ok {
		rs.ruling = &s
		rs.voices = append(rs.voices, voice{value: s.InPlace, at: s.CreatedAt})
	}
	dodged := false
	for i := range st.officials {
		o := &st.officials[i]
		a, ok := st.latest[o.ID][rule]
		if !ok || (rs.ruling != nil && !a.CreatedAt.After(rs.ruling.CreatedAt)) {
			continue
		}
		switch a.InPlace {
		case storage.MarkYes, storage.MarkNo:
			rs.voices = append(rs.voices, voice{official: o, value: a.InPlace, at: a.CreatedAt})
		case storage.MarkEvasive:
			dodged = true
		}
	}
	sort.SliceStable(rs.voices, func(i, j int) bool { return rs.voices[i].at.Before(rs.voices[j].at) })
	switch {
	case len(rs.voices) > 0:
		rs.value = rs.voices[0].value
		for _, v := range rs.voices[1:] {
			if v.value != rs.value {
				rs.value = statusDisputed
			}
		}
	case dodged:
		rs.value = storage.MarkEvasive
	default:
		rs.value = storage.MarkUnknown
	}
	return rs
}

// status is the derived "in place?" of a rule.
func (st *standing) status(rule string) storage.Mark { return st.rules[rule].value }

// jurisdictionKey folds an official's jurisdiction: "" for the group's
// own (whether left empty or typed out), else its lower-case name.
func jurisdictionKey(j, groupName string) string {
	j = strings.TrimSpace(j)
	if j == "" || strings.EqualFold(j, strings.TrimSpace(groupName)) {
		return ""
	}
	return strings.ToLower(j)
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
	sc := officialScore{official: o}
	for _, r := range Rules[:CoreRules] {
		a, ok := st.latest[o.ID][r.Number]
		if !ok {
			continue
		}
		sc.asked = true
		if dodges(a) {
			sc.evasive++
		}
		if st.status(r.Number) != storage.MarkYes && a.WouldSupport == storage.MarkYes {
			sc.supports++
		}
	}
	return sc
}

// countStatus counts the nine rules whose status is value.
func (st *standing) countStatus(value storage.Mark) int {
	n := 0
	for _, r := range Rules[:CoreRules] {
		if st.status(r.Number) == value {
			n++
		}
	}
	return n
}

// summary is the one-line state of the campaign: "3 of 9 in place, 1
// disputed; Sheriff Roe supports 2 more, evasive on 4".
func (st *standing) summary(locale string) string {
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	if len(st.officials) == 0 {
		return t("scorecard.summary.no_officials")
	}
	n := st.countStatus(storage.MarkYes)
	if n == CoreRules {
		return t("scorecard.summary.all", "Count", CoreRules)
	}
	head := t("scorecard.summary.in_place", "Count", n, "Total", CoreRules)
	if d := st.countStatus(statusDisputed); d > 0 {
		head += t("scorecard.summary.disputed", "Count", d)
	}
	var scores []officialScore
	for _, o := range st.officials {
		if sc := st.score(o); sc.asked {
			scores = append(scores, sc)
		}
	}
	if len(scores) == 0 {
		return head + "; " + t("scorecard.summary.none_asked")
	}
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].supports != scores[j].supports {
			return scores[i].supports > scores[j].supports
		}
		return scores[i].evasive > scores[j].evasive
	})
	parts := []string{head}
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

// ScorecardSummary returns the one-line summary of the group's campaign
// ("3 of 9 in place; Sheriff Roe supports 2 more, evasive on 4"), for the
// daily digest.
func (env *Env) ScorecardSummary(ctx context.Context, groupID int64, locale string) (string, error) {
	g, err := env.Store.GroupByID(ctx, groupID)
	if err != nil {
		return "", fmt.Errorf("scorecard summary: %w", err)
	}
	return env.scorecardSummary(ctx, g, locale)
}

// scorecardSummary is ScorecardSummary for a group already read.
func (env *Env) scorecardSummary(ctx context.Context, g *storage.Group, locale string) (string, error) {
	st, err := env.loadStanding(ctx, g.ID, g.Jurisdiction)
	if err != nil {
		return "", fmt.Errorf("scorecard summary: %w", err)
	}
	return st.summary(locale), nil
}

const scorecardExample = `/scorecard jurisdiction:"Cook County"`

// scorecardCommand is /scorecard: typed alone (or with a jurisdiction) in
// the text grammar it is /scorecard show, as it was before it had
// subcommands.
func (env *Env) scorecardCommand() *bot.Command {
	return &bot.Command{
		Name:    "scorecard",
		Default: "show",
		Subcommands: []*bot.Command{
			{
				Name:    "show",
				Example: "/scorecard",
				Options: []bot.Option{
					{Name: "jurisdiction", Kind: bot.Text, MaxLength: 100, Positional: true},
				},
				ReadOnly: true,
				Handler:  env.scorecard,
			},
			env.scorecardImageCommand(),
			env.scorecardPublishCommand(),
		},
	}
}

func (env *Env) scorecard(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	return env.fromStanding(ctx, req, env.renderScorecard)
}

func (env *Env) renderScorecard(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return bot.Reply{}, err
	}
	name := req.Caller.GroupName
	if name == "" {
		name = req.T("scorecard.your_jurisdiction")
	}
	shown := st.officials
	reply := bot.Reply{Title: req.T("scorecard.title", "Name", name)}
	if req.Has("jurisdiction") {
		jur, jname, err := st.resolveJurisdiction(req.Str("jurisdiction"), scorecardExample)
		if err != nil {
			return bot.Reply{}, err
		}
		shown = st.of(jur)
		if jur != "" {
			reply.Title = req.T("scorecard.title_only", "Name", name, "Jurisdiction", jname)
			reply.Footer = req.T("scorecard.only", "Jurisdiction", jname)
		}
	} else if others := st.jurisdictions(); len(others) > 0 {
		reply.Footer = bot.Clip(req.T("scorecard.others", "List", strings.Join(others, ", "), "First", others[0]), 250)
	}
	lines := []string{st.summary(req.Locale)}
	if len(st.officials) > 0 && st.countStatus(storage.MarkYes) == CoreRules {
		lines = append(lines, req.T("scorecard.all_in_place"))
	}
	lines = append(lines, req.T("scorecard.legend", "Yes", markYes, "No", markNo, "Evasive", markEvasive, "Unknown", markUnknown, "Disputed", markDisputed))
	reply.Text = strings.Join(lines, "\n")
	for _, r := range Rules {
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("scorecard.rule", "Number", r.Number, "Name", r.Name(req.Locale),
			"Mark", mark(st.status(r.Number)), "Status", req.T("scorecard.in_place."+string(st.status(r.Number))))})
	}
	// The rules share what the reply may hold, so that no platform cuts
	// it: a rule that needs less than an equal share leaves the rest to
	// the others. Within its share, what matters comes first.
	room := bot.MaxReplyChars - reply.Size() - 20
	limits := make([]int, len(Rules))
	need := make([]int, len(Rules))
	for i, r := range Rules {
		text, _ := st.ruleCells(req, r, shown, bot.MaxFieldValue)
		need[i] = utf8.RuneCountInString(text)
	}
	for left, open := room, len(Rules); open > 0; {
		share, settled := left/open, false
		for i := range Rules {
			if limits[i] == 0 && need[i] <= share {
				// Given as much as it was measured with, it renders the same.
				limits[i], left, open, settled = bot.MaxFieldValue, left-need[i], open-1, true
			}
		}
		if !settled {
			for i := range Rules {
				if limits[i] == 0 {
					limits[i] = min(share, bot.MaxFieldValue)
				}
			}
			break
		}
	}
	evasions := 0
	for i, r := range Rules {
		var n int
		reply.Fields[i].Value, n = st.ruleCells(req, r, shown, limits[i])
		evasions += n
	}
	if evasions > 0 || st.countStatus(statusDisputed) > 0 {
		reply.Tone = bot.Warning
	}
	return reply, nil
}

// ruleCells lists the officials' positions on one rule within limit
// characters: a disputed rule's statements first, then evasions, then
// the other answers, then who was not asked, by name. What does not fit is
// counted, never dropped silently. It returns the text and the number of
// evasive answers it covers.
func (st *standing) ruleCells(req *bot.Request, r Rule, officials []storage.Official, limit int) (string, int) {
	rs := st.rules[r.Number]
	var head, notAsked []string
	// The answers are written only as far as they fit: a large group has
	// more officials than a field can show.
	var dodged, clear []*storage.Official
	if rs.value == statusDisputed {
		head = append(head, st.dispute(req, r, rs, limit/2))
	} else if rs.ruling != nil {
		head = append(head, req.T("scorecard.ruled", "Value", req.T("scorecard.in_place."+string(rs.ruling.InPlace)), "When", shortDate(rs.ruling.CreatedAt, req.Location())))
	}
	for i := range officials {
		o := &officials[i]
		a, ok := st.latest[o.ID][r.Number]
		switch {
		case !ok:
			notAsked = append(notAsked, o.Name)
		case dodges(a):
			dodged = append(dodged, o)
		default:
			clear = append(clear, o)
		}
	}
	if len(officials) == 0 {
		return req.T("scorecard.no_officials"), 0
	}
	// The dispute or ruling comes first and is always shown; then as many
	// answers as fit, evasions first, with a count of the rest; then who
	// was not asked, by name.
	text := strings.Join(head, "\n")
	budget := limit - utf8.RuneCountInString(text)
	notAskedLine := ""
	if len(notAsked) > 0 {
		prefix := markUnknown + " " + req.T("scorecard.not_asked_prefix", "Count", len(notAsked)) + " "
		notAskedLine = fitNames(req.T, prefix, notAsked, min(budget/2, bot.MaxItem))
		budget -= utf8.RuneCountInString(notAskedLine) + 1
	}
	all := append(dodged, clear...)
	cells := fitLinesOf(len(all), func(i int) string { return cell(req, bot.Clip(all[i].Name, 40), st.latest[all[i].ID][r.Number], true) },
		budget-1, func(n int) string { return req.T("scorecard.more_answers", "Count", n) })
	for _, part := range []string{cells, notAskedLine} {
		switch {
		case part == "":
		case text == "":
			text = part
		default:
			text += "\n" + part
		}
	}
	return text, len(dodged)
}

// dispute states who said what about a disputed rule, and how to settle it.
func (st *standing) dispute(req *bot.Request, r Rule, rs ruleStatus, limit int) string {
	return req.T("scorecard.dispute", "Mark", markDisputed, "Statements", statements(req, rs, limit), "Rule", r.Number)
}

// statements groups the clear statements a rule's status rests on by what
// they say, each group's names fitted in limit characters: "in place:
// Jane Roe (Dec 3), the group's ruling (Dec 4); not in place: Joe Quimby
// (Dec 5)".
func statements(req *bot.Request, rs ruleStatus, limit int) string {
	loc := req.Location()
	var parts []string
	for _, value := range []storage.Mark{storage.MarkYes, storage.MarkNo} {
		var who []string
		for _, v := range rs.voices {
			if v.value != value {
				continue
			}
			name := req.T("scorecard.ruling")
			if v.official != nil {
				name = v.official.Name
			}
			who = append(who, req.T("scorecard.said", "Who", name, "When", shortDate(v.at, loc)))
		}
		if len(who) > 0 {
			parts = append(parts, fitNames(req.T, req.T("scorecard.says", "Value", req.T("scorecard.in_place."+string(value)))+" ", who, limit/2))
		}
	}
	return strings.Join(parts, "; ")
}

// shortDate is a day as lists show it: "Dec 3"; "3 dic".
func shortDate(t time.Time, loc *time.Location) bot.Moment { return bot.At(t, loc, bot.DateShort) }

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
	return mark(ws), req.T("scorecard.pos.support." + string(ws))
}
