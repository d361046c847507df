"""Delivery of webhooks and email: background jobs."""
