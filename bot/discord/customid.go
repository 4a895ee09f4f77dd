package discord

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Custom ids carry everything a click or a modal submit needs, so that
// HTTP mode stays stateless: buttons hold their action in the text
// grammar ("a:meeting rsvp id:3 answer:yes"), modals the command and its
// fixed options ("m:response bulk official:\"Sheriff Roe\""). Both are
// parsed back with the tree's ParseLine, as the console and Slack do.
//
// A form with choices is a sheet (see sheet.go), whose ids are:
//   - "s:<field>:<options>" for the select of form field number <field>
//     (0-based, so that two selects never share an id) filling <options>
//     ("s:0:in-place would-support");
//   - "f:<command line>" for its Save button when every field is a select;
//   - "t:<text fields>|<command line>" for its Save button when text fields
//     follow in a modal: each text field as <field>.<option>.<flags>, L for
//     a long box and R for a required one, separated by commas
//     ("t:11.note.L|response bulk official:\"Jane Roe\"");
//   - "u:<command line>" for that modal, whose inputs are "n:<field>:<option>".
//
// The picks themselves live in the message, as its selects' defaults.
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
	// The sheet's prefixes, described above.
	selectPrefix     = "s:"
	savePrefix       = "f:"
	saveMorePrefix   = "t:"
	sheetModalPrefix = "u:"
	textInputPrefix  = "n:"
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
	texts = append(texts, textDisplays(m.Components)...)
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

// fieldID is the custom id of a sheet's select or text input: prefix, the
// field's number in the form, its options.
func fieldID(prefix string, field int, option string) (string, bool) {
	id := prefix + strconv.Itoa(field) + ":" + option
	return id, len(id) <= maxCustomID && strings.TrimSpace(option) != ""
}

// parseFieldID reads a fieldID with prefix back.
func parseFieldID(prefix, id string) (field int, option string, ok bool) {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0, "", false
	}
	num, option, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || strings.TrimSpace(option) == "" {
		return 0, "", false
	}
	return n, option, true
}

// textField is a form's text box, carried by a sheet's Save button to the
// modal it opens.
type textField struct {
	field    int
	option   string
	long     bool
	required bool
}

// saveID encodes a sheet's Save button: the command and fixed options,
// and the text fields left for a modal; ok is false when they do not fit.
func saveID(command string, fixed map[string]string, texts []textField) (string, bool) {
	line, ok := formatLine(command, fixed)
	if !ok {
		return "", false
	}
	if len(texts) == 0 {
		id := savePrefix + line
		return id, len(id) <= maxCustomID
	}
	specs := make([]string, len(texts))
	for i, t := range texts {
		flags := ""
		if t.long {
			flags += "L"
		}
		if t.required {
			flags += "R"
		}
		// Discord's rule for option names keeps the separators out.
		if !validName(t.option) {
			return "", false
		}
		specs[i] = strconv.Itoa(t.field) + "." + t.option + "." + flags
	}
	id := saveMorePrefix + strings.Join(specs, ",") + "|" + line
	return id, len(id) <= maxCustomID
}

// parseSaveMore reads a "t:" Save button's text fields and command line.
func parseSaveMore(id string) (texts []textField, line string, ok bool) {
	rest, ok := strings.CutPrefix(id, saveMorePrefix)
	if !ok {
		return nil, "", false
	}
	specs, line, ok := strings.Cut(rest, "|")
	if !ok {
		return nil, "", false
	}
	for _, spec := range strings.Split(specs, ",") {
		parts := strings.Split(spec, ".")
		if len(parts) != 3 || !validName(parts[1]) {
			return nil, "", false
		}
		n, err := strconv.Atoi(parts[0])
		if err != nil || n < 0 {
			return nil, "", false
		}
		texts = append(texts, textField{field: n, option: parts[1], long: strings.Contains(parts[2], "L"), required: strings.Contains(parts[2], "R")})
	}
	return texts, line, len(texts) > 0
}
