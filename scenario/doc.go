// Package scenario holds fcbot's end-to-end walks: whole campaigns played
// by several people over weeks of an injected clock, with wrong and
// hostile input along the way, typed as the same command lines on the
// console, on Slack (the real adapter against a fake Slack) and on Discord
// (the real adapter against a fake Discord), on SQLite and PostgreSQL,
// with the real job queue delivering reminders through each platform's
// Sender.
//
// Everything is in the tests. world_test.go is the harness walks are
// written with (eachPlatform, world and its methods, listed at its top);
// console_test.go, slack_test.go and discord_test.go drive each platform
// the way its users do; read_test.go reads what Slack and Discord draw
// back into the console's plain text, so that one set of expectations,
// and one transcript, holds on all three.
package scenario
