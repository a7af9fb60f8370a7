"""What a run feeds the scheme evaluator: the RMs, their indicator values, last year's, the ratings.

The engine computes indicators per owner; a scheme reads them per RM as
``code:category``. Only the groups of indicators a scheme needs are computed
(balances, flows, quality), with the engine parameters the scheme sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rmperf.core import indicators as catalogue
from rmperf.core.indicators import InputKey
from rmperf.core.periods import Period
from rmperf.core.scheme.plan import RmContext
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import IndicatorValue, MissingInput
from rmperf.engine.params import EngineParams

#: per rm_id: ``code:category`` → value
Values = dict[str, dict[InputKey, Decimal]]


def same_period_last_year(period: Period) -> Period:
    """2025-Q2 → 2024-Q2, 2025 → 2024, 2025-06 → 2024-06."""
    year, _, part = period.label.partition("-")
    return Period.parse(f"{int(year) - 1}" + (f"-{part}" if part else ""))


def rm_contexts(backend: Backend) -> dict[str, RmContext]:
    """Every RM of ``managers`` with the org facts a scheme groups and varies by.

    ``region_type`` is inherited from the nearest org above that has one
    (the contract: inherited from the parent when empty).
    """
    orgs = {
        r[0]: {"parent": r[1], "level": r[2], "region": r[3], "name": r[4]}
        for r in backend.query("SELECT org_id, parent_id, level, region_type, name FROM orgs")
    }

    def path(org_id: str) -> list[str]:
        out: list[str] = []
        current: str | None = org_id
        while current is not None and current in orgs and current not in out:
            out.append(current)
            current = orgs[current]["parent"]
        return list(reversed(out))

    out: dict[str, RmContext] = {}
    rows = backend.query("SELECT rm_id, name, org_id, post, grade, team FROM managers ORDER BY rm_id")
    for rm_id, name, org_id, post, grade, team in rows:
        org_path = path(org_id)
        region = next((orgs[o]["region"] for o in reversed(org_path) if orgs[o]["region"]), None)
        branch = next((o for o in org_path if orgs[o]["level"] == "branch"), None)
        subbranch = next((o for o in org_path if orgs[o]["level"] == "subbranch"), None)
        out[rm_id] = RmContext(
            rm_id=rm_id,
            post=post,
            org_id=org_id,
            org_path=tuple(org_path),
            region_type=region,
            branch=branch,
            subbranch=subbranch,
            grade=grade,
            team=team or None,
            name=name,
        )
    return out


@dataclass
class EngineValues:
    """The indicator values of one period, per RM, with what the engine had to say."""

    period: Period
    values: Values = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: codes whose input table is absent: the scheme sees them as missing, never as zero
    missing: dict[str, str] = field(default_factory=dict)


def _groups(codes: Iterable[str]) -> set[str]:
    """The engine groups that compute ``codes`` (custom and manual codes belong to none)."""
    return {d.group for c in codes if (d := catalogue.CATALOGUE.get(c)) is not None and d.group != "signals"}


def breakdowns_of(inputs: Iterable[tuple[str, str]]) -> list[str]:
    """The balance breakdowns a scheme's categories name: ``deposit/customer_kind=personal`` → ``customer_kind``."""
    out: list[str] = []
    for _, category in inputs:
        for part in category.split("/")[1:]:
            name = part.split("=", 1)[0]
            if name not in out:
                out.append(name)
    return out


def engine_values(
    backend: Backend,
    period: Period,
    codes: Iterable[str],
    parameters: Mapping[str, Any],
    source: Any = None,
    breakdowns: Iterable[str] = (),
) -> EngineValues:
    """The RM-level values of every indicator in the groups ``codes`` belong to.

    ``source`` is the balance source (scan or the daily close's accumulators);
    ``breakdowns`` the balance breakdowns (``customer_kind``, ``currency`` …)
    whose categories the scheme reads.
    """
    from rmperf.engine import attribution as attr
    from rmperf.engine.flows import compute_flow_indicators
    from rmperf.engine.indicators import compute_balance_indicators
    from rmperf.engine.quality import compute_quality_indicators

    params = EngineParams.of(parameters)
    groups = _groups(codes)
    out = EngineValues(period)
    values: list[IndicatorValue] = []
    try:
        if "balances" in groups:
            result = compute_balance_indicators(
                backend,
                period,
                basis=params.basis,
                rounding=params.rounding,
                source=source or attr.SCAN,
                breakdown=list(breakdowns),
            )
            values += result.values
            out.notes += result.notes
        if "flows" in groups:
            flows = compute_flow_indicators(backend, period, params.flows)
            values += flows.values
            out.notes += flows.notes
        if "quality" in groups:
            quality = compute_quality_indicators(backend, period, params.quality)
            values += quality.values
            out.notes += quality.notes
            out.missing.update(getattr(quality, "missing", {}) or {})
    except MissingInput as exc:
        out.notes.append(f"missing_input:{exc}")
        return out
    for v in values:
        if v.owner_kind == "rm":
            out.values.setdefault(v.owner_id, {})[InputKey(v.indicator, v.category)] = v.value
    return out


def ratings_rows(backend: Backend, period: Period) -> list[dict[str, Any]]:
    """The ``ratings`` table's rows for ``period`` (by its label), as dicts."""
    if not backend.has_rows("ratings"):
        return []
    rows = backend.query(
        "SELECT period, rm_id, rater_id, rater_role, criterion, score FROM ratings "
        f"WHERE period = '{period.label}' ORDER BY rm_id, rater_role, rater_id, criterion"
    )
    names = ("period", "rm_id", "rater_id", "rater_role", "criterion", "score")
    return [dict(zip(names, r, strict=True)) for r in rows]
