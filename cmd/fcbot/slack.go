package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
)

// setupSlack starts Slack: Socket Mode when SLACK_APP_TOKEN is set, and
// the HTTP request URLs when SLACK_SIGNING_SECRET is; both may be on.
func (a *app) setupSlack() error {
	if a.cfg.SlackAppToken == "" && a.cfg.SlackSigningSecret == "" {
		return errors.New("SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is: set one to receive commands")
	}
	ad, err := slack.New(slack.Config{
		BotToken:      a.cfg.SlackBotToken,
		AppToken:      a.cfg.SlackAppToken,
		SigningSecret: a.cfg.SlackSigningSecret,
		APIURL:        a.cfg.SlackAPIURL,
		Router:        a.router,
		Gate:          a.gate,
		Log:           a.log,
	})
	if err != nil {
		return err
	}
	a.senders[slack.Platform] = ad.Sender()
	// Answers delivered later finish before the job queue stops.
	a.adapters = append(a.adapters, ad)
	if a.cfg.SlackAppToken != "" {
		a.intake = append(a.intake, ad.Run)
	}
	if a.cfg.SlackSigningSecret != "" {
		a.handle("POST "+slack.CommandsPath, ad.Commands())
		a.handle("POST "+slack.InteractionsPath, ad.Interactions())
	}
	return nil
}

// slackCommand is `fcbot slack manifest [--url https://host]`.
func slackCommand(tree *bot.Tree, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "manifest" {
		return errors.New("usage: fcbot slack manifest [--url https://host]  (prints the Slack app manifest; without --url the app uses Socket Mode)")
	}
	fs := flag.NewFlagSet("slack manifest", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	base := fs.String("url", "", "the https address fcbot's HTTP mode is reached at; omit for Socket Mode")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("slack manifest: %w (usage: fcbot slack manifest [--url https://host])", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("slack manifest: unexpected %q (usage: fcbot slack manifest [--url https://host])", fs.Arg(0))
	}
	m, err := slack.BuildManifest(tree, *base)
	if err != nil {
		return err
	}
	b, err := m.JSON()
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}
