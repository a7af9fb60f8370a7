"""The demo (``make demo``): generate the demo bank, import it, and carry a period through as an office would.

It runs the rural-2023 and retail-wealth-2007 templates on the last quarter and year with the demo's plan
(the targets and manual values a bank would upload, ``rmperf.runs.plans``), writes each run's workbook,
posts the last quarter's rural-2023 pay to the ledger with its pay sheet, and writes the year's grade
proposals (003). Each step is reported to ``observe`` as a value as soon as it is done; the command line
prints them, and nothing here prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rmperf.core.periods import Period
from rmperf.services import data as data_services
from rmperf.services import grades as grade_services
from rmperf.services import pay as pay_services
from rmperf.services import runs as run_services
from rmperf.services.context import Context
from rmperf.tabular import save

if TYPE_CHECKING:
    from rmperf.ingest.importer import ImportResult
    from rmperf.pay.grades_service import GradeReport
    from rmperf.pay.paysheet import PaySheet
    from rmperf.store.summary import StoreSummary

#: the seed of the demo's plan (targets, manual values): fixed, so the demo's runs reproduce
DEMO_SEED = 42
#: the demo's leading RMs: by deposit daily average, with its increment and the FTP profit
LEADING = (("daily_average", "deposit"), ("daily_average_increment", "deposit"), ("ftp_profit", "all"))


@dataclass(frozen=True)
class Generated:
    package: Path
    seconds: float


@dataclass(frozen=True)
class Imported:
    result: ImportResult
    summary: StoreSummary | None
    seconds: float


@dataclass(frozen=True)
class Leading:
    period: Period
    seconds: float
    rows: list[tuple[str, str, list[Decimal]]]  # rm_id, name, the LEADING figures


@dataclass(frozen=True)
class Planned:
    scheme: str
    period: str
    folder: Path
    factor: tuple[Any, Any]


@dataclass(frozen=True)
class Ran:
    scheme: str
    period: str
    run_id: int
    rms: int
    seconds: float
    workbook: Path
    top: Sequence[Mapping[str, Any]]
    unit: str


@dataclass(frozen=True)
class PaidOut:
    run_id: int
    posted: pay_services.Posted
    sheet: PaySheet
    workbook: Path


@dataclass(frozen=True)
class Graded:
    period: str
    report: GradeReport
    workbook: Path


@dataclass(frozen=True)
class People:
    """The demo's logins, one per role (their passwords new for this demo)."""

    logins: list[Any]  # services.people.Login


Observe = Callable[[object], None]


def demo(
    ctx: Context,
    size: str = "small",
    seed: int = 42,
    *,
    observe: Observe = lambda _event: None,
    import_progress: data_services.ImportProgress | None = None,
    generate_progress: Callable[[str, int, int], None] | None = None,
) -> dict[tuple[str, str], int]:
    """The whole demo in ``ctx``'s home; returns the runs made, by (scheme, period)."""
    from rmperf.demo import generate

    out = ctx.home.root / f"demo-{size}-{seed}"
    started = time.monotonic()
    generate(size, seed, out, progress=generate_progress)
    observe(Generated(out, time.monotonic() - started))
    started = time.monotonic()
    result = data_services.import_package(ctx, out, progress=import_progress)
    if result.errors:
        observe(Imported(result, None, time.monotonic() - started))
        return {}
    observe(Imported(result, data_services.summary(ctx), time.monotonic() - started))
    last = data_services.last_day(ctx)
    if last is None:
        return {}
    quarter = Period.parse(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    observe(_leading(ctx, quarter))
    runs = _runs(ctx, quarter, observe)
    _pay_and_grades(ctx, runs, observe)
    from rmperf.services.people import demo_people

    observe(People(demo_people(ctx)))
    return runs


def _leading(ctx: Context, quarter: Period) -> Leading:
    started = time.monotonic()
    found = data_services.indicators(ctx, quarter.label, group="balances")
    seconds = time.monotonic() - started
    names = data_services.rm_names(ctx)
    rows = [(rm, names.get(rm, ""), figures) for rm, figures in data_services.leading(found, LEADING[0], LEADING)]
    return Leading(quarter, seconds, rows)


def _runs(ctx: Context, quarter: Period, observe: Observe) -> dict[tuple[str, str], int]:
    from rmperf.runs import plans
    from rmperf.runs.service import prepare

    backend = ctx.backend()
    out_dir = ctx.home.root / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    rm_ids = [r for (r,) in backend.query("SELECT rm_id FROM managers ORDER BY rm_id")]
    # 002's consequences read two quarters in a row (预警): rural-2023 runs the quarter before too
    before = [quarter.previous().label] if quarter.previous().year == quarter.year else []
    schedule = {
        "rural-2023": [*before, quarter.label, str(quarter.year)],
        "retail-wealth-2007": [quarter.label, str(quarter.year)],
    }
    runs: dict[tuple[str, str], int] = {}
    for scheme, periods in schedule.items():
        for period in periods:
            started = time.monotonic()
            prepared = prepare(scheme, period)
            values = plans.write_values(prepared, rm_ids, DEMO_SEED, out_dir / f"values-{scheme}-{period}.csv")
            targets = plans.write_targets(
                backend, prepared, DEMO_SEED, out_dir / f"targets-{scheme}-{period}.csv", values
            )
            if targets is not None or values is not None:
                observe(Planned(scheme, period, out_dir, plans.TARGET_FACTOR))
            outcome = run_services.run(ctx, scheme, period, targets=targets, values=values)
            document = run_services.results_document(ctx, outcome.run_id, "xlsx")
            workbook = out_dir / f"{scheme}-{period}-run{outcome.run_id}.xlsx"
            save(workbook, document.data)
            payloads = [r.to_dict() for r in outcome.evaluation.results]
            observe(
                Ran(
                    scheme,
                    period,
                    outcome.run_id,
                    len(payloads),
                    time.monotonic() - started,
                    workbook,
                    run_services.top_of(payloads, 1),
                    prepared.scheme.header.total_unit,
                )
            )
            runs[(scheme, period)] = outcome.run_id
    return runs


def _pay_and_grades(ctx: Context, runs: Mapping[tuple[str, str], int], observe: Observe) -> None:
    """The last quarter's pay sheet (rural-2023, posted to the ledger) and the year's grade proposals (003)."""
    out_dir = ctx.home.root / "reports"
    quarters = [run for (scheme, period), run in runs.items() if scheme == "rural-2023" and "Q" in period]
    if quarters:
        quarter = quarters[-1]
        posted = pay_services.post(ctx, quarter, spikes="auto")
        sheet = pay_services.paysheet(ctx, quarter)
        workbook = out_dir / f"paysheet-run{quarter}.xlsx"
        save(workbook, pay_services.paysheet_document(ctx, sheet, "xlsx").data)
        observe(PaidOut(quarter, posted, sheet, workbook))
    years = [(p, run) for (scheme, p), run in runs.items() if scheme == "retail-wealth-2007" and "-" not in p]
    if years:
        period, run_id = years[0]
        report = grade_services.grade_report(ctx, period, run_id=run_id)
        rows = grade_services.grade_rows(ctx, report)
        workbook = out_dir / f"grades-{period}.xlsx"
        save(workbook, grade_services.rows_document(rows, "xlsx", "grades").data)
        observe(Graded(period, report, workbook))
