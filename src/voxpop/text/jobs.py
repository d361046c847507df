"""Text analytics: background jobs."""
