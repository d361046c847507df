"""Administration tests sign several people in at once, as the case tests do."""

from tests.case.conftest import browser_for

__all__ = ["browser_for"]
