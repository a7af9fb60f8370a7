"""Balance indicators: by hand on a readable case, and against the Decimal reference on the demo bank."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import DuckDBBackend
from rmperf.engine.indicators import compute_balance_indicators
from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import minimal_tables, write_package
from tests.reference_indicators import Reference

# the store's catalog is in the (test) application database
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_home(import_home: Callable[[str, Path], Home], tiny_package: Path) -> Home:
    return import_home("balances-tiny", tiny_package)


@pytest.fixture(scope="module")
def explaining(tiny_home: Home, django_db_blocker: Any) -> tuple[DuckDBBackend, dict[Any, Any]]:
    """One backend on the tiny bank and the explanation's cache of computed groups, shared by the
    explanation tests (each opens one indicator for several owners; a group is computed once)."""
    with django_db_blocker.unblock():
        return DuckDBBackend(FactStore(tiny_home)), {}


#: The plans that reduce balances (D139): the split store's plain passes with common cuts; the
#: same with no common cut (every mover cut alone, its span's scan joined); the general plan.
PLANS = ("split", "split_movers_alone", "general")


def use_plan(backend: DuckDBBackend, plan: str, monkeypatch: pytest.MonkeyPatch) -> list[list[date]]:
    """Make ``backend`` reduce balances by ``plan``; returns the common cuts each reduction chose."""
    from rmperf.engine import attribution

    assert backend.split_balances  # the importer splits balances by currency
    chosen: list[list[date]] = []
    if plan == "general":
        backend.split_balances = False
        return chosen
    if plan == "split_movers_alone":
        monkeypatch.setattr(attribution, "COMMON_CUT_SHARE", 2.0)  # no day moves twice the accounts
    real = attribution.common_cuts

    def spy(*args: Any) -> list[date]:
        chosen.append(real(*args))
        return chosen[-1]

    monkeypatch.setattr(attribution, "common_cuts", spy)
    return chosen


def fetch(backend: DuckDBBackend, table: str) -> list[dict[str, Any]]:
    cur = backend.con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("label", ["2025-01", "2025-Q1", "2025-02"])
def test_engine_agrees_with_reference_to_the_fen(
    tiny_home: Home, django_db_blocker: Any, label: str, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = Period.parse(label)
    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    chosen = use_plan(backend, plan, monkeypatch)
    result = compute_balance_indicators(backend, period)
    if plan == "split" and label == "2025-Q1":
        assert chosen[0] == [date(2025, 2, 1), date(2025, 3, 1)]  # the demo bank reassigns on month starts
    if plan == "split_movers_alone":
        assert chosen == [[]]
    tables = ("accounts", "customers", "assignments", "ftp_rates", "fx_rates", "balances")
    expected = Reference({t: fetch(backend, t) for t in tables}).compute(period)
    got = {
        (v.owner_kind, v.owner_id, v.indicator, v.category): v.value
        for v in result.values
        if v.owner_kind in ("rm", "pool")
    }
    assert set(got) == set(expected)
    mismatches = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert mismatches == {}
    # the demo bank has re-assignments, shares and a pool: all of them are exercised
    kinds = {k[0] for k in got}
    assert kinds == {"rm", "pool"}
    assert all(isinstance(v, Decimal) for v in got.values())


def test_readable_case_by_hand(tmp_path: Path) -> None:
    """Two days of January (see tests/pkgbuilder.minimal_tables).

    A1 deposit, 60/40 between RMs 0001 and 0002: 1000.00 then 1200.10 → 积数 2200.10.
    A2 loan moves from 0002 to 0001 on 2 January: 500000 then 499000.
    A3 USD deposit of RM 0003: 200.50 x 7.1884 (31 Dec rate) = 1441.2742 → 1441.27, then 0.
    """
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", minimal_tables()), home).status == "committed"
    result = compute_balance_indicators(DuckDBBackend(FactStore(home)), Period.parse("2025-01"))
    rm1, rm2, rm3 = ("rm", "0001"), ("rm", "0002"), ("rm", "0003")
    assert result.get(rm1, "accumulated_balance", "deposit") == Decimal("1320.06")  # 2200.10 x 0.6
    assert result.get(rm2, "accumulated_balance", "deposit") == Decimal("880.04")
    assert result.get(rm1, "daily_average", "deposit") == Decimal("42.58")  # 1320.06 / 31
    assert result.get(rm2, "accumulated_balance", "loan") == Decimal("500000.00")
    assert result.get(rm1, "accumulated_balance", "loan") == Decimal("499000.00")
    assert result.get(rm3, "accumulated_balance", "deposit") == Decimal("1441.27")
    # FTP: deposits (0.0180 − 0.0005) = 0.0175; loan 0.0435 − 0.0250 = 0.0185; ÷ 365
    assert result.get(rm1, "ftp_profit", "deposit") == Decimal("0.06")  # 1320.06 x 0.0175 / 365 = 0.0633
    assert result.get(rm2, "ftp_profit", "loan") == Decimal("25.34")  # 500000 x 0.0185 / 365 = 25.3425
    assert result.get(rm1, "ftp_profit", "all") == Decimal("25.36")  # (23.10105 + 9231.5) / 365 = 25.3557
    # the 360-day basis (PBOC 日利率 = 年利率 ÷ 360)
    r360 = compute_balance_indicators(DuckDBBackend(FactStore(home)), Period.parse("2025-01"), basis=360)
    assert r360.get(rm2, "ftp_profit", "loan") == Decimal("25.69")  # 9250 / 360 = 25.694
    assert "baseline_day_fallback:2024-12-31->2025-01-01" in result.notes


def test_org_units_roll_up_exactly(tiny_home: Home, django_db_blocker: Any) -> None:
    """An org's figure is its RMs' and pools' exact sums, rounded once (not a sum of rounded figures)."""
    period = Period.parse("2025-Q1")
    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    result = compute_balance_indicators(backend, period)
    tables = ("accounts", "customers", "assignments", "ftp_rates", "fx_rates", "balances")
    ref = Reference({t: fetch(backend, t) for t in tables})
    head = backend.query("SELECT org_id FROM orgs WHERE level = 'head'")[0][0]
    bank = result.get(("org", head), "accumulated_balance", "all")
    # attribution conserves money: the shares and the pool of every account sum to 1,
    # so the bank's 积数 is every account's CNY balance on every day of the period
    every_day = sum(
        (ref.cny(a, b, day) for day, rows in ref.by_day.items() if period.contains(day) for a, b in rows),
        Decimal(0),
    )
    assert bank == every_day
    # and every org unit, and team, has its value
    kinds = {v.owner_kind for v in result.values}
    assert {"org", "team", "rm", "pool"} <= kinds


def test_explanation_adds_up_to_the_value(tiny_home: Home, django_db_blocker: Any) -> None:
    from rmperf.engine.explain import explain

    period = Period.parse("2025-Q1")
    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    rm = backend.query("SELECT rm_id FROM managers ORDER BY rm_id LIMIT 1")[0][0]
    head = backend.query("SELECT org_id FROM orgs WHERE level = 'head'")[0][0]
    for owner, indicator, category in [
        (("rm", rm), "daily_average", "deposit"),
        (("rm", rm), "ftp_profit", "all"),
        (("rm", rm), "point_increment", "all"),
        (("org", head), "aum", "all"),
        # no full last year in the tiny bank: the baseline daily average is the baseline point (D18)
        (("rm", rm), "daily_average_increment", "deposit"),
    ]:
        e = explain(backend, period, owner, indicator, category, with_days=indicator == "daily_average")
        assert e.accounts, (owner, indicator)
        assert sum(c.value for c in e.accounts) == e.value
        if indicator in ("aum", "daily_average_increment"):
            assert sum(c.exact for c in e.accounts).quantize(Decimal("0.01")) == e.value
        if indicator == "daily_average":
            # the days behind it: their total over the period's days is the exact daily average
            day_total = sum(amount for _, _, amount in e.days)
            assert (day_total / period.days).quantize(Decimal("0.01")) == e.value


def test_explanation_refuses_what_it_cannot_explain(tiny_home: Home) -> None:
    from rmperf.engine.explain import explain

    backend = DuckDBBackend(FactStore(tiny_home))
    with pytest.raises(ValueError, match="no account-level explanation for deposit_stickiness"):
        explain(backend, Period.parse("2025-01"), ("rm", "R00001"), "deposit_stickiness")
    with pytest.raises(LookupError, match="rm NOBODY has no daily_average"):
        explain(backend, Period.parse("2025-01"), ("rm", "NOBODY"), "daily_average")


def test_export_formats(tiny_home: Home, django_db_blocker: Any, tmp_path: Path) -> None:
    import csv

    import duckdb
    from openpyxl import load_workbook

    from rmperf.engine.export import write

    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    result = compute_balance_indicators(backend, Period.parse("2025-01"))
    values = [v for v in result.values if v.owner_kind == "rm"][:50]
    for suffix in ("csv", "parquet", "xlsx"):
        write(tmp_path / f"out.{suffix}", "2025-01", values)
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [Decimal(r["value"]) for r in rows] == [v.value for v in values]
    parquet = duckdb.sql(f"SELECT typeof(value), value FROM '{tmp_path / 'out.parquet'}'").fetchall()
    assert parquet[0][0] == "DECIMAL(38,2)"
    assert [r[1] for r in parquet] == [v.value for v in values]
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet is not None
    assert [Decimal(str(c.value)) for c in sheet["I"][1:]] == [v.value for v in values]


def test_breakdown_by_product_and_flag(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["accounts"][1]["is_agri"] = "true"  # the corporate loan is agricultural
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    by_product = compute_balance_indicators(
        DuckDBBackend(FactStore(home)), Period.parse("2025-01"), breakdown="product"
    )
    rm1 = ("rm", "0001")
    assert by_product.get(rm1, "accumulated_balance", "deposit/product=DEP_DEMAND") == Decimal("1320.06")
    assert by_product.get(rm1, "accumulated_balance", "loan/product=LOAN_CORP") == Decimal("499000.00")
    assert by_product.get(rm1, "ftp_profit", "loan/product=LOAN_CORP") == Decimal("25.29")  # 499000 x 0.0185 / 365
    # the plain categories are still there, unchanged
    assert by_product.get(rm1, "accumulated_balance", "deposit") == Decimal("1320.06")
    by_agri = compute_balance_indicators(DuckDBBackend(FactStore(home)), Period.parse("2025-01"), breakdown="agri")
    assert by_agri.get(rm1, "accumulated_balance", "loan/agri=agri") == Decimal("499000.00")
    assert by_agri.get(rm1, "accumulated_balance", "deposit/agri=other") == Decimal("1320.06")
    with pytest.raises(ValueError, match="unknown breakdown"):
        compute_balance_indicators(DuckDBBackend(FactStore(home)), Period.parse("2025-01"), breakdown="colour")


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("label", ["2025-01", "2025-Q1"])
def test_mid_month_move_of_a_foreign_account_matches_the_reference(
    tmp_path: Path, label: str, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A customer with a CNY and a USD account moves on 20 January; FTP changes on 15 January.

    The scan cuts only that customer's accounts at the move (per-account
    segments, D32) and keeps the USD account per day; the reference sums day
    by day. They must agree to the fen.
    """
    from tests.engine.test_engine_close import two_months

    tables = two_months()
    tables["accounts"].append(
        {
            "account_id": "A9",
            "customer_id": "C1",
            "category": "deposit",
            "product": "DEP_DEMAND",
            "currency": "USD",
            "opened_on": "2024-01-01",
            "rate": "0.0010",
        }
    )
    for i, row in enumerate([r for r in tables["balances"] if r["account_id"] == "A1"]):
        tables["balances"].append({"date": row["date"], "account_id": "A9", "balance": f"{3000 + 11 * i}.{i % 7}5"})
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    chosen = use_plan(backend, plan, monkeypatch)
    period = Period.parse(label)
    result = compute_balance_indicators(backend, period)
    if plan == "split":
        assert date(2025, 1, 20) in chosen[0]  # few accounts here: the move is a common cut
    names = ("accounts", "customers", "assignments", "ftp_rates", "fx_rates", "balances")
    expected = Reference({t: fetch(backend, t) for t in names}).compute(period)
    got = {
        (v.owner_kind, v.owner_id, v.indicator, v.category): v.value
        for v in result.values
        if v.owner_kind in ("rm", "pool")
    }
    assert {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v} == {}
    # the move really split the USD account between two owners
    spread = {k[1] for k, v in got.items() if k[2] == "accumulated_balance" and k[3] == "deposit" and v}
    assert len(spread) >= 2


@pytest.mark.parametrize(
    ("indicator", "category"),
    [
        ("fee_income", "all"),
        ("loan_loss_provision", "all"),
        ("unpaid_interest_new", "all"),
        ("unpaid_interest_net", "all"),
        ("new_loans", "all"),
        ("cards_issued", "all"),
        ("cards_issued_weighted", "all"),
        ("new_customers", "all"),
        ("new_vip_customers", "all"),
        ("churned_customers", "all"),
        ("active_cards", "all"),
        ("active_cards_5plus", "all"),
        ("active_customers", "all"),
        ("active_customers_5plus", "all"),
        ("visits", "all"),
        ("npl_balance", "all"),
        ("npl_reduction", "all"),
        ("agri_loan_increment", "all"),
        ("inclusive_loan_increment", "all"),
        ("new_loan_count", "all"),
        ("first_time_borrowers", "all"),
        ("post_loan_checks_due", "all"),
        ("post_loan_checks_on_time", "all"),
        ("violations", "all"),
        ("violation_points", "all"),
        ("veto", "all"),
        ("unrectified_violations", "all"),
        ("expenses", "all"),
        ("expected_loss", "all"),
        ("risk_adjusted_profit", "all"),
        ("economic_capital", "all"),
        ("eva", "all"),
    ],
)
def test_flow_and_loan_explanations_add_up_to_the_value(
    explaining: tuple[DuckDBBackend, dict[Any, Any]], indicator: str, category: str
) -> None:
    """For every RM with a value, and an org: the rows behind it sum to it exactly."""
    from rmperf.engine.explain import explain

    backend, cache = explaining
    period = Period.parse("2025-Q1")
    rms = [r[0] for r in backend.query("SELECT rm_id FROM managers ORDER BY rm_id")][:6]
    if indicator == "veto":  # the tiny bank has one vetoing finding
        rms += [r[0] for r in backend.query("SELECT DISTINCT rm_id FROM violations WHERE veto")]
    org = backend.query("SELECT org_id FROM orgs WHERE level = 'branch' ORDER BY org_id")[0][0]
    opened = 0
    for owner in [*(("rm", r) for r in rms), ("org", org)]:
        try:
            e = explain(backend, period, owner, indicator, category, cache=cache)
        except LookupError:
            continue
        assert sum((c.value for c in e.accounts), Decimal(0)) == e.value
        assert all(abs(c.value - c.exact) < Decimal("0.01") for c in e.accounts)
        opened += bool(e.accounts)
    assert opened  # the tiny bank has such rows for someone


@pytest.mark.parametrize(
    "indicator",
    [
        "new_loan_npl_ratio",
        "post_loan_check_rate",
        "pricing_compliance_rate",
        "pricing_compliance_rate_amount",
        "first_time_borrower_share",
        "agri_loan_share",
        "inclusive_loan_share",
        "village_coverage",
        "satisfaction",
        "response_hours",
        "resolution_rate",
        "recommendation_rate",
        "attendance_rate",
        "task_completion_rate",
    ],
)
def test_a_ratio_is_explained_by_its_parts(explaining: tuple[DuckDBBackend, dict[Any, Any]], indicator: str) -> None:
    """The numerator's and the denominator's rows add up to each part, and the parts give the value."""
    from rmperf.core.money import divide
    from rmperf.engine.explain import explain

    backend, cache = explaining
    period = Period.parse("2025-Q1")
    rms = [r[0] for r in backend.query("SELECT rm_id FROM managers ORDER BY rm_id")][:6]
    org = backend.query("SELECT org_id FROM orgs WHERE level = 'branch' ORDER BY org_id")[0][0]
    places = 2 if indicator in ("satisfaction", "response_hours") else 6
    opened = 0
    for owner in [*(("rm", r) for r in rms), ("org", org)]:
        try:
            e = explain(backend, period, owner, indicator, cache=cache)
        except LookupError:
            continue
        assert e.accounts == []
        top, bottom = e.parts["numerator"], e.parts["denominator"]
        for part in (top, bottom):
            assert sum((c.value for c in part.accounts), Decimal(0)) == part.value
        exact_top = sum((c.exact for c in top.accounts), Decimal(0))
        exact_bottom = sum((c.exact for c in bottom.accounts), Decimal(0))
        assert divide(exact_top, exact_bottom, places) == e.value
        assert "parts_do_not_reproduce_value" not in e.notes
        opened += bool(bottom.accounts)
    assert opened


@pytest.mark.parametrize(
    ("indicator", "rm"),
    [
        ("agri_loan_increment", "0001"),  # A2's book at the period end: C2 is RM 0001's from 2 January
        ("agri_loan_share", "0001"),
        ("new_loans", "0002"),  # A2 opened on 1 January, when C2 was RM 0002's
        ("new_loan_count", "0002"),
        ("pricing_compliance_rate_amount", "0002"),
    ],
)
def test_loan_explanations_need_no_loan_grades(tmp_path: Path, indicator: str, rm: str) -> None:
    """The minimal bank has no ``loan_grades``: what does not read a grade still opens.

    A2, an agricultural loan here, is also given a balance on 31 January, so
    the period-end book holds it.
    """
    from rmperf.engine.explain import explain

    tables = minimal_tables()
    tables["accounts"][1]["is_agri"] = "true"
    tables["balances"].append({"date": "2025-01-31", "account_id": "A2", "balance": "480000.00"})
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    assert not backend.has_rows("loan_grades")
    e = explain(backend, Period.parse("2025-01"), ("rm", rm), indicator)
    rows = [c for part in e.parts.values() for c in part.accounts] or e.accounts
    assert {c.account_id for c in rows} == {"A2"}
    assert "parts_do_not_reproduce_value" not in e.notes
    for part in [e, *e.parts.values()]:
        assert sum((c.value for c in part.accounts), Decimal(0)) == (part.value if part.accounts else 0)


def test_daily_average_increment_explained_against_last_year(tmp_path: Path) -> None:
    """With a full last year the baseline is last year's 积数 ÷ 366 days, account by account."""
    from datetime import date, timedelta

    from rmperf.engine.explain import explain

    tables = minimal_tables()
    tables["accounts"][0]["opened_on"] = "2024-01-01"
    # A1: 1,000 a day in 2024's first half, 3,000 in its second half, 2,000 a day in January 2025
    rows = []
    day = date(2024, 1, 1)
    while day <= date(2025, 1, 31):
        balance = "2000.00" if day.year == 2025 else ("1000.00" if day.month <= 6 else "3000.00")
        rows.append({"date": day.isoformat(), "account_id": "A1", "balance": balance})
        day += timedelta(days=1)
    tables["balances"] = rows
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    e = explain(backend, Period.parse("2025-01"), ("rm", "0001"), "daily_average_increment", "deposit")
    # RM 0001 holds 60 % of C1: (2,000 − (182 × 1,000 + 184 × 3,000) ÷ 366) × 0.6 = −3.28
    # (the baseline point of 3,000 would have given −600)
    expected = ((Decimal(2000) - Decimal(734000) / 366) * Decimal("0.6")).quantize(Decimal("0.01"))
    assert e.value == expected == Decimal("-3.28")
    assert e.notes == []
    assert [(c.account_id, c.value) for c in e.accounts] == [("A1", expected)]


@pytest.mark.parametrize("plan", PLANS)
def test_foreign_rows_are_converted_in_the_scan_and_a_missing_rate_is_said(
    tmp_path: Path, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two EUR accounts of RM 0003 at 7.5000 on 1 and 2 January.

    100.00 EUR a day is 750.00; 987,654,321,098.77 EUR a day is
    7,407,407,408,240.775, rounded half-up to 7,407,407,408,240.78 (too
    large to multiply in 64 bits).

    The period is cut where the FTP rate changes (15 January) and nowhere
    else. The importer refuses a foreign balance without a rate; should the
    store still lack one (here the view is narrowed by hand), the day is left
    out and the note counts the row.
    """
    from rmperf.engine.attribution import bucket_spans

    tables = minimal_tables()
    tables["accounts"].append(
        {
            "account_id": "A4",
            "customer_id": "C3",
            "category": "deposit",
            "product": "DEP_DEMAND",
            "currency": "EUR",
            "opened_on": "2024-01-01",
            "rate": "0.0010",
        }
    )
    tables["fx_rates"] += [{"date": d, "currency": "EUR", "cny_per_unit": "7.5"} for d in ("2025-01-01", "2025-01-02")]
    tables["ftp_rates"].append({"valid_from": "2025-01-15", "product": "DEP_DEMAND", "rate": "0.0170"})
    tables["accounts"].append({**tables["accounts"][-1], "account_id": "A5"})
    for day in ("2025-01-01", "2025-01-02"):
        tables["balances"].append({"date": day, "account_id": "A4", "balance": "100.00"})
        tables["balances"].append({"date": day, "account_id": "A5", "balance": "987654321098.77"})
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    jan = Period.parse("2025-01")
    backend = DuckDBBackend(FactStore(home))
    use_plan(backend, plan, monkeypatch)
    result = compute_balance_indicators(backend, jan)
    big = Decimal("7407407408240.78")
    # A3 as in the readable case (1441.27) plus A4's two days (1500.00) and A5's
    assert result.get(("rm", "0003"), "accumulated_balance", "deposit") == Decimal("2941.27") + 2 * big
    assert not [n for n in result.notes if n.startswith("missing_fx_rate")]
    assert bucket_spans(backend, jan.start, jan.end, months=False) == [
        (jan.start, date(2025, 1, 14)),
        (date(2025, 1, 15), jan.end),
    ]
    q1 = Period.parse("2025-Q1")
    assert len(bucket_spans(backend, q1.start, q1.end, months=True)) == 4  # January cut at the 15th, Feb, Mar

    narrowed = DuckDBBackend(FactStore(home))
    narrowed.split_balances = backend.split_balances
    rates = FactStore(home).scan_sql("fx_rates")
    narrowed.execute(
        f"CREATE OR REPLACE VIEW fx_rates AS SELECT * FROM {rates} WHERE currency <> 'EUR' OR date > DATE '2025-01-01'"
    )
    result = compute_balance_indicators(narrowed, jan)
    # 1 January left out
    assert result.get(("rm", "0003"), "accumulated_balance", "deposit") == Decimal("2191.27") + big
    assert "missing_fx_rate:balances:2" in result.notes


@pytest.mark.parametrize("day", ["2025-01-01", "2025-02-15", "2025-03-31"])
def test_owners_of_every_account_on_a_day_follow_the_general_rules(
    tiny_home: Home, django_db_blocker: Any, day: str
) -> None:
    """``owners_on`` (one query for every account) gives exactly the rows of ``owners`` (any accounts, any days)."""
    from datetime import date as date_

    from rmperf.engine import attribution as attr

    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    on = date_.fromisoformat(day)
    attr.owners_on(backend, on, "fast")
    backend.create_table("all_when", f"SELECT account_id, DATE '{day}' AS as_of FROM accounts")
    attr.owners(backend, "all_when", "general")
    fast, general = fetch(backend, "fast"), fetch(backend, "general")
    key = lambda r: tuple(str(v) for v in r.values())  # noqa: E731
    assert sorted(map(key, fast)) == sorted(map(key, general))
    # the demo bank has account-level rows, split shares and a pool on each of these days
    assert {r["owner_kind"] for r in fast} == {"rm", "pool"}
    assert any(r["share"] < 1 for r in fast if r["owner_kind"] == "rm")
    assert backend.query("SELECT count(*) FROM assignments WHERE account_id IS NOT NULL")[0][0] > 0


def test_small_tables_reach_duckdb_exactly(tmp_path: Path) -> None:
    """``register_rows`` writes text literals: quotes, NULLs, decimals and dates come back as they went in."""
    import duckdb

    backend = DuckDBBackend.__new__(DuckDBBackend)
    backend.con = duckdb.connect()
    rows = [("a'b; DROP TABLE x", Decimal("0.123456"), date(2025, 2, 28), 7), (None, None, None, None)]
    backend.register_rows("t", [("s", "VARCHAR"), ("r", "DECIMAL(9,6)"), ("d", "DATE"), ("i", "BIGINT")], rows)
    assert backend.query("SELECT * FROM t ORDER BY i NULLS LAST") == rows
    backend.register_rows("empty", [("s", "VARCHAR")], [])
    assert backend.query("SELECT count(*) FROM empty") == [(0,)]


def test_a_currency_that_is_not_a_code_is_refused(tmp_path: Path) -> None:
    """Currency codes become column names of the rate table: anything but three letters is refused, not spliced."""
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", minimal_tables()), home).status == "committed"
    backend = DuckDBBackend(FactStore(home))
    accounts = FactStore(home).scan_sql("accounts")
    backend.execute(
        f"CREATE OR REPLACE VIEW accounts AS SELECT * REPLACE "
        f"(CASE WHEN currency = 'USD' THEN 'US$' ELSE currency END AS currency) FROM {accounts}"
    )
    with pytest.raises(ValueError, match="not a currency code"):
        compute_balance_indicators(backend, Period.parse("2025-01"))
