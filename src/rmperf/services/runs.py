"""Runs (考核计算) as services: compute and store a run, list runs, a run's results and the diff of two.

Each function takes a :class:`~rmperf.services.context.Context` and values and
returns values; the command line and the web application present them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rmperf.errors import UserError
from rmperf.runs.service import Progress, RunOutcome, Upload
from rmperf.services.context import Context
from rmperf.services.permissions import permit


@dataclass(frozen=True)
class RunInfo:
    """A stored run's headline: what was computed, when, by whom, on what."""

    run_id: int
    scheme_id: str
    scheme_version: int
    period: str
    rm_count: int
    created_at: datetime
    user: str
    engine: str
    store_version: int | None
    input_hash: str
    code_version: str
    result_hash: str
    notes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "scheme_id": self.scheme_id,
            "scheme_version": self.scheme_version,
            "period": self.period,
            "created_at": self.created_at.isoformat(),
            "user": self.user,
            "engine": self.engine,
            "store_version": self.store_version,
            "input_hash": self.input_hash,
            "code_version": self.code_version,
            "result_hash": self.result_hash,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Document:
    """A file for the user to download or save: its suggested name, media type and bytes."""

    name: str
    media_type: str
    data: bytes


def info_of(run: Any) -> RunInfo:
    return RunInfo(
        run.pk,
        run.scheme_id,
        run.scheme_version,
        run.period,
        run.rm_count,
        run.created_at,
        run.user,
        run.engine,
        run.store_version,
        run.input_hash,
        run.code_version,
        run.result_hash,
        tuple(run.notes or ()),
    )


def stored_run(ctx: Context, run_id: int) -> tuple[Any, list[dict[str, Any]]]:
    """A stored run of this home and its per-RM payloads (by rm_id); an unknown run is refused."""
    from rmperf.db.models import Run

    ctx.setup()
    try:
        run = Run.objects.get(pk=run_id, store=ctx.home.store_id())
    except Run.DoesNotExist:
        raise UserError("run.not_found", {"run": run_id}) from None
    return run, [r.payload for r in run.results.order_by("rm_id")]


def list_runs(ctx: Context, limit: int = 20) -> list[RunInfo]:
    """The home's latest runs, newest first."""
    from rmperf.db.models import Run

    ctx.setup()
    return [info_of(r) for r in Run.objects.filter(store=ctx.home.store_id()).order_by("-id")[:limit]]


def run(
    ctx: Context,
    scheme: str,
    period: str,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    targets: Upload | Path | None = None,
    values: Upload | Path | None = None,
    progress: Progress | None = None,
) -> RunOutcome:
    """Compute ``scheme`` (a file or a shipped template's name) on ``period`` and store the run."""
    from rmperf.runs.service import run_scheme

    permit(ctx, "run", scheme=scheme, period=period)
    backend = ctx.backend(engine, master)
    return run_scheme(
        ctx.home,
        backend,
        scheme,
        period,
        engine=engine,
        targets_file=targets,
        values_file=values,
        user=ctx.actor.user_id,
        progress=progress,
    )


def total_unit(scheme: str) -> str:
    """``points`` or ``yuan``: what a scheme's total is in (its ``total_unit``)."""
    from rmperf.core.scheme import load_file
    from rmperf.runs.service import scheme_file

    return load_file(scheme_file(scheme)).header.total_unit


def top_of(payloads: Sequence[Mapping[str, Any]], n: int) -> list[Mapping[str, Any]]:
    """The first ``n`` of each rank group."""
    from rmperf.runs.report import top

    return top(payloads, n)


def _units(the_run: Any) -> tuple[dict[str, str], int]:
    """The units of the run's inputs and custom indicators, and its score places (from its stored scheme)."""
    from rmperf.core.scheme import load_scheme
    from rmperf.reports.units import units_of_scheme

    scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
    return units_of_scheme(scheme), scheme.header.rounding.places


def org_tree(ctx: Context) -> dict[str, dict[str, Any]]:
    """org_id → name, level and parent, for the workbooks' headings and subtotals."""
    backend = ctx.backend()
    return {
        o: {"name": n, "level": lv, "parent_id": p}
        for o, n, lv, p in backend.query("SELECT org_id, name, level, parent_id FROM orgs")
    }


def results_records(ctx: Context, run_id: int) -> dict[str, Any]:
    """A run's headline and one record per RM, figures with the places of their units (JSON-ready)."""
    from rmperf.runs import report

    the_run, payloads = stored_run(ctx, run_id)
    units, places = _units(the_run)
    return {"run": info_of(the_run).as_dict(), "results": [report.record(p, units, places=places) for p in payloads]}


def _written(write: Callable[[Path], None], name: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()


def results_document(ctx: Context, run_id: int, fmt: str) -> Document:
    """A run's results as a ``json``, ``csv`` or ``xlsx`` document (the workbook with pay, when it has one)."""
    from rmperf.runs import report

    if fmt not in ("json", "csv", "xlsx"):
        raise UserError("value.results_format", {"value": fmt})
    the_run, payloads = stored_run(ctx, run_id)
    units, places = _units(the_run)
    name = f"run-{run_id}.{fmt}"
    if fmt == "json":
        data = json.dumps(results_records(ctx, run_id), ensure_ascii=False, indent=1).encode()
        return Document(name, "application/json", data)
    if fmt == "csv":
        return Document(name, "text/csv", _written(lambda p: report.write_csv(p, payloads, units, places=places), name))
    return Document(
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _written(lambda p: _write_workbook(ctx, p, the_run, payloads), name),
    )


def _write_workbook(ctx: Context, target: Path, the_run: Any, payloads: list[dict[str, Any]]) -> None:
    """The run's workbook, with units from the scheme the run used (its stored text)."""
    from rmperf.core.scheme import load_scheme
    from rmperf.pay.service import form_figures
    from rmperf.reports.xlsx import units_of_scheme, write_results

    scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
    meta = info_of(the_run).as_dict() | {"scheme_name_zh": scheme.name.zh, "scheme_name_en": scheme.name.en}
    pay = form_figures(ctx.home, the_run.pk) if scheme.pay is not None else None
    write_results(target, meta, payloads, org_tree(ctx), lang=ctx.lang, units=units_of_scheme(scheme), pay=pay)


def diff(ctx: Context, run_a: int, run_b: int) -> dict[str, Any]:
    """What changed between two runs and why (inputs, scheme, code), their pay, and any tampering found."""
    from rmperf import i18n
    from rmperf.pay.service import diff_pay
    from rmperf.runs.report import diff_runs
    from rmperf.runs.service import stored_result_hash
    from rmperf.store import FactStore

    a, pa = stored_run(ctx, run_a)
    b, pb = stored_run(ctx, run_b)
    d = diff_runs(a, b, pa, pb)
    d["pay"] = diff_pay(ctx.home, run_a, run_b)
    # what the runs read and wrote, as it is on disk and in the database now (D164, D165)
    store = FactStore(ctx.home)
    versions = sorted({v for v in (a.store_version, b.store_version) if v is not None})
    tampered = [t.render(ctx.lang) for v in versions for t in store.verify(v)]
    tampered += [
        i18n.t("ledger.run_tampered", {"run": r.pk}, ctx.lang)
        for r in (a, b)
        if stored_result_hash(r.pk) != r.result_hash
    ]
    d["tampered"] = sorted(set(tampered))
    return d
