package jobs_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// sendOncer is what the platforms' Senders are.
type sendOncer interface {
	bot.Sender
	bot.OnceSender
}

// fakePlatform is a platform's fake with the real Sender that talks to
// it: the two ways a delivery's answer gets lost are played against them.
type fakePlatform struct {
	// spec tells a bot process (runChild) to deliver through this fake.
	spec string
	// sender is the platform's real Sender on the fake, giving up on an
	// answer after timeout.
	sender func(env *commands.Env, timeout time.Duration) (sendOncer, error)
	// hangPost makes the next post be kept (the message exists) and its
	// answer held back for d, or until the client gives up.
	hangPost func(d time.Duration)
	// messages counts the messages that exist; posts the requests that
	// asked for one.
	messages, posts func() int
}

func fakePlatforms(t *testing.T) map[string]*fakePlatform {
	sl, dc := fakeslack.New(t), discordtest.New(t)
	return map[string]*fakePlatform{
		"slack": {
			spec: "slack " + sl.APIURL(),
			sender: func(env *commands.Env, timeout time.Duration) (sendOncer, error) {
				return slackSender(env, sl.APIURL(), timeout)
			},
			hangPost: func(d time.Duration) { sl.Slow("chat.postMessage", 1, d) },
			messages: func() int { return len(sl.Messages("")) },
			posts:    func() int { return len(sl.Calls("chat.postMessage")) },
		},
		"discord": {
			spec: "discord " + dc.URL,
			sender: func(env *commands.Env, timeout time.Duration) (sendOncer, error) {
				return discordSender(env, dc.URL, timeout)
			},
			hangPost: func(d time.Duration) { dc.Stall(http.MethodPost, "/messages", d) },
			messages: func() int { return len(dc.Messages("")) },
			posts:    func() int { return len(dc.Find(http.MethodPost, "/messages")) },
		},
	}
}

func slackSender(env *commands.Env, apiURL string, timeout time.Duration) (sendOncer, error) {
	ad, err := slack.New(slack.Config{
		BotToken: "xoxb-test", APIURL: apiURL, Router: commands.Router(env), Log: quietLog,
		HTTPClient: &http.Client{Timeout: timeout},
	})
	if err != nil {
		return nil, err
	}
	return asConsole{ad.Sender(), slack.Platform}, nil
}

func discordSender(env *commands.Env, apiURL string, timeout time.Duration) (sendOncer, error) {
	sess, err := discord.NewSession("test-token", apiURL, quietLog)
	if err != nil {
		return nil, err
	}
	sess.Client.Timeout = timeout
	return asConsole{discord.New(discord.Config{Router: commands.Router(env), Session: sess, Log: quietLog}).Sender(), discord.Platform}, nil
}

// asConsole delivers the console group's messages through a platform's
// Sender, as if the group were on that platform: the tests type their
// commands on the console.
type asConsole struct {
	next     sendOncer
	platform string
}

func (a asConsole) Send(ctx context.Context, to bot.Destination, r bot.Reply) error {
	to.Platform = a.platform
	return a.next.Send(ctx, to, r)
}

func (a asConsole) SendOnce(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
	to.Platform = a.platform
	return a.next.SendOnce(ctx, to, r, key)
}

// platformSender is the real Sender a bot process (runChild) delivers
// through: spec is a fakePlatform's.
func platformSender(spec string, env *commands.Env) (sendOncer, error) {
	name, apiURL, _ := strings.Cut(spec, " ")
	switch name {
	case "slack":
		return slackSender(env, apiURL, time.Minute)
	case "discord":
		return discordSender(env, apiURL, time.Minute)
	}
	return nil, fmt.Errorf("no platform %q", name)
}

// cancelledMeeting is a session whose last line queues one message: bob,
// who said yes, is told the meeting is cancelled.
func cancelledMeeting(when time.Time) []string {
	return []string{
		springfield,
		fmt.Sprintf(`/meeting schedule when:"%s" where:"County Building"`, when.In(chicago).Format("2006-01-02 15:04")),
		"as bob", "/meeting rsvp 1 yes",
		"as you", "/meeting cancel 1",
	}
}

// TestSlowPlatformPostsOnce: the platform keeps the message but answers
// after the Sender has given up. The post is tried again (by the Slack
// Sender itself, or by the job's retry on Discord) and finds the message
// (Slack: by its metadata key in the history; Discord: by its nonce): bob
// has one message.
func TestSlowPlatformPostsOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		for name, p := range fakePlatforms(t) {
			t.Run(dialect+"/"+name, func(t *testing.T) {
				t.Parallel()
				s := storagetest.Open(t, dialect)
				migrateRiver(t, s)
				now := time.Now().Truncate(time.Second)
				env := newEnv(s, bot.NewManualClock(now))
				sender, err := p.sender(env, 300*time.Millisecond)
				if err != nil {
					t.Fatal(err)
				}
				q := newQueue(t, env, sender, "slow")
				env.Outbox = q
				con := console.New(commands.Router(env), strings.NewReader(""), io.Discard, false)
				p.hangPost(5 * time.Second)
				for _, line := range cancelledMeeting(now.Add(72 * time.Hour)) {
					if out := con.Line(context.Background(), line); strings.HasPrefix(out, "✗") {
						t.Fatalf("%s: %s", line, out)
					}
				}
				waitFor(t, "the delivery", func() bool {
					return len(jobList(t, q, []string{"deliver"}, rivertype.JobStateCompleted, rivertype.JobStateDiscarded)) == 1
				})
				if j := jobList(t, q, []string{"deliver"})[0]; j.State != rivertype.JobStateCompleted {
					t.Errorf("the delivery is %s after %d attempts, want it completed", j.State, j.Attempt)
				}
				if got := p.messages(); got != 1 || p.posts() < 2 && name == "discord" {
					t.Errorf("%d messages exist after %d posts, want bob's once", got, p.posts())
				}
			})
		}
	}
}

// TestKilledMidSendPostsOnce: a bot process is killed with SIGKILL while
// the platform holds the answer to a post it has kept. The job is left
// running; the next process rescues it after jobs.RescueAfter and retries
// it, and the retry finds the message instead of posting it again.
//
// River's rescuer measures "running too long" against the real clock: the
// process that dies ran with its clock 3 minutes back, so its delivery
// looks 3 minutes old to the next process.
func TestKilledMidSendPostsOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		for name, p := range fakePlatforms(t) {
			t.Run(dialect+"/"+name, func(t *testing.T) {
				t.Parallel()
				raw := storagetest.URL(t, dialect)
				s := openURL(t, raw)
				if err := s.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				migrateRiver(t, s)
				now := time.Now().Truncate(time.Second)
				script := append([]string{"clock " + now.Add(-3*time.Minute).UTC().Format(time.RFC3339)}, cancelledMeeting(now.Add(72*time.Hour))...)
				script = append(script, "wait-sending 1", "ready")
				p.hangPost(time.Hour)
				said := runBot(t, raw, script, p.spec, func() {
					waitFor(t, "the post to reach the platform", func() bool { return p.messages() == 1 })
				})
				if len(said) != 2 || !strings.HasPrefix(said[0], "SENDING bob ") {
					t.Fatalf("the bot process said:\n%s\nwant it sending bob's message, then READY", strings.Join(said, "\n"))
				}

				env := newEnv(s, bot.NewManualClock(now))
				sender, err := p.sender(env, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				q := buildQueue(t, env, sender, "restarted", jobs.RescueAfter)
				if got := jobList(t, q, []string{"deliver"}, rivertype.JobStateRunning); len(got) != 1 {
					t.Fatalf("after the kill, %d deliveries are running, want the one cut off", len(got))
				}
				if err := q.Start(context.Background()); err != nil {
					t.Fatal(err)
				}
				waitFor(t, "the rescued delivery", func() bool {
					return len(jobList(t, q, []string{"deliver"}, rivertype.JobStateCompleted)) == 1
				})
				if got := p.messages(); got != 1 {
					t.Errorf("%d messages exist after %d posts, want bob's once", got, p.posts())
				}
			})
		}
	}
}
