package bot

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tone says how a reply should look: adapters pick colours or icons from it.
type Tone int

// The tones.
const (
	Info Tone = iota
	Success
	Warning
	Failure
)

// Field is a labelled value, shown side by side where the platform can.
type Field struct {
	Name   string
	Value  string
	Inline bool
}

// Button runs a command when clicked. Its action is written in the text
// grammar (`meeting rsvp id:3 answer:yes`), so every adapter can encode it
// in its platform's custom id and parse it back with the same parser.
type Button struct {
	Label  string
	Action string
	Style  Tone
}

// Form asks for a command's options in a dialog, on platforms that have
// dialogs (Discord modals and component messages, Slack views).
// Submitting it runs Command with the entered values added to Fixed (see
// FormArgs). Platforms without dialogs show the reply's text instead, which
// says how to type the command.
type Form struct {
	Title   string
	Command string            // command path run on submit, e.g. "response bulk"
	Fixed   map[string]string // options fixed by the caller, e.g. the official
	Fields  []FormField
}

// FormField is one input of a form: a text box, or a choice among Choices
// when it has any.
type FormField struct {
	// Option names the command option the field fills. A choice may fill
	// several options, named with spaces ("in-place would-support"): each
	// of its values then holds one word per option, in that order ("n y").
	// Fields that fill the same option add their words to it, in field
	// order, separated by spaces.
	Option      string
	Label       string
	Placeholder string
	Required    bool
	Long        bool // a multi-line text box
	// Choices make the field a picker. A choice whose Value is "" leaves
	// the field's options untouched (say, "no meeting").
	Choices []ChoiceValue
	// Default is the value of the choice picked at first.
	Default string
}

// Options lists the options the field fills.
func (f FormField) Options() []string { return strings.Fields(f.Option) }

// HasChoices reports whether any field of the form is a picker.
func (f *Form) HasChoices() bool {
	for _, ff := range f.Fields {
		if len(ff.Choices) > 0 {
			return true
		}
	}
	return false
}

// FormAnswer is what one field of a submitted form holds: the options it
// fills (FormField.Option, as the platform carried it back) and its value.
type FormAnswer struct {
	Option string
	Value  string
}

// FormArgs turns a submitted form into the raw option values a command is
// bound with: the fixed options, then each answer in order. A value fills
// its options one word each (a single option takes the whole value);
// answers filling the same option are joined with spaces; an empty value
// fills nothing. Adapters call it so that every platform reads forms alike.
func FormArgs(fixed map[string]string, answers []FormAnswer) map[string]string {
	args := make(map[string]string, len(fixed)+len(answers))
	for k, v := range fixed {
		args[k] = v
	}
	add := func(opt, v string) {
		if v = strings.TrimSpace(v); v == "" {
			return
		}
		if prev := args[opt]; prev != "" {
			v = prev + " " + v
		}
		args[opt] = v
	}
	for _, a := range answers {
		opts := strings.Fields(a.Option)
		switch {
		case len(opts) == 1:
			add(opts[0], a.Value)
		case len(opts) > 1:
			words := strings.Fields(a.Value)
			for i, opt := range opts {
				if i < len(words) {
					add(opt, words[i])
				}
			}
		}
	}
	return args
}

// DirectMessage is a message for someone other than the caller, delivered
// through the platform's Sender after the reply; when it cannot be
// delivered its text is appended to the reply instead.
type DirectMessage struct {
	To    User
	Reply Reply
	// Keep sends it by direct message even to the caller, whose messages
	// are otherwise shown in the private reply: for something to keep,
	// such as a link that works for a day.
	Keep bool
}

// File is a file a message carries, such as a member's data export.
type File struct {
	Name        string // shown to the reader, e.g. fcbot-data.json
	ContentType string // e.g. application/json
	Data        []byte
}

// Reply is what a command answers. Adapters render it natively.
type Reply struct {
	Title  string
	Text   string
	Fields []Field
	// Items is a list (one line each), already paged by the handler.
	Items []string
	// Footer is small print: paging hints, counts, reference ids.
	Footer    string
	Buttons   []Button
	Form      *Form
	Tone      Tone
	Ephemeral bool
	DMs       []DirectMessage
	// Files are attached where the reply goes through a Sender: in a
	// direct message (see Router.Dispatch), which also goes to the caller
	// when it carries files. A reply shown in answer to a command carries
	// none. They are never written to the job queue: a file holds what
	// the queue must not keep.
	Files []File `json:"-"`
}

// The limits every reply keeps, chosen so that every adapter can render it
// within its platform's limits (Discord: 2,000 characters of content, 25
// fields per embed, 4,096 per description, 1,024 per field; Slack: 50
// blocks, 3,000 characters per section, 10 fields per section).
const (
	MaxTitle      = 200
	MaxText       = 1800
	MaxFields     = 20
	MaxFieldName  = 200
	MaxFieldValue = 900
	MaxItems      = 20
	MaxItem       = 300
	MaxButtons    = 5
	MaxFooter     = 300
	// MaxReplyChars bounds the whole visible text, below Discord's 6,000
	// characters per embed.
	MaxReplyChars = 5500
	// MaxFiles and MaxFileBytes bound a message's files, below Discord's
	// 10 files and 10 MiB per message (Slack's are far larger).
	MaxFiles     = 4
	MaxFileBytes = 8 << 20
	// MaxFileName bounds a file's name.
	MaxFileName = 100
)

// Clip shortens s to at most n characters, marking the cut with "…".
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Fit returns the reply clipped to the limits above, so that no adapter
// has to refuse it (files over the limits are left out). Handlers page
// long lists themselves (see Page) and size their files; Fit is the
// safety net.
func (r Reply) Fit() Reply {
	// Fit clips in place: its own copies keep the caller's lists intact.
	r.Fields, r.Items, r.Buttons = slices.Clone(r.Fields), slices.Clone(r.Items), slices.Clone(r.Buttons)
	r.Title = Clip(r.Title, MaxTitle)
	r.Text = Clip(r.Text, MaxText)
	if len(r.Fields) > MaxFields {
		r.Fields = append(r.Fields[:MaxFields-1:MaxFields-1], Field{Name: "…", Value: fmt.Sprintf("… and %d more", len(r.Fields)-MaxFields+1)})
	}
	for i := range r.Fields {
		r.Fields[i].Name = Clip(r.Fields[i].Name, MaxFieldName)
		r.Fields[i].Value = Clip(r.Fields[i].Value, MaxFieldValue)
	}
	if len(r.Items) > MaxItems {
		more := len(r.Items) - MaxItems + 1
		r.Items = append(r.Items[:MaxItems-1:MaxItems-1], fmt.Sprintf("… and %d more", more))
	}
	for i := range r.Items {
		r.Items[i] = Clip(r.Items[i], MaxItem)
	}
	if len(r.Buttons) > MaxButtons {
		r.Buttons = r.Buttons[:MaxButtons]
	}
	r.Footer = Clip(r.Footer, MaxFooter)
	r.Files = slices.DeleteFunc(slices.Clone(r.Files), func(f File) bool { return len(f.Data) > MaxFileBytes })
	if len(r.Files) > MaxFiles {
		r.Files = r.Files[:MaxFiles]
	}
	for i := range r.Files {
		r.Files[i].Name = Clip(r.Files[i].Name, MaxFileName)
	}
	// Over the total, drop list lines and then fields from the end, saying
	// how many were left out.
	for r.Size() > MaxReplyChars && len(r.Items) > 1 {
		n := len(r.Items)
		hidden := countMore(r.Items[n-1])
		if hidden == 0 {
			hidden = 1 // the last line is an item, not a count
		}
		r.Items = append(r.Items[:n-2:n-2], fmt.Sprintf("… and %d more", hidden+1))
	}
	for r.Size() > MaxReplyChars && len(r.Fields) > 1 {
		n := len(r.Fields)
		hidden := 1 // the last field, unless it already counts others
		if last := r.Fields[n-1]; last.Name == "…" {
			hidden = countMore(last.Value)
		}
		r.Fields = append(r.Fields[:n-2:n-2], Field{Name: "…", Value: fmt.Sprintf("… and %d more", hidden+1)})
	}
	return r
}

// countMore reads the count of a "… and N more" line, 0 for other lines.
func countMore(line string) int {
	var n int
	if _, err := fmt.Sscanf(line, "… and %d more", &n); err == nil {
		return n
	}
	return 0
}

// Size is the number of characters the reply's visible text takes.
func (r Reply) Size() int {
	n := utf8.RuneCountInString(r.Title) + utf8.RuneCountInString(r.Text) + utf8.RuneCountInString(r.Footer)
	for _, f := range r.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	for _, it := range r.Items {
		n += utf8.RuneCountInString(it) + 1
	}
	return n
}

// Check reports the first limit the reply breaks, or nil. Tests use it to
// prove that replies stay within every platform's limits.
func (r Reply) Check() error {
	switch {
	case utf8.RuneCountInString(r.Title) > MaxTitle:
		return fmt.Errorf("title is %d characters, limit %d", utf8.RuneCountInString(r.Title), MaxTitle)
	case utf8.RuneCountInString(r.Text) > MaxText:
		return fmt.Errorf("text is %d characters, limit %d", utf8.RuneCountInString(r.Text), MaxText)
	case len(r.Fields) > MaxFields:
		return fmt.Errorf("%d fields, limit %d", len(r.Fields), MaxFields)
	case len(r.Items) > MaxItems:
		return fmt.Errorf("%d items, limit %d", len(r.Items), MaxItems)
	case len(r.Buttons) > MaxButtons:
		return fmt.Errorf("%d buttons, limit %d", len(r.Buttons), MaxButtons)
	case r.Size() > MaxReplyChars:
		return fmt.Errorf("reply is %d characters, limit %d", r.Size(), MaxReplyChars)
	case len(r.Files) > MaxFiles:
		return fmt.Errorf("%d files, limit %d", len(r.Files), MaxFiles)
	}
	for _, f := range r.Files {
		if len(f.Data) > MaxFileBytes || utf8.RuneCountInString(f.Name) > MaxFileName {
			return fmt.Errorf("file %q is too large or too long a name", Clip(f.Name, 20))
		}
	}
	for _, f := range r.Fields {
		if utf8.RuneCountInString(f.Value) > MaxFieldValue || utf8.RuneCountInString(f.Name) > MaxFieldName {
			return fmt.Errorf("field %q is too long", Clip(f.Name, 20))
		}
	}
	for _, it := range r.Items {
		if utf8.RuneCountInString(it) > MaxItem {
			return fmt.Errorf("item %q is too long", Clip(it, 20))
		}
	}
	return nil
}

// PageWindow pages a list of total items, per to a page (at most
// MaxItems-1, leaving room for the "more" line): for page p (1-based,
// clamped) it returns the first item's offset, how many to show, and a
// footer in locale that says how to see the rest, e.g. "… and 37 more:
// add page:2". Lists paged where they are stored ask storage for the same
// window (storage.Page).
func PageWindow(locale string, total, p, per int) (offset, limit int, footer string) {
	if per <= 0 || per > MaxItems-1 {
		per = MaxItems - 1
	}
	pages := (total + per - 1) / per
	if pages == 0 {
		return 0, 0, ""
	}
	p = max(1, min(p, pages))
	offset = (p - 1) * per
	end := min(offset+per, total)
	if rest := total - end; rest > 0 {
		footer = Translate(locale, M("page.more", "Page", p, "Pages", pages, "Rest", rest, "Next", p+1))
	} else if pages > 1 {
		footer = Translate(locale, M("page.last", "Page", p, "Pages", pages))
	}
	return offset, per, footer
}

// PlainText renders a reply as plain text: the console's rendering and the
// fallback text other platforms show in notifications.
func (r Reply) PlainText() string {
	var b strings.Builder
	if r.Title != "" {
		b.WriteString(r.Title)
		b.WriteString("\n")
	}
	if r.Text != "" {
		b.WriteString(r.Text)
		b.WriteString("\n")
	}
	for _, it := range r.Items {
		fmt.Fprintf(&b, "- %s\n", it)
	}
	for _, f := range r.Fields {
		if strings.Contains(f.Value, "\n") {
			fmt.Fprintf(&b, "%s:\n  %s\n", f.Name, strings.ReplaceAll(f.Value, "\n", "\n  "))
		} else {
			fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
		}
	}
	if len(r.Buttons) > 0 {
		labels := make([]string, len(r.Buttons))
		for i, bt := range r.Buttons {
			labels[i] = fmt.Sprintf("[%s: /%s]", bt.Label, bt.Action)
		}
		b.WriteString(strings.Join(labels, " "))
		b.WriteString("\n")
	}
	if r.Footer != "" {
		b.WriteString(r.Footer)
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
