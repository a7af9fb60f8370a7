"""Engine backends: where the one SQL definition of an indicator runs.

Indicator SQL is written once, in DuckDB's dialect, and rendered for other
engines by SQLGlot (``render``). A backend binds the store's tables (as of
one version) to plain names — ``balances``, ``accounts`` … — so the SQL
never names a file. DuckDB is the default; Spark overrides only what differs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import duckdb
import sqlglot

from rmperf.contract import TABLES
from rmperf.store import FactStore


def render(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in ``dialect``; DuckDB itself gets it unchanged."""
    if dialect == "duckdb":
        return sql
    return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=dialect))


#: The subsets balances are stored in (D139), each bound as ``balances_<subset>`` when the store is split.
SUBSETS = ("cny", "fx")


class Backend(Protocol):
    dialect: str
    split_balances: bool

    def execute(self, sql: str) -> None: ...

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...

    def create_table(self, name: str, sql: str) -> None: ...

    def create_view(self, name: str, sql: str) -> None: ...

    def append(self, name: str, sql: str) -> None: ...

    def register_rows(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> None: ...

    def has_rows(self, table: str) -> bool: ...


def literal_rows(rows: Sequence[Sequence[Any]]) -> str:
    """``rows`` as one SQL ``VALUES`` list of text literals, for a statement that casts them to its columns'
    types (exact for decimals and dates). Not executemany (a statement per row), and no parameters:
    DuckDB's first bound parameter imports numpy and pandas, a third of a second."""

    def text(v: Any) -> str:
        return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"

    return ", ".join("(" + ", ".join(text(v) for v in r) + ")" for r in rows)


class DuckDBTables:
    """The backend protocol over one DuckDB connection (``con``); what binds the tables is the subclass's."""

    dialect = "duckdb"
    split_balances = False
    con: duckdb.DuckDBPyConnection

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def create_table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def create_view(self, name: str, sql: str) -> None:
        """A name for ``sql``, computed where it is read (for a result read once, not worth storing)."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def append(self, name: str, sql: str) -> None:
        """Add the rows of ``sql`` to the table ``name`` made by :meth:`create_table`."""
        self.con.execute(f"INSERT INTO {name} {sql}")

    def register_rows(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> None:
        cols = ", ".join(f"{n} {t}" for n, t in columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({cols})")
        if rows:
            values = literal_rows(rows)
            names = ", ".join(f"c{i}" for i in range(len(columns)))
            picks = ", ".join(f"CAST(c{i} AS {t})" for i, (_, t) in enumerate(columns))
            self.con.execute(f"INSERT INTO {name} SELECT {picks} FROM (VALUES {values}) v({names})")

    def close(self) -> None:
        self.con.close()


class DuckDBBackend(DuckDBTables):
    """The embedded default: DuckDB over the store's Parquet files."""

    def __init__(self, store: FactStore, version: int | None = None) -> None:
        self.store = store
        self.version = version if version is not None else store.current_version()
        self.con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        self.con.execute(f"SET memory_limit = '{os.environ.get('RMPERF_MEMORY_LIMIT', '4GB')}'")
        self.con.execute("SET enable_progress_bar = false")  # a library prints nothing of its own
        store.home.tmp.mkdir(parents=True, exist_ok=True)
        self.con.execute(f"SET temp_directory = '{store.home.tmp}'")
        self.present: set[str] = set()
        for table in TABLES:
            if store.has(table.name, self.version):
                self.present.add(table.name)
            self.con.execute(
                f"CREATE OR REPLACE VIEW {table.name} AS SELECT * FROM {store.scan_sql(table.name, self.version)}"
            )
        #: balances are stored split by currency (D139): ``balances_cny`` and ``balances_fx`` read one subset each
        self.split_balances = store.balances_split(self.version)
        if self.split_balances:
            for subset in SUBSETS:
                scan = store.scan_sql("balances", self.version, subset)
                self.con.execute(f"CREATE OR REPLACE VIEW balances_{subset} AS SELECT * FROM {scan}")

    def has_rows(self, table: str) -> bool:
        return table in self.present
