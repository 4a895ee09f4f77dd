package slack_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestExportArrivesAsACSVFile: /export sends the lead (a workspace
// admin), by direct message, the meetings as a CSV file uploaded as Slack
// takes files.
func TestExportArrivesAsACSVFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{})
		if code, m, _ := r.slash("U0003", "/meeting", `schedule when:"2030-01-10 18:00" where:"Library" kind:organizing`); code != http.StatusOK {
			t.Fatalf("/meeting schedule: %d %v", code, m)
		}
		_, m, trig := r.slash("U0003", "/export", "meetings")
		text := visible(m)
		if m == nil { // the reply came through response_url
			calls := r.fake.WaitCalls("response", 1)
			text = visible(calls[len(calls)-1].JSON)
		}
		if !strings.Contains(text, "is on its way by direct message: a CSV file of 1 row") {
			t.Fatalf("/export meetings (%s): %s", trig, text)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(r.fake.Files("D0003")) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		files := r.fake.Files("D0003")
		if len(files) != 1 {
			t.Fatalf("files shared with Carol: %d, want 1 (all: %+v)", len(files), r.fake.Files(""))
		}
		rec, err := csv.NewReader(bytes.NewReader(files[0].Data)).ReadAll()
		if err != nil || !strings.HasPrefix(files[0].Name, "fcbot-meetings-") || !strings.HasSuffix(files[0].Name, ".csv") {
			t.Fatalf("file %q: %v", files[0].Name, err)
		}
		if len(rec) != 2 || rec[0][0] != "meeting" || rec[1][5] != "Library" {
			t.Errorf("the file's records: %q, want a header and the meeting at the Library", rec)
		}
	})
}
