package bot_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/fcbot/fcbot/bot"
)

// TestEveryMessageIDExists scans the repository's Go code for literal
// message ids (M("…"), T("…")) and fails for any the English catalog lacks,
// so a typo cannot ship as a raw id in front of users.
func TestEveryMessageIDExists(t *testing.T) {
	idRE := regexp.MustCompile(`\b(?:M|T)\("([a-z0-9_-]+(?:\.[a-z0-9_-]+)+)"`)
	root := ".."
	missing := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range idRE.FindAllStringSubmatch(string(src), -1) {
			if !bot.HasMessage(m[1]) {
				missing[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, path := range missing {
		t.Errorf("%s uses message %q, which locales/*.en.toml does not define", path, id)
	}
}

// TestCountedMessagesHavePluralForms fails for any catalog message that
// shows a {{.Count}} without "one" and "other" forms: Translate picks the
// form from Count, so "1 people" cannot be written.
func TestCountedMessagesHavePluralForms(t *testing.T) {
	files, err := filepath.Glob("../locales/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files: %v", err)
	}
	for _, f := range files {
		var m map[string]any
		if _, err := toml.DecodeFile(f, &m); err != nil {
			t.Fatal(err)
		}
		for id, v := range m {
			switch v := v.(type) {
			case string:
				if strings.Contains(v, ".Count") {
					t.Errorf("%s: %q shows a count but has no plural forms: give it one = … and other = …", f, id)
				}
			case map[string]any:
				one, _ := v["one"].(string)
				other, _ := v["other"].(string)
				if one == "" || other == "" {
					t.Errorf("%s: %q has plural forms but lacks one or other", f, id)
				}
				if !strings.Contains(one+other, ".Count") {
					t.Errorf("%s: %q has plural forms but shows no {{.Count}}", f, id)
				}
			}
		}
	}
}
