package commands

import (
	"context"
	"strconv"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	auditDefault = 20
	auditMax     = 50
)

func (env *Env) auditCommand() *bot.Command {
	return &bot.Command{
		Name:    "audit",
		Example: "/audit limit:10",
		Level:   bot.Lead,
		Options: []bot.Option{
			{Name: "limit", Kind: bot.Integer, Min: 1, Max: auditMax},
			pageOption(),
		},
		ReadOnly: true,
		Handler:  env.audits,
	}
}

func (env *Env) audits(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	limit := int64(auditDefault)
	if n, ok := req.Int("limit"); ok {
		if n < 1 || n > auditMax { // typed platforms may not enforce Min/Max
			return bot.Reply{}, bot.Invalid("limit", bot.M("bind.out_of_range", "Name", "limit", "Value", n, "Min", 1, "Max", auditMax), "/audit limit:10")
		}
		limit = n
	}
	rows, err := env.Store.AuditLog(ctx, req.Caller.GroupID, int(limit))
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("audit.title", "Count", len(rows)), Ephemeral: true}
	if len(rows) == 0 {
		reply.Text = req.T("audit.none")
		return reply, nil
	}
	// At most auditMax rows are read; only the page shown is written.
	shown := rows
	if len(rows) > bot.MaxItems {
		p, _ := req.Int("page")
		offset, limit, footer := bot.PageWindow(req.Locale, len(rows), int(p), bot.MaxItems-1)
		shown, reply.Footer = rows[offset:min(offset+limit, len(rows))], footer
	}
	for _, r := range shown {
		reply.Items = append(reply.Items, auditLine(req, r))
	}
	return reply, nil
}

// auditLine is one change as the audit list shows it.
func auditLine(req *bot.Request, r storage.AuditRow) string {
	what := r.Action
	if r.EntityNumber > 0 {
		what += " " + r.Entity + " " + strconv.FormatInt(r.EntityNumber, 10)
	}
	actor := r.ActorName
	if actor == "" { // the link to who made it was erased (retention, forget)
		actor = req.T("audit.member")
	}
	parts := []string{bot.FormatDate(req.Locale, r.CreatedAt.In(req.Location()), bot.DateLog), actor, what}
	change := ""
	switch {
	case r.Before != "" && r.After != "":
		change = bot.Clip(r.Before, 60) + " → " + bot.Clip(r.After, 80)
	case r.After != "":
		change = bot.Clip(r.After, 140)
	case r.Before != "":
		change = req.T("audit.removed", "Before", bot.Clip(r.Before, 120))
	}
	if change != "" {
		parts = append(parts, change)
	}
	return bot.Clip(strings.Join(parts, " · "), bot.MaxItem)
}
