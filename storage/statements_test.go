package storage_test

import (
	"context"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestStatementsCounted(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	before := s.Statements()
	if _, err := s.EnsureGroup(context.Background(), "console", "g"); err != nil {
		t.Fatal(err)
	}
	if got := s.Statements() - before; got != 3 {
		t.Errorf("EnsureGroup on a new group ran %d statements, want 3 (read, create, read)", got)
	}
	before = s.Statements()
	if _, err := s.EnsureGroup(context.Background(), "console", "g"); err != nil {
		t.Fatal(err)
	}
	if got := s.Statements() - before; got != 1 {
		t.Errorf("EnsureGroup on a known group ran %d statements, want 1", got)
	}
}
