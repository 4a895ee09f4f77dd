package scenario

import "testing"

// TestDigest: the daily digest reaches a coordinator by direct message at
// the group's digest time, and then the channel it is moved to.
func TestDigest(t *testing.T) {
	t.Parallel()
	eachPlatform(t, func(t *testing.T, w *world) {
		w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "first lead")
		w.expect("/role assign user:@carol role:coordinator", "carol is now coordinator")
		w.dms("carol")
		w.expect(`/meeting schedule when:"dec 4 noon" where:"Library"`, "Meeting 1 scheduled")
		w.step(at("11-30 07:59"))
		w.tick()
		w.expectDMs("carol")
		w.step(at("11-30 08:00"))
		w.tick()
		w.expectDMs("carol", "Daily digest for Springfield: Mon Nov 30")
		w.expectDMs("alex")
		w.expect("/digest channel channel:#coord", "posted in #coord")
		w.step(at("12-01 08:00"))
		w.tick()
		w.expectPosts("coord", "Daily digest for Springfield: Tue Dec 1")
		w.expectDMs("carol")
	})
}
