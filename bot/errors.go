package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
)

// ErrorKind classifies the errors users can act on.
type ErrorKind int

// The kinds of expected errors. Anything else is internal.
const (
	KindInvalid ErrorKind = iota + 1
	KindNotFound
	KindForbidden
	KindConflict
)

// Error is an expected failure: the user's input or permissions were
// wrong, and the message says how to put it right. Handlers return it
// (possibly wrapped with %w); the router renders it.
type Error struct {
	Kind ErrorKind
	Msg  Message
	// Example is a working invocation, shown after the reason.
	Example string
	// Field names the option at fault, so dialogs can mark it.
	Field string
	// Suggestions are the closest existing names for a NotFound.
	Suggestions []string
	// Need is the level required, for Forbidden.
	Need Level
}

func (e *Error) Error() string { return Translate("en", e.Msg) }

// Invalid reports bad input; example shows input that works.
func Invalid(field string, msg Message, example string) *Error {
	return &Error{Kind: KindInvalid, Msg: msg, Example: example, Field: field}
}

// NotFound reports that a named thing does not exist in the group;
// suggestions are the closest names that do.
func NotFound(msg Message, suggestions []string) *Error {
	return &Error{Kind: KindNotFound, Msg: msg, Suggestions: suggestions}
}

// Forbidden reports that the caller's level is below need.
func Forbidden(need Level) *Error {
	return &Error{Kind: KindForbidden, Msg: M("error.forbidden", "Level", need), Need: need}
}

// Conflict reports a change that clashes with the group's current state.
func Conflict(msg Message) *Error { return &Error{Kind: KindConflict, Msg: msg} }

// Describe turns any error into the caller's reply and logs it once: an
// expected error at Info with a sentence that says how to fix the input;
// anything else at Error with a reference id, the only thing the user sees.
func Describe(ctx context.Context, log *slog.Logger, req *Request, err error) Reply {
	var e *Error
	if errors.As(err, &e) {
		// The message's id, not its text: the text quotes what was typed
		// and names people.
		log.InfoContext(ctx, "refused", "kind", e.Kind, "reason", e.Msg.ID, "field", e.Field)
		var b strings.Builder
		b.WriteString(Translate(req.Locale, e.Msg))
		if len(e.Suggestions) > 0 {
			b.WriteString(" ")
			b.WriteString(Translate(req.Locale, M("error.did_you_mean", "Names", strings.Join(e.Suggestions, ", "))))
		}
		if e.Example != "" {
			b.WriteString(" ")
			b.WriteString(Translate(req.Locale, M("error.example", "Example", LocalExample(req.Locale, req.Command, e.Example))))
		}
		return Reply{Text: b.String(), Tone: Failure, Ephemeral: true}
	}
	ref := newRef()
	if errors.Is(err, context.DeadlineExceeded) {
		log.ErrorContext(ctx, "timed out", "ref", ref, "err", err)
		return Reply{Text: Translate(req.Locale, M("error.timeout", "Ref", ref)), Tone: Failure, Ephemeral: true}
	}
	log.ErrorContext(ctx, "failed", "ref", ref, "err", err)
	return Reply{Text: Translate(req.Locale, M("error.internal", "Ref", ref)), Tone: Failure, Ephemeral: true}
}

func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
