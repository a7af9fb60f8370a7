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

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rmperf.contract import STORED_TYPE, TABLE_INDEX
from rmperf.errors import UserError
from rmperf.home import Home

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from rmperf.db.models import StoredFile


def _ql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class StoreTampered(UserError):
    """A stored file is not what the import wrote: its size or content changed on disk since (D165)."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"store.tampered_{what}", {"file": path})


#: (path, size, mtime_ns) of files whose content was checked in this process
_checked: set[tuple[str, int, int]] = set()


def check_file(root: Path, path: str, size: int, sha256: str, mtime_ns: int) -> None:
    """Refuse a stored file whose size differs from the catalog's, or whose content does when its time
    changed (a rewrite keeps the size only by chance; the hash is computed only when the time moved)."""
    full = root / path
    try:
        stat = full.stat()
    except FileNotFoundError:
        raise StoreTampered(path, "missing") from None
    if stat.st_size != size:
        raise StoreTampered(path, "size")
    key = (str(full), stat.st_size, stat.st_mtime_ns)
    if not sha256 or stat.st_mtime_ns == mtime_ns or key in _checked:
        return
    if file_sha256(full) != sha256:
        raise StoreTampered(path, "content")
    _checked.add(key)


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

    def fingerprints(self, table: str, first: str, last: str) -> dict[str, str]:
        """The content fingerprint of each period of ``table`` from ``first`` to ``last`` (ISO text) as the
        store holds it now (the import catalog's ``PeriodStamp``): how the daily close knows a day changed."""
        from rmperf.db.models import PeriodStamp

        return dict(
            PeriodStamp.objects.filter(
                store=self.home.store_id(),
                table=table,
                superseded_in__isnull=True,
                period__gte=first,
                period__lte=last,
            ).values_list("period", "fingerprint")
        )

    def files(self, table: str, version: int | None = None, subset: str | None = None) -> list[Path]:
        """The files of ``table`` in ``version`` (default: the latest); with ``subset``, only those of that subset."""
        query = self._query(table, version)
        if subset is not None:
            query = query.filter(subset=subset)
        rows = query.order_by("path").values_list("path", "bytes", "sha256", "mtime_ns")
        for path, size, sha256, mtime_ns in rows:
            check_file(self.root, path, size, sha256, mtime_ns)
        return [self.root / p for p, *_ in rows]

    def verify(self, version: int | None = None) -> list[StoreTampered]:
        """Every stored file of ``version`` (default: the latest) whose size or content is not the
        catalog's, each file's content hashed again whatever its time says."""
        from rmperf.db.models import StoredFile

        found: list[StoreTampered] = []
        query = StoredFile.objects.filter(store=self.home.store_id())
        if version is not None:
            query = query.filter(added_in_id__lte=version).exclude(removed_in_id__lte=version)
        else:
            query = query.filter(removed_in__isnull=True)
        for path, size, sha256 in query.order_by("path").values_list("path", "bytes", "sha256"):
            try:
                check_file(self.root, path, size, "", 0)
                if sha256 and file_sha256(self.root / path) != sha256:
                    raise StoreTampered(path, "content")
            except StoreTampered as tampered:
                found.append(tampered)
        return found

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
        """The size of every file the catalog references (every version): not a crashed import's leftovers."""
        from django.db.models import Sum

        from rmperf.db.models import StoredFile

        total = StoredFile.objects.filter(store=self.home.store_id()).aggregate(n=Sum("bytes"))["n"]
        return int(total or 0)
