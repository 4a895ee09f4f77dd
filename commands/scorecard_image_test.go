package commands_test

import (
	"bytes"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/card"
)

// TestScorecardImageComesByDirectMessage logs answers with the commands,
// then has a member who is no coordinator ask for the image: it comes to
// them alone, by direct message, as the PNG of the group's grid.
func TestScorecardImageComesByDirectMessage(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		for _, l := range []string{
			"as Liam",
			`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`,
			`/official add name:"Jane Roe" office:sheriff`,
			`/official add name:"Joe Quimby" office:mayor`,
			`/response log official:"Jane Roe" rule:1 in-place:yes`,
			`/response log official:"Jane Roe" rule:3 in-place:no would-support:yes`,
			`/response log official:"Joe Quimby" rule:3 in-place:no would-support:no`,
			`/response log official:"Joe Quimby" rule:5 in-place:evasive`,
			"as Rosa",
		} {
			if out := b.do(l); strings.HasPrefix(out, "✗") {
				t.Fatalf("%s: %s", l, out)
			}
		}
		before := len(savedFile.FindAllStringSubmatch(b.sent.String(), -1))
		out := b.expect("/scorecard image", "Sent you the scorecard image by direct message.")
		if strings.Contains(out, "File saved") {
			t.Errorf("the reply carries the file, want it only in the direct message:\n%s", out)
		}
		saved := savedFile.FindAllStringSubmatch(b.sent.String(), -1)
		if len(saved) != before+1 {
			t.Fatalf("/scorecard image saved %d files, want 1:\n%s", len(saved)-before, b.sent.String())
		}
		if !strings.Contains(b.sent.String(), "[message to @rosa]\nScorecard image: Springfield") {
			t.Errorf("the image did not come to Rosa by direct message:\n%s", b.sent.String())
		}
		path := saved[len(saved)-1][1]
		if !strings.Contains(path, "fcbot-scorecard-2026-11-27") || !strings.HasSuffix(path, ".png") {
			t.Errorf("file %s, want fcbot-scorecard-2026-11-27….png", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("the file is not a PNG: %v", err)
		}
		if s := img.Bounds().Size(); s.X != 1200 || s.Y != 675 || len(data) >= 300<<10 {
			t.Errorf("the image is %dx%d and %d bytes, want 1200x675 under 300 KB", s.X, s.Y, len(data))
		}

		// The image is the grid's, and the grid holds the answers logged.
		g, err := b.store.GroupByPlatform(t.Context(), console.Platform, console.Group)
		if err != nil {
			t.Fatal(err)
		}
		grid, err := b.env.ScorecardGrid(t.Context(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		var marks []card.Mark
		for _, o := range grid.Officials {
			marks = append(marks, o.Cells[0].Mark(), o.Cells[2].Mark(), o.Cells[4].Mark())
		}
		if want := []card.Mark{card.Yes, card.Yes, card.Unknown, card.Unknown, card.No, card.Evasive}; !slices.Equal(marks, want) {
			t.Errorf("Jane Roe's and Joe Quimby's marks on rules 1, 3 and 5: %v, want %v", marks, want)
		}
		want, err := card.PNG(grid)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("the image sent is not the grid's (%d bytes, want %d)", len(data), len(want))
		}
	})
}
