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

// TestRuntimeSettingsFromDotEnv: the runtime reads GOMEMLIMIT and GOGC
// only from the environment it starts with; ones set in .env take effect
// all the same, the environment's win over .env's, as for every
// variable, and GOGC is fcbot's 400 when neither sets it.
func TestRuntimeSettingsFromDotEnv(t *testing.T) {
	tests := []struct {
		name, dotenv string
		env          map[string]string // "" for not in the environment
		limit        int64
		gc           int
	}{
		{"dotenv only", "GOMEMLIMIT=123MiB\nGOGC=150\n", map[string]string{"GOMEMLIMIT": "", "GOGC": ""}, 123 << 20, 150},
		{"environment wins", "GOMEMLIMIT=123MiB\nGOGC=150\n", map[string]string{"GOMEMLIMIT": "64MiB", "GOGC": "250"}, 64 << 20, 250},
		{"GOGC unset", "GOMEMLIMIT=123MiB\n", map[string]string{"GOMEMLIMIT": "", "GOGC": ""}, 123 << 20, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile(filepath.Join(".", ".env"), []byte(tt.dotenv), 0o600); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.env {
				t.Setenv(k, v) // restored, or unset again, after the test
				if v == "" {
					os.Unsetenv(k)
				}
			}
			limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
			t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(gc) })

			if _, err := loadConfig(); err != nil {
				t.Fatal(err)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.limit {
				t.Errorf("memory limit %d after loadConfig, want %d", got, tt.limit)
			}
			if got := debug.SetGCPercent(100); got != tt.gc {
				t.Errorf("GOGC %d after loadConfig, want %d", got, tt.gc)
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
