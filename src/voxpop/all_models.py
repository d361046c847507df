"""Imports every table so that Alembic and the test database see the whole schema."""

from voxpop.auth.models import ApiKey, Membership, User
from voxpop.customer.models import Customer, CustomerIdentity
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import, ImportRejection
from voxpop.insight.models import Insight
from voxpop.journey.models import JourneyEvent
from voxpop.kit.db import Base
from voxpop.kit.jobs.models import Job
from voxpop.workspace.models import Workspace

__all__ = [
    "ApiKey",
    "Base",
    "Customer",
    "CustomerIdentity",
    "Feedback",
    "Import",
    "ImportRejection",
    "Insight",
    "Job",
    "JourneyEvent",
    "Membership",
    "User",
    "Workspace",
]
