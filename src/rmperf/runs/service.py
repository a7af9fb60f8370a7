"""Runs (考核计算): a scheme on a period, computed, stored with everything needed to reproduce and explain it.

``run_scheme`` loads the scheme (a file or a shipped template's name),
resolves it for the period, computes the indicators it reads, evaluates it
and stores the run: every indicator value, score, rank and the trace, with
the input content hash (the store's version, the scheme text, the uploaded
tables), the scheme version and the code version. Same inputs → the same
``result_hash``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rmperf import __version__
from rmperf.core.indicators import InputKey
from rmperf.core.periods import Period
from rmperf.core.scheme import Evaluation, Plan, Scheme, build_plan, evaluate, load_scheme, resolve
from rmperf.core.scheme.errors import Problem, SchemeError
from rmperf.core.scheme.resolve import window_of
from rmperf.engine.backend import Backend
from rmperf.home import Home
from rmperf.runs.collect import (
    EngineValues,
    breakdowns_of,
    engine_values,
    ratings_rows,
    rm_contexts,
    same_period_last_year,
)

Progress = Callable[[str], None]


@cache
def code_version() -> str:
    """``<package version>+<sha256 of the package's source, 12 hex>``: changes with any code change."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts and "migrations" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def scheme_file(ref: str) -> Path:
    """A scheme file path, or the file of a shipped template named ``ref`` (``rural-2023``)."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    from rmperf.schemes.templates import names, template_path

    if ref in names():
        return template_path(ref)
    raise SchemeError([Problem("scheme.not_found", {"name": ref}, (), ref)])


@dataclass(frozen=True)
class Upload:
    """An uploaded table (targets, manual values): its name as the user gave it and its bytes.

    A page hands one over from a form, the command line from a path
    (:meth:`from_path`); a run keeps the bytes in the home by their SHA-256
    (:func:`keep_upload`) so its explanation reads exactly what it read.
    """

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> Upload:
        """The file at ``path``; one that does not exist, is no regular file or cannot be read is refused."""
        from rmperf.errors import UserError

        shown = str(path)
        if not path.exists():
            raise UserError("upload.not_found", {"file": shown})
        if not path.is_file():
            raise UserError("upload.not_a_file", {"file": shown})
        try:
            return cls(shown, path.read_bytes())
        except OSError as error:
            raise UserError("upload.unreadable", {"file": shown, "detail": str(error)}) from None

    @property
    def sha256(self) -> str:
        return _sha(self.data)


def read_table(source: Path | Upload) -> list[dict[str, object]]:
    """Rows of an uploaded CSV (UTF-8, BOM accepted) or XLSX (first sheet) with a header row.

    Each row carries its line number as ``_line`` for error messages. A file that
    does not exist, is not a regular file, cannot be read or decoded, or holds no
    row is refused with :class:`rmperf.errors.UserError` naming it (never a traceback,
    never an empty table taken silently).
    """
    import io

    from rmperf.errors import UserError

    upload = source if isinstance(source, Upload) else Upload.from_path(source)
    shown = upload.name
    rows: list[dict[str, object]]
    if upload.name.lower().endswith(".xlsx") or upload.data[:4] == b"PK\x03\x04":
        import zipfile

        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(upload.data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                raw = list(sheet.iter_rows(values_only=True))
            finally:
                book.close()
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, IndexError) as error:
            raise UserError("upload.bad_xlsx", {"file": shown, "detail": type(error).__name__}) from None
        header = [str(h).strip() if h is not None else "" for h in raw[0]] if raw else []
        rows = [
            {"_line": i + 2, **{h: ("" if v is None else str(v)) for h, v in zip(header, row, strict=False) if h}}
            for i, row in enumerate(raw[1:])
            if any(v is not None and str(v).strip() for v in row)
        ]
    else:
        try:
            text = upload.data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError("upload.encoding", {"file": shown, "byte": error.start}) from None
        try:
            rows = [{"_line": i + 2, **row} for i, row in enumerate(csv.DictReader(io.StringIO(text, newline="")))]
        except csv.Error as error:
            raise UserError("upload.unreadable", {"file": shown, "detail": str(error)}) from None
    if not rows:
        raise UserError("upload.empty", {"file": shown})
    return rows


def keep_upload(home: Home, upload: Upload) -> str:
    """Keep ``upload``'s bytes in the home under their SHA-256 (once; owner-only); return the digest."""
    import os

    digest = upload.sha256
    folder = home.root / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / digest
    if not target.exists():
        tmp = folder / f".{digest}.tmp"
        tmp.write_bytes(upload.data)
        tmp.chmod(0o600)
        os.replace(tmp, target)
    return digest


def kept_upload(home: Home, record: Mapping[str, Any]) -> Upload | None:
    """The upload a run recorded (``{"file", "sha256"}``), from the home's copy or, failing that, its file
    if unchanged; None when neither holds those bytes any more."""
    digest = str(record.get("sha256", ""))
    name = str(record.get("file", ""))
    for path in (home.root / "uploads" / digest, Path(name)):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if _sha(data) == digest:
            return Upload(name, data)
    return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def result_hash(evaluation: Evaluation) -> str:
    """The hash of every RM's figures and trace (not of when or by whom the run was made)."""
    return _sha(canonical([r.to_dict() for r in evaluation.results]).encode())


def stored_result_hash(run_id: int) -> str:
    """The result hash of a run's results as they are stored now (by rm_id, as the run made them): it
    differs from the run's ``result_hash`` when a result was edited behind the application's back."""
    from rmperf.db.models import RunResult

    payloads = sorted(RunResult.objects.filter(run_id=run_id).values_list("rm_id", "payload"))
    return _sha(canonical([p for _, p in payloads]).encode())


def store_input_hash(home: Home, version: int | None) -> str:
    """The content of the store as of ``version``: every table's periods with their rows and content
    fingerprints (``PeriodStamp``), so the same data gives the same hash in any home, however its
    Parquet files were laid out; a file changed on disk is refused when it is read (D165)."""
    from django.db.models import Q

    from rmperf.db.models import PeriodStamp

    stamps = PeriodStamp.objects.filter(store=home.store_id(), added_in_id__lte=version or 0).filter(
        Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=version or 0)
    )
    listing = sorted(stamps.values_list("table", "period", "rows", "fingerprint"))
    return _sha(canonical(listing).encode())


@dataclass
class Prepared:
    """A scheme loaded and planned for a period."""

    source: str
    path: Path
    text: str
    scheme: Scheme
    period: Period
    plan: Plan


def prepare(ref: str, period_label: str) -> Prepared:
    """Load ``ref`` (file or template) and plan it for ``period_label``; SchemeError lists every problem."""
    path = scheme_file(ref)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemeError([Problem("scheme.file_unreadable", {"detail": str(error)}, (), str(path))]) from None
    scheme = load_scheme(text, source=str(path))
    period = Period.parse(period_label)
    resolved = resolve(scheme, period.start, period.end, period.kind, label=period.label)
    return Prepared(ref, path, text, scheme, period, build_plan(resolved))


@dataclass
class Inputs:
    """Everything ``evaluate`` is given, gathered from the store and the uploads."""

    current: EngineValues
    previous: EngineValues | None
    targets: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    manual: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    veto_reasons: dict[str, str] = field(default_factory=dict)
    uploads: dict[str, dict[str, object]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the uploaded tables themselves, kept with the run (``keep_upload``)
    kept: dict[str, Upload] = field(default_factory=dict)


def veto_reasons(backend: Backend, period: Period) -> dict[str, str]:
    """rm_id → the descriptions of the period's vetoing violations (shown with a 一票否决)."""
    if not backend.has_rows("violations"):
        return {}
    rows = backend.query(
        "SELECT rm_id, string_agg(coalesce(description, code), '; ' ORDER BY date, code) FROM violations "
        f"WHERE coalesce(veto, false) AND date BETWEEN DATE '{period.start}' AND DATE '{period.end}' "
        "GROUP BY rm_id"
    )
    return {r: str(d) for r, d in rows}


def gather(
    backend: Backend,
    prepared: Prepared,
    *,
    targets_file: Path | Upload | None = None,
    values_file: Path | Upload | None = None,
    source: Any = None,
    progress: Progress | None = None,
    check_targets: bool = True,
) -> Inputs:
    """Everything ``evaluate`` needs for a run; ``check_targets`` False: no refusal for missing targets
    (a plan being written: ``rmperf.runs.plans``)."""
    plan = prepared.plan
    say = progress or (lambda _m: None)
    codes = [code for code, _ in plan.engine_inputs]
    breakdowns = breakdowns_of(plan.engine_inputs)
    say("indicators")
    window = plan.resolved.window  # the period, or 1 January to its end (window: year_to_date)
    notes: list[str] = []
    if window != prepared.period:
        notes.append(f"window_year_to_date:{window.start.isoformat()}:{window.end.isoformat()}")
    current = engine_values(backend, window, codes, plan.parameters, source, breakdowns)
    previous = None
    if plan.needs_previous:
        last = window_of(prepared.scheme, same_period_last_year(prepared.period))
        first = backend.query("SELECT min(date) FROM balances")[0][0]
        if first is not None and first <= last.start:
            say("previous")
            previous = engine_values(backend, last, codes, plan.parameters, breakdowns=breakdowns)
        else:
            notes.append(f"no_previous_period:{last.label}")
    produced = {key for row in current.values.values() for key in row}
    for code, category in plan.engine_inputs:
        if current.values and (code, category) not in produced and code not in current.missing:
            notes.append(f"input_never_produced:{code}:{category}")
    _previous_and_shares(backend, prepared, current, notes, breakdowns)
    inputs = Inputs(current, previous, notes=notes)
    targets = Upload.from_path(targets_file) if isinstance(targets_file, Path) else targets_file
    values = Upload.from_path(values_file) if isinstance(values_file, Path) else values_file
    if targets is not None:
        from rmperf.core.scheme import parse_targets

        rows = read_table(targets)
        inputs.targets = parse_targets(rows, plan, source=targets.name)
        inputs.uploads["targets"] = {"file": targets.name, "sha256": targets.sha256}
        inputs.kept["targets"] = targets
    if check_targets:
        _check_targets(prepared, inputs, targets.name if targets is not None else None)
    if values is not None:
        from rmperf.core.scheme import parse_values

        rows = read_table(values)
        inputs.manual = parse_values(rows, plan, source=values.name)
        inputs.uploads["values"] = {"file": values.name, "sha256": values.sha256}
        inputs.kept["values"] = values
    if plan.needs_ratings:
        inputs.ratings = ratings_rows(backend, prepared.period)
    inputs.veto_reasons = veto_reasons(backend, window)
    return inputs


def _previous_and_shares(
    backend: Backend, prepared: Prepared, current: EngineValues, notes: list[str], breakdowns: Sequence[str]
) -> None:
    """Inputs of the period before (``period: previous``) and shares of a group's total (``share_of``).

    Both are added to ``current`` under the keys the plan's inputs read (``Input.key``): the period
    before is computed by the engine over that period's window; a share is the RM's value over the
    sum of the values of the RMs of the same team (sub-branch, branch) — no value without a group,
    or when the group's total is 0.
    """
    plan = prepared.plan
    earlier = [i for i in plan.inputs.values() if i.indicator is not None and i.period == "previous"]
    if earlier:
        before = window_of(prepared.scheme, prepared.period.previous())
        first = backend.query("SELECT min(date) FROM balances")[0][0]
        if first is None or first > before.start:
            notes.append(f"no_previous_cycle:{before.label}")
        else:
            got = engine_values(
                backend, before, [i.indicator for i in earlier if i.indicator], plan.parameters, breakdowns=breakdowns
            )
            for rm, row in got.values.items():
                for spec in earlier:
                    assert spec.indicator is not None
                    value = row.get(InputKey(spec.indicator, spec.category))
                    if value is not None:
                        current.values.setdefault(rm, {})[spec.key] = value
    shares = [i for i in plan.inputs.values() if i.indicator is not None and i.share_of is not None]
    if not shares:
        return
    contexts = rm_contexts(backend)
    appraised = {rm for rm, ctx in contexts.items() if plan.applies_to(ctx)}
    for spec in shares:
        assert spec.share_of is not None
        assert spec.indicator is not None
        base = InputKey(spec.indicator, spec.category if spec.period == "current" else f"{spec.category}@{spec.period}")
        totals: dict[str, Decimal] = {}
        group_of: dict[str, str] = {}
        for rm in appraised:
            group = contexts[rm].attribute(spec.share_of)
            value = current.values.get(rm, {}).get(base)
            if group is None or value is None:
                continue
            group_of[rm] = group
            totals[group] = totals.get(group, Decimal(0)) + value
        for rm, group in group_of.items():
            total = totals[group]
            if total != 0:
                current.values[rm][spec.key] = current.values[rm][base] / total


def _check_targets(prepared: Prepared, inputs: Inputs, targets_file: str | None) -> None:
    """Refuse a run whose scheme needs uploaded targets it was not given; note the optional ones.

    Without a targets table every RM would score the item by its ``when_missing`` rule
    (usually 0) and nothing would say so: the items that need one (a table target with
    no ``default`` and not ``optional``) are named instead, and so is an item the table
    gives to nobody.
    """
    plan = prepared.plan
    required = list(plan.required_targets)
    optional = [key for key in plan.table_targets if key not in required]
    given = {item for _, item in inputs.targets}
    if targets_file is None:
        if required:
            params = {"scheme": prepared.scheme.id, "items": ", ".join(required)}
            raise SchemeError([Problem("scheme.table_targets_required", params, (), prepared.scheme.id)])
        if optional:
            inputs.notes.append(f"targets_not_uploaded:{','.join(optional)}")
        return
    absent = [key for key in required if key not in given]
    if absent:
        params = {"file": str(targets_file), "items": ", ".join(absent), "label": prepared.period.label}
        raise SchemeError([Problem("scheme.table_targets_absent", params, (), str(targets_file))])


def target_gaps(plan: Plan, evaluation: Evaluation) -> list[str]:
    """Notes for required table targets that some RMs of the run have no row for: ``targets_missing:item:n``."""
    out: list[str] = []
    for key in plan.required_targets:
        missing = sum(
            1 for r in evaluation.results if key in r.items() and r.item(key).target is None and not r.item(key).skipped
        )
        if missing:
            out.append(f"targets_missing:{key}:{missing}")
    return out


def evaluate_inputs(backend: Backend, prepared: Prepared, inputs: Inputs) -> Evaluation:
    rms = list(rm_contexts(backend).values())
    return evaluate(
        prepared.plan,
        rms,
        inputs.current.values,
        previous=inputs.previous.values if inputs.previous else None,
        targets=inputs.targets or None,
        ratings=inputs.ratings or None,
        manual=inputs.manual or None,
        veto_reasons=inputs.veto_reasons or None,
    )


@dataclass
class RunOutcome:
    run_id: int
    evaluation: Evaluation
    result_hash: str
    timings: dict[str, float]
    notes: list[str]


def run_scheme(
    home: Home,
    backend: Backend,
    ref: str,
    period_label: str,
    *,
    engine: str = "duckdb",
    targets_file: Path | Upload | None = None,
    values_file: Path | Upload | None = None,
    user: str = "",
    source: Any = None,
    progress: Progress | None = None,
) -> RunOutcome:
    """Compute and store a run; return its id and figures."""
    from django.db import transaction

    from rmperf.db.chain import audit
    from rmperf.db.models import Run, RunResult

    clock = time.monotonic()
    timings: dict[str, float] = {}
    prepared = prepare(ref, period_label)
    timings["load"] = time.monotonic() - clock
    clock = time.monotonic()
    inputs = gather(
        backend, prepared, targets_file=targets_file, values_file=values_file, source=source, progress=progress
    )
    timings["indicators"] = time.monotonic() - clock
    clock = time.monotonic()
    if progress:
        progress("scoring")
    evaluation = evaluate_inputs(backend, prepared, inputs)
    timings["scoring"] = time.monotonic() - clock
    clock = time.monotonic()
    digest = result_hash(evaluation)
    version = getattr(backend, "version", None)
    notes = sorted(set(inputs.notes + inputs.current.notes + target_gaps(prepared.plan, evaluation)))
    store_hash = store_input_hash(home, version)
    # the data a run read (the scheme is recorded apart: its text and hash)
    input_hash = _sha(canonical({"store": store_hash, "uploads": inputs.uploads}).encode())
    for upload in inputs.kept.values():
        keep_upload(home, upload)
    with transaction.atomic():
        run = Run.objects.create(
            store=home.store_id(),
            created_at=datetime.now(UTC),
            user=user,
            scheme_id=prepared.scheme.id,
            scheme_version=prepared.scheme.version,
            scheme_source=prepared.source,
            scheme_text=prepared.text,
            scheme_hash=_sha(prepared.text.encode()),
            period=prepared.period.label,
            engine=engine,
            store_version=version,
            input_hash=input_hash,
            uploads=inputs.uploads,
            code_version=code_version(),
            result_hash=digest,
            rm_count=len(evaluation.results),
            skipped=list(evaluation.skipped),
            notes=notes,
            timings={},
        )
        RunResult.objects.bulk_create(
            [
                RunResult(
                    run=run,
                    rm_id=r.rm_id,
                    org_id=r.org_id,
                    total=format(r.total, "f"),
                    rank=r.rank,
                    group=r.group,
                    veto=r.veto,
                    payload=r.to_dict(),
                )
                for r in evaluation.results
            ],
            batch_size=500,
        )
        timings["store"] = time.monotonic() - clock
        run.timings = {k: round(v, 3) for k, v in timings.items()}
        run.save(update_fields=["timings"])
        audit(
            user,
            "run.create",
            "run",
            str(run.pk),
            at=run.created_at,
            detail={
                "scheme": prepared.scheme.id,
                "scheme_version": prepared.scheme.version,
                "period": prepared.period.label,
                "input_hash": input_hash,
                "result_hash": digest,
                "code_version": code_version(),
            },
        )
    return RunOutcome(run.pk, evaluation, digest, timings, notes)


def load_results(run_id: int) -> tuple[Any, list[dict[str, Any]]]:
    """A stored run and its per-RM payloads (ordered by rm_id)."""
    from rmperf.db.models import Run

    run = Run.objects.get(pk=run_id)
    return run, [r.payload for r in run.results.order_by("rm_id")]


def ranked(payloads: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Payloads by group, then rank, then rm_id."""
    return sorted(payloads, key=lambda p: (p["group"], p["rank"], p["rm_id"]))
