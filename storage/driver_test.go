package storage

import (
	"runtime/debug"
	"testing"
)

// TestOneSQLite: the cgo driver that gorm.io/driver/sqlite imports is the
// empty stand-in of third_party/go-sqlite3 (see go.mod), so that no
// build carries a SQLite that fcbot never opens.
func TestOneSQLite(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build information in this binary")
	}
	for _, m := range info.Deps {
		if m.Path != "github.com/mattn/go-sqlite3" {
			continue
		}
		if m.Replace == nil || m.Replace.Path != "./third_party/go-sqlite3" {
			t.Fatalf("github.com/mattn/go-sqlite3 is linked as %+v; go.mod must replace it with ./third_party/go-sqlite3", m)
		}
		return
	}
}
