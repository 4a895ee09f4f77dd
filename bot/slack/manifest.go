package slack

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/fcbot/fcbot/bot"
)

// Scopes are the bot token scopes fcbot uses: slash commands; posting
// replies and ephemeral messages, also in public channels the bot has not
// joined (chat:write.public); opening direct messages; users.info
// (workspace admins count as leads; a person named must be a member of the
// workspace); conversations.info on public and private channels (a channel
// named must be the workspace's, and one the bot can post in); and
// conversations.history of channels, private channels and direct messages
// the bot is in, read only by SendOnce to find a message it already posted;
// and uploading files (a member's data export, by direct message).
var Scopes = []string{
	"commands", "chat:write", "chat:write.public", "im:write", "users:read",
	"channels:read", "groups:read", "channels:history", "groups:history", "im:history", "files:write",
}

// Paths of HTTP mode's request URLs.
const (
	CommandsPath     = "/slack/commands"
	InteractionsPath = "/slack/interactions"
)

// Manifest is a Slack app manifest (https://docs.slack.dev/reference/app-manifest).
type Manifest struct {
	DisplayInformation DisplayInformation `json:"display_information"`
	Features           Features           `json:"features"`
	OAuthConfig        OAuthConfig        `json:"oauth_config"`
	Settings           Settings           `json:"settings"`
}

// DisplayInformation is how the app presents itself.
type DisplayInformation struct {
	Name            string `json:"name"`
	Description     string `json:"description"`
	LongDescription string `json:"long_description,omitempty"`
	BackgroundColor string `json:"background_color"`
}

// Features are the bot user and the slash commands.
type Features struct {
	BotUser       BotUser        `json:"bot_user"`
	SlashCommands []SlashCommand `json:"slash_commands"`
}

// BotUser is the app's bot.
type BotUser struct {
	DisplayName  string `json:"display_name"`
	AlwaysOnline bool   `json:"always_online"`
}

// SlashCommand is one slash command of the manifest.
type SlashCommand struct {
	Command      string `json:"command"`
	URL          string `json:"url,omitempty"`
	Description  string `json:"description"`
	UsageHint    string `json:"usage_hint,omitempty"`
	ShouldEscape bool   `json:"should_escape"`
}

// OAuthConfig lists the scopes.
type OAuthConfig struct {
	Scopes struct {
		Bot []string `json:"bot"`
	} `json:"scopes"`
}

// Settings choose Socket Mode or request URLs.
type Settings struct {
	Interactivity        Interactivity `json:"interactivity"`
	OrgDeployEnabled     bool          `json:"org_deploy_enabled"`
	SocketModeEnabled    bool          `json:"socket_mode_enabled"`
	TokenRotationEnabled bool          `json:"token_rotation_enabled"`
}

// Interactivity turns on buttons and modals.
type Interactivity struct {
	IsEnabled  bool   `json:"is_enabled"`
	RequestURL string `json:"request_url,omitempty"`
}

// Manifest's limits.
const (
	maxCommandDescription = 2000
	maxUsageHint          = 1000
)

// BuildManifest describes the app for tree: every top-level command as a
// slash command, the scopes fcbot uses, interactivity, and Socket Mode
// when base is empty, else request URLs under base (https://host).
func BuildManifest(tree *bot.Tree, base string) (*Manifest, error) {
	m := &Manifest{
		DisplayInformation: DisplayInformation{
			Name:            "fcbot",
			Description:     "Runs a local Freedom Cities campaign: rules, officials, meetings, scorecards.",
			LongDescription: "fcbot helps a local group campaign for the nine Freedom Cities model rules: it keeps the group's officials and what they answered, schedules meetings and RSVPs, tracks tasks, and shows a scorecard. It stores platform ids and display names only. Type /help to begin.",
			BackgroundColor: "#1d3557",
		},
		Features: Features{BotUser: BotUser{DisplayName: "fcbot", AlwaysOnline: true}},
		Settings: Settings{Interactivity: Interactivity{IsEnabled: true}, SocketModeEnabled: base == ""},
	}
	m.OAuthConfig.Scopes.Bot = append([]string(nil), Scopes...)
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, fmt.Errorf("--url %q must be the https address fcbot is reached at, like https://bot.example.org", base)
		}
		base = "https://" + u.Host
		m.Settings.Interactivity.RequestURL = base + InteractionsPath
	}
	for _, c := range tree.Roots() {
		// A manifest has one language; Slack shows these hints to all.
		sc := SlashCommand{
			Command:      "/" + SlashName(c.Name),
			Description:  bot.Clip(c.Describe("en"), maxCommandDescription),
			UsageHint:    bot.Clip(usageHint(c), maxUsageHint),
			ShouldEscape: true,
		}
		if base != "" {
			sc.URL = base + CommandsPath
		}
		m.Features.SlashCommands = append(m.Features.SlashCommands, sc)
	}
	return m, nil
}

// reserved are Slack's built-in slash commands, which an app's manifest
// may not list: Slack refuses the whole manifest.
var reserved = map[string]bool{
	"active": true, "apps": true, "archive": true, "away": true, "call": true, "collapse": true, "dm": true,
	"expand": true, "feed": true, "invite": true, "join": true, "kick": true, "leave": true, "me": true,
	"msg": true, "mute": true, "open": true, "prefs": true, "remind": true, "remove": true, "rename": true,
	"search": true, "shortcuts": true, "shrug": true, "star": true, "status": true, "topic": true, "who": true,
}

// SlashName is the slash command a root command is on Slack: its own name,
// or "fcbot-" before it when Slack reserves that name (/me is /fcbot-me).
func SlashName(root string) string {
	if reserved[root] {
		return "fcbot-" + root
	}
	return root
}

// rootName is the root command a Slack slash command runs: the reverse of
// SlashName.
func rootName(slash string) string {
	slash = strings.TrimPrefix(slash, "/")
	if root, ok := strings.CutPrefix(slash, "fcbot-"); ok && reserved[root] {
		return root
	}
	return slash
}

// JSON renders the manifest as indented JSON, ready to paste.
func (m *Manifest) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// usageHint is what Slack shows after the command as the user types: the
// command's example without the command, or its subcommands.
func usageHint(c *bot.Command) string {
	if len(c.Subcommands) == 0 {
		hint := strings.TrimSpace(strings.TrimPrefix(c.Example, "/"+c.Name))
		if hint == "" {
			hint = "help"
		}
		return hint
	}
	names := make([]string, len(c.Subcommands))
	for i, s := range c.Subcommands {
		names[i] = s.Name
	}
	return "[" + strings.Join(names, " | ") + "] … or help"
}
