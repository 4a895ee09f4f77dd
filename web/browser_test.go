package web_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

var updateDocs = flag.Bool("update", false, "write docs/scorecard-page.png, the README's screenshot, from the browser test at 1280 pixels")

// browsers are the names a Chromium-based browser goes by on a PATH.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// browser returns the path of a browser to drive; without one the test
// is skipped, unless FCBOT_REQUIRE_BROWSER=1 (as in CI), where it fails.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range browsers {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("FCBOT_REQUIRE_BROWSER") == "1" {
		t.Fatalf("no browser (%s) on PATH but FCBOT_REQUIRE_BROWSER=1: the browser tests must run; on Debian: apt-get install chromium", strings.Join(browsers, ", "))
	}
	t.Skipf("browser test skipped: no %s on PATH (on Debian: apt-get install chromium)", strings.Join(browsers, ", "))
	return ""
}

// artifacts is where screenshots go: $FCBOT_ARTIFACTS, else the test's
// own temporary directory.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FCBOT_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// inPage is what the browser test reads from the page as the browser
// laid it out.
type inPage struct {
	Lang string
	HTML string
	Text string
	// Rows are the table's rows: each rule's status and the officials'
	// marks, as the DOM holds them; Officials the column headings' names.
	Rows []struct {
		Rule   string
		Status string
		Cells  []string
	}
	Officials []string
	// PageWidth is the document's scrolling width, Viewport the window's;
	// GridWidth and GridBox the table's and its container's.
	PageWidth, Viewport, GridWidth, GridBox int
	// Problems are the accessibility basics the page fails.
	Problems []string
	// Contrasts counts the marks whose contrast was measured.
	Contrasts int
}

// readPage is the script that reads the page: the grid, the widths, and
// the accessibility basics (the document's language, every table's
// headers with their scope, every image's text alternative, and the
// contrast of each mark's text against its background by WCAG 2's
// formula, at least 4.5:1).
const readPage = `(() => {
	const problems = [];
	const rgb = s => { const p = s.match(/[\d.]+/g).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
	const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
	const background = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
	if (!document.documentElement.lang) problems.push('html has no lang');
	for (const table of document.querySelectorAll('table')) {
		if (!table.querySelector('thead th[scope=col]') || !table.querySelector('tbody th[scope=row]')) problems.push('table ' + table.id + ' lacks column or row headers');
		for (const th of table.querySelectorAll('th')) if (!['col', 'row'].includes(th.getAttribute('scope'))) problems.push('a th without scope: ' + th.textContent);
		if (!table.querySelector('caption')) problems.push('table ' + table.id + ' has no caption');
	}
	for (const img of document.querySelectorAll('img')) if (!(img.getAttribute('alt') || '').trim()) problems.push('an img without alt: ' + img.src);
	let contrasts = 0;
	for (const el of document.querySelectorAll('.mark, .mark .what, .mark .when, .mark .word, .legend li')) {
		const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
		const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
		contrasts++;
		if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' of ' + el.className + ': ' + el.textContent.trim());
	}
	const grid = document.getElementById('grid');
	return {
		lang: document.documentElement.lang,
		html: document.documentElement.outerHTML,
		text: document.body.innerText,
		rows: [...grid.querySelectorAll('tbody tr')].map(tr => ({
			rule: tr.dataset.rule,
			status: tr.querySelector('td.status').dataset.mark,
			cells: [...tr.querySelectorAll('td.cell')].map(td => td.dataset.mark),
		})),
		officials: [...grid.querySelectorAll('thead th')].slice(2).map(th => th.firstChild.textContent.trim()),
		pageWidth: document.documentElement.scrollWidth,
		viewport: window.innerWidth,
		gridWidth: grid.scrollWidth,
		gridBox: grid.parentElement.clientWidth,
		problems: problems,
		contrasts: contrasts,
	};
})()`

// TestScorecardInBrowser loads the public scorecard in a real browser at
// a phone's width (390 pixels) and a laptop's (1280): the grid's marks
// are the database's, no member is named, the page does not overflow a
// phone (the table scrolls in its own box), and it passes the
// accessibility basics. Screenshots of both are saved.
func TestScorecardInBrowser(t *testing.T) {
	path := browser(t)
	dir := artifacts(t)
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, "")
		srv := httptest.NewServer(r.mux)
		defer srv.Close()
		r.env.PublicURL = srv.URL
		token := r.springfield("g1")
		grid, err := r.env.ScorecardGrid(context.Background(), r.groupID("g1"))
		if err != nil {
			t.Fatal(err)
		}

		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(t.TempDir()),
		)
		alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		defer cancel()
		browserCtx, cancel := chromedp.NewContext(alloc)
		defer cancel()
		if err := chromedp.Do(browserCtx); err != nil { // starts the browser, with no deadline of its own
			t.Fatalf("start %s: %v", path, err)
		}

		for _, width := range []int64{390, 1280} {
			ctx, cancel := context.WithTimeout(browserCtx, 60*time.Second)
			viewport := chromedp.EmulateViewport(width, 900)
			if width < 600 {
				viewport = chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))
			}
			err := chromedp.Do(ctx, viewport, chromedp.Navigate(srv.URL+"/s/"+token), chromedp.WaitReady(chromedp.CSS("#grid")))
			if err != nil {
				cancel()
				t.Fatalf("at %d px: %v", width, err)
			}
			page, err := chromedp.Run(ctx, chromedp.Evaluate[inPage](readPage))
			if err != nil {
				cancel()
				t.Fatalf("at %d px: read the page: %v", width, err)
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			cancel()
			if err != nil {
				t.Fatalf("at %d px: screenshot: %v", width, err)
			}
			name := filepath.Join(dir, "scorecard-"+s.Dialect()+"-"+strconv.FormatInt(width, 10)+".png")
			if err := os.WriteFile(name, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("at %d px: %s", width, name)
			if *updateDocs && width == 1280 && s.Dialect() == storage.SQLite {
				if err := os.WriteFile(filepath.Join("..", "docs", "scorecard-page.png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			if page.Lang != "en" {
				t.Errorf("at %d px: html lang %q", width, page.Lang)
			}
			if len(page.Rows) != len(grid.Rules) || len(page.Officials) != len(grid.Officials) {
				t.Fatalf("at %d px: %d rows and %d officials, want %d and %d", width, len(page.Rows), len(page.Officials), len(grid.Rules), len(grid.Officials))
			}
			for j, o := range grid.Officials {
				if page.Officials[j] != o.Name {
					t.Errorf("at %d px: column %d is %q, want %q", width, j+1, page.Officials[j], o.Name)
				}
			}
			for i, rule := range grid.Rules {
				row := page.Rows[i]
				if row.Rule != rule.Number || row.Status != string(rule.Status) {
					t.Errorf("at %d px: row %d is rule %s %s, want rule %s %s", width, i+1, row.Rule, row.Status, rule.Number, rule.Status)
				}
				for j, o := range grid.Officials {
					if j >= len(row.Cells) || row.Cells[j] != string(o.Cells[i].Mark()) {
						t.Errorf("at %d px: rule %s, %s: the page shows %v, the database %s", width, rule.Number, o.Name, row.Cells, o.Cells[i].Mark())
					}
				}
			}
			for _, name := range members {
				for _, word := range append([]string{name}, strings.Fields(name)...) {
					if strings.Contains(page.HTML, word) || strings.Contains(page.Text, word) {
						t.Errorf("at %d px: the public page names the member %s (%q)", width, name, word)
					}
				}
			}
			if page.PageWidth > page.Viewport || page.Viewport != int(width) {
				t.Errorf("at %d px: the page is %d px wide in a window of %d", width, page.PageWidth, page.Viewport)
			}
			if width < 600 && page.GridWidth <= page.GridBox {
				t.Errorf("at %d px: the table (%d px) fits its box (%d px): this grid should scroll inside it", width, page.GridWidth, page.GridBox)
			}
			for _, p := range page.Problems {
				t.Errorf("at %d px: accessibility: %s", width, p)
			}
			if page.Contrasts < len(grid.Rules)*(len(grid.Officials)+1) {
				t.Errorf("at %d px: measured the contrast of %d marks, want every one", width, page.Contrasts)
			}
		}
	})
}
