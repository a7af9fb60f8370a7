"""Period-end deposit spikes (冲时点, 003 附件4 绩效调整 1): the point increase that does not last.

003 lets the branch defer "部分年末冲高的绩效" to the next year's calculation.
To defer it, the system must first measure it. Per deposit account:

- ``rise`` = max(0, balance at the period end − balance at the baseline day
  (the end of the day before the year began, as the point increment of
  ``docs/indicators.md`` uses));
- ``reversal`` = min(rise, max(0, balance at the period end − the lowest
  end-of-day balance over the ``window`` days after the period end)).

The reversal is the part of the account's point increase that was gone
again within the window: money parked for the last day. It is credited,
like the point balance, to the owners on the period's last day (D17), and
reported per owner as ``spike_reversal`` (yuan, category ``deposit``). The
pay ledger defers the pay earned on it (003: 延迟至次年核算).

A window that reaches past the last day the store holds cannot be measured
yet: the result says so (``complete`` false) and nothing is deferred on a
guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from rmperf.core import indicators as catalogue
from rmperf.core.indicators import IndicatorDef
from rmperf.core.money import to_fen
from rmperf.core.periods import Period
from rmperf.engine import attribution as attr
from rmperf.engine.backend import Backend
from rmperf.engine.indicators import IndicatorValue, OrgTree
from rmperf.engine.rows import Row, select_rows

SPIKE_INDICATORS: dict[str, IndicatorDef] = catalogue.of_group("signals")


@dataclass
class SpikeResult:
    period: Period
    window_days: int
    complete: bool
    values: list[IndicatorValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: per RM or pool: the rise of its deposit accounts (the increase a reversal is a part of)
    rises: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    #: per RM or pool: the reversal by the balance categories a scheme reads (``deposit``,
    #: ``deposit/customer_kind=personal``, ``deposit/currency=CNY``, ``deposit/product=DEP_DEMAND``), in yuan
    reversals: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)

    def get(self, owner: tuple[str, str], indicator: str, category: str = "deposit") -> Decimal | None:
        for v in self.values:
            if (v.owner_kind, v.owner_id, v.indicator, v.category) == (*owner, indicator, category):
                return v.value
        return None


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def compute_spikes(backend: Backend, period: Period, window_days: int, rounding: str = "half_up") -> SpikeResult:
    """``spike_reversal`` per RM, pool and org unit for ``period`` with a window of ``window_days`` days."""
    if window_days < 1:
        raise ValueError("the spike window is at least one day")
    end = period.end
    last = backend.query("SELECT max(date) FROM balances")[0][0]
    result = SpikeResult(period, window_days, complete=last is not None and last >= end + timedelta(days=window_days))
    if not result.complete:
        result.notes.append(f"spike_window_incomplete:{(end + timedelta(days=window_days)).isoformat()}")
        return result
    base_day = period.year_start - timedelta(days=1)
    if not backend.query(f"SELECT count(*) FROM balances WHERE date = {_d(base_day)}")[0][0]:
        result.notes.append(f"baseline_day_fallback:{base_day.isoformat()}->{period.year_start.isoformat()}")
        base_day = period.year_start
    attr.point_balances(backend, end, "sp_end")
    attr.point_balances(backend, base_day, "sp_base")
    # the lowest CNY balance of each deposit account over the window (a day without a row is 0)
    backend.create_table(
        "sp_low",
        f"""
        SELECT e.account_id,
               CASE WHEN count(b.date) < {window_days} THEN CAST(0 AS {attr.JISHU})
                    ELSE min(b.cny) END AS low
        FROM sp_end e
        JOIN accounts a ON a.account_id = e.account_id AND a.category = 'deposit'
        LEFT JOIN (
            SELECT b.account_id, b.date,
                   CASE WHEN a2.currency = 'CNY' THEN b.balance
                        ELSE round(CAST(b.balance AS DECIMAL(20,2)) * CAST(fx.rate AS DECIMAL(12,8)), 2) END AS cny
            FROM balances b
            JOIN accounts a2 ON a2.account_id = b.account_id AND a2.category = 'deposit'
            LEFT JOIN (
                SELECT currency, max_by(cny_per_unit, date) AS rate FROM fx_rates WHERE date <= {_d(end)}
                GROUP BY currency
            ) fx ON fx.currency = a2.currency
            WHERE b.date > {_d(end)} AND b.date <= {_d(end + timedelta(days=window_days))}
        ) b ON b.account_id = e.account_id
        GROUP BY e.account_id
        """,
    )
    backend.create_table(
        "sp_acct",
        f"""
        SELECT e.account_id,
               CAST(greatest(e.balance - coalesce(s.balance, 0), 0) AS {attr.JISHU}) AS rise,
               CAST(least(greatest(e.balance - coalesce(s.balance, 0), 0), greatest(e.balance - l.low, 0))
                    AS {attr.JISHU}) AS reversal
        FROM sp_end e
        JOIN sp_low l ON l.account_id = e.account_id
        LEFT JOIN sp_base s ON s.account_id = e.account_id
        """,
    )
    attr.attribute_sums_at(
        backend, "(SELECT account_id, reversal AS jishu FROM sp_acct WHERE reversal > 0) x", end, "spa"
    )
    attr.attribute_sums_at(backend, "(SELECT account_id, rise AS jishu FROM sp_acct WHERE rise > 0) x", end, "spr")
    for kind, owner, value in backend.query(
        "SELECT owner_kind, owner_id, sum(jishu) FROM spr_attr GROUP BY owner_kind, owner_id"
    ):
        result.rises[(kind, owner)] = to_fen(Decimal(value), rounding)
    by_kind = backend.query(
        """
        SELECT x.owner_kind, x.owner_id, c.kind, a.currency, a.product, sum(x.jishu)
        FROM spa_attr x JOIN accounts a ON a.account_id = x.account_id
        JOIN customers c ON c.customer_id = a.customer_id
        GROUP BY x.owner_kind, x.owner_id, c.kind, a.currency, a.product
        """
    )
    exact: dict[tuple[str, str], dict[str, Decimal]] = {}
    for kind, owner, customer_kind, currency, product, value in by_kind:
        if value is None:
            continue
        mine = exact.setdefault((str(kind), str(owner)), {})
        for category in (
            "deposit",
            f"deposit/customer_kind={customer_kind}",
            f"deposit/currency={currency}",
            f"deposit/product={product}",
        ):
            mine[category] = mine.get(category, Decimal(0)) + Decimal(value)
    result.reversals = {k: {c: to_fen(v, rounding) for c, v in cats.items()} for k, cats in exact.items()}
    rows = backend.query("SELECT owner_kind, owner_id, sum(jishu) FROM spa_attr GROUP BY owner_kind, owner_id")
    sums = {(k, o, "deposit"): Decimal(v) for k, o, v in rows if v is not None}
    tree = OrgTree.load(backend)
    for (kind, owner, category), value in sorted(tree.roll_up(sums).items()):
        result.values.append(IndicatorValue(kind, owner, "spike_reversal", category, to_fen(value, rounding)))
    return result


#: the signals :func:`rows_behind` opens
EXPLAINED: tuple[str, ...] = ("spike_reversal",)


def rows_behind(backend: Backend, period: Period, owners: Iterable[tuple[str, str]]) -> list[Row]:
    """The deposits behind ``spike_reversal`` of ``owners``: each one's point increase gone again within
    the window, credited to the period-end owners (D17), after :func:`compute_spikes` of ``period``."""
    sql = """
        SELECT t.owner_kind, t.owner_id, t.account_id AS item, a.customer_id, 'deposit' AS category, t.jishu AS amount
        FROM spa_attr t JOIN accounts a ON a.account_id = t.account_id
        """
    return select_rows(backend, sql, period, owners)
