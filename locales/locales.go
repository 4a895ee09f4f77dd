// Package locales holds fcbot's message catalog: every sentence a user
// reads, one TOML file per area and language (core.en.toml, …). Adding a
// language is adding files named *.LANG.toml; no code changes.
package locales

import "embed"

// FS holds the catalog files.
//
//go:embed *.toml
var FS embed.FS
