"""CLI commands of the store and the demo: ``import``, ``check``, ``demo-data``, ``verify``, ``repair``,
``db-grant``, ``summary``, ``imports``, ``demo``, ``indicators``, ``close`` and ``explain``.

Each parses its options, calls one service of :mod:`rmperf.services` and renders what it returns.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli.base import app, console, ctx, err_console, print_note, zh_en

if TYPE_CHECKING:
    from rmperf.engine.explain import Contribution
    from rmperf.ingest.importer import ImportResult
    from rmperf.ingest.problems import Problem
    from rmperf.services.context import Context
    from rmperf.store.summary import StoreSummary


STEP_LABELS = {
    "load": ("读取数据包", "reading the package"),
    "validate": ("校验", "checking"),
    "store": ("写入存储", "storing"),
    "done": ("完成", "done"),
}


def run_import(context: Context, package: Path) -> int:
    """Import with a progress bar; print problems; return the exit code."""
    from rmperf.services import data

    with _bar() as progress:
        result = data.import_package(context, package, progress=progress)
    return print_import(result)


class _bar:
    """A progress bar of the import's steps, on stderr, gone when done."""

    def __enter__(self) -> Any:
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self.bar.__enter__()
        task = self.bar.add_task(zh_en("导入", "import"), total=3)

        def progress(step: str, done: int, total: int) -> None:
            zh, en = STEP_LABELS.get(step, (step, step))
            self.bar.update(task, completed=done, total=total, description=zh_en(zh, en))

        return progress

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)


def print_import(result: ImportResult) -> int:
    """An import's problems and, committed, its tables; the exit code."""
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
    raise typer.Exit(run_import(ctx(user), path))


@app.command("check")
def check_cmd(path: Annotated[Path, typer.Argument(help="data package folder")]) -> None:
    """只校验不导入 / check a data package without storing anything."""
    from rmperf.services import data

    problems = data.check_package(ctx(), path)
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
    from rmperf.services import data

    found = data.verify(ctx())
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
            err_console.print("  " + problem.render(), style="red", highlight=False, markup=False)
    if not found.ok:
        raise typer.Exit(1)


@app.command("repair")
def repair_cmd() -> None:
    """清理中断导入的遗留 / after a crash: mark dead imports failed, remove their staging folders and
    store files the catalog does not reference (the next import does it too)."""
    from rmperf.services import data

    done = data.repair(ctx())
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
    from rmperf.services import data

    statements = data.db_grant(ctx(), role)
    console.print(
        zh_en(
            f"已授权 {role}:{len(statements)} 条语句",
            f"granted {role} the application's rights: {len(statements)} statements",
        )
    )


@app.command("summary")
def summary_cmd() -> None:
    """存储概况 / what the store holds."""
    from rmperf.services import data

    print_summary(data.summary(ctx()))


def print_summary(s: StoreSummary, import_seconds: float | None = None) -> None:
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
    from rmperf.services import data

    table = RichTable(
        "#",
        zh_en("时间", "when"),
        zh_en("操作人", "who"),
        zh_en("状态", "status"),
        zh_en("内容哈希", "content hash"),
        zh_en("行数", "rows"),
        zh_en("错误/警告", "errors/warnings"),
    )
    for rec in data.imports(ctx(), limit):
        table.add_row(
            str(rec.import_id),
            rec.started_at.isoformat(timespec="seconds"),
            rec.user,
            rec.status,
            rec.content_hash[:12],
            f"{rec.rows:,}",
            f"{rec.errors}/{rec.warnings}",
        )
    console.print(table)


@app.command("demo")
def demo_cmd(
    size: Annotated[str, typer.Option("--size")] = "small",
    seed: Annotated[int, typer.Option("--seed")] = 42,
) -> None:
    """一条命令演示:生成演示银行、导入、计算、记账、职级建议 / the demo bank, imported, run, paid, graded."""
    from rmperf.services.demo import demo

    with _bar() as progress:
        runs = demo(
            ctx("demo"), size, seed, observe=show_demo_step, import_progress=progress, generate_progress=progress
        )
    if not runs:
        raise typer.Exit(1)


def show_demo_step(event: object) -> None:
    """One step of the demo, as it is done."""
    from rmperf.cli.grades import print_grades
    from rmperf.cli.pay import print_paysheet_written, print_posted
    from rmperf.cli.runs import print_top
    from rmperf.services import demo

    if isinstance(event, demo.Generated):
        console.print(
            zh_en(
                f"演示数据包:{event.package}(用时 {event.seconds:.1f} 秒)",
                f"demo package: {event.package} ({event.seconds:.1f} s)",
            )
        )
    elif isinstance(event, demo.Imported):
        print_import(event.result)
        if event.summary is not None:
            print_summary(event.summary, event.seconds)
    elif isinstance(event, demo.Leading):
        print_leading(event)
    elif isinstance(event, demo.Planned):
        low, high = event.factor
        console.print(
            zh_en(
                f"演示计划:{event.scheme} {event.period} 的目标值与手工取值见 {event.folder}"
                f"(各人本期实际值 × {low}–{high})",
                f"demo plan: {event.scheme} {event.period} targets and manual values in {event.folder} "
                f"(each RM's own figure × {low}–{high})",
            ),
            style="dim",
        )
    elif isinstance(event, demo.Ran):
        console.print(
            zh_en(
                f"考核方案 {event.scheme} {event.period}:第 {event.run_id} 号批次,共 {event.rms} 名客户经理,"
                f"用时 {event.seconds:.1f} 秒;Excel:{event.workbook}",
                f"scheme {event.scheme} {event.period}: run {event.run_id}, {event.rms} RMs, "
                f"{event.seconds:.1f} s; workbook: {event.workbook}",
            )
        )
        print_top(event.top, event.period, event.unit)
    elif isinstance(event, demo.PaidOut):
        print_posted(event.run_id, event.posted)
        print_paysheet_written(event.sheet, event.workbook)
    elif isinstance(event, demo.Graded):
        print_grades(event.report, out=event.workbook, changes=True)
    elif isinstance(event, demo.People):
        print_logins(event.logins)


def print_logins(logins: list[Any]) -> None:
    """The demo's logins, one per role, for the web application."""
    table = RichTable(title=zh_en("网页端登录(演示数据目录专用)", "web logins (this demo home only)"))
    for column in (
        zh_en("用户名", "username"),
        zh_en("角色", "role"),
        zh_en("范围", "scope"),
        zh_en("密码", "password"),
    ):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, i18n.t("role." + login.role), login.where, login.password)
    console.print(table)


def print_leading(event: Any) -> None:
    """The last quarter's leading RMs by deposit daily average, with their FTP profit."""
    table = RichTable(
        title=zh_en(
            f"{event.period} 存款日均前五名(计算用时 {event.seconds:.1f} 秒)",
            f"{event.period}: top 5 RMs by deposit daily average ({event.seconds:.1f} s)",
        ),
    )
    for header in (
        zh_en("客户经理", "RM"),
        zh_en("存款日均", "deposit daily avg"),
        zh_en("日均增量", "daily-avg increment"),
        zh_en("FTP利差模拟利润", "FTP spread profit"),
    ):
        table.add_column(header, justify="right")
    for rm_id, name, figures in event.rows:
        table.add_row(f"{rm_id} {name}", *(f"{v:,}" for v in figures))
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
    from rmperf.core import indicators as catalogue
    from rmperf.services import data
    from rmperf.tabular import save

    if group not in data.GROUPS:
        raise typer.BadParameter(
            zh_en("--group 只能是 balances、flows、quality 或 all", "--group is balances, flows, quality or all")
        )
    found = data.indicators(
        ctx(),
        period,
        rm=rm,
        org=org,
        indicator=indicator,
        category=category,
        basis=basis,
        engine=engine,
        master=master,
        source=source,
        by=by,
        group=group,
    )
    if found.from_close:
        err_console.print(zh_en("使用日终累计数(不重扫历史)", "using the daily close's accumulators"), style="dim")
    for note in found.notes:
        print_note(note)
    if out:
        save(out, data.indicators_document(found, out.suffix.lower().lstrip(".")).data)
        console.print(zh_en(f"已写出 {len(found.values)} 行到 {out}", f"wrote {len(found.values)} rows to {out}"))
        return
    table = RichTable(
        zh_en("对象", "owner"),
        zh_en("指标", "indicator"),
        zh_en("类别", "category"),
        zh_en("数值", "value"),
        zh_en("单位", "unit"),
    )
    for v in found.values:
        name = catalogue.name(v.indicator, i18n.get_language())
        table.add_row(
            f"{v.owner_kind}:{v.owner_id}", name, v.category, f"{v.value:,}", catalogue.unit(v.indicator) or ""
        )
    console.print(table)


@app.command("close")
def close_cmd(
    day: Annotated[str | None, typer.Option("--date", help="the day to close, YYYY-MM-DD")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="recompute the accumulators up to --date")] = False,
) -> None:
    """日终:把一天的余额累加进累计数 / fold one day's balances into the accumulators."""
    from rmperf.services import data

    the_day = _day(day, "--date") if day else None
    started = time.monotonic()
    done = data.close(ctx(), the_day, rebuild=rebuild)
    seconds = time.monotonic() - started
    if rebuild:
        console.print(
            zh_en(
                f"已重建累计数:{done.days} 天,用时 {seconds:.1f} 秒",
                f"rebuilt the accumulators: {done.days} days in {seconds:.1f} s",
            )
        )
        return
    console.print(
        zh_en(
            f"{done.day} 日终:{done.status},{done.rows:,} 个账户,用时 {seconds:.2f} 秒",
            f"closed {done.day}: {done.status}, {done.rows:,} accounts in {seconds:.2f} s",
        )
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            zh_en(f"{option} 应为 YYYY-MM-DD:{text}", f"{option} is a date YYYY-MM-DD: {text}")
        ) from None


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
    from rmperf.services.explain import explain_figure

    if run is not None:
        if not rm:
            raise typer.BadParameter(zh_en("--run 需要同时指定 --rm", "--run needs --rm"))
        from rmperf.cli.runs import explain_run

        explain_run(run, rm, accounts)
        return
    if not period or not indicator:
        raise typer.BadParameter(
            zh_en("请指定 --period 和 --indicator,或 --run", "give --period and --indicator, or --run")
        )
    owner = _owner(rm, org, pool)
    if owner is None:
        raise typer.BadParameter(zh_en("请指定 --rm、--org 或 --pool", "give --rm, --org or --pool"))
    e = explain_figure(ctx(), Period.parse(period), owner, indicator, category, days=days, spike_window=window)
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
