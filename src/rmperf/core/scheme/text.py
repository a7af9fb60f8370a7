"""Numbers as written in a trace (``1250 × 0.8 = 1000``), fast.

The same text as ``rmperf.core.scoring.fmt`` (plain notation, no trailing
zeros, ``≈`` when longer than its 10 decimals), with a fast path for the
common case: a run writes a few hundred thousand of these.
"""

from __future__ import annotations

from decimal import Decimal

from rmperf.core.scoring import FORMULA_PLACES, fmt


def show(value: Decimal) -> str:
    """``value`` as written in a formula."""
    text = format(value, "f")
    point = text.find(".")
    if point >= 0:
        if len(text) - point - 1 > FORMULA_PLACES:
            return fmt(value)
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("0", "-0", "") else text


def operand(value: Decimal) -> str:
    """``value`` as an operand: negatives in parentheses."""
    text = show(value)
    return f"({text})" if value < 0 else text
