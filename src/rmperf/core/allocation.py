"""Splitting an amount into parts that sum to it exactly (largest remainder).

Used wherever rounded parts must add up to a rounded whole: a bonus pool
split by points, or a reported figure explained account by account.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def largest_remainder(
    exact: Mapping[K, Decimal], total: Decimal, quantum: Decimal = Decimal("0.01")
) -> dict[K, Decimal]:
    """Round each exact part to ``quantum`` so that the parts sum to ``total``.

    Each part is first rounded down; the quanta still missing go one each to
    the parts with the largest remainders (ties: the smaller key first, so
    the result never depends on input order). ``total`` must be a multiple of
    ``quantum`` within one quantum per part of the exact sum.
    """
    floors = {k: (v / quantum).to_integral_value(rounding=ROUND_FLOOR) for k, v in exact.items()}
    missing = int((total / quantum) - sum(floors.values(), Decimal(0)))
    if missing < 0 or missing > len(exact):
        raise ValueError(f"cannot split {total} into parts of {sum(exact.values(), Decimal(0))}")
    order = sorted(exact, key=lambda k: (-(exact[k] / quantum - floors[k]), str(k)))
    bump = set(order[:missing])
    return {k: (floors[k] + (1 if k in bump else 0)) * quantum for k in exact}
