package scenario

import (
	"context"
	"strings"
	"sync"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
)

// consoleDriver types lines into the console adapter, as `fcbot console`
// reads them, switching users with its own `as NAME` line.
type consoleDriver struct {
	w   *world
	con *console.Console
	out *writes // what the console's Sender printed
}

func newConsoleDriver(w *world) *consoleDriver {
	out := &writes{}
	return &consoleDriver{w: w, con: console.New(w.router, strings.NewReader(""), out, false), out: out}
}

// writes records each write separately: the console prints each message
// its Sender delivers in one write.
type writes struct {
	mu   sync.Mutex
	list []string
}

func (o *writes) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, string(p))
	return len(p), nil
}

func (d *consoleDriver) id(_ int, name string) string { return strings.ToLower(name) }
func (d *consoleDriver) join(*person)                 {}
func (d *consoleDriver) sender() bot.Sender           { return d.con }
func (d *consoleDriver) group() string                { return console.Group }
func (d *consoleDriver) channel() string              { return "console" }
func (d *consoleDriver) room(name string) string      { return name } // one workspace: names are ids

func (d *consoleDriver) run(p *person, line string) shown {
	ctx := context.Background()
	d.w.mentions(line, func(p *person) string { return "@" + p.name }) // meet the people named
	d.con.Line(ctx, "as "+p.name)
	out := d.con.Line(ctx, line)
	return shown{text: out, buttons: consoleButtons(out)}
}

// click types the button's action: the console shows buttons as the
// commands they run.
func (d *consoleDriver) click(p *person, _ shown, b button) shown {
	return d.run(p, "/"+b.value)
}

func (d *consoleDriver) clickDM(p *person, on shown, b button) shown { return d.click(p, on, b) }

func (d *consoleDriver) fill(*person, shown, []string) shown {
	d.w.t.Fatal("the console opens no dialogs")
	return shown{}
}

// consoleButtons reads the buttons line PlainText ends a reply with (the
// last line made of "[Label: /action]" groups).
func consoleButtons(out string) []button {
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if !strings.HasPrefix(l, "[") || !strings.HasSuffix(l, "]") || !strings.Contains(l, ": /") {
			continue
		}
		var bs []button
		for _, part := range strings.Split(l[1:len(l)-1], "] [") {
			label, action, ok := strings.Cut(part, ": /")
			if !ok {
				bs = nil
				break
			}
			bs = append(bs, button{label: label, action: action, value: action})
		}
		if bs != nil {
			return bs
		}
	}
	return nil
}

// sent reads the console's "[message to @id]" and "[message to #channel]"
// blocks.
func (d *consoleDriver) sent() []delivery {
	d.out.mu.Lock()
	defer d.out.mu.Unlock()
	var out []delivery
	for _, s := range d.out.list {
		head, body, _ := strings.Cut(s, "\n")
		to, ok := strings.CutPrefix(head, "[message to ")
		if !ok {
			continue
		}
		to = strings.TrimSuffix(to, "]")
		text := strings.TrimSpace(body)
		out = append(out, delivery{to: strings.TrimPrefix(to, "@"), msg: shown{text: text, buttons: consoleButtons(text)}})
	}
	return out
}
