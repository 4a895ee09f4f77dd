package bot

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Everything people type, and every name a platform gives us, is cleaned
// once here, so that every command and both databases see the same text:
// composed (NFC), without control characters (line breaks and tabs aside)
// and without the bidirectional overrides and isolates that can make a
// name or a note read differently from what it is. A NUL byte is refused
// where typed (PostgreSQL cannot store one), and dropped from names.

// hasNUL reports whether s holds a NUL byte.
func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// CleanText returns s composed, without NUL, control characters other
// than line breaks and tabs, and bidirectional override and isolate
// characters.
func CleanText(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return -1
		case unicode.IsControl(r), bidiControl(r):
			return -1
		}
		return r
	}, s)
}

// bidiControl reports whether r overrides or isolates the direction of
// the text around it (U+202A–U+202E, U+2066–U+2069).
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}
