package bot_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestEveryMessageIsUsed fails for an English catalog message that no
// code can ask for, so that the catalog (and each translation of it)
// holds only what users may read. A message counts as used when a string
// literal of the repository's Go code (tests aside) is its id, or a
// beginning that code completes at run time: a literal ending in "." or
// "_" ("scorecard.in_place." + status), a format's text before its first
// verb ("guide.script.%s.%d"), an id followed by "." and more
// ("role.duty.scheduler" + ".meeting"); families whose ids code builds
// from the command tree or from data are named in built.
func TestEveryMessageIsUsed(t *testing.T) {
	// built are the families of ids made from what the code names
	// elsewhere: a command's path, a quoted example's text.
	built := []string{"cmd.", "example.text."}
	var literals []string
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != ".." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
					literals = append(literals, s)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// idRE is a message id, or its beginning: dotted lower-case words.
	idRE := regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)*$`)
	exact := map[string]bool{}
	var prefixes []string
	for _, s := range literals {
		exact[s] = true
		if i := strings.Index(s, "%"); i > 0 && strings.HasSuffix(s[:i], ".") && idRE.MatchString(strings.TrimRight(s[:i], ".")) {
			// A format: "guide.script.%s.%d".
			prefixes = append(prefixes, s[:i])
			continue
		}
		if !idRE.MatchString(strings.TrimRight(s, "._")) {
			continue // not the beginning of a message id
		}
		switch {
		case strings.HasSuffix(s, ".") || strings.HasSuffix(s, "_"):
			prefixes = append(prefixes, s)
		case strings.Contains(s, "."):
			// An id that code completes: "role.duty.scheduler" + ".meeting".
			prefixes = append(prefixes, s+".")
		}
	}
	prefixes = append(prefixes, built...)
	files, err := filepath.Glob("../locales/*.en.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files: %v", err)
	}
	var unused []string
	for _, f := range files {
		var msgs map[string]any
		if _, err := toml.DecodeFile(f, &msgs); err != nil {
			t.Fatal(err)
		}
	next:
		for id := range msgs {
			if exact[id] {
				continue
			}
			for _, p := range prefixes {
				if strings.HasPrefix(id, p) {
					continue next
				}
			}
			unused = append(unused, filepath.Base(f)+": "+id)
		}
	}
	sort.Strings(unused)
	for _, u := range unused {
		t.Errorf("%s is never asked for by the code: delete it (and its translations) or use it", u)
	}
}
