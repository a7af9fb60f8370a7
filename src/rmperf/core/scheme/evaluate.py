"""Stage 4, evaluation (计分): per-RM item scores, dimension scores, adjustments, veto, total and rank.

``evaluate(plan, rms, values, …)`` is pure and deterministic: the same plan and
inputs give the same results, in the same order, to the last digit. The
scoring rules are those of ``rmperf.core.scoring`` and ``rmperf.core.ratings``;
this module only feeds them and records the trace.

Order of a period's computation, per RM (see ``docs/scheme-format.md``):

1. inputs (engine values, manual values, constants) and custom indicators in
   dependency order; a division by zero gives no value and a note;
2. each item: its value, its target in force, its score by its method (rank
   methods once all RMs are known); an item without a value scores by its
   ``when_missing`` rule;
3. each item score is rounded once; a dimension score is the sum of its
   rounded items (× its factor, rounded); the subtotal is the sum of the
   dimension scores;
4. adjustments, each rounded: qualitative/quantitative split (001),
   experience adjustment (004), team blend (000/001); then the one-vote veto
   (一票否决, 002) sets the total to 0;
5. the rank of the total within its rank group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from rmperf.core import ratings as rating_rules
from rmperf.core import scoring
from rmperf.core.indicators import InputKey
from rmperf.core.money import round_to
from rmperf.core.scheme.errors import Problem, SchemeError
from rmperf.core.scheme.formula import Outcome
from rmperf.core.scheme.plan import ExecVariant, Plan, RmContext
from rmperf.core.scheme.resolve import ResolvedItem, ResolvedTarget
from rmperf.core.scheme.text import show
from rmperf.core.scoring import Ranked, ScoringError
from rmperf.i18n import t

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

#: rm_id → (indicator code, category) → value
Values = Mapping[str, Mapping[InputKey, Decimal | None]]


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Something a reader of a result should know (an i18n code and its parameters)."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Note:
        return cls(code, tuple((k, str(v)) for k, v in params.items()))

    def render(self, lang: str | None = None) -> str:
        try:
            return t(self.code, dict(self.params), lang)
        except (KeyError, IndexError):
            return f"{self.code} {dict(self.params)}"


@dataclass(frozen=True)
class ValueTrace:
    """An input or custom indicator of one RM: ``kind`` is engine, manual, constant or custom."""

    name: str
    kind: str
    value: Decimal | None
    indicator: str | None = None
    category: str | None = None
    #: custom indicators: the formula as written, and with the numbers
    expression: str | None = None
    formula: str | None = None


@dataclass(frozen=True)
class TargetTrace:
    """The target an item was scored against, with where it came from."""

    kind: str
    value: Decimal | None
    from_: date | None
    ref: str | None
    formula: str


@dataclass(frozen=True)
class ItemResult:
    key: str
    dimension: str
    name_zh: str
    name_en: str | None
    method: str
    input: str | None
    value: Decimal | None
    weight: Decimal
    weight_from: date | None
    weight_ref: str | None
    target: TargetTrace | None
    #: the score as reported (rounded once); ``exact`` before rounding
    score: Decimal
    exact: Decimal | None
    formula: str
    rank: int | None = None
    rank_n: int | None = None
    group: str | None = None
    skipped: bool = False
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class DimensionResult:
    key: str
    name_zh: str
    name_en: str | None
    weight: Decimal
    score: Decimal
    formula: str
    items: tuple[ItemResult, ...]
    #: False: shown and read by pay, but not part of the subtotal
    in_total: bool = True


@dataclass(frozen=True)
class Adjustment:
    """A step after the dimensions: ``split``, ``experience``, ``team`` or ``veto``."""

    kind: str
    before: Decimal
    after: Decimal
    formula: str


@dataclass(frozen=True)
class RmResult:
    rm_id: str
    name: str | None
    org_id: str
    post: str
    grade: str | None
    variant: str | None
    values: tuple[ValueTrace, ...]
    dimensions: tuple[DimensionResult, ...]
    subtotal: Decimal
    adjustments: tuple[Adjustment, ...]
    total: Decimal
    veto: bool
    veto_reason: str | None
    rank: int
    rank_n: int
    group: str
    notes: tuple[Note, ...] = ()

    def dimension_scores(self) -> dict[str, Decimal]:
        """Dimension key → score, in the scheme's order (for exports)."""
        return {d.key: d.score for d in self.dimensions}

    def items(self) -> dict[str, ItemResult]:
        """Item key → its result, in the scheme's order (for exports)."""
        return {i.key: i for d in self.dimensions for i in d.items}

    def item(self, key: str) -> ItemResult:
        for d in self.dimensions:
            for i in d.items:
                if i.key == key:
                    return i
        raise KeyError(key)

    def dimension(self, key: str) -> DimensionResult:
        for d in self.dimensions:
            if d.key == key:
                return d
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: decimals as strings, dates as ISO text (JSON-ready, language-independent)."""
        out = _plain(self)
        assert isinstance(out, dict)
        return out


@dataclass(frozen=True)
class Evaluation:
    """The results of one scheme on one period, per RM (ordered by rm_id)."""

    scheme_id: str
    scheme_version: int
    period: str
    period_start: date
    period_end: date
    results: tuple[RmResult, ...]
    #: RMs not covered by the scheme's ``applies_to``
    skipped: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def by_rm(self, rm_id: str) -> RmResult:
        for r in self.results:
            if r.rm_id == rm_id:
                return r
        raise KeyError(rm_id)

    def to_dict(self) -> dict[str, Any]:
        out = _plain(self)
        assert isinstance(out, dict)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Note):
        return {"code": value.code, "params": dict(value.params)}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name.rstrip("_"): _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- evaluation ----------------------------------------------------------------------------------


@dataclass
class _Item:
    """One item of one RM while it is being scored."""

    item: ResolvedItem
    value: Decimal | None = None
    previous: Decimal | None = None
    target: TargetTrace | None = None
    exact: Decimal | None = None
    formula: str = ""
    rank: int | None = None
    rank_n: int | None = None
    group: str | None = None
    skipped: bool = False
    notes: list[Note] = field(default_factory=list)


@dataclass
class _Rm:
    ctx: RmContext
    variant: ExecVariant
    env: dict[str, Decimal | None]
    traces: list[ValueTrace]
    items: dict[str, _Item]
    notes: list[Note] = field(default_factory=list)


def evaluate(
    plan: Plan,
    rms: Sequence[RmContext],
    values: Values,
    *,
    previous: Values | None = None,
    targets: Mapping[tuple[str, str], Decimal] | None = None,
    ratings: Iterable[Mapping[str, Any]] | None = None,
    team_of: Mapping[str, str | None] | None = None,
    manual: Mapping[str, Mapping[str, Decimal | None]] | None = None,
    veto_reasons: Mapping[str, str] | None = None,
    frozen: Mapping[tuple[str, str], Frozen] | None = None,
) -> Evaluation:
    """Score every RM of ``rms`` that the scheme applies to.

    - ``values``: rm_id → (code, category) → value, for ``plan.engine_inputs``;
    - ``previous``: the same for the same period one year earlier (growth targets,
      progress 进步率); without it those items have no target / no progress;
    - ``targets``: (rm_id, item key) → target, for items with ``target: {kind: table}``
      (``rmperf.core.scheme.tables.parse_targets``);
    - ``ratings``: rows of the ``ratings`` table (period, rm_id, rater_id, rater_role,
      criterion, score) for ``rating`` items;
    - ``team_of``: rm_id → team, overriding ``RmContext.team``;
    - ``manual``: rm_id → input name → value, for ``manual: true`` inputs;
    - ``veto_reasons``: rm_id → the reason shown for a veto (e.g. the violation's description).

    - ``frozen``: (rm_id, item key) → the item's target and, for items scored against other RMs
      (rank, composite rank, ratings), its score, as a stored run has them: a counterfactual of the
      run (the year-end spike's pay, 003 冲时点) re-scores what an RM's own figures change and
      keeps the rest as it was.

    Raises :class:`SchemeError` when ratings are refused (a broken forced distribution,
    an incomplete rating form): the message says which and how.
    """
    resolved = plan.resolved
    header = resolved.scheme.header
    places, mode = header.rounding.places, header.rounding.mode

    def rnd(x: Decimal) -> Decimal:
        return round_to(x, places, mode)

    teams: dict[str, str | None] = {ctx.rm_id: ctx.team for ctx in rms}
    if team_of is not None:
        teams.update(team_of)
    states: list[_Rm] = []
    skipped: list[str] = []
    with localcontext() as dctx:
        dctx.prec = 60
        for ctx in rms:
            if not plan.applies_to(ctx):
                skipped.append(ctx.rm_id)
                continue
            states.append(_prepare(plan, ctx, values, previous, targets, manual, frozen))
        _group_means(plan, states, teams, frozen)
        if frozen is None:
            _score_relative(plan, states, teams, ratings)
        else:
            _thaw_relative(states, frozen)
        results = _finish(plan, states, teams, veto_reasons, rnd)
    return Evaluation(
        scheme_id=resolved.scheme.id,
        scheme_version=resolved.scheme.version,
        period=resolved.period.label,
        period_start=resolved.period.start,
        period_end=resolved.period.end,
        results=tuple(sorted(results, key=lambda r: r.rm_id)),
        skipped=tuple(sorted(skipped)),
        parameters=dict(plan.parameters),
    )


def _inputs_env(
    plan: Plan,
    rm_id: str,
    values: Values,
    manual: Mapping[str, Mapping[str, Decimal | None]] | None,
    traces: list[ValueTrace] | None,
    notes: list[Note] | None,
) -> dict[str, Decimal | None]:
    env: dict[str, Decimal | None] = dict(plan.resolved.constants)
    own = values.get(rm_id, {})
    own_manual = (manual or {}).get(rm_id, {})
    for name, spec in plan.inputs.items():
        if spec.manual:
            value = own_manual.get(name)
            kind = "manual"
        else:
            assert spec.indicator is not None
            value = own.get(spec.key)
            kind = "engine"
        if value is not None and not isinstance(value, Decimal):
            value = scoring.as_decimal(value, name)
        env[name] = value
        if traces is not None:
            category = spec.key[1] if not spec.manual else None  # ``@previous`` / ``@share_of=…`` marked
            traces.append(ValueTrace(name, kind, value, spec.indicator, category))
    for name in plan.custom_order:
        formula = plan.custom[name].formula
        outcome: Outcome = formula.evaluate(env)
        env[name] = outcome.value
        if traces is not None:
            rendered = f"{formula.render(env)} = {show(outcome.value) if outcome.value is not None else '—'}"
            traces.append(ValueTrace(name, "custom", outcome.value, expression=formula.expression(), formula=rendered))
        if outcome.division_by_zero and notes is not None:
            notes.append(Note.of("scheme.note.division_by_zero", name=name))
    return env


def _prepare(
    plan: Plan,
    ctx: RmContext,
    values: Values,
    previous: Values | None,
    targets: Mapping[tuple[str, str], Decimal] | None,
    manual: Mapping[str, Mapping[str, Decimal | None]] | None,
    frozen: Mapping[tuple[str, str], Frozen] | None = None,
) -> _Rm:
    variant = plan.variant_for(ctx)
    traces: list[ValueTrace] = [
        ValueTrace(name, "constant", value) for name, value in sorted(plan.resolved.constants.items())
    ]
    notes: list[Note] = []
    env = _inputs_env(plan, ctx.rm_id, values, manual, traces, notes)
    prev_env: dict[str, Decimal | None] | None = None
    if previous is not None and plan.needs_previous:
        prev_env = _inputs_env(plan, ctx.rm_id, previous, None, None, None)
    state = _Rm(ctx, variant, env, traces, {}, notes)
    for item in variant.items:
        st = _Item(item)
        state.items[item.key] = st
        if item.input is not None:
            st.value = env.get(item.input)
            if prev_env is not None:
                st.previous = prev_env.get(item.input)
        kept = frozen.get((ctx.rm_id, item.key)) if frozen is not None else None
        if kept is not None:
            st.target = kept.target
        elif item.target is not None:
            st.target = _target(item, item.target, st, env, targets, ctx.rm_id)
        waits = kept is None and item.target is not None and item.target.kind == "group_mean"
        if item.method not in ("rank", "composite_rank", "rating") and not waits:
            _score_own(item, st, env)
    return state


def _group_means(
    plan: Plan, states: Sequence[_Rm], teams: Mapping[str, str | None], frozen: Mapping[tuple[str, str], Frozen] | None
) -> None:
    """``group_mean`` targets (004 人均年模拟利润): each group's mean of the item's value, then the items are scored."""
    default_group = plan.resolved.scheme.header.rank_group
    members: dict[tuple[str, str], list[tuple[_Rm, _Item]]] = defaultdict(list)
    for state in states:
        for key, st in state.items.items():
            target = st.item.target
            if target is None or target.kind != "group_mean" or (frozen and (state.ctx.rm_id, key) in frozen):
                continue
            group = _group_of(target.group or st.item.params.get("group") or default_group, state.ctx, teams)
            members[(key, group)].append((state, st))
    for (key, group), pairs in sorted(members.items(), key=lambda kv: kv[0]):
        values = [st.value for _, st in pairs if st.value is not None]
        mean = sum(values, ZERO) / len(values) if values else None
        for state, st in pairs:
            if mean is None or mean == 0:
                st.notes.append(Note.of("scheme.note.no_target", item=key))
                continue
            terms = " + ".join(show(v) for v in values) if len(values) <= 8 else f"Σ {len(values)}"
            formula = f"({terms}) ÷ {len(values)} = {show(mean)} [{group}]"
            st.target = TargetTrace("group_mean", mean, None, st.item.target.ref if st.item.target else None, formula)
            _score_own(st.item, st, state.env)


@dataclass(frozen=True)
class Frozen:
    """An item of a stored result held as it was: its target, and for relative items its score and rank."""

    target: TargetTrace | None
    exact: Decimal | None = None
    value: Decimal | None = None
    formula: str = ""
    rank: int | None = None
    rank_n: int | None = None
    group: str | None = None


def _thaw_relative(states: Sequence[_Rm], frozen: Mapping[tuple[str, str], Frozen]) -> None:
    """Relative items (rank, composite rank, ratings) take their stored scores (a counterfactual of one RM)."""
    for state in states:
        for key, st in state.items.items():
            if st.item.method not in ("rank", "composite_rank", "rating"):
                continue
            kept = frozen.get((state.ctx.rm_id, key))
            if kept is None:
                continue
            st.exact, st.value, st.formula = kept.exact, kept.value, kept.formula
            st.rank, st.rank_n, st.group = kept.rank, kept.rank_n, kept.group


def _target(
    item: ResolvedItem,
    target: ResolvedTarget,
    st: _Item,
    env: Mapping[str, Decimal | None],
    table: Mapping[tuple[str, str], Decimal] | None,
    rm_id: str,
) -> TargetTrace | None:
    kind = target.kind
    if kind == "group_mean":
        return None  # the group's mean, once every RM's value is known (``_group_means``)
    if kind == "absolute":
        assert target.value is not None
        return TargetTrace(kind, target.value, target.from_, target.ref, show(target.value))
    if kind == "table":
        found = (table or {}).get((rm_id, item.key))
        if found is not None:
            return TargetTrace(kind, found, None, "targets", show(found))
        if target.default is not None:
            return TargetTrace(kind, target.default, target.from_, target.ref, f"default {show(target.default)}")
        st.notes.append(Note.of("scheme.note.no_target", item=item.key))
        return None
    if kind == "growth":
        assert target.rate is not None
        prev = st.previous
        if prev is None:
            st.notes.append(Note.of("scheme.note.no_previous", item=item.key))
            return None
        value = prev + abs(prev) * target.rate
        formula = f"{_p(prev)} + |{_p(prev)}| × {show(target.rate)} = {show(value)}"
        return TargetTrace(kind, value, target.from_, target.ref, formula)
    # differential (级差地租, 000): base + factor × baseline
    assert target.base is not None
    assert target.factor is not None
    assert target.baseline is not None
    baseline = env.get(target.baseline)
    if baseline is None:
        st.notes.append(Note.of("scheme.note.missing_input", name=target.baseline))
        return None
    value = target.base + target.factor * baseline
    formula = f"{show(target.base)} + {show(target.factor)} × {_p(baseline)} = {show(value)}"
    return TargetTrace(kind, value, target.from_, target.ref, formula)


def _dec(value: Any, default: Decimal) -> Decimal:
    return default if value is None else Decimal(value)


def _p(value: Decimal) -> str:
    text = show(value)
    return f"({text})" if value < 0 else text


def _score_own(item: ResolvedItem, st: _Item, env: Mapping[str, Decimal | None]) -> None:
    """Score an item that does not depend on other RMs; ``st.exact`` stays None when it cannot be scored."""
    p = item.params
    w = item.weight
    value = st.value
    method = item.method
    try:
        if method == "veto":
            flagged = value is not None and value > 0
            st.exact = ZERO
            st.formula = f"{show(value) if value is not None else '—'} > 0 → {'一票否决' if flagged else '—'}"
            return
        if method == "plus_minus":
            parts: list[tuple[str, Decimal]] = []
            for part in p["parts"]:
                v = env.get(part["input"])
                if v is None:
                    st.notes.append(Note.of("scheme.note.missing_input", name=part["input"]))
                    v = ZERO
                label = part["label"].zh if part.get("label") is not None else part["input"]
                parts.append((label, v * part["per"]))
            scored = scoring.plus_minus(parts, cap=p.get("cap"), floor=p.get("floor"))
            st.exact, st.formula = scored.value, scored.formula
            return
        if value is None:
            return
        if method == "value":
            factor = _dec(p.get("factor"), ONE)
            st.exact = value * factor
            st.formula = f"{_p(value)} × {show(factor)} = {show(st.exact)}"
            return
        if method == "deduction":
            floor = _dec(p.get("floor"), ZERO)
            scored = scoring.deduction(value, per=p["per"], floor=floor, full=w)
            st.exact, st.formula = scored.value, scored.formula
            return
        target = st.target.value if st.target is not None else None
        if method == "achievement":
            if target is None:
                return
            floor = _dec(p.get("floor"), ZERO)
            scored = scoring.achievement(value, target, w, floor=floor, cap=p.get("cap"))
            st.exact, st.formula = scored.value, scored.formula
            return
        x = value
        prefix = ""
        if p.get("basis") == "ratio":
            if target is None:
                return
            if target == 0:
                st.notes.append(Note.of("scheme.note.division_by_zero", name=item.key))
                return
            x = value / target
            prefix = f"{_p(value)}/{_p(target)} = {show(x)}; "
        if method == "linear":
            scored = scoring.linear(x, x0=p["x0"], y0=p["y0"], x1=p["x1"], y1=p["y1"], clamp=p.get("clamp", True))
        elif method == "bands":
            scored = scoring.bands(x, p["bands"], higher_is_better=p.get("higher_is_better", True))
        else:  # pragma: no cover - every method is handled above or in _score_relative
            raise AssertionError(method)
        st.exact = scored.value * w
        st.formula = f"{prefix}{scored.formula}; {show(scored.value)} × {show(w)} = {show(st.exact)}"
    except ScoringError as error:
        st.exact = None
        st.notes.append(Note.of("scheme.note.refused", item=item.key))
        st.notes.append(Note(error.code, tuple((k, str(v)) for k, v in error.params.items())))


def _group_of(keys: Sequence[str], ctx: RmContext, teams: Mapping[str, str | None]) -> str:
    if not keys:
        return "all"
    parts: list[str] = []
    for key in keys:
        value = teams.get(ctx.rm_id) if key == "team" else ctx.attribute(key)
        parts.append(f"{key}={value if value is not None else '—'}")
    return ", ".join(parts)


def _score_relative(
    plan: Plan,
    states: list[_Rm],
    teams: Mapping[str, str | None],
    ratings: Iterable[Mapping[str, Any]] | None,
) -> None:
    default_group = plan.resolved.scheme.header.rank_group
    by_key: dict[str, list[tuple[_Rm, _Item]]] = defaultdict(list)
    for state in states:
        for key, st in state.items.items():
            if st.item.method in ("rank", "composite_rank", "rating"):
                by_key[key].append((state, st))
    rows = list(ratings) if ratings is not None else []
    known = frozenset(state.ctx.rm_id for state in states)
    problems: list[Problem] = []
    for key in sorted(by_key):
        members = by_key[key]
        method = members[0][1].item.method
        groups: dict[str, list[tuple[_Rm, _Item]]] = defaultdict(list)
        for state, st in members:
            keys = st.item.params.get("group") or default_group
            st.group = _group_of(keys, state.ctx, teams)
            groups[st.group].append((state, st))
        if method == "rating":
            problems.extend(_score_ratings(plan, key, members, groups, rows, known))
            continue
        for group in sorted(groups):
            _rank_group(method, groups[group])
    if problems:
        raise SchemeError(problems)


def _rank_group(method: str, members: list[tuple[_Rm, _Item]]) -> None:
    first = members[0][1].item
    ties = first.params.get("ties", "min")
    n = len(members)
    weights = {state.ctx.rm_id: st.item.weight for state, st in members}
    ranked: dict[str, Ranked]
    if method == "rank":
        values = {state.ctx.rm_id: st.value for state, st in members}
        ranked = scoring.rank_scores(
            values, ONE, higher_is_better=first.params.get("higher_is_better", True), ties=ties
        )
    else:
        total = sum((st.value for _, st in members if st.value is not None), ZERO)
        parts: dict[str, dict[str, Decimal | None]] = {"contribution": {}, "progress": {}, "plan": {}}
        for state, st in members:
            rm = state.ctx.rm_id
            v, prev = st.value, st.previous
            target = st.target.value if st.target is not None else None
            parts["contribution"][rm] = v / total if v is not None and total != 0 else None
            parts["progress"][rm] = (v - prev) / abs(prev) if v is not None and prev not in (None, ZERO) else None
            parts["plan"][rm] = v / target if v is not None and target not in (None, ZERO) else None
        part_weights = {name: first.params[name] for name in ("contribution", "progress", "plan")}
        ranked = scoring.composite_rank(parts, part_weights, ONE, ties=ties)
    for state, st in members:
        rm = state.ctx.rm_id
        r = ranked[rm]
        w = weights[rm]
        if first.params.get("normalize"):
            w = w / n
        used = r.effective_rank if r.effective_rank is not None else Decimal(r.rank)
        st.exact = (n - used + 1) * w
        st.rank, st.rank_n = r.rank, r.n
        rank_text = f"({n} − {show(used)} + 1) × {show(w)} = {show(st.exact)}"
        st.formula = rank_text if method == "rank" else f"{r.formula.split('; ')[0]}; {rank_text}"


def _score_ratings(
    plan: Plan,
    key: str,
    members: list[tuple[_Rm, _Item]],
    groups: Mapping[str, list[tuple[_Rm, _Item]]],
    rows: list[Mapping[str, Any]],
    known: frozenset[str] = frozenset(),
) -> list[Problem]:
    first = members[0][1].item
    p = first.params
    wanted = {state.ctx.rm_id for state, _ in members}
    label = plan.resolved.period.label
    own_rows = [r for r in rows if str(r.get("rm_id")) in wanted and str(r.get("period", label)) == label]
    if p.get("criteria"):
        # a scheme may rate several things (conduct, research, cooperation): each item reads its own criteria
        own = {str(c) for c in p["criteria"]}
        own_rows = [r for r in own_rows if str(r.get("criterion")) in own]
    scale_max = _dec(p.get("scale_max"), rating_rules.SCALE[1])
    problems: list[Problem] = []
    source = plan.resolved.scheme.source
    if p.get("form") in ("ranking", "paired"):
        return _score_rank_forms(plan, key, groups, own_rows, known)
    if p.get("form", "scale") == "scale":
        criteria = [(name, weight) for name, weight in p["criteria"].items()]
        try:
            scores = rating_rules.from_rows(
                own_rows,
                criteria=criteria,
                role_weights=p["raters"],
                period=label,
                scale=(ONE, scale_max),
                missing=p.get("missing_raters", "refuse"),
            )
        except ScoringError as error:
            return [Problem("scheme.ratings_refused", {"item": key, "group": "—"}, (), source, cause=error)]
        for state, st in members:
            scored = scores.get(state.ctx.rm_id)
            if scored is None:
                st.notes.append(Note.of("scheme.note.no_rating", item=key))
                continue
            share = scored.value / scale_max
            st.value = scored.value
            st.exact = share * st.item.weight
            st.formula = (
                f"{scored.formula}; {show(scored.value)}/{show(scale_max)} × {show(st.item.weight)} = {show(st.exact)}"
            )
        return problems
    # forced distribution (强制分配法): one grade per RM, 1 (worst) … n (best), checked per group
    shares = p.get("distribution") or rating_rules.FORCED_SHARES
    n_grades = len(shares)
    # the grades as the ratings rows give them: n (best) … 1 (worst), so a refusal names what the data says
    labels = [str(n_grades - i) for i in range(n_grades)]
    grade_shares = p.get("grade_shares") or tuple(Decimal(n_grades - i) / n_grades for i in range(n_grades))
    criterion = p.get("criterion") or "grade"
    grade_of: dict[str, int] = {}
    for row in own_rows:
        if str(row.get("criterion")) != criterion:
            continue
        try:
            grade = int(Decimal(str(row.get("score"))))
        except (ArithmeticError, ValueError):
            grade = 0
        grade_of[str(row["rm_id"])] = grade
    for group in sorted(groups):
        grades: dict[str, str] = {}
        for state, _ in groups[group]:
            g = grade_of.get(state.ctx.rm_id)
            if g is not None:
                grades[state.ctx.rm_id] = labels[n_grades - g] if 1 <= g <= n_grades else str(g)
        try:
            rating_rules.forced_distribution(grades, shares=shares, labels=labels)
        except ScoringError as error:
            problems.append(Problem("scheme.ratings_refused", {"item": key, "group": group}, (), source, cause=error))
            continue
        for state, st in groups[group]:
            rm = state.ctx.rm_id
            if rm not in grades:
                st.notes.append(Note.of("scheme.note.no_rating", item=key))
                continue
            index = labels.index(grades[rm])
            share = grade_shares[index]
            st.value = Decimal(grade_of[rm])
            st.exact = share * st.item.weight
            st.formula = f"{grades[rm]} → {show(share)} × {show(st.item.weight)} = {show(st.exact)}"
    return problems


def _score_rank_forms(
    plan: Plan,
    key: str,
    groups: Mapping[str, list[tuple[_Rm, _Item]]],
    own_rows: list[Mapping[str, Any]],
    known: frozenset[str],
) -> list[Problem]:
    """简单排序法 (``form: ranking``) and 一一比较法 (``form: paired``) within each rank group.

    ranking: rows ``criterion: rank`` (or the item's ``criterion``), ``score`` = the
    position the rater gives the RM in the group, 1 = best; item score = weight ×
    (N − P̄ + 1) ÷ N on the raters' blended position P̄.
    paired: rows whose ``criterion`` is the other RM's id (``<criterion>:<id>`` when
    the item names a ``criterion``), ``score`` 1 when the RM is better, 0 when worse;
    item score = weight × W̄ ÷ (N − 1) on the raters' blended wins W̄.
    A group without rows scores by ``when_missing``; a refused group is reported
    with every problem of its rows.
    """
    first = next(iter(groups.values()))[0][1].item
    p = first.params
    form = p["form"]
    criterion = p.get("criterion")
    source = plan.resolved.scheme.source
    rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)  # rm_id → the item's rows about them
    for row in own_rows:
        text = str(row.get("criterion"))
        if form == "ranking":
            if text == (criterion or "rank"):
                rows_of[str(row["rm_id"])].append(dict(row))
            continue
        if criterion is not None:
            if not text.startswith(f"{criterion}:"):
                continue
            other = text[len(criterion) + 1 :]
        elif text in known:
            other = text
        else:
            continue  # another item's rows (a criterion that is no RM of the run)
        rows_of[str(row["rm_id"])].append({**row, "other": other})
    problems: list[Problem] = []
    for group in sorted(groups):
        members = groups[group]
        ids = sorted(state.ctx.rm_id for state, _ in members)
        group_rows = [r for rm in ids for r in rows_of.get(rm, ())]
        note = None
        if form == "paired" and len(ids) < 2:
            note = "scheme.note.paired_alone"  # nobody to compare with: scored by when_missing
        elif not group_rows:
            note = "scheme.note.no_rating"
        if note is not None:
            for _, st in members:
                st.notes.append(Note.of(note, item=key))
            continue
        try:
            rule = rating_rules.ranking_from_rows if form == "ranking" else rating_rules.paired_from_rows
            ranked = rule(group_rows, ids, p["raters"], missing=p.get("missing_raters", "refuse"))
        except ScoringError as error:
            problems.append(Problem("scheme.ratings_refused", {"item": key, "group": group}, (), source, cause=error))
            continue
        n = len(ids)
        for state, st in members:
            r = ranked[state.ctx.rm_id]
            w = st.item.weight
            assert r.value is not None
            st.value = r.value
            st.rank, st.rank_n = r.rank, r.n
            if form == "ranking":
                st.exact = (n - r.value + 1) * w / n
                rule_text = f"({n} − {show(r.value)} + 1)/{n} × {show(w)}"
            else:
                st.exact = r.value * w / (n - 1)
                rule_text = f"{show(r.value)}/({n} − 1) × {show(w)}"
            st.formula = f"{r.formula}; {rule_text} = {show(st.exact)}"
    return problems


def _finish(
    plan: Plan,
    states: list[_Rm],
    teams: Mapping[str, str | None],
    veto_reasons: Mapping[str, str] | None,
    rnd: Any,
) -> list[RmResult]:
    resolved = plan.resolved
    header = resolved.scheme.header
    adj = resolved.adjustments
    partial: list[tuple[_Rm, list[DimensionResult], Decimal, list[Adjustment], Decimal, bool, str | None]] = []
    for state in states:
        dims: list[DimensionResult] = []
        vetoed = False
        reason: str | None = None
        for dim in state.variant.dimensions:
            items: list[ItemResult] = []
            for item in dim.items:
                st = state.items[item.key]
                if item.method == "veto" and st.value is not None and st.value > 0:
                    vetoed = True
                    custom_reason = item.params.get("reason")
                    text = (veto_reasons or {}).get(state.ctx.rm_id)
                    if text is None:
                        text = custom_reason["zh"] if isinstance(custom_reason, dict) else item.name.zh
                    reason = text if reason is None else f"{reason}; {text}"
                items.append(_item_result(item, st, rnd))
            total_items = sum((i.score for i in items if not i.skipped), ZERO)
            terms = " + ".join(show(i.score) for i in items if not i.skipped) or "0"
            if dim.factor is not None:
                score = rnd(total_items * dim.factor)
                formula = f"({terms}) × {show(dim.factor)} = {show(score)}"
            else:
                score = rnd(total_items)
                formula = f"{terms} = {show(score)}"
            dims.append(
                DimensionResult(
                    dim.key, dim.name.zh, dim.name.en, dim.weight, score, formula, tuple(items), dim.in_total
                )
            )
        subtotal = sum((d.score for d in dims if d.in_total), ZERO)
        total = subtotal
        adjustments: list[Adjustment] = []
        if adj.split_share is not None:
            qual = [d for d in dims if d.key in adj.split_qualitative]
            quant = [d for d in dims if d.key not in adj.split_qualitative and d.in_total]
            q1 = _percent(qual)
            q2 = _percent(quant)
            scored = scoring.split(q1, q2, adj.split_share)
            after = rnd(scored.value)
            adjustments.append(Adjustment("split", total, after, scored.formula))
            total = after
        if adj.experience_input is not None:
            k = state.env.get(adj.experience_input)
            if k is None:
                state.notes.append(Note.of("scheme.note.experience_missing"))
            elif abs(k) > adj.experience_limit:
                state.notes.append(
                    Note.of("scheme.note.experience_range", value=show(k), limit=show(adj.experience_limit))
                )
            else:
                scored = scoring.experience_adjust(total, k)
                after = rnd(scored.value)
                adjustments.append(Adjustment("experience", total, after, scored.formula))
                total = after
        partial.append((state, dims, subtotal, adjustments, total, vetoed, reason))
    # team blend (团队绩效): the mean of the team's totals before the blend
    if adj.team_share is not None:
        by_team: dict[str, list[Decimal]] = defaultdict(list)
        for state, _, _, _, total, _, _ in partial:
            team = teams.get(state.ctx.rm_id)
            if team is not None:
                by_team[team].append(total)
        blended = []
        for state, dims, subtotal, adjustments, total, vetoed, reason in partial:
            team = teams.get(state.ctx.rm_id)
            if team is None:
                state.notes.append(Note.of("scheme.note.no_team"))
            else:
                members = by_team[team]
                team_score = sum(members, ZERO) / len(members)
                scored = scoring.team_blend(total, team_score, adj.team_share)
                after = rnd(scored.value)
                formula = f"team {team} = ({' + '.join(show(m) for m in members)})/{len(members)}; {scored.formula}"
                adjustments = [*adjustments, Adjustment("team", total, after, formula)]
                total = after
            blended.append((state, dims, subtotal, adjustments, total, vetoed, reason))
        partial = blended
    # the one-vote veto (一票否决) last, then the ranks of the totals
    finals: list[tuple[_Rm, list[DimensionResult], Decimal, list[Adjustment], Decimal, bool, str | None]] = []
    for state, dims, subtotal, adjustments, total, vetoed, reason in partial:
        if vetoed:
            verdict = scoring.veto(True, reason or "一票否决")
            applied = scoring.apply_veto(total, verdict)
            adjustments = [*adjustments, Adjustment("veto", total, applied.value, applied.formula)]
            state.notes.append(Note.of("scheme.note.veto", reason=verdict.reason))
            total = applied.value
        finals.append((state, dims, subtotal, adjustments, total, vetoed, reason))
    totals_by_group: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    group_of: dict[str, str] = {}
    for state, _, _, _, total, _, _ in finals:
        group = _group_of(header.rank_group, state.ctx, teams)
        group_of[state.ctx.rm_id] = group
        totals_by_group[group][state.ctx.rm_id] = total
    ranks: dict[str, Ranked] = {}
    for group_totals in totals_by_group.values():
        ranks.update(scoring.rank_scores(group_totals, ONE))
    out: list[RmResult] = []
    for state, dims, subtotal, adjustments, total, vetoed, reason in finals:
        ctx = state.ctx
        r = ranks[ctx.rm_id]
        out.append(
            RmResult(
                rm_id=ctx.rm_id,
                name=ctx.name,
                org_id=ctx.org_id,
                post=ctx.post,
                grade=ctx.grade,
                variant=state.variant.key,
                values=tuple(state.traces),
                dimensions=tuple(dims),
                subtotal=subtotal,
                adjustments=tuple(adjustments),
                total=total,
                veto=vetoed,
                veto_reason=reason if vetoed else None,
                rank=r.rank,
                rank_n=r.n,
                group=group_of[ctx.rm_id],
                notes=tuple(state.notes),
            )
        )
    return out


def _percent(dims: Sequence[DimensionResult]) -> Decimal:
    """Points of ``dims`` as a score out of 100 (points ÷ weight × 100); 0 when they weigh nothing."""
    weight = sum((d.weight for d in dims), ZERO)
    if weight == 0:
        return ZERO
    return sum((d.score for d in dims), ZERO) / weight * HUNDRED


def _item_result(item: ResolvedItem, st: _Item, rnd: Any) -> ItemResult:
    notes = list(st.notes)
    exact = st.exact
    skipped = False
    formula = st.formula
    if exact is None:
        rule = item.when_missing
        if rule == "full":
            score = rnd(item.weight)
            formula = f"— → {show(item.weight)}"
        else:
            score = rnd(ZERO)
            skipped = rule == "skip"
            formula = "— → 0"
        notes.append(Note.of(f"scheme.note.scored_missing_{rule}", item=item.key))
    else:
        score = rnd(exact)
    return ItemResult(
        key=item.key,
        dimension=item.dimension,
        name_zh=item.name.zh,
        name_en=item.name.en,
        method=item.method,
        input=item.input,
        value=st.value,
        weight=item.weight,
        weight_from=item.weight_from,
        weight_ref=item.weight_ref,
        target=st.target,
        score=score,
        exact=exact,
        formula=formula,
        rank=st.rank,
        rank_n=st.rank_n,
        group=st.group,
        skipped=skipped,
        notes=tuple(notes),
    )
