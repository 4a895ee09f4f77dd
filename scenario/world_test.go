package scenario

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// A walk is written against a world, once for every platform:
//
//	func TestWalk(t *testing.T) {
//		t.Parallel()
//		eachPlatform(t, func(t *testing.T, w *world) {
//			w.as("alex")
//			w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "first lead")
//			w.expect("/role assign user:@sam role:scheduler", "sam is now scheduler")
//			w.expectDMs("sam", "scheduler: your part in Springfield")
//			w.step(at("12-03 12:05"))
//		})
//	}
//
// The harness in one place:
//
//	eachPlatform(t, fn)        fn on console, slack, discord × sqlite, postgres
//	at("12-03 12:05")          a Chicago time in 2026; walks start Fri Nov 27 09:00
//	w.as(name)                 who types and clicks from now on (alex at first)
//	w.run(line) string         type a line; what they see, as plain text
//	w.expect(line, wants…)     run; fail on a refusal or a missing want
//	w.refuse(line, wants…)     run; fail unless a private one-line refusal with the wants
//	refused(out) bool          whether out is a refusal ("✗ …")
//	w.click(action) string     press the last reply's button that runs action
//	w.clickDM(action) string   press a button on a message in their direct messages
//	w.dialog(), w.fill(v…)     the dialog the last reply opened (Slack, Discord)
//	w.step(t)                  move the clock to t; every job due by then runs
//	w.tick()                   run the daily digest tick at the clock's time
//	w.dms(name) []string       direct messages delivered to name since the last call
//	w.expectDMs(name, wants…)  exactly one new direct message per want
//	w.posts(ch), w.expectPosts the same for a channel ("" for the one typed in)
//	w.offRecord(fn)            leave fn out of the cross-platform comparison
//	w.store, w.group(), w.id(name), w.now(), w.platform, w.last (its buttons, form, private)
//
// Lines are typed in the console's grammar, @name mentioning the person
// called name (made known to the platform on first use); each platform
// turns a line into what its users would send (a signed slash command, a
// signed interaction) and reads back what they would see. Replies, direct
// messages and posts are compared as plain text: the console's rendering
// (title, text, items as "- " lines, fields as "Name: value", buttons as
// "[Label: /action]", footer; "✗ " before a refusal), with mentions of
// people as @name.

// start is when every walk begins: Friday 2026-11-27, 09:00 in Chicago.
var start = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// chicago is the walks' time zone, as /setup gives it.
var chicago = mustZone("America/Chicago")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads a Chicago wall-clock time: "12-03 12:05" in 2026, or a full
// "2027-01-05 18:00".
func at(s string) time.Time {
	if len(s) == len("01-02 15:04") {
		s = "2026-" + s
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, chicago)
	if err != nil {
		panic(err)
	}
	return t
}

// platforms are the ways in, in the order eachPlatform runs them.
var platforms = []string{console.Platform, slack.Platform, discord.Platform}

// eachPlatform runs fn once per platform and database, as parallel
// subtests named like "slack/postgres", each with a fresh world on a
// fresh database. PostgreSQL runs when TEST_DATABASE_URL is set.
//
// When they have passed, their transcripts (each reply, click, dialog,
// direct message and post the walk read, as plain text) must be the same
// as console/sqlite's: the platforms and databases agree on everything
// the walk saw, not just on its wants. Wrap platform-specific steps in
// w.offRecord.
func eachPlatform(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Helper()
	var mu sync.Mutex
	var passed []*world
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		compareTranscripts(t, passed)
	})
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			for _, d := range storagetest.Dialects {
				t.Run(d, func(t *testing.T) {
					t.Parallel()
					w := newWorld(t, p, storagetest.Open(t, d))
					fn(t, w)
					w.checkLogs(t)
					if !t.Failed() {
						mu.Lock()
						passed = append(passed, w)
						mu.Unlock()
					}
				})
			}
		})
	}
}

// compareTranscripts checks every transcript against the console's on
// the first database (SQLite), reporting the first entry that differs.
func compareTranscripts(t *testing.T, worlds []*world) {
	t.Helper()
	var base *world
	for _, d := range storagetest.Dialects {
		for _, w := range worlds {
			if base == nil && w.platform == console.Platform && w.dialect == d {
				base = w
			}
		}
	}
	if base == nil {
		return
	}
	for _, w := range worlds {
		if w == base {
			continue
		}
		for i := range max(len(base.transcript), len(w.transcript)) {
			var got, want string
			if i < len(w.transcript) {
				got = w.transcript[i]
			}
			if i < len(base.transcript) {
				want = base.transcript[i]
			}
			if got != want {
				t.Errorf("%s/%s differs from %s/%s at entry %d:\n%s\n--- %s/%s:\n%s", w.platform, w.dialect, base.platform, base.dialect, i+1, got, base.platform, base.dialect, want)
				break
			}
		}
	}
}

// world is the whole bot as one group meets it on one platform: the real
// commands behind the platform's real adapter, a migrated database, a
// clock that moves only when the walk says, and the job queue delivering
// reminders through the platform's Sender.
type world struct {
	t        *testing.T
	platform string // console.Platform, slack.Platform or discord.Platform
	dialect  string // storage.SQLite or storage.Postgres
	store    *storage.Store
	clock    *bot.ManualClock
	env      *commands.Env
	router   *bot.Router
	queue    *jobs.Queue
	drv      driver

	people map[string]*person // by lower-case name
	byID   map[string]*person // by platform id
	who    *person            // who types
	// last is the latest reply, whose buttons click presses.
	last shown
	// read counts the deliveries dms and posts have returned, per addressee.
	read map[string]int
	// rooms are the channels named in typed lines, by name, and their
	// names by platform id.
	rooms, roomNames map[string]string
	// transcript is everything the walk read, as plain text, for
	// comparison across platforms; offRecord pauses it.
	transcript []string
	offrecord  bool
	// logs is everything the bot logged, at every level.
	logs *logTap
}

// person is someone in the group: a name, and the id their platform
// knows them by (console: the lower-case name; Slack: U…; Discord: a
// snowflake). Nobody is a platform admin: roles come from the bot alone.
type person struct {
	name string
	id   string
}

// shown is a reply as its reader sees it.
type shown struct {
	text string // plain text, see above
	// private is true when only the caller sees the reply (Slack
	// ephemeral, Discord flag 64); the console has no one else.
	private bool
	buttons []button
	// form is set when a dialog opened instead of a message (Slack modal,
	// Discord modal); text then names its title and inputs.
	form *form
	// raw is the message as the platform holds it, for clicks that carry
	// the message (Discord).
	raw []byte
}

// button is one button of a reply.
type button struct {
	label  string
	action string // the text grammar without the slash, mentions as @name
	// value and actionID are what the platform carries: the console's
	// action, Slack's value and action_id, Discord's custom_id.
	value, actionID string
}

// form is a dialog the platform opened: a Slack modal, a Discord modal or
// sheet (a private message of menus and a Save button).
type form struct {
	title  string
	fields []field // in the form's order
	// view is the Slack modal as views.open got it; customID a Discord
	// modal's. A Discord sheet is the message in shown.raw.
	view     map[string]any
	customID string
	sheet    bool
}

// field is one input of a form: a text box, or a menu of choices.
type field struct {
	label   string
	id      string // Slack's block id, Discord's input or menu custom id
	choices []choice
	initial string // the value picked at first, for a menu
}

type choice struct{ value, label string }

// pick is the value of the choice named v (its value or its label); ""
// keeps the initial one.
func (f field) pick(v string) (string, bool) {
	if v == "" {
		return f.initial, true
	}
	for _, c := range f.choices {
		if v == c.value || v == c.label {
			return c.value, true
		}
	}
	return "", false
}

// text is how a dialog reads in the transcript: its title and the labels
// of its inputs.
func (f *form) text() string {
	r := bot.Reply{Title: "form: " + f.title}
	for _, fl := range f.fields {
		r.Items = append(r.Items, fl.label)
	}
	return flat(r)
}

// delivery is one message a platform's Sender delivered.
type delivery struct {
	to  string // a person's platform id, or "#" and a channel
	msg shown
}

// driver is one platform's way in, behind the world's methods.
type driver interface {
	// id is the platform id of the nth person (from 1), named name.
	id(n int, name string) string
	// join makes a new person known to the platform.
	join(p *person)
	// run types line as p and returns what p is shown.
	run(p *person, line string) shown
	// click presses b on the message on, as p; clickDM presses it on a
	// message in p's direct messages.
	click(p *person, on shown, b button) shown
	clickDM(p *person, on shown, b button) shown
	// fill submits the form on with values, one per field in order
	// (already checked against its choices), as p.
	fill(p *person, on shown, values []string) shown
	// sent is every message the platform's Sender delivered, in order.
	sent() []delivery
	sender() bot.Sender
	// group and channel are where commands are typed: the platform's
	// workspace id and channel id.
	group() string
	channel() string
	// room makes a channel of the workspace named name, the bot in it,
	// and returns its platform id.
	room(name string) string
}

// logger writes everything, debug included, into tap, which eachPlatform
// checks for names and typed text (loghygiene_test.go); and to stderr when
// SCENARIO_LOG is set (to "debug" for everything).
func logger(tap io.Writer) *slog.Logger {
	all := slog.NewTextHandler(tap, &slog.HandlerOptions{Level: slog.LevelDebug})
	if l := os.Getenv("SCENARIO_LOG"); l != "" {
		level := slog.LevelInfo
		if l == "debug" {
			level = slog.LevelDebug
		}
		return slog.New(slog.NewMultiHandler(all, slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	}
	return slog.New(all)
}

// newWorld starts the bot on platform over s, at start, with alex typing.
// extra commands, for the harness's own tests, join the real ones.
func newWorld(t *testing.T, platform string, s *storage.Store, extra ...*bot.Command) *world {
	t.Helper()
	if err := jobs.Migrate(context.Background(), s); err != nil { // River's tables, as the process migrates them
		t.Fatal(err)
	}
	clock := bot.NewManualClock(start)
	s.SetClock(clock.Now)
	logs := &logTap{}
	log := logger(logs)
	env := &commands.Env{Store: s, Clock: clock, Log: log}
	router := commands.Router(env)
	if len(extra) > 0 {
		router = bot.NewRouter(bot.Config{Tree: bot.NewTree(append(commands.All(env), extra...)...), Log: log, Resolver: env, Guard: env, Clock: clock})
	}
	w := &world{
		t: t, platform: platform, dialect: s.Dialect(), store: s, clock: clock, env: env, router: router,
		people: map[string]*person{}, byID: map[string]*person{}, read: map[string]int{},
		rooms: map[string]string{}, roomNames: map[string]string{}, logs: logs,
	}
	switch platform {
	case console.Platform:
		w.drv = newConsoleDriver(w)
	case slack.Platform:
		w.drv = newSlackDriver(w, log)
	case discord.Platform:
		w.drv = newDiscordDriver(w, log)
	default:
		t.Fatalf("no platform %q", platform)
	}
	q, err := jobs.New(jobs.Config{
		Store: s, Env: env, Clock: clock, Log: log,
		Senders:          map[string]bot.Sender{platform: w.drv.sender()},
		PollInterval:     20 * time.Millisecond,
		RetryDelay:       func(int) time.Duration { return 0 },
		DeliveryAttempts: 3,
		NoTick:           true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.SetHooks(q)
	env.Outbox = q
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Client().StopAndCancel(ctx)
	})
	w.queue = q
	w.as("alex")
	return w
}

// person returns the person named name, making them known on first use.
func (w *world) person(name string) *person {
	key := strings.ToLower(name)
	if p := w.people[key]; p != nil {
		return p
	}
	p := &person{name: name}
	p.id = w.drv.id(len(w.people)+1, name)
	w.people[key] = p
	w.byID[p.id] = p
	w.drv.join(p)
	return p
}

// as makes name the person who types the following lines and clicks.
func (w *world) as(name string) { w.who = w.person(strings.TrimPrefix(name, "@")) }

// run types line as the current person and returns what they see.
func (w *world) run(line string) string {
	w.t.Helper()
	w.last = w.drv.run(w.who, line)
	w.record(fmt.Sprintf("%s> %s\n%s", w.who.name, line, w.last.text))
	return w.last.text
}

// expect runs line and fails unless it is not refused and its reply
// contains every want.
func (w *world) expect(line string, wants ...string) string {
	w.t.Helper()
	out := w.run(line)
	if refused(out) {
		w.t.Errorf("%s> %s\nwas refused:\n%s", w.who.name, line, out)
		return out
	}
	w.contains(line, out, wants)
	return out
}

// refuse runs line and fails unless the reply is a refusal on one line,
// seen by the caller only, containing every want.
func (w *world) refuse(line string, wants ...string) string {
	w.t.Helper()
	out := w.run(line)
	if !refused(out) || strings.Contains(out, "\n") {
		w.t.Errorf("%s> %s\ngot:\n%s\nwant a one-line refusal", w.who.name, line, out)
	}
	if w.platform != console.Platform && !w.last.private {
		w.t.Errorf("%s> %s\nthe refusal is shown to the whole channel:\n%s", w.who.name, line, out)
	}
	w.contains(line, out, wants)
	return out
}

func (w *world) contains(what, out string, wants []string) {
	w.t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			w.t.Errorf("%s> %s\ngot:\n%s\nwant it to contain %q", w.who.name, what, out, want)
		}
	}
}

// refused reports whether out is a refusal (a reply with the failure
// tone: the console's ✗, Slack's :x:, Discord's red embed).
func refused(out string) bool { return strings.HasPrefix(out, "✗ ") }

// click presses, as the current person, the button of the last reply
// whose action is action (as it shows: "meeting rsvp id:2 answer:yes",
// mentions as @name), through the platform's click path, and returns
// what they see. The console has no buttons: it types the action.
func (w *world) click(action string) string {
	w.t.Helper()
	action = strings.TrimPrefix(strings.TrimSpace(action), "/")
	var have []string
	for _, b := range w.last.buttons {
		if b.action == action {
			w.last = w.drv.click(w.who, w.last, b)
			w.record(fmt.Sprintf("%s clicks [%s: /%s]\n%s", w.who.name, b.label, b.action, w.last.text))
			return w.last.text
		}
		have = append(have, "/"+b.action)
	}
	w.t.Fatalf("no button /%s on the last reply; it has %q:\n%s", action, have, w.last.text)
	return ""
}

// fill submits the dialog the last reply opened (Slack and Discord; the
// console shows no dialogs, only how to type the command) as the current
// person, with one value per field in the form's order: text for a text
// box; for a menu, a choice's value or label, "" keeping the one picked
// at first. Fields past the values are left as they are. It returns what
// they see after: the result, or a refusal (on Slack the modal then stays
// open; a Discord sheet stays as it was, beside the refusal).
func (w *world) fill(values ...string) string {
	w.t.Helper()
	f := w.last.form
	if f == nil {
		w.t.Fatalf("no dialog is open; the last reply is:\n%s", w.last.text)
	}
	if len(values) > len(f.fields) {
		w.t.Fatalf("%d values for a form of %d fields:\n%s", len(values), len(f.fields), f.text())
	}
	picked := make([]string, len(values))
	for i, v := range values {
		picked[i] = v
		if len(f.fields[i].choices) == 0 {
			continue
		}
		var ok bool
		if picked[i], ok = f.fields[i].pick(v); !ok {
			var names []string
			for _, c := range f.fields[i].choices {
				names = append(names, c.value+" ("+c.label+")")
			}
			w.t.Fatalf("field %d (%s) offers no %q; it offers %q", i+1, f.fields[i].label, v, names)
		}
	}
	w.last = w.drv.fill(w.who, w.last, picked)
	w.record(fmt.Sprintf("%s fills %q\n%s", w.who.name, values, w.last.text))
	return w.last.text
}

// dialog reports whether the last reply opened a dialog (see fill).
func (w *world) dialog() bool { return w.last.form != nil }

// step moves the clock to now and waits until every job due by then has
// run: reminders come due and are delivered (see dms).
func (w *world) step(now time.Time) {
	w.t.Helper()
	if now.Before(w.clock.Now()) {
		w.t.Fatalf("step back in time, from %s to %s", w.clock.Now().In(chicago), now.In(chicago))
	}
	w.clock.Set(now)
	w.drain()
}

// tick runs the daily digest tick at the clock's time, as the real
// process does every minute, and waits for the digests it starts.
func (w *world) tick() {
	w.t.Helper()
	if err := w.queue.Tick(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	w.drain()
}

// now is the clock's time.
func (w *world) now() time.Time { return w.clock.Now() }

// drain waits until no job is due by the clock's time and not yet done:
// none scheduled (or waiting to retry) at or before it, none available or
// running. Due jobs are made available at once, as River's scheduler
// does every 5 s (set SCENARIO_RIVER_SCHEDULER=1 to wait for it instead):
// a step then takes milliseconds, not seconds.
func (w *world) drain() {
	w.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	promote := "UPDATE river_job SET state = 'available' WHERE id = ? AND state IN ('scheduled', 'retryable')"
	if w.store.Dialect() == storage.Postgres {
		promote = strings.Replace(promote, "?", "$1", 1)
	}
	for {
		res, err := w.queue.Client().JobList(ctx, river.NewJobListParams().
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled).
			First(10000))
		if err != nil {
			w.t.Fatal(err)
		}
		now, busy := w.clock.Now(), false
		for _, j := range res.Jobs {
			waiting := j.State == rivertype.JobStateScheduled || j.State == rivertype.JobStateRetryable
			if waiting && j.ScheduledAt.After(now) {
				continue
			}
			busy = true
			if waiting && os.Getenv("SCENARIO_RIVER_SCHEDULER") == "" {
				// By id and state, so that a job the scheduler moved and a
				// worker finished meanwhile is left alone.
				if _, err := w.store.SQL().ExecContext(ctx, promote, j.ID); err != nil {
					w.t.Logf("job %d left to River's scheduler: %v", j.ID, err)
				}
			}
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("jobs due by %s still not done after 30 s", now.In(chicago))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dms returns the messages delivered to name's direct messages since the
// last call, oldest first, as plain text.
func (w *world) dms(name string) []string {
	w.t.Helper()
	w.drain() // what the job queue owes by now is delivered
	p := w.person(strings.TrimPrefix(name, "@"))
	return w.unread(p.id, "@"+p.name)
}

// clickDM presses, as the current person, the button whose action is
// action on the latest message in their direct messages that has it, as
// click does on replies.
func (w *world) clickDM(action string) string {
	w.t.Helper()
	action = strings.TrimPrefix(strings.TrimSpace(action), "/")
	sent := w.drv.sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].to != w.who.id {
			continue
		}
		for _, b := range sent[i].msg.buttons {
			if b.action == action {
				w.last = w.drv.clickDM(w.who, sent[i].msg, b)
				w.record(fmt.Sprintf("%s clicks [%s: /%s] in their direct messages\n%s", w.who.name, b.label, b.action, w.last.text))
				return w.last.text
			}
		}
	}
	w.t.Fatalf("no message in %s's direct messages has a button /%s", w.who.name, action)
	return ""
}

// expectDMs fails unless name received exactly one new direct message
// per want, each containing its want (in any order: reminders due at
// the same moment arrive in no set order), and returns them.
func (w *world) expectDMs(name string, wants ...string) []string {
	w.t.Helper()
	got := w.dms(name)
	w.matchAll("direct messages to "+name, got, wants)
	return got
}

// matchAll fails unless got and wants pair up, each got containing its
// want.
func (w *world) matchAll(what string, got, wants []string) {
	w.t.Helper()
	used := make([]bool, len(got))
	ok := len(got) == len(wants)
	for _, want := range wants {
		found := false
		for i, g := range got {
			if !used[i] && strings.Contains(g, want) {
				used[i], found = true, true
				break
			}
		}
		ok = ok && found
	}
	if !ok {
		w.t.Errorf("at %s, %s:\n%s\nwant one containing each of %q", w.now().In(chicago).Format("Mon Jan 2 15:04"), what, strings.Join(got, "\n---\n"), wants)
	}
}

// posts returns the messages posted in channel (as typed, e.g. "coord";
// "" for the channel commands are typed in) since the last call.
func (w *world) posts(channel string) []string {
	w.t.Helper()
	typed := strings.TrimPrefix(channel, "#")
	if typed == "" {
		channel = w.drv.channel()
	} else {
		channel = w.room(typed)
	}
	return w.unread("#"+channel, "#"+typed)
}

// expectPosts is expectDMs for a channel (see posts).
func (w *world) expectPosts(channel string, wants ...string) []string {
	w.t.Helper()
	got := w.posts(channel)
	w.matchAll("posts in #"+channel, got, wants)
	return got
}

// unread returns the deliveries to to not returned before, recording
// them under who.
func (w *world) unread(to, who string) []string {
	var all []string
	for _, d := range w.drv.sent() {
		if d.to == to {
			all = append(all, d.msg.text)
		}
	}
	out := all[min(w.read[to], len(all)):]
	w.read[to] = len(all)
	// Messages due at the same moment arrive in no set order.
	sorted := slices.Sorted(slices.Values(out))
	w.record(fmt.Sprintf("%d new for %s:\n%s", len(out), who, strings.Join(sorted, "\n---\n")))
	return out
}

// record adds an entry to the transcript and the test's log.
func (w *world) record(entry string) {
	w.t.Helper()
	w.t.Log(entry)
	if !w.offrecord {
		w.transcript = append(w.transcript, entry)
	}
}

// offRecord runs fn, a platform-specific part of a walk, leaving what it
// reads out of the transcripts compared across platforms.
func (w *world) offRecord(fn func()) {
	w.t.Helper()
	was := w.offrecord
	w.offrecord = true
	defer func() { w.offrecord = was }()
	fn()
}

// group is the world's group, for assertions on the store.
func (w *world) group() *storage.Group {
	w.t.Helper()
	g, err := w.store.GroupByPlatform(context.Background(), w.platform, w.drv.group())
	if err != nil {
		w.t.Fatalf("group: %v", err)
	}
	return g
}

// mentionRE finds @name mentions in a typed line: an @ at the start of a
// word or option value, then a name.
var mentionRE = regexp.MustCompile(`(^|[\s:"“,(])@([A-Za-z][A-Za-z0-9_-]*)`)

// mentions rewrites every @name in s with form (the platform's mention of
// that person), making the people known.
func (w *world) mentions(s string, form func(*person) string) string {
	return mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := mentionRE.FindStringSubmatch(m)
		return sub[1] + form(w.person(sub[2]))
	})
}

// roomRE finds #name channels in a typed line, as mentionRE people.
var roomRE = regexp.MustCompile(`(^|[\s:"“,(])#([A-Za-z][A-Za-z0-9_-]*)`)

// channels rewrites every #name in s with form (the platform's mention
// of that channel, given its id), making the channels known.
func (w *world) channels(s string, form func(id, name string) string) string {
	return roomRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := roomRE.FindStringSubmatch(m)
		return sub[1] + form(w.room(sub[2]), sub[2])
	})
}

// room returns the platform id of the channel named name, making it on
// first use.
func (w *world) room(name string) string {
	if id, ok := w.rooms[name]; ok {
		return id
	}
	id := w.drv.room(name)
	w.rooms[name], w.roomNames[id] = id, name
	return id
}

// channelMention is a channel link in a reply: <#id> or <#id|name>.
var channelMention = regexp.MustCompile(`<#([A-Za-z0-9]+)(?:\|[^>]*)?>`)

// roomNamesIn rewrites channel links to the channels the world knows back
// to #name.
func (w *world) roomNamesIn(s string) string {
	return channelMention.ReplaceAllStringFunc(s, func(m string) string {
		if name, ok := w.roomNames[channelMention.FindStringSubmatch(m)[1]]; ok {
			return "#" + name
		}
		return m
	})
}

// names rewrites the platform's mentions found by re (its first group
// the id) back to @name, for the people the world knows.
func (w *world) names(s string, re *regexp.Regexp) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		if p := w.byID[re.FindStringSubmatch(m)[1]]; p != nil {
			return "@" + p.name
		}
		return m
	})
}
