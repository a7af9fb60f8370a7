"""Ledger policy parsed from a scheme's ``pay.ledger`` section.

The pay ledger (hold-backs, deferral, clawback) reads this frozen dataclass;
the scheme loader validates the section and builds it (see
``rmperf.core.scheme.resolve``). Decimal only, never float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["LedgerPolicy", "ReserveBand"]


@dataclass(frozen=True)
class ReserveBand:  # one band of a banded risk reserve, on the cycle's performance pay
    upto: Decimal | None  # upper bound of the band (None = no bound)
    rate: Decimal | None  # share held back on the part of pay in this band
    flat: Decimal | None  # or a flat amount held back for this band


@dataclass(frozen=True)
class LedgerPolicy:
    reserve_rate: Decimal | None = None  # 002: 0.10-0.15 of performance pay held back
    # or banded: flat 200 up to 2,000 a month, then 20/30/40/50 % on successive bands
    reserve_bands: tuple[ReserveBand, ...] = ()
    reserve_release_after_months: int = 36  # released from the 36th month ...
    reserve_release_share_per_year: Decimal = Decimal(1) / 3  # ... one third a year
    clawback_instalments: int = 3  # a responsible RM's reserve is clawed back in instalments
    deferral_posts: tuple[str, ...] = ()  # key risk posts (e.g. corporate): regulatory deferral applies
    deferral_share: Decimal = Decimal("0.4")  # >= 40 % of performance pay (2010 guideline)
    deferral_years: int = 3  # >= 3 equal yearly tranches
    spike_window_days: int = 0  # 003: year-end point spikes reversing within N days are deferred; 0 = off
