package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unitPath is the systemd unit the README's "Run it as a service" installs.
const unitPath = "../../deploy/fcbot.service"

// TestServiceUnit: deploy/fcbot.service has the settings the README
// promises, and systemd reads it without a complaint (systemd-analyze
// verify) and rates its exposure low (systemd-analyze security), where
// systemd-analyze is installed.
func TestServiceUnit(t *testing.T) {
	unit, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for l := range strings.Lines(string(unit)) {
		lines[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{
		"ExecStart=/usr/local/bin/fcbot", "EnvironmentFile=-/etc/fcbot/fcbot.env",
		"DynamicUser=yes", "StateDirectory=fcbot", "WorkingDirectory=/var/lib/fcbot",
		"ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
		"Restart=on-failure", "KillSignal=SIGTERM",
	} {
		if !lines[want] {
			t.Errorf("%s has no line %q", unitPath, want)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (apt-get install systemd): the unit's settings were checked, not systemd's reading of them")
	}
	// verify wants ExecStart's program to exist: the copy it reads runs a
	// stand-in of the test's own.
	dir := t.TempDir()
	bin := filepath.Join(dir, "fcbot")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "fcbot.service")
	copied := strings.Replace(string(unit), "ExecStart=/usr/local/bin/fcbot", "ExecStart="+bin, 1)
	if err := os.WriteFile(path, []byte(copied), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("fcbot.service")) {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unitPath, err, out)
	}
	// 20 is an overall exposure of 2.0 of 10: "OK" in systemd's words.
	out, err = exec.Command(analyze, "security", "--offline=true", "--threshold=20", path).CombinedOutput()
	switch {
	case bytes.Contains(out, []byte("unrecognized option")):
		t.Logf("this systemd-analyze cannot rate a unit file offline (systemd 250 or later can)")
	case err != nil:
		t.Errorf("systemd-analyze security rates %s above 2.0: %v\n%s", unitPath, err, out)
	}
}
