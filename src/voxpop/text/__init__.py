"""Text analytics."""
