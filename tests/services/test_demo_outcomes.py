"""The demo bank's year looks like a real bank's (issue 11, "A demo bank a bank would recognise").

With the shipped templates and the plan the demo writes (``rmperf.runs.plans``), the small demo bank
(seed 42, as ``make demo``) must give outcomes a performance office would recognise. The bounds below are
the ones docs/demo-bank.md states; a change of the generator or of a template that makes the outcomes
implausible again fails here.
"""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from rmperf.home import Home

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    from rmperf.demo import generate
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.ingest.importer import import_package
    from rmperf.pay import grades_service
    from rmperf.runs import plans
    from rmperf.runs.service import prepare, run_scheme
    from rmperf.store import FactStore

    root = tmp_path_factory.mktemp("demo-outcomes")
    generate("small", 42, root / "pkg")
    home = Home(root / "home")
    out: dict[str, Any] = {"home": home}
    with django_db_blocker.unblock():
        assert import_package(root / "pkg", home).status == "committed"
        backend = DuckDBBackend(FactStore(home))
        rms = [r for (r,) in backend.query("SELECT rm_id FROM managers ORDER BY rm_id")]
        for scheme, period in (
            ("rural-2023", "2025-Q3"),
            ("rural-2023", "2025-Q4"),
            ("rural-2023", "2025"),
            ("retail-wealth-2007", "2025"),
            ("scorecard-4-1", "2025"),
        ):
            prepared = prepare(scheme, period)
            values = plans.write_values(prepared, rms, 42, root / f"v-{scheme}-{period}.csv")
            targets = plans.write_targets(backend, prepared, 42, root / f"t-{scheme}-{period}.csv", values)
            run = run_scheme(home, backend, scheme, period, targets_file=targets, values_file=values, user="t")
            out[f"{scheme}@{period}"] = run
        out["grades"] = grades_service.grade_report(home, "2025", run_id=out["retail-wealth-2007@2025"].run_id)
        out["consequences"] = grades_service.consequence_report(home, "2025")
    return out


def test_most_retail_wealth_rms_keep_their_grade_and_a_minority_move(year: dict[str, Any]) -> None:
    """003's grades: keep ≥ 50 %; promoted 5–30 %; demoted ≤ 20 %; grace ≤ 15 %; back to HR ≤ 10 %."""
    proposals = year["grades"].proposals
    counts = Counter(p.action.value for p in proposals)
    n = len(proposals)
    assert n >= 40
    share = {k: v / n for k, v in counts.items()}
    assert share.get("keep", 0) >= 0.5, counts
    assert 0.05 <= share.get("promote", 0) <= 0.30, counts
    assert share.get("demote", 0) <= 0.20, counts
    assert share.get("grace", 0) <= 0.15, counts
    assert share.get("return_to_hr", 0) <= 0.10, counts


def test_retail_wealth_books_are_the_size_003s_standards_assume(year: dict[str, Any]) -> None:
    """The median simulated profit lies within the ladder (70–450万) and within ±50 % of the median RM's
    grade standard; the typical RM's AUM increment is 0.8–1.6 times their own grade's standard, and at least
    four RMs in five bring between half and twice it (the rest: customers inherited from a leaver, a
    planted 冲时点, an RM who left during the year)."""
    from rmperf.demo.balances import AUM_STANDARD, PROFIT_STANDARD

    grades = ["trainee", "junior", "mid_2", "mid_1", "senior_3", "senior_2", "senior_1", "principal"]
    proposals = [p for p in year["grades"].proposals if p.figures is not None and p.current in grades]
    assert len(proposals) >= 40
    median = statistics.median(p.figures.simulated_profit for p in proposals)
    assert Decimal(70) <= median <= Decimal(450), median
    typical = statistics.median(Decimal(PROFIT_STANDARD[grades.index(p.current)]) for p in proposals)
    assert typical / 2 <= median <= typical * Decimal("1.5"), (median, typical)
    ratios = [p.figures.aum_increment / Decimal(AUM_STANDARD[grades.index(p.current)]) for p in proposals]
    assert Decimal("0.8") <= statistics.median(ratios) <= Decimal("1.6"), statistics.median(ratios)
    within = [r for r in ratios if Decimal("0.5") <= r <= 2]
    assert len(within) >= 0.8 * len(ratios), sorted(ratios)


def test_rural_scores_and_what_they_lead_to_are_a_banks(year: dict[str, Any]) -> None:
    """002: the year's median score is between 70 and 92, at most 5 % below 60, and the consequences
    (training, warning, off post, dismissal, talent pool) concern at least one RM and at most 10 %."""
    totals = [r.total for r in year["rural-2023@2025"].evaluation.results]
    assert Decimal(70) <= statistics.median(totals) <= Decimal(92)
    assert sum(1 for t in totals if t < 60) <= 0.05 * len(totals)
    report = year["consequences"]
    concerned = {p.rm_id for p in report.proposals}
    assert 1 <= len(concerned) <= 0.1 * len(totals), sorted(concerned)


def test_the_demo_ratings_fit_the_shipped_scorecard(year: dict[str, Any]) -> None:
    """The ratings use scorecard-4-1's criteria, 004's 1–5 scale and its rater roles: every RM still employed
    is rated, and the qualitative items read between 1 and 5."""
    results = year["scorecard-4-1@2025"].evaluation.results
    rated = [r for r in results if r.item("research").value is not None]
    assert len(rated) >= 0.95 * len(results)
    for r in rated:
        for key in ("summary_work", "research", "communication"):
            value = r.item(key).value
            assert value is not None
            assert Decimal(1) <= value <= Decimal(5)
