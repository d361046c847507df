"""The home page: what needs attention for a chosen period — the headline metrics with their change and a
sparkline, the movements found across segments and in time, cases waiting and emerging themes."""
