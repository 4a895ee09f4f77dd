package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseMemoryLimit(t *testing.T) {
	tests := []struct {
		in   string
		want int64  // bytes
		err  string // substring of the error, "" for none
	}{
		{"", 0, ""},
		{"200MiB", 200 << 20, ""},
		{"1GiB", 1 << 30, ""},
		{"268435456", 256 << 20, ""},
		{"300000000B", 300000000, ""},
		{"off", math.MaxInt64, ""},
		{"512MB", 0, "e.g. 200MiB"}, // the runtime reads only binary units
		{"1.5GiB", 0, "e.g. 200MiB"},
		{"-1", 0, "e.g. 200MiB"},
		{"lots", 0, "e.g. 200MiB"},
		{"99999999999TiB", 0, "e.g. 200MiB"},
		{"0", 0, "below the 16MiB"},
		{"8MiB", 0, "below the 16MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := parseConfig(func(k string) string {
				if k == "GOMEMLIMIT" {
					return tt.in
				}
				return ""
			})
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("GOMEMLIMIT=%q: %v", tt.in, err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("GOMEMLIMIT=%q: got error %v, want one mentioning %q", tt.in, err, tt.err)
			case c.MemoryLimit != tt.want:
				t.Errorf("GOMEMLIMIT=%q: limit %d, want %d", tt.in, c.MemoryLimit, tt.want)
			}
		})
	}
}

// TestMemoryLimitFromDotEnv: the runtime reads GOMEMLIMIT only from the
// environment it starts with; one set in .env takes effect all the same,
// and the environment's wins over .env's, as for every variable.
func TestMemoryLimitFromDotEnv(t *testing.T) {
	tests := []struct {
		name, env string // env "": GOMEMLIMIT not in the environment
		want      int64
	}{
		{"dotenv only", "", 123 << 20},
		{"environment wins", "64MiB", 64 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile(filepath.Join(".", ".env"), []byte("GOMEMLIMIT=123MiB\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("GOMEMLIMIT", tt.env) // restored, or unset again, after the test
			if tt.env == "" {
				os.Unsetenv("GOMEMLIMIT")
			}
			before := debug.SetMemoryLimit(-1)
			t.Cleanup(func() { debug.SetMemoryLimit(before) })

			if _, err := loadConfig(); err != nil {
				t.Fatal(err)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("memory limit %d after loadConfig, want %d", got, tt.want)
			}
		})
	}
}

// TestParseGCPercent: GOGC as the runtime reads it, 400 when unset.
func TestParseGCPercent(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{"", 400, false},
		{"100", 100, false},
		{"off", -1, false},
		{"0", 0, true},
		{"-5", 0, true},
		{"lots", 0, true},
		{"50%", 0, true},
	}
	for _, tt := range tests {
		c, err := parseConfig(func(k string) string {
			if k == "GOGC" {
				return tt.in
			}
			return ""
		})
		switch {
		case tt.err && (err == nil || !strings.Contains(err.Error(), "e.g. 400")):
			t.Errorf("GOGC=%q: got error %v, want one with an example", tt.in, err)
		case !tt.err && (err != nil || c.GCPercent != tt.want):
			t.Errorf("GOGC=%q: %d, %v; want %d", tt.in, c.GCPercent, err, tt.want)
		}
	}
}
