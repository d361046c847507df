"""A record erased while its batch is being analysed: the batch still stores the other records' analyses, and
nothing of the erased one comes back."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.factories import make_tenant, writing
from tests.text.factories import store_texts
from voxpop.feedback.models import Feedback
from voxpop.kit.settings import get_settings
from voxpop.text import pipeline, repository, service, themes
from voxpop.text.models import TextAnalysis, TextSentence


def test_a_batch_stores_the_records_still_there_and_skips_one_erased_meanwhile(session: Session) -> None:
    tenant = make_tenant(session)
    kept, erased = store_texts(session, tenant.workspace_id, ["The parcel was late.", "Staff were lovely."])
    settings = get_settings()
    version = service.version(settings)
    with writing(session) as writer:
        rows = repository.stale_feedback(writer, tenant.workspace_id, version, 10)
        docs = pipeline.analyse_texts([text for _, text, _ in rows], service.options(settings))
        writer.execute(delete(Feedback).where(Feedback.id == erased))  # erased by someone else meanwhile
        theme_set = themes.theme_set(writer, tenant.workspace_id)
        service._store(writer, tenant.workspace_id, rows, docs, theme_set, settings, version)
        writer.commit()
    analysed = session.scalars(
        select(TextAnalysis.feedback_id).where(TextAnalysis.workspace_id == tenant.workspace_id)
    )
    assert list(analysed) == [kept]
    sentences = select(func.count()).where(TextSentence.feedback_id == erased)
    assert session.scalar(sentences) == 0
