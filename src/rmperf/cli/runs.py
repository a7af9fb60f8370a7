"""CLI commands of runs: ``run``, ``runs``, ``results``, ``diff`` and ``explain --run``.

Each parses its options, calls one service of :mod:`rmperf.services.runs` or
:mod:`rmperf.services.explain`, and renders what it returns.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli.base import (
    app,
    console,
    ctx,
    err_console,
    print_error,
    print_note,
    print_scheme_error,
    zh_en,
)
from rmperf.messages import notes_of


@app.command("run")
def run_cmd(
    scheme: Annotated[str, typer.Option("--scheme", help="a scheme file, or a shipped template's name")],
    period: Annotated[str, typer.Option("--period", help="2025, 2025-H1, 2025-Q2 or 2025-06")],
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark")] = "duckdb",
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL")] = None,
    targets: Annotated[Path | None, typer.Option("--targets", help="targets table: rm_id, item, target")] = None,
    values: Annotated[Path | None, typer.Option("--values", help="manual values: rm_id, input, value")] = None,
    user: Annotated[str | None, typer.Option("--user")] = None,
    top: Annotated[int, typer.Option("--top", help="print the first N of each rank group")] = 0,
) -> None:
    """考核计算 / run a scheme on a period; prints the run id."""
    from rmperf.core.scheme import SchemeError
    from rmperf.runs.service import Upload
    from rmperf.services import runs

    context = ctx(user)
    started = time.monotonic()
    try:
        with console.status(zh_en("计算中…", "computing…")) as status:

            def progress(step: str) -> None:
                labels = {
                    "indicators": ("计算指标", "indicators"),
                    "previous": ("计算上年同期", "last year"),
                    "scoring": ("计分", "scoring"),
                }
                zh, en = labels.get(step, (step, step))
                status.update(zh_en(zh, en) + "…")

            outcome = runs.run(
                context,
                scheme,
                period,
                engine=engine,
                master=master,
                targets=Upload.from_path(targets) if targets is not None else None,
                values=Upload.from_path(values) if values is not None else None,
                progress=progress,
            )
    except SchemeError as error:
        print_scheme_error(error)
        raise typer.Exit(1) from None
    seconds = time.monotonic() - started
    ev = outcome.evaluation
    console.print(
        zh_en(
            f"计算批次 {outcome.run_id}:{ev.scheme_id} v{ev.scheme_version} {ev.period},"
            f"{len(ev.results)} 名客户经理,用时 {seconds:.1f} 秒"
            f"(指标 {outcome.timings.get('indicators', 0):.1f} 秒,计分 {outcome.timings.get('scoring', 0):.2f} 秒)",
            f"run {outcome.run_id}: {ev.scheme_id} v{ev.scheme_version} {ev.period}, {len(ev.results)} RMs, "
            f"{seconds:.1f} s (indicators {outcome.timings.get('indicators', 0):.1f} s, "
            f"scoring {outcome.timings.get('scoring', 0):.2f} s)",
        )
    )
    console.print(f"result hash {outcome.result_hash[:16]}", style="dim")
    for note in notes_of(outcome.notes):
        print_note(note)
    if top:
        payloads = [r.to_dict() for r in ev.results]
        print_top(runs.top_of(payloads, top), ev.period, runs.total_unit(scheme))
    # the run id alone on the last line, for scripts
    print(outcome.run_id, file=sys.stdout)


def print_top(payloads: Sequence[Mapping[str, Any]], period: str, unit: str = "points") -> None:
    table = RichTable(title=zh_en(f"{period} 排名前列", f"{period}: the top of each rank group"))
    total = zh_en("总绩效(元)", "total pay (yuan)") if unit == "yuan" else zh_en("总分(分)", "total (points)")
    table.add_column(zh_en("排名组", "group"))
    table.add_column(zh_en("名次", "rank"), no_wrap=True)
    table.add_column(zh_en("客户经理", "RM"), no_wrap=True)
    table.add_column(total, justify="right", no_wrap=True)
    for p in payloads:
        value = p["total"]
        if unit == "yuan":
            value = f"{Decimal(value):,.2f}"
        table.add_row(p["group"], f"{p['rank']}/{p['rank_n']}", f"{p['rm_id']} {p.get('name') or ''}", value)
    console.print(table)


@app.command("runs")
def runs_cmd(limit: Annotated[int, typer.Option("--limit")] = 20) -> None:
    """计算批次列表 / the latest runs."""
    from rmperf.services import runs

    table = RichTable(
        "id",
        zh_en("方案", "scheme"),
        zh_en("期间", "period"),
        zh_en("人数", "RMs"),
        zh_en("时间", "when"),
        zh_en("结果哈希", "result hash"),
    )
    for r in runs.list_runs(ctx(), limit):
        table.add_row(
            str(r.run_id),
            f"{r.scheme_id} v{r.scheme_version}",
            r.period,
            str(r.rm_count),
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.result_hash[:16],
        )
    console.print(table)


@app.command("results")
def results_cmd(
    run: Annotated[int, typer.Option("--run", help="run id")],
    fmt: Annotated[str, typer.Option("--format", help="json|csv|xlsx")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (default: print JSON/CSV)")] = None,
) -> None:
    """考核结果导出 / a run's results per RM as JSON, CSV or XLSX."""
    from rmperf.services import runs
    from rmperf.tabular import save

    if fmt not in ("json", "csv", "xlsx"):
        raise typer.BadParameter(zh_en("--format 只能是 json、csv 或 xlsx", "--format is json, csv or xlsx"))
    document = runs.results_document(ctx(), run, fmt)
    if out is None and fmt != "xlsx":
        print(document.data.decode("utf-8-sig"), end="" if fmt == "csv" else "\n")
        return
    target = out or Path(document.name)
    save(target, document.data)
    rows = len(runs.stored_run(ctx(), run)[1])
    console.print(zh_en(f"已写出 {rows} 名客户经理的结果到 {target}", f"wrote {rows} RMs to {target}"))


@app.command("diff")
def diff_cmd(
    run_a: Annotated[int, typer.Argument(help="run id")],
    run_b: Annotated[int, typer.Argument(help="run id")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """两次计算的差异 / what changed between two runs, and why (inputs, scheme, code)."""
    from rmperf.services import runs

    d = runs.diff(ctx(), run_a, run_b)
    pay = d["pay"]
    pay_same = not pay["changed_rms"]
    if as_json:
        print(json.dumps(d, ensure_ascii=False, indent=1))
        return
    for line in d["tampered"]:
        err_console.print(line, style="red", highlight=False, markup=False)
    if d["same_result"] and pay_same:
        console.print(zh_en("两次计算结果完全相同(结果哈希一致)。", "identical results (same result hash)."))
    elif d["same_result"]:
        console.print(
            zh_en("两次计算的得分与排名相同,但薪酬不同(见下)。", "the same scores and ranks, different pay (below).")
        )
    why = d["why"]
    if not why and not d["tampered"]:
        console.print(zh_en("输入、方案和代码均未变化。", "inputs, scheme and code are the same."))
    if "inputs" in why:
        i = why["inputs"]
        console.print(
            zh_en("输入数据变化:", "inputs changed: ")
            + f"store v{i['store_version'][0]} → v{i['store_version'][1]}, "
            + f"{i['input_hash'][0][:12]} → {i['input_hash'][1][:12]}"
        )
    if "scheme" in why:
        s = why["scheme"]
        console.print(
            zh_en("考核方案变化:", "scheme changed: ")
            + f"{s['id'][0]} v{s['version'][0]} → {s['id'][1]} v{s['version'][1]}"
        )
        for line in s["diff"][:80]:
            console.print("  " + line, highlight=False, markup=False)
    if "code" in why:
        console.print(zh_en("程序版本变化:", "code changed: ") + f"{why['code'][0]} → {why['code'][1]}")
    if "period" in why:
        console.print(zh_en("期间不同:", "different periods: ") + f"{why['period'][0]} / {why['period'][1]}")
    changed = d["changed_rms"]
    console.print(zh_en(f"{len(changed)} 名客户经理的结果有变化", f"{len(changed)} RMs changed"))
    for c in changed[:50]:
        if "only_in" in c:
            console.print(f"  {c['rm_id']}: " + zh_en(f"仅在批次 {c['only_in']}", f"only in run {c['only_in']}"))
            continue
        items = ", ".join(f"{k} {v.get('score', v)}" for k, v in c["items"].items())
        console.print(
            f"  {c['rm_id']}: {c['total'][0]} → {c['total'][1]}, rank {c['rank'][0]} → {c['rank'][1]}  {items}"
        )
    if pay["compared"]:
        english = i18n.get_language() == "en"
        ta, tb = pay["totals"]
        console.print(
            zh_en(
                f"薪酬:{len(pay['changed_rms'])} 名客户经理的薪酬有变化;应发合计 {ta} → {tb}",
                f"pay: {len(pay['changed_rms'])} RMs' pay changed; gross total {ta} → {tb}",
            )
        )
        for c in pay["changed_rms"][:50]:
            names = pay["labels"]
            parts = ", ".join(
                f"{names.get(k, (k, k))[1 if english else 0]} {x} → {y}" for k, (x, y) in c["components"].items()
            )
            console.print(f"  {c['rm_id']}: {parts}", highlight=False, markup=False)
    else:
        reasons = "; ".join(r for r in pay["why"] if r)
        console.print(zh_en(f"薪酬未比较:{reasons}", f"pay not compared: {reasons}"), style="dim", markup=False)


def explain_run(run_id: int, rm: str, accounts: int) -> None:
    """``rmperf explain --run ID --rm RM``: the whole trace, and the accounts behind each input, as the run
    computed them; an input whose opened figure is not the stored one is an error (exit 1)."""
    from rmperf.services.explain import explain_run as explained

    e = explained(ctx(), run_id, rm, open_inputs=accounts > 0)
    console.print(
        zh_en(
            f"批次 {e.run_id} · {e.scheme_id} v{e.scheme_version} · {e.period}",
            f"run {e.run_id} · {e.scheme_id} v{e.scheme_version} · {e.period}",
        ),
        style="bold",
    )
    for line in e.lines:
        console.print(line, highlight=False, markup=False)
    for opened in e.inputs:
        if opened.mismatch is not None:
            print_error(opened.mismatch)
            continue
        if opened.why_not is not None:
            console.print("  " + opened.why_not.render(), style="dim", highlight=False, markup=False)
            continue
        if opened.explanation is not None:
            print_opened(opened.name, opened.explanation, accounts)
        elif opened.rows:
            console.print("")
            console.print(
                zh_en(f"{opened.name} 的来源:{opened.source}", f"{opened.name}, from {opened.source}:"),
                style="bold",
                highlight=False,
                markup=False,
            )
            for row in opened.rows[: accounts * 5]:
                shown = "  ".join(str(v) for k, v in row.items() if k != "_line")
                console.print(f"  {shown}", highlight=False, markup=False)
    if e.mismatches:
        raise typer.Exit(1)


def print_opened(name: str, e: Any, accounts: int) -> None:
    """An engine input's accounts (a ratio's numerator and denominator), the first ``accounts`` of each."""
    console.print("")
    console.print(zh_en(f"{name} = {e.value:,} 的账户明细:", f"{name} = {e.value:,}, by account:"), style="bold")
    labels = {"numerator": zh_en("分子", "numerator"), "denominator": zh_en("分母", "denominator")}
    sides = [(f"{labels[k]} = {p.value:,}", p.accounts) for k, p in e.parts.items()] or [("", e.accounts)]
    for label, rows in sides:
        if label:
            console.print(f"  {label}", highlight=False)
        for c in rows[:accounts]:
            console.print(f"  {c.account_id}  {c.customer_id}  {c.category}  {c.value:,}", highlight=False)
        if len(rows) > accounts:
            rest = sum((c.value for c in rows[accounts:]), start=Decimal(0))
            console.print(
                zh_en(
                    f"  其余 {len(rows) - accounts} 项合计 {rest:,}",
                    f"  {len(rows) - accounts} more, together {rest:,}",
                )
            )
