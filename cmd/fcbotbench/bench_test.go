package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary be the floor, as the bench starts itself
// again for it.
func TestMain(m *testing.M) {
	if os.Getenv(floorEnv) != "" {
		if err := floorMain(context.Background()); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBenchEndToEnd runs the whole tool at a tiny rate on SQLite: it
// builds and starts fcbot, seeds a small group through both platforms,
// drives every command, the floor and the overload case, and times the
// digest. No figure is judged but the outcomes: at five requests a
// second every request is answered with the command's reply, and the
// table has a row for every case.
func TestBenchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs fcbot")
	}
	jsonPath := filepath.Join(t.TempDir(), "bench.json")
	var out, progress bytes.Buffer
	err := run(context.Background(), []string{
		"-databases", "sqlite", "-runs", "1", "-scale", "0.04",
		"-rate", "5", "-duration", "1s", "-overload-rate", "10", "-overload-duration", "1s",
		"-digest-groups", "3", "-idle", "100ms", "-drain", "5s", "-json", jsonPath,
	}, &out, &progress)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	for _, row := range []string{
		"| floor (no-op) | slack |", "| floor (no-op) | discord |",
		"| `/scorecard` | slack |", "| `/target list` | discord |", "| `/meeting list` | slack |",
		"| `/task list` | discord |", "| `/meeting rsvp` | slack |", "| `/meeting rsvp` | discord |",
		"| overload: `/scorecard` + `/meeting rsvp` | slack |", "Daily digest for 3 groups",
	} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("the table lacks %q:\n%s", row, out.String())
		}
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var results []dbResult
	if err := json.Unmarshal(b, &results); err != nil || len(results) != 1 || len(results[0].Runs) != 1 {
		t.Fatalf("got %d results (%v), want one database with one run:\n%s", len(results), err, b)
	}
	for _, c := range results[0].Runs[0].Cases {
		if s := c.Stats; s.Requests == 0 || s.Answered != s.Requests {
			t.Errorf("%s on %s: got %d of %d answered (%d busy, %d refused, %d not 200, %d without an HTTP answer, %d never answered), want all",
				c.Case, c.Platform, s.Answered, s.Requests, s.Busy, s.Refused, s.Non200, s.Lost, s.Unanswered)
		}
	}
}
