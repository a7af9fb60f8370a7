"""The Spark backend: the same SQL, rendered by SQLGlot, on Apache Spark.

``local[N]`` runs in-process (tests, one machine); a master URL
(``spark://host:7077``, ``yarn``) runs on a cluster that can read the
store's files. Intermediate tables are cached DataFrames registered as temp
views, so a step is computed once, as DuckDB's temp tables are.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from rmperf.contract import STORED_TYPE, TABLE_INDEX, TABLES, Table
from rmperf.engine.backend import SUBSETS, render
from rmperf.store import FactStore


def spark_session(master: str | None = None, partitions: int | None = None) -> Any:
    """A SparkSession; ``local[2]`` by default (``RMPERF_SPARK_MASTER`` overrides)."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get("RMPERF_SPARK_MASTER", "local[2]")
    builder = (
        SparkSession.builder.master(master)
        .appName("rmperf")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("RMPERF_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.shuffle.partitions", str(partitions or os.environ.get("RMPERF_SPARK_PARTITIONS", "8")))
        .config("spark.sql.session.timeZone", "Asia/Shanghai")
        .config("spark.sql.ansi.enabled", "true")  # overflow is an error, never a silent NULL
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_type(duckdb_type: str) -> str:
    """A DuckDB type name in Spark's DDL (VARCHAR → STRING, …)."""
    import sqlglot

    return sqlglot.exp.DataType.build(duckdb_type, dialect="duckdb").sql("spark")


class SparkBackend:
    dialect = "spark"

    def __init__(self, store: FactStore, version: int | None = None, session: Any | None = None) -> None:
        self.store = store
        self.version = version if version is not None else store.current_version()
        self.spark = session or spark_session()
        self.present: set[str] = set()
        self._cached: list[Any] = []
        for table in TABLES:
            files = [str(f) for f in store.files(table.name, self.version)]
            if files:
                self.present.add(table.name)
            self._bind(table, files, table.name)
        self.split_balances = store.balances_split(self.version)
        if self.split_balances:  # D139, as DuckDBBackend
            for subset in SUBSETS:
                files = [str(f) for f in store.files("balances", self.version, subset)]
                self._bind(TABLE_INDEX["balances"], files, f"balances_{subset}")

    def _bind(self, table: Table, files: list[str], name: str) -> None:
        """``name``: the Parquet ``files`` of ``table``, or an empty relation of its columns when there are none."""
        if files:
            frame = self.spark.read.option("mergeSchema", "true").parquet(*files)
        else:
            cols = ", ".join(f"CAST(NULL AS {STORED_TYPE[c.type]}) AS {c.name}" for c in table.columns)
            frame = self.spark.sql(render(f"SELECT {cols} WHERE false", self.dialect))
        frame.createOrReplaceTempView(name)

    def execute(self, sql: str) -> None:
        self.spark.sql(render(sql, self.dialect))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(render(sql, self.dialect)).collect()]

    def create_table(self, name: str, sql: str) -> None:
        # materialise now, as a DuckDB temp table would be, and cut the
        # lineage: a chain of steps would otherwise re-plan every step before
        # it, and the plans grow until the driver runs out of memory
        frame = self.spark.sql(render(sql, self.dialect)).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)

    def create_view(self, name: str, sql: str) -> None:
        self.spark.sql(render(sql, self.dialect)).createOrReplaceTempView(name)

    def append(self, name: str, sql: str) -> None:
        previous = self.spark.table(name)
        frame = previous.unionByName(self.spark.sql(render(sql, self.dialect))).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)

    def register_rows(self, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> None:
        schema = ", ".join(f"{n} {_spark_type(t)}" for n, t in columns)
        self.spark.createDataFrame([tuple(r) for r in rows], schema=schema).createOrReplaceTempView(name)

    def has_rows(self, table: str) -> bool:
        return table in self.present

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
