package discord_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestExportArrivesAsACSVFile: /export sends the lead, by direct message,
// the scorecard as a CSV file uploaded as Discord takes files, and says so
// privately.
func TestExportArrivesAsACSVFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		r.post(interaction(newID(), 2, subcommand("official", "add", nil, opt("name", 3, "Jane Roe"), opt("office", 3, "sheriff")), alice, memberPerms))
		export := map[string]any{"name": "export", "type": 1, "options": []any{opt("what", 3, "scorecard")}}
		_, resp := r.post(interaction(newID(), 2, export, alice, memberPerms))
		if !strings.Contains(resp.text(), "is on its way by direct message: a CSV file of 10 rows") || resp.Data.Flags&64 == 0 {
			t.Fatalf("/export scorecard: flags %d, %q; want a private reply that 10 rows are on their way", resp.Data.Flags, resp.text())
		}
		r.fake.Wait(t, http.MethodPost, "/channels/4"+alice+"/messages")
		msgs := r.fake.Messages("4" + alice)
		if len(msgs) != 1 || len(msgs[0].Files) != 1 {
			t.Fatalf("Alice's direct messages: %d, want one with the file", len(msgs))
		}
		f := msgs[0].Files[0]
		rec, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
		if err != nil || !strings.HasPrefix(f.Name, "fcbot-scorecard-") || !strings.HasPrefix(f.ContentType, "text/csv") {
			t.Fatalf("file %q (%s): %v", f.Name, f.ContentType, err)
		}
		if len(rec) != 11 || rec[0][0] != "official" || rec[1][0] != "Jane Roe" {
			t.Errorf("the file's records: %q, want a header and Jane Roe on each of 10 rules", rec)
		}
	})
}
