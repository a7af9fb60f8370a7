"""Stage 2, resolved (已生效方案): the values in force for one period, and the check that the scheme runs for it.

Every dated value is replaced by the entry in force on the period's **last
day**, with the entry's ``from`` day and ``ref`` kept for the trace. Variants
whose ``period_kinds`` exclude the period's kind are dropped here. The
``pay:`` section becomes ``ResolvedScheme.pay`` (``rmperf.core.pay.rules.ResolvedPay``, by ``rmperf.core.pay.section``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from rmperf.core import sections
from rmperf.core.periods import Period, PeriodKind
from rmperf.core.scheme import dated
from rmperf.core.scheme.errors import Path, Problem, SchemeError, Word
from rmperf.core.scheme.load import BUILTINS, Dimension, ItemModel, Scheme
from rmperf.core.scheme.model import (
    AbsoluteTarget,
    DatedEntry,
    DifferentialTarget,
    GroupMeanTarget,
    GrowthTarget,
    TableTarget,
    Text,
    When,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class InForce:
    """A value in force, with the first day of its entry and the memo that approved it."""

    value: Any
    from_: date | None
    ref: str | None


@dataclass(frozen=True)
class ResolvedTarget:
    """A target rule with its numbers in force.

    ``kind`` is ``absolute`` (``value``), ``table`` (``default`` for RMs not in the
    table), ``growth`` (``rate``) or ``differential`` (``base + factor × baseline``).
    ``from_``/``ref`` are those of the latest entry among the values used.
    """

    kind: str
    value: Decimal | None = None
    default: Decimal | None = None
    rate: Decimal | None = None
    base: Decimal | None = None
    factor: Decimal | None = None
    baseline: str | None = None
    from_: date | None = None
    ref: str | None = None
    #: table targets: a run may go without a row for this item (the item scores by ``when_missing``)
    optional: bool = False
    #: group_mean: the keys of the group the mean is taken over (None: the scheme's rank group)
    group: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ResolvedItem:
    """An item with its weight and parameters in force (``params``: field → value, dated ones resolved)."""

    key: str
    dimension: str
    name: Text
    method: str
    input: str | None
    weight: Decimal
    weight_from: date | None
    weight_ref: str | None
    target: ResolvedTarget | None
    when_missing: str
    params: Mapping[str, Any]
    model: ItemModel = field(repr=False)


@dataclass(frozen=True)
class ResolvedDimension:
    key: str
    name: Text
    #: the dimension's weight in force (Σ of its item weights when the file gives none)
    weight: Decimal
    factor: Decimal | None
    items: tuple[ResolvedItem, ...]
    in_total: bool = True


@dataclass(frozen=True)
class ResolvedVariant:
    key: str
    name: Text | None
    when: When
    dimensions: tuple[ResolvedDimension, ...]


@dataclass(frozen=True)
class ResolvedAdjustments:
    split_share: Decimal | None = None
    split_qualitative: tuple[str, ...] = ()
    experience_input: str | None = None
    experience_limit: Decimal = Decimal("0.2")
    team_share: Decimal | None = None


@dataclass(frozen=True)
class ResolvedScheme:
    """A scheme for one period: everything a plan needs, with the values in force on ``day``."""

    scheme: Scheme
    period: Period
    day: date
    constants: Mapping[str, Decimal]
    parameters: Mapping[str, Any]
    dimensions: tuple[ResolvedDimension, ...]
    variants: tuple[ResolvedVariant, ...]
    adjustments: ResolvedAdjustments
    #: the pay rules in force for this run (薪酬规则); None when the scheme has no ``pay:`` section
    pay: Any = None  # rmperf.core.pay.rules.ResolvedPay, resolved by the pay section

    @property
    def kind(self) -> str:
        return str(self.period.kind)

    @property
    def window(self) -> Period:
        """The days the run's indicators cover: the period, or (``window: year_to_date``) 1 January to its end."""
        return window_of(self.scheme, self.period)


def window_of(scheme: Scheme, period: Period) -> Period:
    """The days a run of ``scheme`` for ``period`` reads: the period, or from 1 January to the period's end."""
    if scheme.header.window == "year_to_date" and period.start != period.year_start:
        return Period(period.year_start, period.end, period.kind, period.label)
    return period


def builtin_constants(window: Period) -> dict[str, Decimal]:
    """``period_days`` and ``year_days`` of a run's window (the names ``load.BUILTINS`` reserves)."""
    import calendar

    year_days = 366 if calendar.isleap(window.end.year) else 365
    return {
        "period_days": Decimal(window.days),
        "year_days": Decimal(year_days),
        "period_end_month": Decimal(window.end.month),
    }


def resolve(
    scheme: Scheme, period_start: date, period_end: date, kind: str | PeriodKind, *, label: str | None = None
) -> ResolvedScheme:
    """The scheme with the values in force on ``period_end``; refuses a period kind or day it does not cover.

    Raises :class:`SchemeError` listing every value with nothing in force on that day.
    """
    kind_name = str(kind.value if isinstance(kind, PeriodKind) else kind)
    problems: list[Problem] = []
    source = scheme.source
    if period_end < period_start:
        problems.append(Problem("scheme.period_dates", {"start": period_start, "end": period_end}, (), source))
        raise SchemeError(problems)
    try:
        period_kind = PeriodKind(kind_name)
    except ValueError:
        allowed = ", ".join(k.value for k in PeriodKind)
        raise SchemeError(
            [Problem("scheme.not_allowed", {"value": kind_name, "allowed": allowed}, (), source)]
        ) from None
    period = Period(period_start, period_end, period_kind, label or _label(period_start, period_end, period_kind))
    header = scheme.header
    if kind_name not in header.periods:
        allowed = ", ".join(header.periods)
        problems.append(
            Problem(
                "scheme.period_kind",
                {"scheme": scheme.id, "kind": Word(f"scheme.kind_{kind_name}"), "allowed": allowed},
                ("periods",),
                source,
            )
        )
    day = period_end
    if (header.valid_from and day < header.valid_from) or (header.valid_to and day > header.valid_to):
        params = {"date": day, "from_": header.valid_from or "—", "to": header.valid_to or "—"}
        problems.append(Problem("scheme.outside_validity", params, ("valid_from",), source))
    if problems:
        raise SchemeError(problems)
    r = _Resolver(scheme, day)
    constants = {name: r.value(entries, ("constants", name)) for name, entries in scheme.constants.items()}
    if any(BUILTINS & custom.formula.names for custom in scheme.custom.values()):
        constants.update(builtin_constants(window_of(scheme, period)))
    parameters: dict[str, Any] = {"rounding": header.rounding.mode}
    for name in type(header.parameters).model_fields:
        entries = getattr(header.parameters, name)
        if entries is not None:
            parameters[name] = r.value(entries, ("parameters", name))
    base_dims, kind_variants = scheme.for_kind(kind_name)
    dimensions = r.dimensions(base_dims, ("dimensions",))
    variants: list[ResolvedVariant] = []
    for v, variant in enumerate(kind_variants):
        if variant.when.period_kinds and kind_name not in variant.when.period_kinds:
            continue
        dims = r.dimensions(variant.dimensions, ("variants", v, "dimensions"))
        variants.append(ResolvedVariant(variant.key, variant.name, variant.when, dims))
    adj = scheme.adjustments
    adjustments = ResolvedAdjustments(
        split_share=r.value(adj.split.share, ("adjustments", "split", "share")) if adj.split else None,
        split_qualitative=adj.split.qualitative if adj.split else (),
        experience_input=adj.experience.input if adj.experience else None,
        experience_limit=(
            r.value(adj.experience.limit, ("adjustments", "experience", "limit"))
            if adj.experience and adj.experience.limit
            else Decimal("0.2")
        ),
        team_share=r.value(adj.team.share, ("adjustments", "team", "share")) if adj.team else None,
    )
    pay = sections.get("pay").resolve(r, period, scheme.pay) if scheme.pay is not None else None
    if r.problems:
        raise SchemeError(r.problems)
    return ResolvedScheme(
        scheme,
        period,
        day,
        {k: v for k, v in constants.items() if v is not None},
        parameters,
        dimensions,
        tuple(variants),
        adjustments,
        pay,
    )


def _label(start: date, end: date, kind: PeriodKind) -> str:
    for candidate in _candidates(start, kind):
        try:
            p = Period.parse(candidate)
        except ValueError:
            continue
        if p.start == start and p.end == end:
            return p.label
    return f"{start.isoformat()}..{end.isoformat()}"


def _candidates(start: date, kind: PeriodKind) -> Sequence[str]:
    y = start.year
    if kind is PeriodKind.YEAR:
        return (f"{y}",)
    if kind is PeriodKind.HALF:
        return (f"{y}-H{1 if start.month <= 6 else 2}",)
    if kind is PeriodKind.QUARTER:
        return (f"{y}-Q{(start.month - 1) // 3 + 1}",)
    return (f"{y}-{start.month:02d}",)


class _Resolver:
    def __init__(self, scheme: Scheme, day: date) -> None:
        self.scheme = scheme
        self.day = day
        self.memo = scheme.header.memo
        self.problems: list[Problem] = []

    def entry(self, entries: Sequence[DatedEntry[Any]], path: Path) -> InForce | None:
        found = dated.in_force(entries, self.day)
        if found is None:
            self.problems.append(Problem("scheme.no_value_in_force", {"date": self.day}, path, self.scheme.source))
            return None
        return InForce(found.value, found.from_, found.ref or self.memo)

    def value(self, entries: Sequence[DatedEntry[Any]], path: Path) -> Any:
        found = self.entry(entries, path)
        return None if found is None else found.value

    def dimensions(self, dims: Sequence[Dimension], prefix: Path) -> tuple[ResolvedDimension, ...]:
        out: list[ResolvedDimension] = []
        for i, dim in enumerate(dims):
            path: Path = (*prefix, i)
            items = tuple(self.item(dim.key, item, (*path, "items", j)) for j, item in enumerate(dim.items))
            weight = self.value(dim.weight, (*path, "weight")) if dim.weight is not None else None
            if weight is None:
                weight = sum((item.weight for item in items), ZERO)
            factor = self.value(dim.factor, (*path, "factor")) if dim.factor is not None else None
            out.append(ResolvedDimension(dim.key, dim.name, weight, factor, items, dim.in_total))
        return tuple(out)

    def item(self, dimension: str, item: ItemModel, path: Path) -> ResolvedItem:
        weight = self.entry(item.weight, (*path, "weight")) if item.weight is not None else None
        params: dict[str, Any] = {}
        skip = {"key", "name", "input", "weight", "target", "when_missing", "method"}
        for name in type(item).model_fields:
            if name in skip:
                continue
            params[name] = self.resolve_any(getattr(item, name), (*path, name))
        return ResolvedItem(
            key=item.key,
            dimension=dimension,
            name=item.name,
            method=item.method,
            input=item.input,
            weight=weight.value if weight is not None else ZERO,
            weight_from=weight.from_ if weight is not None else None,
            weight_ref=weight.ref if weight is not None else None,
            target=self.target(item.target, (*path, "target")) if item.target is not None else None,
            when_missing=item.when_missing,
            params=params,
            model=item,
        )

    def resolve_any(self, value: Any, path: Path) -> Any:
        """Dated lists → the value in force; models and containers resolved recursively."""
        if isinstance(value, tuple) and value and all(isinstance(e, DatedEntry) for e in value):
            return self.value(value, path)
        if isinstance(value, tuple):
            return tuple(self.resolve_any(v, (*path, i)) for i, v in enumerate(value))
        if isinstance(value, dict):
            return {k: self.resolve_any(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, BaseModel) and not isinstance(value, Text):
            return {name: self.resolve_any(getattr(value, name), (*path, name)) for name in type(value).model_fields}
        return value

    def target(self, target: Any, path: Path) -> ResolvedTarget | None:
        used: list[InForce] = []

        def get(entries: Sequence[DatedEntry[Decimal]] | None, name: str) -> Decimal | None:
            if entries is None:
                return None
            found = self.entry(entries, (*path, name))
            if found is None:
                return None
            used.append(found)
            value: Decimal = found.value
            return value

        if isinstance(target, AbsoluteTarget):
            out = ResolvedTarget("absolute", value=get(target.value, "value"))
        elif isinstance(target, TableTarget):
            out = ResolvedTarget("table", default=get(target.default, "default"), optional=target.optional)
        elif isinstance(target, GrowthTarget):
            out = ResolvedTarget("growth", rate=get(target.rate, "rate"))
        elif isinstance(target, DifferentialTarget):
            out = ResolvedTarget(
                "differential",
                base=get(target.base, "base"),
                factor=get(target.factor, "factor"),
                baseline=target.baseline,
            )
        elif isinstance(target, GroupMeanTarget):
            return ResolvedTarget("group_mean", group=target.group, ref=self.memo)
        else:  # pragma: no cover - the model admits no other kind
            return None
        if used:
            latest = max(used, key=lambda f: f.from_ or date.min)
            out = ResolvedTarget(**{**out.__dict__, "from_": latest.from_, "ref": latest.ref})
        elif out.kind != "table":
            return out
        else:
            out = ResolvedTarget(**{**out.__dict__, "ref": self.memo})
        return out
