"""A stored run re-scored with some of its engine figures changed, everything else held as it was.

The year-end spike (003 附件4 绩效调整1 冲时点) defers the part of the pay that a period-end rise
explains: the pay of the run as it is, less the pay of the same run had the reversed rise never been
in the period-end balances. ``reevaluate`` gives that second result: the run's own scheme text and
period, the engine values of its trace with ``lowered`` amounts taken off, its manual values, and
every item's target — and, for items scored against other RMs (ranks, ratings), its score — frozen as
stored, so only what the RM's own figures drive can move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rmperf.core.indicators import InputKey
from rmperf.core.periods import Period
from rmperf.core.scheme import build_plan, evaluate, load_scheme, resolve
from rmperf.core.scheme.evaluate import Frozen, TargetTrace
from rmperf.core.scheme.plan import RmContext

Key = InputKey


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def frozen_of(payloads: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], Frozen]:
    """(rm_id, item) → the item's stored target and relative score."""
    out: dict[tuple[str, str], Frozen] = {}
    for p in payloads:
        for d in p["dimensions"]:
            for i in d["items"]:
                t = i.get("target")
                target = None
                if t:
                    start = t.get("from")
                    target = TargetTrace(
                        str(t["kind"]),
                        _dec(t.get("value")),
                        date.fromisoformat(start) if start else None,
                        t.get("ref"),
                        str(t.get("formula") or ""),
                    )
                out[(p["rm_id"], i["key"])] = Frozen(
                    target,
                    _dec(i.get("exact")),
                    _dec(i.get("value")),
                    str(i.get("formula") or ""),
                    i.get("rank"),
                    i.get("rank_n"),
                    i.get("group"),
                )
    return out


def traced_values(
    payloads: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, dict[Key, Decimal | None]], dict[str, dict[str, Decimal | None]]]:
    """The engine values and the manual values of each RM's trace."""
    engine: dict[str, dict[Key, Decimal | None]] = {}
    manual: dict[str, dict[str, Decimal | None]] = {}
    for p in payloads:
        for v in p.get("values") or ():
            if v.get("kind") == "engine" and v.get("indicator"):
                engine.setdefault(p["rm_id"], {})[InputKey(v["indicator"], v.get("category") or "all")] = _dec(
                    v.get("value")
                )
            elif v.get("kind") == "manual":
                manual.setdefault(p["rm_id"], {})[v["name"]] = _dec(v.get("value"))
    return engine, manual


def reevaluate(
    scheme_text: str,
    scheme_source: str,
    period_label: str,
    payloads: Sequence[Mapping[str, Any]],
    rms: Sequence[RmContext],
    lowered: Mapping[str, Mapping[Key, Decimal]],
) -> list[dict[str, Any]]:
    """The run's payloads had each RM's engine values been ``lowered`` by the amounts given (rm → key → yuan)."""
    scheme = load_scheme(scheme_text, source=scheme_source)
    period = Period.parse(period_label)
    plan = build_plan(resolve(scheme, period.start, period.end, period.kind, label=period.label))
    engine, manual = traced_values(payloads)
    for rm, changes in lowered.items():
        row = engine.setdefault(rm, {})
        for key, amount in changes.items():
            if row.get(key) is not None:
                row[key] = row[key] - amount  # type: ignore[operator]
    appraised = {p["rm_id"] for p in payloads}
    reasons = {p["rm_id"]: str(p["veto_reason"]) for p in payloads if p.get("veto_reason")}
    result = evaluate(
        plan,
        [c for c in rms if c.rm_id in appraised],
        engine,
        manual=manual or None,
        veto_reasons=reasons or None,
        frozen=frozen_of(payloads),
    )
    return [r.to_dict() for r in result.results]
