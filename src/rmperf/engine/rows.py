"""The rows behind an indicator (明细行), as values.

Each group module of the engine (``indicators``, ``flows``, ``quality``, ``spikes``) answers, after it
has computed a period, with the rows that add up to one of its indicators: who a row counts for, what
it is (an account, a card, a customer, a finding, an expense row), its customer and category, and its
exact amount. ``explain`` ranks and rounds those values; it never names the working tables they come
from, which stay private to the module that writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from rmperf.core.periods import Period
from rmperf.engine.backend import Backend

#: The columns every group's row SQL gives, in this order.
COLUMNS = ("owner_kind", "owner_id", "item", "customer_id", "category", "amount")


class Row(NamedTuple):
    """One item behind an indicator: the owner it counts for, the item, its customer and category, the
    exact amount (unrounded; the rows of one owner add up to the figure before its one rounding)."""

    owner_kind: str
    owner_id: str
    item: str
    customer_id: str
    category: str
    amount: Decimal


def period_fills(period: Period) -> dict[str, str]:
    """The placeholders a row SQL may use for the period: ``{start}``, ``{end}`` (dates) and
    ``{first_month}``, ``{last_month}`` (``YYYY-MM``)."""
    return {
        "{start}": f"DATE '{period.start}'",
        "{end}": f"DATE '{period.end}'",
        "{first_month}": f"'{period.start:%Y-%m}'",
        "{last_month}": f"'{period.end:%Y-%m}'",
    }


def owners_table(backend: Backend, owners: Iterable[tuple[str, str]]) -> str:
    """Register ``owners`` (kind, id) as a table of the backend and return its name."""
    backend.register_rows("rows_owner", [("owner_kind", "VARCHAR"), ("owner_id", "VARCHAR")], sorted(set(owners)))
    return "rows_owner"


def select_rows(
    backend: Backend,
    sql: str,
    period: Period,
    owners: Iterable[tuple[str, str]],
    fills: Mapping[str, str] | None = None,
) -> list[Row]:
    """The rows ``sql`` (giving :data:`COLUMNS`) yields for ``owners``, with the period's placeholders
    (and ``fills``) replaced; a row without an amount is left out."""
    for placeholder, text in {**period_fills(period), **(fills or {})}.items():
        sql = sql.replace(placeholder, text)
    table = owners_table(backend, owners)
    picked = backend.query(
        f"SELECT r.owner_kind, r.owner_id, r.item, r.customer_id, r.category, r.amount FROM ({sql}) r "
        f"JOIN {table} o ON o.owner_kind = r.owner_kind AND o.owner_id = r.owner_id"
    )
    return [
        Row(kind, owner_id, str(item), customer_id or "", category, Decimal(amount))
        for kind, owner_id, item, customer_id, category, amount in picked
        if amount is not None
    ]
