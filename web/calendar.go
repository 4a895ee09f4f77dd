package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fcbot/fcbot/storage"
)

// The calendar feed: GET /calendar/{token}.ics is the group's meetings as
// an iCalendar file (commands.Env.CalendarFeed), for calendar apps to
// subscribe to. The token is all the app brings, so it is the only key:
// an unknown or replaced token, or any other file name, is answered
// exactly as any unknown path, saying nothing of whether a group exists.

// cacheCalendar lets the subscriber's app, and no shared cache, keep the
// feed a few minutes; apps ask again with the ETag.
const cacheCalendar = "private, max-age=300"

// calendar serves GET /calendar/{file}: ServeMux patterns cannot hold
// "{token}.ics", so the file is the token and its suffix.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		http.NotFound(w, r)
		return
	}
	feed, err := s.Env.CalendarFeed(r.Context(), token)
	if errors.Is(err, storage.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, "calendar feed", err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="meetings.ics"`)
	serve(w, r, "text/calendar; charset=utf-8", cacheCalendar, feed)
}
