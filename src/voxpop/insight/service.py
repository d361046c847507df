"""The overview: volumes by channel and month, and the headline scores, each with n and an interval."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from voxpop.insight import metrics, repository
from voxpop.insight.metrics import Estimate
from voxpop.kit.settings import get_settings


@dataclass(frozen=True)
class Overview:
    total: int
    nps: Estimate
    csat: Estimate
    ces: Estimate
    ces_agree: Estimate
    rating: Estimate
    by_channel: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


def overview(session: Session, workspace_id: uuid.UUID) -> Overview:
    min_n = get_settings().min_n
    s = repository.score_sums(session, workspace_id)
    by_channel = repository.counts_by_channel(session, workspace_id)
    return Overview(
        total=sum(n for _, n in by_channel),
        nps=metrics.nps(int(s["promoters"]), int(s["detractors"]), int(s["nps_n"]), min_n),
        csat=metrics.csat(int(s["csat_satisfied"]), int(s["csat_n"]), min_n),
        ces=metrics.mean_t(float(s["ces_sum"]), float(s["ces_squares"]), int(s["ces_n"]), min_n),
        ces_agree=metrics.wilson_share(int(s["ces_agree"]), int(s["ces_n"]), min_n),
        rating=metrics.mean_t(float(s["rating_sum"]), float(s["rating_squares"]), int(s["rating_n"]), min_n),
        by_channel=by_channel,
        by_month=repository.counts_by_month(session, workspace_id),
    )
