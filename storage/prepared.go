package storage

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// maxPrepared bounds the statements kept compiled: fcbot runs a few
// hundred distinct ones; texts beyond the bound (lists of ids of new
// lengths, say) run uncompiled rather than grow the cache.
const maxPrepared = 512

// preparedDB is GORM's connection pool on SQLite: it keeps each statement
// compiled on every connection that ran it, inside transactions too.
// SQLite compiles a statement before running it, and compiling was a
// quarter of an RSVP's CPU. GORM's own PrepareStmt prepares a statement
// first seen inside a transaction on that transaction, and database/sql
// compiles such a statement again in every later transaction, so writes
// gained nothing from it. Here statements are prepared on the pool, and a
// transaction uses the pool's statement, which database/sql keeps
// compiled per connection. (pgx already keeps PostgreSQL's statements
// prepared per connection.)
//
// Preparing on the pool takes a connection of its own. A transaction
// must not wait for one (the connections may all be waiting for its
// lock), so a statement first seen in a transaction runs there
// uncompiled while it is prepared on the pool in the background.
type preparedDB struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
	// preparing holds the statements being prepared in the background.
	preparing map[string]bool
}

var (
	_ gorm.ConnPool         = (*preparedDB)(nil)
	_ gorm.ConnPoolBeginner = (*preparedDB)(nil)
	_ gorm.GetDBConnector   = (*preparedDB)(nil)
	_ gorm.Tx               = (*preparedTx)(nil)
)

func newPreparedDB(db *sql.DB) *preparedDB {
	return &preparedDB{DB: db, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}
}

// stmt returns query's statement, preparing it on the pool when no one
// else is; nil means run it unprepared this time.
func (p *preparedDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, claimed := p.claim(query); st != nil || !claimed {
		return st, nil
	}
	return p.prepare(ctx, query)
}

// cached returns query's statement when it is prepared, and otherwise
// starts preparing it in the background (see preparedDB).
func (p *preparedDB) cached(query string) *sql.Stmt {
	st, claimed := p.claim(query)
	if claimed {
		// A failure leaves the statement to be prepared another time.
		go p.prepare(context.Background(), query)
	}
	return st
}

// claim returns query's statement when it is prepared; otherwise it
// reports whether the caller is to prepare it: no one else is, and the
// cache has room.
func (p *preparedDB) claim(query string) (_ *sql.Stmt, claimed bool) {
	p.mu.RLock()
	st, ok := p.stmts[query]
	p.mu.RUnlock()
	if ok {
		return st, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st, false
	}
	if p.preparing[query] || len(p.stmts)+len(p.preparing) >= maxPrepared {
		return nil, false
	}
	p.preparing[query] = true
	return nil, true
}

// prepare prepares a claimed statement on the pool and keeps it.
func (p *preparedDB) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := p.DB.PrepareContext(ctx, query)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.preparing, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = st
	return st, nil
}

func (p *preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.DB.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p *preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a statement that failed to prepare unprepared, so
// that its error is the row's.
func (p *preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (p *preparedDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &preparedTx{Tx: tx, db: p}, nil
}

func (p *preparedDB) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// close closes the kept statements.
func (p *preparedDB) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
}

// preparedTx is a transaction of preparedDB.
type preparedTx struct {
	*sql.Tx
	db *preparedDB
}

func (t *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st := t.db.cached(query)
	if st == nil {
		return t.Tx.ExecContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

func (t *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st := t.db.cached(query)
	if st == nil {
		return t.Tx.QueryContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

func (t *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st := t.db.cached(query)
	if st == nil {
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

func (t *preparedTx) GetDBConn() (*sql.DB, error) { return t.db.DB, nil }
