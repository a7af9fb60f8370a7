"""CLI commands of grades and consequences: ``grades`` (003) and ``consequences`` (002).

Registered on the main Typer app by ``rmperf.cli.main``. Both print
proposals per sub-branch, with the figures behind each; neither changes
anything: a person decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich import box
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli.base import app, console, ctx, err_console, zh_en

if TYPE_CHECKING:
    from rmperf.pay.grades_service import GradeReport

T = TypeVar("T")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            zh_en(f"{option} 应为 YYYY-MM-DD:{text}", f"{option} is a date YYYY-MM-DD: {text}")
        ) from None


def _guarded(call: Callable[[], T]) -> T:
    """Run ``call``; an input problem (no run, bad facts, bad ladder) is printed and exits 1."""
    from rmperf.core.pay.grades import LadderError, NotAnEvaluationMonth
    from rmperf.pay.grades_service import ProposalInputError

    try:
        return call()
    except (ProposalInputError, LadderError, NotAnEvaluationMonth) as error:
        err_console.print(error.render(i18n.get_language()), style="red", highlight=False, markup=False)
        raise typer.Exit(1) from None


def _wan2(text: str) -> str:
    """A 万元 figure as the terminal shows it: two places, thousands separated (the workbook keeps six)."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        return f"{Decimal(text).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    except InvalidOperation:
        return text or "—"


def _by_subbranch(rows: Sequence[dict[str, str]]) -> dict[tuple[str, str], list[dict[str, str]]]:
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((row["subbranch_id"], row["subbranch"]), []).append(row)
    return groups


@app.command("grades")
def grades_cmd(
    period: Annotated[str, typer.Option("--period", help="2025 (January evaluation) or 2025-H1 (July)")],
    run: Annotated[int | None, typer.Option("--run", help="the run giving the simulated profit")] = None,
    on: Annotated[str | None, typer.Option("--on", help="evaluation day (default: 1 January / 1 July after)")] = None,
    facts: Annotated[
        Path | None,
        typer.Option(
            "--facts", help="CSV/XLSX: rm_id, hired, months_below_lowest, committed_profit, committed_aum_balance"
        ),
    ] = None,
    ladder: Annotated[str | None, typer.Option("--ladder", help="a ladder file or name (default grades-003)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="also write the proposals to .csv or .xlsx")] = None,
    changes: Annotated[bool, typer.Option("--changes", help="list only the proposed changes")] = False,
    detail: Annotated[bool, typer.Option("--detail", help="print each comparison and note")] = False,
) -> None:
    """职级调整建议(003)/ grade proposals with the figures behind each (a person decides)."""
    from rmperf.runs.service import Upload
    from rmperf.services import grades

    context = ctx()
    upload = Upload.from_path(facts) if facts is not None else None
    report = _guarded(
        lambda: grades.grade_report(context, period, run_id=run, on=_day(on, "--on"), facts=upload, ladder=ladder)
    )
    print_grades(report, out=out, changes=changes, detail=detail)


def print_grades(report: GradeReport, *, out: Path | None = None, changes: bool = False, detail: bool = False) -> None:
    """The grade proposals per sub-branch (only the changes, or with each rule), and the file written."""
    from rmperf.core.pay.grades import show_wan
    from rmperf.services import grades
    from rmperf.tabular import save

    context = ctx()
    lang = context.lang
    rows = grades.grade_rows(context, report)
    by_rm = {p.rm_id: p for p in report.proposals}
    console.print(
        zh_en(
            f"职级调整建议 · {report.run.period} · 评定日 {report.on} · 计算批次 {report.run.run_id} "
            f"({report.run.scheme_id} v{report.run.scheme_version}) · 标准 {report.ladder}",
            f"Grade proposals · {report.run.period} · evaluated on {report.on} · run {report.run.run_id} "
            f"({report.run.scheme_id} v{report.run.scheme_version}) · standards {report.ladder}",
        ),
        style="bold",
        highlight=False,
    )
    console.print(
        zh_en(
            "金额单位:万元。模拟利润 = 方案各项(A1…F)得分之和,即乘 3% 之前;管理资产新增含公司存款日均增量按 3:1 折算。"
            "每条建议的依据见 --detail 或 --out 写出的工作簿。",
            "Amounts in 万元 (10,000 yuan). Simulated profit = the sum of the scheme's items (A1…F) before × 3 %; "
            "the AUM increment counts corporate deposits' daily-average increment at 3:1. "
            "The rule behind each proposal: --detail, or the workbook --out writes.",
        ),
        highlight=False,
    )
    console.print(
        zh_en(
            "以下均为建议,须经审批(003 第二十条);客户经理有权要求由人作出决定。",
            "These are proposals to be approved (003 art. 20); each RM has the right to a human decision.",
        ),
        style="yellow",
    )
    shown = 0
    for (sub_id, sub_name), group in _by_subbranch(rows).items():
        if changes:
            group = [r for r in group if by_rm[r["rm_id"]].is_change]
        if not group:
            continue
        # what fits a terminal (80 columns): the figures to 2 places, the grade change in one column; the rule
        # behind each proposal below the table with --detail, and in full in the workbook (--out)
        table = RichTable(title=f"{sub_name} ({sub_id})", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(zh_en("客户经理", "RM"), no_wrap=True)
        table.add_column(zh_en("建议", "proposal"), no_wrap=True)
        table.add_column(zh_en("职级", "grade"), no_wrap=True)
        table.add_column(zh_en("模拟利润", "profit"), justify="right", no_wrap=True)
        table.add_column(zh_en("管理资产新增", "AUM incr."), justify="right", no_wrap=True)
        for r in group:
            p = by_rm[r["rm_id"]]
            grade = r["current_grade_name"] or "—"
            if p.proposed != p.current:
                grade = f"{grade}→{r['proposed_grade_name'] or '—'}"
            table.add_row(
                f"{r['rm_id']} {r['name']}",
                r["action_text"],
                grade,
                _wan2(r["simulated_profit_wan"]),
                _wan2(r["aum_increment_counted_wan"]),
            )
            shown += 1
        console.print(table)
        if detail:
            for r in group:
                p = by_rm[r["rm_id"]]
                console.print(f"{r['rm_id']} {r['name']}", style="bold", highlight=False)
                console.print("  " + p.rule_text(lang), highlight=False, markup=False)
                for check in p.checks:
                    console.print("  " + check.render(lang), highlight=False, markup=False)
                for note in p.notes:
                    console.print("  * " + note.render(lang), highlight=False, markup=False)
                if p.counted is not None and p.counted.aum_balance is not None:
                    console.print(
                        "  "
                        + zh_en("管理资产余额(含公司存款折算)", "AUM balance (with corporate deposits counted)")
                        + f" {show_wan(p.counted.aum_balance)}",
                        highlight=False,
                    )
                console.print("  " + "; ".join(p.refs), style="dim", highlight=False, markup=False)
    counts: dict[str, int] = {}
    for p in report.proposals:
        counts[p.action.value] = counts.get(p.action.value, 0) + 1
    summary = ", ".join(f"{i18n.t(f'grades.action.{k}')} {v}" for k, v in sorted(counts.items()))
    console.print(
        zh_en(f"共 {len(report.proposals)} 名客户经理:{summary}", f"{len(report.proposals)} RMs: {summary}"),
        highlight=False,
    )
    if not shown:
        console.print(zh_en("没有需要列出的建议", "no proposals to list"))
    for line in report.notes:
        err_console.print(line, style="yellow")
    if out is not None:
        target = out
        save(target, _guarded(lambda: grades.rows_document(rows, target.suffix.lower().lstrip("."), "grades")).data)
        console.print(zh_en(f"已写出 {len(rows)} 行到 {out}", f"wrote {len(rows)} rows to {out}"))


@app.command("consequences")
def consequences_cmd(
    period: Annotated[str, typer.Option("--period", help="a year (2025) or a quarter (2025-Q3)")],
    scheme: Annotated[str, typer.Option("--scheme", help="the scheme whose runs give the scores")] = "rural-2023",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="the day the proposals are made (default: the day after)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="also write the proposals to .csv or .xlsx")] = None,
) -> None:
    """考核结果应用建议(002)/ what the results lead to, with the evidence (a person decides)."""
    from rmperf.services import grades
    from rmperf.tabular import save

    context = ctx()
    lang = context.lang
    report = _guarded(lambda: grades.consequence_report(context, period, scheme=scheme, as_of=_day(as_of, "--as-of")))
    rows = grades.consequence_rows(context, report)
    used = ", ".join(f"{label} #{run_id}" for label, run_id in sorted(report.runs.items()))
    console.print(
        zh_en(
            f"考核结果应用建议 · {report.period} · 方案 {report.scheme_id} · 所用计算批次:{used}",
            f"Consequences · {report.period} · scheme {report.scheme_id} · runs used: {used}",
        ),
        style="bold",
        highlight=False,
    )
    console.print(i18n.t("consequences.decision"), style="yellow")
    for (sub_id, sub_name), group in _by_subbranch(rows).items():
        table = RichTable(title=f"{sub_name} ({sub_id})", show_lines=True)
        table.add_column(zh_en("客户经理", "RM"))
        table.add_column(zh_en("建议", "proposal"))
        table.add_column(zh_en("依据与证据", "rule and evidence"), overflow="fold")
        for r in group:
            text = r["text_en"] if lang == "en" else r["text_zh"]
            table.add_row(f"{r['rm_id']} {r['name']}", r["action_text"], text)
        console.print(table)
    if not rows:
        console.print(zh_en("没有符合任何规则的客户经理", "no RM matches any rule"))
    else:
        console.print(
            zh_en(
                f"共 {len(rows)} 条建议,涉及 {len({r['rm_id'] for r in rows})} 名客户经理",
                f"{len(rows)} proposals for {len({r['rm_id'] for r in rows})} RMs",
            )
        )
    if report.left:
        console.print(
            zh_en(
                f"已离职、未列出:{', '.join(report.left)}",
                f"left the bank, not listed: {', '.join(report.left)}",
            ),
            style="dim",
        )
    if report.outside:
        console.print(
            zh_en(
                f"有一票否决违规但不在本方案考核范围内(请按其适用的办法处理):{', '.join(report.outside)}",
                f"vetoing violations of RMs this scheme does not appraise (handle under their own rules): "
                f"{', '.join(report.outside)}",
            ),
            style="yellow",
        )
    if out is not None:
        target = out
        save(
            target,
            _guarded(lambda: grades.rows_document(rows, target.suffix.lower().lstrip("."), "consequences")).data,
        )
        console.print(zh_en(f"已写出 {len(rows)} 行到 {out}", f"wrote {len(rows)} rows to {out}"))
