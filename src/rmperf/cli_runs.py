"""CLI commands of runs: ``run``, ``runs``, ``results``, ``diff`` and ``explain --run``.

Registered on the main Typer app by ``rmperf.cli`` (imported at its end).
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from rmperf import i18n
from rmperf.cli_base import (
    State,
    app,
    console,
    err_console,
    open_backend,
    org_tree,
    print_note,
    print_scheme_error,
    zh_en,
)


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
    import getpass

    from rmperf.core.scheme import SchemeError
    from rmperf.runs.report import top as top_of
    from rmperf.runs.service import run_scheme

    backend = open_backend(engine, master)
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

            outcome = run_scheme(
                State.home,
                backend,
                scheme,
                period,
                engine=engine,
                targets_file=targets,
                values_file=values,
                user=user or getpass.getuser(),
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
    for note in outcome.notes:
        print_note(note)
    if top:
        print_top(top_of([r.to_dict() for r in ev.results], top), ev.period, _total_unit(scheme))
    # the run id alone on the last line, for scripts
    print(outcome.run_id, file=sys.stdout)


def _total_unit(ref: str) -> str:
    """``points`` or ``yuan``: what a scheme's total is in (its ``total_unit``)."""
    from rmperf.core.scheme import load_file
    from rmperf.runs.service import scheme_file

    return load_file(scheme_file(ref)).header.total_unit


def print_top(payloads: list[Any], period: str, unit: str = "points") -> None:
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
    open_backend()
    from rmperf.db.models import Run

    table = RichTable(
        "id",
        zh_en("方案", "scheme"),
        zh_en("期间", "period"),
        zh_en("人数", "RMs"),
        zh_en("时间", "when"),
        zh_en("结果哈希", "result hash"),
    )
    for r in Run.objects.filter(store=State.home.store_id()).order_by("-id")[:limit]:
        table.add_row(
            str(r.pk),
            f"{r.scheme_id} v{r.scheme_version}",
            r.period,
            str(r.rm_count),
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.result_hash[:16],
        )
    console.print(table)


def _meta(run: Any) -> dict[str, Any]:
    return {
        "run_id": run.pk,
        "scheme_id": run.scheme_id,
        "scheme_version": run.scheme_version,
        "period": run.period,
        "created_at": run.created_at.isoformat(),
        "user": run.user,
        "engine": run.engine,
        "store_version": run.store_version,
        "input_hash": run.input_hash,
        "code_version": run.code_version,
        "result_hash": run.result_hash,
        "notes": run.notes,
    }


def _get_run(run_id: int) -> tuple[Any, list[dict[str, Any]]]:
    from rmperf.db.models import Run
    from rmperf.runs.service import load_results

    try:
        return load_results(run_id)
    except Run.DoesNotExist:
        err_console.print(zh_en(f"没有计算批次 {run_id}", f"no run {run_id}"), style="red")
        raise typer.Exit(1) from None


def _units(the_run: Any) -> tuple[dict[str, str], int]:
    """The units of the run's inputs and custom indicators, and its score places (from its stored scheme)."""
    from rmperf.core.scheme import load_scheme
    from rmperf.reports.units import units_of_scheme

    scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
    return units_of_scheme(scheme), scheme.header.rounding.places


def write_xlsx(target: Path, the_run: Any, payloads: list[dict[str, Any]], backend: Any) -> None:
    """The run's workbook, with units from the scheme the run used (its stored text)."""
    from rmperf.core.scheme import load_scheme
    from rmperf.pay.service import form_figures
    from rmperf.reports.xlsx import units_of_scheme, write_results

    scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
    meta = _meta(the_run) | {"scheme_name_zh": scheme.name.zh, "scheme_name_en": scheme.name.en}
    pay = form_figures(State.home, the_run.pk) if scheme.pay is not None else None
    write_results(
        target,
        meta,
        payloads,
        org_tree(backend),
        lang=i18n.get_language(),
        units=units_of_scheme(scheme),
        pay=pay,
    )


@app.command("results")
def results_cmd(
    run: Annotated[int, typer.Option("--run", help="run id")],
    fmt: Annotated[str, typer.Option("--format", help="json|csv|xlsx")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="file to write (default: print JSON/CSV)")] = None,
) -> None:
    """考核结果导出 / a run's results per RM as JSON, CSV or XLSX."""
    from rmperf.runs import report

    backend = open_backend()
    the_run, payloads = _get_run(run)
    if fmt not in ("json", "csv", "xlsx"):
        raise typer.BadParameter(zh_en("--format 只能是 json、csv 或 xlsx", "--format is json, csv or xlsx"))
    units, places = _units(the_run)
    if fmt == "xlsx":
        target = out or Path(f"run-{run}.xlsx")
        write_xlsx(target, the_run, payloads, backend)
    elif out is None:
        if fmt == "json":
            data = {"run": _meta(the_run), "results": [report.record(p, units, places=places) for p in payloads]}
            print(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "r.csv"
                report.write_csv(path, payloads, units, places=places)
                print(path.read_text(encoding="utf-8-sig"), end="")
        return
    else:
        target = out
        if fmt == "json":
            report.write_json(target, _meta(the_run), payloads, units, places=places)
        else:
            report.write_csv(target, payloads, units, places=places)
    console.print(
        zh_en(f"已写出 {len(payloads)} 名客户经理的结果到 {target}", f"wrote {len(payloads)} RMs to {target}")
    )


@app.command("diff")
def diff_cmd(
    run_a: Annotated[int, typer.Argument(help="run id")],
    run_b: Annotated[int, typer.Argument(help="run id")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """两次计算的差异 / what changed between two runs, and why (inputs, scheme, code)."""
    from rmperf.pay.service import diff_pay
    from rmperf.runs.report import diff_runs
    from rmperf.runs.service import stored_result_hash
    from rmperf.store import FactStore

    open_backend()
    a, pa = _get_run(run_a)
    b, pb = _get_run(run_b)
    d = diff_runs(a, b, pa, pb)
    pay = diff_pay(State.home, run_a, run_b)
    d["pay"] = pay
    pay_same = not pay["changed_rms"]
    # what the runs read and wrote, as it is on disk and in the database now (D164, D165)
    store = FactStore(State.home)
    versions = sorted({v for v in (a.store_version, b.store_version) if v is not None})
    tampered = [t.message() for v in versions for t in store.verify(v)]
    tampered += [
        i18n.t("ledger.run_tampered", {"run": r.pk}) for r in (a, b) if stored_result_hash(r.pk) != r.result_hash
    ]
    d["tampered"] = sorted(set(tampered))
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
    """``rmperf explain --run ID --rm RM``: the whole trace, and the accounts behind each balance input."""
    from rmperf.core.periods import Period
    from rmperf.engine.explain import explain, explainable
    from rmperf.runs.report import explain_lines

    backend = open_backend()
    the_run, payloads = _get_run(run_id)
    payload = next((p for p in payloads if p["rm_id"] == rm), None)
    if payload is None:
        err_console.print(zh_en(f"批次 {run_id} 中没有客户经理 {rm}", f"run {run_id} has no RM {rm}"), style="red")
        raise typer.Exit(1)
    console.print(
        zh_en(
            f"批次 {run_id} · {the_run.scheme_id} v{the_run.scheme_version} · {the_run.period}",
            f"run {run_id} · {the_run.scheme_id} v{the_run.scheme_version} · {the_run.period}",
        ),
        style="bold",
    )
    from rmperf.core.scheme import load_scheme

    unit = load_scheme(the_run.scheme_text, source=the_run.scheme_source).header.total_unit
    for line in explain_lines(payload, i18n.get_language(), unit):
        console.print(line, highlight=False, markup=False)
    if accounts <= 0:
        return
    from rmperf.core.scheme import load_scheme
    from rmperf.core.scheme.resolve import window_of

    # the days the run read (a year-to-date scheme's quarter reads the year so far)
    period = window_of(load_scheme(the_run.scheme_text, source=the_run.scheme_source), Period.parse(the_run.period))
    cache: dict[object, object] = {}  # each group of indicators computed once for all the items
    for v in payload["values"]:
        code, category = v.get("indicator"), v.get("category") or "all"
        # the spike reversal needs the pay policy's window: `rmperf explain --indicator spike_reversal --window N`
        if v["kind"] != "engine" or code not in explainable() or code == "spike_reversal":
            continue
        try:
            e = explain(backend, period, ("rm", rm), code, category, cache=cache)
        except LookupError:
            console.print(zh_en(f"  {v['name']}: 本期没有此值", f"  {v['name']}: no value in this period"), style="dim")
            continue
        except (ValueError, KeyError) as error:
            console.print(f"  {v['name']}: {error}", style="dim")
            continue
        console.print("")
        console.print(
            zh_en(f"{v['name']} = {e.value:,} 的账户明细:", f"{v['name']} = {e.value:,}, by account:"), style="bold"
        )
        labels = {"numerator": zh_en("分子", "numerator"), "denominator": zh_en("分母", "denominator")}
        sides = [(f"{labels[k]} = {p.value:,}", p.accounts) for k, p in e.parts.items()] or [("", e.accounts)]
        for label, rows in sides:
            if label:
                console.print(f"  {label}", highlight=False)
            for c in rows[:accounts]:
                console.print(f"  {c.account_id}  {c.customer_id}  {c.category}  {c.value:,}", highlight=False)
            if len(rows) > accounts:
                rest = sum((c.value for c in rows[accounts:]), start=type(e.value)(0))
                console.print(
                    zh_en(
                        f"  其余 {len(rows) - accounts} 项合计 {rest:,}",
                        f"  {len(rows) - accounts} more, together {rest:,}",
                    )
                )
