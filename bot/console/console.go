// Package console is fcbot's terminal adapter: the same commands,
// permissions and messages as the chat platforms, typed as text lines and
// answered in plain text. It reads a terminal interactively or a pipe one
// line at a time, which is also how tests drive the whole bot.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fcbot/fcbot/bot"
)

// Platform is the platform name the console reports.
const Platform = "console"

// Group is the one workspace a console has.
const Group = "console"

// DefaultUser is who types until an `as NAME` line says otherwise.
const DefaultUser = "you"

// Console reads command lines and prints replies.
type Console struct {
	// Locale is the language the console reports for whoever types, as
	// Discord reports each user's, when set before Run (or before the
	// first Line), e.g. "es". Unset, like a platform that does not say,
	// the member's choice (/me) or else the group's language applies.
	Locale string
	// FileDir is where the files of messages are written (a member's data
	// export), each under a new name readable by its owner only; "" is the
	// system's temporary directory.
	FileDir string

	router *bot.Router
	in     io.Reader
	out    io.Writer
	prompt bool

	mu   sync.Mutex // serialises writes from Send and replies
	user bot.User
}

var (
	_ bot.Adapter = (*Console)(nil)
	_ bot.Sender  = (*Console)(nil)
)

// New returns a console on in and out; prompt shows a prompt before each
// line (for terminals).
func New(router *bot.Router, in io.Reader, out io.Writer, prompt bool) *Console {
	return &Console{router: router, in: in, out: out, prompt: prompt, user: userNamed(DefaultUser)}
}

// Run reads lines until the input ends, ctx ends, or the user types quit.
// Blank lines and # comments are ignored; `as NAME` switches the acting
// user.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	if c.prompt {
		c.write(bot.Translate(c.Locale, bot.M("console.welcome")) + "\n")
	}
	for {
		if c.prompt {
			c.write("fcbot> ")
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return <-errc
			}
			if strings.EqualFold(strings.TrimSpace(line), "quit") || strings.EqualFold(strings.TrimSpace(line), "exit") {
				return nil
			}
			if out := c.Line(ctx, line); out != "" {
				c.write(out + "\n")
			}
		}
	}
}

// Line runs one input line and returns what the console prints for it.
func (c *Console) Line(ctx context.Context, line string) string {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ""
	}
	if name, ok := strings.CutPrefix(line, "as "); ok {
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if name == "" {
			return "as: name someone, e.g. `as alice`"
		}
		c.user = userNamed(name)
		return ""
	}
	req := &bot.Request{Platform: Platform, Group: Group, User: c.user, Channel: "console", Locale: c.Locale}
	return Render(c.router.Run(ctx, req, line, resolveMention, c).Reply)
}

// Send prints a message no request asked for, marked with its addressee;
// its files are written to FileDir, and their paths printed.
func (c *Console) Send(_ context.Context, to bot.Destination, r bot.Reply) error {
	where := "#" + to.Channel
	if to.User != "" {
		where = "@" + to.User
	}
	text := Render(r)
	for _, f := range r.Files {
		path, err := c.save(f)
		if err != nil {
			return err
		}
		text += "\n" + bot.Translate(c.Locale, bot.M("console.file", "Path", path))
	}
	c.write(fmt.Sprintf("[message to %s]\n%s\n", where, text))
	return nil
}

// save writes a file under a new name made from its own (fcbot-data.json
// becomes fcbot-data-123456.json), readable and writable by its owner
// only, and returns its path.
func (c *Console) save(f bot.File) (string, error) {
	dir := c.FileDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Base(f.Name)
	ext := filepath.Ext(name)
	out, err := os.CreateTemp(dir, strings.TrimSuffix(name, ext)+"-*"+ext) // mode 0600
	if err != nil {
		return "", fmt.Errorf("console: save %s: %w", name, err)
	}
	if _, err := out.Write(f.Data); err != nil {
		_ = out.Close()
		return "", fmt.Errorf("console: save %s: %w", name, err)
	}
	if err := out.Close(); err != nil {
		return "", fmt.Errorf("console: save %s: %w", name, err)
	}
	return out.Name(), nil
}

func (c *Console) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.out, s)
}

// Render is the console's plain-text rendering of a reply.
func Render(r bot.Reply) string {
	text := r.PlainText()
	if r.Tone == bot.Failure {
		return "✗ " + text
	}
	return text
}

// userNamed makes the console user for a name: console users are known by
// name, which is also their id.
func userNamed(name string) bot.User {
	return bot.User{ID: strings.ToLower(name), Name: name}
}

// resolveMention reads @name (and a bare name) as a console user.
func resolveMention(word string) (bot.User, bool) {
	name := strings.TrimPrefix(strings.TrimSpace(word), "@")
	if name == "" || strings.ContainsAny(name, " :<>") {
		return bot.User{}, false
	}
	return userNamed(name), true
}
