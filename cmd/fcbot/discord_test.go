package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot/discord/discordtest"
)

// discordEnv points fcbot at a fake Discord in HTTP interactions mode.
func discordEnv(t *testing.T, fake *discordtest.Server, key discordtest.Key) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for k, v := range map[string]string{
		"DATABASE_URL":       "sqlite:" + filepath.Join(t.TempDir(), "fcbot.db"),
		"HTTP_ADDR":          addr,
		"DISCORD_PUBLIC_KEY": key.PublicHex(),
		"DISCORD_APP_ID":     fake.AppID,
		"DISCORD_BOT_TOKEN":  "test-token",
		"DISCORD_GUILD_ID":   "900000000000000001",
		"DISCORD_API_URL":    fake.URL,
		"SLACK_BOT_TOKEN":    "", "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": "", "LOG_LEVEL": "error",
	} {
		t.Setenv(k, v)
	}
	return "http://" + addr
}

func interactionJSON(id string, typ int, data any) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "application_id": "100000000000000001", "type": typ, "data": data, "token": "token-" + id,
		"guild_id": "900000000000000001", "channel_id": "800000000000000001", "locale": "en-US", "version": 1,
		"member": map[string]any{"user": map[string]any{"id": "600000000000000001", "username": "alice", "discriminator": "0"}, "roles": []string{}, "permissions": "1071698660929"},
	})
	return b
}

func TestServeDiscordInteractions(t *testing.T) {
	fake := discordtest.New(t)
	key := discordtest.NewKey(t)
	base := discordEnv(t, fake, key)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, strings.NewReader(""), io.Discard, io.Discard) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("fcbot did not serve /healthz: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	url := base + "/discord/interactions"
	post := func(req *http.Request) (int, map[string]any) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}

	ping := interactionJSON(discordtest.NewID(), 1, nil)
	if code, v := post(key.Request(t, url, ping)); code != http.StatusOK || v["type"] != 1.0 {
		t.Errorf("signed PING: got %d %v, want 200 {\"type\":1}", code, v)
	}
	unsigned, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(ping))
	if code, _ := post(unsigned); code != http.StatusUnauthorized {
		t.Errorf("unsigned PING: got %d, want 401", code)
	}
	if code, _ := post(discordtest.NewKey(t).Request(t, url, ping)); code != http.StatusUnauthorized {
		t.Errorf("wrongly signed PING: got %d, want 401", code)
	}

	// A signed /scorecard is answered with an embed inside Discord's 3 s.
	start := time.Now()
	code, v := post(key.Request(t, url, interactionJSON(discordtest.NewID(), 2, map[string]any{"name": "scorecard", "type": 1, "options": []any{map[string]any{"name": "show", "type": 1}}})))
	took := time.Since(start)
	data, _ := v["data"].(map[string]any)
	embeds, _ := data["embeds"].([]any)
	if code != http.StatusOK || v["type"] != 4.0 || len(embeds) != 1 {
		t.Fatalf("/scorecard: got %d %v, want a message (type 4) with one embed", code, v)
	}
	if took > 3*time.Second {
		t.Errorf("/scorecard answered after %s, Discord waits 3 s", took)
	}
	if title, _ := embeds[0].(map[string]any)["title"].(string); !strings.HasPrefix(title, "Scorecard:") {
		t.Errorf("/scorecard: got the embed %v, want the scorecard", embeds[0])
	}
}

func TestDiscordRegister(t *testing.T) {
	fake := discordtest.New(t)
	discordEnv(t, fake, discordtest.NewKey(t))
	var out bytes.Buffer
	if err := run(context.Background(), []string{"discord", "register"}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("register: %v", err)
	}
	if !strings.Contains(out.String(), "in server 900000000000000001") {
		t.Errorf("got %q", out.String())
	}
	put := fake.Wait(t, http.MethodPut, "/applications/"+fake.AppID+"/guilds/900000000000000001/commands")
	if put.Auth != "Bot test-token" || !strings.Contains(string(put.Body), `"name":"rules"`) {
		t.Errorf("got auth %q body %s", put.Auth, put.Body)
	}
	if !strings.Contains(string(put.Body), `"description_localizations":{"es-419":`) {
		t.Errorf("registration carries no Latin American Spanish descriptions")
	}
	out.Reset()
	if err := run(context.Background(), []string{"discord", "register", "--dry-run"}, strings.NewReader(""), &out, io.Discard); err != nil || !strings.Contains(out.String(), `"name": "setup"`) {
		t.Errorf("dry run: got %v\n%s", err, out.String())
	}
	var cmds []any
	if err := json.Unmarshal(out.Bytes(), &cmds); err != nil {
		t.Fatalf("dry run JSON: %v", err)
	}
	for _, p := range discordProblems(cmds) {
		t.Error(p)
	}
	if err := run(context.Background(), []string{"discord", "nope"}, strings.NewReader(""), &out, io.Discard); err == nil {
		t.Error("discord nope: got nil, want a usage error")
	}
}

// discordLocalized are the locales every description and choice name must
// be localized to: Spanish, as Discord's clients in Spain and in Latin
// America ask for it.
var discordLocalized = []string{"es-ES", "es-419"}

// discordNameRE is Discord's documented rule for command and option names
// and their localizations, which must also be lower-case.
var discordNameRE = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// discordProblems reads a command set as Discord does, from its JSON, and
// lists what Discord would refuse or show in English to a Spanish client:
// names that break Discord's rule or repeat among their siblings in some
// locale; descriptions and choice names, in English and in each localized
// locale, outside 1-100 characters; a description or choice name without
// its es-ES and es-419 localizations.
func discordProblems(cmds []any) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	fits := func(where, what string, v any) {
		s, _ := v.(string)
		if n := utf8.RuneCountInString(s); n < 1 || n > 100 {
			bad("%s: %s %q is %d characters, want 1-100", where, what, s, n)
		}
	}
	localized := func(where, field string, m map[string]any) {
		locs, _ := m[field].(map[string]any)
		for _, loc := range discordLocalized {
			if _, ok := locs[loc]; !ok {
				bad("%s: no %s for %s", where, field, loc)
			}
		}
		for loc, v := range locs {
			fits(where, field+" "+loc, v)
		}
	}
	var level func(where string, items []any)
	level = func(where string, items []any) {
		siblings := make([]map[string]string, 0, len(items)) // each one's names: locale ("" by default) → name
		locales := map[string]bool{"": true}
		for _, it := range items {
			m, _ := it.(map[string]any)
			name, _ := m["name"].(string)
			at := strings.TrimSpace(where + " " + name)
			names := map[string]string{"": name}
			locs, _ := m["name_localizations"].(map[string]any)
			for loc, v := range locs {
				names[loc], _ = v.(string)
				locales[loc] = true
			}
			for loc, n := range names {
				if !discordNameRE.MatchString(n) || strings.ToLower(n) != n {
					bad("/%s: name %q (%s) breaks Discord's rule for names", at, n, loc)
				}
			}
			siblings = append(siblings, names)
			fits("/"+at, "description", m["description"])
			localized("/"+at, "description_localizations", m)
			choices, _ := m["choices"].([]any)
			for _, ch := range choices {
				c, _ := ch.(map[string]any)
				where := fmt.Sprintf("/%s choice %v", at, c["value"])
				fits(where, "name", c["name"])
				localized(where, "name_localizations", c)
			}
			opts, _ := m["options"].([]any)
			level(at, opts)
		}
		// A name without a localization shows its default in that locale.
		for loc := range locales {
			seen := map[string]bool{}
			for _, names := range siblings {
				n, ok := names[loc]
				if !ok {
					n = names[""]
				}
				if seen[n] {
					bad("/%s: two names show as %q (%s)", where, n, loc)
				}
				seen[n] = true
			}
		}
	}
	level("", cmds)
	if len(cmds) == 0 {
		bad("the dry run registers no commands")
	}
	return problems
}
