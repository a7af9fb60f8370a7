"""One definition, two engines: DuckDB and Spark must give identical figures.

The one conformance suite of the engine: every case runs one group of indicators (balances, flows,
quality) with the same code on both backends (Spark in local mode) and demands equality to the fen,
value by value, and the same notes and findings.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import Backend, DuckDBBackend, render
from rmperf.engine.flows import compute_flow_indicators
from rmperf.engine.indicators import compute_balance_indicators
from rmperf.engine.quality import QualityParams, compute_quality_indicators
from rmperf.home import Home
from rmperf.store import FactStore
from tests.pkgbuilder import minimal_tables, write_package

# django_db: the store's catalog is in the (test) application database
pytestmark = [
    pytest.mark.django_db,
    # make test installs Java; under CI a missing Java must fail, not skip
    pytest.mark.skipif(
        shutil.which("java") is None and not os.environ.get("CI"), reason="Spark needs Java (make test installs it)"
    ),
]


@pytest.fixture
def spark(spark_session_for_tests: Any) -> Any:
    return spark_session_for_tests


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory, tiny_package: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("conformance")
    write_package(root / "hand", minimal_tables())
    return {"tiny": tiny_package, "hand": root / "hand"}


@pytest.fixture(scope="module")
def homes(packages: dict[str, Path], import_home: Callable[[str, Path], Home]) -> dict[str, Home]:
    """One imported home per bank, shared by the groups' cases (each case only reads it)."""
    return {name: import_home(f"conformance-{name}", path) for name, path in packages.items()}


#: the indicator parameters of the quality group (a rate and a factor of its own, not only the defaults)
QUALITY = QualityParams(
    expected_loss_rates={"LOAN_AGRI": Decimal("0.02")}, capital_factors={"LOAN_AGRI": Decimal("0.10")}
)


def _balances(backend: Backend, period: Period, basis: int) -> Any:
    return compute_balance_indicators(backend, period, basis=basis)


def _flows(backend: Backend, period: Period, basis: int) -> Any:
    return compute_flow_indicators(backend, period)


def _quality(backend: Backend, period: Period, basis: int) -> Any:
    return compute_quality_indicators(backend, period, QUALITY)


GROUPS: dict[str, Callable[[Backend, Period, int], Any]] = {
    "balances": _balances,
    "flows": _flows,
    "quality": _quality,
}

#: (group, bank, period, day basis, the least number of values a case must produce). The hand-made bank
#: has its FTP change, its foreign account and its mid-month moves in January; the tiny bank's quarter
#: crosses months at the 360-day basis; its February has fees, cards, new customers, new loans, grades,
#: checks, visits, surveys and its veto finding (14 February). One month keeps Spark's job count small.
CASES = [
    ("balances", "hand", "2025-01", 365, 50),
    ("balances", "tiny", "2025-Q1", 360, 50),
    ("flows", "tiny", "2025-02", 365, 300),
    ("quality", "tiny", "2025-02", 365, 300),
]


@pytest.mark.parametrize(("group", "bank", "label", "basis", "least"), CASES)
def test_duckdb_and_spark_agree(
    homes: dict[str, Home],
    spark: Any,
    django_db_blocker: Any,
    group: str,
    bank: str,
    label: str,
    basis: int,
    least: int,
) -> None:
    """The same group of indicators on both engines: the same owners, codes, categories and values to the
    fen, the same notes and (quality) the same veto findings."""
    from rmperf.engine.spark import SparkBackend

    home, period, compute = homes[bank], Period.parse(label), GROUPS[group]
    with django_db_blocker.unblock():
        duck = compute(DuckDBBackend(FactStore(home)), period, basis)
        sparked = compute(SparkBackend(FactStore(home), session=spark), period, basis)
    d = {(v.owner_kind, v.owner_id, v.indicator, v.category): v.value for v in duck.values}
    s = {(v.owner_kind, v.owner_id, v.indicator, v.category): v.value for v in sparked.values}
    assert len(d) > least
    assert d.keys() == s.keys()
    assert {k: (d[k], s[k]) for k in d if d[k] != s[k]} == {}
    assert all(isinstance(v, Decimal) for v in s.values())
    assert duck.notes == sparked.notes
    assert getattr(duck, "vetoes", None) == getattr(sparked, "vetoes", None)
    if group == "quality":
        assert duck.vetoes


def test_every_engine_group_is_compared() -> None:
    """A new group of indicators in the catalogue gets a case here, or this fails."""
    from rmperf.core.indicators import CATALOGUE

    groups = {d.group for d in CATALOGUE.values()} - {"signals"}
    assert groups == set(GROUPS) == {case[0] for case in CASES}


def test_sql_renders_for_spark() -> None:
    sql = "SELECT max_by(rate, date) AS r, CAST(x AS DECIMAL(28,8)) FROM t WHERE d = DATE '2025-01-01'"
    rendered = render(sql, "spark")
    assert "MAX_BY(rate, date)" in rendered
    assert "DECIMAL(28, 8)" in rendered
    assert render(sql, "duckdb") == sql
