"""``rmperf import``: check a data package as a whole, then store all or nothing.

The steps, in order:

1. load every table as text into a private DuckDB work database
   (:mod:`rmperf.ingest.sources`), hashing the files as they are read;
2. check every contract rule (:mod:`rmperf.ingest.validate`); any error
   ends the import here, with nothing stored;
3. fingerprint each period of each table (a day of balances, a month of
   attendance, the whole of a reference table) and compare with the
   fingerprints already stored: new periods are appended, identical ones
   skipped, different ones restated;
4. write the new Parquet files into a staging folder, move them into the
   store under names no other import uses, and commit the catalog in one
   database transaction. Readers see the files only from that commit on.
   Balances go into two sets of files per month, the rows of CNY accounts
   and those of foreign-currency accounts (D139).

Re-importing the same package therefore changes nothing, and importing the
next day's package appends that day.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rmperf.contract import TABLE_INDEX, ColType, Storage, Table
from rmperf.faults import fault
from rmperf.home import Home
from rmperf.ingest.problems import Place, Problem, Severity, error
from rmperf.ingest.repair import check_staging_name, repaired_warning
from rmperf.ingest.sources import LoadedPackage, Loader, Source, locate_corrupt, quote_ident, quote_literal
from rmperf.ingest.validate import resolve_region, validate
from rmperf.store import file_sha256

Progress = Callable[[str, int, int], None]
MAX_STORED_PROBLEMS = 500


@dataclass
class ImportResult:
    import_id: int
    status: str
    problems: list[Problem]
    content_hash: str = ""
    row_counts: dict[str, int] = field(default_factory=dict)
    changed_tables: list[str] = field(default_factory=list)
    restated: dict[str, list[str]] = field(default_factory=dict)
    stored_bytes: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportLocked(RuntimeError):
    pass


@contextlib.contextmanager
def import_lock(home: Home) -> Iterator[None]:
    home.ensure()
    with home.lock_file.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ImportLocked from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def connect_work_db(path: Path, home: Home) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that spills to ``home/tmp`` and never downloads."""
    con = duckdb.connect(str(path), config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"SET temp_directory = {quote_literal(str(home.tmp))}")
    con.execute(f"SET memory_limit = {quote_literal(os.environ.get('RMPERF_MEMORY_LIMIT', '4GB'))}")
    con.execute(f"SET threads = {int(os.environ.get('RMPERF_THREADS', os.cpu_count() or 2))}")
    con.execute("SET enable_progress_bar = false")  # the CLI draws its own (Rich)
    return con


def period_expr(table: Table) -> str:
    """SQL for the value that identifies a row's period (its restatement unit)."""
    assert table.period_column is not None
    col = table.column(table.period_column)
    name = quote_ident(col.name)
    return f"strftime({name}, '%Y-%m-%d')" if col.type is ColType.DATE else name


def partition_expr(table: Table) -> str:
    """SQL for the partition value of a row: its month, or its appraisal period."""
    assert table.period_column is not None
    col = table.column(table.period_column)
    name = quote_ident(col.name)
    return f"strftime({name}, '%Y-%m')" if col.type is ColType.DATE else name


def partition_name(table: Table, value: str) -> str:
    """The folder of a partition: ``month=YYYY-MM`` or ``period=2025-Q4``."""
    return f"{table.partition_kind}={value}"


def stored_columns(source: Source) -> list[str]:
    return [c.name for c in source.table.columns] + source.extra_columns


def fingerprint_sql(source: Source, group: str | None) -> str:
    """Row count and an order-independent digest of the rows, per ``group``."""
    cols = stored_columns(source)
    text = " || chr(31) || ".join(f"coalesce(CAST({quote_ident(c)} AS VARCHAR), chr(0))" for c in cols)
    # one MD5 per row; its two 64-bit halves are summed separately (exact in HUGEINT)
    hashed = f"SELECT {group or repr('*')} AS period, md5_number({text}) AS h FROM typed_{source.table.name}"
    return (
        "SELECT period, count(*) AS n, sum(CAST(h >> 64 AS HUGEINT)) AS hi, "
        f"sum(CAST(h & CAST(18446744073709551615 AS UHUGEINT) AS HUGEINT)) AS lo FROM ({hashed}) GROUP BY period"
    )


class Importer:
    def __init__(self, home: Home, *, user: str | None = None, progress: Progress | None = None) -> None:
        self.home = home
        self.user = user or getpass.getuser()
        self.progress = progress or (lambda step, done, total: None)
        self.store_id = home.store_id()

    def run(self, package: Path) -> ImportResult:
        from rmperf.db.models import DataImport
        from rmperf.ingest.repair import repair

        package = package.absolute()
        started = time.monotonic()
        try:
            with import_lock(self.home):
                # holding the lock, no other import of this home runs: what a dead one left is removed (D169)
                repaired = repair(self.home)
                record = self._record(package)
                result = ImportResult(record.id, DataImport.Status.FAILED, [])
                staging = self.home.staging / f"import-{record.id}-{uuid.uuid4().hex[:8]}"
                try:
                    staging.mkdir(parents=True)
                    fault("import.started")
                    result = self._run(package, staging, record.id)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
                    if repaired:
                        result.problems.append(repaired_warning(repaired))
                    self._finish(record, result, started, package)
        except ImportLocked:
            record = self._record(package)
            result = ImportResult(record.id, DataImport.Status.REJECTED, [error("import.locked")])
            self._finish(record, result, started, package)
        return result

    def _record(self, package: Path) -> Any:
        from rmperf.db.models import DataImport

        return DataImport.objects.create(
            store=self.store_id, started_at=datetime.now(UTC), user=self.user, source=str(package), content_hash=""
        )

    def _finish(self, record: Any, result: ImportResult, started: float, package: Path) -> None:
        from rmperf.db.chain import audit
        from rmperf.db.models import DataImport

        result.seconds = time.monotonic() - started
        errors = [p.as_dict() for p in result.problems if p.severity is Severity.ERROR]
        DataImport.objects.filter(id=record.id).update(
            finished_at=datetime.now(UTC),
            status=result.status,
            content_hash=result.content_hash,
            row_counts=result.row_counts,
            changed_tables=result.changed_tables,
            warnings=[p.as_dict() for p in result.warnings][:MAX_STORED_PROBLEMS],
            errors=errors[:MAX_STORED_PROBLEMS],
            error_count=len(errors),
            stored_bytes=result.stored_bytes,
            duration_ms=int(result.seconds * 1000),
        )
        audit(
            self.user,
            f"data.import.{result.status}",
            "data_import",
            str(record.id),
            detail={
                "source": str(package),
                "content_hash": result.content_hash,
                "row_counts": result.row_counts,
                "changed_tables": result.changed_tables,
                "restated": result.restated,
                "errors": len(errors),
                "warnings": len(result.warnings),
            },
        )

    # -----------------------------------------------------------------------------
    def _run(self, package: Path, staging: Path, import_id: int) -> ImportResult:
        from rmperf.db.models import DataImport

        con = connect_work_db(staging / "work.duckdb", self.home)
        try:
            self.progress("load", 0, 3)
            loaded = Loader(con, package, staging).load()
            result = ImportResult(import_id, DataImport.Status.REJECTED, list(loaded.problems), loaded.content_hash)
            result.row_counts = {name: s.rows for name, s in loaded.sources.items()}
            last_change = (
                DataImport.objects.filter(store=self.store_id, status=DataImport.Status.COMMITTED)
                .order_by("-id")
                .first()
            )
            if last_change is not None and last_change.content_hash == loaded.content_hash and not result.errors:
                # Same bytes as what the store now holds: nothing to check or do.
                result.status = DataImport.Status.UNCHANGED
                result.problems.append(
                    Problem(Severity.WARNING, "import.unchanged", Place(), {"import_id": last_change.id})
                )
                return result
            self.progress("validate", 1, 3)
            result.problems = sort_problems(result.problems + checked(con, package, loaded))
            if result.errors:
                return result
            self.progress("store", 2, 3)
            fault("import.validated")
            try:
                self._store(con, loaded.sources, staging, result)
            except (duckdb.Error, UnicodeDecodeError) as exc:
                # a Parquet page that the checks' scan did not decode, met while writing: nothing is committed
                result.status = DataImport.Status.REJECTED
                result.problems = sort_problems(result.problems + locate_corrupt(package, loaded.sources, exc))
            self.progress("done", 3, 3)
            return result
        finally:
            con.close()

    # -----------------------------------------------------------------------------
    def _store(
        self, con: duckdb.DuckDBPyConnection, sources: dict[str, Source], staging: Path, result: ImportResult
    ) -> None:
        from django.db import transaction

        from rmperf.db.models import DataImport, PeriodStamp, StoredFile

        import_id = result.import_id
        out = staging / "out"
        out.mkdir(parents=True, exist_ok=True)
        new_files: list[tuple[str, str, str, Path]] = []  # table, partition, subset, staged file
        removed: list[int] = []
        stamps_new: list[PeriodStamp] = []
        stamps_superseded: list[int] = []
        self._resolve_regions(con, sources)
        resplit = self._file_accounts(con, sources, out, new_files, removed)
        for name, source in sorted(sources.items()):
            table = source.table
            current = {
                s.period: s
                for s in PeriodStamp.objects.filter(store=self.store_id, table=name, superseded_in__isnull=True)
            }
            group = period_expr(table) if table.storage is Storage.BY_PERIOD else None
            prints = {
                str(p): f"{n}:{hi}:{lo}" for p, n, hi, lo in con.execute(fingerprint_sql(source, group)).fetchall()
            }
            prints = {p: f for p, f in prints.items() if not f.startswith("0:")}
            changed = sorted(p for p, f in prints.items() if p in current and current[p].fingerprint != f)
            added = sorted(p for p in prints if p not in current)
            if table.storage is Storage.SNAPSHOT:
                # a reference table is replaced as a whole when it differs
                if not changed and not added:
                    continue
                target = out / name / f"v{import_id}"
                target.mkdir(parents=True)
                select = self._select(source)
                part = quote_literal(str(target / "part-0.parquet"))
                con.execute(f"COPY ({select}) TO {part} (FORMAT parquet, COMPRESSION zstd)")
                new_files.append((name, "", "", target / "part-0.parquet"))
                removed += list(
                    StoredFile.objects.filter(store=self.store_id, table=name, removed_in__isnull=True).values_list(
                        "id", flat=True
                    )
                )
            else:
                split = name == "balances"
                rewrite = resplit if split else set()
                if not changed and not added and not rewrite:
                    continue
                periods = changed + added
                _temp_values(con, "wanted", periods)
                target = out / name
                select = (
                    f"SELECT {', '.join(quote_ident(c) for c in stored_columns(source))}, "
                    f"{partition_expr(table)} AS _part"
                    f"{SUBSET_COLUMN if split else ''} "
                    f"FROM typed_{name} WHERE {period_expr(table)} IN (SELECT period FROM wanted)"
                )
                if periods:
                    new_files += _copy_partitioned(con, select, target, table, split, "new")
                if changed:
                    result.restated[name] = changed
                if changed or rewrite:
                    self._restate(con, source, changed, rewrite, out, new_files, removed)
            for p in changed:
                stamps_superseded.append(current[p].id)
            for p in changed + added:
                n = int(prints[p].split(":")[0])
                stamps_new.append(
                    PeriodStamp(
                        store=self.store_id, table=name, period=p, rows=n, fingerprint=prints[p], added_in_id=import_id
                    )
                )
            result.changed_tables.append(name)
        if not new_files and not removed:
            result.status = DataImport.Status.UNCHANGED
            result.problems.append(Problem(Severity.WARNING, "import.no_change", Place(), {}))
            return
        # Move the files to names no other import uses, then commit the
        # catalog. Until the commit, readers of the catalog do not see them.
        placed: list[Path] = []
        rows_for: dict[Path, int] = {}
        try:
            records = []
            for name, partition, subset, staged in new_files:
                final_dir = (
                    self.home.store / name / partition if partition else self.home.store / name / f"v{import_id}"
                )
                final_dir.mkdir(parents=True, exist_ok=True)
                final = final_dir / f"i{import_id}-{subset + '-' if subset else ''}{staged.stem}.parquet"
                counted = con.execute(f"SELECT count(*) FROM read_parquet({quote_literal(str(staged))})").fetchone()
                rows_for[final] = int(counted[0]) if counted else 0
                if rows_for[final] == 0:
                    continue  # a rewritten partition whose periods were all restated
                os.replace(staged, final)
                placed.append(final)
                fault("import.placed")
                stat = final.stat()
                size = stat.st_size
                result.stored_bytes += size
                records.append(
                    StoredFile(
                        store=self.store_id,
                        table=name,
                        partition=partition,
                        path=str(final.relative_to(self.home.store)),
                        subset=subset,
                        rows=rows_for[final],
                        bytes=size,
                        sha256=file_sha256(final),
                        mtime_ns=stat.st_mtime_ns,
                        added_in_id=import_id,
                    )
                )
            with transaction.atomic():
                StoredFile.objects.filter(id__in=removed).update(removed_in_id=import_id)
                StoredFile.objects.bulk_create(records)
                PeriodStamp.objects.filter(id__in=stamps_superseded).update(superseded_in_id=import_id)
                PeriodStamp.objects.bulk_create(stamps_new, batch_size=1000)
                DataImport.objects.filter(id=import_id).update(status=DataImport.Status.COMMITTED)
            fault("import.committed")
        except BaseException:
            for f in placed:
                f.unlink(missing_ok=True)
            raise
        result.status = DataImport.Status.COMMITTED
        for name, periods in result.restated.items():
            shown = ", ".join(periods[:10]) + (" …" if len(periods) > 10 else "")
            result.problems.append(
                Problem(
                    Severity.WARNING,
                    "import.restated",
                    Place(table=name),
                    {"table": name, "count": len(periods), "periods": shown},
                )
            )

    def _select(self, source: Source) -> str:
        cols = [f"t.{quote_ident(c)}" for c in stored_columns(source)]
        if source.table.name == "orgs":
            cols = [
                c if c != 't."region_type"' else 'coalesce(r.region, t."region_type") AS "region_type"' for c in cols
            ]
            return f"SELECT {', '.join(cols)} FROM typed_orgs t LEFT JOIN org_region r ON r.org_id = t.org_id"
        return f"SELECT {', '.join(cols)} FROM typed_{source.table.name} t"

    def _resolve_regions(self, con: duckdb.DuckDBPyConnection, sources: dict[str, Source]) -> None:
        """Orgs inherit region_type from their parent; store the resolved value."""
        con.execute("CREATE OR REPLACE TEMP TABLE org_region (org_id VARCHAR, region VARCHAR)")
        if "orgs" not in sources:
            return
        rows = con.execute("SELECT org_id, parent_id, level, region_type FROM typed_orgs").fetchall()
        orgs: dict[str, tuple[Any, ...]] = {r[0]: r for r in rows}
        con.executemany("INSERT INTO org_region VALUES (?, ?)", [(o, resolve_region(orgs, o)) for o in orgs])

    def _file_accounts(
        self,
        con: duckdb.DuckDBPyConnection,
        sources: dict[str, Source],
        out: Path,
        new_files: list[tuple[str, str, str, Path]],
        removed: list[int],
    ) -> set[str]:
        """File the package's accounts by currency (``fx_accounts``, the filing); return the partitions to re-split.

        Balances are stored split by the account's currency (D139): a
        partition's CNY accounts in one file, its foreign-currency accounts
        in another, so the engine sums CNY rows without looking up accounts.
        The store keeps a *filing* (``filing``: account_id, foreign) of every
        account it has ever listed, as the latest accounts table that listed
        it said. When the package files an account otherwise, every stored
        partition holding that account's rows is rewritten with the new
        split; so is every partition written before the split existed. The
        filing is then updated (a new version, like a reference table).
        """
        from rmperf.db.models import StoredFile

        con.execute("CREATE OR REPLACE TEMP TABLE fx_accounts (account_id VARCHAR)")
        if "accounts" not in sources:
            return set()
        con.execute("INSERT INTO fx_accounts SELECT account_id FROM typed_accounts WHERE currency <> 'CNY'")
        live = StoredFile.objects.filter(store=self.store_id, removed_in__isnull=True)
        filing = list(live.filter(table=FILING).values_list("id", "path"))
        if filing:
            old = f"SELECT account_id, foreign_ FROM read_parquet({quote_literal(str(self.home.store / filing[0][1]))})"
        else:  # the first import, or a store from before the filing: every accounts table it ever held
            listed = list(
                StoredFile.objects.filter(store=self.store_id, table="accounts").values_list("path", "added_in_id")
            )
            union = " UNION ALL ".join(
                f"SELECT account_id, currency, {int(v)} AS v "
                f"FROM read_parquet({quote_literal(str(self.home.store / p))})"
                for p, v in listed
            )
            old = (
                f"SELECT account_id, arg_max(currency, v) <> 'CNY' AS foreign_ FROM ({union}) GROUP BY account_id"
                if listed
                else "SELECT CAST(NULL AS VARCHAR) AS account_id, CAST(NULL AS BOOLEAN) AS foreign_ WHERE false"
            )
        con.execute(f"CREATE OR REPLACE TEMP TABLE filed AS {old}")
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE filing_now AS
            SELECT coalesce(a.account_id, f.account_id) AS account_id,
                   coalesce(a.currency <> 'CNY', f.foreign_) AS foreign_,
                   f.foreign_ IS NOT NULL AND a.currency IS NOT NULL AND f.foreign_ <> (a.currency <> 'CNY')
                       AS refiled
            FROM typed_accounts a FULL OUTER JOIN filed f ON f.account_id = a.account_id
            """
        )
        grown = con.execute(
            "SELECT count(*) FILTER (WHERE refiled), count(*) - (SELECT count(*) FROM filed) FROM filing_now"
        ).fetchone()
        refiled, added = (int(grown[0]), int(grown[1])) if grown else (0, 0)
        if refiled or added or not filing:
            target = out / FILING / "v"
            target.mkdir(parents=True)
            con.execute(
                f"COPY (SELECT account_id, foreign_ FROM filing_now ORDER BY account_id) "
                f"TO {quote_literal(str(target / 'part-0.parquet'))} (FORMAT parquet, COMPRESSION zstd)"
            )
            new_files.append((FILING, "", "", target / "part-0.parquet"))
            removed += [i for i, _ in filing]
        stored = list(live.filter(table="balances").values_list("path", "subset", "partition"))
        table = TABLE_INDEX["balances"]
        rewrite = {partition for _, subset, partition in stored if not subset}  # written before the split
        if refiled and stored:
            files = ", ".join(quote_literal(str(self.home.store / path)) for path, _, _ in stored)
            rewrite |= {
                partition_name(table, r[0])
                for r in con.execute(
                    f"SELECT DISTINCT {partition_expr(table)} FROM read_parquet([{files}], union_by_name=true) "
                    "WHERE account_id IN (SELECT account_id FROM filing_now WHERE refiled)"
                ).fetchall()
            }
        return rewrite

    def _restate(
        self,
        con: duckdb.DuckDBPyConnection,
        source: Source,
        changed: list[str],
        rewrite: set[str],
        out: Path,
        new_files: list[tuple[str, str, str, Path]],
        removed: list[int],
    ) -> None:
        """Rewrite the stored partitions that hold a restated period, without it (and those in ``rewrite`` whole).

        Balances are written split by the accounts' currency as this package
        says (D139), which is how a partition of ``rewrite`` is re-split.
        """
        from rmperf.db.models import StoredFile

        table = source.table
        split = table.name == "balances"
        _temp_values(con, "restated", changed)
        partitions = set(rewrite) | {
            partition_name(table, r[0])
            for r in con.execute(
                f"SELECT DISTINCT {partition_expr(table)} FROM typed_{table.name} "
                f"WHERE {period_expr(table)} IN (SELECT period FROM restated)"
            ).fetchall()
        }
        for partition in sorted(partitions):
            old = list(
                StoredFile.objects.filter(
                    store=self.store_id, table=table.name, partition=partition, removed_in__isnull=True
                )
            )
            if not old:
                continue
            listing = ", ".join(quote_literal(str(self.home.store / f.path)) for f in old)
            columns = ", ".join(quote_ident(c) for c in stored_columns(source))
            select = (
                f"SELECT {columns}, {quote_literal(partition.split('=', 1)[1])} AS _part"
                f"{SUBSET_COLUMN if split else ''} "
                f"FROM read_parquet([{listing}], union_by_name=true) "
                f"WHERE {period_expr(table)} NOT IN (SELECT period FROM restated)"
            )
            target = out / table.name / f"keep-{partition}"
            for _, _, subset, path in _copy_partitioned(con, select, target, table, split, "kept"):
                new_files.append((table.name, partition, subset, path))
            removed += [f.id for f in old]


#: The catalog name of the filing of accounts by currency (D139): not a table of the data contract.
FILING = "filing"

#: The subset of a balances row (D139): ``fx`` for a foreign-currency account, else ``cny``.
SUBSET_COLUMN = ", CASE WHEN account_id IN (SELECT account_id FROM fx_accounts) THEN 'fx' ELSE 'cny' END AS _subset"


def _copy_partitioned(
    con: duckdb.DuckDBPyConnection, select: str, target: Path, table: Table, split: bool, stem: str
) -> list[tuple[str, str, str, Path]]:
    """Write ``select`` (with ``_part``, and ``_subset`` when ``split``) as one folder per partition.

    Returns (table, partition, subset, file) for every file written.
    """
    keys = "_part, _subset" if split else "_part"
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY ({select}) TO {quote_literal(str(target))} "
        f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({keys}), FILENAME_PATTERN '{stem}-{{i}}')"
    )
    written = []
    for part_dir in sorted(target.iterdir()):
        partition = partition_name(table, part_dir.name.removeprefix("_part="))
        leaves = sorted(part_dir.iterdir()) if split else [part_dir]
        for leaf in leaves:
            subset = leaf.name.removeprefix("_subset=") if split else ""
            written += [(table.name, partition, subset, f) for f in sorted(leaf.glob("*.parquet"))]
    return written


def _temp_values(con: duckdb.DuckDBPyConnection, name: str, periods: list[str]) -> None:
    """A one-column temp table ``name(period)`` holding ``periods``."""
    values = pa.table({"period": pa.array(periods, pa.string())})  # noqa: F841 - read by DuckDB
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT period FROM values")


def checked(con: duckdb.DuckDBPyConnection, package: Path, loaded: LoadedPackage) -> list[Problem]:
    """The contract's checks of a loaded package; a file that cannot be decoded is named, never a traceback."""
    try:
        return validate(con, loaded.sources)
    except (duckdb.Error, UnicodeDecodeError) as exc:
        return locate_corrupt(package, loaded.sources, exc)


def check_package(package: Path, home: Home) -> list[Problem]:
    """Every problem of ``package``, without storing anything (a dry run)."""
    home.ensure()
    staging = home.staging / check_staging_name()
    staging.mkdir(parents=True)
    try:
        con = connect_work_db(staging / "work.duckdb", home)
        try:
            loaded = Loader(con, package.absolute(), staging).load()
            return sort_problems(loaded.problems + checked(con, package.absolute(), loaded))
        finally:
            con.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by table, file and line, as a person reads them."""
    return sorted(
        problems,
        key=lambda p: (
            p.severity is not Severity.ERROR,
            p.place.table or "",
            p.place.file or "",
            p.place.line or 0,
            p.place.column_pos or 0,
        ),
    )


def import_package(
    package: Path, home: Home, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import ``package`` into ``home``'s store: all of it, or nothing."""
    return Importer(home, user=user, progress=progress).run(package)
