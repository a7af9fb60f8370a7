"""The bank of the web tests: the tiny demo bank imported once, one run of retail-wealth-2007 on 2025-Q4,
its pay posted, and the people who use it — each with their role grants, made through the same action the CLI uses.

People (the tiny bank: head office 0000; branches 0100, 0200, 0300; sub-branches 0101 under 0100,
0201 under 0200, 0301 under 0300):

- ``olivia`` 考核办 (performance office) of the whole bank;
- ``chen`` 支行考核小组 committee member of sub-branch 0101 (A);
- ``rita`` 客户经理 R00001, of sub-branch 0101 (A);
- ``bo`` 客户经理 R00006, of sub-branch 0201 (B);
- ``paul`` 行长 president of branch 0100 (over A);
- ``rex`` 总行复核 re-checker of the whole bank;
- ``ada`` 审计 auditor of the whole bank;
- ``sam`` 系统管理员 administrator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rmperf.home import Home

PASSWORD = "a-Long-demo-passphrase-7"

PEOPLE: dict[str, tuple[str, str | None, str | None]] = {
    "olivia": ("office", None, None),
    "chen": ("committee", "0101", None),
    "rita": ("rm", None, "R00001"),
    "bo": ("rm", None, "R00006"),
    "paul": ("president", "0100", None),
    "rex": ("rechecker", None, None),
    "ada": ("auditor", None, None),
    "sam": ("admin", None, None),
}


@dataclass(frozen=True)
class WebBank:
    home: Home
    run_id: int
    rms: dict[str, str]  # rm_id → org_id of the run's RMs


@pytest.fixture(scope="session")
def web_bank(import_home: Callable[[str, Path], Home], tiny_package: Path, django_db_blocker: Any) -> Iterator[WebBank]:
    from rmperf.services import pay, people
    from rmperf.services.context import Context
    from rmperf.services.runs import run

    home = import_home("web", tiny_package)
    with django_db_blocker.unblock():
        ctx = Context(home)
        outcome = run(ctx, "retail-wealth-2007", "2025-Q4")
        pay.post(ctx, outcome.run_id)
        for name, (role, org, rm) in PEOPLE.items():
            people.create_user(ctx, name, PASSWORD)
            people.grant(ctx, name, role, org_id=org, rm_id=rm, reason="test bank")
        from rmperf.db.models import RunResult

        rms = dict(RunResult.objects.filter(run_id=outcome.run_id).values_list("rm_id", "org_id"))
    return WebBank(home, outcome.run_id, rms)


@pytest.fixture
def bank(web_bank: WebBank, monkeypatch: pytest.MonkeyPatch, db: Any) -> WebBank:
    """The web bank served: ``RMPERF_HOME`` points the application at it for the test."""
    monkeypatch.setenv("RMPERF_HOME", str(web_bank.home.root))
    return web_bank


@pytest.fixture
def as_(client: Any, bank: WebBank) -> Callable[[str | None], Any]:
    """``as_("rita")``: the test client signed in as that person (``None``: nobody)."""
    from django.contrib.auth import get_user_model

    def sign_in(name: str | None) -> Any:
        client.logout()
        if name is not None:
            client.force_login(get_user_model().objects.get(username=name))
        return client

    return sign_in
