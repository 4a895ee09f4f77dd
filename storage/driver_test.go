package storage

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOneSQLite: a build with cgo compiles no C for the cgo SQLite driver
// that gorm.io/driver/sqlite imports, because go.mod replaces it with the
// empty stand-in of third_party/go-sqlite3, so that no build carries a
// SQLite that fcbot never opens.
func TestOneSQLite(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to ask")
	}
	cmd := exec.Command(goCmd, "list", "-deps", "-f", "{{.ImportPath}} {{len .CgoFiles}}", "github.com/fcbot/fcbot/cmd/fcbot")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	found := false
	for line := range strings.Lines(string(out)) {
		pkg, cgoFiles, _ := strings.Cut(strings.TrimSpace(line), " ")
		if pkg != "github.com/mattn/go-sqlite3" {
			continue
		}
		found = true
		if cgoFiles != "0" {
			t.Errorf("github.com/mattn/go-sqlite3 compiles %s cgo files into fcbot; go.mod must replace it with ./third_party/go-sqlite3", cgoFiles)
		}
	}
	if !found {
		t.Log("gorm.io/driver/sqlite no longer imports github.com/mattn/go-sqlite3: go.mod's replace and third_party/go-sqlite3 can go")
	}
}
