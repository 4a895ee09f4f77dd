// Package storage keeps fcbot's data in PostgreSQL or in an embedded SQLite
// file through GORM. It owns the schema's migrations, maps rows, and offers
// the group-scoped queries the commands need; it translates database
// errors into its own (ErrNotFound, ErrDuplicate, ErrForeignKey) so that
// nothing above it imports gorm, and every error it returns names the
// operation and the ids it was called with (see wrap).
package storage

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	modernc "modernc.org/sqlite"

	"github.com/fcbot/fcbot/migrations"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DefaultURL is used when DATABASE_URL is unset: a SQLite file in the
// working directory.
const DefaultURL = "sqlite:fcbot.db"

// DatabaseURL is a parsed DATABASE_URL.
type DatabaseURL struct {
	Dialect string
	DSN     string // a pgx connection string, or a SQLite file path
}

// ParseURL reads DATABASE_URL: postgres:// or postgresql:// URLs select
// PostgreSQL; sqlite:PATH, a plain file path or "" select SQLite.
func ParseURL(raw string) (_ DatabaseURL, err error) {
	// The URL itself stays out of the message: it may carry a password.
	defer wrap(&err, "storage.ParseURL")
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultURL
	}
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return DatabaseURL{}, fmt.Errorf("DATABASE_URL is not a valid URL (want postgres://user@host:5432/db): %v", errors.Unwrap(err))
		}
		if u.Host == "" {
			return DatabaseURL{}, fmt.Errorf("DATABASE_URL %q names no host (want postgres://user@host:5432/db)", redact(u))
		}
		if _, err := pgxpool.ParseConfig(raw); err != nil {
			return DatabaseURL{}, fmt.Errorf("DATABASE_URL %q is not a valid PostgreSQL URL (want postgres://user@host:5432/db)", redact(u))
		}
		return DatabaseURL{Dialect: Postgres, DSN: raw}, nil
	}
	if i := strings.Index(raw, "://"); i > 0 {
		return DatabaseURL{}, fmt.Errorf("DATABASE_URL scheme %q is not supported (want postgres://… or sqlite:PATH)", raw[:i])
	}
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "file:")
	if path == "" {
		return DatabaseURL{}, errors.New("DATABASE_URL sqlite: names no file (want sqlite:fcbot.db)")
	}
	return DatabaseURL{Dialect: SQLite, DSN: path}, nil
}

func redact(u *url.URL) string {
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Store is the database handle. A Store made by Tx is bound to that
// transaction.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	pool    *pgxpool.Pool
	dialect string
	log     *slog.Logger
	hooks   Hooks
	now     *atomic.Pointer[func() time.Time]
	lockID  int64
	// statements counts the SQL statements run through this store and
	// its transactions (see Statements).
	statements *atomic.Int64
	// turn lets one of the process's SQLite writers at a time write (nil
	// on PostgreSQL); see writer.
	turn turn
	// queueDB is the job queue's own SQLite connections, which take the
	// turn themselves (nil on PostgreSQL); see QueueSQL.
	queueDB *sql.DB
	// listenPool is the job queue listener's (nil on SQLite); see
	// ListenPool.
	listenPool *pgxpool.Pool
	// prepared is GORM's pool on SQLite (nil on PostgreSQL).
	prepared *preparedDB
	// checkpoints copies SQLite's write-ahead log into the database file
	// (nil on PostgreSQL); see checkpointer.
	checkpoints *checkpointer
}

// Open connects to the database named by rawURL. It does not migrate.
func Open(ctx context.Context, rawURL string, log *slog.Logger) (_ *Store, err error) {
	t, err := ParseURL(rawURL)
	if err != nil {
		return nil, err // named by ParseURL
	}
	defer wrap(&err, "storage.Open(%s)", t.Dialect)
	s := &Store{dialect: t.Dialect, log: log, now: new(atomic.Pointer[func() time.Time]), lockID: lockID, statements: new(atomic.Int64)}
	s.SetClock(time.Now)
	var dialector gorm.Dialector
	var sqliteConnector driver.Connector // for the checkpointer's own connection
	switch t.Dialect {
	case Postgres:
		cfg, err := pgxpool.ParseConfig(t.DSN)
		if err != nil {
			return nil, err
		}
		// pgx's default is max(4, cores); the bot, its job workers and
		// River's leader share this pool.
		if cfg.MaxConns < 16 {
			cfg.MaxConns = 16
		}
		// Connections open in the background at start and stay open: a
		// connection opened when a burst finds none idle costs a server
		// process and cold caches while the burst waits, and a burst opens
		// many at once (a 10 ms pause at 500 RSVPs/s opened 13, and the
		// slowest answers took 40-115 ms instead of 4). pool_min_conns in
		// the URL keeps fewer open.
		if u, err := url.Parse(t.DSN); err == nil && !u.Query().Has("pool_min_conns") {
			cfg.MinConns = cfg.MaxConns
		}
		s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		// The job queue's listener takes its connection for good (River
		// hijacks it); from the store's pool that would leave a connection
		// to open in the next burst.
		lc := cfg.Copy()
		lc.MinConns, lc.MaxConns = 0, 1
		if s.listenPool, err = pgxpool.NewWithConfig(ctx, lc); err != nil {
			s.pool.Close()
			return nil, fmt.Errorf("connect: %w", err)
		}
		s.sqlDB = stdlib.OpenDBFromPool(s.pool)
		dialector = postgres.New(postgres.Config{Conn: s.sqlDB})
	default:
		if err := createPrivate(t.DSN, log); err != nil {
			return nil, err
		}
		dsn := "file:" + t.DSN + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + strconv.Itoa(int(busyTimeout.Milliseconds())) + ")&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(" + strconv.Itoa(fallbackCheckpointPages) + ")&_txlock=immediate"
		connector, err := modernc.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", t.DSN, err)
		}
		s.sqlDB = sql.OpenDB(connector)
		// More than one connection lets reads proceed beside a writer; with
		// _txlock=immediate writers queue instead of failing.
		s.sqlDB.SetMaxOpenConns(4)
		s.turn = newTurn()
		// The queue's connections wait for their turn holding the
		// connection: apart from the store's, they cannot keep its reads
		// (or its writer, reading outside its transaction) waiting.
		s.queueDB = sql.OpenDB(turnConnector{Connector: connector, turn: s.turn})
		s.queueDB.SetMaxOpenConns(2)
		sqliteConnector = connector
		s.prepared = newPreparedDB(s.sqlDB)
		dialector = sqliteDialector{sqlite.New(sqlite.Config{Conn: s.prepared})}
	}
	s.db, err = gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return s.Now() },
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.countStatements(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.sqlDB.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("reach the database: %w", err)
	}
	if sqliteConnector != nil {
		s.checkpoints = s.startCheckpoints(sql.OpenDB(sqliteConnector))
	}
	return s, nil
}

// createPrivate creates the SQLite database file readable and writable by
// its owner only, before SQLite opens it: SQLite gives the WAL and
// shared-memory files it creates the database file's mode, and the data
// names people. An existing file (or WAL, or shared-memory file) open to
// group or others loses those bits. The file is never opened once it
// exists: closing another descriptor of a file SQLite has open drops
// SQLite's locks on it.
func createPrivate(path string, log *slog.Logger) error {
	if strings.HasPrefix(path, ":memory:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue // absent, not a file (SQLite will say so), or private
		}
		from, to := fi.Mode().Perm(), fi.Mode().Perm()&^0o077
		if err := os.Chmod(p, to); err != nil {
			// Not fatal: the file may belong to another user who shares it.
			log.Warn("cannot restrict the database file to its owner", "file", p, "mode", from, "err", err)
			continue
		}
		log.Warn("restricted the database file to its owner", "file", p, "from", from, "to", to)
	}
	return nil
}

// sqliteDialector teaches GORM's SQLite dialector modernc's error codes,
// so that TranslateError yields gorm.ErrDuplicatedKey and
// gorm.ErrForeignKeyViolated as it does on PostgreSQL, and keeps the
// driver's message (the constraint's columns, never its values) as
// PostgreSQL's dialector does.
type sqliteDialector struct{ gorm.Dialector }

// Translate maps SQLite constraint errors to GORM's.
func (d sqliteDialector) Translate(err error) error {
	var se *modernc.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case 1555, 2067: // SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE
			return fmt.Errorf("%w: %v", gorm.ErrDuplicatedKey, err)
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return fmt.Errorf("%w: %v", gorm.ErrForeignKeyViolated, err)
		}
	}
	return err
}

// SetClock replaces the clock that stamps rows (created_at, updated_at);
// tests inject the same clock as the rest of the process.
func (s *Store) SetClock(now func() time.Time) { s.now.Store(&now) }

// Now is the store's current time, in UTC.
func (s *Store) Now() time.Time { return (*s.now.Load())().UTC() }

// Statements returns how many SQL statements the store and its
// transactions have sent since it was opened, for tests that prove a
// command's cost does not grow with the group's size. The job queue's
// own statements are not counted.
func (s *Store) Statements() int64 { return s.statements.Load() }

// countStatements counts every statement GORM runs.
func (s *Store) countStatements() error {
	count := func(*gorm.DB) { s.statements.Add(1) }
	cb := s.db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("fcbot:count", count),
		cb.Query().After("gorm:query").Register("fcbot:count", count),
		cb.Update().After("gorm:update").Register("fcbot:count", count),
		cb.Delete().After("gorm:delete").Register("fcbot:count", count),
		cb.Row().After("gorm:row").Register("fcbot:count", count),
		cb.Raw().After("gorm:raw").Register("fcbot:count", count),
	} {
		if err != nil {
			return fmt.Errorf("count statements: %w", err)
		}
	}
	return nil
}

// Dialect returns Postgres or SQLite.
func (s *Store) Dialect() string { return s.dialect }

// SQL returns the store's database/sql handle.
func (s *Store) SQL() *sql.DB { return s.sqlDB }

// QueueSQL returns the database/sql handle for the job queue: on
// PostgreSQL the store's, on SQLite connections of its own whose writes
// take turns with the store's (see turn). Jobs inserted in a store
// transaction use that transaction.
func (s *Store) QueueSQL() *sql.DB { return cmp.Or(s.queueDB, s.sqlDB) }

// Pool returns the pgx pool on PostgreSQL, nil on SQLite.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// ListenPool returns, on PostgreSQL, a pool of one connection for the job
// queue's listener, apart from Pool; nil on SQLite.
func (s *Store) ListenPool() *pgxpool.Pool { return s.listenPool }

// Close releases the database.
func (s *Store) Close() {
	if s.checkpoints != nil {
		s.checkpoints.stop()
		_ = s.checkpoints.db.Close()
	}
	if s.queueDB != nil {
		_ = s.queueDB.Close()
	}
	if s.prepared != nil {
		s.prepared.close()
	}
	if s.sqlDB != nil {
		_ = s.sqlDB.Close()
	}
	if s.pool != nil {
		s.pool.Close()
		s.listenPool.Close()
	}
}

func (s *Store) with(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction; fn's Store writes through it. Hooks run
// inside the same transaction, so jobs they enqueue commit or roll back
// with the change that caused them.
//
// When ctx carries a delivery not yet recorded (WithDelivery), the
// transaction records it first and returns ErrReplayed, changing nothing,
// when it was recorded before: the replay guard commits with the change
// it guards.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	defer s.writer()()
	fnFailed := false
	d := pendingDelivery(ctx)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cp := *s
		cp.db = tx
		if d != nil {
			if first, err := cp.FirstDelivery(ctx, d.groupID, d.platform, d.id); err != nil || !first {
				fnFailed = true
				return cmp.Or(err, ErrReplayed)
			}
		}
		err := fn(&cp)
		fnFailed = err != nil
		return err
	})
	if err == nil && d != nil {
		d.recorded = true
	}
	if fnFailed {
		// fn's error names its own operation (or is the caller's).
		return translate(err)
	}
	wrap(&err, "storage.Tx") // beginning or committing failed
	return err
}

// writer waits for the process's turn to write SQLite (see turn) and
// returns the function that gives it to the next writer. It waits before
// taking a connection, so writers in line hold none. Inside a
// transaction, and on PostgreSQL, it does nothing.
func (s *Store) writer() (done func()) {
	if s.turn == nil {
		return func() {}
	}
	if _, inTx := s.SQLTx(); inTx {
		return func() {}
	}
	s.turn <- struct{}{}
	return s.turn.give
}

// SQLTx returns the *sql.Tx of a Store made by Tx, for job queues that
// insert in the same transaction; ok is false outside a transaction.
func (s *Store) SQLTx() (*sql.Tx, bool) {
	pool := s.db.Statement.ConnPool
	if p, ok := pool.(*preparedTx); ok { // SQLite's (see Open)
		pool = p.Tx
	}
	tx, ok := pool.(*sql.Tx)
	return tx, ok
}

// migrationFS returns the migrations for the store's dialect.
func (s *Store) migrationFS() (fs.FS, error) { return fs.Sub(migrations.FS, s.dialect) }

// lockID is the advisory lock that serialises migrations on PostgreSQL so
// that several replicas can start at once.
const lockID int64 = 0x66636274 // "fcbt"

// SetMigrationLock replaces the migration lock id; tests that migrate many
// schemas in parallel give each its own so they do not wait on each other.
func (s *Store) SetMigrationLock(id int64) { s.lockID = id }

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := s.migrationFS()
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(s.lockID))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.sqlDB, fsys, opts...)
}

// Migrate applies every pending migration in migrations/, and nothing
// else: the job queue migrates its own schema (jobs.Migrate), so that what
// Migrate does does not depend on what the binary links.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer wrap(&err, "storage.Migrate(%s)", s.dialect)
	p, err := s.provider()
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return err
	}
	for _, r := range results {
		s.log.Info("migrated", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return s.Analyze(ctx)
}

// Analyze refreshes the statistics the query planner reads, so that no
// query's plan rests on a fresh database's lack of them or on figures
// from when the tables were small. Migrate runs it, and the job queue
// hourly: SQLite never gathers statistics on its own, and a PostgreSQL
// server may run with autovacuum off (as CI's does). On SQLite it is
// PRAGMA optimize, which analyzes only the tables that were never
// analyzed or have grown or shrunk a lot since, within a bounded effort
// (SQLite's advice for long-lived connections); on PostgreSQL, ANALYZE of
// this schema's tables, which samples a bounded number of rows of each.
//
// SQLite keeps only the row counts (sqlite_stat1) and drops the samples
// of index values (sqlite_stat4). With samples, a statement whose plan
// could depend on a bound value is compiled again each time it runs with
// new values, which made kept statements worthless: compiling was a
// quarter of an RSVP's time. fcbot's queries look up ids and dates, whose
// plans the counts settle.
func (s *Store) Analyze(ctx context.Context) (err error) {
	defer wrap(&err, "storage.Analyze(%s)", s.dialect)
	if s.dialect == SQLite {
		return s.Tx(ctx, func(tx *Store) error {
			if err := tx.with(ctx).Exec("PRAGMA optimize=0x10002").Error; err != nil {
				return err
			}
			var samples bool
			err := tx.with(ctx).Raw("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4')").Scan(&samples).Error
			if err != nil || !samples {
				return err
			}
			if err := tx.with(ctx).Exec("DELETE FROM sqlite_stat4").Error; err != nil {
				return err
			}
			// Every connection reads the statistics again.
			return tx.with(ctx).Exec("ANALYZE sqlite_schema").Error
		})
	}
	var tables []string
	err = s.with(ctx).Raw("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").
		Scan(&tables).Error
	if err != nil || len(tables) == 0 {
		return err
	}
	return s.with(ctx).Exec("ANALYZE " + strings.Join(tables, ", ")).Error
}

// MigrationState is one migration's status.
type MigrationState struct {
	Version int64
	File    string
	Applied bool
}

// MigrationStatus lists every migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) (_ []MigrationState, err error) {
	defer wrap(&err, "storage.MigrationStatus(%s)", s.dialect)
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationState, len(st))
	for i, m := range st {
		out[i] = MigrationState{Version: m.Source.Version, File: m.Source.Path, Applied: m.State == goose.StateApplied}
	}
	return out, nil
}
