"""Plain building blocks every layer shares: settings, clock, calendar, messages."""
