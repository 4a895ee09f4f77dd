package storage

// Query plans must be safe without table statistics: a fresh PostgreSQL
// schema has none, and CI's server runs with autovacuum off. Without them
// the planner takes any group to hold a row or two, and plans that are
// quadratic in the group's size look cheap to it. Three rules keep the
// group-scoped reads linear at worst:
//
//   - A row that a list's rows name (an official, a member, a meeting) is
//     read by a scalar subquery on its primary key (see named), never by
//     a join: a join let PostgreSQL scan the group's members once for
//     each audit entry (250 ms for 1,000 of each). Its group is compared
//     through a unary plus, which keeps the check off every index, so the
//     primary key is the only way in.
//   - A page is chosen among the listed table's rows alone, ordered by an
//     index where one serves, before anything is looked up for it.
//   - Hot reads are single-table reads on an index that starts with the
//     group (see Standing).

// named is a scalar subquery for column of the table's row whose id is
// ref, when that row belongs to group (both SQL expressions of the outer
// query): NULL otherwise.
func named(table, column, ref, group string) string {
	return "(SELECT n." + column + " FROM " + table + " n WHERE n.id = " + ref + " AND +n.group_id = " + group + ")"
}

// Page asks a list read for one page of its rows, so that a list costs
// the rows it shows (and one count) whatever its length. A page past the
// last reads the last, as bot.PageWindow shows it.
type Page struct {
	Number int // from 1
	Per    int // rows to a page
	// Total is set by the read: how many rows the whole list has.
	Total int64
}

// window is one page of a list in SQL, so that the page and the list's
// length come in one statement (one round trip, and one snapshot: the
// length always agrees with the page). Total is an expression for the
// select list that gives the list's length, as page_total; Limit is the
// page's LIMIT and OFFSET clause. Each comes with its arguments, to be
// placed where the text is. A page past the last reads the last, as
// bot.PageWindow shows it, so that a list with rows always returns some:
// an empty result means an empty list.
type window struct {
	Total, Limit         string
	TotalArgs, LimitArgs []any
}

// pageWindow is the window of page p of a list whose length count gives:
// a query of one row with the length as n, with args. The length is read
// twice in the statement, an index-only count, cheaper than a round trip.
func pageWindow(p *Page, count string, args []any) window {
	per := max(p.Per, 1)
	want := (max(p.Number, 1) - 1) * per // the offset of the page asked for
	return window{
		Total:     "(" + count + ")",
		TotalArgs: args,
		Limit: "LIMIT ? OFFSET (SELECT CASE WHEN k.n > ? THEN ? WHEN k.n = 0 THEN 0 ELSE (k.n - 1) / ? * ? END FROM (" +
			count + ") k)",
		LimitArgs: append([]any{per, want, want, per, per}, args...),
	}
}

// paged is a list's row as read through a window: with the list's length.
type paged[T any] struct {
	Row       T `gorm:"embedded"`
	PageTotal int64
}

// rowsOf returns the rows of a page read through a window, and sets
// p.Total from them.
func rowsOf[T any](p *Page, rows []paged[T]) []T {
	p.Total = 0
	if len(rows) == 0 {
		return nil
	}
	p.Total = rows[0].PageTotal
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = rows[i].Row
	}
	return out
}
