package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/joho/godotenv"

	"github.com/fcbot/fcbot/storage"
)

// Config is fcbot's whole configuration, read once from the environment
// (and an optional .env file) and validated before anything starts.
type Config struct {
	DatabaseURL string // DATABASE_URL
	HTTPAddr    string // HTTP_ADDR
	// PublicURL is where people reach the web pages (calendar feeds,
	// published scorecards, dashboards), without a trailing slash: the
	// links the bot hands out start with it. "" when no HTTP server runs.
	PublicURL   string     // PUBLIC_URL
	LogLevel    slog.Level // LOG_LEVEL
	logLevelSet bool
	// LogFormat is "json" or "text", or "" to log text to a terminal and
	// JSON otherwise.
	LogFormat string // LOG_FORMAT
	// MetricsAddr is where /metrics (and /healthz and /readyz) are served,
	// apart from HTTP_ADDR so that they are never public by accident; ""
	// serves no metrics.
	MetricsAddr string // METRICS_ADDR
	// MemoryLimit is the Go runtime's soft memory limit in bytes, 0 when
	// unset: past it the garbage collector works harder rather than let
	// the process grow (a container's limit minus some headroom).
	MemoryLimit int64 // GOMEMLIMIT
	// GCPercent is the garbage collector's target (GOGC): the heap grows
	// by this percentage of what is live before the next collection; -1
	// is off. Default defaultGCPercent.
	GCPercent int // GOGC
	// ShutdownTimeout bounds a stop, from SIGTERM to the store closed:
	// requests in flight, replies delivered later and running jobs
	// finish within it or are handed back (see shutdown.go).
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT

	DiscordBotToken  string // DISCORD_BOT_TOKEN
	DiscordPublicKey string // DISCORD_PUBLIC_KEY
	DiscordAppID     string // DISCORD_APP_ID
	DiscordGuildID   string // DISCORD_GUILD_ID
	DiscordAPIURL    string // DISCORD_API_URL
	// DiscordShardCount is how many gateway shards there are in all, 0
	// for Discord's recommendation; DiscordShardID, when
	// discordShardIDSet, is the one this process runs, else it runs all.
	DiscordShardCount int // DISCORD_SHARD_COUNT
	DiscordShardID    int // DISCORD_SHARD_ID
	discordShardIDSet bool

	SlackBotToken      string // SLACK_BOT_TOKEN
	SlackAppToken      string // SLACK_APP_TOKEN
	SlackSigningSecret string // SLACK_SIGNING_SECRET
	SlackAPIURL        string // SLACK_API_URL

	// BackupRecipients are the public keys `fcbot backup` encrypts to.
	BackupRecipients []age.Recipient // BACKUP_AGE_RECIPIENTS
}

// loadConfig reads .env (when present; real environment variables win)
// and the environment, and applies GOMEMLIMIT and GOGC: the Go runtime
// reads them from the environment before main runs, so ones that only
// .env sets would otherwise be ignored.
func loadConfig() (Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf(".env: %w", err)
	}
	c, err := parseConfig(os.Getenv)
	if err == nil {
		if c.MemoryLimit > 0 {
			debug.SetMemoryLimit(c.MemoryLimit)
		}
		debug.SetGCPercent(c.GCPercent)
	}
	return c, err
}

// defaultGCPercent is GOGC when it is unset. fcbot's live heap is small
// (about 10 MB), so at the runtime's 100 a busy process collects several
// times a second, and on two cores each collection's marking takes one
// of them from the commands: at 500 commands a second that was a fifth
// of their p99. At 400 it collects a quarter as often, for some 15 MB
// more at peak; GOMEMLIMIT still bounds the heap.
const defaultGCPercent = 400

// parseGCPercent reads GOGC as the Go runtime does: a percentage, or off.
func parseGCPercent(v string) (int, error) {
	switch n, err := strconv.Atoi(v); {
	case v == "":
		return defaultGCPercent, nil
	case v == "off":
		return -1, nil
	case err != nil || n < 1:
		return 0, fmt.Errorf("GOGC %q is not a percentage the Go runtime reads: write a whole number of 1 or more (e.g. 400), or off", v)
	default:
		return n, nil
	}
}

// memoryLimitRE is GOMEMLIMIT as the Go runtime reads it: bytes with an
// optional unit.
var memoryLimitRE = regexp.MustCompile(`^([0-9]+)(B|KiB|MiB|GiB|TiB)?$`)

// minMemoryLimit is the smallest GOMEMLIMIT fcbot accepts: below it the
// garbage collector would run without pause at rest.
const minMemoryLimit = 16 << 20

// parseMemoryLimit reads GOMEMLIMIT the way the Go runtime does, so that
// a value accepted in .env also works in the environment: "off" is no
// limit. A limit below minMemoryLimit is refused.
func parseMemoryLimit(v string) (int64, error) {
	if v == "off" {
		return math.MaxInt64, nil
	}
	bad := fmt.Errorf("GOMEMLIMIT %q is not a size the Go runtime reads: write a number of bytes with B, KiB, MiB, GiB or TiB after it (e.g. 200MiB), or off", v)
	m := memoryLimitRE.FindStringSubmatch(v)
	if m == nil {
		return 0, bad
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	shift := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}[m[2]]
	if err != nil || n > math.MaxInt64>>shift {
		return 0, bad
	}
	if n<<shift < minMemoryLimit {
		return 0, fmt.Errorf("GOMEMLIMIT %q is below the 16MiB fcbot needs at rest, where the garbage collector would never stop: set a larger one, e.g. 200MiB, or off", v)
	}
	return n << shift, nil
}

// defaultShutdownTimeout is SHUTDOWN_TIMEOUT when it is unset: under the
// 30 seconds systemd and Kubernetes wait before they kill, and well over
// what a stop takes when nothing is stuck (a command is bounded at 10 s).
const defaultShutdownTimeout = 20 * time.Second

// maxShutdownTimeout is the longest SHUTDOWN_TIMEOUT accepted: a stop
// that may take longer holds a deploy for nothing, since no detached
// work lasts longer.
const maxShutdownTimeout = 10 * time.Minute

// parseShutdownTimeout reads SHUTDOWN_TIMEOUT, a Go duration; "" is the
// default.
func parseShutdownTimeout(v string) (time.Duration, error) {
	if v == "" {
		return defaultShutdownTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > maxShutdownTimeout {
		return 0, fmt.Errorf("SHUTDOWN_TIMEOUT %q is not a duration above 0 and at most 10m: write a number with its unit, e.g. 20s or 1m30s", v)
	}
	return d, nil
}

func parseConfig(get func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:        get("DATABASE_URL"),
		HTTPAddr:           get("HTTP_ADDR"),
		LogFormat:          get("LOG_FORMAT"),
		MetricsAddr:        get("METRICS_ADDR"),
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
	if c.LogFormat != "" && c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT %q is not json or text", c.LogFormat))
	}
	if v := get("GOMEMLIMIT"); v != "" {
		var err error
		if c.MemoryLimit, err = parseMemoryLimit(v); err != nil {
			errs = append(errs, err)
		}
	}
	if n, err := parseGCPercent(get("GOGC")); err != nil {
		errs = append(errs, err)
	} else {
		c.GCPercent = n
	}
	if d, err := parseShutdownTimeout(get("SHUTDOWN_TIMEOUT")); err != nil {
		errs = append(errs, err)
	} else {
		c.ShutdownTimeout = d
	}
	if v := get("BACKUP_AGE_RECIPIENTS"); v != "" {
		var err error
		if c.BackupRecipients, err = parseRecipients(v); err != nil {
			errs = append(errs, err)
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
	if err := c.readShards(get); err != nil {
		errs = append(errs, err)
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
	var err error
	if c.PublicURL, err = publicURL(get("PUBLIC_URL"), c.HTTPAddr); err != nil {
		errs = append(errs, err)
	}
	if err := checkMetricsAddr(c.MetricsAddr, c.HTTPAddr); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// checkMetricsAddr refuses a METRICS_ADDR that is not host:port, or that
// is HTTP_ADDR's listener: the metrics say how busy the bot is and what
// it runs, and belong on an address only the operator reaches.
func checkMetricsAddr(v, httpAddr string) error {
	if v == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("METRICS_ADDR %q is not host:port (e.g. 127.0.0.1:9090)", v)
	}
	if httpHost, httpPort, err := net.SplitHostPort(httpAddr); err == nil && port == httpPort && (host == httpHost || anyHost(host) || anyHost(httpHost)) {
		return fmt.Errorf("METRICS_ADDR %q is HTTP_ADDR's listener %q: give the metrics a port of their own (e.g. 127.0.0.1:9090), which only you can reach", v, httpAddr)
	}
	return nil
}

// anyHost reports whether a listener's host is every address.
func anyHost(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }

// readShards reads DISCORD_SHARD_COUNT and DISCORD_SHARD_ID, which split
// the Discord gateway over processes (bot/discord/shard.go): a count of at
// least 1, and an id from 0 to count-1, which needs the count. They apply
// to gateway mode only.
func (c *Config) readShards(get func(string) string) error {
	count, id := get("DISCORD_SHARD_COUNT"), get("DISCORD_SHARD_ID")
	if count == "" && id == "" {
		return nil
	}
	if c.DiscordBotToken == "" || c.DiscordPublicKey != "" {
		return errors.New("DISCORD_SHARD_COUNT and DISCORD_SHARD_ID split the gateway, which runs with DISCORD_BOT_TOKEN and without DISCORD_PUBLIC_KEY: set the token, or unset them in HTTP interactions mode")
	}
	if count == "" {
		return errors.New("DISCORD_SHARD_ID is set but DISCORD_SHARD_COUNT is not: every process needs the same count, e.g. DISCORD_SHARD_COUNT=2 with DISCORD_SHARD_ID=0 in one process and 1 in the other")
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 {
		return fmt.Errorf("DISCORD_SHARD_COUNT %q is not a whole number of at least 1 (e.g. 2)", count)
	}
	c.DiscordShardCount = n
	if id == "" {
		return nil
	}
	k, err := strconv.Atoi(id)
	if err != nil || k < 0 || k >= n {
		return fmt.Errorf("DISCORD_SHARD_ID %q is not a shard of DISCORD_SHARD_COUNT=%d: give one from 0 to %d (e.g. 0)", id, n, n-1)
	}
	c.DiscordShardID, c.discordShardIDSet = k, true
	return nil
}

// publicURL checks PUBLIC_URL, or, when it is unset, makes the address
// of the HTTP server on this machine (http://localhost:8080), good for
// trying the pages out; "" when there is no server.
func publicURL(v, httpAddr string) (string, error) {
	if v == "" {
		host, port, err := net.SplitHostPort(httpAddr)
		if httpAddr == "" || err != nil {
			return "", nil
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	}
	if httpAddr == "" {
		return "", fmt.Errorf("PUBLIC_URL %q is set but HTTP_ADDR is not: set HTTP_ADDR (e.g. :8080) so that fcbot serves the pages its links point at", v)
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("PUBLIC_URL %q is not the http(s) address people reach fcbot at (e.g. https://fcbot.example.org)", v)
	}
	return strings.TrimSuffix(v, "/"), nil
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
