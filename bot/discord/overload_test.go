package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The overload tests saturate a gate of 2 slots and 3 queue places with
// /hold, which waits until the test lets go, by sending 40 at once.
const (
	slots, queue = 2, 3
	burst        = 40
	// discordDeadline is how long Discord waits for an initial response.
	discordDeadline = 3 * time.Second
)

// holding is /hold: it counts its runs and waits until letGo.
type holding struct {
	cmd   *bot.Command
	runs  atomic.Int64
	letGo func()
}

func newHolding(t *testing.T) *holding {
	release := make(chan struct{})
	h := &holding{letGo: sync.OnceFunc(func() { close(release) })}
	t.Cleanup(h.letGo)
	h.cmd = &bot.Command{
		Name: "hold", Example: "/hold n:1",
		Options: []bot.Option{{Name: "n", Kind: bot.Integer}},
		Handler: func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
			h.runs.Add(1)
			select {
			case <-release:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
			n, _ := req.Int("n")
			return bot.Reply{Text: fmt.Sprintf("held %d", n)}, nil
		},
	}
	return h
}

func newGate() *bot.Gate {
	return bot.NewGate(bot.GateConfig{Slots: slots, Queue: queue, Log: quiet()})
}

// holdInteraction is /hold n:i as Discord sends it.
func holdInteraction(id string, i int) []byte {
	return interaction(id, 2, map[string]any{"name": "hold", "type": 1, "options": []any{map[string]any{"name": "n", "type": 4, "value": i}}}, alice, memberPerms)
}

// isBusy reports whether an initial response is the busy reply, shown
// privately.
func isBusy(r response) bool {
	return r.Type == 4 && r.Data.Flags&ephemeral != 0 && strings.Contains(r.text(), bot.Busy("en").Text)
}

// settle checks, once the adapter's work is done, that the gate has every
// place back and that no goroutine is left beyond base (idle connections
// closed).
func settle(t *testing.T, ad *discord.Adapter, gate *bot.Gate, base int) {
	t.Helper()
	ad.Wait()
	var passes []*bot.Pass
	for range slots + queue {
		p, ok := gate.Admit()
		if !ok {
			t.Errorf("only %d of %d places free after the work ended", len(passes), slots+queue)
			break
		}
		passes = append(passes, p)
	}
	for _, p := range passes {
		p.Leave()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		http.DefaultClient.CloseIdleConnections()
		n := runtime.NumGoroutine()
		if n <= base {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("%d goroutines 5 s after the work ended, want at most the %d before the burst:\n%s", n, base, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOverloadIsAnsweredBusy sends 40 /hold at once over HTTP. Every
// interaction is answered 200 within Discord's 3 seconds: the 5 admitted
// deferred, the 35 others at once with the busy reply, privately; none of
// those ran. Once let go, the 5 complete through the interaction webhook;
// the same interaction again runs, since the refusal changed nothing; and
// no goroutine is left behind.
func TestOverloadIsAnsweredBusy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		hold, gate := newHolding(t), newGate()
		r := newRig(t, s, rigOpt{extra: []*bot.Command{hold.cmd}, budget: 300 * time.Millisecond, gate: gate})
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		base := runtime.NumGoroutine()

		var admitted, refused []string // interaction ids
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range burst {
			id := newID()
			req := r.key.Request(t, r.srv.URL, holdInteraction(id, i))
			wg.Go(func() {
				start := time.Now()
				code, resp, err := post(client, req)
				took := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil || code != 200 || took > discordDeadline:
					t.Errorf("/hold: got %d (%v) after %s, want 200 within %s", code, err, took, discordDeadline)
				case resp.Type == 5 && resp.Data.Flags&ephemeral == 0:
					admitted = append(admitted, id)
				case isBusy(resp):
					refused = append(refused, id)
				default:
					t.Errorf("/hold: got type %d %q, want a public defer (5) or the busy reply", resp.Type, resp.text())
				}
			})
		}
		wg.Wait()
		if len(admitted) != slots+queue || len(refused) != burst-slots-queue {
			t.Fatalf("%d deferred and %d busy, want %d and %d", len(admitted), len(refused), slots+queue, burst-slots-queue)
		}
		if got := atLeast(&hold.runs, slots); got != slots {
			t.Errorf("%d runs of /hold began while held, want %d (the slots)", got, slots)
		}

		hold.letGo()
		for _, id := range admitted {
			edit := r.fake.Wait(t, http.MethodPatch, "/webhooks/100000000000000001/token-"+id+"/messages/@original")
			if !strings.Contains(string(edit.Body), "held ") {
				t.Errorf("completion of %s: got %s, want its answer", id, edit.Body)
			}
		}
		for _, id := range refused {
			if calls := r.fake.Find(http.MethodPatch, "token-"+id); len(calls) > 0 {
				t.Errorf("refused /hold %s was completed later: %s", id, calls[0].Body)
			}
		}
		code, resp, err := post(client, r.key.Request(t, r.srv.URL, holdInteraction(refused[0], 0)))
		if err != nil || code != 200 || resp.Type != 4 || !strings.Contains(resp.text(), "held 0") {
			t.Errorf("a refused interaction again: got %d type %d %q (%v), want it run", code, resp.Type, resp.text(), err)
		}
		if got := hold.runs.Load(); got != slots+queue+1 {
			t.Errorf("%d runs of /hold in all, want %d: the admitted ones and the one sent again", got, slots+queue+1)
		}
		settle(t, r.ad, gate, base)
	})
}

// atLeast waits (up to 5 s) until n reaches want, and returns it: the
// commands admitted begin once their caller is resolved.
func atLeast(n *atomic.Int64, want int64) int64 {
	for deadline := time.Now().Add(5 * time.Second); n.Load() < want && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	return n.Load()
}

// post sends a signed interaction from any goroutine.
func post(client *http.Client, req *http.Request) (int, response, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, response{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			return 0, response{}, fmt.Errorf("response is not JSON: %w\n%s", err, raw)
		}
	}
	return resp.StatusCode, out, nil
}

// TestOverloadOverTheGateway dispatches 40 /hold at once over the
// gateway: every interaction gets its initial response within Discord's 3
// seconds, the 5 admitted a defer and the 35 others the busy reply,
// privately; once let go, the 5 complete through the interaction
// webhook, and once Run returns no goroutine is left behind.
func TestOverloadOverTheGateway(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		hold, gate := newHolding(t), newGate()
		env := &commands.Env{Store: s, Clock: bot.NewManualClock(start), Log: quiet()}
		router := bot.NewRouter(bot.Config{Tree: bot.NewTree(append(commands.All(env), hold.cmd)...), Log: quiet(), Resolver: env, Guard: env, Clock: env.Clock})
		fake := discordtest.New(t)
		fake.AddMember(guildID, discordtest.Member{ID: alice, Username: "alice"})
		sess, err := discord.NewSession("gateway-token", fake.URL, quiet())
		if err != nil {
			t.Fatal(err)
		}
		base := runtime.NumGoroutine()
		ad := discord.New(discord.Config{Router: router, Gate: gate, Session: sess, Suggester: env, Log: quiet(), Budget: 300 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		done := make(chan error, 1)
		go func() { done <- ad.Run(ctx) }()
		fake.WaitIdentify(t)

		ids := make([]string, burst)
		begun := time.Now()
		for i := range ids {
			ids[i] = newID()
			fake.Dispatch(t, "INTERACTION_CREATE", holdInteraction(ids[i], i))
		}
		responses := initialResponses(t, fake, ids, begun.Add(discordDeadline))
		var admitted []string
		busy := 0
		for _, id := range ids {
			r, ok := responses[id]
			switch {
			case !ok:
				t.Errorf("%s: no initial response within %s", id, discordDeadline)
			case r.Type == 5:
				admitted = append(admitted, id)
			case isBusy(r):
				busy++
			default:
				t.Errorf("%s: got type %d %q, want a defer (5) or the busy reply", id, r.Type, r.text())
			}
		}
		if len(admitted) != slots+queue || busy != burst-slots-queue {
			t.Fatalf("%d deferred and %d busy, want %d and %d", len(admitted), busy, slots+queue, burst-slots-queue)
		}
		hold.letGo()
		for _, id := range admitted {
			if edit := fake.Wait(t, http.MethodPatch, "/webhooks/100000000000000001/token-"+id+"/messages/@original"); !strings.Contains(string(edit.Body), "held ") {
				t.Errorf("completion of %s: got %s, want its answer", id, edit.Body)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		settle(t, ad, gate, base)
	})
}

// initialResponses collects the initial responses that the interactions
// ids get through the fake Discord until deadline.
func initialResponses(t *testing.T, fake *discordtest.Server, ids []string, deadline time.Time) map[string]response {
	t.Helper()
	responses := map[string]response{}
	for len(responses) < len(ids) && time.Now().Before(deadline) {
		for _, id := range ids {
			if calls := fake.Find(http.MethodPost, "/interactions/"+id+"/token-"+id+"/callback"); len(calls) > 0 {
				var r response
				calls[0].JSON(t, &r)
				responses[id] = r
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return responses
}
