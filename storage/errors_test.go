package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestErrorsNameTheOperation proves that storage's errors say which
// operation failed for which rows, keep their kind for errors.Is, and carry
// no names.
func TestErrorsNameTheOperation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		g, _, m := seedCampaign(t, s, "a", "Jane Roe")
		createJane := func(tx *storage.Store) error {
			return tx.CreateOfficial(ctx, &storage.Official{GroupID: g, Name: "Jane Roe", Office: "sheriff"})
		}
		for _, tc := range []struct {
			name string
			err  error
			kind error
			want string // the message's start; the driver may say more
		}{
			{"missing meeting", second(s.MeetingByNumber(ctx, g, 99)), storage.ErrNotFound,
				fmt.Sprintf("storage.MeetingByNumber(%d, 99): not found", g)},
			{"unknown official", second(s.OfficialByName(ctx, g, "Nobody Known")), storage.ErrNotFound,
				fmt.Sprintf("storage.OfficialByName(%d, …): not found", g)},
			{"role not held", s.RemoveRole(ctx, g, m, storage.RoleLead, nil), storage.ErrNotFound,
				fmt.Sprintf(`storage.RemoveRole(%d, %d, "lead", nil): not found`, g, m)},
			{"role for a missing member", s.AssignRole(ctx, &storage.RoleAssignment{GroupID: g, MemberID: 999999, Role: storage.RoleLead}), storage.ErrForeignKey,
				fmt.Sprintf(`storage.AssignRole(%d, 999999, "lead", nil): refers to a missing row`, g)},
			// Inside Tx the error is the operation's, not the transaction's.
			{"duplicate official", s.Tx(ctx, createJane), storage.ErrDuplicate,
				fmt.Sprintf("storage.CreateOfficial(%d): already exists", g)},
			{"unnumbered table", second(s.NextNumber(ctx, "members", g)), nil,
				fmt.Sprintf(`storage.NextNumber("members", %d): members has no numbers`, g)},
		} {
			if tc.err == nil {
				t.Errorf("%s: got no error", tc.name)
				continue
			}
			if tc.kind != nil && !errors.Is(tc.err, tc.kind) {
				t.Errorf("%s: got %v, want errors.Is %v", tc.name, tc.err, tc.kind)
			}
			if got := tc.err.Error(); !strings.HasPrefix(got, tc.want) || strings.Contains(got, "Jane") || strings.Contains(got, "Nobody") {
				t.Errorf("%s: got %q, want it to start %q and name no one", tc.name, got, tc.want)
			}
		}

		// An internal error keeps the driver's reason after the operation.
		if _, err := s.SQL().ExecContext(ctx, "ALTER TABLE officials RENAME TO officials_gone"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Officials(ctx, g)
		prefix := fmt.Sprintf("storage.Officials(%d): ", g)
		if err == nil || !strings.HasPrefix(err.Error(), prefix) || len(err.Error()) == len(prefix) || errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Officials with its table gone: got %v, want %q and the driver's reason", err, prefix+"…")
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestParseURLErrors: a bad DATABASE_URL is named, and a password in it is
// never repeated.
func TestParseURLErrors(t *testing.T) {
	for raw, want := range map[string]string{
		"mysql://u:secret@db/x":    `storage.ParseURL: DATABASE_URL scheme "mysql" is not supported`,
		"postgres://u:secret@/x":   `storage.ParseURL: DATABASE_URL "postgres://u:xxxxx@/x" names no host`,
		"postgres://u:secret@:x:y": "storage.ParseURL: DATABASE_URL is not a valid URL",
	} {
		_, err := storage.ParseURL(raw)
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL(%q) = %v, want an error starting %q without the password", raw, err, want)
		}
		if _, err := storage.Open(context.Background(), raw, nil); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Open(%q) = %v, want ParseURL's error", raw, err)
		}
	}
	u, err := storage.ParseURL("sqlite:x.db")
	if err != nil || u != (storage.DatabaseURL{Dialect: storage.SQLite, DSN: "x.db"}) {
		t.Errorf(`ParseURL("sqlite:x.db") = %+v, %v; want SQLite at x.db`, u, err)
	}
}
