package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
)

type fixedResolver struct{ level bot.Level }

func (f fixedResolver) Resolve(context.Context, *bot.Request) (bot.Caller, error) {
	return bot.Caller{GroupID: 1, MemberID: 1, Level: f.level}, nil
}

type memGuard map[string]bool

func (g memGuard) First(_ context.Context, req *bot.Request) (bool, error) {
	if g[req.ID] {
		return false, nil
	}
	g[req.ID] = true
	return true, nil
}

type failingSender struct{ sent []string }

func (s *failingSender) Send(_ context.Context, to bot.Destination, r bot.Reply) error {
	if to.User == "blocked" {
		return errors.New("cannot DM")
	}
	s.sent = append(s.sent, to.User+": "+r.Text)
	return nil
}

func newRouter(level bot.Level, log *bytes.Buffer, handler bot.Handler, cmdLevel bot.Level) (*bot.Router, *bot.Command) {
	cmd := &bot.Command{Name: "go", Example: "/go", Handler: handler, Level: cmdLevel}
	r := bot.NewRouter(bot.Config{
		Tree:     bot.NewTree(cmd),
		Log:      slog.New(slog.NewTextHandler(log, nil)),
		Resolver: fixedResolver{level},
		Guard:    memGuard{},
		Timeout:  50 * time.Millisecond,
	})
	return r, cmd
}

func TestRouterErrorSink(t *testing.T) {
	refRE := regexp.MustCompile(`reference: ([0-9a-f]{8})`)
	tests := []struct {
		name      string
		handler   bot.Handler
		want      string
		wantLog   string
		wantRef   bool
		forbidden bool
	}{
		{name: "expected error", handler: func(context.Context, *bot.Request) (bot.Reply, error) {
			return bot.Reply{}, fmt.Errorf("op: %w", bot.Invalid("x", bot.M("bind.empty", "Name", "x"), "/go x:1"))
		}, want: "The option `x` is empty. Example: `/go x:1`", wantLog: "level=INFO"},
		{name: "internal error hides details", handler: func(context.Context, *bot.Request) (bot.Reply, error) {
			return bot.Reply{}, errors.New("pq: relation \"secret_table\" does not exist")
		}, wantRef: true, wantLog: "secret_table"},
		{name: "panic", handler: func(context.Context, *bot.Request) (bot.Reply, error) {
			panic("boom")
		}, wantRef: true, wantLog: "boom"},
		{name: "forbidden", forbidden: true, handler: func(context.Context, *bot.Request) (bot.Reply, error) {
			return bot.Reply{Text: "should not run"}, nil
		}, want: "Only a lead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			level := bot.Lead
			if tt.forbidden {
				level = bot.Member
			}
			r, cmd := newRouter(level, &log, tt.handler, bot.Lead)
			reply := r.Dispatch(context.Background(), &bot.Request{Locale: "en"}, &bot.Invocation{Command: cmd}, nil, nil).Reply
			if reply.Tone != bot.Failure || !reply.Ephemeral {
				t.Errorf("tone %v ephemeral %v, want an ephemeral failure", reply.Tone, reply.Ephemeral)
			}
			if tt.want != "" && !strings.Contains(reply.Text, tt.want) {
				t.Errorf("reply %q, want it to contain %q", reply.Text, tt.want)
			}
			if tt.wantRef {
				m := refRE.FindStringSubmatch(reply.Text)
				if m == nil {
					t.Fatalf("reply %q carries no reference id", reply.Text)
				}
				if !strings.Contains(log.String(), "ref="+m[1]) {
					t.Errorf("log does not carry ref %s:\n%s", m[1], log.String())
				}
				if strings.Contains(reply.Text, "secret_table") || strings.Contains(reply.Text, "boom") {
					t.Errorf("reply leaks internals: %q", reply.Text)
				}
			}
			if tt.wantLog != "" && !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log %q, want it to contain %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestRouterTimeout(t *testing.T) {
	var log bytes.Buffer
	r, cmd := newRouter(bot.Lead, &log, func(ctx context.Context, _ *bot.Request) (bot.Reply, error) {
		<-ctx.Done()
		return bot.Reply{}, ctx.Err()
	}, bot.Member)
	reply := r.Dispatch(context.Background(), &bot.Request{Locale: "en"}, &bot.Invocation{Command: cmd}, nil, nil).Reply
	if !strings.Contains(reply.Text, "took too long") {
		t.Errorf("reply %q, want the timeout message", reply.Text)
	}
}

func TestRouterReplayHasOneEffect(t *testing.T) {
	runs := 0
	r, cmd := newRouter(bot.Lead, &bytes.Buffer{}, func(context.Context, *bot.Request) (bot.Reply, error) {
		runs++
		return bot.Reply{Text: "done"}, nil
	}, bot.Member)
	for range 2 {
		r.Dispatch(context.Background(), &bot.Request{ID: "i-1", Locale: "en"}, &bot.Invocation{Command: cmd}, nil, nil)
	}
	if runs != 1 {
		t.Errorf("handler ran %d times for one delivery id, want 1", runs)
	}
}

func TestRouterDeliversDirectMessages(t *testing.T) {
	r, cmd := newRouter(bot.Lead, &bytes.Buffer{}, func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{Text: "assigned", DMs: []bot.DirectMessage{
			{To: bot.User{ID: "bob", Name: "Bob"}, Reply: bot.Reply{Text: "your script"}},
			{To: bot.User{ID: "blocked", Name: "Blocked"}, Reply: bot.Reply{Text: "their script"}},
		}}, nil
	}, bot.Member)
	s := &failingSender{}
	reply := r.Dispatch(context.Background(), &bot.Request{Locale: "en"}, &bot.Invocation{Command: cmd}, nil, s).Reply
	if len(s.sent) != 1 || s.sent[0] != "bob: your script" {
		t.Errorf("sent %v, want one DM to bob", s.sent)
	}
	if !strings.Contains(reply.Text, "For Blocked") || !strings.Contains(reply.Text, "their script") {
		t.Errorf("reply %q, want the undeliverable DM shown inline", reply.Text)
	}
	if strings.Contains(reply.Text, "your script") {
		t.Errorf("reply %q repeats a delivered DM", reply.Text)
	}
}

func TestReplyFitAndPage(t *testing.T) {
	items := make([]string, 200)
	for i := range items {
		items[i] = fmt.Sprintf("item %d %s", i+1, strings.Repeat("x", 300))
	}
	r := bot.Reply{Title: strings.Repeat("t", 500), Text: strings.Repeat("y", 5000), Items: items}
	if err := r.Check(); err == nil {
		t.Fatal("Check accepted an oversized reply")
	}
	fit := r.Fit()
	if err := fit.Check(); err != nil {
		t.Errorf("Fit left the reply out of limits: %v", err)
	}
	if len(r.Items) != 200 || r.Items[0] != items[0] || len([]rune(items[0])) <= bot.MaxItem {
		t.Errorf("Fit changed the caller's items")
	}
	var more int
	last := fit.Items[len(fit.Items)-1]
	if _, err := fmt.Sscanf(last, "… and %d more", &more); err != nil || more+len(fit.Items)-1 != len(items) {
		t.Errorf("%d items shown and last line %q, want the rest of %d counted", len(fit.Items)-1, last, len(items))
	}

	// Fields cut over the whole reply's limit are counted too.
	fields := make([]bot.Field, 15)
	for i := range fields {
		fields[i] = bot.Field{Name: fmt.Sprintf("field %d", i+1), Value: strings.Repeat("v", 800)}
	}
	fit = bot.Reply{Fields: fields}.Fit()
	if err := fit.Check(); err != nil {
		t.Errorf("Fit left the fields out of limits: %v", err)
	}
	lastField := fit.Fields[len(fit.Fields)-1]
	if _, err := fmt.Sscanf(lastField.Value, "… and %d more", &more); err != nil || more+len(fit.Fields)-1 != len(fields) {
		t.Errorf("%d fields shown and last %q, want the rest of %d counted", len(fit.Fields)-1, lastField.Value, len(fields))
	}

	offset, limit, footer := bot.PageWindow("en", len(items), 2, 0)
	if limit != bot.MaxItems-1 || !strings.HasPrefix(items[offset], "item 20 ") {
		t.Errorf("page 2 starts with %q and has %d items", bot.Clip(items[offset], 10), limit)
	}
	if !strings.Contains(footer, "Page 2 of 11") || !strings.Contains(footer, "page:3") {
		t.Errorf("footer %q, want page 2 of 11 and how to see page 3", footer)
	}
	if offset, _, footer := bot.PageWindow("en", len(items), 99, 0); !strings.Contains(footer, "Page 11 of 11") || offset != 10*(bot.MaxItems-1) {
		t.Errorf("a page past the end gives offset %d and footer %q, want the last page", offset, footer)
	}
}

// slowResolver blocks until its context ends: the caller's group is
// unreachable.
type slowResolver struct{}

func (slowResolver) Resolve(ctx context.Context, _ *bot.Request) (bot.Caller, error) {
	<-ctx.Done()
	return bot.Caller{}, ctx.Err()
}

// TestDispatchDeadlineCoversResolving: resolving the caller runs under
// the same deadline as the handler, so a stuck database cannot hold a
// request forever.
func TestDispatchDeadlineCoversResolving(t *testing.T) {
	cmd := &bot.Command{Name: "go", Handler: func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{Text: "ran"}, nil
	}}
	r := bot.NewRouter(bot.Config{Tree: bot.NewTree(cmd), Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), Resolver: slowResolver{}, Timeout: 20 * time.Millisecond})
	done := make(chan bot.Result, 1)
	go func() {
		done <- r.Dispatch(context.Background(), &bot.Request{Locale: "en"}, &bot.Invocation{Command: cmd}, nil, nil)
	}()
	select {
	case res := <-done:
		if !strings.Contains(res.Reply.Text, "took too long") || !errors.Is(res.Err, context.DeadlineExceeded) {
			t.Errorf("got %q (%v), want the timeout", res.Reply.Text, res.Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Dispatch did not return: resolving the caller has no deadline")
	}
}

// TestDispatchNamesTheRefusedField: a binding or handler refusal comes
// back with the option at fault, which dialogs mark.
func TestDispatchNamesTheRefusedField(t *testing.T) {
	r, cmd := newRouter(bot.Lead, &bytes.Buffer{}, func(context.Context, *bot.Request) (bot.Reply, error) {
		return bot.Reply{}, fmt.Errorf("check: %w", bot.Invalid("note", bot.M("bind.empty", "Name", "note"), "/go"))
	}, bot.Member)
	cmd.Options = []bot.Option{{Name: "n", Kind: bot.Integer}}
	for _, tt := range []struct {
		args  map[string]string
		field string
	}{
		{map[string]string{"n": "seven"}, "n"},
		{map[string]string{"n": "7"}, "note"},
	} {
		res := r.Dispatch(context.Background(), &bot.Request{Locale: "en"}, &bot.Invocation{Command: cmd, Args: tt.args}, nil, nil)
		if e := res.Refused(); e == nil || e.Field != tt.field || res.Reply.Tone != bot.Failure {
			t.Errorf("args %v: refused %+v, reply %q; want the field %q", tt.args, e, res.Reply.Text, tt.field)
		}
	}
	if res := r.Run(context.Background(), &bot.Request{Locale: "en"}, "/go help", nil, nil); res.Err != nil || !strings.HasPrefix(res.Reply.Title, "/go") {
		t.Errorf("/go help: %+v, want the command's help", res)
	}
}

// brokenGuard cannot write: the database is read-only, or the disk full.
type brokenGuard struct{}

func (brokenGuard) First(context.Context, *bot.Request) (bool, error) {
	return false, errors.New("attempt to write a readonly database")
}

// TestReadOnlyCommandsNeedNoGuard: a command that changes nothing is
// answered even when the replay guard cannot write; one that changes
// something is not run unguarded.
func TestReadOnlyCommandsNeedNoGuard(t *testing.T) {
	handler := func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{Text: "ran"}, nil }
	read := &bot.Command{Name: "show", Handler: handler, ReadOnly: true}
	write := &bot.Command{Name: "change", Handler: handler}
	r := bot.NewRouter(bot.Config{Tree: bot.NewTree(read, write), Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), Resolver: fixedResolver{bot.Lead}, Guard: brokenGuard{}})
	if res := r.Dispatch(context.Background(), &bot.Request{ID: "d-1", Locale: "en"}, &bot.Invocation{Command: read}, nil, nil); res.Err != nil || res.Reply.Text != "ran" {
		t.Errorf("read-only command with a broken guard: %q (%v), want it answered", res.Reply.Text, res.Err)
	}
	if res := r.Dispatch(context.Background(), &bot.Request{ID: "d-2", Locale: "en"}, &bot.Invocation{Command: write}, nil, nil); res.Err == nil {
		t.Errorf("a changing command ran without its replay guard: %q", res.Reply.Text)
	}
}
