package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestShardConfig: DISCORD_SHARD_COUNT and DISCORD_SHARD_ID pick this
// process's gateway shards, and anything else is refused with the reason.
func TestShardConfig(t *testing.T) {
	gateway := map[string]string{"DISCORD_BOT_TOKEN": "tok"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range gateway {
			env[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		want discord.Shards
		err  string // substring of the error, "" for success
	}{
		{"neither: Discord's count, every shard", with(), discord.Shards{}, ""},
		{"count: every shard of it", with("DISCORD_SHARD_COUNT", "4"), discord.Shards{Count: 4}, ""},
		{"count and id: that shard", with("DISCORD_SHARD_COUNT", "4", "DISCORD_SHARD_ID", "3"), discord.Shards{Count: 4, IDs: []int{3}}, ""},
		{"id without count", with("DISCORD_SHARD_ID", "0"), discord.Shards{}, "DISCORD_SHARD_COUNT is not"},
		{"count of 0", with("DISCORD_SHARD_COUNT", "0"), discord.Shards{}, "at least 1"},
		{"count not a number", with("DISCORD_SHARD_COUNT", "two"), discord.Shards{}, "at least 1"},
		{"id past the count", with("DISCORD_SHARD_COUNT", "2", "DISCORD_SHARD_ID", "2"), discord.Shards{}, "from 0 to 1"},
		{"negative id", with("DISCORD_SHARD_COUNT", "2", "DISCORD_SHARD_ID", "-1"), discord.Shards{}, "from 0 to 1"},
		{"HTTP interactions mode", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32), "DISCORD_APP_ID": "1", "DISCORD_SHARD_COUNT": "2"}, discord.Shards{}, "HTTP interactions mode"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(func(k string) string { return tt.env[k] })
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("got error %v, want one mentioning %q", err, tt.err)
			case tt.err != "":
				return
			}
			got := discordShards(cfg)
			if got.Count != tt.want.Count || !slices.Equal(got.IDs, tt.want.IDs) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestShardProcesses runs fcbot in gateway mode against the fake Discord,
// which recommends 2 shards: one process that runs both (no shard
// settings), then two processes that run one each (DISCORD_SHARD_COUNT=2,
// DISCORD_SHARD_ID=0 and 1), on one database. Interactions from servers
// on each shard are answered exactly once, by the process of their shard,
// and each shard identifies once.
func TestShardProcesses(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			for _, c := range []struct {
				name      string
				processes []map[string]string // each one's own settings
			}{
				{"one process, both shards", []map[string]string{{}}},
				{"two processes, a shard each", []map[string]string{
					{"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_ID": "0"},
					{"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_ID": "1"},
				}},
			} {
				t.Run(c.name, func(t *testing.T) {
					shardProcesses(t, storagetest.URL(t, dialect), c.processes)
				})
			}
		})
	}
}

func shardProcesses(t *testing.T, dbURL string, settings []map[string]string) {
	fake := discordtest.New(t)
	fake.Shards, fake.MaxConcurrency = 2, 2
	var procs []*process
	connected := 0
	for i, own := range settings {
		env := map[string]string{
			"DATABASE_URL": dbURL, "DISCORD_API_URL": fake.URL, "DISCORD_APP_ID": fake.AppID,
			"DISCORD_BOT_TOKEN": "token-" + strconv.Itoa(i), "DISCORD_PUBLIC_KEY": "", "DISCORD_GUILD_ID": "",
			"DISCORD_SHARD_COUNT": "", "DISCORD_SHARD_ID": "",
			"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "LOG_LEVEL": "warn",
		}
		for k, v := range own {
			env[k] = v
		}
		// One at a time, so that the first has migrated the database
		// before the next opens it.
		procs = append(procs, startProcess(t, "fcbot-"+strconv.Itoa(i), env))
		if own["DISCORD_SHARD_ID"] != "" {
			connected++
		} else {
			connected += 2
		}
		fake.WaitConnected(t, connected)
	}

	// Three servers on each shard ask /rules number:3.
	asked := map[string]int{} // interaction id → the shard of its server
	for shard := range 2 {
		for range 3 {
			id := discordtest.NewID()
			fake.Dispatch(t, "INTERACTION_CREATE", rulesIn(id, discordtest.GuildOnShard(shard, 2)))
			asked[id] = shard
		}
	}
	for id := range asked {
		fake.Wait(t, http.MethodPost, "/interactions/"+id+"/")
	}
	// Stopped, a process has given every answer it will give.
	for _, p := range procs {
		p.signal(syscall.SIGTERM)
	}
	for _, p := range procs {
		if err := p.wait(30 * time.Second); !exitedCleanly(err) {
			t.Errorf("%s exited with %v:\n%s", p.name, err, p.logTail(4000))
		}
	}

	for id, shard := range asked {
		if n := fake.Callbacks(id); n != 1 {
			t.Errorf("interaction %s (shard %d): answered %d times, want once", id, shard, n)
			continue
		}
		call := fake.Find(http.MethodPost, "/interactions/"+id+"/")[0]
		var resp struct {
			Type int `json:"type"`
			Data struct {
				Embeds []struct {
					Title string `json:"title"`
				} `json:"embeds"`
			} `json:"data"`
		}
		call.JSON(t, &resp)
		if resp.Type != 4 || len(resp.Data.Embeds) != 1 || !strings.Contains(resp.Data.Embeds[0].Title, "Rule 3") {
			t.Errorf("interaction %s: got %s, want the message titled Rule 3", id, call.Body)
		}
		owner := 0 // the one process, or the one of the shard
		if len(procs) > 1 {
			owner = shard
		}
		if want := "Bot token-" + strconv.Itoa(owner); call.Auth != want {
			t.Errorf("interaction %s (shard %d): answered by %q, want %q, the process of its shard", id, shard, call.Auth, want)
		}
	}
	sessions := fake.Sessions()
	if len(sessions) != 2 {
		t.Errorf("%d IDENTIFYs, want one per shard: %+v", len(sessions), sessions)
	}
	seen := map[int]bool{}
	for _, s := range sessions {
		if s.Shards != 2 || seen[s.Shard] {
			t.Errorf("sessions %+v, want shards 0 and 1 of 2", sessions)
		}
		seen[s.Shard] = true
	}
}

// rulesIn is /rules number:3 asked by a member in the server guild.
func rulesIn(id, guild string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": "100000000000000001", "type": 2, "token": "token-" + id, "version": 1,
		"data":     map[string]any{"name": "rules", "type": 1, "options": []any{map[string]any{"name": "number", "type": 4, "value": 3}}},
		"guild_id": guild, "channel_id": "800000000000000001", "locale": "en-US",
		"member": map[string]any{"user": map[string]any{"id": "600000000000000001", "username": "alice", "discriminator": "0"}, "roles": []string{}, "permissions": "1071698660929"},
	})
	return b
}
