"""Size parameters of the demo bank (演示银行规模参数).

Every size runs the same code; only these numbers differ. ``customers`` is
calibrated so that the generated account count lands near the target in the
docstring of each size (about 2 accounts per customer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeConfig:
    """How big the demo bank is.

    ``months`` is the data horizon: balances and monthly events cover
    1 January to the last day of month ``months`` of the year.
    """

    name: str
    branches: int
    subbranches: int
    rms: int
    customers: int
    months: int
    villages_per_agri_subbranch: int


SIZES: dict[str, SizeConfig] = {
    # ≈ 8 RMs, 300 customers, 3 months: unit tests, generates in well under 2 s
    "tiny": SizeConfig("tiny", 3, 3, 8, 300, 3, 4),
    # ≈ 120 RMs, 20,000 customers, a full year of daily balances
    "small": SizeConfig("small", 4, 12, 120, 20_000, 12, 8),
    # ≈ 600 RMs, 200,000 accounts
    "medium": SizeConfig("medium", 8, 50, 600, 100_000, 12, 10),
    # 3,000 RMs, ≈ 1,000,000 accounts, 365 days: streamed, bounded memory
    "large": SizeConfig("large", 20, 200, 3_000, 500_000, 12, 12),
}


def size_config(size: str) -> SizeConfig:
    """Return the parameters of a named size; ValueError for an unknown name."""
    try:
        return SIZES[size]
    except KeyError:
        known = ", ".join(SIZES)
        raise ValueError(f"unknown demo size {size!r}; expected one of {known}") from None
