package storage

import (
	"crypto/rand"
	"encoding/base64"
)

// The tokens of links people open (calendar feeds, published
// scorecards): 256 random bits, written as tokenLength characters of
// unpadded base64url.
const (
	tokenBytes  = 32
	tokenLength = 43
)

// NewToken returns a fresh random token for a link.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// wellFormedToken reports whether token could be one NewToken made, so
// that anything else is refused without asking the database.
func wellFormedToken(token string) bool {
	if len(token) != tokenLength {
		return false
	}
	for _, r := range token {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
