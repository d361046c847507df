"""A survey response as a feedback record of the shared model, so analytics and cases see it like any other
channel. Keyed on the response id under the source `survey:<slug>`: saving another page updates it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from voxpop.customer.schemas import CustomerRef
from voxpop.feedback import service as feedback_service
from voxpop.feedback.schemas import FeedbackIn
from voxpop.survey.definition import Definition, Question, Version
from voxpop.survey.models import Survey, SurveyResponse

SCORE_COLUMNS = {"nps": "nps", "csat": "csat", "ces": "ces"}
STAR_SCALE = (1, 5)
FEEDBACK_CHANNELS = {"email": "email", "sms": "sms", "app": "app"}


def store(
    session: Session,
    survey: Survey,
    version: Version,
    response: SurveyResponse,
    customer: dict[str, str] | None,
) -> None:
    record = as_feedback(survey, version, response, customer)
    feedback_service.ingest_many(session, survey.workspace_id, [record])


def source_of(survey: Survey) -> str:
    return f"survey:{survey.slug}"


def as_feedback(
    survey: Survey, version: Version, response: SurveyResponse, customer: dict[str, str] | None
) -> FeedbackIn:
    definition = version.definition
    answers = response.answers
    scores = _scores(definition, answers)
    text_question = _text_question(definition, answers)
    return FeedbackIn(
        kind="survey_response",
        channel=FEEDBACK_CHANNELS.get(response.channel, "web"),
        source=source_of(survey),
        external_id=str(response.id),
        received_at=response.started_at,
        customer=CustomerRef(**customer) if customer else None,
        lifecycle_stage=survey.lifecycle_stage,
        touchpoint=str(response.hidden.get("touchpoint") or survey.touchpoint or "") or None,
        title=survey.name,
        text=answers.get(text_question.id) if text_question else None,
        language=response.language,
        attributes={
            **_attributes(definition, response, scores, text_question),
            "survey_version": version.number,
        },
        **{column: value for column, (_, value) in scores.items()},
    )


def _scores(definition: Definition, answers: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """The score columns and (question id, answer) that fills each: the primary question first, then the
    first answered question of each fixed scale; a rating fills the star column only on a 1–5 scale."""
    primary = definition.primary_question()
    ordered = ([primary] if primary else []) + definition.questions()
    scores: dict[str, tuple[str, Any]] = {}
    for question in ordered:
        column = _column(question)
        if column and column not in scores and answers.get(question.id) is not None:
            scores[column] = (question.id, answers[question.id])
    return scores


def _column(question: Question) -> str | None:
    if question.type == "rating":
        return "rating" if question.scale == STAR_SCALE else None
    return SCORE_COLUMNS.get(question.type)


def _text_question(definition: Definition, answers: dict[str, Any]) -> Question | None:
    texts = [q for q in definition.questions() if q.type in ("long_text", "short_text") and answers.get(q.id)]
    texts.sort(key=lambda q: q.type != "long_text")
    return texts[0] if texts else None


def _attributes(
    definition: Definition,
    response: SurveyResponse,
    scores: dict[str, tuple[str, Any]],
    text_question: Question | None,
) -> dict[str, Any]:
    """Hidden fields by name; answers not in a column as `answer_<id>`; matrix items as `item_<item>`."""
    in_columns = {qid for qid, _ in scores.values()} | ({text_question.id} if text_question else set())
    attributes: dict[str, Any] = {k: v for k, v in response.hidden.items() if k != "touchpoint"}
    for question in definition.questions():
        value = response.answers.get(question.id)
        if value is None or question.id in in_columns:
            continue
        if question.type == "matrix":
            attributes.update({f"item_{item}": score for item, score in value.items()})
        else:
            attributes[f"answer_{question.id}"] = "; ".join(value) if isinstance(value, list) else value
    attributes["survey_completed"] = response.completed_at is not None
    if response.consent is not None:
        attributes["contact_consent"] = response.consent
    return attributes
