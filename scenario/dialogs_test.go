package scenario

import (
	"context"
	"strings"
	"testing"
)

// TestAnswerSheet logs an official's answers with /response sheet: a
// dialog on Slack and Discord, a menu per rule and a note, and on the
// console the typed /response bulk its reply names. Both end in the same
// record.
func TestAnswerSheet(t *testing.T) {
	t.Parallel()
	eachPlatform(t, func(t *testing.T, w *world) {
		w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "first lead")
		w.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe")
		w.offRecord(func() {
			out := w.run(`/response sheet official:"Jane Roe"`)
			if !w.dialog() {
				if !strings.Contains(out, "`/response bulk official:\"Jane Roe\"") {
					t.Errorf("/response sheet on the console:\n%s", out)
				}
				w.expect(`/response bulk official:"Jane Roe" in-place:"y n n y e - n n y" would-support:"- y e - n - n y -" note:"at the counter"`, "Logged 8 answers from Jane Roe")
				return
			}
			if !strings.Contains(out, "form: Answers: Jane Roe") || !strings.Contains(out, "#9 Fair and Impartial Policing Rule") {
				t.Errorf("/response sheet opened:\n%s", out)
			}
			out = w.fill("y -", "n y", "n e", "y -", "e n", "- -", "n n", "n y", "y -", "", "at the counter")
			if !strings.Contains(out, "Logged 8 answers from Jane Roe") { // rule 6 left at not asked
				t.Errorf("the filled sheet:\n%s", out)
			}
		})
		w.expect(`/response history official:"Jane Roe"`, "#9 In place: ✅ yes", "#5 In place: ⚠️ EVASIVE · Would support: ❌ no", "“at the counter”")
		w.expect("/scorecard", "3 of 9 in place; Jane Roe supports 2 more, evasive on 2")
	})
}

// TestButtonsInDirectMessages: the Mark done button of the direct
// message that hands someone a task works where it arrives.
func TestButtonsInDirectMessages(t *testing.T) {
	t.Parallel()
	eachPlatform(t, func(t *testing.T, w *world) {
		w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "first lead")
		w.expect(`/task add title:"Print flyers" due:"dec 1 5pm" user:@sam`, "Task 1 added")
		w.expectDMs("sam", "alex gave you task 1")
		w.as("sam")
		if w.platform == "discord" {
			// fcbot's Discord adapter refuses every interaction from
			// outside a server, button clicks in direct messages too.
			w.offRecord(func() { w.clickDM("task done id:1") })
			t.Skip("known: on Discord, buttons in direct messages answer \"fcbot's commands work in a server\"")
		}
		if out := w.clickDM("task done id:1"); !strings.Contains(out, "Task 1 done") {
			t.Errorf("Mark done in sam's direct messages:\n%s", out)
		}
		if task, err := w.store.TaskByNumber(context.Background(), w.group().ID, 1); err != nil || task.Status != "done" {
			t.Errorf("task 1 after Mark done: %+v (%v), want it done", task, err)
		}
	})
}
