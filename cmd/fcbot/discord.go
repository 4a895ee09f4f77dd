package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/fcbot/fcbot/bot/discord"
)

// Discord: gateway mode with DISCORD_BOT_TOKEN alone; HTTP interactions
// mode (POST /discord/interactions) when DISCORD_PUBLIC_KEY is set, where
// the bot token, if any, only sends messages, so that several stateless
// processes can share one endpoint.
func init() {
	platforms = append(platforms, platform{
		name:    discord.Platform,
		enabled: func(c Config) bool { return c.DiscordBotToken != "" || c.DiscordPublicKey != "" },
		setup:   setupDiscord,
	})
	subcommands["discord"] = discordCommand
}

func setupDiscord(_ context.Context, a *app) error {
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
	ad := discord.New(discord.Config{Router: a.router, Session: s, PublicKey: key, Suggester: a.env, Log: a.log})
	a.senders[discord.Platform] = ad.Sender()
	if key == nil {
		a.runners = append(a.runners, ad.Run)
		a.log.Info("discord: gateway mode")
		return nil
	}
	a.handle("POST /discord/interactions", ad)
	// Deferred replies finish before the process stops.
	a.runners = append(a.runners, func(ctx context.Context) error {
		<-ctx.Done()
		ad.Wait()
		return nil
	})
	a.log.Info("discord: HTTP interactions mode", "path", "/discord/interactions", "addr", a.cfg.HTTPAddr)
	return nil
}

// discordCommand is `fcbot discord register [--dry-run]`: it replaces the
// application's commands with the current tree's (in DISCORD_GUILD_ID
// only, when set); --dry-run prints the JSON instead of sending it.
func discordCommand(ctx context.Context, a *app, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "register" {
		return errors.New("usage: fcbot discord register [--dry-run]")
	}
	if len(args) > 1 && args[1] == "--dry-run" {
		cmds := discord.Commands(a.router.Tree())
		if err := discord.Validate(cmds); err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cmds)
	}
	if len(args) > 1 {
		return fmt.Errorf("discord register: unknown argument %q (want --dry-run or nothing)", args[1])
	}
	if a.cfg.DiscordBotToken == "" || a.cfg.DiscordAppID == "" {
		return errors.New("discord register needs DISCORD_BOT_TOKEN and DISCORD_APP_ID (the application's Bot and General Information pages)")
	}
	s, err := discord.NewSession(a.cfg.DiscordBotToken, a.cfg.DiscordAPIURL, a.log)
	if err != nil {
		return err
	}
	n, err := discord.Register(ctx, s, a.cfg.DiscordAppID, a.cfg.DiscordGuildID, a.router.Tree())
	if err != nil {
		return err
	}
	where := "globally"
	if a.cfg.DiscordGuildID != "" {
		where = "in server " + a.cfg.DiscordGuildID + " (applies at once)"
	}
	fmt.Fprintf(stdout, "registered %d commands %s\n", n, where)
	return nil
}
