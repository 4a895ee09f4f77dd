package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	responseSettleExample  = `/response settle rule:3 in-place:yes note:"County policy 2019-4, checked with the clerk"`
)

var (
	sourceValues = []string{storage.SourceMeeting, storage.SourceCall, storage.SourceLetter, storage.SourcePublicRecord}
)

func (env *Env) responseCommand() *bot.Command {
	official := bot.Option{Name: "official", Kind: bot.Text, Required: true, MaxLength: 100, Autocomplete: "official"}
	meeting := bot.Option{Name: "meeting", Kind: bot.Integer, Autocomplete: "meeting"}
	source := bot.Option{Name: "source", Kind: bot.Choice, Choices: bot.Choices(sourceValues...)}
	note := bot.Option{Name: "note", Kind: bot.Text, MaxLength: 500, NoContact: true}
	return &bot.Command{
		Name: "response",
		Subcommands: []*bot.Command{
			{
				Name:    "log",
				Example: responseLogExample,
				Options: []bot.Option{
					official,
					{Name: "rule", Kind: bot.Text, Required: true, MaxLength: 8},
					{Name: "in-place", Kind: bot.Choice, Required: true, Choices: bot.Choices(storage.Marks...)},
					{Name: "would-support", Kind: bot.Choice, Choices: bot.Choices(storage.Marks...)},
					meeting, source, note,
				},
				Handler: env.responseLog,
			},
			{
				Name:    "bulk",
				Example: responseBulkExample,
				Options: []bot.Option{
					official,
					{Name: "in-place", Kind: bot.Text, Required: true, MaxLength: 120},
					{Name: "would-support", Kind: bot.Text, MaxLength: 120},
					meeting, source, note,
				},
				Handler: env.responseBulk,
			},
			{
				Name:     "sheet",
				Example:  responseSheetExample,
				Options:  []bot.Option{official},
				ReadOnly: true,
				Handler:  env.responseSheet,
			},
			{
				Name:    "settle",
				Example: responseSettleExample,
				Level:   bot.Coordinator,
				Options: []bot.Option{
					{Name: "rule", Kind: bot.Text, Required: true, MaxLength: 8},
					{Name: "in-place", Kind: bot.Choice, Required: true, Choices: bot.Choices(storage.MarkYes, storage.MarkNo)},
					{Name: "note", Kind: bot.Text, MaxLength: 500, NoContact: true},
				},
				Handler: env.responseSettle,
			},
			{
				Name:    "history",
				Example: responseHistoryExample,
				Options: []bot.Option{
					official,
					{Name: "rule", Kind: bot.Text, MaxLength: 8},
					pageOption(),
				},
				ReadOnly: true,
				Handler:  env.responseHistory,
			},
		},
	}
}

// answerContext reads the options shared by log and bulk: the official,
// the meeting and the source, checked against each other, and whether the
// caller may log answers for them.
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
		if err := env.answerMeeting(ctx, req, o, m); err != nil {
			return nil, nil, "", err
		}
		if source != "" && source != storage.SourceMeeting {
			return nil, nil, "", bot.Invalid("source", bot.M("response.source_not_meeting", "Source", source, "Number", n), example)
		}
		source = storage.SourceMeeting
	} else if source == storage.SourceMeeting {
		return nil, nil, "", bot.Invalid("meeting", bot.M("response.meeting_missing"), example)
	}
	if err := env.mayRecord(ctx, req, m, "response.forbidden"); err != nil {
		return nil, nil, "", err
	}
	return o, m, source, nil
}

// answerMeeting refuses a meeting that an official's answers cannot come
// from: one with another official or with none, a cancelled one, or one
// that has not taken place yet. The example names a meeting that fits,
// when there is one.
func (env *Env) answerMeeting(ctx context.Context, req *bot.Request, o *storage.Official, m *storage.Meeting) error {
	held, err := env.Store.MeetingsHeldWith(ctx, req.Caller.GroupID, o.ID, req.Now, 1)
	if err != nil {
		return err
	}
	example := fmt.Sprintf("/response log official:%s rule:1 in-place:no source:call", strconv.Quote(o.Name))
	if len(held) > 0 && held[0].ID != m.ID {
		example = fmt.Sprintf("/response log official:%s rule:1 in-place:no meeting:%d", strconv.Quote(o.Name), held[0].Number)
	}
	var msg bot.Message
	switch {
	case m.Status == storage.MeetingCancelled:
		msg = bot.M("response.meeting_cancelled", "Number", m.Number)
	case m.OfficialID == nil:
		msg = bot.M("response.meeting_no_official", "Number", m.Number, "Kind", kindLabel(req, m.Kind), "Name", o.Name)
	case *m.OfficialID != o.ID:
		other, err := env.Store.OfficialByID(ctx, req.Caller.GroupID, *m.OfficialID)
		if err != nil {
			return err
		}
		msg = bot.M("response.meeting_other_official", "Number", m.Number, "Other", other.Name, "Name", o.Name)
	case !m.TookPlace(req.Now):
		msg = bot.M("response.meeting_not_yet", "Number", m.Number, "When", FormatTime(m.StartsAt, req.Location()))
	default:
		return nil
	}
	return bot.Invalid("meeting", msg, example)
}

// recordRoles may record a meeting's outcome (log answers, file the
// report-back) besides coordinators and leads, group-wide or for that
// meeting.
var recordRoles = []storage.Role{storage.RoleSpokesperson, storage.RoleReporter, storage.RoleNoteTaker}

// mayRecord refuses a caller who may not record m's outcome (m nil: by
// group-wide roles only), naming who may; refusal is the message id.
func (env *Env) mayRecord(ctx context.Context, req *bot.Request, m *storage.Meeting, refusal string) error {
	if req.Caller.Level >= bot.Coordinator {
		return nil
	}
	var meetingID *int64
	var id int64
	if m != nil {
		meetingID, id = &m.ID, m.ID
	}
	ok, err := env.Store.HoldsRole(ctx, req.Caller.GroupID, req.Caller.MemberID, id, recordRoles...)
	if err != nil || ok {
		return err
	}
	holders, err := env.Store.RoleHolders(ctx, req.Caller.GroupID, meetingID)
	if err != nil {
		return err
	}
	var names []string
	seen := map[string]bool{}
	for _, h := range holders {
		if slices.Contains(recordRoles, h.Role) && !seen[h.DisplayName] {
			seen[h.DisplayName] = true
			names = append(names, h.DisplayName)
		}
	}
	who := ""
	if len(names) > 0 {
		slices.Sort(names)
		who = fitNames(req.T, "", names, 120)
	}
	return &bot.Error{Kind: bot.KindForbidden, Need: bot.Coordinator, Msg: bot.M(refusal, "Names", who), Example: "/role list"}
}

func (env *Env) responseLog(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	rule, ok := RuleByNumber(req.Str("rule"))
	if !ok {
		return bot.Reply{}, errUnknownRule("rule", bot.Clip(req.Str("rule"), 8), responseLogExample)
	}
	inPlace, support := storage.Mark(req.Str("in-place")), storage.Mark(req.Str("would-support"))
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
	var earlier *storage.Answer
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		latest, err := tx.OfficialAnswers(ctx, req.Caller.GroupID, o.ID)
		if err != nil {
			return err
		}
		if prev, ok := latest[rule.Number]; ok {
			before, earlier = answerText(prev), &prev
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
	if earlier != nil {
		reply.Footer = req.T("response.replaces", "Before", bot.M("response.earlier", "Rule", earlier.Rule,
			"InPlace", bot.Word(earlier.InPlace), "Support", bot.Word(earlier.WouldSupport)))
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
		s += ", would support " + string(a.WouldSupport)
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

// shout is a mark in the reader's words, an evasion in capitals: yes,
// EVASIVE; sí, EVASIVA.
func shout(v storage.Mark) bot.Localized {
	if v == storage.MarkEvasive {
		return bot.Upper(bot.Word(v))
	}
	return bot.Word(v)
}

// bulkMarks reads a list of answers typed as marks: y/n/e/u (or the words
// for yes, no, evasive and unknown in any language: sí, evasiva), "-" for
// not asked, with or without spaces, commas or other separators. It returns one value per rule ("" for "-"),
// or an Invalid error that names the field and the position at fault.
func bulkMarks(field, raw string) ([]storage.Mark, error) {
	words := strings.FieldsFunc(strings.ToLower(raw), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;|/.:", r)
	})
	var tokens []string
	for _, w := range words {
		w = strings.ReplaceAll(w, "\ufe0f", "") // the emoji presentation selector of ⚠️
		if _, ok := markOf(w); ok {
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
	out := make([]storage.Mark, len(tokens))
	for i, tok := range tokens {
		v, ok := markOf(tok)
		if !ok {
			return nil, bot.Invalid(field, bot.M("response.bulk.bad_mark", "Field", field, "Rule", Rules[i].Number, "Position", i+1, "Value", bot.Clip(tok, 12)), responseBulkExample)
		}
		out[i] = v
	}
	return out, nil
}

// markSigns are the bulk notation's letters and signs, the same in every
// language: a mark's words (yes, sí) are the catalog's.
var markSigns = map[string]storage.Mark{
	"y": storage.MarkYes, "✅": storage.MarkYes,
	"n": storage.MarkNo, "❌": storage.MarkNo,
	"e": storage.MarkEvasive, "⚠": storage.MarkEvasive,
	"u": storage.MarkUnknown, "?": storage.MarkUnknown, "❔": storage.MarkUnknown,
	"-": "", "–": "", "—": "", "na": "",
}

// markOf reads one typed mark: a sign, or a mark's word in any language.
func markOf(typed string) (storage.Mark, bool) {
	if v, ok := markSigns[typed]; ok {
		return v, true
	}
	for _, v := range storage.Marks {
		if bot.Means(typed, string(v)) {
			return v, true
		}
	}
	return "", false
}

func (env *Env) responseBulk(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	inPlace, err := bulkMarks("in-place", req.Str("in-place"))
	if err != nil {
		return bot.Reply{}, err
	}
	support := make([]storage.Mark, len(inPlace))
	if req.Has("would-support") {
		if support, err = bulkMarks("would-support", req.Str("would-support")); err != nil {
			return bot.Reply{}, err
		}
		if len(support) != len(inPlace) {
			return bot.Reply{}, bot.Invalid("would-support", bot.M("response.bulk.lengths", "Support", len(support), "InPlace", len(inPlace)), responseBulkExample)
		}
	}
	asked := 0
	for i := range inPlace {
		switch {
		case inPlace[i] == storage.MarkYes && support[i] != "":
			return bot.Reply{}, bot.Invalid("would-support", bot.M("response.bulk.contradictory", "Rule", Rules[i].Number, "Position", i+1), responseBulkExample)
		case inPlace[i] == "" && support[i] != "":
			return bot.Reply{}, bot.Invalid("would-support", bot.M("response.bulk.support_not_asked", "Rule", Rules[i].Number, "Position", i+1), responseBulkExample)
		case inPlace[i] != "":
			asked++
		}
	}
	if asked == 0 {
		return bot.Reply{}, bot.Invalid("in-place", bot.M("response.bulk.nothing"), responseBulkExample)
	}
	o, m, source, err := env.answerContext(ctx, req, responseBulkExample)
	if err != nil {
		return bot.Reply{}, err
	}
	answers := make([]storage.Answer, 0, asked)
	var rules []Rule
	for i := range inPlace {
		if inPlace[i] == "" {
			continue // not asked: nothing to log
		}
		a := storage.Answer{
			GroupID: req.Caller.GroupID, OfficialID: o.ID, Rule: Rules[i].Number, InPlace: inPlace[i], WouldSupport: support[i],
			Source: source, Note: strings.TrimSpace(req.Str("note")), LoggedBy: &req.Caller.MemberID,
		}
		if m != nil {
			a.MeetingID = &m.ID
		}
		answers = append(answers, a)
		rules = append(rules, Rules[i])
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
		reply.Items = append(reply.Items, req.T("response.bulk.line", "Number", rules[i].Number, "Rule", rules[i].Name(req.Locale), "Answer", answerLine(req, a)))
		if dodges(a) {
			evasive = append(evasive, "#"+a.Rule)
		}
	}
	if m != nil {
		reply.Items = append(reply.Items, req.T("response.bulk.meeting", "Number", m.Number))
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
	byRule, err := tx.OfficialAnswers(ctx, groupID, officialID)
	if err != nil || len(byRule) == 0 {
		return "", err
	}
	list := make([]storage.Answer, len(Rules))
	for i, r := range Rules {
		list[i] = byRule[r.Number]
	}
	return marksText(list), nil
}

// marksText writes answers in the bulk notation: "in place ynnye-ynn;
// support -yn-e--yn" (- for a rule or question not asked).
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

func letter(v storage.Mark) string {
	if v == "" {
		return "-"
	}
	return string(v[:1])
}

// sheetChoices are the answers a sheet offers for one rule, each filling
// in-place and would-support with one bulk mark ("-": not asked).
var sheetChoices = []struct{ value, label string }{
	{"- -", "response.sheet.choice.not_asked"},
	{"y -", "response.sheet.choice.in_place"},
	{"n y", "response.sheet.choice.not_in_place_support"},
	{"n n", "response.sheet.choice.not_in_place_refuse"},
	{"n e", "response.sheet.choice.not_in_place_evasive"},
	{"n -", "response.sheet.choice.not_in_place_unasked"},
	{"e y", "response.sheet.choice.evasive_support"},
	{"e n", "response.sheet.choice.evasive_refuse"},
	{"e e", "response.sheet.choice.evasive_both"},
	{"e -", "response.sheet.choice.evasive_unasked"},
}

// sheetMeetings is how many of an official's past meetings a sheet offers.
const sheetMeetings = 10

// responseSheet offers the answer sheet: on platforms with dialogs a form
// with a choice per rule and the meeting the answers came from (the latest
// held with the official by default), which submits to /response bulk;
// elsewhere the text says how to type the same.
func (env *Env) responseSheet(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("official"))
	if err != nil {
		return bot.Reply{}, withExample(err, responseSheetExample)
	}
	held, err := env.Store.MeetingsHeldWith(ctx, req.Caller.GroupID, o.ID, req.Now, sheetMeetings)
	if err != nil {
		return bot.Reply{}, err
	}
	var latest *storage.Meeting
	if len(held) > 0 {
		latest = &held[0].Meeting
	}
	if err := env.mayRecord(ctx, req, latest, "response.forbidden"); err != nil {
		return bot.Reply{}, err
	}
	form := &bot.Form{
		Title:   req.T("response.sheet.form_title", "Name", o.Name),
		Command: "response bulk",
		Fixed:   map[string]string{"official": o.Name},
	}
	var rules []string
	for _, r := range Rules {
		rules = append(rules, req.T("response.sheet.rule", "Number", r.Number, "Name", r.Name(req.Locale)))
		f := bot.FormField{Option: "in-place would-support", Label: rules[len(rules)-1], Default: sheetChoices[0].value}
		for _, c := range sheetChoices {
			f.Choices = append(f.Choices, bot.ChoiceValue{Value: c.value, Label: req.T(c.label, "Number", r.Number)})
		}
		form.Fields = append(form.Fields, f)
	}
	loc := req.Location()
	quoted := strconv.Quote(o.Name)
	text := req.T("response.sheet.text", "Official", quoted)
	if latest != nil {
		f := bot.FormField{Option: "meeting", Label: req.T("response.sheet.meeting"), Default: strconv.FormatInt(latest.Number, 10)}
		for _, m := range held {
			f.Choices = append(f.Choices, bot.ChoiceValue{Value: strconv.FormatInt(m.Number, 10),
				Label: req.T("response.sheet.meeting_choice", "Number", m.Number, "When", shortDate(m.StartsAt, loc))})
		}
		f.Choices = append(f.Choices, bot.ChoiceValue{Value: "", Label: req.T("response.sheet.no_meeting")})
		form.Fields = append(form.Fields, f)
		text += " " + req.T("response.sheet.text_meeting", "Number", latest.Number)
	}
	form.Fields = append(form.Fields, bot.FormField{Option: "note", Label: req.T("response.sheet.note"), Long: true})
	return bot.Reply{
		Title:     req.T("response.sheet.title", "Name", o.Name),
		Text:      text,
		Items:     rules,
		Form:      form,
		Ephemeral: true,
	}, nil
}

// responseSettle records a coordinator's ruling on whether a rule is in
// place: it ends a dispute, until an official says otherwise.
func (env *Env) responseSettle(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	rule, ok := RuleByNumber(req.Str("rule"))
	if !ok {
		return bot.Reply{}, errUnknownRule("rule", bot.Clip(req.Str("rule"), 8), responseSettleExample)
	}
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return bot.Reply{}, err
	}
	before := st.rules[rule.Number]
	ruling := &storage.Settlement{
		GroupID: req.Caller.GroupID, Rule: rule.Number, InPlace: storage.Mark(req.Str("in-place")),
		Note: strings.TrimSpace(req.Str("note")), SettledBy: &req.Caller.MemberID,
	}
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.AddSettlement(ctx, ruling); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "response.settle", "rule", 0, "rule "+rule.Number+": "+string(before.value), "rule "+rule.Number+": "+string(ruling.InPlace))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	status := req.T("scorecard.in_place." + string(ruling.InPlace))
	reply := bot.Reply{
		Title: req.T("response.settled.title", "Number", rule.Number, "Name", rule.Name(req.Locale), "Mark", mark(ruling.InPlace), "Status", status),
		Text:  req.T("response.settled", "Number", rule.Number),
		Tone:  bot.Success,
	}
	if before.value == statusDisputed {
		reply.Text = req.T("response.settled.before", "Statements", statements(req, before, 1000)) + "\n" + reply.Text
	}
	if ruling.Note != "" {
		reply.Footer = "“" + ruling.Note + "”"
	}
	return reply, nil
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
	page := requestedPage(req, historyPer)
	rows, err := env.Store.AnswerHistory(ctx, req.Caller.GroupID, o.ID, rule.Number, page)
	if err != nil {
		return bot.Reply{}, err
	}
	total := page.Total
	reply := bot.Reply{Title: req.T("response.history.title", "Name", o.Name), Footer: pageFooter(req, page)}
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

// withExample adds a working example to an expected error that has none,
// such as the shared lookups' "not found".
func withExample(err error, example string) error {
	var e *bot.Error
	if errors.As(err, &e) && e.Example == "" {
		e.Example = example
	}
	return err
}
