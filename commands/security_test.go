package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// requestIDs numbers asUser's requests, as a platform ids each one, so
// that the replay guard sees them.
var requestIDs atomic.Int64

// asUser runs a line through the router as a user of the console
// workspace, as a platform admin when admin is set.
func (b *testBot) asUser(name string, admin bool, line string) bot.Result {
	b.t.Helper()
	req := &bot.Request{
		ID: fmt.Sprintf("req-%d", requestIDs.Add(1)), Platform: "console", Group: "console",
		User: bot.User{ID: strings.ToLower(name), Name: name}, Admin: admin,
	}
	users := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	return b.router.Run(context.Background(), req, line, users, nil)
}

// leads lists the console group's stored leads.
func (b *testBot) leads() []string {
	b.t.Helper()
	g, err := b.store.GroupByPlatform(context.Background(), "console", "console")
	if err != nil {
		b.t.Fatal(err)
	}
	holders, err := b.store.RoleHolders(context.Background(), g.ID, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	var out []string
	for _, h := range holders {
		if h.Role == storage.RoleLead {
			out = append(out, h.DisplayName)
		}
	}
	return out
}

// TestSetupByAPlatformAdminStoresALead: a workspace admin's first /setup
// records them as the group's lead, so that a member's /setup after it is
// refused instead of taking the group over.
func TestSetupByAPlatformAdminStoresALead(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		res := b.asUser("Ada", true, springfieldSetup)
		if res.Err != nil || !strings.Contains(res.Reply.Text, "first lead") {
			t.Fatalf("the admin's /setup: %q (%v)", res.Reply.Text, res.Err)
		}
		if got := b.leads(); len(got) != 1 || got[0] != "Ada" {
			t.Fatalf("stored leads %q, want the admin", got)
		}
		res = b.asUser("Mallory", false, `/setup jurisdiction:"Shelbyville" kind:city timezone:UTC`)
		if res.Refused() == nil || !strings.Contains(res.Reply.Text, "Springfield is already set up; only its leads (Ada) can change it") {
			t.Errorf("a member's /setup after the admin's: %q", res.Reply.Text)
		}
		if got := b.leads(); len(got) != 1 {
			t.Errorf("stored leads %q after the member's /setup, want the admin alone", got)
		}
		b.expect("/guide", "Springfield: your campaign")
	})
}

const springfieldSetup = `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`

// TestConcurrentFirstSetups: of 50 people running the first /setup at
// once, exactly one becomes the lead; every other is told who is.
func TestConcurrentFirstSetups(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		b := newTestBot(t, s)
		const n = 50
		results := make([]bot.Result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { results[i] = b.asUser(fmt.Sprintf("user%02d", i), false, springfieldSetup) })
		}
		wg.Wait()
		won := 0
		for i, res := range results {
			switch {
			case res.Err == nil && strings.Contains(res.Reply.Text, "first lead"):
				won++
			case res.Refused() != nil && strings.Contains(res.Reply.Text, "only its leads ("):
			default:
				t.Errorf("user%02d: %q (%v), want the lead or the name of the lead", i, res.Reply.Text, res.Err)
			}
		}
		if leads := b.leads(); won != 1 || len(leads) != 1 {
			t.Errorf("%d won, stored leads %q; want exactly one", won, leads)
		}
	})
}

// TestConcurrentWritersGetGaplessNumbers: eight people adding officials,
// meetings and tasks at once all succeed, and each kind's numbers run
// from 1 with no gap and no repeat.
func TestConcurrentWritersGetGaplessNumbers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		b := newTestBot(t, s)
		if res := b.asUser("lead", false, springfieldSetup); res.Err != nil {
			t.Fatal(res.Err)
		}
		for i := range 8 {
			if res := b.asUser("lead", false, fmt.Sprintf("/role assign user:@writer%d role:coordinator", i)); res.Err != nil {
				t.Fatal(res.Err)
			}
		}
		const writers, each = 8, 50
		lines := func(w, i int) string {
			switch i % 3 {
			case 0:
				return fmt.Sprintf(`/official add name:"Official %d-%d" office:council-member`, w, i)
			case 1:
				return fmt.Sprintf(`/meeting schedule when:"2026-12-%02d 18:00" where:"Room %d-%d"`, 1+i%28, w, i)
			}
			return fmt.Sprintf(`/task add title:"Task %d-%d"`, w, i)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if res := b.asUser(fmt.Sprintf("writer%d", w), false, lines(w, i)); res.Err != nil {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s: %v", lines(w, i), res.Err))
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d of %d creates failed, e.g. %s", len(failures), writers*each, failures[0])
		}
		g, err := s.GroupByPlatform(context.Background(), "console", "console")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		officials, err := s.Officials(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		meetings, err := s.Meetings(ctx, g.ID, storage.MeetingsAll, b.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		tasks, _, err := s.Tasks(ctx, storage.TaskFilter{GroupID: g.ID})
		if err != nil {
			t.Fatal(err)
		}
		numbered := map[string][]int64{}
		for _, o := range officials {
			numbered["officials"] = append(numbered["officials"], o.Number)
		}
		for _, m := range meetings {
			numbered["meetings"] = append(numbered["meetings"], m.Number)
		}
		for _, t := range tasks {
			numbered["tasks"] = append(numbered["tasks"], t.Number)
		}
		for table, want := range map[string]int{"officials": 136, "meetings": 136, "tasks": 128} {
			numbers := numbered[table]
			slices.Sort(numbers)
			for i, n := range numbers {
				if n != int64(i+1) {
					t.Errorf("%s numbers %v…: number %d at place %d, want 1 to %d with no gap", table, numbers[:min(i+2, len(numbers))], n, i+1, want)
					break
				}
			}
			if len(numbers) != want {
				t.Errorf("%d %s, want %d", len(numbers), table, want)
			}
		}
	})
}

// TestHostileText: NUL is refused with its reason; control characters and
// bidirectional overrides are dropped and text is composed, so both
// databases store, and every reply shows, the same clean text.
func TestHostileText(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfieldSetup, "Springfield is set up")
		b.refuse("/task add title:\"Call\x00 the mayor\"", "`title` holds a NUL character, which cannot be stored", "Example: `/task add")
		b.expect("/official add name:\"Jane\x1b[31m Roe\x07\" office:sheriff", "Official added: Jane[31m Roe")
		b.expect("/official add name:\"Evil\u202e ecnalliev\" office:mayor", "Official added: Evil ecnalliev")
		b.expect("/official add name:\"Jose\u0301 Ruiz\" office:police-chief", "Official added: Jos\u00e9 Ruiz")
		b.refuse("/official add name:\"Jos\u00e9 Ruiz\" office:police-chief", "There is already an official named `Jos\u00e9 Ruiz`")
		out := b.expect("/official list", "Officials (3)")
		for _, bad := range []string{"\x00", "\x1b", "\x07", "\u202e", "e\u0301"} {
			if strings.Contains(out, bad) {
				t.Errorf("/official list shows %q:\n%q", bad, out)
			}
		}
		res := b.asUser("Mal\u202eyrol\x07", false, `/task add title:"Print flyers"`)
		if res.Err != nil || !strings.Contains(res.Reply.Text, "Malyrol") {
			t.Errorf("a task added by a name with control characters: %q (%v)", res.Reply.Text, res.Err)
		}
	})
}

// TestReadOnlyDatabaseStillAnswersReads: when the database stops taking
// writes (a full disk, a file made read-only), commands that only read
// are still answered (their replay guard, which writes, is skipped), and
// a command that changes something is refused with the internal error,
// changing nothing.
func TestReadOnlyDatabaseStillAnswersReads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		b := newTestBot(t, s)
		b.expect(springfieldSetup, "first lead")
		b.expect(`/official add name:"Pat Kim" office:sheriff`, "Official added: Pat Kim")
		storagetest.ReadOnly(t, s)
		for _, line := range []string{"/scorecard", "/official list", "/help", "/guide"} {
			if res := b.asUser("you", false, line); res.Err != nil {
				t.Errorf("%s on a read-only database: %v", line, res.Err)
			}
		}
		res := b.asUser("you", false, `/task add title:"Call the sheriff" user:@you due:"tomorrow 5pm"`)
		if res.Err == nil || !strings.Contains(res.Reply.Text, "went wrong") {
			t.Errorf("/task add on a read-only database: %q (%v), want the internal error", res.Reply.Text, res.Err)
		}
	})
}
