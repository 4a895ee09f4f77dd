package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/pem"
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// seedScript populates a group through the console: the names below are
// its members, which no encrypted backup may show.
const seedScript = `as marisol
/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago
/official add name:"Jane Roe" office:sheriff
/role assign user:@teodoro role:scheduler
as teodoro
/meeting schedule official:"Jane Roe" when:"in 3 days 3pm" where:"County Building"
/meeting rsvp 1 yes
as ximena
/meeting rsvp 1 maybe
as marisol
/task add title:"Call the mayor's office" due:"in 2 days 5pm" user:@ximena
/response bulk official:"Jane Roe" in-place:y n n y e u n n y would-support:- y e - n y n y -
`

var memberNames = []string{"marisol", "teodoro", "ximena"}

// fcbot runs the command line args with DATABASE_URL and the rest of the
// environment as the test set them, and returns what it printed.
func fcbot(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// mustFcbot is fcbot for lines that must succeed.
func mustFcbot(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := fcbot(t, stdin, args...)
	if err != nil {
		t.Fatalf("fcbot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// seed populates the database at DATABASE_URL and checks it took.
func seed(t *testing.T) {
	t.Helper()
	out := mustFcbot(t, seedScript, "console")
	for _, want := range []string{"Springfield is set up", "Meeting 1 scheduled", "1 yes, 1 maybe", "Task 1 added", "Logged 9 answers"} {
		if !strings.Contains(out, want) {
			t.Fatalf("seeding printed no %q:\n%s", want, out)
		}
	}
}

// views are what members read of the group: equal views mean equal data
// to them.
func views(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, line := range []string{"/scorecard", "/meeting show 1", "/task list"} {
		b.WriteString(mustFcbot(t, "", "console", "-c", line))
	}
	return b.String()
}

// tableCounts counts the rows of every table in the database at rawURL,
// fcbot's and the job queue's (SQLite's own statistics aside).
func tableCounts(t *testing.T, rawURL string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, rawURL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.Dialect() == storage.Postgres {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := s.SQL().QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, table := range tables {
		var n int64
		if err := s.SQL().QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	for _, table := range []string{"members", "meetings", "rsvps", "tasks", "answers", "audit_log", "goose_db_version"} {
		if counts[table] == 0 {
			t.Fatalf("table %s is empty or missing in %v", table, counts)
		}
	}
	return counts
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBackupRestore: a populated SQLite database is backed up while
// another process holds a write transaction open, the backup is private
// and shows no member's name, and restoring it into a new database gives
// the same rows and the same scorecard; what is refused is refused with
// its reason and changes nothing.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := "sqlite:" + filepath.Join(dir, "src.db")
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := writeFile(t, filepath.Join(dir, "key.txt"), "# created: by the test\n# public key: "+key.Recipient().String()+"\n"+key.String()+"\n")
	t.Setenv("DATABASE_URL", src)
	t.Setenv("BACKUP_AGE_RECIPIENTS", key.Recipient().String())
	seed(t)
	wantViews := views(t) // as "you", a member too, before the rows are counted
	want := tableCounts(t, src)
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(backups, "b.age")

	// The bot is "running": a writer holds an uncommitted transaction
	// that deletes every RSVP. The backup neither waits for it nor sees it.
	bot, err := storage.Open(ctx, src, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := bot.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM rsvps"); err != nil {
		t.Fatal(err)
	}
	out, backupErr := fcbot(t, "", "backup", "--out", backup)
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	bot.Close()
	if backupErr != nil {
		t.Fatalf("backup beside a writer: %v\n%s", backupErr, out)
	}
	if !strings.Contains(out, "encrypted to 1 key") {
		t.Errorf("backup printed %q, want it to say it encrypted to 1 key", out)
	}
	fi, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("backup mode %o, want 600", mode)
	}
	raw, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
		t.Errorf("the backup is not an age file: it starts %q", raw[:min(len(raw), 32)])
	}
	for _, name := range append(memberNames, "Springfield", "SQLite format") {
		if bytes.Contains(bytes.ToLower(raw), bytes.ToLower([]byte(name))) {
			t.Errorf("the backup shows %q in clear", name)
		}
	}
	for _, d := range []string{dir, backups} {
		leftovers, _ := filepath.Glob(filepath.Join(d, ".*"))
		if len(leftovers) > 0 {
			t.Errorf("the backup left %v behind", leftovers)
		}
	}

	dst := "sqlite:" + filepath.Join(dir, "dst.db")
	t.Run("restore", func(t *testing.T) {
		t.Setenv("DATABASE_URL", dst)
		out := mustFcbot(t, "", "restore", "--in", backup, "--identity", keyFile)
		if !strings.Contains(out, "restored "+backup) {
			t.Errorf("restore printed %q, want it to say it restored %s", out, backup)
		}
		if got := tableCounts(t, dst); !maps.Equal(got, want) {
			t.Errorf("rows after restore:\n%v\nwant (before backup):\n%v", got, want)
		}
		if got := views(t); got != wantViews {
			t.Errorf("after restore, members read:\n%s\nwant:\n%s", got, wantViews)
		}
	})

	t.Run("into a database that holds data", func(t *testing.T) {
		t.Setenv("DATABASE_URL", dst)
		before := tableCounts(t, dst)
		out, err := fcbot(t, "", "restore", "--in", backup, "--identity", keyFile)
		if err == nil || !strings.Contains(err.Error(), "already holds data") || strings.Contains(err.Error(), "\n") {
			t.Errorf("restore into a database with rows: got %v (%s), want one line saying it already holds data", err, out)
		}
		if got := tableCounts(t, dst); !maps.Equal(got, before) {
			t.Errorf("the refused restore changed the rows: %v, was %v", got, before)
		}
	})

	t.Run("wrong identity", func(t *testing.T) {
		other, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		otherFile := writeFile(t, filepath.Join(t.TempDir(), "other.txt"), other.String()+"\n")
		target := filepath.Join(t.TempDir(), "new.db")
		t.Setenv("DATABASE_URL", "sqlite:"+target)
		_, err = fcbot(t, "", "restore", "--in", backup, "--identity", otherFile)
		if want := "restore: this identity cannot decrypt " + backup + ": it was encrypted to other keys"; err == nil || err.Error() != want {
			t.Errorf("restore with another key: got %v, want %q", err, want)
		}
		if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the refused restore created the database (%v)", err)
		}
		_, err = fcbot(t, "", "restore", "--in", backup)
		if err == nil || !strings.Contains(err.Error(), "is encrypted: give the identity file") {
			t.Errorf("restore without an identity: got %v, want a request for one", err)
		}
	})

	t.Run("no recipients", func(t *testing.T) {
		t.Setenv("BACKUP_AGE_RECIPIENTS", "")
		plain := filepath.Join(backups, "plain.db")
		_, err := fcbot(t, "", "backup", "--out", plain)
		if err == nil || !strings.Contains(err.Error(), "BACKUP_AGE_RECIPIENTS is empty") || !strings.Contains(err.Error(), "--plaintext") {
			t.Errorf("backup without recipients: got %v, want a refusal naming BACKUP_AGE_RECIPIENTS and --plaintext", err)
		}
		if _, err := os.Stat(plain); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the refused backup wrote %s (%v)", plain, err)
		}

		// Asked for, an unencrypted backup is written, privately; the
		// names are in it, which is what the grep above would have found.
		out := mustFcbot(t, "", "backup", "--out", plain, "--plaintext")
		if !strings.Contains(out, "NOT encrypted") {
			t.Errorf("the plaintext backup went without a warning: %q", out)
		}
		fi, err := os.Stat(plain)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("plaintext backup mode %o, want 600", mode)
		}
		raw, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range memberNames {
			if !bytes.Contains(raw, []byte(name)) {
				t.Errorf("the plaintext backup lacks %q: the encrypted one's grep proves nothing", name)
			}
		}
		target := "sqlite:" + filepath.Join(t.TempDir(), "plain.db")
		t.Setenv("DATABASE_URL", target)
		mustFcbot(t, "", "restore", "--in", plain)
		if got := tableCounts(t, target); !maps.Equal(got, want) {
			t.Errorf("rows after restoring the plaintext backup:\n%v\nwant:\n%v", got, want)
		}
	})

	t.Run("newer schema", func(t *testing.T) {
		t.Setenv("BACKUP_AGE_RECIPIENTS", "")
		future := filepath.Join(t.TempDir(), "future.db")
		mustFcbot(t, "", "backup", "--out", future, "--plaintext")
		db, err := sql.Open("sqlite", future)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)")
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(t.TempDir(), "new.db")
		t.Setenv("DATABASE_URL", "sqlite:"+target)
		_, err = fcbot(t, "", "restore", "--in", future)
		if err == nil || !strings.Contains(err.Error(), "schema version 99999, newer than this fcbot's") {
			t.Errorf("restore of a newer schema: got %v, want a refusal naming its version", err)
		}
		if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the refused restore created the database (%v)", err)
		}
	})
}

// TestBackupUsage: each misuse is refused in one line that says why and
// shows an example, and writes nothing.
func TestBackupUsage(t *testing.T) {
	dir := t.TempDir()
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BACKUP_AGE_RECIPIENTS", key.Recipient().String())
	out := filepath.Join(dir, "b.age")
	pg := "postgres://u@db.example:5432/fcbot"
	tests := []struct {
		name string
		db   string
		args []string
		want string
	}{
		{"no --out", "", []string{"backup"}, "--out names no file (e.g. fcbot backup --out"},
		{"stray argument", "", []string{"backup", "--out", out, "now"}, `unexpected argument "now" (e.g.`},
		{"unknown flag", "", []string{"backup", "--to", out}, "flag provided but not defined: -to (e.g."},
		{"no database", "sqlite:" + filepath.Join(dir, "absent.db"), []string{"backup", "--out", out}, "absent.db cannot be read"},
		{"over the database", "sqlite:" + filepath.Join(dir, "b.age"), []string{"backup", "--out", out}, "is the database itself"},
		{"postgres without --stdin", pg, []string{"backup", "--out", out}, `pg_dump "$DATABASE_URL" | fcbot backup --stdin --out FILE`},
		{"postgres restore", pg, []string{"restore", "--in", out, "--identity", "k"}, `--stdout | psql "$DATABASE_URL"`},
		{"no --in", "", []string{"restore"}, "--in names no backup file (e.g. fcbot restore --in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", or(tt.db, "sqlite:"+filepath.Join(dir, "fcbot.db")))
			if tt.name == "over the database" {
				writeFile(t, out, "")
				defer os.Remove(out)
			}
			_, err := fcbot(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q", err, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 && tt.name != "over the database" {
				t.Errorf("the refused command wrote %v", entries)
			}
		})
	}
}

// TestBackupRecipients: BACKUP_AGE_RECIPIENTS takes age and ssh-ed25519
// public keys separated by commas or spaces, and refuses anything else in
// one line, never echoing a secret key.
func TestBackupRecipients(t *testing.T) {
	a, _ := age.GenerateX25519Identity()
	b, _ := age.GenerateX25519Identity()
	pq, _ := age.GenerateHybridIdentity()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	sshKey := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
	tests := []struct {
		name  string
		value string
		n     int    // recipients read
		want  string // in the error; "" for none
	}{
		{"one", a.Recipient().String(), 1, ""},
		{"comma", a.Recipient().String() + ", " + b.Recipient().String(), 2, ""},
		{"ssh", a.Recipient().String() + " " + sshKey, 2, ""},
		{"the messages' example", recipientExample[len("BACKUP_AGE_RECIPIENTS="):], 1, ""},
		{"post-quantum", pq.Recipient().String(), 1, ""},
		{"malformed", "age1nope", 0, `"age1nope" is not a public key`},
		{"ssh comment", sshKey + " me@laptop", 0, `"me@laptop" is not a public key`},
		{"secret key", a.String(), 0, "holds a secret key"},
		{"mixed", a.Recipient().String() + "," + pq.Recipient().String(), 0, "can't mix post-quantum and classic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(func(k string) string {
				if k == "BACKUP_AGE_RECIPIENTS" {
					return tt.value
				}
				return ""
			})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("got error %v, want one line containing %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "AGE-SECRET-KEY"):
				t.Fatalf("the error shows the secret key: %v", err)
			}
			if len(c.BackupRecipients) != tt.n {
				t.Errorf("read %d recipients, want %d", len(c.BackupRecipients), tt.n)
			}
		})
	}
}

// TestBackupStdin: --stdin encrypts whatever is piped in (as a pg_dump
// would be) to every recipient, an age key or an SSH key, and --stdout
// gives it back; an empty pipe writes nothing.
func TestBackupStdin(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", "postgres://u@db.example:5432/fcbot")
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BACKUP_AGE_RECIPIENTS", key.Recipient().String()+" "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))))
	dump := "-- PostgreSQL database dump\nINSERT INTO members VALUES (1, 'teodoro');\n" + strings.Repeat("x", 200_000)
	backup := filepath.Join(dir, "pg.age")
	if out := mustFcbot(t, dump, "backup", "--stdin", "--out", backup); !strings.Contains(out, "encrypted to 2 keys") {
		t.Errorf("backup printed %q, want it to say it encrypted to 2 keys", out)
	}
	raw, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("teodoro")) {
		t.Error("the backup shows a member's name in clear")
	}
	for name, identity := range map[string]string{
		"age":         key.String() + "\n",
		"ssh-ed25519": string(pem.EncodeToMemory(block)),
	} {
		keyFile := writeFile(t, filepath.Join(dir, name+".key"), identity)
		if got := mustFcbot(t, "", "restore", "--in", backup, "--identity", keyFile, "--stdout"); got != dump {
			t.Errorf("restore --stdout with the %s key gave %d bytes, want the %d piped in", name, len(got), len(dump))
		}
	}
	empty := filepath.Join(dir, "empty.age")
	if _, err := fcbot(t, "", "backup", "--stdin", "--out", empty); err == nil || !strings.Contains(err.Error(), "standard input was empty") {
		t.Errorf("backup of an empty pipe: got %v, want a refusal", err)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty pipe's backup was written (%v)", err)
	}
}

// TestBackupPostgres walks the README's PostgreSQL recipe on a populated
// schema: pg_dump piped through fcbot backup --stdin, the schema dropped,
// fcbot restore --stdout piped into psql; the rows and what members read
// come back the same.
func TestBackupPostgres(t *testing.T) {
	rawURL := storagetest.URL(t, storage.Postgres)
	pgDump, errDump := exec.LookPath("pg_dump")
	psql, errPsql := exec.LookPath("psql")
	if errDump != nil || errPsql != nil {
		t.Skip("PostgreSQL backup test skipped: pg_dump and psql are not on PATH")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	q := u.Query()
	q.Del("search_path")
	q.Del("pool_min_conns") // the pool's, which pg_dump and psql refuse
	u.RawQuery = q.Encode()
	base := u.String()

	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := writeFile(t, filepath.Join(t.TempDir(), "key.txt"), key.String()+"\n")
	t.Setenv("DATABASE_URL", rawURL)
	t.Setenv("BACKUP_AGE_RECIPIENTS", key.Recipient().String())
	seed(t)
	wantViews := views(t)
	want := tableCounts(t, rawURL)

	dump, err := exec.Command(pgDump, "--no-owner", "--no-privileges", "--schema="+schema, base).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	backup := filepath.Join(t.TempDir(), "pg.age")
	mustFcbot(t, string(dump), "backup", "--stdin", "--out", backup)
	drop := exec.Command(psql, "-v", "ON_ERROR_STOP=1", "-q", "-c", "DROP SCHEMA "+schema+" CASCADE", base)
	if out, err := drop.CombinedOutput(); err != nil {
		t.Fatalf("drop the schema: %v\n%s", err, out)
	}
	restored := mustFcbot(t, "", "restore", "--in", backup, "--identity", keyFile, "--stdout")
	load := exec.Command(psql, "-v", "ON_ERROR_STOP=1", "-q", base)
	load.Stdin = strings.NewReader(restored)
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := tableCounts(t, rawURL); !maps.Equal(got, want) {
		t.Errorf("rows after restore:\n%v\nwant:\n%v", got, want)
	}
	if got := views(t); got != wantViews {
		t.Errorf("after restore, members read:\n%s\nwant:\n%s", got, wantViews)
	}
}
