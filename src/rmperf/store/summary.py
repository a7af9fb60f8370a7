"""What the store holds: counts and date ranges, for ``rmperf summary`` and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from rmperf.store import FactStore


@dataclass(frozen=True)
class StoreSummary:
    version: int | None
    orgs: int
    managers: int
    customers: int
    accounts: int
    balance_rows: int
    first_day: date | None
    last_day: date | None
    bytes_on_disk: int
    table_rows: dict[str, int]


def summarize(store: FactStore, version: int | None = None) -> StoreSummary:
    from rmperf.contract import TABLES

    con = duckdb.connect()
    try:
        rows: dict[str, int] = {}
        for table in TABLES:
            if store.has(table.name, version):
                got = con.execute(f"SELECT count(*) FROM {store.scan_sql(table.name, version)}").fetchone()
                rows[table.name] = int(got[0]) if got else 0
        span = con.execute(f"SELECT min(date), max(date) FROM {store.scan_sql('balances', version)}").fetchone()
    finally:
        con.close()
    return StoreSummary(
        version=version if version is not None else store.current_version(),
        orgs=rows.get("orgs", 0),
        managers=rows.get("managers", 0),
        customers=rows.get("customers", 0),
        accounts=rows.get("accounts", 0),
        balance_rows=rows.get("balances", 0),
        first_day=span[0] if span else None,
        last_day=span[1] if span else None,
        bytes_on_disk=store.bytes_on_disk(),
        table_rows=rows,
    )
