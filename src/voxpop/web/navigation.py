"""The app's navigation: every page a person can reach, grouped by what they come to do.

Domains do not add links here by themselves: this one list is what a person scans, so it is kept in one place
and ordered by use. A link shows only to roles with its permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from voxpop.auth.roles import Permission, allows


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    permission: Permission = Permission.READ
    exact: bool = False
    """Current only on its own path (the home page), rather than on every path below it."""

    def is_current(self, path: str) -> bool:
        if self.exact:
            return path == self.href
        return path == self.href or path.startswith(self.href.rstrip("/") + "/")


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]


NAVIGATION: tuple[Group, ...] = (
    Group(
        "Understand",
        (
            Link("Home", "/", exact=True),
            Link("Overview", "/overview"),
            Link("Trends", "/trends"),
            Link("What changed", "/changes"),
            Link("Drivers", "/drivers"),
            Link("Journey", "/journey"),
            Link("Themes", "/themes"),
            Link("Ideas", "/ideas"),
            Link("Search", "/search"),
        ),
    ),
    Group(
        "Act",
        (
            Link("Cases", "/cases"),
            Link("Rules", "/rules"),
            Link("Initiatives", "/initiatives"),
            Link("Reports", "/reports"),
        ),
    ),
    Group(
        "Listen",
        (
            Link("Surveys", "/surveys"),
            Link("Imports", "/imports"),
            Link("Records", "/records"),
        ),
    ),
    Group(
        "Settings",
        (
            Link("Members", "/settings/members", Permission.MANAGE_WORKSPACE),
            Link("API keys", "/settings/api-keys", Permission.MANAGE_WORKSPACE),
            Link("Webhooks", "/webhooks", Permission.MANAGE_WORKSPACE),
            Link("Contact rules", "/surveys/contact-rules"),
            Link("Case set-up", "/cases/setup", Permission.MANAGE_CASES),
            Link("Audit log", "/audit", Permission.MANAGE_WORKSPACE),
            Link("API documentation", "/docs"),
        ),
    ),
)


@dataclass(frozen=True)
class Shown:
    """A link as one person sees it on one page."""

    label: str
    href: str
    current: bool


def for_role(role: str, path: str) -> list[tuple[str, list[Shown]]]:
    """The groups and links this role may open, the current page marked (the most specific match only, so
    /cases/setup is not also marked as /cases)."""
    visible = [
        (group.label, [link for link in group.links if allows(role, link.permission)]) for group in NAVIGATION
    ]
    matches = [link for _, links in visible for link in links if link.is_current(path)]
    current = max(matches, key=lambda link: len(link.href), default=None)
    return [
        (label, [Shown(link.label, link.href, link is current) for link in links])
        for label, links in visible
        if links
    ]
