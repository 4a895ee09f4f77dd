package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// Lists that must be cut keep what matters first (callers order them so)
// and always say how many they left out: a reply never lets a reader
// believe a cut list is whole.

// fitLines joins lines with line breaks within limit characters. When not
// all fit it keeps as many leading lines as it can and ends with more(n),
// n being how many it left out.
func fitLines(lines []string, limit int, more func(n int) string) string {
	return fitLinesOf(len(lines), func(i int) string { return lines[i] }, limit, more)
}

// fitLinesOf is fitLines for n lines written on demand by line: only the
// lines it keeps, and the first it leaves out, are written.
func fitLinesOf(n int, line func(i int) string, limit int, more func(n int) string) string {
	var b strings.Builder
	size := 0
	for i := range n {
		l := line(i)
		add := utf8.RuneCountInString(l)
		if i > 0 {
			add++
		}
		rest := n - i - 1
		tail := 0
		if rest > 0 {
			tail = utf8.RuneCountInString(more(rest)) + 1
		}
		if size+add+tail > limit {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(more(n - i))
			return b.String()
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l)
		size += add
	}
	return b.String()
}

// fitNames writes prefix and as many names as fit in limit characters,
// comma-separated, ending with "… and N more" for those left out:
// "not asked (9): Ann, Bo, Cy … and 6 more". The first name is always
// shown, clipped if need be.
func fitNames(t func(id string, kv ...any) string, prefix string, names []string, limit int) string {
	line := prefix
	for i, name := range names {
		next := line + name
		if i > 0 {
			next = line + ", " + name
		}
		more := ""
		if rest := len(names) - i - 1; rest > 0 {
			more = " " + t("list.more", "Count", rest)
		}
		if i > 0 && utf8.RuneCountInString(next+more) > limit {
			return bot.Clip(line+" "+t("list.more", "Count", len(names)-i), limit)
		}
		line = next
	}
	return bot.Clip(line, limit)
}

// requestedPage is the page:N a list command was asked for, per rows to a
// page, for a storage read that pages in SQL; pageFooter then says how to
// see the rest, as bot.Page would have.
func requestedPage(req *bot.Request, per int) *storage.Page {
	p, _ := req.Int("page")
	return &storage.Page{Number: int(p), Per: min(per, bot.MaxItems-1)}
}

// pageFooter is the footer of a page read by requestedPage.
func pageFooter(req *bot.Request, page *storage.Page) string {
	_, _, footer := bot.PageWindow(req.Locale, int(page.Total), page.Number, page.Per)
	return footer
}
