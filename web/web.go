// Package web serves what fcbot shows outside chat, from the same
// database and on the same HTTP server as the platforms' routes: each
// group's calendar feed, its published scorecard (page and image), the
// coordinators' dashboard, and the roll-up of every published scorecard
// on the instance. Pages are rendered on the server and work without
// JavaScript; every link carries a long random token or a signature, so
// nothing is found by guessing.
package web

import (
	"log/slog"
	"net/http"

	"github.com/fcbot/fcbot/commands"
)

// Server is the web pages' handlers.
type Server struct {
	// Env gives the store, the clock and the scorecard as data
	// (commands.Env.ScorecardGrid), so that a page shows what the
	// commands show.
	Env *commands.Env
	Log *slog.Logger
}

// Routes adds the pages to mux.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /s/{token}", s.scorecard)
	mux.HandleFunc("GET /s/{token}/scorecard.png", s.scorecardImage)
	mux.HandleFunc("GET /d/{link}", s.dashboard)
	mux.HandleFunc("GET /{$}", s.rollup)
	mux.HandleFunc("GET /api/scorecards.json", s.rollupAPI)
	mux.HandleFunc("GET /calendar/{file}", s.calendar)
}
