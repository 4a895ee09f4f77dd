package commands_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCampaignListsWithinLimits proves that replies about 200 tasks, 200
// answers and dozens of long-named officials stay within every platform's
// limits (bot.Reply.Check), paging with "… and N more" instead of relying
// on the router's clipping.
func TestCampaignListsWithinLimits(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		long := func(prefix string, i, n int) string {
			s := fmt.Sprintf("%s %d ", prefix, i)
			return s + strings.Repeat("x", n-len(s))
		}
		for i := 1; i <= 40; i++ {
			office := []string{"sheriff", "police-chief", "mayor", "council-member"}[i%4]
			b.plantOfficial(long("Official", i, 100), office, "")
		}
		first := long("Official", 1, 100)
		for i := 1; i <= 200; i++ {
			b.expect(fmt.Sprintf(`/task add title:"%s" user:@member%d due:"dec 3"`, long("Task", i, 200), i%7), fmt.Sprintf("Task %d added", i))
		}
		note := strings.Repeat("n", 500)
		for i := 0; i < 22; i++ { // 198 answers
			b.expect(fmt.Sprintf(`/response bulk official:"%s" in-place:nnnnnnnne would-support:yyyyeeeee note:%s`, first, note), "Logged 9 answers")
		}
		b.expect(fmt.Sprintf(`/response log official:"%s" rule:1 in-place:no would-support:evasive note:%s`, first, note), "Logged")
		b.expect(fmt.Sprintf(`/response log official:"%s" rule:2 in-place:no would-support:evasive note:%s`, first, note), "Logged")
		for i := 2; i <= 40; i++ {
			b.expect(fmt.Sprintf(`/response bulk official:"%s" in-place:nnnnnnnnn would-support:eeeeeuuuu`, long("Official", i, 100)), "Logged")
		}

		tests := []struct {
			line, footer string
		}{
			{"/task list all", "Page 1 of 14. … and 185 more: add page:2"},
			{"/task list all page:7", "Page 7 of 14. … and 95 more: add page:8"},
			{"/task list all page:14", "Page 14 of 14."},
			{"/task list open", "… and 185 more"},
			{"/task list user:@member3", "… and"},
			{`/response history official:"` + first + `"`, "Page 1 of 14. … and 185 more: add page:2"},
			{`/response history official:"` + first + `" page:14`, "Page 14 of 14."},
			{"/audit limit:50", "Page 1 of 3. … and 31 more: add page:2"},
			{"/audit", ""},
			{"/target list", "Page 1 of 3. … and 21 more: add page:2"},
			{"/scorecard", ""},
			{`/target show "` + first + `"`, ""},
			{`/response sheet official:"` + first + `"`, ""},
			{"/help", ""},
		}
		for _, tt := range tests {
			t.Run(tt.line[:min(len(tt.line), 40)], func(t *testing.T) {
				reply, err := b.raw("you", tt.line)
				if err != nil {
					t.Fatalf("%s: %v", tt.line, err)
				}
				if err := reply.Check(); err != nil {
					t.Errorf("%s breaks a limit: %v", tt.line, err)
				}
				if !strings.Contains(reply.Footer, tt.footer) {
					t.Errorf("%s footer = %q, want %q", tt.line, reply.Footer, tt.footer)
				}
				if len(reply.Items) == 0 && len(reply.Fields) == 0 && tt.line != "/help" && !strings.HasPrefix(tt.line, "/response sheet") {
					t.Errorf("%s lists nothing:\n%s", tt.line, reply.PlainText())
				}
			})
		}
		// The bulk reply itself, with a 500-character note, fits too.
		reply, err := b.raw("you", fmt.Sprintf(`/response bulk official:"%s" in-place:nnnnnnnnnn would-support:eeeeeeeeee note:%s`, first, note))
		if err != nil || reply.Check() != nil {
			t.Errorf("bulk reply: %v, %v", err, reply.Check())
		}
	})
}
