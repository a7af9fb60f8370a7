"""Money: Decimal yuan, rounded once, half-up to the fen unless a scheme says otherwise.

Engines sum exactly (DECIMAL with enough scale, never DOUBLE); the one
rounding of a reported figure happens here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def to_fen(amount: Decimal, mode: str = "half_up") -> Decimal:
    """Round yuan to the fen (0.01) with ``mode`` (half_up by default)."""
    return amount.quantize(FEN, rounding=ROUNDING_MODES[mode])


def round_to(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """Round a non-money figure (a rate, a ratio) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode])


def divide(numerator: Decimal, denominator: Decimal | int, places: int = 2, mode: str = "half_up") -> Decimal:
    """``numerator / denominator`` rounded once to ``places`` decimals.

    The quotient is taken at 60 significant digits (far more than any money
    figure has) before the one rounding, so the result is the exact
    quotient rounded.
    """
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        quotient = Decimal(numerator) / Decimal(denominator)
    return round_to(quotient, places, mode)
