"""A record's way, from whichever door it came in by to the case that follows it up — told once, here.

1. **Stored.** Every door stores records through one entry: the feedback API (one record or a batch), a file
   import of any kind, a survey answer and the demo call `feedback.service.ingest_many` for feedback and
   `journey.service.ingest_many` for journey events. The feedback entry redacts personal data from a record's
   title, text and attribute values (setting TEXT_REDACT_SOURCE) before anything stores or copies them; each
   entry stores idempotently and fires its `STORED` hook inside the door's transaction, so what follows is
   queued only if the record commits.
2. **Analysed.** A stored record with text queues the workspace's text analysis; the analysis job works in
   batches and fires `text.service.ANALYSED` after each one it commits.
3. **Rules.** Feedback rules test records that are ready (analysed, or without text), so both a stored record
   and a finished batch of analysis ask for an evaluation.
4. **Insights.** An insight detected on the figures (`insight.service.DETECTED`) is tested against the insight
   rules at once.
5. **Cases.** A matching rule runs its actions; the case domain's `open_case` action turns the record into a
   case (or adds it to its customer's open one), which notifies its owner and the case webhooks.

Journey events take a branch of their own: a new event may invite its customer to a survey after a delay
(`survey.triggers`), and the customer's answer comes back in at step 1 through the survey page.

Nothing here happens on import: `connect` wires the hooks and the rule actions, and `voxpop.registry.register`
calls it once in every process that stores or acts on records (the web app, the worker, the CLI).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from voxpop.case.rule_action import OpenCase
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackIn
from voxpop.insight import service as insight_service
from voxpop.journey import service as journey_service
from voxpop.rule import actions as rule_actions
from voxpop.rule import builtin as rule_builtin
from voxpop.rule import service as rule_service
from voxpop.survey import triggers as survey_triggers
from voxpop.text import service as text_service


def connect() -> None:
    """Wire every step of the way (connecting twice changes nothing)."""
    feedback_service.STORED.connect(analyse_text)  # 1 → 2
    feedback_service.STORED.connect(evaluate_rules)  # 1 → 3: records without text are ready at once
    text_service.ANALYSED.connect(rule_service.request_evaluation)  # 2 → 3
    insight_service.DETECTED.connect(rule_service.insight_detected)  # 4 → 3
    for action in (*rule_builtin.ACTIONS, OpenCase()):  # 3 → tag, notify by email or webhook; → 5
        rule_actions.register(action)
    journey_service.STORED.connect(survey_triggers.on_new_events)  # events → survey invitations


def analyse_text(session: Session, workspace_id: uuid.UUID, records: Sequence[FeedbackIn]) -> None:
    """Records with text are analysed in the background (one pending analysis job per workspace)."""
    if any(record.text for record in records):
        text_service.request_analysis(session, workspace_id)


def evaluate_rules(session: Session, workspace_id: uuid.UUID, records: Sequence[FeedbackIn]) -> None:
    """The workspace's feedback rules test what is ready (nothing is queued without an enabled rule)."""
    rule_service.request_evaluation(session, workspace_id)
