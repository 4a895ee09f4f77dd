package card

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/fcbot/fcbot/bot"
)

// The image's size: what social networks show whole in a post and as a
// link's preview (16:9).
const (
	Width  = 1200
	Height = 675
)

// The layout, in pixels. Rows are at least minRow high, so that twenty
// officials fit with text of 14 pixels and more; with few officials they
// grow up to maxRow.
const (
	margin    = 28
	bandH     = 70 // the title band
	headTop   = 80 // the rules' numbers and short names, headH high
	headH     = 52
	statusH   = 30 // the row of each rule's status
	bodyTop   = headTop + headH + statusH + 6
	bodyEnd   = Height - 46 // the legend and the footer below
	nameW     = 330         // the officials' names and offices
	optionalG = 10          // the gap before the optional rule's column
	minRow    = 22
	maxRow    = 40
)

// The colours: flat, so that the image compresses well, with text that
// keeps its contrast on each.
var (
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink    = color.RGBA{0x1f, 0x2a, 0x44, 0xff} // text, and the title band
	muted  = color.RGBA{0x5c, 0x67, 0x77, 0xff} // offices, notes
	onBand = color.RGBA{0xc9, 0xd2, 0xe3, 0xff} // the date on the band
	stripe = color.RGBA{0xf2, 0xf4, 0xf7, 0xff} // every other row
	rule   = color.RGBA{0xd5, 0xda, 0xe1, 0xff} // lines
)

// markStyle is how a mark is drawn: a tile of its colour with a glyph
// whose shape differs for every mark, so that it reads without colour.
type markStyle struct {
	fill, glyph color.RGBA
}

// styles are the marks' tiles: green, red, amber, grey and purple, with
// white or dark glyphs of good contrast on each.
var styles = map[Mark]markStyle{
	Yes:      {color.RGBA{0x12, 0x6b, 0x3e, 0xff}, white},
	No:       {color.RGBA{0xd1, 0x34, 0x34, 0xff}, white},
	Evasive:  {color.RGBA{0xf2, 0xa9, 0x1e, 0xff}, color.RGBA{0x2b, 0x1d, 0x00, 0xff}},
	Unknown:  {color.RGBA{0xe3, 0xe6, 0xeb, 0xff}, color.RGBA{0x5c, 0x67, 0x77, 0xff}},
	Disputed: {color.RGBA{0x6b, 0x46, 0xb0, 0xff}, white},
}

// style is the mark's tile; anything unexpected is drawn as unknown.
func style(m Mark) markStyle {
	if s, ok := styles[m]; ok {
		return s
	}
	return styles[Unknown]
}

// PNG draws the grid as a 1200×675 PNG in the grid's language and time
// zone: the title (the jurisdiction, how many rules are in place, as of
// when), a row of each rule's status, one row per official with a mark
// per rule, and a legend. Officials beyond what fits at a legible size
// are counted in a last line instead. It is safe for concurrent use.
func PNG(g Grid) ([]byte, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("scorecard image: %w", err)
	}
	f, err := fs.faces()
	if err != nil {
		return nil, fmt.Errorf("scorecard image: %w", err)
	}
	defer f.close()
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, Width, Height)), f: f, lang: g.Language}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	l := newLayout(g)
	c.title(g)
	c.header(g, l)
	c.officials(g, l)
	c.legend()
	// Flat colours compress well at the default level: twenty officials
	// make about 130 KB in 80 ms. The best level saves 3% for five times
	// the time.
	var buf bytes.Buffer
	if err := png.Encode(&buf, c.img); err != nil {
		return nil, fmt.Errorf("scorecard image: %w", err)
	}
	return buf.Bytes(), nil
}

// layout is where the grid's parts go.
type layout struct {
	rules []int // the indexes in Grid.Rules of the columns drawn
	colX  []int // each column's left edge
	colW  int
	rowH  int
	rows  int // officials drawn
	more  int // officials left out, counted on the last line
}

// newLayout places the columns (the nine rules, and the optional one
// when an official was asked about it or it has a status) and the rows.
func newLayout(g Grid) layout {
	var l layout
	optional := false
	for i, r := range g.Rules {
		if i >= g.Core && !asked(g, i) && r.Status == Unknown {
			continue
		}
		l.rules = append(l.rules, i)
		optional = optional || i >= g.Core
	}
	room := Width - 2*margin - nameW
	if optional {
		room -= optionalG
	}
	if len(l.rules) > 0 {
		l.colW = room / len(l.rules)
	}
	x, gap := margin+nameW, false
	for _, i := range l.rules {
		if i >= g.Core && !gap { // the optional rule stands apart
			x, gap = x+optionalG, true
		}
		l.colX = append(l.colX, x)
		x += l.colW
	}
	n := len(g.Officials)
	if n == 0 {
		return l
	}
	l.rowH = min(maxRow, (bodyEnd-bodyTop)/n)
	l.rows = n
	if l.rowH < minRow {
		l.rowH = minRow
		fit := (bodyEnd - bodyTop) / minRow
		l.rows, l.more = fit-1, n-(fit-1)
	}
	return l
}

// asked reports whether any official was asked about rule i.
func asked(g Grid, i int) bool {
	for _, o := range g.Officials {
		if i < len(o.Cells) && o.Cells[i].Asked {
			return true
		}
	}
	return false
}

// row is official k's row; k == -1 is the status row above them.
func (l layout) row(k int) image.Rectangle {
	if k < 0 {
		return image.Rect(margin, headTop+headH, Width-margin, headTop+headH+statusH)
	}
	top := bodyTop + k*l.rowH
	return image.Rect(margin, top, Width-margin, top+l.rowH)
}

// tile is the mark of official k (the status when k == -1) on the j-th
// column drawn: the cell, less a gap around it.
func (l layout) tile(k, j int) image.Rectangle {
	r := l.row(k)
	h := min(r.Dy()-4, 28)
	top := r.Min.Y + (r.Dy()-h)/2
	return image.Rect(l.colX[j]+3, top, l.colX[j]+l.colW-3, top+h)
}

// fonts are the Go fonts, parsed once.
type fonts struct{ regular, bold *opentype.Font }

var loadFonts = sync.OnceValues(func() (fonts, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("go regular font: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("go bold font: %w", err)
	}
	return fonts{regular, bold}, nil
})

// faces are the sizes the image writes in. A face caches glyphs and is
// not safe for concurrent use, so every image makes its own.
type faces struct {
	title, date, number, name, body, small, big, glyph font.Face
}

func (fs fonts) faces() (faces, error) {
	var f faces
	for _, s := range []struct {
		dst  *font.Face
		font *opentype.Font
		size float64
	}{
		{&f.title, fs.bold, 30}, {&f.date, fs.regular, 17}, {&f.number, fs.bold, 16},
		{&f.name, fs.bold, 15}, {&f.body, fs.regular, 14}, {&f.small, fs.regular, 13},
		{&f.big, fs.bold, 24}, {&f.glyph, fs.bold, 15},
	} {
		face, err := opentype.NewFace(s.font, &opentype.FaceOptions{Size: s.size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			f.close()
			return faces{}, fmt.Errorf("font face: %w", err)
		}
		*s.dst = face
	}
	return f, nil
}

func (f faces) close() {
	for _, face := range []font.Face{f.title, f.date, f.number, f.name, f.body, f.small, f.big, f.glyph} {
		if face != nil {
			_ = face.Close()
		}
	}
}

// canvas is one image being drawn, in one language.
type canvas struct {
	img  *image.RGBA
	f    faces
	lang string
}

// t is a sentence of the catalog in the image's language.
func (c *canvas) t(id string, kv ...any) string {
	return bot.Translate(c.lang, bot.M(id, kv...))
}

// title draws the band: the jurisdiction and the rules in place, and the
// date the standing last changed, in the group's time zone.
func (c *canvas) title(g Grid) {
	c.fill(image.Rect(0, 0, Width, bandH), ink)
	const baseline = 46
	right := Width - margin
	if !g.Updated.IsZero() {
		loc := g.Location
		if loc == nil {
			loc = time.UTC
		}
		at := g.Updated.In(loc)
		date := c.t("card.as_of", "Month", bot.Month(at.Month()), "Day", at.Day(), "Year", at.Year())
		w := width(c.f.date, date)
		c.text(c.f.date, date, right-w, baseline, onBand)
		right -= w + 24
	}
	name := strings.TrimSpace(g.Jurisdiction)
	if name == "" {
		name = c.t("card.unnamed")
	}
	title := func(name string) string {
		return c.t("card.title", "Name", name, "InPlace", g.InPlace, "Total", g.Core)
	}
	// A long name is shortened, not the count that follows it.
	for n := utf8.RuneCountInString(name); n > 1 && width(c.f.title, title(name)) > right-margin; n-- {
		name = bot.Clip(name, n)
	}
	c.text(c.f.title, clip(c.f.title, title(name), right-margin), margin, baseline, white)
}

// header draws the rules' numbers and short names, and the row of their
// status.
func (c *canvas) header(g Grid, l layout) {
	label := c.t("card.rule")
	c.text(c.f.small, label, margin+nameW-12-width(c.f.small, label), headTop+18, muted)
	for j, i := range l.rules {
		r := g.Rules[i]
		mid := l.colX[j] + l.colW/2
		c.text(c.f.number, r.Number, mid-width(c.f.number, r.Number)/2, headTop+18, ink)
		if id := "card.short." + r.Number; bot.HasMessage(id) {
			for k, line := range wrap(c.f.small, c.t(id), l.colW-12, 2) {
				c.text(c.f.small, line, mid-width(c.f.small, line)/2, headTop+34+k*15, muted)
			}
		}
	}
	status := l.row(-1)
	c.text(c.f.name, clip(c.f.name, c.t("card.in_place"), nameW-12), margin+8, middle(status, c.f.name), ink)
	for j, i := range l.rules {
		c.mark(l.tile(-1, j), g.Rules[i].Status)
	}
	c.fill(image.Rect(margin, status.Max.Y+2, Width-margin, status.Max.Y+4), ink)
}

// officials draws a row per official that fits, and the count of the
// others; with none, a sentence saying so.
func (c *canvas) officials(g Grid, l layout) {
	if len(g.Officials) == 0 {
		mid := (bodyTop + bodyEnd) / 2
		head, hint := c.t("card.no_officials"), c.t("card.no_officials.hint")
		c.text(c.f.big, head, (Width-width(c.f.big, head))/2, mid-6, ink)
		hint = clip(c.f.body, hint, Width-2*margin)
		c.text(c.f.body, hint, (Width-width(c.f.body, hint))/2, mid+20, muted)
		return
	}
	for k, o := range g.Officials[:l.rows] {
		r := l.row(k)
		if k%2 == 1 {
			c.fill(r, stripe)
		}
		c.person(o, r)
		for j, i := range l.rules {
			m := Unknown
			if i < len(o.Cells) {
				m = o.Cells[i].Mark()
			}
			c.mark(l.tile(k, j), m)
		}
	}
	if l.more > 0 {
		r := l.row(l.rows)
		c.text(c.f.body, c.t("card.more", "Count", l.more), margin+8, middle(r, c.f.body), muted)
	}
}

// person writes an official's name and, as room allows, their office
// and their jurisdiction when it is not the group's.
func (c *canvas) person(o Official, r image.Rectangle) {
	x, room := margin+8, nameW-20
	name := clip(c.f.name, o.Name, room)
	x += c.text(c.f.name, name, x, middle(r, c.f.name), ink) + 8
	room -= width(c.f.name, name) + 8
	office := o.Office
	if id := "office." + o.Office; bot.HasMessage(id) {
		office = c.t(id)
	}
	if j := strings.TrimSpace(o.Jurisdiction); j != "" {
		office += " · " + j
	}
	if room >= 40 {
		c.text(c.f.body, clip(c.f.body, office, room), x, middle(r, c.f.body), muted)
	}
}

// legend draws what each mark means, and the footer.
func (c *canvas) legend() {
	top := Height - 34
	x := margin
	for _, m := range []Mark{Yes, No, Evasive, Unknown, Disputed} {
		c.mark(image.Rect(x, top, x+26, top+20), m)
		x += 26 + 6
		x += c.text(c.f.body, c.t("card.legend."+string(m)), x, top+15, ink) + 18
	}
	footer := c.t("card.footer")
	c.text(c.f.small, footer, Width-margin-width(c.f.small, footer), top+15, muted)
	c.fill(image.Rect(margin, top-10, Width-margin, top-9), rule)
}

// mark draws a mark's tile and glyph in r.
func (c *canvas) mark(r image.Rectangle, m Mark) {
	s := style(m)
	c.shape(r, s.fill, func(p *path) { p.roundRect(0, 0, float32(r.Dx()), float32(r.Dy()), 4) })
	size := float32(min(r.Dy()-6, 18))
	box := image.Rect(0, 0, int(size), int(size)).Add(r.Min).Add(image.Pt((r.Dx()-int(size))/2, (r.Dy()-int(size))/2))
	w := max(2, size*0.17) // the glyph's stroke
	switch m {
	case Yes:
		c.shape(box, s.glyph, func(p *path) { p.polyline(w, size, 0.16, 0.54, 0.40, 0.78, 0.86, 0.24) })
	case No:
		c.shape(box, s.glyph, func(p *path) {
			p.polyline(w, size, 0.2, 0.2, 0.8, 0.8)
			p.polyline(w, size, 0.8, 0.2, 0.2, 0.8)
		})
	case Evasive:
		c.shape(box, s.glyph, func(p *path) {
			p.polyline(w*1.1, size, 0.5, 0.12, 0.5, 0.56)
			p.disc(0.5*size, 0.86*size, w*0.7)
		})
	case Disputed:
		c.shape(box, s.glyph, func(p *path) {
			p.polyline(w*0.8, size, 0.14, 0.36, 0.86, 0.36)
			p.polyline(w*0.8, size, 0.14, 0.66, 0.86, 0.66)
			p.polyline(w*0.8, size, 0.66, 0.08, 0.34, 0.94)
		})
	default:
		q := "?"
		b, adv := font.BoundString(c.f.glyph, q)
		h := (b.Max.Y - b.Min.Y).Ceil()
		x := r.Min.X + (r.Dx()-adv.Round())/2
		c.text(c.f.glyph, q, x, r.Min.Y+(r.Dy()+h)/2, s.glyph)
	}
}

// path is a shape in a box's own coordinates, as parts that shape draws
// one by one, each moved by the margin it draws in.
type path struct {
	parts []func(z *vector.Rasterizer, o float32)
}

// roundRect is a rectangle with corners of radius rad.
func (p *path) roundRect(x0, y0, x1, y1, rad float32) {
	p.parts = append(p.parts, func(z *vector.Rasterizer, o float32) {
		x0, y0, x1, y1 := x0+o, y0+o, x1+o, y1+o
		z.MoveTo(x0+rad, y0)
		z.LineTo(x1-rad, y0)
		z.QuadTo(x1, y0, x1, y0+rad)
		z.LineTo(x1, y1-rad)
		z.QuadTo(x1, y1, x1-rad, y1)
		z.LineTo(x0+rad, y1)
		z.QuadTo(x0, y1, x0, y1-rad)
		z.LineTo(x0, y0+rad)
		z.QuadTo(x0, y0, x0+rad, y0)
		z.ClosePath()
	})
}

// polyline is a stroke of width w with round ends and joins through
// points given as fractions of size (x0, y0, x1, y1, …).
func (p *path) polyline(w, size float32, pts ...float32) {
	h := w / 2
	for i := 0; i+3 < len(pts); i += 2 {
		ax, ay, bx, by := pts[i]*size, pts[i+1]*size, pts[i+2]*size, pts[i+3]*size
		n := float32(math.Hypot(float64(bx-ax), float64(by-ay)))
		nx, ny := -(by-ay)/n*h, (bx-ax)/n*h
		p.parts = append(p.parts, func(z *vector.Rasterizer, o float32) {
			z.MoveTo(ax+nx+o, ay+ny+o)
			z.LineTo(bx+nx+o, by+ny+o)
			z.LineTo(bx-nx+o, by-ny+o)
			z.LineTo(ax-nx+o, ay-ny+o)
			z.ClosePath()
		})
	}
	for i := 0; i+1 < len(pts); i += 2 {
		p.disc(pts[i]*size, pts[i+1]*size, h)
	}
}

// disc is a filled circle.
func (p *path) disc(cx, cy, rad float32) {
	const k = 0.5523 // a circle's quarter as a cubic Bézier
	p.parts = append(p.parts, func(z *vector.Rasterizer, o float32) {
		cx, cy := cx+o, cy+o
		z.MoveTo(cx+rad, cy)
		z.CubeTo(cx+rad, cy+k*rad, cx+k*rad, cy+rad, cx, cy+rad)
		z.CubeTo(cx-k*rad, cy+rad, cx-rad, cy+k*rad, cx-rad, cy)
		z.CubeTo(cx-rad, cy-k*rad, cx-k*rad, cy-rad, cx, cy-rad)
		z.CubeTo(cx+k*rad, cy-rad, cx+rad, cy-k*rad, cx+rad, cy)
		z.ClosePath()
	})
}

// shape fills, in colour col, each part that build adds in box's
// coordinates, smoothed at its edges. Each part is drawn on its own: the
// rasterizer would cancel overlapping parts traced in opposite
// directions.
func (c *canvas) shape(box image.Rectangle, col color.RGBA, build func(p *path)) {
	var p path
	build(&p)
	// The strokes' round ends may reach past the box: draw in a margin.
	const pad = 4
	area := box.Inset(-pad)
	z := vector.NewRasterizer(area.Dx(), area.Dy())
	src := image.NewUniform(col)
	for _, part := range p.parts {
		z.Reset(area.Dx(), area.Dy())
		part(z, pad)
		z.Draw(c.img, area, src, image.Point{})
	}
}

// fill paints r in col.
func (c *canvas) fill(r image.Rectangle, col color.RGBA) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// text writes s with its baseline at y from x in col, and returns its
// width.
func (c *canvas) text(f font.Face, s string, x, y int, col color.RGBA) int {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
	return (d.Dot.X - fixed.I(x)).Ceil()
}

// middle is the baseline that centres a line of f's capitals in r.
func middle(r image.Rectangle, f font.Face) int {
	return r.Min.Y + (r.Dy()+f.Metrics().CapHeight.Round())/2
}

// width is how wide s is written in f.
func width(f font.Face, s string) int {
	return font.MeasureString(f, s).Ceil()
}

// clip shortens s to fit in w pixels, marking the cut with "…".
func clip(f font.Face, s string, w int) string {
	if width(f, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && width(f, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// wrap breaks s at spaces into at most n lines that fit in w pixels,
// clipping what does not fit.
func wrap(f font.Face, s string, w, n int) []string {
	var lines []string
	words := strings.Fields(s)
	for i, word := range words {
		if last := len(lines) - 1; last >= 0 && width(f, lines[last]+" "+word) <= w {
			lines[last] += " " + word
			continue
		}
		if len(lines) == n { // no line left: the last one shows the cut
			lines[n-1] = clip(f, strings.Join(append([]string{lines[n-1]}, words[i:]...), " "), w)
			break
		}
		lines = append(lines, word)
	}
	for i := range lines {
		lines[i] = clip(f, lines[i], w)
	}
	return lines
}
