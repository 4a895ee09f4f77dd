package commands

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// /dashboard sends a coordinator, by direct message, a link to a
// private page (web: /d/LINK) with the group's upcoming meetings and
// their RSVP counts, its open tasks and its digest. The link names the
// group, the member and when it expires, 24 hours later, signed with
// HMAC-SHA256 under a key of the instance kept in the database (so that
// every replica checks it alike): it cannot be guessed, changed or used
// after it expires.

// DashboardTTL is how long a dashboard link works.
const DashboardTTL = 24 * time.Hour

// dashboardKeyName names the instance secret that signs dashboard links.
const dashboardKeyName = "dashboard-link"

// A link's payload: group id, member id and expiry (Unix seconds), each a
// big-endian uint64.
const dashboardPayload = 24

// linkEncoding writes a link's parts: base64url without padding, read
// strictly, so that a link has one spelling and any changed character
// changes what it says.
var linkEncoding = base64.RawURLEncoding.Strict()

// The errors of a dashboard link that does not open.
var (
	// ErrLinkInvalid is a link that fcbot did not sign, or whose member
	// was forgotten since.
	ErrLinkInvalid = errors.New("dashboard link: invalid")
	// ErrLinkExpired is a link fcbot signed that is past its time.
	ErrLinkExpired = errors.New("dashboard link: expired")
)

func (env *Env) dashboardCommand() *bot.Command {
	return &bot.Command{
		Name:     "dashboard",
		Example:  "/dashboard",
		Level:    bot.Coordinator,
		ReadOnly: true,
		Handler:  env.dashboard,
	}
}

// dashboard is /dashboard: a link to the coordinators' page, valid for
// 24 hours, for the caller's eyes only.
func (env *Env) dashboard(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if _, err := env.link("/"); err != nil {
		return bot.Reply{}, err
	}
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return bot.Reply{}, fmt.Errorf("dashboard: key: %w", err)
	}
	key, err := env.Store.EnsureSecret(ctx, dashboardKeyName, hex.EncodeToString(candidate))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("dashboard: %w", err)
	}
	expires := req.Now.Add(DashboardTTL)
	link, err := env.link(DashboardPath(signDashboard(key, req.Caller.GroupID, req.Caller.MemberID, expires)))
	if err != nil {
		return bot.Reply{}, err
	}
	// A direct message, to find again during the day; where none can be
	// sent it is shown in the private reply.
	dm := bot.Reply{
		Title: req.T("dashboard.title"),
		Text: strings.Join([]string{
			req.T("dashboard.link", "Link", link),
			req.T("dashboard.expires", "When", bot.At(expires, req.Location(), bot.DateZone)),
			req.T("dashboard.private"),
		}, "\n"),
	}
	return bot.Reply{
		Text:      req.T("dashboard.sent"),
		Tone:      bot.Success,
		Ephemeral: true,
		DMs:       []bot.DirectMessage{{To: req.User, Reply: dm, Keep: true}},
	}, nil
}

// DashboardPath is the path of the dashboard a signed link opens.
func DashboardPath(link string) string { return "/d/" + link }

// DashboardAccess is what a valid dashboard link grants: one member's
// view of one group, until Expires.
type DashboardAccess struct {
	GroupID, MemberID int64
	Expires           time.Time
}

// OpenDashboard checks a dashboard link (the part after /d/) against the
// instance's key and the clock: ErrLinkInvalid for a link fcbot did not
// sign (or whose member was forgotten since), ErrLinkExpired for one past
// its 24 hours. It never writes: before the first /dashboard there is no
// key, and no link is valid.
func (env *Env) OpenDashboard(ctx context.Context, link string) (DashboardAccess, error) {
	payload, sig, ok := strings.Cut(link, ".")
	raw, err := linkEncoding.DecodeString(payload)
	if !ok || err != nil || len(raw) != dashboardPayload {
		return DashboardAccess{}, ErrLinkInvalid
	}
	key, err := env.Store.Secret(ctx, dashboardKeyName)
	if errors.Is(err, storage.ErrNotFound) {
		return DashboardAccess{}, ErrLinkInvalid
	}
	if err != nil {
		return DashboardAccess{}, fmt.Errorf("dashboard: %w", err)
	}
	want := mac(key, payload)
	if got, err := linkEncoding.DecodeString(sig); err != nil || !hmac.Equal(got, want) {
		return DashboardAccess{}, ErrLinkInvalid
	}
	a := DashboardAccess{
		GroupID:  int64(binary.BigEndian.Uint64(raw[0:8])),
		MemberID: int64(binary.BigEndian.Uint64(raw[8:16])),
		Expires:  time.Unix(int64(binary.BigEndian.Uint64(raw[16:24])), 0).UTC(),
	}
	if !env.Clock.Now().Before(a.Expires) {
		return DashboardAccess{}, ErrLinkExpired
	}
	m, err := env.Store.MemberByID(ctx, a.GroupID, a.MemberID)
	switch {
	case errors.Is(err, storage.ErrNotFound) || err == nil && m.PlatformUserID == nil:
		return DashboardAccess{}, ErrLinkInvalid
	case err != nil:
		return DashboardAccess{}, fmt.Errorf("dashboard: %w", err)
	}
	return a, nil
}

// signDashboard writes a link for the member of the group until expires:
// the payload and its signature, each in base64url, joined by a dot.
func signDashboard(key string, groupID, memberID int64, expires time.Time) string {
	raw := make([]byte, dashboardPayload)
	binary.BigEndian.PutUint64(raw[0:8], uint64(groupID))
	binary.BigEndian.PutUint64(raw[8:16], uint64(memberID))
	binary.BigEndian.PutUint64(raw[16:24], uint64(expires.Unix()))
	payload := linkEncoding.EncodeToString(raw)
	return payload + "." + linkEncoding.EncodeToString(mac(key, payload))
}

// mac is the signature of a link's payload: HMAC-SHA256 under the key,
// over a label and the payload as written, so that the key signs nothing
// else by accident.
func mac(key, payload string) []byte {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte("fcbot dashboard link\x00" + payload))
	return h.Sum(nil)
}
