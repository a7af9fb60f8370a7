"""The columnar store of imported facts: Parquet files read by DuckDB.

A *version* of the store is the id of an import that changed it. The
catalog (:class:`rmperf.db.models.StoredFile`) says which files make up each
table in each version, so a past period is recomputed from exactly the
reference data and facts it was computed from::

    store = FactStore(home)
    sql = store.scan_sql("balances")                # latest version
    sql = store.scan_sql("accounts", version=12)    # as after import #12
    con.sql(f"SELECT sum(balance) FROM {sql}")

Balances are written in two subsets (decision D139): the rows of CNY
accounts and the rows of foreign-currency accounts, in separate files of
the same month partition. ``scan_sql("balances")`` reads both;
``scan_sql("balances", subset="cny")`` one of them, for a plan that sums
CNY rows without looking up any account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rmperf.contract import STORED_TYPE, TABLE_INDEX
from rmperf.home import Home

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from rmperf.db.models import StoredFile


def _ql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class FactStore:
    home: Home

    @property
    def root(self) -> Path:
        return self.home.store

    def current_version(self) -> int | None:
        from rmperf.db.models import DataImport

        last = (
            DataImport.objects.filter(store=self.home.store_id(), status=DataImport.Status.COMMITTED)
            .order_by("-id")
            .values_list("id", flat=True)
        ).first()
        return int(last) if last is not None else None

    def _query(self, table: str, version: int | None) -> QuerySet[StoredFile]:
        from django.db.models import Q

        from rmperf.db.models import StoredFile

        query = StoredFile.objects.filter(store=self.home.store_id(), table=table)
        if version is None:
            return query.filter(removed_in__isnull=True)
        return query.filter(added_in_id__lte=version).filter(Q(removed_in__isnull=True) | Q(removed_in_id__gt=version))

    def files(self, table: str, version: int | None = None, subset: str | None = None) -> list[Path]:
        """The files of ``table`` in ``version`` (default: the latest); with ``subset``, only those of that subset."""
        query = self._query(table, version)
        if subset is not None:
            query = query.filter(subset=subset)
        return [self.root / p for p in query.order_by("path").values_list("path", flat=True)]

    def balances_split(self, version: int | None = None) -> bool:
        """Whether every balances file of ``version`` holds one subset (``cny`` or ``fx``): D139.

        A store imported before the split (or by hand) has files of all
        accounts; a plan that reads the CNY subset alone must then not be used.
        """
        subsets = set(self._query("balances", version).values_list("subset", flat=True).distinct())
        return bool(subsets) and subsets <= {"cny", "fx"}

    def scan_sql(self, table: str, version: int | None = None, subset: str | None = None) -> str:
        """A DuckDB table expression over ``table`` as of ``version`` (only ``subset``'s files, when given).

        A table with no stored file reads as an empty relation with the
        contract's columns and types, so queries need no special case.
        """
        files = self.files(table, version, subset)
        if files:
            listing = ", ".join(_ql(str(f)) for f in files)
            return f"read_parquet([{listing}], union_by_name=true)"
        cols = ", ".join(f"CAST(NULL AS {STORED_TYPE[c.type]}) AS {c.name}" for c in TABLE_INDEX[table].columns)
        return f"(SELECT {cols} WHERE false)"

    def has(self, table: str, version: int | None = None) -> bool:
        return bool(self.files(table, version))

    def bytes_on_disk(self) -> int:
        return sum(f.stat().st_size for f in self.root.rglob("*.parquet"))
