package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laborbot/laborbot/bot"
	"github.com/laborbot/laborbot/intake"
	"github.com/laborbot/laborbot/schedule"
)

// followUpOptions configures intake's follow-ups on the store's job
// schedule.
func followUpOptions(cfg Config, jobs schedule.Store) intake.FollowUpOptions {
	return intake.FollowUpOptions{Jobs: jobs, EscalateAfter: cfg.EscalateAfter, MediatorGroup: cfg.MediatorChatID != 0}
}

// startFollowUps schedules, in the background, what open tickets are
// missing (tickets filed before a crash or an upgrade) and runs the
// follow-up jobs until ctx ends; the returned channel closes when the runner has stopped. Every
// replica runs one: the store's claims give each job to one of them.
func (m *Main) startFollowUps(ctx context.Context, jobs schedule.Store, tickets *intake.Service, conv *bot.Conversation, reg prometheus.Registerer) (<-chan struct{}, error) {
	host, _ := os.Hostname()
	runner, err := schedule.NewRunner(jobs, func(ctx context.Context, j schedule.Job) (schedule.Result, error) {
		return tickets.FollowUp(ctx, j, conv.DeliverReminder)
	}, schedule.Options{Owner: fmt.Sprintf("%s-%d", host, os.Getpid()), Now: m.clock(), Poll: m.SchedulePoll,
		Metrics: schedule.NewMetrics(reg, intake.FollowUpKinds()...), Logger: m.Logger})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// In the background: with many tickets it takes a moment, and the
		// bot answers meanwhile.
		if n, err := tickets.ReconcileFollowUps(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Warn("scheduling follow-ups of open tickets", "err", err)
		} else if n > 0 {
			m.Logger.Info("follow-ups scheduled for open tickets", "jobs", n)
		}
		if err := runner.Run(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Error("follow-ups stopped", "err", err)
		}
	}()
	return done, nil
}

// clock is the time the program runs by: Now in tests, else the real one.
func (m *Main) clock() func() time.Time {
	if m.Now != nil {
		return m.Now
	}
	return time.Now
}
