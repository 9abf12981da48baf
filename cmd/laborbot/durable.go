package main

import (
	"os"
	"strings"
)

// spoolOwner names this process among replicas sharing a store, for the
// Telegram inbox and outbox and the notification queue: the host name, which a restarted container
// keeps, so that it takes back at once what it had taken in before (other
// replicas wait for bot's takeover time first).
func spoolOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return "laborbot"
	}
	return strings.ReplaceAll(host, "|", "-")
}
