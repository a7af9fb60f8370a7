"""The engine's SQL on PostgreSQL, for the benchmark's comparison (not a supported engine).

The balance indicators are defined once in DuckDB's dialect; here SQLGlot
renders them for PostgreSQL (with ``max_by`` written as an ordered
``array_agg``, which PostgreSQL lacks), and a small loader copies the store's
tables into the database: the reference tables whole, the balances of the
months asked for.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from typing import Any

import psycopg
import pyarrow.csv as pacsv
import sqlglot
from sqlglot import exp

from rmperf.contract import TABLES
from rmperf.store import FactStore

PG_TYPES = {"VARCHAR": "text", "DATE": "date", "BOOLEAN": "boolean", "BIGINT": "bigint", "INTEGER": "integer"}


def to_postgres(sql: str) -> str:
    """``sql`` (DuckDB dialect) as PostgreSQL."""
    out = []
    aliases = iter(range(1_000_000))

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.parent, exp.From | exp.Join):
            node.set("alias", exp.TableAlias(this=exp.to_identifier(f"_sq{next(aliases)}")))
            return node
        if isinstance(node, exp.ArgMax):
            x, y = node.this.sql("postgres"), node.expression.sql("postgres")
            return sqlglot.parse_one(f"(ARRAY_AGG({x} ORDER BY {y} DESC))[1]", read="postgres")
        return node

    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is not None:
            out.append(tree.transform(fix).sql("postgres"))
    return ";\n".join(out)


def _pg_type(duck: str) -> str:
    duck = duck.upper()
    if duck.startswith("DECIMAL"):
        return duck.replace("DECIMAL", "numeric")
    return PG_TYPES.get(duck, "text")


def load(url: str, store: FactStore, months: Sequence[str]) -> dict[str, float]:
    """Copy the store into PostgreSQL (unlogged tables): reference and event tables whole, balances of ``months``."""
    import duckdb

    timings: dict[str, float] = {}
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    with psycopg.connect(url, autocommit=True) as pg:
        for table in TABLES:
            if not store.has(table.name):
                continue
            started = time.monotonic()
            relation = f"SELECT * FROM {store.scan_sql(table.name)}"
            if table.name == "balances":
                wanted = ", ".join(f"'{m}'" for m in months)
                scan = store.scan_sql("balances")
                relation = f"SELECT date, account_id, balance FROM {scan} WHERE month IN ({wanted})"
            cur = con.execute(f"DESCRIBE {relation}")
            columns = [(r[0], r[1]) for r in cur.fetchall()]
            pg.execute(f"DROP TABLE IF EXISTS {table.name}")
            pg.execute(f"CREATE UNLOGGED TABLE {table.name} ({', '.join(f'{n} {_pg_type(t)}' for n, t in columns)})")
            reader = con.execute(f"SELECT * FROM ({relation})").fetch_record_batch(500_000)
            with pg.cursor() as cursor, cursor.copy(f"COPY {table.name} FROM STDIN (FORMAT csv)") as copy:
                for batch in reader:
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer, write_options=pacsv.WriteOptions(include_header=False))
                    copy.write(buffer.getvalue())
            pg.execute(f"ANALYZE {table.name}")
            timings[table.name] = time.monotonic() - started
    return timings


class PostgresBackend:
    """A :class:`rmperf.engine.backend.Backend` over a PostgreSQL database loaded by :func:`load`."""

    dialect = "postgres"
    split_balances = False  # one balances table, as loaded (D139 is a store layout)

    def __init__(self, url: str, store: FactStore) -> None:
        self.pg = psycopg.connect(url, autocommit=True)
        self.pg.execute("SET work_mem = '256MB'")
        self.present = {t.name for t in TABLES if store.has(t.name)}
        self.version = store.current_version()

    def execute(self, sql: str) -> None:
        self.pg.execute(to_postgres(sql))  # type: ignore[arg-type]

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.pg.execute(to_postgres(sql)).fetchall()]  # type: ignore[arg-type]

    def create_table(self, name: str, sql: str) -> None:
        self.pg.execute(f"DROP TABLE IF EXISTS {name} CASCADE")  # type: ignore[arg-type]
        self.pg.execute(f"CREATE TEMP TABLE {name} AS {to_postgres(sql)}")  # type: ignore[arg-type]
        self.pg.execute(f"ANALYZE {name}")  # type: ignore[arg-type]

    def create_view(self, name: str, sql: str) -> None:
        self.pg.execute(f"DROP VIEW IF EXISTS {name} CASCADE")  # type: ignore[arg-type]
        self.pg.execute(f"CREATE TEMP VIEW {name} AS {to_postgres(sql)}")  # type: ignore[arg-type]

    def append(self, name: str, sql: str) -> None:
        self.pg.execute(f"INSERT INTO {name} {to_postgres(sql)}")  # type: ignore[arg-type]

    def register_rows(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> None:
        self.pg.execute(f"DROP TABLE IF EXISTS {name} CASCADE")  # type: ignore[arg-type]
        cols = ", ".join(f"{n} {_pg_type(t)}" for n, t in columns)
        self.pg.execute(f"CREATE TEMP TABLE {name} ({cols})")  # type: ignore[arg-type]
        if rows:
            marks = ", ".join("%s" for _ in columns)
            with self.pg.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", [tuple(r) for r in rows])  # type: ignore[arg-type]

    def has_rows(self, table: str) -> bool:
        return table in self.present

    def close(self) -> None:
        self.pg.close()
