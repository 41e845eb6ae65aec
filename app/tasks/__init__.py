"""Long-running tasks as plain generators of events (the events: app.tasks.events)."""
