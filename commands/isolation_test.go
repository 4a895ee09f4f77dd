package commands_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// TestNoCommandCrossesGroups fills one group through the commands, then
// has a lead of another group run every command (each one's own example,
// and lines aimed at the first group's numbers and names): nothing of the
// first group may show, and nothing of it may change.
func TestNoCommandCrossesGroups(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		for _, line := range []string{
			`/setup jurisdiction:"Ogdenville" kind:city timezone:America/Chicago`,
			`/official add name:"Marge Bouvier" office:sheriff contact:"https://ogdenville.example/sheriff"`,
			`/meeting schedule kind:organizing when:"tomorrow 7pm" where:"Quimby Library"`,
			`/meeting schedule official:"Marge Bouvier" when:"dec 3 noon" where:"Monorail Station"`,
			`/meeting rsvp 2 yes`,
			`/role assign user:@samwise role:scheduler`,
			`/meeting record official:"Marge Bouvier" when:"yesterday noon" where:"Monorail Station"`,
			`/response bulk official:"Marge Bouvier" in-place:ynnyeunny meeting:3`,
			`/response settle rule:3 in-place:yes`,
			`/task add title:"Phone the alderman" tactic:calls-letters due:"dec 8 5pm" user:@samwise`,
			`/digest time 06:45`,
		} {
			if out := b.do(line); strings.HasPrefix(out, "✗") {
				t.Fatalf("seeding %s: %s", line, out)
			}
		}
		snapshotLines := []string{"/scorecard", "/meeting list all", "/meeting show 2", "/task list all", "/role list", "/official list", "/response history official:\"Marge Bouvier\"", "/report meeting:2", "/report meeting:3", "/digest now"}
		snapshot := func() string {
			var all []string
			for _, l := range snapshotLines {
				all = append(all, b.do(l))
			}
			return strings.Join(all, "\n")
		}
		before := snapshot()
		b.clock.Advance(time.Minute) // so that a change would show in times

		other := b.otherGroup("other-workspace", "mallory")
		other.do(`/setup jurisdiction:"Shelbyville" kind:city timezone:America/Chicago`)
		lines := []string{
			`/official show name:"Marge Bouvie"`, // a near miss must not suggest the other group's name
			"/meeting show 2", "/meeting rsvp 2 yes", "/meeting attendance 2 @mallory", `/meeting reschedule 2 when:"dec 4 noon"`,
			"/meeting held 1", "/meeting cancel 2", "/task done 1", "/task reopen 1", `/official show name:"Marge Bouvier"`,
			`/official edit name:"Marge Bouvier" office:mayor`, `/official remove name:"Marge Bouvier"`, `/response history official:"Marge Bouvier"`,
			`/response log official:"Marge Bouvier" rule:1 in-place:no`, `/response sheet official:"Marge Bouvier"`, "/target show Marge Bouvier",
			"/report meeting:2", "/report meeting:3 filed:yes", "/response settle rule:3 in-place:no", "/meeting record when:\"yesterday 5pm\" where:\"Monorail Station\" official:\"Marge Bouvier\"",
			"/role remove user:@samwise role:scheduler", "/role list meeting:2",
			"/scorecard", "/target list", "/meeting list all", "/task list all", "/official list", "/role list", "/audit", "/guide", "/digest now",
		}
		env := &commands.Env{Store: b.store, Clock: b.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		commands.Tree(env).Leaves(func(c *bot.Command) {
			if c.Example != "" {
				lines = append(lines, c.Example)
			}
		})
		secrets := []string{"Ogdenville", "Marge", "Bouvier", "Quimby", "Monorail", "samwise", "alderman", "ogdenville.example", "06:45"}
		for _, line := range lines {
			out := other.do(line)
			for _, s := range secrets {
				// Echoing what this group typed is fine; anything more is a leak.
				if strings.Contains(out, s) && !strings.Contains(line, s) {
					t.Errorf("another group's %q shows in %s:\n%s", s, line, out)
				}
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("the first group's data changed while another group worked:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}
