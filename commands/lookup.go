package commands

import (
	"context"
	"strconv"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// official finds the group's official by name (case-insensitive), or
// returns a NotFound that offers the closest names.
func (env *Env) official(ctx context.Context, req *bot.Request, name string) (*storage.Official, error) {
	o, err := env.Store.OfficialByName(ctx, req.Caller.GroupID, name)
	if err == nil {
		return o, nil
	}
	names, nerr := env.Store.OfficialNames(ctx, req.Caller.GroupID)
	if nerr != nil {
		return nil, nerr
	}
	return nil, notFound(err, bot.M("official.not_found", "Name", bot.Clip(name, 60)), bot.Closest(name, names, 3))
}

// meeting finds the group's meeting by its number.
func (env *Env) meeting(ctx context.Context, req *bot.Request, number int64) (*storage.Meeting, error) {
	m, err := env.Store.MeetingByNumber(ctx, req.Caller.GroupID, number)
	if err != nil {
		return nil, notFound(err, bot.M("meeting.not_found", "Number", strconv.FormatInt(number, 10)), nil)
	}
	return m, nil
}

// task finds the group's task by its number.
func (env *Env) task(ctx context.Context, req *bot.Request, number int64) (*storage.Task, error) {
	t, err := env.Store.TaskByNumber(ctx, req.Caller.GroupID, number)
	if err != nil {
		return nil, notFound(err, bot.M("task.not_found", "Number", strconv.FormatInt(number, 10)), nil)
	}
	return t, nil
}

// member returns the group's member for a mentioned user, creating them on
// first sight as the caller was.
func (env *Env) member(ctx context.Context, req *bot.Request, u bot.User) (*storage.Member, error) {
	return env.Store.EnsureMember(ctx, req.Caller.GroupID, u.ID, u.Name)
}
