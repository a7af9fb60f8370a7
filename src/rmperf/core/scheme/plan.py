"""Stage 3, the executable plan (执行计划): what a run must compute, and which variant each RM gets.

A plan is built once per scheme and period. It lists the engine indicators
(code, category) and parameters the run must compute, the manual inputs and
tables it must supply, the custom indicators in dependency order (their
formulas were compiled when the file was loaded), and per RM the variant
that applies (the first whose ``when`` matches, else the scheme itself).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rmperf.core.scheme.load import Custom, Input
from rmperf.core.scheme.model import When
from rmperf.core.scheme.resolve import ResolvedDimension, ResolvedItem, ResolvedScheme

GROUP_KEYS = ("post", "grade", "region_type", "branch", "subbranch", "org", "team")


@dataclass(frozen=True)
class RmContext:
    """What the scheme needs to know about one RM (from ``managers`` and ``orgs``).

    ``org_path`` lists the RM's org units from the head office down to the RM's
    own unit; ``branch``/``subbranch`` are the units of those levels on it.
    """

    rm_id: str
    post: str
    org_id: str = ""
    org_path: tuple[str, ...] = ()
    region_type: str | None = None
    branch: str | None = None
    subbranch: str | None = None
    grade: str | None = None
    team: str | None = None
    name: str | None = None

    def attribute(self, key: str) -> str | None:
        """The value of a rank-group key (``post``, ``branch``, ``org`` …)."""
        if key == "org":
            return self.org_id
        value: str | None = getattr(self, key)
        return value


def matches(when: When, ctx: RmContext) -> bool:
    """All conditions of ``when`` hold for ``ctx`` (a list inside a condition means any of its values)."""
    if when.posts and ctx.post not in when.posts:
        return False
    if when.region_types and ctx.region_type not in when.region_types:
        return False
    if when.grades and ctx.grade not in when.grades:
        return False
    return not (when.orgs and not (set(when.orgs) & {*ctx.org_path, ctx.org_id}))


@dataclass(frozen=True)
class ExecVariant:
    """The items an RM is scored on: the scheme's own (``key`` None) or a variant's."""

    key: str | None
    dimensions: tuple[ResolvedDimension, ...]
    items: tuple[ResolvedItem, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(i for d in self.dimensions for i in d.items))


@dataclass(frozen=True)
class Plan:
    """Everything ``evaluate`` needs, and everything a run must supply to it."""

    resolved: ResolvedScheme
    inputs: Mapping[str, Input]
    custom: Mapping[str, Custom]
    custom_order: tuple[str, ...]
    #: (code, category) of every engine indicator the scheme reads, sorted
    engine_inputs: tuple[tuple[str, str], ...]
    #: engine parameters in force (``basis``, ``provision_rates`` …, and ``rounding``)
    parameters: Mapping[str, Any]
    #: names of the manual inputs (the per-RM values table)
    manual_inputs: tuple[str, ...]
    #: items whose target comes from the targets table
    table_targets: tuple[str, ...]
    #: of those, the items a run cannot go without: no ``default`` and not ``optional``
    required_targets: tuple[str, ...]
    #: True when growth targets or progress (进步率) need the same period last year
    needs_previous: bool
    #: True when an item is scored from the ``ratings`` table
    needs_ratings: bool
    base: ExecVariant
    variants: tuple[tuple[When, ExecVariant], ...]

    @property
    def scheme_id(self) -> str:
        return self.resolved.scheme.id

    @property
    def period_label(self) -> str:
        return self.resolved.period.label

    def applies_to(self, ctx: RmContext) -> bool:
        a = self.resolved.scheme.header.applies_to
        return matches(When(posts=a.posts, region_types=a.region_types, orgs=a.orgs, grades=a.grades), ctx)

    def variant_for(self, ctx: RmContext) -> ExecVariant:
        for when, variant in self.variants:
            if matches(when, ctx):
                return variant
        return self.base


def build_plan(resolved: ResolvedScheme) -> Plan:
    """The executable plan of a resolved scheme."""
    scheme = resolved.scheme
    base = ExecVariant(None, resolved.dimensions)
    variants = tuple((v.when, ExecVariant(v.key, v.dimensions)) for v in resolved.variants)
    all_items = [*base.items, *(i for _, v in variants for i in v.items)]
    engine = sorted(
        {(i.indicator, i.category) for i in scheme.inputs.values() if i.indicator is not None},
    )
    manual = tuple(sorted(name for name, i in scheme.inputs.items() if i.manual))
    tables = [i for i in all_items if i.target is not None and i.target.kind == "table"]
    table_targets = tuple(sorted({i.key for i in tables}))
    required_targets = tuple(
        sorted({i.key for i in tables if i.target is not None and i.target.default is None and not i.target.optional})
    )
    needs_previous = any(
        (i.target is not None and i.target.kind == "growth") or i.method == "composite_rank" for i in all_items
    )
    needs_ratings = any(i.method == "rating" for i in all_items)
    return Plan(
        resolved=resolved,
        inputs=scheme.inputs,
        custom=scheme.custom,
        custom_order=scheme.custom_order,
        engine_inputs=tuple(engine),
        parameters=dict(resolved.parameters),
        manual_inputs=manual,
        table_targets=table_targets,
        required_targets=required_targets,
        needs_previous=needs_previous,
        needs_ratings=needs_ratings,
        base=base,
        variants=variants,
    )
