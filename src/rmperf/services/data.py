"""The store's services: import and check a package, the import log, the summary, the daily close,
the indicators of a period, verification and repair of the home, and the database role's rights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rmperf.core.periods import Period
from rmperf.engine.indicators import IndicatorValue
from rmperf.errors import UserError
from rmperf.messages import Note, notes_of
from rmperf.services.context import Context
from rmperf.services.permissions import permit

if TYPE_CHECKING:
    from rmperf.engine.attribution import BalanceSource
    from rmperf.engine.backend import Backend
    from rmperf.ingest.importer import ImportResult
    from rmperf.ingest.problems import Problem
    from rmperf.ingest.repair import Repaired
    from rmperf.pay.integrity import Verification
    from rmperf.store.summary import StoreSummary

ImportProgress = Callable[[str, int, int], None]
GROUPS = ("balances", "flows", "quality", "all")


def import_package(ctx: Context, package: Path, *, progress: ImportProgress | None = None) -> ImportResult:
    """Import a data package into the home's store: all of it, or nothing (problems in the result)."""
    from rmperf.ingest.importer import import_package as run_import

    permit(ctx, "import", package=str(package))
    ctx.setup()
    return run_import(package, ctx.home, user=ctx.actor.user_id, progress=progress)


def check_package(ctx: Context, package: Path) -> list[Problem]:
    """Every problem of a data package, without storing anything."""
    from rmperf.ingest.importer import check_package as check

    ctx.setup()
    return check(package, ctx.home)


@dataclass(frozen=True)
class ImportInfo:
    """One import of the log."""

    import_id: int
    started_at: datetime
    user: str
    status: str
    content_hash: str
    rows: int
    errors: int
    warnings: int
    #: the outcome in words (已导入, 有错误,未导入 …)
    status_name: str = ""


def imports(ctx: Context, limit: int = 20) -> list[ImportInfo]:
    """The home's latest imports, newest first."""
    from rmperf.db.models import DataImport

    ctx.setup()
    return [
        ImportInfo(
            rec.id,
            rec.started_at,
            rec.user,
            rec.status,
            rec.content_hash,
            sum(rec.row_counts.values()),
            rec.error_count,
            len(rec.warnings),
        )
        for rec in DataImport.objects.filter(store=ctx.home.store_id()).order_by("-id")[:limit]
    ]


def summary(ctx: Context) -> StoreSummary:
    """What the store holds: its version, orgs, RMs, customers, accounts, balance rows, days, size."""
    from rmperf.store import FactStore
    from rmperf.store.summary import summarize

    ctx.setup()
    return summarize(FactStore(ctx.home))


def verify(ctx: Context) -> Verification:
    """The ledger's and audit log's chains, every run's result hash, every stored file's checksum."""
    from rmperf.pay.integrity import verify_home

    ctx.setup()
    return verify_home(ctx.home)


def repair(ctx: Context) -> Repaired:
    """After a crash: mark dead imports failed, remove their staging and orphaned store files."""
    from rmperf.ingest.importer import ImportLocked, import_lock
    from rmperf.ingest.repair import repair as run_repair

    permit(ctx, "repair")
    ctx.setup()
    try:
        with import_lock(ctx.home):
            return run_repair(ctx.home)
    except ImportLocked:
        raise UserError("import.locked") from None


def db_grant(ctx: Context, role: str) -> list[str]:
    """Give the application's PostgreSQL role its rights; the statements run."""
    from rmperf.db.roles import grant

    permit(ctx, "db.grant", role=role)
    ctx.setup()
    return grant(role)


@dataclass(frozen=True)
class Closed:
    """A day folded into the daily close's accumulators (or, rebuilt, how many days)."""

    day: date
    status: str
    rows: int = 0
    days: int = 0


def last_day(ctx: Context) -> date | None:
    """The last day the store holds balances of."""
    value = ctx.backend().query("SELECT max(date) FROM balances")[0][0]
    return value if isinstance(value, date) else None


def close(ctx: Context, day: date | None = None, *, rebuild: bool = False) -> Closed:
    """Fold ``day`` (default: the store's last) into the accumulators, or rebuild them up to it."""
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.engine.close import DailyClose
    from rmperf.store import FactStore

    permit(ctx, "close")
    ctx.setup()
    backend = DuckDBBackend(FactStore(ctx.home))
    daily = DailyClose(ctx.home, backend)
    the_day = day or last_day(ctx)
    if the_day is None:
        raise UserError("close.no_balances")
    if rebuild:
        return Closed(the_day, "rebuilt", days=daily.rebuild(the_day))
    result = daily.close(the_day)  # StaleAccumulators: a UserError saying what to run
    return Closed(the_day, result.status, rows=result.rows)


def balance_source(ctx: Context, backend: Backend, period: Period, choice: str = "auto") -> tuple[BalanceSource, bool]:
    """The daily close's accumulators when asked for (``close``), or (``auto``) when they cover the period;
    else the scan. Returns the source and whether it is the close's."""
    from rmperf.engine.attribution import SCAN
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.engine.close import AccumulatorSource, DailyClose, StaleAccumulators

    if choice not in ("auto", "scan", "close"):
        raise UserError("value.source", {"value": choice})
    if choice == "scan" or not isinstance(backend, DuckDBBackend):
        return SCAN, False
    if choice == "auto" and not (ctx.home.root / "close.duckdb").exists():
        return SCAN, False
    daily = DailyClose(ctx.home, backend)
    try:
        daily.check_fresh(period.start, period.end)
    except StaleAccumulators:
        if choice == "close":
            raise
        return SCAN, False
    return AccumulatorSource(daily), True


@dataclass
class Indicators:
    """The indicator values of a period (filtered as asked), the engine's notes, and whether the close was read."""

    period: Period
    values: list[IndicatorValue]
    notes: tuple[Note, ...] = ()
    from_close: bool = False


def indicators(
    ctx: Context,
    period: str,
    *,
    rm: str | None = None,
    org: str | None = None,
    indicator: str | None = None,
    category: str | None = None,
    basis: int = 365,
    engine: str = "duckdb",
    master: str | None = None,
    source: str = "auto",
    by: str | None = None,
    group: str = "all",
) -> Indicators:
    """The indicators of ``period`` (balances, flows, quality or all) for everyone or for ``rm`` / ``org``
    (its total and everyone in it), of one ``indicator`` and ``category`` when given."""
    from rmperf.engine.flows import compute_flow_indicators
    from rmperf.engine.indicators import OrgTree, compute_balance_indicators
    from rmperf.engine.params import EngineParams
    from rmperf.engine.quality import compute_quality_indicators

    if group not in GROUPS:
        raise UserError("value.group", {"value": group})
    if basis not in (360, 365):
        raise UserError("value.basis", {"value": basis})
    backend = ctx.backend(engine, master)
    the_period = Period.parse(period)
    params = EngineParams.default(basis)
    chosen, from_close = balance_source(ctx, backend, the_period, source)
    values: list[IndicatorValue] = []
    notes: list[str] = []
    if group in ("balances", "all"):
        result = compute_balance_indicators(backend, the_period, basis=basis, source=chosen, breakdown=by)
        values += result.values
        notes += result.notes
    if group in ("flows", "all"):
        flows = compute_flow_indicators(backend, the_period, params.flows)
        values += flows.values
        notes += flows.notes
    if group in ("quality", "all"):
        quality = compute_quality_indicators(backend, the_period, params.quality)
        values += quality.values
        notes += quality.notes
    if rm:
        values = [v for v in values if (v.owner_kind, v.owner_id) == ("rm", rm)]
    if org:
        tree = OrgTree.load(backend)
        inside = {("org", org)} | {
            (v.owner_kind, v.owner_id) for v in values if ("org", org) in tree.units_of((v.owner_kind, v.owner_id))
        }
        values = [v for v in values if (v.owner_kind, v.owner_id) in inside]
    if indicator:
        values = [v for v in values if v.indicator == indicator]
    if category:
        values = [v for v in values if v.category == category or v.category.startswith(category + "/")]
    return Indicators(the_period, values, notes_of(notes), from_close)


def indicators_document(found: Indicators, fmt: str) -> Any:
    """The indicator values as a ``csv``, ``parquet`` or ``xlsx`` document."""
    import tempfile

    from rmperf.engine import export
    from rmperf.services.runs import Document

    media = {
        "csv": "text/csv",
        "parquet": "application/vnd.apache.parquet",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    if fmt not in media:
        raise UserError("value.indicators_format", {"value": fmt})
    name = f"indicators-{found.period.label}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        export.write(path, found.period.label, found.values)
        return Document(name, media[fmt], path.read_bytes())


def rm_names(ctx: Context) -> dict[str, str]:
    """rm_id → name, of every RM of the store."""
    return {str(r): str(n) for r, n in ctx.backend().query("SELECT rm_id, name FROM managers")}


def leading(found: Indicators, key: tuple[str, str], columns: Sequence[tuple[str, str]], n: int = 5) -> list[Any]:
    """The ``n`` RMs with the highest ``key`` (indicator, category) value, with the ``columns`` of each."""
    from decimal import Decimal

    by_rm: dict[str, dict[tuple[str, str], Decimal]] = {}
    for v in found.values:
        if v.owner_kind == "rm":
            by_rm.setdefault(v.owner_id, {})[(v.indicator, v.category)] = v.value
    zero = Decimal(0)
    top = sorted(by_rm.items(), key=lambda kv: kv[1].get(key, zero), reverse=True)[:n]
    return [(rm, [row.get(c, zero) for c in columns]) for rm, row in top]
