package bot_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

// TestFilesGoByDirectMessageOnly: a direct message with files goes to
// the caller too (one without files is shown in the reply instead), and
// when it cannot be delivered the reply says so without its content.
func TestFilesGoByDirectMessageOnly(t *testing.T) {
	file := bot.File{Name: "data.json", ContentType: "application/json", Data: []byte(`{"secret":1}`)}
	for _, tc := range []struct {
		user, wantSent, wantReply string
		files                     bool
	}{
		{"you", "you: your data", "here", true},
		{"you", "", "your data", false},
		{"blocked", "", "I could not send the file to Me by direct message", true},
	} {
		r, cmd := newRouter(bot.Member, &bytes.Buffer{}, func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			dm := bot.Reply{Text: "your data"}
			if tc.files {
				dm.Files = []bot.File{file}
			}
			return bot.Reply{Text: "here", DMs: []bot.DirectMessage{{To: req.User, Reply: dm}}}, nil
		}, bot.Member)
		s := &failingSender{}
		req := &bot.Request{Locale: "en", User: bot.User{ID: tc.user, Name: "Me"}}
		reply := r.Dispatch(context.Background(), req, &bot.Invocation{Command: cmd}, nil, s).Reply
		if got := strings.Join(s.sent, "\n"); got != tc.wantSent {
			t.Errorf("%s, files %v: sent %q, want %q", tc.user, tc.files, got, tc.wantSent)
		}
		if !strings.Contains(reply.Text, tc.wantReply) || strings.Contains(reply.Text, "secret") || (tc.files && strings.Contains(reply.Text, "your data")) {
			t.Errorf("%s, files %v: reply %q, want %q in it and nothing of the file", tc.user, tc.files, reply.Text, tc.wantReply)
		}
	}
}

func TestFitBoundsFiles(t *testing.T) {
	small := bot.File{Name: strings.Repeat("n", 300) + ".json", Data: []byte("{}")}
	large := bot.File{Name: "large.json", Data: make([]byte, bot.MaxFileBytes+1)}
	r := bot.Reply{Text: "x", Files: []bot.File{small, large, small, small, small, small}}
	if r.Check() == nil {
		t.Fatal("Check accepted too many files, one too large")
	}
	fit := r.Fit()
	if err := fit.Check(); err != nil || len(fit.Files) != bot.MaxFiles {
		t.Errorf("Fit: %d files, %v; want %d within limits", len(fit.Files), err, bot.MaxFiles)
	}
	if len(r.Files) != 6 || r.Files[0].Name != small.Name {
		t.Error("Fit changed the caller's files")
	}
}
