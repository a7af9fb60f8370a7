"""Derived indicators of any indicator (001: 贡献度, 进步率, 计划达到率) and the volatility coefficient.

Pure functions on Decimals: no I/O, no engine. Every result is the exact
quotient rounded once, half-up, to ``places`` decimals (6 by default), and
``None`` where the quotient is undefined (a zero denominator): a scorecard
shows "not applicable" rather than a made-up zero.

- ``contribution(own, group_total)`` 贡献度 [ratio] = own ÷ group total.
- ``progress(current, base)`` 进步率 [ratio] = (current − base) ÷ |base|;
  ``None`` when base is 0 (growth from nothing has no rate).
- ``plan_achievement(actual, target)`` 计划达到率 [ratio] = actual ÷ target;
  ``None`` when the target is 0.
- ``coefficient_of_variation(xs)`` 波动系数 [ratio] = population standard
  deviation ÷ mean (002: 月日均存款波动系数); ``None`` when the mean is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, localcontext

from rmperf.core.money import round_to
from rmperf.engine.indicators import IndicatorValue, OwnerKey

PLACES = 6


def _quotient(numerator: Decimal, denominator: Decimal, places: int, mode: str) -> Decimal | None:
    if denominator == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        q = Decimal(numerator) / Decimal(denominator)
    return round_to(q, places, mode)


def contribution(own: Decimal, group_total: Decimal, places: int = PLACES, mode: str = "half_up") -> Decimal | None:
    """贡献度 [ratio]: ``own ÷ group_total``; ``None`` when the group total is 0."""
    return _quotient(own, group_total, places, mode)


def progress(current: Decimal, base: Decimal, places: int = PLACES, mode: str = "half_up") -> Decimal | None:
    """进步率 [ratio]: ``(current − base) ÷ |base|``; ``None`` when base is 0.

    Dividing by |base| keeps the sign meaningful when the base is negative
    (an increment indicator): going from −100 to −50 is progress +0.5.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        delta = Decimal(current) - Decimal(base)
    return _quotient(delta, abs(Decimal(base)), places, mode)


def plan_achievement(actual: Decimal, target: Decimal, places: int = PLACES, mode: str = "half_up") -> Decimal | None:
    """计划达到率 [ratio]: ``actual ÷ target``; ``None`` when the target is 0."""
    return _quotient(actual, target, places, mode)


def coefficient_of_variation(xs: Sequence[Decimal], places: int = PLACES, mode: str = "half_up") -> Decimal | None:
    """波动系数 [ratio]: population standard deviation ÷ mean of ``xs``.

    Mean and variance are exact (60 significant digits, far beyond any sum
    of fen figures); the square root is taken with the decimal module at 28
    significant digits; the quotient is rounded once. ``None`` when ``xs`` is
    empty or its mean is 0.
    """
    if not xs:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        n = Decimal(len(xs))
        mean = sum(xs, Decimal(0)) / n
        if mean == 0:
            return None
        variance = sum(((x - mean) ** 2 for x in xs), Decimal(0)) / n
    with localcontext() as ctx:
        ctx.prec = 28
        sd = variance.sqrt()
    return _quotient(sd, mean, places, mode)


Group = Callable[[OwnerKey], str | None]


def contribution_values(
    values: Iterable[IndicatorValue], group: Group, places: int = PLACES, mode: str = "half_up"
) -> list[IndicatorValue]:
    """Each owner's share of its group's total (贡献度), per indicator and category.

    ``group(owner)`` names the owner's group (e.g. ``peer_groups`` below: the
    same post within a branch) or ``None`` to leave the owner out. The group
    total is the sum of the members' values as given. The result's indicator
    is ``<indicator>_contribution``; owners of a group whose total is 0 get
    no value.
    """
    members: list[tuple[str, IndicatorValue]] = []
    totals: dict[tuple[str, str, str], Decimal] = {}
    for v in values:
        g = group((v.owner_kind, v.owner_id))
        if g is None:
            continue
        members.append((g, v))
        key = (g, v.indicator, v.category)
        totals[key] = totals.get(key, Decimal(0)) + v.value
    out: list[IndicatorValue] = []
    for g, v in members:
        share = contribution(v.value, totals[(g, v.indicator, v.category)], places, mode)
        if share is not None:
            out.append(IndicatorValue(v.owner_kind, v.owner_id, f"{v.indicator}_contribution", v.category, share))
    return out


def progress_values(
    current: Iterable[IndicatorValue], base: Iterable[IndicatorValue], places: int = PLACES, mode: str = "half_up"
) -> list[IndicatorValue]:
    """进步率 of each value against the same owner, indicator and category in ``base`` (another period).

    The result's indicator is ``<indicator>_progress``; values without a base
    or with a base of 0 get none.
    """
    by_key = {(b.owner_kind, b.owner_id, b.indicator, b.category): b.value for b in base}
    out: list[IndicatorValue] = []
    for v in current:
        b = by_key.get((v.owner_kind, v.owner_id, v.indicator, v.category))
        p = None if b is None else progress(v.value, b, places, mode)
        if p is not None:
            out.append(IndicatorValue(v.owner_kind, v.owner_id, f"{v.indicator}_progress", v.category, p))
    return out


def plan_achievement_values(
    values: Iterable[IndicatorValue],
    targets: Mapping[tuple[str, str, str, str], Decimal],
    places: int = PLACES,
    mode: str = "half_up",
) -> list[IndicatorValue]:
    """计划达到率 of each value whose (owner_kind, owner_id, indicator, category) has a target.

    The result's indicator is ``<indicator>_plan_achievement``; a target of 0 gives none.
    """
    out: list[IndicatorValue] = []
    for v in values:
        t = targets.get((v.owner_kind, v.owner_id, v.indicator, v.category))
        a = None if t is None else plan_achievement(v.value, t, places, mode)
        if a is not None:
            out.append(IndicatorValue(v.owner_kind, v.owner_id, f"{v.indicator}_plan_achievement", v.category, a))
    return out


def peer_groups(
    managers: Iterable[tuple[str, str, str]], parent: Mapping[str, str | None], level_of: Mapping[str, str]
) -> Group:
    """A ``group`` for ``contribution_values``: RMs of the same post within the same branch.

    ``managers`` yields (rm_id, org_id, post); ``parent`` and ``level_of`` map
    an org to its parent and its level. An RM's branch is the nearest org of
    level ``branch`` at or above its own (the head office when there is none).
    Non-RM owners get no group.
    """

    def branch_of(org: str | None) -> str | None:
        seen: set[str] = set()
        last = org
        while org is not None and org not in seen:
            seen.add(org)
            last = org
            if level_of.get(org) == "branch":
                return org
            org = parent.get(org)
        return last

    table = {rm: f"{branch_of(org)}/{post}" for rm, org, post in managers}

    def group(owner: OwnerKey) -> str | None:
        return table.get(owner[1]) if owner[0] == "rm" else None

    return group
