"""Explanations (明细): the accounts, and on request the days, behind an indicator value.

The contributions are exact shares of the exact figure, rounded to the fen
by largest remainder, so they add up to the reported value to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from rmperf.core.allocation import largest_remainder
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import CATEGORIES, BalanceResult, OrgTree, OwnerKey, compute_balance_indicators


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


_COLUMNS = {
    # indicator -> (attributed table, column, divisor kind)
    "accumulated_balance": (("p_attr", "jishu", 1),),
    "daily_average": (("p_attr", "jishu", "days"),),
    "ftp_profit": (("p_attr", "spread_jishu", "basis"),),
    "point_balance": (("pt_attr", "balance", 1),),
    "baseline_point": (("bp_attr", "balance", 1),),
    "point_increment": (("pt_attr", "balance", 1), ("bp_attr", "balance", -1)),
    "aum": (("pt_attr", "balance", 1),),
    "aum_increment": (("pt_attr", "balance", 1), ("bp_attr", "balance", -1)),
}


def explain(
    backend: Backend,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    category: str = "all",
    *,
    basis: int = 365,
    rounding: str = "half_up",
    with_days: bool = False,
) -> Explanation:
    """The accounts behind ``indicator`` of ``owner`` in ``period``, summing to its value."""
    if indicator not in _COLUMNS:
        raise ValueError(f"no account-level explanation for {indicator}; use one of {', '.join(_COLUMNS)}")
    result: BalanceResult = compute_balance_indicators(backend, period, basis=basis, rounding=rounding)
    value = result.get(owner, indicator, category)
    if value is None:
        raise LookupError(f"{owner[0]} {owner[1]} has no {indicator} in {period}")
    owners = _underlying_owners(backend, owner)
    cats: tuple[str, ...] = (
        ("deposit", "wealth") if indicator.startswith("aum") else (CATEGORIES if category == "all" else (category,))
    )
    if indicator == "ftp_profit":
        cats = tuple(c for c in cats if c != "wealth")
    backend.register_rows("ex_owner", [("owner_kind", "VARCHAR"), ("owner_id", "VARCHAR")], sorted(owners))
    cat_list = ", ".join(f"'{c}'" for c in cats)
    exact: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, str]] = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for table, column, how in _COLUMNS[indicator]:
            rows = backend.query(
                f"SELECT t.account_id, a.customer_id, a.category, sum(t.{column}) FROM {table} t "
                "JOIN ex_owner o ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id "
                f"JOIN accounts a ON a.account_id = t.account_id WHERE a.category IN ({cat_list}) "
                "GROUP BY t.account_id, a.customer_id, a.category"
            )
            for account_id, customer_id, cat, amount in rows:
                if amount is None:
                    continue
                part = Decimal(amount)
                if how == "days":
                    part = part / period.days
                elif how == "basis":
                    part = part / basis
                elif how == -1:
                    part = -part
                exact[account_id] = exact.get(account_id, Decimal(0)) + part
                meta[account_id] = (customer_id, cat)
        rounded = largest_remainder(exact, value)
    accounts = sorted(
        (Contribution(a, meta[a][0], meta[a][1], rounded[a], exact[a]) for a in exact),
        key=lambda c: (-abs(c.exact), c.account_id),
    )
    days = (
        _days(backend, period, owners, cats)
        if with_days and indicator in ("accumulated_balance", "daily_average")
        else []
    )
    return Explanation(owner, indicator, category, period, value, accounts, days, result.notes)


def _underlying_owners(backend: Backend, owner: OwnerKey) -> set[tuple[str, str]]:
    """The RMs and pools whose figures make up ``owner`` (itself, for an RM or a pool)."""
    if owner[0] in ("rm", "pool"):
        return {owner}
    tree = OrgTree.load(backend)
    candidates = {("rm", r) for r in tree.rm_org} | {("pool", o) for o in tree.parent}
    return {o for o in candidates if owner in tree.units_of(o)}


def _days(
    backend: Backend, period: Period, owners: set[tuple[str, str]], cats: tuple[str, ...]
) -> list[tuple[str, date, Decimal]]:
    """Each day's attributed CNY balance of each account, for the explained owners."""
    cat_list = ", ".join(f"'{c}'" for c in cats)
    start, end = f"DATE '{period.start}'", f"DATE '{period.end}'"
    backend.create_table(
        "exd_bal",
        f"""
        SELECT b.account_id, b.date AS as_of, b.balance, a.currency FROM balances b
        JOIN accounts a ON a.account_id = b.account_id
        WHERE b.date BETWEEN {start} AND {end} AND a.category IN ({cat_list})
          AND b.account_id IN (SELECT account_id FROM p_attr t JOIN ex_owner o
                               ON o.owner_kind = t.owner_kind AND o.owner_id = t.owner_id)
        """,
    )
    attr.owners(backend, "exd_bal", "exd_owners")
    rows = backend.query(
        """
        SELECT d.account_id, d.as_of,
               CAST(CASE WHEN d.currency = 'CNY' THEN d.balance
                    ELSE round(CAST(d.balance AS DECIMAL(20,2)) * CAST(
                        (SELECT max_by(r.cny_per_unit, r.date) FROM fx_rates r
                         WHERE r.currency = d.currency AND r.date <= d.as_of) AS DECIMAL(12,8)), 2) END
                    AS DECIMAL(20,2)) * o.share AS amount
        FROM exd_bal d
        JOIN exd_owners o ON o.account_id = d.account_id AND o.as_of = d.as_of
        JOIN ex_owner e ON e.owner_kind = o.owner_kind AND e.owner_id = o.owner_id
        ORDER BY d.account_id, d.as_of
        """
    )
    merged: dict[tuple[str, date], Decimal] = {}
    for account_id, day, amount in rows:
        merged[(account_id, day)] = merged.get((account_id, day), Decimal(0)) + Decimal(amount)
    return [(a, d, v) for (a, d), v in sorted(merged.items())]
