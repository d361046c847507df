"""Improvement initiatives, the outer loop: a fix aimed at themes, touchpoints or segments, and whether it worked."""
