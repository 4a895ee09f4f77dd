package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// runGateway runs an adapter in gateway mode on the shards picked, against
// fake, and returns what stops it: Run returns only once its deferred work
// is done, so that every answer it will ever give has been given.
func runGateway(t *testing.T, s *storage.Store, fake *discordtest.Server, shards discord.Shards) (stop func()) {
	t.Helper()
	env := &commands.Env{Store: s, Clock: bot.SystemClock{}, Log: quiet()}
	sess, err := discord.NewSession("gateway-token", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	ad := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Suggester: env, Log: quiet(), Shards: shards})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ad.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// rulesIn is /rules number:3 asked in the server guild, and its id.
func rulesIn(t *testing.T, guild string) (string, []byte) {
	t.Helper()
	id := newID()
	var v map[string]any
	raw := interaction(id, 2, map[string]any{"name": "rules", "type": 1, "options": []any{opt("number", 4, 3)}}, alice, memberPerms)
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	v["guild_id"] = guild
	b, _ := json.Marshal(v)
	return id, b
}

// answeredOnce checks, once every adapter has stopped, that each
// interaction got exactly one initial response, and that it is the rule.
func answeredOnce(t *testing.T, fake *discordtest.Server, ids []string) {
	t.Helper()
	for _, id := range ids {
		if n := fake.Callbacks(id); n != 1 {
			t.Errorf("interaction %s: answered %d times, want once", id, n)
			continue
		}
		var resp response
		fake.Find(http.MethodPost, "/interactions/"+id+"/")[0].JSON(t, &resp)
		if resp.Type != 4 || len(resp.Data.Embeds) != 1 || !strings.Contains(resp.Data.Embeds[0].Title, "Rule 3") {
			t.Errorf("interaction %s: got type %d %q, want the message titled Rule 3", id, resp.Type, resp.text())
		}
	}
}

// ask dispatches /rules from n servers on each shard of count and waits
// for their answers; it returns the interactions' ids.
func ask(t *testing.T, fake *discordtest.Server, count, n int) []string {
	t.Helper()
	var ids []string
	for shard := range count {
		for range n {
			id, body := rulesIn(t, discordtest.GuildOnShard(shard, count))
			fake.Dispatch(t, "INTERACTION_CREATE", body)
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		fake.Wait(t, http.MethodPost, "/interactions/"+id+"/token-"+id+"/callback")
	}
	return ids
}

// TestShardsAnswerTheirServersOnce: with Discord recommending 2 shards,
// one adapter connects both, each identifying with its shard; two
// adapters given one shard each of 2 split them. Either way each server's
// interactions, which come on its shard only, are answered exactly once.
func TestShardsAnswerTheirServersOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		t.Run("both shards in one adapter", func(t *testing.T) {
			fake := discordtest.New(t)
			fake.Shards, fake.MaxConcurrency = 2, 2
			stop := runGateway(t, s, fake, discord.Shards{})
			sessions := fake.WaitConnected(t, 2)
			var got []int
			for _, x := range sessions {
				if x.Shards != 2 {
					t.Errorf("session %s identified as one of %d shards, want 2", x.ID, x.Shards)
				}
				got = append(got, x.Shard)
			}
			if slices.Sort(got); !slices.Equal(got, []int{0, 1}) {
				t.Errorf("identified shards %v, want [0 1]", got)
			}
			ids := ask(t, fake, 2, 3)
			stop()
			answeredOnce(t, fake, ids)
		})
		t.Run("one shard per adapter", func(t *testing.T) {
			fake := discordtest.New(t)
			stop0 := runGateway(t, s, fake, discord.Shards{Count: 2, IDs: []int{0}})
			fake.WaitConnected(t, 1)
			stop1 := runGateway(t, s, fake, discord.Shards{Count: 2, IDs: []int{1}})
			fake.WaitConnected(t, 2)
			ids := ask(t, fake, 2, 3)
			stop0()
			stop1()
			answeredOnce(t, fake, ids)
			if n := len(fake.Sessions()); n != 2 {
				t.Errorf("%d IDENTIFYs, want one per shard", n)
			}
		})
	})
}

// TestIdentifiesArePacedPerBucket: shards whose ids are equal modulo
// max_concurrency identify one at a time, a pace apart; the buckets
// start at once.
func TestIdentifiesArePacedPerBucket(t *testing.T) {
	const pace = time.Second
	for _, c := range []struct{ shards, concurrency int }{{3, 1}, {4, 2}} {
		t.Run("", func(t *testing.T) {
			fake := discordtest.New(t)
			fake.Shards, fake.MaxConcurrency = c.shards, c.concurrency
			runGateway(t, storagetest.Open(t, storage.SQLite), fake, discord.Shards{Pace: pace})
			sessions := fake.WaitConnected(t, c.shards)
			at := map[int]time.Time{}
			for _, x := range sessions {
				at[x.Shard] = x.Identified
			}
			for shard := c.concurrency; shard < c.shards; shard++ {
				if gap := at[shard].Sub(at[shard-c.concurrency]); gap < pace {
					t.Errorf("%d shards, max_concurrency %d: shard %d identified %s after shard %d of its bucket, want at least %s",
						c.shards, c.concurrency, shard, gap, shard-c.concurrency, pace)
				}
			}
			for shard := 1; shard < c.concurrency; shard++ {
				if gap := at[shard].Sub(at[0]).Abs(); gap >= pace/2 {
					t.Errorf("max_concurrency %d: shard %d identified %s from shard 0, want the buckets at once", c.concurrency, shard, gap)
				}
			}
		})
	}
}

// TestShardResumesAfterADisconnect: a shard whose connection drops, or
// that the gateway asks to reconnect (op 7), resumes its session without
// a second IDENTIFY; the interaction dispatched while it was away is
// replayed and answered, once, and the one answered before is not
// answered again.
func TestShardResumesAfterADisconnect(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		for _, c := range []struct {
			name string
			cut  func(*discordtest.Server, testing.TB, int)
		}{
			{"dropped", (*discordtest.Server).Drop},
			{"reconnect", (*discordtest.Server).Reconnect},
		} {
			t.Run(c.name, func(t *testing.T) {
				fake := discordtest.New(t)
				fake.Shards, fake.MaxConcurrency = 2, 2
				stop := runGateway(t, s, fake, discord.Shards{})
				fake.WaitConnected(t, 2)
				guild := discordtest.GuildOnShard(1, 2)
				before, body := rulesIn(t, guild)
				fake.Dispatch(t, "INTERACTION_CREATE", body)
				fake.Wait(t, http.MethodPost, "/interactions/"+before+"/")

				c.cut(fake, t, 1)
				missed, body := rulesIn(t, guild)
				fake.Dispatch(t, "INTERACTION_CREATE", body)
				sessions := fake.WaitConnected(t, 2)
				fake.Wait(t, http.MethodPost, "/interactions/"+missed+"/")
				after, body := rulesIn(t, guild)
				fake.Dispatch(t, "INTERACTION_CREATE", body)
				fake.Wait(t, http.MethodPost, "/interactions/"+after+"/")
				stop()

				if len(sessions) != 2 {
					t.Errorf("%d IDENTIFYs, want 2 (one per shard): %+v", len(sessions), sessions)
				}
				for _, x := range sessions {
					want := 0
					if x.Shard == 1 {
						want = 1 // the shard cut
					}
					if x.Resumes != want {
						t.Errorf("shard %d resumed %d times, want %d", x.Shard, x.Resumes, want)
					}
				}
				answeredOnce(t, fake, []string{before, missed, after})
			})
		}
	})
}
