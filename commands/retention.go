package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// The bounds of /setup retention, in days. Below a month, a meeting's
// follow-up (the report-back, the next meeting a fortnight on) would lose
// who came before it is done; the upper bound keeps the date arithmetic
// far from overflow and the promise of a purge meaningful.
const (
	minRetentionDays = 30
	maxRetentionDays = 3650
	retentionExample = "/setup retention:365"
)

// NamelessAuditActions lists the audit actions whose before and after
// texts name no member: settings, officials (public figures, with their
// public office's contact), answers as marks, rulings and meeting
// statuses. The nightly purge keeps these texts when it trims an old
// entry to "a member", and empties every other: attendance lists, RSVPs
// and roles name people, and places, titles and notes are typed by
// members and may name anyone.
func NamelessAuditActions() []string {
	return []string{
		"setup", "digest.time", "digest.quiet", "digest.channel", "digest.subscribe",
		"official.add", "official.edit", "official.remove",
		"response.bulk", "response.settle",
		"meeting.cancel", "meeting.held", "report.file",
	}
}

// withUnnamed writes names as fitNames does within limit, followed by how
// many more people are counted whose link to the meeting was erased.
func withUnnamed(t func(string, ...any) string, names []string, unnamed int64, limit int) string {
	if unnamed == 0 {
		return fitNames(t, "", names, limit)
	}
	rest := t("retention.unnamed", "Count", unnamed)
	if len(names) == 0 {
		return rest
	}
	return fitNames(t, "", names, limit-utf8.RuneCountInString(rest)-2) + "; " + rest
}

// digestPurges is the digest's line on what the nightly purges erased
// since the last digest, and the reports it shows (none: no line).
func (env *Env) digestPurges(ctx context.Context, t func(string, ...any) string, groupID int64) (string, []int64, error) {
	purges, err := env.Store.UnreportedPurges(ctx, groupID)
	if err != nil || len(purges) == 0 {
		return "", nil, err
	}
	var meetings, audit int64
	ids := make([]int64, len(purges))
	for i, p := range purges {
		meetings, audit, ids[i] = meetings+p.Meetings, audit+p.AuditEntries, p.ID
	}
	var what []string
	if meetings > 0 {
		what = append(what, t("retention.digest.meetings", "Count", meetings))
	}
	if audit > 0 {
		what = append(what, t("retention.digest.audit", "Count", audit))
	}
	// The latest purge's retention: the one in force.
	days := purges[len(purges)-1].Days
	return t("retention.digest", "Days", days, "What", strings.Join(what, ", ")), ids, nil
}

// unlinkedNote is the meeting page's word on counts kept without names,
// "" when the meeting has none.
func unlinkedNote(req *bot.Request, m *storage.Meeting) string {
	if m.UnlinkedYes+m.UnlinkedMaybe+m.UnlinkedNo+m.UnlinkedCame+m.UnlinkedRoles == 0 {
		return ""
	}
	note := req.T("retention.meeting_note")
	if m.UnlinkedRoles > 0 {
		note += " " + req.T("retention.meeting_roles", "Count", m.UnlinkedRoles)
	}
	return note
}
