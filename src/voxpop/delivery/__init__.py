"""Delivery of webhooks and email."""
