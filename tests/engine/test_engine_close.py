"""The daily close: accumulators folded day by day equal a full recompute, to the fen."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import DuckDBBackend
from rmperf.engine.close import AccumulatorSource, DailyClose, StaleAccumulators
from rmperf.engine.indicators import compute_balance_indicators
from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import Rows, minimal_tables, write_package

pytestmark = pytest.mark.django_db


def two_months() -> dict[str, Rows]:
    """The minimal bank over January and February, with a reassignment and an FTP change mid-month."""
    tables = minimal_tables()
    balances = []
    day = date(2025, 1, 1)
    while day <= date(2025, 2, 28):
        n = (day - date(2025, 1, 1)).days
        balances.append({"date": day.isoformat(), "account_id": "A1", "balance": f"{1000 + 37 * n}.{n % 100:02d}"})
        balances.append({"date": day.isoformat(), "account_id": "A2", "balance": f"{500000 - 1000 * n}.00"})
        if day <= date(2025, 1, 2):
            balances.append({"date": day.isoformat(), "account_id": "A3", "balance": "200.50" if n == 0 else "0"})
        day += timedelta(days=1)
    tables["balances"] = balances
    # FTP for demand deposits cut on 15 January; C1 moves wholly to RM 0001 on 20 January
    tables["ftp_rates"].append({"valid_from": "2025-01-15", "product": "DEP_DEMAND", "rate": "0.0165"})
    tables["assignments"][0]["valid_to"] = "2025-01-20"
    tables["assignments"][1]["valid_to"] = "2025-01-20"
    tables["assignments"].append({"customer_id": "C1", "rm_id": "0001", "share": "1", "valid_from": "2025-01-20"})
    return tables


def values(result: object) -> dict[tuple[str, str, str, str], object]:
    return {(v.owner_kind, v.owner_id, v.indicator, v.category): v.value for v in result.values}  # type: ignore[attr-defined]


def close_through(home: Home, last: date) -> DailyClose:
    close = DailyClose(home, DuckDBBackend(FactStore(home)))
    day = date(2025, 1, 1)
    while day <= last:
        assert close.close(day).status == "closed"
        day += timedelta(days=1)
    return close


@pytest.mark.parametrize("label", ["2025-01", "2025-02", "2025-Q1@2025-02-28"])
def test_accumulators_equal_a_full_recompute(tmp_path: Path, label: str) -> None:
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", two_months()), home).status == "committed"
    close = close_through(home, date(2025, 2, 28))
    if "@" in label:  # year-to-date style: the quarter up to the last closed day
        name, upto = label.split("@")
        period = Period.parse(name).to_date(date.fromisoformat(upto))
    else:
        period = Period.parse(label)
    full = compute_balance_indicators(DuckDBBackend(FactStore(home)), period)
    folded = compute_balance_indicators(close.backend, period, source=AccumulatorSource(close))
    assert values(folded) == values(full)
    assert full.notes == folded.notes
    # the change days really are inside the period's segments
    buckets = {r[0] for r in close.backend.query("SELECT DISTINCT bucket FROM acc.segments")}
    assert {date(2025, 1, 15), date(2025, 1, 20), date(2025, 2, 1)} <= buckets


def test_close_is_idempotent_and_detects_restatements(tmp_path: Path) -> None:
    tables = two_months()
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "a", tables), home).status == "committed"
    close = close_through(home, date(2025, 1, 31))
    assert close.close(date(2025, 1, 31)).status == "unchanged"
    close.backend.close()  # one connection holds the accumulator file at a time
    # a corrected export of 9 January (rows 0-5 are 1-2 January, then two a day) is imported:
    # the accumulators are stale, and say so
    tables["balances"][18]["balance"] = "99999.99"
    assert import_package(write_package(tmp_path / "b", tables), home).status == "committed"
    fresh = DailyClose(home, DuckDBBackend(FactStore(home)))
    with pytest.raises(StaleAccumulators, match="2025-01-09"):
        compute_balance_indicators(fresh.backend, Period.parse("2025-01"), source=AccumulatorSource(fresh))
    assert fresh.rebuild(date(2025, 1, 31)) == 31
    folded = compute_balance_indicators(fresh.backend, Period.parse("2025-01"), source=AccumulatorSource(fresh))
    full = compute_balance_indicators(DuckDBBackend(FactStore(home)), Period.parse("2025-01"))
    assert values(folded) == values(full)


def test_unclosed_days_are_refused(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", two_months()), home).status == "committed"
    close = close_through(home, date(2025, 1, 10))
    with pytest.raises(StaleAccumulators, match="尚未日终"):
        compute_balance_indicators(close.backend, Period.parse("2025-01"), source=AccumulatorSource(close))


def test_tiny_bank_quarter_from_accumulators(tiny_package: Path, tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    assert import_package(tiny_package, home).status == "committed"
    close = close_through(home, date(2025, 3, 31))
    period = Period.parse("2025-Q1")
    full = compute_balance_indicators(DuckDBBackend(FactStore(home)), period)
    folded = compute_balance_indicators(close.backend, period, source=AccumulatorSource(close))
    assert values(folded) == values(full)


def test_a_closed_month_keeps_only_its_point_days_and_whole_month_periods(tmp_path: Path) -> None:
    """After a month is folded only its last day (and 1 January) stay as files; the rest live in the segments."""
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", two_months()), home).status == "committed"
    close = close_through(home, date(2025, 2, 10))
    kept = sorted(p.stem for p in close.days_dir.glob("*.parquet"))
    assert kept[:2] == ["2025-01-01", "2025-01-31"]
    assert kept[2:] == [f"2025-02-{d:02d}" for d in range(1, 11)]  # the open month, day by day
    # the open month to date equals a full recompute of the same days
    period = Period.parse("2025-02").to_date(date(2025, 2, 10))
    full = compute_balance_indicators(DuckDBBackend(FactStore(home)), period)
    folded = compute_balance_indicators(close.backend, period, source=AccumulatorSource(close))
    assert values(folded) == values(full)
    # a period that ends inside a folded month cannot come from whole-month segments: refused, not wrong
    with pytest.raises(StaleAccumulators, match="只按整月保存"):
        compute_balance_indicators(
            close.backend, Period.parse("2025-01").to_date(date(2025, 1, 15)), source=AccumulatorSource(close)
        )
