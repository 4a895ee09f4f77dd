package storage

import "context"

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

// pageOf counts the list with countQuery and returns the page's limit and
// offset: 0, 0 for an empty list.
func (s *Store) pageOf(ctx context.Context, p *Page, countQuery string, args []any) (limit, offset int, err error) {
	if err := s.with(ctx).Raw(countQuery, args...).Scan(&p.Total).Error; err != nil {
		return 0, 0, err
	}
	per := max(p.Per, 1)
	pages := (int(p.Total) + per - 1) / per
	if pages == 0 {
		return 0, 0, nil
	}
	return per, (max(1, min(p.Number, pages)) - 1) * per, nil
}
