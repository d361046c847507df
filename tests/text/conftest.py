"""Browser fixtures for the text pages."""

from tests.web.conftest import browser, context, page, playwright_driver  # noqa: F401
