"""Period-end spikes (冲时点): the part of the point increase that is gone again within the window."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import DuckDBBackend
from rmperf.engine.spikes import compute_spikes
from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import minimal_tables, write_package

pytestmark = pytest.mark.django_db


#: A1 (demand deposit of C1: RM 0001 60 %, RM 0002 40 %): 1,000 at the baseline, 5,000 on 31 March,
#: then 2,000 / 4,500 / 3,000 on the three days after
QUARTER_END_SPIKE = {
    "2024-12-31": "1000.00",
    "2025-03-31": "5000.00",
    "2025-04-01": "2000.00",
    "2025-04-02": "4500.00",
    "2025-04-03": "3000.00",
}


def home_with_a1(tmp_path: Path, days: dict[str, str]) -> Home:
    """The minimal bank whose only balances are A1's on ``days``."""
    tables = minimal_tables()
    tables["balances"] = [{"date": d, "account_id": "A1", "balance": b} for d, b in days.items()]
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    return home


def test_the_reversed_part_of_a_quarter_end_rise_is_measured_and_credited(tmp_path: Path) -> None:
    backend = DuckDBBackend(FactStore(home_with_a1(tmp_path, QUARTER_END_SPIKE)))
    # rise = 5,000 − 1,000 = 4,000; lowest in the window 2,000 → reversed 3,000 (≤ the rise)
    result = compute_spikes(backend, Period.parse("2025-Q1"), 3)
    assert result.complete
    got = {(v.owner_kind, v.owner_id): v.value for v in result.values}
    assert got[("rm", "0001")] == Decimal("1800.00")  # 60 %
    assert got[("rm", "0002")] == Decimal("1200.00")  # 40 %
    assert got[("org", "S1")] == Decimal("3000.00")
    # a one-day window sees only the 2,000 day: still 3,000; a window past the data is not measured
    assert {(v.owner_kind, v.owner_id): v.value for v in compute_spikes(backend, Period.parse("2025-Q1"), 1).values}[
        ("org", "S1")
    ] == Decimal("3000.00")
    late = compute_spikes(backend, Period.parse("2025-Q1"), 5)
    assert not late.complete
    assert late.values == []
    assert late.notes == ["spike_window_incomplete:2025-04-05"]


def test_a_reversal_never_exceeds_the_rise(tmp_path: Path) -> None:
    # baseline 4,000, 5,000 at the quarter end, 2,000 after: rise 1,000, fall 3,000 → only the 1,000 rise is a spike
    home = home_with_a1(tmp_path, {"2024-12-31": "4000.00", "2025-03-31": "5000.00", "2025-04-01": "2000.00"})
    result = compute_spikes(DuckDBBackend(FactStore(home)), Period.parse("2025-Q1"), 1)
    assert {(v.owner_kind, v.owner_id): v.value for v in result.values}[("org", "S1")] == Decimal("1000.00")


def test_a_reversal_is_explained_by_its_deposits(tmp_path: Path) -> None:
    """``explain`` opens the spike reversal to A1, for each owner and the sub-branch; a window is required."""
    from rmperf.engine.explain import explain

    backend = DuckDBBackend(FactStore(home_with_a1(tmp_path, QUARTER_END_SPIKE)))
    q1 = Period.parse("2025-Q1")
    for owner, value in ((("rm", "0001"), "1800.00"), (("rm", "0002"), "1200.00"), (("org", "S1"), "3000.00")):
        e = explain(backend, q1, owner, "spike_reversal", spike_window=3)
        assert e.value == Decimal(value)
        assert [(c.account_id, c.customer_id, c.value) for c in e.accounts] == [("A1", "C1", Decimal(value))]
    with pytest.raises(ValueError, match="window"):
        explain(backend, q1, ("rm", "0001"), "spike_reversal")
    with pytest.raises(LookupError, match="not in the store"):
        explain(backend, q1, ("rm", "0001"), "spike_reversal", spike_window=5)
