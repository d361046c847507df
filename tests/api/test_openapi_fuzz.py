"""Every operation of the OpenAPI description, fuzzed with schemathesis against the real app (uvicorn on
127.0.0.1, the backend under test) with an admin's API key of a seeded workspace: a bounded, seeded number of
examples per operation, so the run is reproducible and takes a few minutes at most. No answer may be a server
error, and answers must conform to the description where it describes them (JSON bodies, content types).

A failure prints the request that broke (with a `curl` line to replay it)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from sqlalchemy.orm import Session

from tests.factories import Tenant, event, feedback, make_tenant, post
from tests.survey.factories import create_survey

EXAMPLES_PER_OPERATION = 6
SEED = 15


@pytest.fixture
def fuzzed_workspace(session: Session, http: httpx.Client, background_jobs_paused: None) -> Tenant:
    """A workspace with an admin's key and a little of everything for the operations to find."""
    tenant = make_tenant(session, "admin")
    records = [feedback(text=f"The parcel came late, week {n}.", nps=n % 11) for n in range(12)]
    assert post(http, tenant, "/api/v1/feedback/batch", {"items": records}).status_code == 201
    assert (
        post(http, tenant, "/api/v1/events/batch", {"items": [event() for _ in range(3)]}).status_code == 201
    )
    create_survey(http, tenant)
    return tenant


@pytest.fixture
def api(server_url: str, fuzzed_workspace: Tenant) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    from voxpop.app import create_app

    described = schemathesis.openapi.from_dict(create_app().openapi(), config=config)
    described.config.update(base_url=server_url)
    return described


CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def test_no_operation_answers_with_a_server_error(api: Any, fuzzed_workspace: Tenant) -> None:
    """Every operation, valid and invalid requests (each a bounded number): every failure is listed at once."""
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    for operation in operations:
        for mode in MODES:
            try:
                _fuzz(operation, mode, fuzzed_workspace.headers())
            except (Exception, BaseExceptionGroup) as failure:  # collected, then reported together
                failures.append(f"{mode.value} {operation.label}:\n{failure}")
    assert len(operations) > 50
    assert not failures, f"{len(failures)} of {len(operations) * len(MODES)} runs failed:\n\n" + "\n\n".join(
        failures
    )


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    run()
