package commands_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// Every number a reply prints must agree with the list it summarises:
// these tests build a busy group and count what the scorecard, the
// targets, the meeting list, attendance and the digest show against what
// they say they show.

var (
	andMoreRE  = regexp.MustCompile(`… and (\d+) more`)
	countRE    = regexp.MustCompile(`\((\d+)\)`)
	notAskedRE = regexp.MustCompile(`not asked \((\d+)\): (.*)$`)
)

// andMore reads the count of a "… and N more" in s, 0 when there is none.
func andMore(s string) int {
	m := andMoreRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// titleCount reads the "(N)" of a title.
func titleCount(t *testing.T, title string) int {
	t.Helper()
	m := countRE.FindStringSubmatch(title)
	if m == nil {
		t.Fatalf("title %q has no count", title)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// busyGroup is a county campaign a few months in: 14 officials (two of a
// neighbouring jurisdiction) answering in every way, disputes, 25
// meetings, long attendance and a digest's worth of tasks and answers.
func busyGroup(t *testing.T, b *testBot) {
	t.Helper()
	ok := func(line string) {
		t.Helper()
		if out := b.do(line); strings.HasPrefix(out, "✗") {
			t.Fatalf("%s: %s", line, out)
		}
	}
	ok(springfield)
	offices := []string{"sheriff", "police-chief", "mayor", "council-member", "county-executive"}
	for i := 1; i <= 14; i++ {
		jurisdiction := ""
		if i > 12 {
			jurisdiction = ` jurisdiction:"Sangamon County"`
		}
		ok(fmt.Sprintf(`/official add name:"Official %02d %s" office:%s%s`, i, strings.Repeat("x", 20), offices[i%len(offices)], jurisdiction))
	}
	marks := []string{"yyynneeen", "nnnnnnnnn", "yynnnnnnn", "eeeeeeeee", "nnnyyyyyy"}
	support := []string{"---yyenue", "yyyyyyyyy", "--nnnnnnn", "yyyyyyyyy", "nnn------"}
	for i := 1; i <= 8; i++ {
		ok(fmt.Sprintf(`/response bulk official:"Official %02d %s" in-place:%s would-support:%s source:call`, i, strings.Repeat("x", 20), marks[i%5], support[i%5]))
	}
	for i := 1; i <= 25; i++ {
		ok(fmt.Sprintf(`/meeting schedule when:"2026-12-%02d 18:00" where:"Room %d"`, 1+i%28, i))
	}
	var people []string
	for i := 1; i <= 60; i++ {
		people = append(people, fmt.Sprintf("@person%02d", i))
	}
	ok(`/meeting record when:"yesterday 7pm" where:"Library" kind:organizing`)
	ok("/meeting attendance 26 " + strings.Join(people, " "))
	for i := 1; i <= 30; i++ {
		ok(fmt.Sprintf(`/task add title:"Task %d %s" user:@person%02d due:"2026-11-28 %d:00"`, i, strings.Repeat("y", 150), i%7, 8+i%12))
	}
}

func TestCountsAgreeWithTheirLists(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		busyGroup(t, b)
		raw := func(line string) bot.Reply {
			t.Helper()
			r, err := b.raw("you", line)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			if err := r.Check(); err != nil {
				t.Errorf("%s breaks a limit: %v", line, err)
			}
			return r
		}

		t.Run("scorecard", func(t *testing.T) {
			r := raw("/scorecard")
			inPlace, disputed := 0, 0
			for i, f := range r.Fields {
				if i < commands.CoreRules && strings.HasSuffix(f.Name, "✅ in place") {
					inPlace++
				}
				if i < commands.CoreRules && strings.HasSuffix(f.Name, "DISPUTED") {
					disputed++
				}
				shown, cut, notAsked := 0, 0, 0
				for _, line := range strings.Split(f.Value, "\n") {
					switch m := notAskedRE.FindStringSubmatch(line); {
					case m != nil:
						notAsked, _ = strconv.Atoi(m[1])
						names := strings.Count(andMoreRE.ReplaceAllString(m[2], ""), ",") + 1
						if names+andMore(m[2]) != notAsked {
							t.Errorf("%s: %q names %d and counts %d more, but says %d", f.Name, line, names, andMore(m[2]), notAsked)
						}
					case strings.HasPrefix(line, "… and"):
						cut = andMore(line)
					case strings.Contains(line, ": ") && !strings.HasPrefix(line, "⚖️"):
						shown++
					}
				}
				if shown+cut+notAsked != 14 {
					t.Errorf("%s shows %d officials, cuts %d, counts %d not asked: want all 14 accounted for:\n%s", f.Name, shown, cut, notAsked, f.Value)
				}
			}
			want := fmt.Sprintf("%d of 9 in place", inPlace)
			if disputed > 0 {
				want += fmt.Sprintf(", %d disputed", disputed)
			}
			if !strings.HasPrefix(r.Text, want) {
				t.Errorf("scorecard summary %q, want it to start %q (its rules' marks)", strings.SplitN(r.Text, "\n", 2)[0], want)
			}
		})

		t.Run("targets", func(t *testing.T) {
			r := raw("/target list")
			total := titleCount(t, r.Title)
			if got := len(r.Items) + andMore(r.Footer); got != total {
				t.Errorf("target list title says %d, lists %d and counts %d more", total, len(r.Items), andMore(r.Footer))
			}
			openRE := regexp.MustCompile(`(\d+) open(?:: ((?:#\d+ ?)+))?`)
			for _, it := range r.Items {
				m := openRE.FindStringSubmatch(it)
				if m == nil {
					t.Errorf("target line %q says no open count", it)
					continue
				}
				if n, _ := strconv.Atoi(m[1]); m[2] != "" && strings.Count(m[2], "#") != n {
					t.Errorf("target line %q counts %d open but names %d", it, n, strings.Count(m[2], "#"))
				}
			}
		})

		t.Run("meeting list", func(t *testing.T) {
			for _, which := range []string{"", " past", " all"} {
				r := raw("/meeting list" + which)
				total := titleCount(t, r.Title)
				seen := len(r.Items)
				for p := 2; andMore(r.Footer) > 0; p++ {
					r = raw(fmt.Sprintf("/meeting list%s page:%d", which, p))
					seen += len(r.Items)
				}
				if seen != total {
					t.Errorf("/meeting list%s says %d and its pages list %d", which, total, seen)
				}
			}
		})

		t.Run("attendance", func(t *testing.T) {
			r := raw("/meeting attendance 26 @person01 @person01 @person61 @Person61")
			m := regexp.MustCompile(`\((\d+) new, (\d+) already recorded\)\. (\d+) came in all`).FindStringSubmatch(r.Text)
			if m == nil || m[1] != "1" || m[2] != "1" || m[3] != "61" {
				t.Fatalf("attendance reply %q, want 1 new (person61, named twice), 1 already (person01, named twice), 61 in all", r.Text)
			}
			show := raw("/meeting show 26")
			for _, f := range show.Fields {
				if !strings.HasPrefix(f.Name, "Came") {
					continue
				}
				names := strings.Count(andMoreRE.ReplaceAllString(f.Value, ""), ",") + 1
				if titleCount(t, f.Name) != 61 || names+andMore(f.Value) != 61 {
					t.Errorf("/meeting show: %q names %d and counts %d more, want 61", f.Name, names, andMore(f.Value))
				}
			}
		})

		t.Run("digest", func(t *testing.T) {
			b.clock.Advance(3 * time.Hour)
			r := raw("/digest now")
			sections := 0
			for _, f := range r.Fields {
				m := countRE.FindStringSubmatch(f.Name)
				if m == nil {
					continue
				}
				sections++
				n, _ := strconv.Atoi(m[1])
				lines := strings.Split(f.Value, "\n")
				shown := len(lines)
				if more := andMore(lines[len(lines)-1]); more > 0 {
					shown += more - 1
				}
				if shown != n {
					t.Errorf("digest %q lists %d, want %d:\n%s", f.Name, shown, n, f.Value)
				}
				for _, l := range lines {
					if strings.HasSuffix(l, "…") {
						t.Errorf("digest %q cuts a line mid-way: %q", f.Name, l)
					}
				}
			}
			if sections < 3 {
				t.Errorf("the digest counts %d sections, want meetings, tasks and answers:\n%s", sections, r.PlainText())
			}
		})
	})
}
