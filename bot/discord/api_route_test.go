package discord

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// TestLogsShowNoInteractionToken: the paths and errors the transport
// logs never carry an interaction's token.
func TestLogsShowNoInteractionToken(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v10/interactions/123/tok-secret/callback":       "/api/v10/interactions/123/:token/callback",
		"/api/v10/webhooks/100/tok-secret/messages/@original": "/api/v10/webhooks/100/:token/messages/@original",
		"/api/v10/channels/55/messages":                       "/api/v10/channels/55/messages",
		"/api/v10/webhooks/100/tok-secret":                    "/api/v10/webhooks/100/:token",
	} {
		if got := route(path); got != want || strings.Contains(got, "tok-secret") {
			t.Errorf("route(%q) = %q, want %q", path, got, want)
		}
	}
	err := &url.Error{Op: "Post", URL: "https://discord.com/api/v10/webhooks/100/tok-secret", Err: errors.New("connection reset")}
	if got := withoutURL(err).Error(); strings.Contains(got, "tok-secret") {
		t.Errorf("withoutURL: %q still holds the token", got)
	}
}
