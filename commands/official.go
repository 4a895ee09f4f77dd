package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// clearWord empties an optional text field in /official edit.
const clearWord = "none"

const (
	officialAddExample    = `/official add name:"Jane Roe" office:sheriff contact:"https://sheriff.example.gov"`
	officialEditExample   = `/official edit name:"Jane Roe" office:police-chief`
	officialRemoveExample = `/official remove name:"Jane Roe"`
	officialShowExample   = `/official show name:"Jane Roe"`
	officialListExample   = `/official list`
	officialsPerPage      = 15
)

// officialNameOption is the option that names an existing official.
func officialNameOption() bot.Option {
	return bot.Option{Name: "name", Kind: bot.Text, Required: true, MaxLength: 100, Autocomplete: "official"}
}

// Coordinators and leads curate the officials (the scorecard and the
// target list are computed from them); anyone may read them.
func (env *Env) officialCommand() *bot.Command {
	officeOpt := bot.Option{Name: "office", Kind: bot.Choice, Choices: bot.Choices(storage.Offices...)}
	requiredOffice := officeOpt
	requiredOffice.Required = true
	jurisdiction := bot.Option{Name: "jurisdiction", Kind: bot.Text, MaxLength: 100}
	contact := bot.Option{Name: "contact", Kind: bot.Text, MaxLength: 200}
	return &bot.Command{
		Name: "official",
		Subcommands: []*bot.Command{
			{
				Name:    "add",
				Example: officialAddExample,
				Level:   bot.Coordinator,
				Options: []bot.Option{
					{Name: "name", Kind: bot.Text, Required: true, MaxLength: 100, NoContact: true},
					requiredOffice, jurisdiction, contact,
				},
				Handler: env.officialAdd,
			},
			{
				Name:    "edit",
				Example: officialEditExample,
				Level:   bot.Coordinator,
				Options: []bot.Option{
					officialNameOption(),
					{Name: "new-name", Kind: bot.Text, MaxLength: 100, NoContact: true},
					officeOpt, jurisdiction, contact,
				},
				Handler: env.officialEdit,
			},
			{
				Name:    "remove",
				Example: officialRemoveExample,
				Level:   bot.Coordinator,
				Options: []bot.Option{officialNameOption()},
				Handler: env.officialRemove,
			},
			{
				Name:     "list",
				Example:  officialListExample,
				Options:  []bot.Option{pageOption()},
				ReadOnly: true,
				Handler:  env.officialList,
			},
			{
				Name:     "show",
				Example:  officialShowExample,
				Options:  []bot.Option{officialNameOption()},
				ReadOnly: true,
				Handler:  env.officialShow,
			},
		},
	}
}

func (env *Env) officialAdd(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o := &storage.Official{
		GroupID:      req.Caller.GroupID,
		Name:         req.Str("name"),
		Office:       storage.Office(req.Str("office")),
		Jurisdiction: req.Str("jurisdiction"),
		Contact:      req.Str("contact"),
	}
	if strings.EqualFold(o.Jurisdiction, clearWord) || strings.EqualFold(o.Contact, clearWord) {
		return bot.Reply{}, bot.Invalid("contact", bot.M("official.none_on_add"), officialAddExample)
	}
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.CreateOfficial(ctx, o); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "official.add", "official", o.Number, "", describeOfficial(o))
	})
	if errors.Is(err, storage.ErrDuplicate) {
		return bot.Reply{}, bot.Conflict(bot.M("official.exists", "Name", o.Name))
	}
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Title:  req.T("official.added.title", "Name", o.Name),
		Text:   req.T("official.added", "Name", o.Name, "Office", officeLabel(req, o.Office), "Jurisdiction", officialJurisdiction(req, o)),
		Fields: officialFields(req, o),
		Footer: req.T("official.added.next", "Name", o.Name),
		Tone:   bot.Success,
	}, nil
}

func (env *Env) officialEdit(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if !req.Has("new-name") && !req.Has("office") && !req.Has("jurisdiction") && !req.Has("contact") {
		return bot.Reply{}, bot.Invalid("new-name", bot.M("official.nothing_to_change"), officialEditExample)
	}
	o, err := env.official(ctx, req, req.Str("name"))
	if err != nil {
		return bot.Reply{}, err
	}
	before := describeOfficial(o)
	oldName := o.Name
	if req.Has("new-name") {
		o.Name = req.Str("new-name")
	}
	if req.Has("office") {
		o.Office = storage.Office(req.Str("office"))
	}
	if req.Has("jurisdiction") {
		o.Jurisdiction = clearable(req.Str("jurisdiction"))
	}
	if req.Has("contact") {
		o.Contact = clearable(req.Str("contact"))
	}
	after := describeOfficial(o)
	if after == before {
		return bot.Reply{}, bot.Invalid("new-name", bot.M("official.unchanged", "Name", o.Name), officialEditExample)
	}
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.UpdateOfficial(ctx, o); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "official.edit", "official", o.Number, before, after)
	})
	switch {
	case errors.Is(err, storage.ErrDuplicate):
		return bot.Reply{}, bot.Conflict(bot.M("official.exists", "Name", o.Name))
	case errors.Is(err, storage.ErrNotFound):
		return bot.Reply{}, bot.Conflict(bot.M("official.changed_meanwhile", "Name", oldName))
	case err != nil:
		return bot.Reply{}, err
	}
	return bot.Reply{
		Title:  req.T("official.edited.title", "Name", o.Name),
		Fields: officialFields(req, o),
		Tone:   bot.Success,
	}, nil
}

func (env *Env) officialRemove(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("name"))
	if err != nil {
		return bot.Reply{}, err
	}
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.RemoveOfficial(ctx, req.Caller.GroupID, o.ID); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "official.remove", "official", o.Number, describeOfficial(o), "")
	})
	if errors.Is(err, storage.ErrNotFound) {
		return bot.Reply{}, bot.Conflict(bot.M("official.changed_meanwhile", "Name", o.Name))
	}
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: req.T("official.removed", "Name", o.Name), Tone: bot.Success}, nil
}

func (env *Env) officialList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	page := requestedPage(req, officialsPerPage)
	list, err := env.Store.Officials(ctx, req.Caller.GroupID, page)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("official.list.title", "Count", page.Total), Footer: pageFooter(req, page)}
	if len(list) == 0 {
		reply.Text = req.T("official.list.empty", "Example", officialAddExample)
		return reply, nil
	}
	for i := range list {
		o := &list[i]
		line := req.T("official.list.line", "Name", o.Name, "Office", officeLabel(req, o.Office), "Jurisdiction", officialJurisdiction(req, o))
		if o.Contact != "" {
			line += " · " + o.Contact
		}
		reply.Items = append(reply.Items, bot.Clip(line, bot.MaxItem))
	}
	return reply, nil
}

func (env *Env) officialShow(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	o, err := env.official(ctx, req, req.Str("name"))
	if err != nil {
		return bot.Reply{}, err
	}
	meetings, err := env.Store.MeetingsWithOfficial(ctx, req.Caller.GroupID, o.ID, 5)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: o.Name, Fields: officialFields(req, o)}
	if len(meetings) > 0 {
		lines := make([]string, len(meetings))
		for i := range meetings {
			lines[i] = meetingLine(req, &meetings[i])
		}
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("official.field.meetings"), Value: strings.Join(lines, "\n")})
	} else {
		reply.Footer = req.T("official.no_meetings", "Name", o.Name)
	}
	return reply, nil
}

// officialFields are the official's office, jurisdiction and contact.
func officialFields(req *bot.Request, o *storage.Official) []bot.Field {
	contact := o.Contact
	if contact == "" {
		contact = req.T("official.no_contact")
	}
	return []bot.Field{
		{Name: req.T("official.field.office"), Value: officeLabel(req, o.Office), Inline: true},
		{Name: req.T("official.field.jurisdiction"), Value: officialJurisdiction(req, o), Inline: true},
		{Name: req.T("official.field.contact"), Value: contact, Inline: true},
	}
}

// officeLabel is an office as people write it ("Police chief").
func officeLabel(req *bot.Request, office storage.Office) string {
	return req.T("office." + string(office))
}

// officialJurisdiction names where the official serves: their own
// jurisdiction, or the group's.
func officialJurisdiction(req *bot.Request, o *storage.Official) string {
	switch {
	case o.Jurisdiction != "":
		return o.Jurisdiction
	case req.Caller.GroupName != "":
		return req.Caller.GroupName
	}
	return req.T("official.own_jurisdiction")
}

// describeOfficial is the official as the audit log records it.
func describeOfficial(o *storage.Official) string {
	return fmt.Sprintf("%s; office %s; jurisdiction %q; contact %q", o.Name, o.Office, o.Jurisdiction, o.Contact)
}

func clearable(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), clearWord) {
		return ""
	}
	return s
}
