package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureMapIsTrue keeps ARCHITECTURE.md honest: every path it
// names in backquotes (a package, a folder or a file of the repository)
// must exist, and every package it lists in its table must hold Go code.
func TestArchitectureMapIsTrue(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile("`((?:bot|cmd|commands|storage|migrations|jobs|locales|scenario|card|ical|web|metrics|deploy|docs)(?:/[A-Za-z0-9_.*<>-]+)*)`").FindAllStringSubmatch(string(doc), -1)
	if len(paths) < 30 {
		t.Fatalf("found %d paths in ARCHITECTURE.md; the map seems to have lost its paths", len(paths))
	}
	for _, m := range paths {
		p := m[1]
		if strings.ContainsAny(p, "*<>") { // a pattern, such as locales/*.en.toml
			matches, _ := filepath.Glob(filepath.Join(root, strings.NewReplacer("<lang>", "*").Replace(p)))
			if len(matches) == 0 && !strings.Contains(p, "<lang>") {
				t.Errorf("ARCHITECTURE.md names %s, which matches nothing", p)
			}
			continue
		}
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("ARCHITECTURE.md names %s, which does not exist", p)
		}
	}
	table := regexp.MustCompile("(?m)^\\| `([a-z/]+)` \\|").FindAllStringSubmatch(string(doc), -1)
	if len(table) < 10 {
		t.Fatalf("the package table lists %d packages", len(table))
	}
	for _, m := range table {
		gofiles, _ := filepath.Glob(filepath.Join(root, m[1], "*.go"))
		if len(gofiles) == 0 {
			t.Errorf("ARCHITECTURE.md lists package %s, which holds no Go code", m[1])
		}
	}
}
