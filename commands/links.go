package commands

import "github.com/fcbot/fcbot/bot"

// link returns the address people open for path ("/s/TOKEN") on the web
// pages, or a refusal saying that this instance serves none.
func (env *Env) link(path string) (string, error) {
	if env.PublicURL == "" {
		return "", bot.Conflict(bot.M("links.no_address"))
	}
	return env.PublicURL + path, nil
}
