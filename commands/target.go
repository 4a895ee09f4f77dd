package commands

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	targetListExample = `/target list`
	targetShowExample = `/target show official:"Sheriff Roe"`
)

// target is one official's place on the pressure-point list.
type target struct {
	official storage.Official
	asked    bool
	open     []Rule // not in place and not committed to (evasive counts as not)
	evasive  []Rule
	refused  []Rule
}

func (t target) state() targetState { return stateOf(t.asked, len(t.evasive), len(t.refused)) }

// first reports whether the official is an unasked chief law-enforcement
// officer: the guide's first meeting, ahead of everyone.
func (t target) first() bool {
	return !t.asked && (t.official.Office == storage.OfficeSheriff || t.official.Office == storage.OfficePoliceChief)
}

// targets ranks officials by what remains to win with them.
func (st *standing) targets(officials []storage.Official) []target {
	var out []target
	for _, o := range officials {
		t := target{official: o}
		for _, r := range Rules[:CoreRules] {
			a, answered := st.latest[o.ID][r.Number]
			t.asked = t.asked || answered
			if answered && dodges(a) {
				t.evasive = append(t.evasive, r)
			}
			if st.status(r.Number) == storage.MarkYes {
				continue
			}
			if answered && a.WouldSupport == storage.MarkNo {
				t.refused = append(t.refused, r)
			}
			if !answered || a.WouldSupport != storage.MarkYes {
				t.open = append(t.open, r)
			}
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.first() != b.first():
			return a.first()
		case len(a.open) != len(b.open):
			return len(a.open) > len(b.open)
		case len(a.evasive) != len(b.evasive):
			return len(a.evasive) > len(b.evasive)
		case a.official.Office.Rank() != b.official.Office.Rank():
			return a.official.Office.Rank() < b.official.Office.Rank()
		}
		return a.official.Number < b.official.Number
	})
	return out
}

func ruleNumbers(rules []Rule) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = "#" + r.Number
	}
	return strings.Join(parts, " ")
}

func (env *Env) targetCommand() *bot.Command {
	return &bot.Command{
		Name: "target",
		Subcommands: []*bot.Command{
			{
				Name:    "list",
				Example: targetListExample,
				Options: []bot.Option{
					{Name: "jurisdiction", Kind: bot.Text, MaxLength: 100, Positional: true},
					pageOption(),
				},
				ReadOnly: true,
				Handler:  env.targetList,
			},
			{
				Name:    "show",
				Example: targetShowExample,
				Options: []bot.Option{
					{Name: "official", Kind: bot.Text, Required: true, MaxLength: 100, Autocomplete: "official"},
				},
				ReadOnly: true,
				Handler:  env.targetShow,
			},
		},
	}
}

func (env *Env) targetList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	return env.fromStanding(ctx, req, env.renderTargetList)
}

func (env *Env) renderTargetList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return bot.Reply{}, err
	}
	officials := st.officials
	if req.Has("jurisdiction") {
		jur, _, err := st.resolveJurisdiction(req.Str("jurisdiction"), `/target list jurisdiction:"Cook County"`)
		if err != nil {
			return bot.Reply{}, err
		}
		officials = st.of(jur)
	}
	var open []target
	var committed []string
	for _, t := range st.targets(officials) {
		if len(t.open) == 0 {
			committed = append(committed, t.official.Name)
			continue
		}
		open = append(open, t)
	}
	reply := bot.Reply{Title: req.T("target.list.title", "Count", len(open))}
	if len(officials) == 0 {
		reply.Text = req.T("target.list.no_officials")
		return reply, nil
	}
	// The ranking needs every official; only the page shown is written.
	p, _ := req.Int("page")
	offset, limit, footer := bot.PageWindow(req.Locale, len(open), int(p), bot.MaxItems-1)
	for i := offset; i < min(offset+limit, len(open)); i++ {
		reply.Items = append(reply.Items, bot.Clip(targetLine(req, i+1, open[i]), bot.MaxItem))
	}
	reply.Footer = footer
	switch {
	case len(open) == 0:
		reply.Text = req.T("target.list.all_won")
	default:
		reply.Text = req.T("target.list.intro")
	}
	if len(committed) > 0 {
		reply.Text += "\n" + req.T("target.list.committed", "Names", fitNames(req.T, "", committed, 400))
	}
	return reply, nil
}

// targetLine is one official on the pressure-point list.
func targetLine(req *bot.Request, n int, t target) string {
	who := t.official.Name + " (" + string(t.official.Office)
	if t.official.Jurisdiction != "" {
		who += ", " + t.official.Jurisdiction
	}
	who += ")"
	var names []string
	for _, tc := range suggestTactics(t.official.Office, t.state()) {
		names = append(names, tc.Name)
	}
	line := req.T("target.line", "N", n, "Who", who, "Count", len(t.open), "Rules", ruleNumbers(t.open), "Asked", t.asked)
	if len(t.evasive) > 0 {
		line += "; " + req.T("target.line.evasive", "Mark", markEvasive, "Rules", ruleNumbers(t.evasive))
	}
	return line + " · " + req.T("target.line.tactics", "List", strings.Join(names, ", "))
}

func (env *Env) targetShow(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("official"))
	if err != nil {
		return bot.Reply{}, withExample(err, targetShowExample)
	}
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return bot.Reply{}, err
	}
	t := st.targets([]storage.Official{*o})[0]
	reply := bot.Reply{Title: req.T("target.show.title", "Name", o.Name, "Office", o.Office)}
	quoted := strconv.Quote(o.Name)
	switch {
	case len(t.open) == 0:
		reply.Text = req.T("target.show.won", "Name", o.Name)
		reply.Tone = bot.Success
		return reply, nil
	case !t.asked:
		reply.Text = req.T("target.show.not_asked", "Name", o.Name, "Count", len(t.open), "Official", quoted)
	default:
		reply.Text = req.T("target.show.open", "Name", o.Name, "Count", len(t.open), "Evasive", len(t.evasive))
	}
	var open []string
	for _, r := range t.open {
		a, ok := st.latest[o.ID][r.Number]
		line := req.T("target.show.rule", "Number", r.Number, "Name", r.Name(req.Locale), "Mark", mark(st.status(r.Number)),
			"Status", req.T("scorecard.in_place."+string(st.status(r.Number))))
		m, pos := position(req, a, ok)
		open = append(open, line+" · "+req.T("target.show.position", "Mark", m, "Position", pos))
	}
	reply.Fields = append(reply.Fields, bot.Field{Name: req.T("target.show.open_rules", "Count", len(t.open)), Value: strings.Join(open, "\n")})
	if len(t.evasive) > 0 {
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("target.show.evasions", "Mark", markEvasive), Value: req.T("target.show.evasions_text", "Rules", ruleNumbers(t.evasive))})
		reply.Tone = bot.Warning
	}
	rules := strings.TrimPrefix(strings.ReplaceAll(ruleNumbers(t.open), " #", ", "), "#")
	for _, tc := range suggestTactics(o.Office, t.state()) {
		title := req.T("target.task."+tc.Name, "Name", o.Name, "Rules", rules)
		cmd := "/task add title:" + strconv.Quote(bot.Clip(title, taskMaxTitle)) + " tactic:" + tc.Name
		reply.Fields = append(reply.Fields, bot.Field{
			Name:  req.T("target.show.tactic", "Name", tc.Name),
			Value: req.T("target.show.tactic_text", "Description", tc.Description(req.Locale), "Command", cmd),
		})
	}
	reply.Buttons = []bot.Button{{Label: req.T("target.show.sheet_button"), Action: "response sheet official:" + quoted}}
	return reply, nil
}
