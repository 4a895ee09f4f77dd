package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/fcbot/fcbot/storage"
)

// The examples that usage errors end with.
const (
	backupExample  = "fcbot backup --out /var/backups/fcbot/2026-01-31.age"
	restoreExample = "fcbot restore --in /var/backups/fcbot/2026-01-31.age --identity ~/fcbot-backup.key"
	// recipientExample is a well-formed age public key, for messages.
	recipientExample = "BACKUP_AGE_RECIPIENTS=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
)

// parseRecipients reads BACKUP_AGE_RECIPIENTS: age public keys (age1…,
// or age1pq1… post-quantum ones) and SSH ed25519 public keys
// ("ssh-ed25519 AAAA…"), separated by commas or spaces. Only public keys
// belong on the server, so that whoever takes the server cannot read the
// backups it made.
func parseRecipients(v string) ([]age.Recipient, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	var recipients []age.Recipient
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		var r age.Recipient
		var err error
		switch {
		case strings.HasPrefix(strings.ToUpper(f), "AGE-SECRET-KEY-"):
			// Not echoed: it is a secret.
			return nil, errors.New("BACKUP_AGE_RECIPIENTS holds a secret key: put only the public key on the server (age1…, printed by age-keygen -y KEYFILE) and keep the secret key offline")
		case f == "ssh-ed25519" && i+1 < len(fields):
			i++
			f += " " + fields[i]
			r, err = agessh.ParseRecipient(f)
		case strings.HasPrefix(f, "age1pq1"):
			r, err = age.ParseHybridRecipient(f)
		case strings.HasPrefix(f, "age1"):
			r, err = age.ParseX25519Recipient(f)
		default:
			err = errors.New("not an age public key")
		}
		if err != nil {
			return nil, fmt.Errorf("BACKUP_AGE_RECIPIENTS: %q is not a public key backups can be encrypted to: give age public keys (age1…, from age-keygen -y KEYFILE) or ssh-ed25519 keys without their comment, separated by commas, e.g. %s", f, recipientExample)
		}
		recipients = append(recipients, r)
	}
	if len(recipients) > 0 {
		// age refuses some mixes (post-quantum keys with classic ones):
		// say so now rather than on the night of the first backup.
		if _, err := age.Encrypt(io.Discard, recipients...); err != nil {
			return nil, fmt.Errorf("BACKUP_AGE_RECIPIENTS: %v", err)
		}
	}
	return recipients, nil
}

// parseFlags parses a subcommand's flags, which take no other arguments;
// errors are one line ending with an example.
func parseFlags(fs *flag.FlagSet, args []string, example string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %v (e.g. %s)", fs.Name(), err, example)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (e.g. %s)", fs.Name(), fs.Arg(0), example)
	}
	return nil
}

// backupCommand is `fcbot backup --out FILE [--stdin] [--plaintext]`: a
// consistent snapshot of the SQLite database, or with --stdin whatever is
// piped in (a pg_dump), encrypted with age to BACKUP_AGE_RECIPIENTS and
// written to FILE, readable by its owner only. FILE appears only once it
// is complete.
func backupCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "the backup file to write")
	fromStdin := fs.Bool("stdin", false, "encrypt standard input (a pg_dump) instead of the SQLite database")
	plaintext := fs.Bool("plaintext", false, "write the backup unencrypted")
	if err := parseFlags(fs, args, backupExample); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("backup: --out names no file (e.g. %s)", backupExample)
	}
	if len(cfg.BackupRecipients) == 0 && !*plaintext {
		return fmt.Errorf("backup: BACKUP_AGE_RECIPIENTS is empty and fcbot writes no unencrypted backup without --plaintext: set it to your age public key, e.g. %s", recipientExample)
	}
	db, err := storage.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if !*fromStdin && db.Dialect == storage.Postgres {
		return errors.New(`backup: DATABASE_URL is PostgreSQL, which fcbot cannot dump itself: pipe pg_dump through it, e.g. pg_dump "$DATABASE_URL" | fcbot backup --stdin --out FILE`)
	}
	if f, ok := stdin.(*os.File); *fromStdin && ok && term.IsTerminal(int(f.Fd())) {
		return errors.New(`backup: --stdin reads the dump from a pipe, not a terminal, e.g. pg_dump "$DATABASE_URL" | fcbot backup --stdin --out FILE`)
	}
	if !*fromStdin {
		if _, err := os.Stat(db.DSN); err != nil {
			return fmt.Errorf("backup: the SQLite database %s cannot be read: %v", db.DSN, errors.Unwrap(err))
		}
		if same(db.DSN, *out) {
			return fmt.Errorf("backup: --out %s is the database itself: write the backup elsewhere (e.g. %s)", *out, backupExample)
		}
	}

	dst, err := createPrivate(*out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer dst.abort()
	var w io.WriteCloser = nopCloser{dst.f}
	if !*plaintext {
		if w, err = age.Encrypt(dst.f, cfg.BackupRecipients...); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	var n int64
	if *fromStdin {
		if n, err = io.Copy(w, stdin); err != nil {
			return fmt.Errorf("backup: read standard input: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("backup: standard input was empty, so %s was not written (did pg_dump fail?)", *out)
		}
	} else if n, err = snapshot(ctx, db.DSN, cfg.DatabaseURL, log, w); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := dst.commit(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if *plaintext {
		fmt.Fprintf(stderr, "backup: %s is NOT encrypted: anyone who reads it reads every member's name\n", *out)
		fmt.Fprintf(stdout, "backup: wrote %s (%d bytes, unencrypted)\n", *out, n)
		return nil
	}
	keys := "keys"
	if len(cfg.BackupRecipients) == 1 {
		keys = "key"
	}
	fmt.Fprintf(stdout, "backup: wrote %s (%d bytes, encrypted to %d %s)\n", *out, n, len(cfg.BackupRecipients), keys)
	return nil
}

// snapshot copies the SQLite database at path into w, through a
// snapshot file beside the database (where its plaintext already lies)
// that only the owner can read and that is removed afterwards. It
// returns the snapshot's size.
func snapshot(ctx context.Context, path, rawURL string, log *slog.Logger, w io.Writer) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fcbot-snapshot-*.db")
	if err != nil {
		return 0, err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	store, err := storage.Open(ctx, rawURL, log)
	if err != nil {
		return 0, err
	}
	err = store.Snapshot(ctx, name)
	store.Close()
	if err != nil {
		return 0, err
	}
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// restoreCommand is `fcbot restore --in FILE [--identity KEYFILE]
// [--stdout]`: it decrypts a backup and restores it into the empty SQLite
// database at DATABASE_URL, or with --stdout writes it out (a pg_dump, for
// psql). A backup written with --plaintext needs no identity.
func restoreCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	in := fs.String("in", "", "the backup file to read")
	identity := fs.String("identity", "", "the age identity file (as age-keygen writes it) that decrypts it")
	toStdout := fs.Bool("stdout", false, "write the decrypted backup to standard output instead of restoring it")
	if err := parseFlags(fs, args, restoreExample); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("restore: --in names no backup file (e.g. %s)", restoreExample)
	}
	db, err := storage.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if !*toStdout && db.Dialect == storage.Postgres {
		return errors.New(`restore: DATABASE_URL is PostgreSQL, which fcbot cannot load itself: pipe the dump into psql, e.g. fcbot restore --in FILE --identity KEY --stdout | psql "$DATABASE_URL"`)
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	plain, err := decrypt(*in, f, *identity)
	if err != nil {
		return err
	}
	if *toStdout {
		if _, err := io.Copy(stdout, plain); err != nil {
			return fmt.Errorf("restore: %s could not be read to its end: %v", *in, err)
		}
		return nil
	}
	return restoreSQLite(ctx, cfg.DatabaseURL, db.DSN, *in, plain, log, stdout)
}

// decrypt returns the contents of the backup read from r: decrypted with
// the identities in the identity file when the backup is an age file
// (binary or armored), as they are when it is not.
func decrypt(name string, r io.Reader, identityFile string) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(armor.Header))
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte(armor.Header)):
		src = armor.NewReader(br)
	case bytes.HasPrefix(head, []byte("age-encryption.org/")):
	default:
		return br, nil // written with --plaintext
	}
	if identityFile == "" {
		return nil, fmt.Errorf("restore: %s is encrypted: give the identity file that decrypts it (e.g. %s)", name, restoreExample)
	}
	ids, err := readIdentities(identityFile, name)
	if err != nil {
		return nil, err
	}
	plain, err := age.Decrypt(src, ids...)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return nil, fmt.Errorf("restore: this identity cannot decrypt %s: it was encrypted to other keys", name)
	case err != nil:
		return nil, fmt.Errorf("restore: %s is not a readable age file: %v", name, err)
	}
	return plain, nil
}

// readIdentities reads an age identity file (as age-keygen writes it) or
// an unencrypted SSH private key. Its errors never quote the file.
func readIdentities(path, backup string) ([]age.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if bytes.HasPrefix(b, []byte("-----BEGIN")) {
		id, err := agessh.ParseIdentity(b)
		var protected *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &protected):
			return nil, fmt.Errorf("restore: %s is a passphrase-protected SSH key: decrypt with age -d -i %s -o SNAPSHOT %s, then run fcbot restore --in SNAPSHOT", path, path, backup)
		case err != nil:
			return nil, fmt.Errorf("restore: %s is not a key that can decrypt a backup: %v", path, err)
		}
		return []age.Identity{id}, nil
	}
	if bytes.HasPrefix(b, []byte("age-encryption.org/")) || bytes.HasPrefix(b, []byte(armor.Header)) {
		return nil, fmt.Errorf("restore: the identity file %s is itself encrypted: decrypt with age -d -i %s -o SNAPSHOT %s, then run fcbot restore --in SNAPSHOT", path, path, backup)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("restore: %s is not an age identity file (%v): give the file age-keygen wrote (e.g. %s)", path, err, restoreExample)
	}
	return ids, nil
}

// restoreSQLite writes the decrypted snapshot beside the database (only
// its owner can read it; it is removed afterwards), checks that it is an
// intact snapshot of fcbot no newer than this binary, and copies it into
// the database at rawURL, which must hold no rows of fcbot's; then
// migrates it to this binary's schema.
func restoreSQLite(ctx context.Context, rawURL, path, name string, plain io.Reader, log *slog.Logger, stdout io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fcbot-restore-*.db")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, plain)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: %s could not be read to its end: %v", name, err)
	}
	version, err := storage.SnapshotVersion(ctx, tmp.Name())
	switch {
	case errors.Is(err, storage.ErrNotSnapshot):
		return fmt.Errorf(`restore: %s holds no SQLite database of fcbot; a pg_dump is restored with fcbot restore --in FILE --identity KEY --stdout | psql "$DATABASE_URL"`, name)
	case err != nil:
		return fmt.Errorf("restore: %s: %w", name, err)
	}
	latest, err := storage.LatestMigration(storage.SQLite)
	if err != nil {
		return err
	}
	if version > latest {
		return fmt.Errorf("restore: %s has schema version %d, newer than this fcbot's %d: restore it with the fcbot release that wrote it, or a later one", name, version, latest)
	}
	store, err := storage.Open(ctx, rawURL, log)
	if err != nil {
		return err
	}
	defer store.Close()
	held, err := store.TableWithRows(ctx)
	if err != nil {
		return err
	}
	if held != "" {
		return fmt.Errorf("restore: the database %s already holds data (table %s has rows) and a backup is restored only into an empty one: point DATABASE_URL at a new file, e.g. DATABASE_URL=sqlite:restored.db %s", path, held, restoreExample)
	}
	if err := store.RestoreSnapshot(ctx, tmp.Name()); err != nil {
		return err
	}
	if err := migrateAll(ctx, store); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restore: restored %s into %s (schema version %d, migrated to %d)\n", name, path, version, latest)
	return nil
}

// privateFile is a file written beside its final name, readable by its
// owner only, and moved there once complete: a failed backup leaves no
// partial file and does not replace an earlier one.
type privateFile struct {
	f     *os.File
	final string
	done  bool
}

func createPrivate(name string) (*privateFile, error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp") // mode 0600
	if err != nil {
		return nil, err
	}
	return &privateFile{f: f, final: name}, nil
}

// commit makes the file durable and gives it its final name.
func (p *privateFile) commit() error {
	if err := p.f.Sync(); err != nil {
		return err
	}
	if err := p.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(p.f.Name(), p.final); err != nil {
		return err
	}
	p.done = true
	return nil
}

// abort removes the file unless it was committed.
func (p *privateFile) abort() {
	if p.done {
		return
	}
	p.f.Close()
	os.Remove(p.f.Name())
}

// same reports whether two paths name one existing file.
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
