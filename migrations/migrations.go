// Package migrations holds fcbot's schema as numbered SQL migrations, one
// folder per dialect (identity columns and time types differ), embedded in
// the binary and applied by storage at start-up and by `fcbot migrate`.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
