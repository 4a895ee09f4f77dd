package discord

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// maxChoices is Discord's limit on choices and autocomplete results.
const maxChoices = 25

// autocompleteResponse is an autocomplete result (type 8). It is written
// by hand because discordgo's type drops an empty choices list, which is
// how Discord is told there is nothing to suggest.
type autocompleteResponse struct {
	Type int `json:"type"`
	Data struct {
		Choices []choice `json:"choices"`
	} `json:"data"`
}

type choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// autocomplete answers an autocomplete interaction with suggestions for
// the focused option from its source; problems, and a full gate, give no
// suggestions.
func (a *Adapter) autocomplete(ctx context.Context, i *discordgo.Interaction) autocompleteResponse {
	resp := autocompleteResponse{Type: int(discordgo.InteractionApplicationCommandAutocompleteResult)}
	resp.Data.Choices = []choice{}
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || a.suggest == nil {
		return resp
	}
	path, opts := commandPath(data)
	cmd := a.router.Tree().Lookup(path)
	if cmd == nil {
		return resp
	}
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range opts {
		if o.Focused {
			focused = o
		}
	}
	if focused == nil {
		return resp
	}
	opt := cmd.Option(focused.Name)
	if opt == nil || opt.Autocomplete == "" {
		return resp
	}
	req := a.request(i)
	req.Command = cmd
	if req.Group == "" {
		return resp
	}
	values, err := a.suggestions(ctx, req, opt.Autocomplete, strings.TrimSpace(rawValue(focused)))
	if errors.Is(err, bot.ErrBusy) {
		return resp // the gate logs its refusals
	}
	if err != nil {
		a.log.WarnContext(ctx, "discord: autocomplete failed", "source", opt.Autocomplete, "err", err)
		return resp
	}
	for _, v := range values {
		if len(resp.Data.Choices) == maxChoices {
			break
		}
		name := v.Label
		if name == "" {
			name = v.Value
		}
		c := choice{Name: orBlank(clip(name, 100))}
		if opt.Kind == bot.Integer {
			n, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil {
				continue
			}
			c.Value = n
		} else {
			if len(v.Value) > 100 || v.Value == "" {
				continue
			}
			c.Value = v.Value
		}
		resp.Data.Choices = append(resp.Data.Choices, c)
	}
	return resp
}

// suggestions asks the Suggester, within the gate: an autocomplete cannot
// be deferred, so one that finds no slot within 2 seconds (or no place at
// all) gets none.
func (a *Adapter) suggestions(ctx context.Context, req *bot.Request, source, typed string) (values []bot.ChoiceValue, err error) {
	pass, ok := a.gate.Admit()
	if !ok {
		return nil, bot.ErrBusy
	}
	defer pass.Leave()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if busy := pass.Run(ctx, func() { values, err = a.suggest.Suggest(ctx, req, source, typed) }); busy != nil {
		return nil, busy
	}
	return values, err
}
