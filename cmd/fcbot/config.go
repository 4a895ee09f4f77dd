package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/joho/godotenv"

	"github.com/fcbot/fcbot/storage"
)

// Config is fcbot's whole configuration, read once from the environment
// (and an optional .env file) and validated before anything starts.
type Config struct {
	DatabaseURL string     // DATABASE_URL
	HTTPAddr    string     // HTTP_ADDR
	LogLevel    slog.Level // LOG_LEVEL
	logLevelSet bool

	DiscordBotToken  string // DISCORD_BOT_TOKEN
	DiscordPublicKey string // DISCORD_PUBLIC_KEY
	DiscordAppID     string // DISCORD_APP_ID
	DiscordGuildID   string // DISCORD_GUILD_ID
	DiscordAPIURL    string // DISCORD_API_URL

	SlackBotToken      string // SLACK_BOT_TOKEN
	SlackAppToken      string // SLACK_APP_TOKEN
	SlackSigningSecret string // SLACK_SIGNING_SECRET
	SlackAPIURL        string // SLACK_API_URL
}

// loadConfig reads .env (when present; real environment variables win)
// and the environment.
func loadConfig() (Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf(".env: %w", err)
	}
	return parseConfig(os.Getenv)
}

func parseConfig(get func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:        get("DATABASE_URL"),
		HTTPAddr:           get("HTTP_ADDR"),
		DiscordBotToken:    get("DISCORD_BOT_TOKEN"),
		DiscordPublicKey:   get("DISCORD_PUBLIC_KEY"),
		DiscordAppID:       get("DISCORD_APP_ID"),
		DiscordGuildID:     get("DISCORD_GUILD_ID"),
		DiscordAPIURL:      or(get("DISCORD_API_URL"), "https://discord.com"),
		SlackBotToken:      get("SLACK_BOT_TOKEN"),
		SlackAppToken:      get("SLACK_APP_TOKEN"),
		SlackSigningSecret: get("SLACK_SIGNING_SECRET"),
		SlackAPIURL:        or(get("SLACK_API_URL"), "https://slack.com/api/"),
	}
	var errs []error
	if _, err := storage.ParseURL(c.DatabaseURL); err != nil {
		errs = append(errs, err)
	}
	if lvl := get("LOG_LEVEL"); lvl != "" {
		c.logLevelSet = true
		if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL %q is not one of debug, info, warn, error", lvl))
		}
	}
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("HTTP_ADDR %q is not host:port (e.g. :8080 or 127.0.0.1:8080)", c.HTTPAddr))
		}
	}
	if k := c.DiscordPublicKey; k != "" {
		if b, err := hex.DecodeString(k); err != nil || len(b) != 32 {
			errs = append(errs, errors.New("DISCORD_PUBLIC_KEY must be the 64 hex characters shown on the application's General Information page"))
		}
		if c.DiscordAppID == "" {
			errs = append(errs, errors.New("DISCORD_PUBLIC_KEY is set but DISCORD_APP_ID is not: both come from the application's General Information page"))
		}
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)"))
	}
	if (c.SlackAppToken != "" || c.SlackSigningSecret != "") && c.SlackBotToken == "" {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN (xoxb-…) is needed with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET"))
	}
	for name, raw := range map[string]string{"DISCORD_API_URL": c.DiscordAPIURL, "SLACK_API_URL": c.SlackAPIURL} {
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q is not an http(s) URL", name, raw))
		}
	}
	if !strings.HasSuffix(c.SlackAPIURL, "/") {
		c.SlackAPIURL += "/" // slack-go joins method names onto it
	}
	if (c.DiscordPublicKey != "" || c.SlackSigningSecret != "") && c.HTTPAddr == "" {
		c.HTTPAddr = ":8080"
	}
	return c, errors.Join(errs...)
}

func or(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// platforms reports whether any chat platform is configured; without one
// fcbot opens the console.
func (c Config) platforms() bool { return c.discordEnabled() || c.slackEnabled() }

// discordEnabled reports whether Discord is configured, in either mode.
func (c Config) discordEnabled() bool { return c.DiscordBotToken != "" || c.DiscordPublicKey != "" }

// slackEnabled reports whether Slack is configured; setupSlack checks
// that a way to receive commands is too.
func (c Config) slackEnabled() bool { return c.SlackBotToken != "" }
