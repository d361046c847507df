"""Roles and what each may do. Routes ask for a permission, never for a role name.

Cases: agents work their own and their team's cases (WORK_CASES); admins see, assign and work every case
(MANAGE_CASES). Rules and improvement initiatives are built by analysts and admins (MANAGE_RULES).

Personal data (customers' names, emails, phones, handles and external ids): admins and agents see it one
customer at a time (SEE_PERSONAL_DATA: agents call customers back); listing it in bulk is an export
(EXPORT_PERSONAL_DATA, admins). Analysts and viewers see customers by their pseudonymous id and attributes.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    AGENT = "agent"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"
    SEE_PERSONAL_DATA = "see_personal_data"
    WRITE_DATA = "write_data"
    EXPORT_PERSONAL_DATA = "export_personal_data"
    ERASE_PERSONAL_DATA = "erase_personal_data"
    MANAGE_WORKSPACE = "manage_workspace"
    WORK_CASES = "work_cases"
    MANAGE_CASES = "manage_cases"
    MANAGE_RULES = "manage_rules"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset({Permission.READ, Permission.WRITE_DATA, Permission.MANAGE_RULES}),
    Role.AGENT: frozenset({Permission.READ, Permission.SEE_PERSONAL_DATA, Permission.WORK_CASES}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def within(role: str, limit: str) -> str:
    """The strongest role whose permissions both `role` and `limit` have: what a key of `role` may do for a
    member whose role is `limit` (an admin key of a member demoted to agent acts as an agent; an analyst key
    of an agent, whose permissions overlap only in reading, acts as a viewer)."""
    allowed = ROLE_PERMISSIONS[Role(role)] & ROLE_PERMISSIONS[Role(limit)]
    fitting = [r for r in Role if ROLE_PERMISSIONS[r] <= allowed]
    return max(fitting, key=lambda r: len(ROLE_PERMISSIONS[r])).value
