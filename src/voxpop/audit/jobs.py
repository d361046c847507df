"""The audit log: background jobs."""
