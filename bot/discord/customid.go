package discord

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Custom ids carry everything a click or a modal submit needs, so that
// HTTP mode stays stateless: buttons hold their action in the text
// grammar ("a:meeting rsvp id:3 answer:yes"), modals the command and its
// fixed options ("m:response bulk official:\"Sheriff Roe\""). Both are
// parsed back with the tree's ParseLine, as the console and Slack do.
//
// An action too long for a custom id (a ready command with a long title
// and a mention, say) is shown in the message as a ready command instead
// ("`/task add title:…`"), and its button carries a hash of it ("h:…").
// Discord sends the clicked message with the click, so the action is read
// back from there, still without state; the action runs as the clicker,
// exactly as if they had typed the command shown.
const (
	buttonPrefix = "a:"
	hashPrefix   = "h:"
	modalPrefix  = "m:"
	// restInput is the modal input holding the fields beyond the fifth.
	restInput = "_rest"
	// maxCustomID is Discord's limit on custom_id.
	maxCustomID = 100
)

// buttonID encodes a button's action; ok is false when it does not fit.
func buttonID(action string) (string, bool) {
	id := buttonPrefix + normalAction(action)
	return id, len(id) <= maxCustomID
}

// normalAction is an action without its leading slash and outer spaces.
func normalAction(action string) string {
	return strings.TrimPrefix(strings.TrimSpace(action), "/")
}

// hashID is the custom id of a button whose action does not fit one.
func hashID(action string) string {
	sum := sha256.Sum256([]byte(normalAction(action)))
	return hashPrefix + base64.RawURLEncoding.EncodeToString(sum[:18])
}

// readyCommand is how an action appears in a message: as inline code.
func readyCommand(action string) string { return "`/" + normalAction(action) + "`" }

var readyCommandRE = regexp.MustCompile("`/([^`]+)`")

// actionInMessage finds the ready command in m whose hash is id.
func actionInMessage(m *discordgo.Message, id string) (string, bool) {
	if m == nil {
		return "", false
	}
	texts := []string{m.Content}
	for _, e := range m.Embeds {
		texts = append(texts, e.Description)
		for _, f := range e.Fields {
			texts = append(texts, f.Value)
		}
		if e.Footer != nil {
			texts = append(texts, e.Footer.Text)
		}
	}
	for _, t := range texts {
		for _, sub := range readyCommandRE.FindAllStringSubmatch(t, -1) {
			if hashID(sub[1]) == id {
				return normalAction(sub[1]), true
			}
		}
	}
	return "", false
}

// modalID encodes a form's command and fixed options; ok is false when
// they do not fit or a value cannot be quoted.
func modalID(command string, fixed map[string]string) (string, bool) {
	line, ok := formatLine(command, fixed)
	id := modalPrefix + line
	return id, ok && len(id) <= maxCustomID
}

// formatLine writes a command and raw option values in the text grammar,
// each value quoted; ok is false when a value holds a quote or a line
// break, which the grammar cannot carry.
func formatLine(path string, args map[string]string) (string, bool) {
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(path, "/"))
	for _, k := range names {
		v := strings.TrimSpace(args[k])
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, "\"“”\n\r") {
			return "", false
		}
		b.WriteString(" " + k + `:"` + v + `"`)
	}
	return b.String(), true
}
