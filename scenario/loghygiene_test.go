package scenario

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Every walk logs at debug level into its world's logTap, and eachPlatform
// then reads the whole log for what must never be in it: the names of the
// people in the walk and the free text they typed (task titles, meeting
// places, notes). A leaked laptop's log file, or a log shipper, must not
// say who went to which meeting or what was written about it. Opaque ids
// (the group's and members' rows, Slack's and Discord's ids) may appear.

// logTap keeps everything a world logged.
type logTap struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logTap) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logTap) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// checkLogs fails t for every name or typed text found in w's log.
func (w *world) checkLogs(t *testing.T) {
	t.Helper()
	log := w.logs.String()
	if log == "" {
		t.Error("the walk logged nothing at debug level; the log check would pass vacuously")
		return
	}
	for _, leak := range logLeaks(log, w.secrets(t)) {
		t.Errorf("%s/%s: the log holds %s", w.platform, w.dialect, leak)
	}
}

// secrets are what the log must not hold: every person's name, as the
// walk knows them and as the database stored them, and the free text the
// database holds that members typed.
func (w *world) secrets(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range w.people {
		out[p.name] = "the name of a member"
	}
	for _, q := range []struct{ query, what string }{
		{"SELECT display_name FROM members", "the name of a member"},
		{"SELECT title FROM tasks", "a task's title"},
		{"SELECT place FROM meetings", "a meeting's place"},
		{"SELECT gather_place FROM meetings", "a meeting's gathering place"},
		{"SELECT note FROM answers", "an answer's note"},
		{"SELECT note FROM rule_settlements", "a ruling's note"},
	} {
		rows, err := w.store.SQL().QueryContext(context.Background(), q.query)
		if err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if s = strings.TrimSpace(s); s != "" {
				out[s] = q.what
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// logLeaks lists, sorted, the secrets found in log as whole words, case
// aside: "sam" is found in `user=sam` and in `"Sam's task"`, not in
// "same".
func logLeaks(log string, secrets map[string]string) []string {
	var out []string
	for s, what := range secrets {
		at := regexp.MustCompile(`(?i)(^|\W)` + regexp.QuoteMeta(s) + `($|\W)`).FindStringIndex(log)
		if at == nil {
			continue
		}
		from := strings.LastIndexByte(log[:at[0]+1], '\n') + 1
		to := at[1] - 1 + strings.IndexByte(log[at[1]-1:]+"\n", '\n')
		out = append(out, fmt.Sprintf("%s, %q, in %q", what, s, log[from:to]))
	}
	slices.Sort(out)
	return out
}

// TestLogLeaksFindsNamesAndText checks the check: names and typed text
// are found wherever a log line holds them, as whole words only.
func TestLogLeaksFindsNamesAndText(t *testing.T) {
	secrets := map[string]string{"sam": "a name", "Call the sheriff": "a title", "Public Library": "a place"}
	for _, tc := range []struct {
		log  string
		want int
	}{
		{`level=DEBUG msg=handled platform=console group=1 member=3`, 0},
		{`level=INFO msg=refused reason=bind.contact the same as before`, 0},
		{`level=INFO msg=refused user=sam`, 1},
		{`level=DEBUG msg=x "to"="Sam"`, 1},
		{`level=ERROR msg=failed err="storage: task \"Call the sheriff\" exists"`, 1},
		{"level=WARN msg=a\nlevel=WARN msg=b where=\"public library\" user=sam", 2},
	} {
		if got := logLeaks(tc.log, secrets); len(got) != tc.want {
			t.Errorf("logLeaks(%q) = %q, want %d", tc.log, got, tc.want)
		}
	}
}
