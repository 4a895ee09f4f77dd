package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
)

// setupDiscord starts Discord: gateway mode with DISCORD_BOT_TOKEN alone;
// HTTP interactions mode (POST /discord/interactions) when
// DISCORD_PUBLIC_KEY is set, where the bot token, if any, only sends
// messages, so that several stateless processes can share one endpoint.
func (a *app) setupDiscord() error {
	s, err := discord.NewSession(a.cfg.DiscordBotToken, a.cfg.DiscordAPIURL, a.log)
	if err != nil {
		return err
	}
	var key ed25519.PublicKey
	if a.cfg.DiscordPublicKey != "" {
		key, err = hex.DecodeString(a.cfg.DiscordPublicKey)
		if err != nil {
			return fmt.Errorf("DISCORD_PUBLIC_KEY: %w", err)
		}
	}
	ad := discord.New(discord.Config{Router: a.router, Gate: a.gate, Session: s, PublicKey: key, Suggester: a.env, Log: a.log, Shards: discordShards(a.cfg)})
	a.senders[discord.Platform] = ad.Sender()
	// Deferred replies finish before the job queue stops.
	a.adapters = append(a.adapters, ad)
	if key == nil {
		a.intake = append(a.intake, ad.Run)
		a.log.Info("discord: gateway mode")
		return nil
	}
	a.handle("POST /discord/interactions", ad)
	a.log.Info("discord: HTTP interactions mode", "path", "/discord/interactions", "addr", a.cfg.HTTPAddr)
	return nil
}

// discordShards is the gateway shards DISCORD_SHARD_COUNT and
// DISCORD_SHARD_ID give this process: the one named, or all of the count.
func discordShards(cfg Config) discord.Shards {
	s := discord.Shards{Count: cfg.DiscordShardCount}
	if cfg.discordShardIDSet {
		s.IDs = []int{cfg.DiscordShardID}
	}
	return s
}

// discordCommand is `fcbot discord register [--dry-run]`: it replaces the
// application's commands with the current tree's (in DISCORD_GUILD_ID
// only, when set); --dry-run prints the JSON instead of sending it.
func discordCommand(ctx context.Context, cfg Config, log *slog.Logger, tree *bot.Tree, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		return errors.New("usage: fcbot discord register [--dry-run]")
	}
	if len(args) > 1 && args[1] == "--dry-run" {
		cmds, err := discord.Build(tree)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cmds)
	}
	if len(args) > 1 {
		return fmt.Errorf("discord register: unknown argument %q (want --dry-run or nothing)", args[1])
	}
	if cfg.DiscordBotToken == "" || cfg.DiscordAppID == "" {
		return errors.New("discord register needs DISCORD_BOT_TOKEN and DISCORD_APP_ID (the application's Bot and General Information pages)")
	}
	s, err := discord.NewSession(cfg.DiscordBotToken, cfg.DiscordAPIURL, log)
	if err != nil {
		return err
	}
	n, err := discord.Register(ctx, s, cfg.DiscordAppID, cfg.DiscordGuildID, tree)
	if err != nil {
		return err
	}
	where := "globally"
	if cfg.DiscordGuildID != "" {
		where = "in server " + cfg.DiscordGuildID + " (applies at once)"
	}
	fmt.Fprintf(stdout, "registered %d commands %s\n", n, where)
	return nil
}
