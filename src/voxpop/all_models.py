"""Imports every table so that Alembic and the test database see the whole schema."""

from voxpop.audit.models import AuditEvent
from voxpop.auth.models import ApiKey, Invitation, Membership, SignInFailures, User
from voxpop.case.models import (
    Case,
    CaseCode,
    CaseEvent,
    CaseMention,
    CaseRecord,
    CaseTemplate,
    SavedView,
    SlaPolicy,
    Team,
    TeamMember,
)
from voxpop.customer.models import Customer, CustomerAttributeValue, CustomerIdentity
from voxpop.delivery.models import Delivery, DeliveryAttempt, WebhookEndpoint
from voxpop.feedback.models import Feedback
from voxpop.ingest.models import Import, ImportRejection
from voxpop.initiative.models import Initiative
from voxpop.insight.models import Insight
from voxpop.journey.models import JourneyEvent
from voxpop.kit.db import Base
from voxpop.kit.jobs.models import Job
from voxpop.report.models import ReportSubscription, WeeklyReportSent
from voxpop.rule.models import RecordTag, Rule, RuleEvaluation, RuleMatch
from voxpop.survey.models import (
    Survey,
    SurveyContactRules,
    SurveyInvitation,
    SurveyResponse,
    SurveySuppression,
    SurveyUnsubscribe,
    SurveyUnsubscribedAddress,
    SurveyVersion,
)
from voxpop.text.models import TextAnalysis, TextSentence, TextSignal, Theme
from voxpop.workspace.models import Workspace

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Case",
    "CaseCode",
    "CaseEvent",
    "CaseMention",
    "CaseRecord",
    "CaseTemplate",
    "Customer",
    "CustomerAttributeValue",
    "CustomerIdentity",
    "Delivery",
    "DeliveryAttempt",
    "Feedback",
    "Import",
    "ImportRejection",
    "Initiative",
    "Insight",
    "Invitation",
    "Job",
    "JourneyEvent",
    "Membership",
    "RecordTag",
    "ReportSubscription",
    "Rule",
    "RuleEvaluation",
    "RuleMatch",
    "SavedView",
    "SignInFailures",
    "SlaPolicy",
    "Survey",
    "SurveyContactRules",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveySuppression",
    "SurveyUnsubscribe",
    "SurveyUnsubscribedAddress",
    "SurveyVersion",
    "Team",
    "TeamMember",
    "TextAnalysis",
    "TextSentence",
    "TextSignal",
    "Theme",
    "User",
    "WebhookEndpoint",
    "WeeklyReportSent",
    "Workspace",
]
