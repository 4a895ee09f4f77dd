package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"
)

// busyTimeout is how long SQLite waits for another connection's write
// lock (the DSN's busy_timeout), and how long a writer waits for its turn.
const busyTimeout = 10 * time.Second

// turn is the right to write the SQLite database from this process. SQLite
// allows one writer at a time, and a connection that finds the database
// locked sleeps in steps of up to 100 ms before it tries again: at a few
// hundred writes a second those sleeps, not the writes, made the slowest
// replies, and one long sleep queued every writer behind it. Every writer
// of the process takes the turn first, so the next one starts the moment
// the previous one ends: the store's (see Store.writer) and the job
// queue's, whose connections take it themselves (see turnConnector).
// SQLite's own waiting remains for other processes.
type turn chan struct{}

func newTurn() turn { return make(turn, 1) }

// take waits for the turn until ctx ends or, as SQLite would, until
// busyTimeout has passed.
func (t turn) take(ctx context.Context) error {
	select {
	case t <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(busyTimeout)
	defer wait.Stop()
	select {
	case t <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-wait.C:
		return fmt.Errorf("database is locked: no turn to write within %v", busyTimeout)
	}
}

func (t turn) give() { <-t }

// sqliteConn is what every connection modernc's driver opens implements;
// a wrapper must keep all of it (see modernc's NewConnector).
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// turnConnector opens connections that take the turn for every
// transaction and for every statement outside one. The job queue's
// connections are made so: its statements are few, mostly writes, and
// cannot be told apart from reads by their text.
type turnConnector struct {
	driver.Connector
	turn turn
}

func (c turnConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("the SQLite driver's connection %T lacks context methods", conn)
	}
	return &turnConn{sqliteConn: sc, turn: c.turn}, nil
}

// turnConn is one connection; database/sql uses it from one goroutine at
// a time, so inTx needs no lock. database/sql calls only the context
// methods of a connection and a statement that have them, so the
// context-free ones (Begin, Prepare, Exec, Query) stay the driver's.
type turnConn struct {
	sqliteConn
	turn turn
	inTx bool
}

// Unwrap returns the driver's connection (modernc's Limit looks for it).
func (c *turnConn) Unwrap() driver.Conn { return c.sqliteConn }

func (c *turnConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := c.turn.take(ctx); err != nil {
		return nil, err
	}
	tx, err := c.sqliteConn.BeginTx(ctx, opts)
	if err != nil {
		c.turn.give()
		return nil, err
	}
	c.inTx = true
	return &turnTx{tx: tx, conn: c}, nil
}

func (c *turnConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	sst, ok := st.(sqliteStmt)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("the SQLite driver's statement %T lacks context methods", st)
	}
	return &turnStmt{sqliteStmt: sst, conn: c}, nil
}

func (c *turnConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	release, err := c.statement(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return c.sqliteConn.ExecContext(ctx, query, args)
}

func (c *turnConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	release, err := c.statement(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.sqliteConn.QueryContext(ctx, query, args)
	return turnRowsOf(rows, err, release)
}

// statement takes the turn for a statement outside a transaction; inside
// one, the transaction holds it.
func (c *turnConn) statement(ctx context.Context) (release func(), err error) {
	if c.inTx {
		return func() {}, nil
	}
	if err := c.turn.take(ctx); err != nil {
		return nil, err
	}
	return sync.OnceFunc(c.turn.give), nil
}

type turnTx struct {
	tx   driver.Tx
	conn *turnConn
}

func (t *turnTx) Commit() error   { return t.end(t.tx.Commit) }
func (t *turnTx) Rollback() error { return t.end(t.tx.Rollback) }

func (t *turnTx) end(fn func() error) error {
	defer t.conn.turn.give()
	t.conn.inTx = false
	return fn()
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type turnStmt struct {
	sqliteStmt
	conn *turnConn
}

func (s *turnStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	release, err := s.conn.statement(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return s.sqliteStmt.ExecContext(ctx, args)
}

func (s *turnStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	release, err := s.conn.statement(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.sqliteStmt.QueryContext(ctx, args)
	return turnRowsOf(rows, err, release)
}

// turnRowsOf keeps the turn until the rows are closed.
func turnRowsOf(rows driver.Rows, err error, release func()) (driver.Rows, error) {
	if err != nil {
		release()
		return nil, err
	}
	return turnRows{Rows: rows, release: release}, nil
}

type turnRows struct {
	driver.Rows
	release func()
}

func (r turnRows) Close() error {
	defer r.release()
	return r.Rows.Close()
}
