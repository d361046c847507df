"""Surveys: background jobs."""
