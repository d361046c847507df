from tests.case.conftest import browser_for

__all__ = ["browser_for"]
