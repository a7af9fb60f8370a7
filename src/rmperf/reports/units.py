"""Units of a run's figures, and how many decimal places an exported figure carries.

A run's trace keeps every value exact (a custom formula's yuan to 60 digits);
an export shows each figure with the places its unit has: yuan to the fen,
ratios to 6 places (the engine's), counts whole (two places for weighted
counts), scores and other numbers to the scheme's ``rounding.places`` at most.
Rounding is half-up, once, from the exact stored value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rmperf.core.scheme import Scheme

#: engine and scheme units → how a value of that unit is shown
UNIT_KIND = {
    "yuan": "money",
    "yuan·days": "money",
    "元": "money",
    "万元": "money",
    "ratio": "ratio",
    "percent": "ratio",
    "%": "ratio",
    "count": "count",
    "score": "score",
    "points": "score",
    "hours": "score",
}
#: decimal places of an exported figure, by kind (``None``: the scheme's score places)
EXPORT_PLACES: dict[str, int | None] = {"money": 2, "ratio": 6, "count": 2, "score": None, "number": 6}


@cache
def engine_units() -> dict[str, str]:
    from rmperf.core.indicators import CATALOGUE, SCHEME_CODES

    return {code: d.unit for code, d in CATALOGUE.items() if code in SCHEME_CODES}


def kind_of_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    return UNIT_KIND.get(unit.strip().lower(), UNIT_KIND.get(unit.strip()))


def units_of_scheme(scheme: Scheme) -> dict[str, str]:
    """Input and custom-indicator name → unit, from a loaded scheme.

    A run's payload names each item's input; an engine input carries its
    indicator code (and so its unit), but a custom indicator's ``unit:`` is
    only in the scheme file.
    """
    defs = engine_units()
    out: dict[str, str] = {}
    for name, spec in scheme.inputs.items():
        if spec.indicator is not None and spec.indicator in defs:
            out[name] = defs[spec.indicator]
    for name, custom in scheme.custom.items():
        if custom.unit:
            out[name] = custom.unit
    return out


def item_kind(item: Mapping[str, Any], traces: Mapping[str, Mapping[str, Any]], units: Mapping[str, str]) -> str:
    """How an item's value and target are shown: from ``units``, else the engine indicator's unit."""
    key, source = item.get("key"), item.get("input")
    for name in (key, source):
        if name and name in units:
            kind = kind_of_unit(units[name])
            if kind:
                return kind
    if item.get("method") == "rating":
        return "score"
    if source:
        trace = traces.get(str(source))
        code: str | None = None
        if trace is not None and trace.get("indicator"):
            code = str(trace["indicator"])
        elif trace is None or trace.get("kind") == "engine":
            code = str(source).partition(":")[0]  # an engine code used directly
        if code is not None:
            kind = kind_of_unit(engine_units().get(code))
            if kind:
                return kind
    return "number"


def exported(value: Any, kind: str, score_places: int = 2) -> str:
    """``value`` (a payload's exact decimal text) with the places of ``kind``: money always 2, others at most."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = EXPORT_PLACES.get(kind, 6)
    if places is None:
        places = score_places
    quantum = Decimal(1).scaleb(-places)
    if kind == "money":
        return format(number.quantize(quantum, ROUND_HALF_UP), "f")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        number = number.quantize(quantum, ROUND_HALF_UP)
    return format(number, "f")
