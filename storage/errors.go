package storage

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound   = errors.New("not found")
	ErrDuplicate  = errors.New("already exists")
	ErrForeignKey = errors.New("refers to a missing row")
)

// wrap names the operation that failed in *errp, when it is not nil, after
// translating GORM's errors into the package's. Every exported method
// defers it first thing, with its name and its identifying arguments:
//
//	defer wrap(&err, "storage.MeetingByNumber(%d, %d)", groupID, number)
//
// so that a log line says which query failed for which rows. Only ids,
// numbers and option-like values (kinds, statuses, roles, platforms) go
// in: user free text (names, notes, titles, places, typed prefixes) never
// does, and "…" stands where such an argument was left out. The arguments
// are evaluated when the defer runs, so name what is known on entry.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), translate(*errp))
}

// translate maps GORM's errors to the package's. GORM's own text ("record
// not found", "duplicated key not allowed") says nothing the sentinel does
// not, so a bare GORM error becomes the bare sentinel.
func translate(err error) error {
	for _, t := range [...]struct{ gorm, ours error }{
		{gorm.ErrRecordNotFound, ErrNotFound},
		{gorm.ErrDuplicatedKey, ErrDuplicate},
		{gorm.ErrForeignKeyViolated, ErrForeignKey},
	} {
		switch {
		case err == t.gorm:
			return t.ours
		case errors.Is(err, t.gorm):
			return fmt.Errorf("%w: %v", t.ours, err)
		}
	}
	return err
}

// optID renders an optional row id for wrap: its value, or nil.
func optID(id *int64) any {
	if id == nil {
		return "nil"
	}
	return *id
}
