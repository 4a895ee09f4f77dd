package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward enforces the layering of STYLE.md: the core
// knows no SDK and no database; only storage imports GORM; only each
// platform's adapter imports its SDK.
func TestDependenciesPointInward(t *testing.T) {
	const mod = "github.com/fcbot/fcbot"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	owner := map[string]string{ // import prefix → the only package (tree) allowed to import it
		"gorm.io/":                      mod + "/storage",
		"github.com/bwmarrin/discordgo": mod + "/bot/discord",
		"github.com/slack-go/slack":     mod + "/bot/slack",
		"github.com/riverqueue/":        mod + "/jobs",
		"github.com/arran4/golang-ical": mod + "/ical",
		"golang.org/x/image":            mod + "/card",
		"github.com/prometheus/":        mod + "/metrics",
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		for _, imp := range imports {
			for prefix, allowed := range owner {
				if strings.HasPrefix(imp, prefix) && !strings.HasPrefix(pkg, allowed) {
					t.Errorf("%s imports %s; only %s may", pkg, imp, allowed)
				}
			}
		}
	}
	deps, err := exec.Command("go", "list", "-deps", mod+"/bot").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, deps)
	}
	for _, dep := range strings.Fields(string(deps)) {
		if strings.HasPrefix(dep, mod+"/") && dep != mod+"/bot" && dep != mod+"/locales" {
			t.Errorf("the core package bot depends on %s", dep)
		}
		if strings.HasPrefix(dep, "gorm.io/") {
			t.Errorf("the core package bot depends on %s", dep)
		}
	}
}
