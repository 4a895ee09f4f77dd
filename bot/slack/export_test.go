package slack

import "time"

// SetWorkTimeout shortens the bound on a's detached work.
func SetWorkTimeout(a *Adapter, d time.Duration) { a.workTimeout = d }

// Background runs fn as a's tracked background work.
func Background(a *Adapter, fn func()) { a.background(fn) }
