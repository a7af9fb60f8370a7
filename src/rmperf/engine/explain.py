"""Explanations (明细): the accounts, and on request the days, behind an indicator value.

The contributions are exact shares of the exact figure, rounded to the fen
by largest remainder, so they add up to the reported value to the fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from rmperf.core.allocation import largest_remainder
from rmperf.core.indicators import CATALOGUE
from rmperf.core.money import divide, to_fen
from rmperf.core.periods import Period
from rmperf.engine import flows, quality, spikes
from rmperf.engine import indicators as balances
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import OrgTree, OwnerKey
from rmperf.engine.params import EngineParams
from rmperf.engine.rows import Row


@dataclass(frozen=True)
class Contribution:
    account_id: str
    customer_id: str
    category: str
    value: Decimal  # rounded; the contributions sum to the explained value
    exact: Decimal


@dataclass
class Explanation:
    owner: OwnerKey
    indicator: str
    category: str
    period: Period
    value: Decimal
    accounts: list[Contribution]
    days: list[tuple[str, date, Decimal]] = field(default_factory=list)  # account, day, exact amount
    notes: list[str] = field(default_factory=list)
    #: a ratio's ``numerator`` and ``denominator``, each opened to the rows that add up to it
    parts: dict[str, Explanation] = field(default_factory=dict)


def explainable() -> tuple[str, ...]:
    """Every indicator :func:`explain` can open down to accounts (or fee rows and customers), or by its parts."""
    return (*balances.EXPLAINED, *flows.EXPLAINED, *spikes.EXPLAINED, *quality.EXPLAINED, *quality.RATIOS)


def _ranked(rows: Iterable[Row], value: Decimal, category: str = "all") -> list[Contribution]:
    """The rows (of ``category``, unless ``all``) summed per item, rounded to ``value`` by largest
    remainder, largest first."""
    exact: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, str]] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for r in rows:
            if category != "all" and r.category != category:
                continue
            exact[r.item] = exact.get(r.item, Decimal(0)) + r.amount
            meta[r.item] = (r.customer_id, r.category)
        rounded = largest_remainder(exact, value)
    return sorted(
        (Contribution(i, meta[i][0], meta[i][1], rounded[i], exact[i]) for i in exact),
        key=lambda c: (-abs(c.exact), c.account_id),
    )


def _computed(
    backend: Backend,
    period: Period,
    group: str,
    params: EngineParams,
    spike_window: int | None,
    cache: dict[Any, Any] | None = None,
    category: str = "all",
) -> Any:
    """The result of the engine group that computes an indicator, for ``period``.

    With ``cache`` (one dict per backend, from a caller explaining many
    indicators of one period), a flow, quality or spike group is computed
    once: its working tables stay in the backend, and no other group writes
    them. The balances are computed each time (the other groups' plans
    share the attribution's tables).
    """
    key = (group, period.label, repr(params), spike_window if group == "signals" else None)
    if cache is not None and key in cache:
        return cache[key]
    result: Any
    if group == "balances":
        return balances.compute_balance_indicators(
            backend, period, basis=params.basis, rounding=params.rounding, breakdown=balances.breakdown_of(category)
        )
    if group == "signals":
        if spike_window is None:
            raise ValueError("spike_reversal is measured over a window: give its days (--window)")
        result = spikes.compute_spikes(backend, period, spike_window, params.rounding)
        if not result.complete:
            raise LookupError(f"the {spike_window}-day window after {period} is not in the store yet")
    elif group == "flows":
        result = flows.compute_flow_indicators(backend, period, params.flows)
    else:
        result = quality.compute_quality_indicators(backend, period, params.quality)
    if cache is not None:
        cache[key] = result
    return result


def explain(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    category: str = "all",
    *,
    params: EngineParams | None = None,
    with_days: bool = False,
    spike_window: int | None = None,
    cache: dict[Any, Any] | None = None,
) -> Explanation:
    """The accounts behind ``indicator`` of ``owner`` in ``period``, summing to its value.

    Balance indicators open to accounts (and days); fee income, provisions,
    unpaid interest and new loans to the accounts (a fee booked to a customer
    without an account: to the customer); cards issued and newly active to
    the cards; customer counts to the customers; visits to the customers (or
    villages) visited; the NPL balance and its reduction, the agricultural
    and inclusive increments, new loans and post-loan checks to the loans;
    first-time borrowers to the customers; compliance counts and points to
    the findings; expenses to their rows; expected loss, risk-adjusted
    profit, economic capital and EVA to the accounts; the spike reversal
    (over ``spike_window`` days) to the deposits. A ratio's rows do not add
    up to it: it is opened by its parts (``Explanation.parts``), the
    numerator and the denominator. The rows come, as values, from the group
    that computed the figure (``rows_behind``; ``engine.rows``).

    ``params`` are the settings the figure was computed with (a run's: its
    scheme's ``parameters``); the seeds' defaults when not given.
    """
    params = params or EngineParams()
    if indicator not in explainable():
        raise ValueError(f"no account-level explanation for {indicator}; use one of {', '.join(explainable())}")
    group = CATALOGUE[indicator].group
    if indicator in quality.RISK or indicator in quality.RATIOS:
        category = "all"  # they have no categories
    elif group == "signals" and category == "all":
        category = "deposit"  # deposits are all it has
    result = _computed(backend, period, group, params, spike_window, cache, category)
    value = result.get(owner, indicator, category)
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} {category} in {period}")
    owners = _underlying_owners(backend, owner)
    notes = list(result.notes)
    if indicator in quality.RATIOS:
        return _by_parts(backend, period, owner, indicator, value, owners, params, notes)
    days: list[tuple[str, date, Decimal]] = []
    rows: list[Row]
    if group == "balances":
        rows = balances.rows_behind(backend, result, indicator, category, owners)
        if with_days and indicator in balances.DAILY:
            days = balances.days_behind(backend, result, indicator, category, owners)
    elif group == "signals":
        rows = spikes.rows_behind(backend, period, owners)
    elif group == "flows":
        rows = flows.rows_behind(backend, period, indicator, owners, params.flows)
    else:
        rows = quality.rows_behind(backend, period, indicator, owners, params.quality)
    return Explanation(owner, indicator, category, period, value, _ranked(rows, value, category), days, notes)


def _by_parts(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    value: Decimal,
    owners: set[OwnerKey],
    params: EngineParams,
    notes: list[str],
) -> Explanation:
    """A ratio, by its parts: the rows behind the numerator and the denominator, each adding up to its part.

    The ratio itself is not opened (its parts do not add up to it); its
    ``parts`` are, and the numerator's exact total over the denominator's,
    rounded as the indicator is, gives the value.
    """
    places, top, bottom = quality.parts_behind(backend, period, indicator, owners)
    parts: dict[str, Explanation] = {}
    totals: list[Decimal] = []
    with localcontext() as ctx:
        ctx.prec = 60
        for side, rows in (("numerator", top), ("denominator", bottom)):
            totals.append(sum((r.amount for r in rows), Decimal(0)))
            shown = to_fen(totals[-1], params.rounding)
            parts[side] = Explanation(owner, f"{indicator}:{side}", "all", period, shown, _ranked(rows, shown))
    if totals[1] == 0 or divide(totals[0], totals[1], places, params.rounding) != value:
        notes.append("parts_do_not_reproduce_value")
    return Explanation(owner, indicator, "all", period, value, [], [], notes, parts)


def _underlying_owners(backend: Backend, owner: OwnerKey) -> set[OwnerKey]:
    """The RMs and pools whose figures make up ``owner`` (itself, for an RM or a pool)."""
    if owner[0] in ("rm", "pool"):
        return {owner}
    tree = OrgTree.load(backend)
    candidates = {("rm", r) for r in tree.rm_org} | {("pool", o) for o in tree.parent}
    found = {o for o in candidates if owner in tree.units_of(o)}
    if owner[0] == "org":  # amounts booked to an org unit itself (expenses) count for it and every org above
        found |= {("org", o) for o in tree.parent if owner[1] in tree.ancestors(o)}
    return found
