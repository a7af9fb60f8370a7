"""Every page and API endpoint, for every person: allowed (200), not revealed (404), or sign in first.

The routes are read from the URLconf: a new page or endpoint without a row here fails
:func:`test_every_route_has_a_row`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PERSONS = ("olivia", "chen", "rita", "bo", "paul", "rex", "ada", "sam", None)

OK, HIDDEN, LOGIN, API_LOGIN, REDIRECT, NOT_ALLOWED, REFUSED = 200, 404, "login", 403, 302, 405, 403


def everyone(status: Any, anonymous: Any = LOGIN) -> dict[str | None, Any]:
    return {**{p: status for p in PERSONS if p is not None}, None: anonymous}


def only(allowed: set[str], anonymous: Any = LOGIN) -> dict[str | None, Any]:
    return {**{p: OK if p in allowed else HIDDEN for p in PERSONS if p is not None}, None: anonymous}


RESULTS = {"olivia", "chen", "rita", "bo", "paul", "rex", "ada"}  # a run's page: who reads some results
OF_R00001 = {"olivia", "chen", "rita", "paul", "rex", "ada"}  # R00001 of sub-branch 0101, under branch 0100
AUDIT = {"olivia", "rex", "ada", "sam"}
IMPORTS = {"olivia", "rex", "ada"}  # the import log's readers (olivia also made the job)
PEOPLE = {"sam"}

#: route name → (path parameters, query, expected status by person)
MATRIX: dict[str, tuple[dict[str, Any], dict[str, str], dict[str | None, Any]]] = {
    "dashboard": ({}, {}, everyone(OK)),
    "login": ({}, {}, {**everyone(REDIRECT), None: OK}),
    "logout": ({}, {}, everyone(NOT_ALLOWED, NOT_ALLOWED)),
    "set-language": ({}, {}, everyone(REDIRECT, REDIRECT)),
    "runs": ({}, {}, everyone(OK)),
    "run": ({"run_id": "RUN"}, {}, only(RESULTS)),
    "scorecard": ({"run_id": "RUN", "rm_id": "R00001"}, {}, only(OF_R00001)),
    "explanation": ({"run_id": "RUN", "rm_id": "R00001"}, {"input": "INPUT"}, only(OF_R00001)),
    "paysheet": ({"run_id": "RUN"}, {}, only(RESULTS)),
    "ledger": ({"rm_id": "R00001"}, {}, only(OF_R00001)),
    "imports": ({}, {}, everyone(OK)),  # the page: one's own uploads; the log for its readers
    "import-job": ({"job_id": "JOB"}, {}, only(IMPORTS)),
    "schemes": ({}, {}, only(RESULTS)),
    "scheme": ({"scheme_id": "retail-wealth-2007", "digest": "DIGEST"}, {}, only(RESULTS)),
    "scheme-diff": ({"scheme_id": "retail-wealth-2007"}, {"a": "DIGEST", "b": "DIGEST"}, only(RESULTS)),
    "scheme-check": ({}, {}, {**everyone(REFUSED), "olivia": OK}),
    "audit": ({}, {}, only(AUDIT)),
    "people": ({}, {}, only(PEOPLE)),
    "api-me": ({}, {}, everyone(OK, API_LOGIN)),
    "api-runs": ({}, {}, everyone(OK, API_LOGIN)),
    "api-run": ({"run_id": "RUN"}, {}, only(RESULTS, API_LOGIN)),
    "api-results": ({"run_id": "RUN"}, {}, only(RESULTS, API_LOGIN)),
    "api-result": ({"run_id": "RUN", "rm_id": "R00001"}, {}, only(OF_R00001, API_LOGIN)),
    "api-explain": ({"run_id": "RUN", "rm_id": "R00001"}, {"input": "INPUT"}, only(OF_R00001, API_LOGIN)),
    "api-paysheet": ({"run_id": "RUN"}, {}, only(RESULTS, API_LOGIN)),
    "api-ledger": ({"rm_id": "R00001"}, {}, only(OF_R00001, API_LOGIN)),
    "api-imports": ({}, {}, only(IMPORTS, API_LOGIN)),
    "api-import-job": ({"job_id": "JOB"}, {}, only(IMPORTS, API_LOGIN)),
    "api-schemes": ({}, {}, only(RESULTS, API_LOGIN)),
    "api-scheme-check": ({}, {}, everyone(NOT_ALLOWED, API_LOGIN)),  # POST only: see test_schemes
    "api-audit": ({}, {}, only(AUDIT, API_LOGIN)),
    "api-grants": ({}, {}, only(PEOPLE, API_LOGIN)),
    "api-schema": ({}, {}, everyone(OK, API_LOGIN)),
    "api-docs": ({}, {}, everyone(OK, API_LOGIN)),
}


def routes(patterns: Any = None, prefix: str = "") -> dict[str, str]:
    """Every named route of the URLconf → its pattern."""
    out: dict[str, str] = {}
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            out.update(routes(p.url_patterns, prefix + str(p.pattern)))
        elif isinstance(p, URLPattern):
            assert p.name, f"the route {prefix}{p.pattern} has no name"
            out[p.name] = prefix + str(p.pattern)
    return out


def test_every_route_has_a_row() -> None:
    assert set(routes()) == set(MATRIX), "a route without a row of the matrix (or a row without its route)"


def _input_of(run_id: int) -> str:
    from rmperf.db.models import RunResult

    payload = RunResult.objects.get(run_id=run_id, rm_id="R00001").payload
    return next(v["name"] for v in payload["values"] if v["kind"] == "engine")


def _job_of(bank: Any, user: str) -> int:
    """An upload of ``user``'s (a finished one: its package is not needed)."""
    from datetime import UTC, datetime

    from rmperf.db.models import UploadJob

    job = UploadJob.objects.create(
        store=bank.home.store_id(), user=user, created_at=datetime.now(UTC), folder="", state="done"
    )
    return int(job.pk)


def _digest_of(run_id: int) -> str:
    import hashlib

    from rmperf.db.models import Run

    return hashlib.sha256(Run.objects.get(pk=run_id).scheme_text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix(name: str, as_: Any, bank: Any) -> None:
    from django.urls import reverse

    params, query, expected = MATRIX[name]
    fill = {"RUN": bank.run_id, "DIGEST": _digest_of(bank.run_id), "JOB": _job_of(bank, "olivia")}
    kwargs = {k: fill.get(v, v) for k, v in params.items()}
    filled = {k: (_input_of(bank.run_id) if v == "INPUT" else fill.get(v, v)) for k, v in query.items()}
    url = reverse(name, kwargs=kwargs)
    seen = {}
    for person in PERSONS:
        response = as_(person).get(url, filled)
        status: Any = response.status_code
        if status == 302 and "/login/" in response.get("Location", "") and person is None:
            status = LOGIN
        seen[person] = status
    assert seen == expected
