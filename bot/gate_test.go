package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
)

func quietGate(cfg bot.GateConfig) *bot.Gate {
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return bot.NewGate(cfg)
}

// TestGateAdmitsSlotsAndQueueThenRefuses: with 2 slots and 3 queue
// places, five commands are admitted and the sixth is refused at once;
// two run at once, the others wait for a slot and then run; once they
// have left there is room again.
func TestGateAdmitsSlotsAndQueueThenRefuses(t *testing.T) {
	g := quietGate(bot.GateConfig{Slots: 2, Queue: 3})
	var passes []*bot.Pass
	for i := range 5 {
		p, ok := g.Admit()
		if !ok {
			t.Fatalf("command %d refused, want 5 admitted", i+1)
		}
		passes = append(passes, p)
	}
	if _, ok := g.Admit(); ok {
		t.Fatal("a sixth command was admitted beyond 2 slots and 3 queue places")
	}

	release := make(chan struct{})
	var mu sync.Mutex
	started, running, most := 0, 0, 0
	var wg sync.WaitGroup
	for _, p := range passes {
		wg.Go(func() {
			defer p.Leave()
			err := p.Run(context.Background(), func() {
				mu.Lock()
				started++
				running++
				most = max(most, running)
				mu.Unlock()
				<-release
				mu.Lock()
				running--
				mu.Unlock()
			})
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return started == 2 })
	for range 5 {
		release <- struct{}{}
	}
	wg.Wait()
	if most != 2 || started != 5 {
		t.Errorf("%d commands ran, at most %d at once; want 5, at most 2 (the slots)", started, most)
	}
	for i := range 5 {
		if _, ok := g.Admit(); !ok {
			t.Fatalf("command %d refused after every pass left, want room for 5 again", i+1)
		}
	}
}

// TestGateRunGivesUpAfterMaxWait: a command that finds no slot within
// MaxWait, or before its context ends, does not run, and says it was
// busy; leaving twice gives one place back.
func TestGateRunGivesUpAfterMaxWait(t *testing.T) {
	g := quietGate(bot.GateConfig{Slots: 1, Queue: 1, MaxWait: 50 * time.Millisecond})
	holder, _ := g.Admit()
	waiter, _ := g.Admit()
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = holder.Run(context.Background(), func() { close(held); <-hold }) }()
	<-held
	ran := false
	if err := waiter.Run(context.Background(), func() { ran = true }); !errors.Is(err, bot.ErrBusy) || ran {
		t.Errorf("after MaxWait: got %v (ran %v), want ErrBusy and nothing run", err, ran)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := waiter.Run(ctx, func() { ran = true }); !errors.Is(err, bot.ErrBusy) || !errors.Is(err, context.Canceled) || ran {
		t.Errorf("context ended: got %v (ran %v), want ErrBusy with the context's error and nothing run", err, ran)
	}
	close(hold)
	waiter.Leave()
	waiter.Leave()
	if _, ok := g.Admit(); !ok {
		t.Fatal("no place after the waiter left")
	}
	if _, ok := g.Admit(); ok {
		t.Error("two places free while the holder has not left, want one: leaving twice gave back two")
	}
}

// TestGateBoundsNotices: busy replies that need a call of their own are
// sent at most Notices at once; the others are dropped.
func TestGateBoundsNotices(t *testing.T) {
	g := quietGate(bot.GateConfig{Notices: 2})
	done1, ok1 := g.Notice()
	_, ok2 := g.Notice()
	if _, ok := g.Notice(); !ok1 || !ok2 || ok {
		t.Fatalf("notices: got %v %v %v, want two taken and the third dropped", ok1, ok2, ok)
	}
	done1()
	if _, ok := g.Notice(); !ok {
		t.Error("no room for a notice after one was sent")
	}
}

// TestBusyReply: the busy reply is private, a failure, and says that
// nothing was done and when to try again.
func TestBusyReply(t *testing.T) {
	r := bot.Busy("en-US")
	if !r.Ephemeral || r.Tone != bot.Failure || !strings.Contains(r.Text, "nothing changed") || !strings.Contains(r.Text, "Try again in a minute") {
		t.Errorf("got %+v, want a private failure saying nothing changed and to try again in a minute", r)
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
