"""The ``rmperf`` command line (Typer + Rich). It calls the library; no rules live here."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli_base import (
    State,
    app,
    console,
    err_console,
    open_backend,
    print_note,
    print_scheme_error,
    setup_db,
    zh_en,
)
from rmperf.ingest.problems import Problem

if TYPE_CHECKING:
    from rmperf.core.periods import Period
    from rmperf.engine.attribution import BalanceSource
    from rmperf.engine.backend import Backend
    from rmperf.engine.explain import Contribution

#: the seed of the demo's plan (targets, manual values): fixed, so the demo's runs reproduce
DEMO_SEED = 42


STEP_LABELS = {
    "load": ("读取数据包", "reading the package"),
    "validate": ("校验", "checking"),
    "store": ("写入存储", "storing"),
    "done": ("完成", "done"),
}


def run_import(package: Path, user: str | None) -> int:
    """Import with a progress bar; print problems; return the exit code."""
    from rmperf.ingest.importer import import_package

    setup_db()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(zh_en("导入", "import"), total=3)

        def progress(step: str, done: int, total: int) -> None:
            zh, en = STEP_LABELS.get(step, (step, step))
            bar.update(task, completed=done, total=total, description=zh_en(zh, en))

        result = import_package(package, State.home, user=user, progress=progress)
    _print_problems(result.problems)
    if result.errors:
        err_console.print(
            i18n.t("import.rejected", {"errors": len(result.errors), "warnings": len(result.warnings)}),
            style="bold red",
        )
        return 1
    if result.status == "committed":
        console.print(i18n.t("import.committed", {"import_id": result.import_id, "seconds": f"{result.seconds:.1f}"}))
        table = RichTable(zh_en("表", "table"), zh_en("行数", "rows"), zh_en("变化", "changed"))
        for name, rows in sorted(result.row_counts.items()):
            table.add_row(name, f"{rows:,}", "✓" if name in result.changed_tables else "")
        console.print(table)
    return 0


@app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="data package folder")],
    user: Annotated[str | None, typer.Option("--user", help="who imports (default: the login name)")] = None,
) -> None:
    """导入数据包 / import a data package (all or nothing)."""
    raise typer.Exit(run_import(path, user))


@app.command("check")
def check_cmd(path: Annotated[Path, typer.Argument(help="data package folder")]) -> None:
    """只校验不导入 / check a data package without storing anything."""
    from rmperf.ingest.importer import check_package

    problems = check_package(path, State.home)
    _print_problems(problems)
    errors = sum(1 for p in problems if p.severity.value == "error")
    if errors:
        err_console.print(
            i18n.t("import.rejected", {"errors": errors, "warnings": len(problems) - errors}), style="bold red"
        )
        raise typer.Exit(1)
    console.print(zh_en("校验通过", "the package is valid"))


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        style = "red" if problem.severity.value == "error" else "yellow"
        err_console.print(problem.render(), style=style, highlight=False, markup=False, soft_wrap=True)


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option("--out", help="folder to write the package to")],
    size: Annotated[str, typer.Option("--size", help="tiny|small|medium|large")] = "small",
    seed: Annotated[int, typer.Option("--seed")] = 42,
    days: Annotated[int | None, typer.Option("--days", help="only the first N days of balances")] = None,
) -> None:
    """生成演示银行数据包 / write the demo bank's data package."""
    summary = _generate(size, seed, out, days)
    console.print(zh_en(f"已生成 {summary.output}", f"written to {summary.output}"))


def _generate(size: str, seed: int, out: Path, days: int | None = None):  # type: ignore[no-untyped-def]
    from rmperf.demo import generate

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(zh_en("生成演示数据", "generating"), total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        kwargs = {"days": days} if days is not None else {}
        return generate(size, seed, out, progress=progress, **kwargs)


@app.command("verify")
def verify_cmd() -> None:
    """核验 / check that nothing was changed behind the application's back: the ledger's and the audit
    log's hash chains, every run's result hash, every stored file's checksum. Exit 1 if anything was."""
    from rmperf.pay.integrity import verify_home

    setup_db()
    found = verify_home(State.home)
    c = found.counts
    groups = (
        (zh_en("薪酬台账", "pay ledger"), c["ledger"], found.ledger),
        (zh_en("审计日志", "audit log"), c["audit"], found.audit),
        (zh_en("计算批次", "runs"), c["runs"], found.runs),
        (zh_en("存储文件", "stored files"), c["files"], found.store),
    )
    for label, count, problems in groups:
        state = (
            zh_en("完好", "intact") if not problems else zh_en(f"{len(problems)} 处被改动", f"{len(problems)} changed")
        )
        console.print(f"{label}:{count} " + zh_en("条 ", "rows, ") + state, style=None if not problems else "red")
        for problem in problems[:20]:
            err_console.print("  " + problem.message(), style="red", highlight=False, markup=False)
    if not found.ok:
        raise typer.Exit(1)


@app.command("repair")
def repair_cmd() -> None:
    """清理中断导入的遗留 / after a crash: mark dead imports failed, remove their staging folders and
    store files the catalog does not reference (the next import does it too)."""
    from rmperf.ingest.importer import ImportLocked, import_lock
    from rmperf.ingest.repair import repair

    setup_db()
    try:
        with import_lock(State.home):
            done = repair(State.home)
    except ImportLocked:
        err_console.print(i18n.t("import.locked"), style="red")
        raise typer.Exit(1) from None
    if not done:
        console.print(i18n.t("repair.nothing"))
        return
    params = {
        "imports": ", ".join(f"#{i}" for i in done.imports) or "-",
        "staging": len(done.staging),
        "files": len(done.orphans),
        "mb": f"{done.orphan_bytes / 1e6:,.1f}",
    }
    console.print(i18n.t("repair.done", params), highlight=False, markup=False)


@app.command("db-grant")
def db_grant_cmd(
    role: Annotated[str, typer.Argument(help="the PostgreSQL role the application connects as")],
) -> None:
    """授权应用角色 / give the application's role its rights (PostgreSQL, run as the schema's owner): add
    rows, never change or delete the ledger, the audit log or the runs, never drop or truncate a table."""
    from rmperf.db.roles import grant

    setup_db()
    statements = grant(role)
    console.print(
        zh_en(
            f"已授权 {role}:{len(statements)} 条语句",
            f"granted {role} the application's rights: {len(statements)} statements",
        )
    )


@app.command("summary")
def summary_cmd() -> None:
    """存储概况 / what the store holds."""
    setup_db()
    _print_summary()


def _print_summary(import_seconds: float | None = None) -> None:
    from rmperf.store import FactStore
    from rmperf.store.summary import summarize

    s = summarize(FactStore(State.home))
    table = RichTable(title=zh_en("数据概况", "Store summary"), show_header=False)
    rows = [
        (zh_en("数据版本(导入号)", "store version (import #)"), str(s.version)),
        (zh_en("机构", "orgs"), f"{s.orgs:,}"),
        (zh_en("客户经理", "RMs"), f"{s.managers:,}"),
        (zh_en("客户", "customers"), f"{s.customers:,}"),
        (zh_en("账户", "accounts"), f"{s.accounts:,}"),
        (zh_en("余额行", "balance rows"), f"{s.balance_rows:,}"),
        (zh_en("日期范围", "date range"), f"{s.first_day} – {s.last_day}"),
        (zh_en("存储大小", "size on disk"), f"{s.bytes_on_disk / 1e6:,.1f} MB"),
    ]
    if import_seconds is not None:
        rows.append((zh_en("导入用时", "import time"), f"{import_seconds:.1f} s"))
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)


@app.command("imports")
def imports_cmd(limit: Annotated[int, typer.Option("--limit")] = 20) -> None:
    """导入记录 / the import log."""
    setup_db()
    from rmperf.db.models import DataImport

    table = RichTable(
        "#",
        zh_en("时间", "when"),
        zh_en("操作人", "who"),
        zh_en("状态", "status"),
        zh_en("内容哈希", "content hash"),
        zh_en("行数", "rows"),
        zh_en("错误/警告", "errors/warnings"),
    )
    for rec in DataImport.objects.filter(store=State.home.store_id()).order_by("-id")[:limit]:
        table.add_row(
            str(rec.id),
            rec.started_at.isoformat(timespec="seconds"),
            rec.user,
            rec.status,
            rec.content_hash[:12],
            f"{sum(rec.row_counts.values()):,}",
            f"{rec.error_count}/{len(rec.warnings)}",
        )
    console.print(table)


@app.command("demo")
def demo_cmd(
    size: Annotated[str, typer.Option("--size")] = "small",
    seed: Annotated[int, typer.Option("--seed")] = 42,
) -> None:
    """一条命令演示:生成演示银行、导入、汇总 / generate the demo bank, import it, summarise."""
    out = State.home.root / f"demo-{size}-{seed}"
    started = time.monotonic()
    _generate(size, seed, out)
    console.print(
        zh_en(
            f"演示数据包:{out}(用时 {time.monotonic() - started:.1f} 秒)",
            f"demo package: {out} ({time.monotonic() - started:.1f} s)",
        )
    )
    started = time.monotonic()
    code = run_import(out, "demo")
    if code:
        raise typer.Exit(code)
    _print_summary(time.monotonic() - started)
    _print_demo_indicators()
    runs = _demo_runs()
    _demo_pay_and_grades(runs)


def _demo_pay_and_grades(runs: dict[tuple[str, str], int]) -> None:
    """The last quarter's pay sheet (rural-2023, posted to the ledger) and the year's grade proposals (003)."""
    from rmperf.cli_grades import grades_cmd
    from rmperf.cli_pay import pay_cmd, paysheet_cmd

    out_dir = State.home.root / "reports"
    quarters = [run for (scheme, period), run in runs.items() if scheme == "rural-2023" and "Q" in period]
    quarter = quarters[-1] if quarters else None
    if quarter is not None:
        pay_cmd(run=quarter, pool=None, spikes="auto", statuses=None, user="demo")
        paysheet_cmd(run=quarter, fmt="xlsx", out=out_dir / f"paysheet-run{quarter}.xlsx")
    years = [(p, run) for (scheme, p), run in runs.items() if scheme == "retail-wealth-2007" and "-" not in p]
    year = years[0] if years else None
    if year is not None:
        grades_cmd(
            period=year[0],
            run=year[1],
            on=None,
            facts=None,
            ladder=None,
            out=out_dir / f"grades-{year[0]}.xlsx",
            changes=True,
            detail=False,
        )


def _demo_runs() -> dict[tuple[str, str], int]:
    """Run the rural-2023 and retail-wealth-2007 templates on the last quarter and year; write the workbooks.

    Each run gets the demo's plan (``rmperf.runs.plans``): the targets and manual values a bank would upload.
    """
    from rmperf.cli_runs import print_top, write_xlsx
    from rmperf.runs import plans
    from rmperf.runs.report import top
    from rmperf.runs.service import load_results, prepare, run_scheme

    backend = open_backend()
    runs: dict[tuple[str, str], int] = {}
    last = backend.query("SELECT max(date) FROM balances")[0][0]
    if last is None:
        return runs
    from rmperf.core.periods import Period

    quarter = Period.parse(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    out_dir = State.home.root / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    rm_ids = [r for (r,) in backend.query("SELECT rm_id FROM managers ORDER BY rm_id")]
    # 002's consequences read two quarters in a row (预警): rural-2023 runs the quarter before too
    before = [quarter.previous().label] if quarter.previous().year == quarter.year else []
    schedule = {
        "rural-2023": [*before, quarter.label, str(last.year)],
        "retail-wealth-2007": [quarter.label, str(last.year)],
    }
    for scheme, periods in schedule.items():
        for period in periods:
            started = time.monotonic()
            prepared = prepare(scheme, period)
            values = plans.write_values(prepared, rm_ids, DEMO_SEED, out_dir / f"values-{scheme}-{period}.csv")
            targets = plans.write_targets(
                backend, prepared, DEMO_SEED, out_dir / f"targets-{scheme}-{period}.csv", values
            )
            if targets is not None or values is not None:
                low, high = plans.TARGET_FACTOR
                console.print(
                    zh_en(
                        f"演示计划:{scheme} {period} 的目标值与手工取值见 {out_dir}(各人本期实际值 × {low}–{high})",
                        f"demo plan: {scheme} {period} targets and manual values in {out_dir} "
                        f"(each RM's own figure × {low}–{high})",
                    ),
                    style="dim",
                )
            outcome = run_scheme(
                State.home, backend, scheme, period, user="demo", targets_file=targets, values_file=values
            )
            the_run, payloads = load_results(outcome.run_id)
            target = out_dir / f"{scheme}-{period}-run{outcome.run_id}.xlsx"
            write_xlsx(target, the_run, payloads, backend)
            console.print(
                zh_en(
                    f"考核方案 {scheme} {period}:第 {outcome.run_id} 号批次,共 {len(payloads)} 名客户经理,"
                    f"用时 {time.monotonic() - started:.1f} 秒;Excel:{target}",
                    f"scheme {scheme} {period}: run {outcome.run_id}, {len(payloads)} RMs, "
                    f"{time.monotonic() - started:.1f} s; workbook: {target}",
                )
            )
            print_top(top(payloads, 1), period, prepared.scheme.header.total_unit)
            runs[(scheme, period)] = outcome.run_id
    return runs


def _print_demo_indicators() -> None:
    """The last quarter's leading RMs by deposit daily average, with their FTP profit."""
    from rmperf.core.periods import Period
    from rmperf.engine.indicators import compute_balance_indicators

    backend = open_backend()
    last = backend.query("SELECT max(date) FROM balances")[0][0]
    if last is None:
        return
    period = Period.parse(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    started = time.monotonic()
    result = compute_balance_indicators(backend, period)
    seconds = time.monotonic() - started
    names = dict(backend.query("SELECT rm_id, name FROM managers"))
    by_rm: dict[str, dict[str, Decimal]] = {}
    for v in result.values:
        if v.owner_kind == "rm" and v.category in ("deposit", "all"):
            by_rm.setdefault(v.owner_id, {})[f"{v.indicator}:{v.category}"] = v.value
    zero = Decimal(0)
    top = sorted(by_rm.items(), key=lambda kv: kv[1].get("daily_average:deposit", zero), reverse=True)[:5]
    table = RichTable(
        title=zh_en(
            f"{period} 存款日均前五名(计算用时 {seconds:.1f} 秒)",
            f"{period}: top 5 RMs by deposit daily average ({seconds:.1f} s)",
        ),
    )
    for header in (
        zh_en("客户经理", "RM"),
        zh_en("存款日均", "deposit daily avg"),
        zh_en("日均增量", "daily-avg increment"),
        zh_en("FTP利差模拟利润", "FTP spread profit"),
    ):
        table.add_column(header, justify="right")
    for rm_id, vals in top:
        table.add_row(
            f"{rm_id} {names.get(rm_id, '')}",
            f"{vals.get('daily_average:deposit', 0):,}",
            f"{vals.get('daily_average_increment:deposit', 0):,}",
            f"{vals.get('ftp_profit:all', 0):,}",
        )
    console.print(table)


def _owner(rm: str | None, org: str | None, pool: str | None) -> tuple[str, str] | None:
    if rm:
        return ("rm", rm)
    if org:
        return ("org", org)
    if pool:
        return ("pool", pool)
    return None


@app.command("indicators")
def indicators_cmd(
    period: Annotated[str, typer.Option("--period", help="2025, 2025-H1, 2025-Q2 or 2025-06")],
    rm: Annotated[str | None, typer.Option("--rm", help="one RM")] = None,
    org: Annotated[str | None, typer.Option("--org", help="an org unit: its total and everyone in it")] = None,
    indicator: Annotated[str | None, typer.Option("--indicator")] = None,
    category: Annotated[str | None, typer.Option("--category", help="deposit|loan|wealth|all")] = None,
    basis: Annotated[int, typer.Option("--basis", help="day-count basis: 365 or 360")] = 365,
    out: Annotated[Path | None, typer.Option("--out", help="write to .csv, .parquet or .xlsx")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark")] = "duckdb",
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL (default local[2])")] = None,
    source: Annotated[
        str, typer.Option("--source", help="auto|scan|close: read the daily close's accumulators")
    ] = "auto",
    by: Annotated[
        str | None, typer.Option("--by", help="also break down by product|currency|customer_kind|agri|inclusive")
    ] = None,
    group: Annotated[str, typer.Option("--group", help="balances|flows|quality|all")] = "all",
) -> None:
    """指标计算 / compute the indicators of a period (balances, flows, quality)."""
    from rmperf.core.periods import Period
    from rmperf.engine import export
    from rmperf.engine.indicators import OrgTree, compute_balance_indicators

    if group not in ("balances", "flows", "quality", "all"):
        raise typer.BadParameter(
            zh_en("--group 只能是 balances、flows、quality 或 all", "--group is balances, flows, quality or all")
        )
    backend = open_backend(engine, master)
    the_period = Period.parse(period)
    balance_source = _balance_source(backend, the_period, source)
    result = compute_balance_indicators(backend, the_period, basis=basis, source=balance_source, breakdown=by)
    values = list(result.values)
    notes = list(result.notes)
    if group in ("flows", "all"):
        from rmperf.engine.flows import compute_flow_indicators

        flows = compute_flow_indicators(backend, the_period)
        values += flows.values
        notes += flows.notes
    if group in ("quality", "all"):
        from rmperf.engine.quality import QualityParams, compute_quality_indicators

        quality = compute_quality_indicators(backend, the_period, QualityParams(basis=basis))
        values += quality.values
        notes += quality.notes
    if group == "flows" or group == "quality":
        values = values[len(result.values) :]
    names = export.indicator_defs()
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
    for note in dict.fromkeys(notes):
        print_note(note)
    if out:
        export.write(out, the_period.label, values)
        console.print(zh_en(f"已写出 {len(values)} 行到 {out}", f"wrote {len(values)} rows to {out}"))
        return
    table = RichTable(
        zh_en("对象", "owner"),
        zh_en("指标", "indicator"),
        zh_en("类别", "category"),
        zh_en("数值", "value"),
        zh_en("单位", "unit"),
    )
    for v in values:
        d = names.get(v.indicator)
        name = (d.zh if i18n.get_language() == "zh" else d.en) if d else v.indicator
        table.add_row(f"{v.owner_kind}:{v.owner_id}", name, v.category, f"{v.value:,}", d.unit if d else "")
    console.print(table)


def _balance_source(backend: Backend, period: Period, choice: str) -> BalanceSource:
    """The daily close's accumulators when asked for, or (auto) when they cover the period."""
    from rmperf.engine.attribution import SCAN
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.engine.close import AccumulatorSource, DailyClose, StaleAccumulators

    if choice == "scan" or not isinstance(backend, DuckDBBackend):
        return SCAN
    if choice == "auto" and not (State.home.root / "close.duckdb").exists():
        return SCAN
    close = DailyClose(State.home, backend)
    try:
        close.check_fresh(period.start, period.end)
    except StaleAccumulators as exc:
        if choice == "close":
            raise typer.BadParameter(str(exc)) from exc
        return SCAN
    err_console.print(zh_en("使用日终累计数(不重扫历史)", "using the daily close's accumulators"), style="dim")
    return AccumulatorSource(close)


@app.command("close")
def close_cmd(
    day: Annotated[str | None, typer.Option("--date", help="the day to close, YYYY-MM-DD")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="recompute the accumulators up to --date")] = False,
) -> None:
    """日终:把一天的余额累加进累计数 / fold one day's balances into the accumulators."""
    from datetime import date as date_type

    from rmperf.engine.backend import DuckDBBackend
    from rmperf.engine.close import DailyClose, StaleAccumulators
    from rmperf.store import FactStore

    setup_db()
    backend = DuckDBBackend(FactStore(State.home))
    close = DailyClose(State.home, backend)
    last = backend.query("SELECT max(date) FROM balances")[0][0]
    the_day = date_type.fromisoformat(day) if day else last
    if the_day is None:
        raise typer.BadParameter(zh_en("存储中没有余额", "the store holds no balances"))
    started = time.monotonic()
    if rebuild:
        count = close.rebuild(the_day)
        console.print(
            zh_en(
                f"已重建累计数:{count} 天,用时 {time.monotonic() - started:.1f} 秒",
                f"rebuilt the accumulators: {count} days in {time.monotonic() - started:.1f} s",
            )
        )
        return
    try:
        result = close.close(the_day)
    except StaleAccumulators as exc:
        err_console.print(str(exc), style="red")
        raise typer.Exit(1) from exc
    console.print(
        zh_en(
            f"{the_day} 日终:{result.status},{result.rows:,} 个账户,用时 {time.monotonic() - started:.2f} 秒",
            f"closed {the_day}: {result.status}, {result.rows:,} accounts in {time.monotonic() - started:.2f} s",
        )
    )


@app.command("explain")
def explain_cmd(
    period: Annotated[str | None, typer.Option("--period")] = None,
    indicator: Annotated[str | None, typer.Option("--indicator")] = None,
    run: Annotated[int | None, typer.Option("--run", help="a run: the whole trace of --rm")] = None,
    accounts: Annotated[int, typer.Option("--accounts", help="with --run: accounts shown per balance input")] = 10,
    rm: Annotated[str | None, typer.Option("--rm")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    pool: Annotated[str | None, typer.Option("--pool", help="the public pool of an org")] = None,
    category: Annotated[str, typer.Option("--category")] = "all",
    days: Annotated[bool, typer.Option("--days", help="also list each day")] = False,
    limit: Annotated[int, typer.Option("--limit")] = 50,
    window: Annotated[
        int | None, typer.Option("--window", help="spike_reversal: days after the period end (the scheme's window)")
    ] = None,
) -> None:
    """指标明细 / the accounts (and days) behind one value; with --run, the whole trace of one RM's score."""
    from rmperf.core.periods import Period
    from rmperf.engine.explain import explain

    if run is not None:
        if not rm:
            raise typer.BadParameter(zh_en("--run 需要同时指定 --rm", "--run needs --rm"))
        from rmperf.cli_runs import explain_run

        explain_run(run, rm, accounts)
        return
    if not period or not indicator:
        raise typer.BadParameter(
            zh_en("请指定 --period 和 --indicator,或 --run", "give --period and --indicator, or --run")
        )
    owner = _owner(rm, org, pool)
    if owner is None:
        raise typer.BadParameter(zh_en("请指定 --rm、--org 或 --pool", "give --rm, --org or --pool"))
    from rmperf.engine.explain import explainable

    if indicator not in explainable():
        raise typer.BadParameter(
            zh_en(
                f"{indicator} 没有账户级明细;可展开:{', '.join(explainable())}",
                f"{indicator} has no account-level explanation; explainable: {', '.join(explainable())}",
            )
        )
    if indicator == "spike_reversal" and window is None:
        raise typer.BadParameter(
            zh_en("时点冲高回落需用 --window 指定观察天数", "spike_reversal needs --window (days after the period)")
        )
    try:
        e = explain(
            open_backend(), Period.parse(period), owner, indicator, category, with_days=days, spike_window=window
        )
    except LookupError:
        err_console.print(
            zh_en(
                f"{owner[0]}:{owner[1]} 在 {period} 没有 {indicator}({category})的值,或其数据尚未入库",
                f"{owner[0]}:{owner[1]} has no {indicator} ({category}) in {period}, or its data is not stored yet",
            )
        )
        raise typer.Exit(1) from None
    console.print(f"{owner[0]}:{owner[1]} {indicator} {category} {period} = {e.value:,}")
    if e.parts:  # a ratio: its numerator and denominator, each opened
        for side, label in (("numerator", zh_en("分子", "numerator")), ("denominator", zh_en("分母", "denominator"))):
            part = e.parts[side]
            console.print(f"{label} = {part.value:,}")
            _print_contributions(part.accounts, limit)
    else:
        _print_contributions(e.accounts, limit)
    if days:
        for account_id, day, amount in e.days[: limit * 10]:
            console.print(f"{account_id} {day} {amount:,.2f}")


def _print_contributions(rows: list[Contribution], limit: int) -> None:
    """The first ``limit`` contributions of an explanation, and what the rest add up to."""
    from decimal import Decimal

    table = RichTable(
        zh_en("账户", "account"),
        zh_en("客户", "customer"),
        zh_en("类别", "category"),
        zh_en("贡献", "contribution"),
    )
    for c in rows[:limit]:
        table.add_row(c.account_id, c.customer_id, c.category, f"{c.value:,}")
    console.print(table)
    if len(rows) > limit:
        rest = sum((c.value for c in rows[limit:]), start=Decimal(0))
        console.print(
            zh_en(f"其余 {len(rows) - limit} 项合计 {rest:,}", f"{len(rows) - limit} more, together {rest:,}")
        )


def _internal_error(error: BaseException) -> int:
    """Log an unexpected error's traceback in the home's ``logs/``; tell the user where, without a traceback."""
    import os
    import traceback
    from datetime import UTC, datetime

    if os.environ.get("RMPERF_DEBUG"):
        raise error
    logs = State.home.root / "logs"
    try:
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"error-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.txt"
        log.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
        where = str(log)
    except OSError:
        where = "(stderr)"
        traceback.print_exception(error)
    err_console.print(
        i18n.t("cli.internal_error", {"error": type(error).__name__, "log": where}),
        style="bold red",
        highlight=False,
        markup=False,
    )
    return 2


def _database_busy(error: BaseException) -> bool:
    from django.db.utils import OperationalError

    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def main() -> None:
    os.umask(0o077)  # every file the CLI makes (store, database, logs, exports) is its owner's alone
    import rmperf.cli_grades  # registers grades, consequences
    import rmperf.cli_pay  # registers pay, adjust, clawback, release, ledger, paysheet
    import rmperf.cli_runs  # noqa: F401  (registers run, runs, results, diff)
    from rmperf.core.scheme.errors import SchemeError
    from rmperf.core.scoring import ScoringError
    from rmperf.errors import UserError

    try:
        app()
    except UserError as error:  # a refused input: the message, in the user's language
        err_console.print(error.message(), style="red", highlight=False, markup=False)
        raise SystemExit(1) from None
    except SchemeError as error:
        print_scheme_error(error)
        raise SystemExit(1) from None
    except ScoringError as error:
        err_console.print(error.message(), style="red", highlight=False, markup=False)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        err_console.print(i18n.t("cli.interrupted"), style="yellow")
        raise SystemExit(130) from None
    except Exception as error:  # the last resort: never a traceback on the user's screen
        if _database_busy(error):  # another writer held SQLite's lock longer than the wait
            err_console.print(i18n.t("ledger.busy"), style="red", highlight=False, markup=False)
            raise SystemExit(1) from None
        raise SystemExit(_internal_error(error)) from None
