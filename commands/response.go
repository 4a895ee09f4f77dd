package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	responseLogExample     = `/response log official:"Sheriff Roe" rule:3 in-place:no would-support:yes meeting:1`
	responseHistoryExample = `/response history official:"Sheriff Roe" rule:3`
	responseBulkExample    = `/response bulk official:"Sheriff Roe" in-place:"y n n y e u n n n" would-support:"- y n - e u y n e"`
	responseSheetExample   = `/response sheet official:"Sheriff Roe"`
)

var (
	answerValues = []string{storage.MarkYes, storage.MarkNo, storage.MarkEvasive, storage.MarkUnknown}
	sourceValues = []string{storage.SourceMeeting, storage.SourceCall, storage.SourceLetter, storage.SourcePublicRecord}
)

func (env *Env) responseCommand() *bot.Command {
	official := bot.Option{Name: "official", Description: "The official who answered, by name", Kind: bot.Text, Required: true, MaxLength: 100, Autocomplete: "official"}
	meeting := bot.Option{Name: "meeting", Description: "The meeting where they answered (its number)", Kind: bot.Integer, Autocomplete: "meeting"}
	source := bot.Option{Name: "source", Description: "Where the answer came from (meeting when meeting: is given)", Kind: bot.Choice, Choices: bot.Choices(sourceValues...)}
	note := bot.Option{Name: "note", Description: "What they said, in brief", Kind: bot.Text, MaxLength: 500}
	return &bot.Command{
		Name:        "response",
		Description: "Log officials' answers on the rules: is it in place? would you support it?",
		Subcommands: []*bot.Command{
			{
				Name:        "log",
				Description: "Log one official's answer on one rule; the latest answer counts, history is kept",
				Example:     responseLogExample,
				Options: []bot.Option{
					official,
					{Name: "rule", Description: "The rule number: 1 to 9, or 1373", Kind: bot.Text, Required: true, MaxLength: 8},
					{Name: "in-place", Description: "Is the rule in place?", Kind: bot.Choice, Required: true, Choices: bot.Choices(answerValues...)},
					{Name: "would-support", Description: "If not in place: would they support it?", Kind: bot.Choice, Choices: bot.Choices(answerValues...)},
					meeting, source, note,
				},
				Handler: env.responseLog,
			},
			{
				Name:        "bulk",
				Description: "Log all nine answers of one official at once: one mark per rule, y/n/e/u (- where not asked)",
				Example:     responseBulkExample,
				Options: []bot.Option{
					official,
					{Name: "in-place", Description: "Nine (or ten, with 1373) marks y/n/e/u: is each rule in place?", Kind: bot.Text, Required: true, MaxLength: 120},
					{Name: "would-support", Description: "The same number of marks y/n/e/u, - where the rule is in place", Kind: bot.Text, MaxLength: 120},
					meeting, source, note,
				},
				Handler: env.responseBulk,
			},
			{
				Name:        "sheet",
				Description: "An answer sheet for one official: a dialog on Discord and Slack, the bulk syntax elsewhere",
				Example:     responseSheetExample,
				Options:     []bot.Option{official},
				Handler:     env.responseSheet,
			},
			{
				Name:        "history",
				Description: "Every answer an official gave, newest first",
				Example:     responseHistoryExample,
				Options: []bot.Option{
					official,
					{Name: "rule", Description: "Only this rule: 1 to 9, or 1373", Kind: bot.Text, MaxLength: 8},
					pageOption(),
				},
				Handler: env.responseHistory,
			},
		},
	}
}

// answerContext reads the options shared by log and bulk: the official,
// the meeting and the source, checked against each other.
func (env *Env) answerContext(ctx context.Context, req *bot.Request, example string) (*storage.Official, *storage.Meeting, string, error) {
	o, err := env.official(ctx, req, req.Str("official"))
	if err != nil {
		return nil, nil, "", withExample(err, example)
	}
	source := req.Str("source")
	var m *storage.Meeting
	if n, ok := req.Int("meeting"); ok {
		if m, err = env.meeting(ctx, req, n); err != nil {
			return nil, nil, "", withExample(err, example)
		}
		if source != "" && source != storage.SourceMeeting {
			return nil, nil, "", bot.Invalid("source", bot.M("response.source_not_meeting", "Source", source, "Number", n), example)
		}
		source = storage.SourceMeeting
	} else if source == storage.SourceMeeting {
		return nil, nil, "", bot.Invalid("meeting", bot.M("response.meeting_missing"), example)
	}
	return o, m, source, nil
}

func (env *Env) responseLog(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	rule, ok := RuleByNumber(req.Str("rule"))
	if !ok {
		return bot.Reply{}, errUnknownRule("rule", bot.Clip(req.Str("rule"), 8), responseLogExample)
	}
	inPlace, support := req.Str("in-place"), req.Str("would-support")
	if inPlace == storage.MarkYes && support != "" {
		return bot.Reply{}, bot.Invalid("would-support", bot.M("response.contradictory", "Rule", rule.Number), responseLogExample)
	}
	o, m, source, err := env.answerContext(ctx, req, responseLogExample)
	if err != nil {
		return bot.Reply{}, err
	}
	a := storage.Answer{
		GroupID: req.Caller.GroupID, OfficialID: o.ID, Rule: rule.Number, InPlace: inPlace, WouldSupport: support,
		Source: source, Note: strings.TrimSpace(req.Str("note")), LoggedBy: &req.Caller.MemberID,
	}
	if m != nil {
		a.MeetingID = &m.ID
	}
	var before string
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		prev, _, err := tx.AnswerHistory(ctx, req.Caller.GroupID, o.ID, rule.Number, 1, 0)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			before = answerText(prev[0].Answer)
		}
		if err := tx.AddAnswers(ctx, []storage.Answer{a}); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "response.log", "official", o.Number, before, answerText(a))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title: req.T("response.logged.title", "Name", o.Name, "Number", rule.Number, "Rule", rule.Name(req.Locale)),
		Text:  answerLine(req, a),
		Tone:  bot.Success,
	}
	if before != "" {
		reply.Footer = req.T("response.replaces", "Before", before)
	}
	if inPlace == storage.MarkEvasive || support == storage.MarkEvasive {
		reply.Text += "\n" + req.T("response.call_out", "Name", o.Name)
		reply.Tone = bot.Warning
	}
	return reply, nil
}

// answerText is an answer as the audit log records it.
func answerText(a storage.Answer) string {
	s := fmt.Sprintf("rule %s: in place %s", a.Rule, a.InPlace)
	if a.WouldSupport != "" {
		s += ", would support " + a.WouldSupport
	}
	return s
}

// answerLine shows an answer's two questions with their marks; an evasion
// is written in capitals so that it stands out.
func answerLine(req *bot.Request, a storage.Answer) string {
	s := req.T("response.in_place", "Mark", mark(a.InPlace), "Value", shout(a.InPlace))
	if a.WouldSupport != "" {
		s += " · " + req.T("response.would_support", "Mark", mark(a.WouldSupport), "Value", shout(a.WouldSupport))
	}
	return s
}

func shout(v string) string {
	if v == storage.MarkEvasive {
		return strings.ToUpper(v)
	}
	return v
}

// bulkMarks reads a list of answers typed as marks: y/n/e/u (or the words
// yes, no, evasive, unknown), "-" for not asked, with or without spaces,
// commas or other separators. It returns one value per rule ("" for "-"),
// or an Invalid error that names the field and the position at fault.
func bulkMarks(field, raw string, allowDash bool) ([]string, error) {
	words := strings.FieldsFunc(strings.ToLower(raw), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;|/.:", r)
	})
	var tokens []string
	for _, w := range words {
		w = strings.ReplaceAll(w, "\ufe0f", "") // the emoji presentation selector of ⚠️
		if _, ok := markWords[w]; ok {
			tokens = append(tokens, w)
			continue
		}
		for _, r := range w { // "ynnyeu": one mark per letter
			if unicode.IsDigit(r) { // "1y 2n …": rule numbers typed along
				continue
			}
			tokens = append(tokens, string(r))
		}
	}
	if n := len(tokens); n != CoreRules && n != len(Rules) {
		return nil, bot.Invalid(field, bot.M("response.bulk.count", "Field", field, "Count", n), responseBulkExample)
	}
	out := make([]string, len(tokens))
	for i, tok := range tokens {
		v, ok := markWords[tok]
		if !ok || (v == "" && !allowDash) {
			return nil, bot.Invalid(field, bot.M("response.bulk.bad_mark", "Field", field, "Rule", Rules[i].Number, "Position", i+1, "Value", bot.Clip(tok, 12), "Dash", allowDash), responseBulkExample)
		}
		out[i] = v
	}
	return out, nil
}

var markWords = map[string]string{
	"y": storage.MarkYes, "yes": storage.MarkYes, "✅": storage.MarkYes,
	"n": storage.MarkNo, "no": storage.MarkNo, "❌": storage.MarkNo,
	"e": storage.MarkEvasive, "evasive": storage.MarkEvasive, "⚠": storage.MarkEvasive,
	"u": storage.MarkUnknown, "unknown": storage.MarkUnknown, "?": storage.MarkUnknown, "❔": storage.MarkUnknown,
	"-": "", "–": "", "—": "", "na": "",
}

func (env *Env) responseBulk(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	inPlace, err := bulkMarks("in-place", req.Str("in-place"), false)
	if err != nil {
		return bot.Reply{}, err
	}
	support := make([]string, len(inPlace))
	if req.Has("would-support") {
		if support, err = bulkMarks("would-support", req.Str("would-support"), true); err != nil {
			return bot.Reply{}, err
		}
		if len(support) != len(inPlace) {
			return bot.Reply{}, bot.Invalid("would-support", bot.M("response.bulk.lengths", "Support", len(support), "InPlace", len(inPlace)), responseBulkExample)
		}
	}
	for i := range inPlace {
		if inPlace[i] == storage.MarkYes && support[i] != "" {
			return bot.Reply{}, bot.Invalid("would-support", bot.M("response.bulk.contradictory", "Rule", Rules[i].Number, "Position", i+1), responseBulkExample)
		}
	}
	o, m, source, err := env.answerContext(ctx, req, responseBulkExample)
	if err != nil {
		return bot.Reply{}, err
	}
	answers := make([]storage.Answer, len(inPlace))
	for i := range inPlace {
		answers[i] = storage.Answer{
			GroupID: req.Caller.GroupID, OfficialID: o.ID, Rule: Rules[i].Number, InPlace: inPlace[i], WouldSupport: support[i],
			Source: source, Note: strings.TrimSpace(req.Str("note")), LoggedBy: &req.Caller.MemberID,
		}
		if m != nil {
			answers[i].MeetingID = &m.ID
		}
	}
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		before, err := env.latestMarks(ctx, tx, req.Caller.GroupID, o.ID)
		if err != nil {
			return err
		}
		if err := tx.AddAnswers(ctx, answers); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "response.bulk", "official", o.Number, before, marksText(answers))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("response.bulk.title", "Name", o.Name, "Count", len(answers)), Tone: bot.Success}
	var evasive []string
	for i, a := range answers {
		reply.Items = append(reply.Items, req.T("response.bulk.line", "Number", Rules[i].Number, "Rule", Rules[i].Name(req.Locale), "Answer", answerLine(req, a)))
		if a.InPlace == storage.MarkEvasive || a.WouldSupport == storage.MarkEvasive {
			evasive = append(evasive, "#"+a.Rule)
		}
	}
	if len(evasive) > 0 {
		reply.Text = req.T("response.bulk.call_out", "Name", o.Name, "Rules", strings.Join(evasive, " "))
		reply.Tone = bot.Warning
	}
	reply.Footer = req.T("response.bulk.next")
	return reply, nil
}

// latestMarks is the official's current answers in the bulk notation, for
// the audit log's "before".
func (env *Env) latestMarks(ctx context.Context, tx *storage.Store, groupID, officialID int64) (string, error) {
	all, err := tx.LatestAnswers(ctx, groupID)
	if err != nil {
		return "", err
	}
	var mine []storage.Answer
	for _, a := range all {
		if a.OfficialID == officialID {
			mine = append(mine, a)
		}
	}
	if len(mine) == 0 {
		return "", nil
	}
	byRule := map[string]storage.Answer{}
	for _, a := range mine {
		byRule[a.Rule] = a
	}
	list := make([]storage.Answer, len(Rules))
	for i, r := range Rules {
		list[i] = byRule[r.Number]
	}
	return marksText(list), nil
}

// marksText writes answers in the bulk notation: "in place ynnyeuynn;
// support -yn-eu-yn" (u for a rule never answered).
func marksText(answers []storage.Answer) string {
	var ip, ws strings.Builder
	for _, a := range answers {
		ip.WriteString(letter(a.InPlace))
		if a.WouldSupport == "" {
			ws.WriteString("-")
		} else {
			ws.WriteString(letter(a.WouldSupport))
		}
	}
	return "in place " + ip.String() + "; support " + ws.String()
}

func letter(v string) string {
	if v == "" {
		return "u"
	}
	return v[:1]
}

func (env *Env) responseSheet(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("official"))
	if err != nil {
		return bot.Reply{}, withExample(err, responseSheetExample)
	}
	var rules []string
	for _, r := range Rules {
		rules = append(rules, req.T("response.sheet.rule", "Number", r.Number, "Name", r.Name(req.Locale)))
	}
	quoted := strconv.Quote(o.Name)
	return bot.Reply{
		Title: req.T("response.sheet.title", "Name", o.Name),
		Text:  req.T("response.sheet.text", "Official", quoted),
		Items: rules,
		Form: &bot.Form{
			Title:   bot.Clip(req.T("response.sheet.form_title", "Name", o.Name), 45),
			Command: "response bulk",
			Fixed:   map[string]string{"official": o.Name},
			Fields: []bot.FormField{
				{Option: "in-place", Label: req.T("response.sheet.in_place"), Placeholder: "y n n y e u n n n", Required: true},
				{Option: "would-support", Label: req.T("response.sheet.would_support"), Placeholder: "- y n - e u y n e"},
				{Option: "note", Label: req.T("response.sheet.note"), Long: true},
			},
		},
		Ephemeral: true,
	}, nil
}

// historyPer is how many answers one page of history shows.
const historyPer = 15

func (env *Env) responseHistory(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("official"))
	if err != nil {
		return bot.Reply{}, withExample(err, responseHistoryExample)
	}
	var rule Rule
	if req.Has("rule") {
		var ok bool
		if rule, ok = RuleByNumber(req.Str("rule")); !ok {
			return bot.Reply{}, errUnknownRule("rule", bot.Clip(req.Str("rule"), 8), responseHistoryExample)
		}
	}
	page, _ := req.Int("page")
	total, err := env.countHistory(ctx, req, o.ID, rule.Number)
	if err != nil {
		return bot.Reply{}, err
	}
	offset, footer := pageWindow(req.Locale, total, int(page), historyPer)
	rows, _, err := env.Store.AnswerHistory(ctx, req.Caller.GroupID, o.ID, rule.Number, historyPer, offset)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("response.history.title", "Name", o.Name), Footer: footer}
	if rule.Number != "" {
		reply.Title = req.T("response.history.title_rule", "Name", o.Name, "Number", rule.Number, "Rule", rule.Name(req.Locale))
	}
	if total == 0 {
		reply.Text = req.T("response.history.none", "Official", strconv.Quote(o.Name))
		return reply, nil
	}
	for _, r := range rows {
		line := req.T("response.history.line", "When", FormatTime(r.CreatedAt, req.Location()), "Number", r.Rule, "Answer", answerLine(req, r.Answer), "By", r.LoggedByName)
		if r.Source != "" {
			line += " · " + r.Source
		}
		if r.MeetingNumber != nil {
			line += " " + strconv.FormatInt(*r.MeetingNumber, 10)
		}
		if r.Note != "" {
			line += " · “" + r.Note + "”"
		}
		reply.Items = append(reply.Items, bot.Clip(line, bot.MaxItem))
	}
	return reply, nil
}

func (env *Env) countHistory(ctx context.Context, req *bot.Request, officialID int64, rule string) (int64, error) {
	_, total, err := env.Store.AnswerHistory(ctx, req.Caller.GroupID, officialID, rule, 1, 0)
	return total, err
}

// pageWindow returns the offset of page p (1-based, clamped) of total
// items shown per to a page, and the footer that says how to see the rest,
// worded as bot.Page words it.
func pageWindow(locale string, total int64, p, per int) (offset int, footer string) {
	pages := int((total + int64(per) - 1) / int64(per))
	if pages == 0 {
		return 0, ""
	}
	p = max(1, min(p, pages))
	offset = (p - 1) * per
	end := min(int64(offset+per), total)
	if rest := total - end; rest > 0 {
		return offset, bot.Translate(locale, bot.M("page.more", "Page", p, "Pages", pages, "Rest", rest, "Next", p+1))
	}
	if pages > 1 {
		return offset, bot.Translate(locale, bot.M("page.last", "Page", p, "Pages", pages))
	}
	return offset, ""
}

// withExample adds a working example to an expected error that has none,
// such as the shared lookups' "not found".
func withExample(err error, example string) error {
	var e *bot.Error
	if errors.As(err, &e) && e.Example == "" {
		e.Example = example
	}
	return err
}
