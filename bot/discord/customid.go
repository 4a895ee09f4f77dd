package discord

import (
	"sort"
	"strings"
)

// Custom ids carry everything a click or a modal submit needs, so that
// HTTP mode stays stateless: buttons hold their action in the text
// grammar ("a:meeting rsvp id:3 answer:yes"), modals the command and its
// fixed options ("m:response bulk official:\"Sheriff Roe\""). Both are
// parsed back with the tree's ParseLine, as the console and Slack do.
const (
	buttonPrefix = "a:"
	modalPrefix  = "m:"
	// restInput is the modal input holding the fields beyond the fifth.
	restInput = "_rest"
	// maxCustomID is Discord's limit on custom_id.
	maxCustomID = 100
)

// buttonID encodes a button's action; ok is false when it does not fit.
func buttonID(action string) (string, bool) {
	id := buttonPrefix + strings.TrimPrefix(strings.TrimSpace(action), "/")
	return id, len(id) <= maxCustomID
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
