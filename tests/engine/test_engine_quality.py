"""Quality, service, compliance and risk-adjusted indicators: by hand, missing inputs, engines agree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import DuckDBBackend
from rmperf.engine.indicators import IndicatorValue, MissingInput, compute_balance_indicators
from rmperf.engine.quality import (
    QualityParams,
    QualityResult,
    compute_quality_indicators,
    peer_groups_of,
    veto_findings,
)
from rmperf.engine.quality_derived import (
    coefficient_of_variation,
    contribution,
    contribution_values,
    plan_achievement,
    plan_achievement_values,
    progress,
    progress_values,
)
from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import Rows, minimal_tables, write_package

# the store's catalog is in the (test) application database
pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
RM1, RM2, RM3 = ("rm", "0001"), ("rm", "0002"), ("rm", "0003")
S1, S2, B1 = ("org", "S1"), ("org", "S2"), ("org", "B1")
POOL_S2 = ("pool", "S2")


def _loan(account_id: str, customer_id: str, product: str, opened_on: str, rate: str, **more: str) -> dict[str, str]:
    row = {
        "account_id": account_id,
        "customer_id": customer_id,
        "category": "loan",
        "product": product,
        "currency": "CNY",
        "opened_on": opened_on,
        "rate": rate,
    }
    return {**row, **more}


def quality_tables() -> dict[str, Rows]:
    """``minimal_tables`` plus a first quarter of loans, grades, checks, visits, surveys, findings and work.

    Owners: C1 deposit A1 is 0001 0.6 / 0002 0.4; C2 moves from 0002 to 0001 on
    2 January; C4 is 0001 manage 0.5 + 0002 share 0.5; C5 (S2, village V4) has
    no assignment: the public pool of S2.
    """
    t = minimal_tables()
    t["villages"] = [
        {"village_id": "V1", "org_id": "S1", "name": "一村"},
        {"village_id": "V2", "org_id": "S1", "name": "二村"},
        {"village_id": "V3", "org_id": "S1", "name": "三村"},
        {"village_id": "V4", "org_id": "S2", "name": "四村"},
    ]
    t["customers"][0]["village_id"] = "V2"  # C1
    t["customers"] += [
        {"customer_id": "C4", "kind": "corporate", "org_id": "S1", "is_inclusive": "true"},
        {"customer_id": "C5", "kind": "personal", "org_id": "S2", "village_id": "V4", "is_agri": "true"},
    ]
    t["accounts"] += [
        # L0: C4's old inclusive loan, doubtful, closed in February
        _loan(
            "L0",
            "C4",
            "LOAN_INCL_SME",
            "2024-06-01",
            "0.0500",
            closed_on="2025-02-15",
            guide_rate="0.0420",
            is_inclusive="true",
        ),
        # L1: +5.26 % over the guide rate (not compliant), opened 10 Jan under 0001
        _loan("L1", "C2", "LOAN_CORP", "2025-01-10", "0.0400", guide_rate="0.0380", term_months="12", is_agri="false"),
        # L2: exactly +5 % (compliant, the bound is included), turns substandard in March
        _loan("L2", "C4", "LOAN_INCL_SME", "2025-02-01", "0.0441", guide_rate="0.0420", is_inclusive="true"),
        # L3: no guide rate; agricultural by the customer's flag; the pool's
        _loan("L3", "C5", "LOAN_AGRI", "2025-03-01", "0.0450"),
    ]
    t["assignments"] += [
        {"customer_id": "C4", "rm_id": "0001", "share": "0.5", "valid_from": "2024-01-01", "kind": "manage"},
        {"customer_id": "C4", "rm_id": "0002", "share": "0.5", "valid_from": "2024-01-01", "kind": "share"},
    ]
    t["ftp_rates"] += [
        {"valid_from": "2025-01-01", "product": "LOAN_INCL_SME", "rate": "0.0300"},
        {"valid_from": "2025-01-01", "product": "LOAN_AGRI", "rate": "0.0300"},
    ]
    t["balances"] += [
        {"date": "2025-01-01", "account_id": "L0", "balance": "50000.00"},
        {"date": "2025-02-15", "account_id": "L0", "balance": "0.00"},
        {"date": "2025-01-10", "account_id": "L1", "balance": "150000.00"},
        {"date": "2025-03-31", "account_id": "L1", "balance": "90000.00"},
        {"date": "2025-02-01", "account_id": "L2", "balance": "200000.00"},
        {"date": "2025-03-31", "account_id": "L2", "balance": "200000.00"},
        {"date": "2025-03-01", "account_id": "L3", "balance": "30000.00"},
        {"date": "2025-03-31", "account_id": "L3", "balance": "30000.00"},
        {"date": "2025-02-10", "account_id": "A1", "balance": "2800.00"},
        {"date": "2025-03-05", "account_id": "A1", "balance": "3100.00"},
    ]
    t["loan_grades"] = [
        {"date": "2025-01-31", "account_id": "L0", "grade": "doubtful"},
        {"date": "2025-03-31", "account_id": "L1", "grade": "normal"},
        {"date": "2025-02-28", "account_id": "L2", "grade": "special_mention"},
        {"date": "2025-03-31", "account_id": "L2", "grade": "substandard"},
    ]
    t["loan_checks"] = [
        {"due_on": "2025-01-15", "account_id": "L0", "rm_id": "0001", "done_on": "2025-01-14"},
        {"due_on": "2025-02-10", "account_id": "L1", "rm_id": "0002", "done_on": "2025-02-20"},
        {"due_on": "2025-03-10", "account_id": "L2", "rm_id": "0001", "done_on": ""},
        {"due_on": "2025-04-10", "account_id": "L1", "rm_id": "0001", "done_on": ""},
    ]
    t["visits"] = [
        {"date": "2024-12-31", "rm_id": "0001", "village_id": "V3", "kind": "village"},  # before the period
        {"date": "2025-01-05", "rm_id": "0001", "village_id": "V1", "kind": "village"},
        {"date": "2025-02-06", "rm_id": "0001", "customer_id": "C1", "kind": "customer"},  # C1 lives in V2
        {"date": "2025-02-07", "rm_id": "0001", "village_id": "V1", "kind": "village"},  # V1 again
        {"date": "2025-03-01", "rm_id": "0001", "village_id": "V4", "kind": "village"},  # not S1's village
        {"date": "2025-03-02", "rm_id": "0003", "customer_id": "C5", "kind": "customer"},  # V4
    ]
    t["surveys"] = [
        {
            "date": "2025-01-20",
            "rm_id": "0001",
            "customer_id": "C1",
            "score": "90",
            "response_hours": "2",
            "resolved": "true",
            "would_recommend": "true",
        },
        {
            "date": "2025-03-20",
            "rm_id": "0001",
            "customer_id": "C2",
            "score": "85.5",
            "response_hours": "3.5",
            "resolved": "false",
        },
        {"date": "2025-02-20", "rm_id": "0002", "customer_id": "C2", "score": "70", "resolved": "true",
         "would_recommend": "false"},
    ]  # fmt: skip
    t["violations"] = [
        {"date": "2024-12-20", "rm_id": "0003", "code": "LATE_CHECK", "points": "3", "veto": "false"},
        {"date": "2025-01-20", "rm_id": "0001", "code": "LATE_CHECK", "points": "2", "veto": "false",
         "rectified_on": "2025-02-01"},
        {"date": "2025-03-15", "rm_id": "0001", "code": "DEPOSIT_SPLIT", "points": "5.5", "veto": "false",
         "rectified_on": "2025-04-10"},
        {"date": "2025-02-14", "rm_id": "0002", "code": "MISAPPROPRIATION", "points": "20", "veto": "true",
         "description": "挪用客户资金"},
    ]  # fmt: skip
    t["attendance"] = [
        {"month": "2025-01", "rm_id": "0001", "required_days": "21", "present_days": "21"},
        {"month": "2025-02", "rm_id": "0001", "required_days": "18", "present_days": "17"},
        {"month": "2025-03", "rm_id": "0001", "required_days": "21", "present_days": "20"},
        {"month": "2025-04", "rm_id": "0001", "required_days": "22", "present_days": "10"},
    ]
    t["tasks"] = [
        {"month": "2025-01", "rm_id": "0001", "assigned": "4", "completed": "3", "kind": "collaboration"},
        {"month": "2025-02", "rm_id": "0001", "assigned": "2", "completed": "2", "kind": "report"},
        {"month": "2025-03", "rm_id": "0002", "assigned": "0", "completed": "0", "kind": "survey"},
    ]
    return t


PARAMS = QualityParams(
    expected_loss_rates={"LOAN_AGRI": Decimal("0.02")}, capital_factors={"LOAN_AGRI": Decimal("0.10")}
)


@pytest.fixture(scope="module")
def hand(import_home: Callable[[str, Path], Home], tmp_path_factory: pytest.TempPathFactory) -> Home:
    return import_home("quality-hand", write_package(tmp_path_factory.mktemp("quality-pkg") / "pkg", quality_tables()))


@pytest.fixture(scope="module")
def hand_result(hand: Home, django_db_blocker: Any) -> QualityResult:
    with django_db_blocker.unblock():
        return compute_quality_indicators(DuckDBBackend(FactStore(hand)), Q1, PARAMS)


def test_new_loans_and_their_quality(hand_result: QualityResult) -> None:
    r = hand_result
    # new loans, to the owners on the opening day: A2 (1 Jan, still 0002's) 500000;
    # L1 (10 Jan, C2 now 0001's) 150000; L2 (1 Feb, C4 half and half) 200000; L3 (pool S2) 30000
    assert r.get(RM1, "new_loans") == Decimal("250000.00")  # 150000 + 100000
    assert r.get(RM2, "new_loans") == Decimal("600000.00")  # 500000 + 100000
    assert r.get(POOL_S2, "new_loans") == Decimal("30000.00")
    assert r.get(RM3, "new_loans") == Decimal("0.00")  # a true zero: loans are known
    assert r.get(("org", "H"), "new_loans") == Decimal("880000.00")
    # counted for the service owner (the manage row): L1 and L2 for 0001, A2 for 0002, L3 for the pool
    assert r.get(RM1, "new_loan_count") == Decimal(2)
    assert r.get(RM2, "new_loan_count") == Decimal(1)
    assert r.get(S1, "new_loan_count") == Decimal(3)
    assert r.get(B1, "new_loan_count") == Decimal(4)
    # NPL of new loans, period-end balances: A2 0 (not in the data), L1 90000 normal, L2 200000 substandard
    assert r.get(RM1, "new_loan_npl_ratio") == Decimal("0.526316")  # 100000 / (90000 + 100000)
    assert r.get(RM2, "new_loan_npl_ratio") == Decimal("1.000000")  # 100000 / (0 + 100000)
    assert r.get(S1, "new_loan_npl_ratio") == Decimal("0.689655")  # 200000 / 290000, not the mean of ratios
    assert r.get(POOL_S2, "new_loan_npl_ratio") == Decimal("0.000000")
    # pricing: A2 0.0435/0.0420 − 1 = 3.57 % ok; L1 0.0400/0.0380 − 1 = 5.26 % off; L2 exactly 5 % ok
    assert r.get(RM1, "pricing_compliance_rate") == Decimal("0.500000")  # L2 of L1, L2
    assert r.get(RM1, "pricing_compliance_rate_amount") == Decimal("0.400000")  # 100000 / 250000
    assert r.get(RM2, "pricing_compliance_rate") == Decimal("1.000000")
    assert r.get(POOL_S2, "pricing_compliance_rate") is None  # L3 has no guide rate: not applicable
    assert r.get(("org", "H"), "pricing_compliance_rate") == Decimal("0.666667")  # 2 / 3
    # first-time borrowers: C2's first loan ever is A2 (0002); C4 had L0 (not new); C5 (pool)
    assert r.get(RM2, "first_time_borrower_share") == Decimal("1.000000")
    assert r.get(RM1, "first_time_borrower_share") == Decimal("0.000000")  # C4 via L2, service owner 0001
    assert r.get(POOL_S2, "first_time_borrowers") == Decimal(1)
    assert r.get(("org", "H"), "first_time_borrower_share") == Decimal("0.666667")  # 2 / 3 customers


def test_loan_book_npl_and_shares(hand_result: QualityResult) -> None:
    r = hand_result
    # no 31 Dec balances: the baseline is 1 January (D18); no grade by then: the first month end's grades
    assert "baseline_day_fallback:2024-12-31->2025-01-01" in r.notes
    assert "npl_baseline_grade_fallback:2025-01-01->2025-01-31" in r.notes
    # baseline NPL: L0 doubtful, 50000 on 1 Jan, to C4's period-end owners 0.5 / 0.5 → 25000 each
    # period-end NPL: L2 substandard 200000 → 100000 each; reduction 25000 − 100000
    assert r.get(RM1, "npl_balance") == Decimal("100000.00")
    assert r.get(RM1, "npl_reduction") == Decimal("-75000.00")
    assert r.get(S1, "npl_reduction") == Decimal("-150000.00")
    # period-end loan book of 0001: L1 90000 + L2 100000 = 190000, inclusive L2 100000
    assert r.get(RM1, "inclusive_loan_share") == Decimal("0.526316")
    assert r.get(RM1, "agri_loan_share") == Decimal("0.000000")
    assert r.get(RM2, "inclusive_loan_share") == Decimal("1.000000")  # only L2's half
    assert r.get(RM1, "inclusive_loan_increment") == Decimal("75000.00")  # 100000 − L0's 25000
    # L3 has no account flag; its customer C5 is agricultural
    assert r.get(POOL_S2, "agri_loan_share") == Decimal("1.000000")
    assert r.get(POOL_S2, "agri_loan_increment") == Decimal("30000.00")
    # post-loan checks due in Q1, credited to loan_checks.rm_id: 0001 one on time of two, 0002 late
    assert r.get(RM1, "post_loan_check_rate") == Decimal("0.500000")
    assert r.get(RM1, "post_loan_checks_due") == Decimal(2)
    assert r.get(RM2, "post_loan_check_rate") == Decimal("0.000000")
    assert r.get(S1, "post_loan_check_rate") == Decimal("0.333333")  # 1 / 3
    assert r.get(RM3, "post_loan_check_rate") is None  # none due


def test_deposit_stickiness(hand_result: QualityResult) -> None:
    r = hand_result
    # A1 (0001 0.6): 积数 Jan 2200.10 x 0.6 = 1320.06 → /31 = 42.58; Feb 2800 x 0.6 / 28 = 60.00;
    # Mar 3100 x 0.6 / 31 = 60.00. Mean 54.193333, population variance 67.434756, sd 8.211867
    assert r.get(RM1, "deposit_stickiness") == Decimal("0.151529")  # 8.211867 / 54.193333
    # 0003: USD A3 only in January (46.49, 0, 0): sd / mean = √2 whatever the amount
    assert r.get(RM3, "deposit_stickiness") == Decimal("1.414214")


def test_service(hand_result: QualityResult) -> None:
    r = hand_result
    assert r.get(RM1, "visits") == Decimal(4)  # the 31 Dec visit is outside Q1
    assert r.get(RM2, "visits") == Decimal(0)
    # 0001 covers V1 and V2 (via C1's village) of S1's three; V4 belongs to S2
    assert r.get(RM1, "village_coverage") == Decimal("0.666667")
    assert r.get(RM2, "village_coverage") == Decimal("0.000000")
    assert r.get(RM3, "village_coverage") == Decimal("1.000000")  # C5 lives in V4
    assert r.get(B1, "village_coverage") == Decimal("0.428571")  # (2 + 0 + 1) / (3 + 3 + 1)
    assert r.get(RM1, "satisfaction") == Decimal("87.75")  # (90 + 85.5) / 2
    assert r.get(RM1, "response_hours") == Decimal("2.75")  # (2 + 3.5) / 2
    assert r.get(RM1, "resolution_rate") == Decimal("0.500000")
    assert r.get(RM1, "recommendation_rate") == Decimal("1.000000")  # one answer of two
    assert r.get(RM2, "response_hours") is None  # no answer
    assert r.get(S1, "satisfaction") == Decimal("81.83")  # 245.5 / 3
    assert r.get(S1, "resolution_rate") == Decimal("0.666667")
    assert r.get(RM3, "satisfaction") is None  # no survey: no score, not 0


def test_compliance_and_work(hand_result: QualityResult, hand: Home, django_db_blocker: Any) -> None:
    r = hand_result
    assert r.get(RM1, "violations") == Decimal(2)
    assert r.get(RM1, "violation_points") == Decimal("7.50")
    assert r.get(RM1, "unrectified_violations") == Decimal(1)  # rectified on 10 April, after Q1
    assert r.get(RM2, "veto") == Decimal(1)
    assert r.get(RM3, "violations") == Decimal(0)  # the December finding is outside Q1
    assert r.get(S1, "violation_points") == Decimal("27.50")
    assert [(v.rm_id, v.code, v.description) for v in r.vetoes] == [("0002", "MISAPPROPRIATION", "挪用客户资金")]
    with django_db_blocker.unblock():
        assert veto_findings(DuckDBBackend(FactStore(hand)), Q1) == r.vetoes
    assert r.get(RM1, "attendance_rate") == Decimal("0.966667")  # 58 / 60 (April not in Q1)
    assert r.get(RM1, "task_completion_rate") == Decimal("0.833333")  # 5 / 6
    assert r.get(RM2, "task_completion_rate") is None  # nothing assigned


def test_risk_adjusted(hand_result: QualityResult, hand: Home, django_db_blocker: Any) -> None:
    r = hand_result
    # pool S2 holds L3 alone: rows on 1 and 31 March of 30000 → 积数 60000, spread 0.045 − 0.030
    # FTP profit 60000 x 0.015 / 365 = 900 / 365; expected loss 60000 x 0.02 / 365 = 1200 / 365
    assert r.get(POOL_S2, "expected_loss") == Decimal("3.29")
    assert r.get(POOL_S2, "risk_adjusted_profit") == Decimal("-0.82")  # −300 / 365
    # economic capital: daily average 60000 / 90 x 0.10 = 6.6667 x ... = 66.67
    assert r.get(POOL_S2, "economic_capital") == Decimal("66.67")
    assert r.get(POOL_S2, "raroc") == Decimal("-0.012329")  # (−300/365) / (6000/90)
    # EVA: −300/365 − 66.667 x 0.10 x 90/365 = −300/365 − 600/365 = −2.4658
    assert r.get(POOL_S2, "eva") == Decimal("-2.47")
    assert r.get(RM3, "raroc") is None  # no loans: no economic capital
    # with no expected loss, risk-adjusted profit is the balance indicators' ftp_profit, owner by owner
    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(hand))
    zero = compute_quality_indicators(backend, Q1, QualityParams(default_expected_loss_rate=Decimal(0)))
    ftp = compute_balance_indicators(backend, Q1)
    expected = {
        (v.owner_kind, v.owner_id): v.value for v in ftp.values if (v.indicator, v.category) == ("ftp_profit", "all")
    }
    got = {(v.owner_kind, v.owner_id): v.value for v in zero.values if v.indicator == "risk_adjusted_profit"}
    assert {k: got.get(k) for k in expected} == expected


def test_missing_optional_tables_say_so(tmp_path: Path) -> None:
    """The minimal package has no loan grades, checks, villages, visits, surveys, findings, attendance or tasks."""
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", minimal_tables()), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    r = compute_quality_indicators(backend, Period.parse("2025-01"))
    for table in ("loan_grades", "loan_checks", "villages", "visits", "surveys", "violations", "attendance", "tasks"):
        assert f"missing_table:{table}" in r.notes
    codes = {v.indicator for v in r.values}
    assert not codes & {"visits", "violations", "npl_reduction", "new_loan_npl_ratio", "satisfaction", "veto"}
    with pytest.raises(MissingInput) as err:
        r.get(RM1, "violations")
    assert err.value.table == "violations"
    with pytest.raises(MissingInput):
        r.get(RM1, "village_coverage")
    with pytest.raises(MissingInput):
        veto_findings(backend, Period.parse("2025-01"))
    # what needs only accounts and balances is there
    assert r.get(RM2, "new_loans") == Decimal("500000.00")  # A2, opened 1 Jan under 0002


def test_derived_indicators() -> None:
    assert contribution(Decimal(30), Decimal(120)) == Decimal("0.250000")
    assert contribution(Decimal(1), Decimal(0)) is None
    assert progress(Decimal(150), Decimal(100)) == Decimal("0.500000")
    assert progress(Decimal(-50), Decimal(-100)) == Decimal("0.500000")  # ÷ |base|: less negative is progress
    assert progress(Decimal(10), Decimal(0)) is None
    assert plan_achievement(Decimal(2), Decimal(3)) == Decimal("0.666667")
    assert plan_achievement(Decimal(1), Decimal(0)) is None
    assert coefficient_of_variation([Decimal(5)] * 3) == Decimal("0.000000")
    assert coefficient_of_variation([Decimal(0), Decimal(0), Decimal(9)]) == Decimal("1.414214")  # √2
    assert coefficient_of_variation([Decimal(0), Decimal(0)]) is None
    assert coefficient_of_variation([]) is None

    def iv(owner: str, value: str) -> IndicatorValue:
        return IndicatorValue("rm", owner, "new_loans", "all", Decimal(value))

    values = [iv("a", "100"), iv("b", "300"), iv("c", "50"), iv("d", "0")]
    groups = {"a": "B1/retail", "b": "B1/retail", "c": "B2/retail", "d": "B2/retail"}
    shares = contribution_values(values, lambda o: groups.get(o[1]))
    assert {v.owner_id: v.value for v in shares} == {
        "a": Decimal("0.250000"),
        "b": Decimal("0.750000"),
        "c": Decimal("1.000000"),
        "d": Decimal("0.000000"),
    }
    assert {v.indicator for v in shares} == {"new_loans_contribution"}
    base = [iv("a", "80"), iv("b", "0")]
    assert [(v.owner_id, v.value) for v in progress_values(values, base)] == [("a", Decimal("0.250000"))]
    targets = {("rm", "a", "new_loans", "all"): Decimal(200)}
    assert [v.value for v in plan_achievement_values(values, targets)] == [Decimal("0.500000")]


@pytest.fixture(scope="module")
def tiny_home(
    tmp_path_factory: pytest.TempPathFactory, tiny_package: Path, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[Home]:
    home = Home(tmp_path_factory.mktemp("quality-tiny") / "home")
    with django_db_blocker.unblock():
        assert import_package(tiny_package, home).status == "committed"
        yield home


def test_peer_groups_and_planted_veto(tiny_home: Home) -> None:
    from rmperf.demo import planted_patterns

    backend = DuckDBBackend(FactStore(tiny_home))
    r = compute_quality_indicators(backend, Q1)
    assert {v.rm_id for v in r.vetoes} == set(planted_patterns("tiny", 5).veto_rms)
    # contribution within the same post of the same branch adds up to 1 per group
    group = peer_groups_of(backend)
    loans = [v for v in r.values if v.owner_kind == "rm" and v.indicator == "new_loans"]
    totals: dict[str, Decimal] = {}
    for v in contribution_values(loans, group):
        g = group((v.owner_kind, v.owner_id))
        assert g is not None
        totals[g] = totals.get(g, Decimal(0)) + v.value
    assert totals
    assert all(abs(t - 1) <= Decimal("0.00001") for t in totals.values())


def test_000_risk_adjusted_profit_takes_fees_in_and_costs_risk_and_taxes_out(tmp_path: Path) -> None:
    """000: 风险调整后利润 = 收入 (spread profit + fee income) − 直接成本/管理成本/分摊固定成本 (the expenses table)
    − 风险成本 (expected loss) − 税费 (a tax rate × the income).

    The minimal bank in January: RM 0001 holds 60 % of A1 (1,000 and 1,200.10 on 1 and 2 January; FTP 1.80 %,
    paid 0.05 %) and, from 2 January, A2 (499,000 on 2 January; 4.35 % against an FTP of 2.50 %). A fee of 100
    on C1 (split 60/40), 20 of marketing on 0001, 50 of allocated cost on sub-branch S1; tax rate 10 %.
    """
    tables = minimal_tables()
    tables["fees"] = [{"date": "2025-01-15", "customer_id": "C1", "product": "agency", "amount": "100.00",
                       "currency": "CNY"}]  # fmt: skip
    tables["expenses"] = [
        {"month": "2025-01", "amount": "20.00", "kind": "marketing", "rm_id": "0001"},
        {"month": "2025-01", "amount": "50.00", "kind": "allocated_cost", "org_id": "S1"},
    ]
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    january = Period.parse("2025-01")
    r = compute_quality_indicators(backend, january, QualityParams(tax_rate=Decimal("0.10")))
    d = Decimal
    spread = ((d("1000") + d("1200.10")) * d("0.6") * (d("0.0180") - d("0.0005")) + d("499000") * (d("0.0435") - d(
        "0.0250"))) / 365  # fmt: skip
    expected_loss = d("499000") * d("0.01") / 365
    income = spread + d("60")
    rap = income - d("20") - expected_loss - d("0.10") * income
    assert r.get(RM1, "expected_loss") == expected_loss.quantize(d("0.01"))
    assert r.get(RM1, "risk_adjusted_profit") == rap.quantize(d("0.01"))
    # the sub-branch bears its own allocated cost too: without it, its figure is 50 higher
    tables["expenses"] = tables["expenses"][:1]
    other = Home(tmp_path / "other")
    assert import_package(write_package(tmp_path / "pkg2", tables), other).status == "committed"
    lighter = compute_quality_indicators(DuckDBBackend(FactStore(other)), january, QualityParams(tax_rate=d("0.10")))

    def s1(result: QualityResult) -> Decimal:
        return next(v.value for v in result.values if (v.owner_kind, v.owner_id, v.indicator) == ("org", "S1",
                    "risk_adjusted_profit"))  # fmt: skip

    assert s1(lighter) - s1(r) == d("50.00")
    # the explanation opens it to the accounts, the fee, the cost and the tax, adding up to the value
    from rmperf.engine.explain import explain

    opened = explain(backend, january, RM1, "risk_adjusted_profit")
    assert sum(c.value for c in opened.accounts) == opened.value
    assert {c.account_id.split(":")[0] for c in opened.accounts} >= {"A1", "A2", "fee", "cost"}
