"""Plumbing every feature shares: ports to Teams, the outbox, scheduled tasks, coordinators."""
