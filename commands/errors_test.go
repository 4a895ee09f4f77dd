package commands_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

// TestInternalStorageError makes a command fail inside storage for real (a
// table it reads is renamed away) and proves the one error sink's split:
// the user sees only a reference id, and the one log line carries the same
// id and names the storage operation that failed, its ids and no names.
func TestInternalStorageError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table string // renamed away before the command runs
		line  string
		op    string // the storage operation the log line must name
	}{
		{"list reads officials", "officials", "/official list", "storage.Officials("},
		{"show reads meetings", "meetings", `/official show name:"Jane Roe"`, "storage.MeetingsWithOfficial("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBot(t, func(t *testing.T, b *testBot) {
				b.plantOfficial("Jane Roe", "sheriff", "")
				// The test's own database: a fresh file or schema.
				if _, err := b.store.SQL().ExecContext(context.Background(), "ALTER TABLE "+tc.table+" RENAME TO "+tc.table+"_gone"); err != nil {
					t.Fatalf("rename %s: %v", tc.table, err)
				}
				var logs bytes.Buffer
				b.env.Log = slog.New(slog.NewTextHandler(&logs, nil))

				reply, err := b.raw("alex", tc.line)
				var refused *bot.Error
				if err == nil || errors.As(err, &refused) {
					t.Fatalf("%s with %s gone: error %v, want an internal error", tc.line, tc.table, err)
				}

				var failed []string
				for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
					if strings.Contains(l, "level=ERROR") {
						failed = append(failed, l)
					}
				}
				if len(failed) != 1 {
					t.Fatalf("got %d error log lines, want 1:\n%s", len(failed), logs.String())
				}
				line := failed[0]
				m := regexp.MustCompile(`\bref=([0-9a-f]+)\b`).FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("log line carries no reference id: %s", line)
				}
				ref := m[1]
				if want := bot.Translate("en", bot.M("error.internal", "Ref", ref)); reply.Text != want {
					t.Errorf("user sees %q, want only the internal-error sentence with the log's reference %s: %q", reply.Text, ref, want)
				}
				if !strings.Contains(line, tc.op) {
					t.Errorf("log line does not name the storage operation %s: %s", tc.op, line)
				}
				if strings.Contains(line, "Jane") {
					t.Errorf("log line carries the official's name: %s", line)
				}
			})
		})
	}
}
