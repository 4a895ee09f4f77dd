package card

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "write docs/scorecard.png, the README's image, from the sample grid")

// cells reads a row of answers written one letter per rule: y says in
// place, s not in place but will support, n not in place and won't, e
// evasive, a space not asked.
func cells(row string, at time.Time) []Cell {
	var out []Cell
	for _, l := range row {
		c := Cell{Asked: true, At: at, InPlace: No, WouldSupport: No}
		switch l {
		case 'y':
			c.InPlace, c.WouldSupport = Yes, Unknown
		case 's':
			c.WouldSupport = Yes
		case 'e':
			c.WouldSupport = Evasive
		case ' ':
			c = Cell{InPlace: Unknown, WouldSupport: Unknown}
		}
		out = append(out, c)
	}
	return out
}

// official is an official's row: their answers written as cells reads
// them.
type official struct{ name, office, answers string }

// grid is a group's grid with the officials' rows, and the rules'
// statuses written one letter per rule: y, n, e, d for disputed, a space
// for unknown.
func grid(jurisdiction, language, statuses string, rows ...official) Grid {
	at := time.Date(2026, 12, 2, 19, 30, 0, 0, time.UTC)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	g := Grid{Jurisdiction: jurisdiction, Language: language, Location: chicago, Core: 9, Updated: at}
	marks := map[rune]Mark{'y': Yes, 'n': No, 'e': Evasive, 'd': Disputed, ' ': Unknown}
	for i, s := range statuses {
		n := fmt.Sprint(i + 1)
		if i == 9 {
			n = "1373"
		}
		g.Rules = append(g.Rules, Rule{Number: n, Name: "Rule " + n, Status: marks[s]})
		if i < g.Core && marks[s] == Yes {
			g.InPlace++
		}
	}
	for _, o := range rows {
		g.Officials = append(g.Officials, Official{Name: o.name, Office: o.office, Cells: cells(o.answers, at)})
	}
	return g
}

// twenty is a grid of twenty officials with every kind of answer.
func twenty() Grid {
	answers := []string{
		"ynsyne syy", "nnnnnnnnn ", "eeeeeeeee ", "          ", "yyyyyyyyyy",
		"sssssssss ", "ysnye ysn ", "  y  n  e ", "nyyn  sse ", "e s n y y ",
	}
	var rows []official
	for i := range 20 {
		rows = append(rows, official{
			name:    fmt.Sprintf("Official Number %d with a rather long name indeed", i+1),
			office:  []string{"sheriff", "mayor", "council-member", "police-chief"}[i%4],
			answers: answers[i%len(answers)],
		})
	}
	return grid("Springfield", "en", "yndeyn yyn", rows...)
}

// decode renders g and decodes the PNG, failing unless it is 1200×675
// and under 300 KB.
func decode(t *testing.T, g Grid) image.Image {
	t.Helper()
	data, err := PNG(g)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) >= 300<<10 {
		t.Errorf("the image is %d bytes, want under 300 KB", len(data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 675 {
		t.Fatalf("the image is %dx%d, want 1200x675", b.Dx(), b.Dy())
	}
	return img
}

// swatch is a point of a mark's tile that its glyph leaves alone: on the
// tile's middle line, a quarter of the way in from its left.
func swatch(r image.Rectangle) image.Point {
	return image.Pt(r.Min.X+r.Dx()/4, (r.Min.Y+r.Max.Y)/2)
}

func same(a color.Color, b color.RGBA) bool {
	r, g, bl, _ := a.RGBA()
	return uint8(r>>8) == b.R && uint8(g>>8) == b.G && uint8(bl>>8) == b.B
}

func TestPNGShowsEveryOfficialsMarks(t *testing.T) {
	g := twenty()
	img := decode(t, g)
	l := newLayout(g)
	if l.rows != 20 || l.more != 0 || l.rowH < 22 {
		t.Fatalf("twenty officials: %d rows of %d px, %d more; want all 20 in rows of 22 px or more", l.rows, l.rowH, l.more)
	}
	if len(l.rules) != 10 {
		t.Errorf("%d columns, want the nine rules and 1373, which officials were asked about", len(l.rules))
	}
	if last := l.row(l.rows - 1); last.Max.Y > bodyEnd {
		t.Errorf("the last row ends at %d, below the grid's end %d", last.Max.Y, bodyEnd)
	}
	for _, c := range []struct {
		official, rule int
		want           Mark
	}{
		{0, 0, Yes}, {0, 1, No}, {0, 2, Yes}, {0, 6, Unknown}, {1, 4, No},
		{2, 3, Evasive}, {3, 0, Unknown}, {4, 9, Yes}, {10, 0, Yes}, {17, 2, Yes},
		{19, 0, Evasive}, {19, 4, No}, {19, 3, Unknown},
	} {
		p := swatch(l.tile(c.official, c.rule))
		if got := img.At(p.X, p.Y); !same(got, style(c.want).fill) {
			t.Errorf("official %d, rule %d: colour %v at %v, want %v (%s)", c.official+1, c.rule+1, got, p, style(c.want).fill, c.want)
		}
	}
	for j, want := range []Mark{Yes, No, Disputed, Evasive, Yes, No, Unknown, Yes, Yes, No} {
		p := swatch(l.tile(-1, j))
		if got := img.At(p.X, p.Y); !same(got, style(want).fill) {
			t.Errorf("rule %s's status: colour %v, want %v (%s)", g.Rules[j].Number, got, style(want).fill, want)
		}
	}
}

func TestPNGColoursDiffer(t *testing.T) {
	seen := map[color.RGBA]Mark{}
	for m, s := range styles {
		if other, ok := seen[s.fill]; ok {
			t.Errorf("%s and %s share the colour %v", m, other, s.fill)
		}
		seen[s.fill] = m
		if c := contrast(s.fill, s.glyph); c < 4.5 {
			t.Errorf("%s: its glyph's contrast on its tile is %.1f, want 4.5 or more", m, c)
		}
	}
}

// contrast is WCAG's contrast ratio of two colours.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

func TestPNGCountsTheOfficialsThatDoNotFit(t *testing.T) {
	g := twenty()
	g.Officials = append(g.Officials, twenty().Officials[:13]...)
	img := decode(t, g)
	l := newLayout(g)
	if l.rows+l.more != 33 || l.more < 2 {
		t.Fatalf("33 officials: %d drawn, %d more; want every one drawn or counted", l.rows, l.more)
	}
	line := l.row(l.rows)
	if line.Max.Y > bodyEnd {
		t.Errorf("the +%d line ends at %d, below the grid's end %d", l.more, line.Max.Y, bodyEnd)
	}
	r := image.Rect(margin, line.Min.Y, margin+nameW, line.Max.Y)
	if n := r.Dx()*r.Dy() - inked(img, r, white); n < 150 {
		t.Errorf("the +%d more line has %d pixels of text, want a line", l.more, n)
	}
	below := image.Rect(0, line.Max.Y, Width, bodyEnd)
	if n := inked(img, below, white); n != below.Dx()*below.Dy() {
		t.Errorf("%d pixels drawn below the last line", below.Dx()*below.Dy()-n)
	}
}

func TestPNGWithoutOfficials(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		g := grid("Cook County", lang, "          ")
		g.Updated = time.Time{}
		img := decode(t, g)
		body := image.Rect(margin, bodyTop, Width-margin, bodyEnd)
		if n := inked(img, body, ink); n < 300 {
			t.Errorf("%s: %d pixels of text in the body, want a sentence saying there are no officials", lang, n)
		}
		if n := inked(img, body, style(Unknown).fill); n != 0 {
			t.Errorf("%s: %d pixels of marks in the body, want none without officials", lang, n)
		}
	}
}

// inked counts r's pixels of colour c.
func inked(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if same(img.At(x, y), c) {
				n++
			}
		}
	}
	return n
}

// cook is the README's sample, with made-up names: a county's sheriff and
// executive, the mayor, police chief and council of its seat.
func cook() Grid {
	return grid("Cook County", "en", "ynynndnyey",
		official{"Dana Whitfield", "sheriff", "ynyssynyey"},
		official{"Marcus Oyelaran", "county-executive", "ysyssssye "},
		official{"Elena Ruiz", "mayor", "ysyss sy  "},
		official{"Paul Kowalski", "police-chief", "ynynsenye "},
		official{"Aisha Grant", "council-member", "ysyssssy  "},
		official{"Tomás Herrera", "council-member", "ysys  sy  "},
		official{"Greg Novak", "council-member", "ynynnnnye "},
		official{"Priya Raman", "council-member", "ysyssssy  "},
		official{"Linda Schultz", "council-member", "eeeeeeeee "},
		official{"Kevin O'Donnell", "council-member", "          "},
		official{"Rosa María Delgado-Fuentes", "council-member", "ysyssssy  "},
	)
}

// TestREADMEImage checks the README's image, and with -update writes it
// from the sample grid.
func TestREADMEImage(t *testing.T) {
	const file = "../docs/scorecard.png"
	if *update {
		data, err := PNG(cook())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: run go test ./card -run TestREADMEImage -update", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 1200 || cfg.Height != 675 {
		t.Errorf("%s: %dx%d, %v; want a 1200x675 PNG", file, cfg.Width, cfg.Height, err)
	}
	if len(data) >= 300<<10 {
		t.Errorf("%s is %d bytes, want under 300 KB", file, len(data))
	}
}

// TestPNGConcurrently draws the same grid at once on several goroutines,
// as the public page and the command may: each image comes out whole
// and the same.
func TestPNGConcurrently(t *testing.T) {
	g := cook()
	want, err := PNG(g)
	if err != nil {
		t.Fatal(err)
	}
	got := make([][]byte, 2)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], _ = PNG(g) })
	}
	wg.Wait()
	for i, data := range got {
		if !bytes.Equal(data, want) {
			t.Errorf("image %d drawn at once with others differs from the one drawn alone", i)
		}
	}
}
