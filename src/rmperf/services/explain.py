"""Explanations (明细): the accounts and days behind a figure of a period, and the whole trace of a run.

``explain_run`` opens one RM's result of a stored run as the run computed it:
on the run's store version, with its scheme's parameters (day-count basis,
rounding, provision rates …), its window (a year-to-date quarter reads the year
so far, a ``period: previous`` input the period before) and the tables that were
uploaded to it. Before it shows what a figure is made of, it checks that the
figure it opened equals the one the run stored; a difference is reported as an
error (:attr:`OpenedInput.mismatch`) and nothing of that figure is shown — an
RM's appeal is about the number that was published, never about another one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rmperf.core.periods import Period
from rmperf.engine.explain import Explanation, explain, explainable
from rmperf.engine.params import EngineParams
from rmperf.errors import UserError
from rmperf.messages import Message
from rmperf.services.context import Context

OwnerKey = tuple[str, str]


@dataclass(frozen=True)
class OpenedInput:
    """One input of an RM's trace, opened to what it is made of (or why it is not).

    ``explanation``: an engine figure's accounts (a ratio's parts); ``rows``: the
    uploaded row of a manual value, or the raters' rows of a rating item;
    ``mismatch``: the figure opened is not the one the run stored (an error);
    ``why_not``: why nothing is opened (no account-level breakdown, no value).
    """

    name: str
    kind: str
    stored: Decimal | None
    indicator: str | None = None
    category: str | None = None
    explanation: Explanation | None = None
    rows: tuple[Mapping[str, Any], ...] = ()
    source: str = ""
    mismatch: Message | None = None
    why_not: Message | None = None


@dataclass(frozen=True)
class RunExplanation:
    """An RM's result of a run, its trace and each input opened."""

    run_id: int
    scheme_id: str
    scheme_version: int
    period: str
    store_version: int | None
    payload: Mapping[str, Any]
    unit: str
    lines: tuple[str, ...]
    inputs: tuple[OpenedInput, ...]

    @property
    def mismatches(self) -> list[Message]:
        return [i.mismatch for i in self.inputs if i.mismatch is not None]


def _decimal(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _mismatch(name: str, opened: Decimal | None, stored: Decimal | None, run_id: int) -> Message:
    """The error of a figure that does not open to what the run stored."""

    def shown(value: Decimal | None) -> str:
        return "—" if value is None else f"{value:,}"

    return Message("explain.mismatch", {"name": name, "opened": shown(opened), "stored": shown(stored), "run": run_id})


def explain_figure(
    ctx: Context,
    period: Period,
    owner: OwnerKey,
    indicator: str,
    category: str = "all",
    *,
    params: EngineParams | None = None,
    days: bool = False,
    spike_window: int | None = None,
) -> Explanation:
    """The accounts (and, with ``days``, each day) behind ``indicator`` of ``owner`` in ``period``.

    On the context's store version; an indicator with no account-level
    breakdown, a spike reversal without its window, or a figure with no value
    is refused with a :class:`UserError` naming it.
    """
    if indicator not in explainable():
        raise UserError("explain.not_explainable", {"indicator": indicator, "explainable": ", ".join(explainable())})
    if indicator == "spike_reversal" and spike_window is None:
        raise UserError("explain.needs_window", {})
    try:
        return explain(
            ctx.backend(), period, owner, indicator, category, params=params, with_days=days, spike_window=spike_window
        )
    except LookupError:
        raise UserError(
            "explain.no_figure",
            {"owner": f"{owner[0]}:{owner[1]}", "indicator": indicator, "category": category, "period": period.label},
        ) from None


def explain_run(
    ctx: Context, run_id: int, rm_id: str, *, open_inputs: bool = True, only: str | None = None
) -> RunExplanation:
    """The whole trace of ``rm_id`` in run ``run_id``, each input opened as the run computed it
    (``only``: just the input, or rating item, of that name — a page opens one figure at a time)."""
    from rmperf.core.scheme import build_plan, load_scheme, resolve
    from rmperf.core.scheme.resolve import window_of
    from rmperf.runs.report import explain_lines
    from rmperf.services import runs as run_services

    the_run, payloads = run_services.stored_run(ctx, run_id)
    payload = next((p for p in payloads if p["rm_id"] == rm_id), None)
    if payload is None:
        raise UserError("run.no_rm", {"run": run_id, "rm": rm_id})
    scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
    period = Period.parse(the_run.period)
    plan = build_plan(resolve(scheme, period.start, period.end, period.kind, label=period.label))
    unit = scheme.header.total_unit
    lines = tuple(explain_lines(payload, ctx.lang, unit))
    opened: list[OpenedInput] = []
    if open_inputs:
        at_run = ctx.at_version(the_run.store_version)
        backend = at_run.backend()
        params = EngineParams.of(plan.parameters)
        windows = {
            "current": window_of(scheme, period),
            "previous": window_of(scheme, period.previous()),
        }
        cache: dict[object, object] = {}
        manual = _uploaded_values(ctx, the_run, plan)
        for v in payload["values"]:
            if only is not None and v["name"] != only:
                continue
            if v["kind"] == "engine":
                opened.append(_open_engine(backend, the_run.pk, rm_id, v, windows, params, cache))
            elif v["kind"] == "manual":
                opened.append(_open_manual(the_run, rm_id, v, manual))
        opened += _open_ratings(at_run, the_run, plan, payload, payloads, only)
    return RunExplanation(
        the_run.pk,
        the_run.scheme_id,
        the_run.scheme_version,
        the_run.period,
        the_run.store_version,
        payload,
        unit,
        lines,
        tuple(opened),
    )


def _open_engine(
    backend: Any,
    run_id: int,
    rm_id: str,
    v: Mapping[str, Any],
    windows: Mapping[str, Period],
    params: EngineParams,
    cache: dict[object, object],
) -> OpenedInput:
    """An engine input opened to its accounts over the window the run read it for, checked to the fen."""
    name, code = v["name"], v.get("indicator")
    marked = v.get("category") or "all"
    category, _, mark = marked.partition("@")
    stored = _decimal(v.get("value"))
    base = OpenedInput(name, "engine", stored, code, marked)
    if mark.startswith("share_of="):
        return _replace(base, why_not=Message("explain.share", {"name": name}))
    if code not in explainable():
        return _replace(base, why_not=Message("explain.no_breakdown", {"name": name, "indicator": code}))
    if code == "spike_reversal":
        return _replace(base, why_not=Message("explain.spike_window", {"name": name}))
    if stored is None:
        return _replace(base, why_not=Message("explain.no_value", {"name": name}))
    window = windows["previous" if mark == "previous" else "current"]
    try:
        e = explain(backend, window, ("rm", rm_id), code, category, params=params, cache=cache)
    except LookupError:
        e = None
    opened = e.value if e is not None else None
    if opened != stored:
        return _replace(base, mismatch=_mismatch(name, opened, stored, run_id))
    return _replace(base, explanation=e, source=window.label)


def _uploaded_values(ctx: Context, the_run: Any, plan: Any) -> dict[str, dict[str, Decimal]] | None:
    """The manual values of the table uploaded to the run, parsed as the run parsed them (None: none kept)."""
    from rmperf.core.scheme import parse_values
    from rmperf.runs.service import kept_upload, read_table

    record = (the_run.uploads or {}).get("values")
    if not record:
        return {}
    upload = kept_upload(ctx.home, record)
    if upload is None:
        return None
    return parse_values(read_table(upload), plan, source=upload.name)


def _open_manual(
    the_run: Any, rm_id: str, v: Mapping[str, Any], manual: dict[str, dict[str, Decimal]] | None
) -> OpenedInput:
    """A manual value opened to the uploaded row it came from, checked against the run's figure."""
    name = v["name"]
    stored = _decimal(v.get("value"))
    record = (the_run.uploads or {}).get("values") or {}
    base = OpenedInput(name, "manual", stored)
    if manual is None:
        return _replace(
            base, mismatch=Message("explain.upload_gone", {"name": name, "run": the_run.pk, "file": record.get("file")})
        )
    found = manual.get(rm_id, {}).get(name)
    if found != stored:
        return _replace(base, mismatch=_mismatch(name, found, stored, the_run.pk))
    source = f"{record.get('file', '')} (sha256 {str(record.get('sha256', ''))[:12]})" if record else ""
    row = {"rm_id": rm_id, "input": name, "value": found}
    return _replace(base, rows=(row,) if found is not None else (), source=source)


def _open_ratings(
    ctx: Context,
    the_run: Any,
    plan: Any,
    payload: Mapping[str, Any],
    payloads: Sequence[Mapping[str, Any]],
    only: str | None = None,
) -> list[OpenedInput]:
    """Each rating item of the RM opened to the raters' rows, re-scored from them and checked.

    The rows are the ``ratings`` table's as of the run's store version; the
    items are scored again by the core (a ranking or forced distribution needs
    the RM's whole group, so every RM of the run is scored) and the RM's item
    score must equal the stored one.
    """
    items = [
        i
        for d in payload["dimensions"]
        for i in d["items"]
        if i.get("method") == "rating" and (only is None or i["key"] == only)
    ]
    if not items:
        return []
    from rmperf.core.scheme import evaluate
    from rmperf.runs.collect import ratings_rows, rm_contexts

    backend = ctx.backend()
    rows = ratings_rows(backend, Period.parse(the_run.period))
    contexts = rm_contexts(backend)
    rms = [contexts[p["rm_id"]] for p in payloads if p["rm_id"] in contexts]
    again = {r.rm_id: r for r in evaluate(plan, rms, {}, ratings=rows).results}
    mine = again.get(payload["rm_id"])
    ctx_of = contexts.get(payload["rm_id"])
    params_of = {i.key: i.params for i in plan.variant_for(ctx_of).items} if ctx_of is not None else {}
    out: list[OpenedInput] = []
    for item in items:
        key = item["key"]
        stored = _decimal(item.get("score"))
        base = OpenedInput(key, "rating", stored)
        rescored = None
        if mine is not None and key in mine.items():
            rescored = mine.item(key).score
        if rescored != stored:
            out.append(_replace(base, mismatch=_mismatch(key, rescored, stored, the_run.pk)))
            continue
        wanted = _rating_rows(params_of.get(key, {}), set(contexts))
        own = tuple(r for r in rows if r["rm_id"] == payload["rm_id"] and wanted(str(r["criterion"])))
        out.append(_replace(base, rows=own, source=f"ratings {the_run.period}"))
    return out


def _rating_rows(params: Mapping[str, Any], rm_ids: set[str]) -> Any:
    """Which ``criterion`` of the ratings table a rating item reads (as ``core.scheme.evaluate`` does)."""
    form = params.get("form", "scale")
    criterion = params.get("criterion")
    if form == "scale":
        criteria = {str(c) for c in params.get("criteria") or ()}
        return lambda text: text in criteria
    if form == "paired":
        if criterion is not None:
            return lambda text: text.startswith(f"{criterion}:")
        return lambda text: text in rm_ids
    single = criterion or ("rank" if form == "ranking" else "grade")
    return lambda text: text == single


def _replace(base: OpenedInput, **changes: Any) -> OpenedInput:
    from dataclasses import replace

    return replace(base, **changes)
