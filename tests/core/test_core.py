"""The pure core: periods, rounding, largest-remainder allocation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmperf.core.allocation import largest_remainder
from rmperf.core.money import divide, to_fen
from rmperf.core.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("label", "start", "end", "days", "kind"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), 365, PeriodKind.YEAR),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), 366, PeriodKind.YEAR),
        ("2025-H2", date(2025, 7, 1), date(2025, 12, 31), 184, PeriodKind.HALF),
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), 90, PeriodKind.QUARTER),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 29, PeriodKind.MONTH),
    ],
)
def test_periods(label: str, start: date, end: date, days: int, kind: PeriodKind) -> None:
    period = Period.parse(label)
    assert (period.start, period.end, period.days, period.kind, str(period)) == (start, end, days, kind, label)


@pytest.mark.parametrize("bad", ["2025-Q5", "2025-13", "25", "2025-h1", ""])
def test_bad_period(bad: str) -> None:
    from rmperf.errors import PeriodError

    with pytest.raises(PeriodError) as refused:
        Period.parse(bad)
    assert refused.value.code == "value.period"
    assert "expected 2025, 2025-H1, 2025-Q2 or 2025-06" in refused.value.render("en")


def test_rounding_is_half_up_once() -> None:
    assert to_fen(Decimal("0.005")) == Decimal("0.01")
    assert to_fen(Decimal("0.015"), "half_even") == Decimal("0.02")
    assert to_fen(Decimal("0.025"), "half_even") == Decimal("0.02")
    assert divide(Decimal("1320.06"), 31) == Decimal("42.58")
    assert divide(Decimal("1"), 3, 4) == Decimal("0.3333")


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False), min_size=1, max_size=40))
def test_largest_remainder_sums_exactly(parts: list[Decimal]) -> None:
    exact = {f"k{i:02d}": p for i, p in enumerate(parts)}
    total = to_fen(sum(parts, Decimal(0)))
    split = largest_remainder(exact, total)
    assert sum(split.values(), Decimal(0)) == total
    for key, value in split.items():
        assert abs(value - exact[key]) < Decimal("0.01")
        assert value == value.quantize(Decimal("0.01"))
