"""The raw scheme models (原始模型): what a YAML scheme file may say, checked by pydantic.

These models check shape and types only (unknown keys, missing keys, wrong
types, unknown scoring methods). Cross-field rules — weights summing to 100,
known indicator codes, formulas, dated entries in order — are checked by
``rmperf.core.scheme.load``, which validates each piece separately so that a
broken item does not hide the problems of the others.

Every weight, target, threshold and coefficient is *dated*: a plain value or
a list of ``{value, from, to, ref}`` entries, normalised here to a tuple of
:class:`DatedEntry`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from rmperf.contract import GRADES, POSTS, RATER_ROLES, REGION_TYPES
from rmperf.core.scheme.source import register_tags

T = TypeVar("T")

PeriodKindName = Literal["month", "quarter", "half", "year"]
GroupKey = Literal["post", "grade", "region_type", "branch", "subbranch", "org", "team"]
Post = Literal["corporate", "retail", "inclusive", "wealth"]
RegionType = Literal["agri_county", "industrial_county", "urban"]
Grade = Literal["trainee", "junior", "mid_2", "mid_1", "senior_3", "senior_2", "senior_1", "principal"]
RaterRole = Literal["self", "supervisor", "committee", "department", "customer", "peer"]
RoundingMode = Literal["half_up", "half_even"]

assert set(Post.__args__) == set(POSTS)  # type: ignore[attr-defined]
assert set(RegionType.__args__) == set(REGION_TYPES)  # type: ignore[attr-defined]
assert set(Grade.__args__) == set(GRADES)  # type: ignore[attr-defined]
assert set(RaterRole.__args__) == set(RATER_ROLES)  # type: ignore[attr-defined]

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
_DATED_KEYS = {"value", "from", "to", "ref"}


class StrictModel(BaseModel):
    model_config = _STRICT


# --- dated values -------------------------------------------------------------


class DatedEntry(StrictModel, Generic[T]):
    """One value in force from ``from_`` to ``to`` (both inclusive), approved by ``ref``."""

    value: T
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    ref: str | None = None
    #: True when the file gave a plain value rather than a list of entries
    plain: bool = Field(default=False, exclude=True)


def is_dated_list(value: Any) -> bool:
    """A list of mappings that use the keys of a dated entry (rather than a plain list value)."""
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(e, dict) for e in value)
        and any(set(map(str, e)) & _DATED_KEYS for e in value)
    )


def wrap_dated(value: Any) -> Any:
    if is_dated_list(value):
        return value
    return [{"value": value, "plain": True}]


Band = tuple[Decimal, Decimal]
DatedDecimal = Annotated[tuple[DatedEntry[Decimal], ...], BeforeValidator(wrap_dated)]
DatedInt = Annotated[tuple[DatedEntry[int], ...], BeforeValidator(wrap_dated)]
DatedBands = Annotated[tuple[DatedEntry[tuple[Band, ...]], ...], BeforeValidator(wrap_dated)]
DatedShares = Annotated[tuple[DatedEntry[tuple[Decimal, ...]], ...], BeforeValidator(wrap_dated)]
DatedRates = Annotated[tuple[DatedEntry[dict[str, Decimal]], ...], BeforeValidator(wrap_dated)]


def _text(value: Any) -> Any:
    return {"zh": value} if isinstance(value, str) else value


class Text(StrictModel):
    """A name in Chinese and, optionally, English."""

    zh: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.zh


Name = Annotated[Text, BeforeValidator(_text)]


# --- header -----------------------------------------------------------------


class AppliesTo(StrictModel):
    posts: tuple[Post, ...] = ()
    region_types: tuple[RegionType, ...] = ()
    orgs: tuple[str, ...] = ()
    grades: tuple[Grade, ...] = ()


class Rounding(StrictModel):
    places: int = Field(default=2, ge=0, le=8)
    mode: RoundingMode = "half_up"


class Parameters(StrictModel):
    """Engine parameters the scheme supplies (FlowParams / QualityParams); omitted = engine default."""

    basis: DatedInt | None = None
    provision_rates: DatedRates | None = None
    vip_floors: DatedShares | None = None
    card_quality_weight: DatedDecimal | None = None
    active_txn_threshold: DatedInt | None = None
    pricing_tolerance: DatedDecimal | None = None
    expected_loss_rates: DatedRates | None = None
    default_expected_loss_rate: DatedDecimal | None = None
    capital_factors: DatedRates | None = None
    default_capital_factor: DatedDecimal | None = None
    hurdle_rate: DatedDecimal | None = None
    #: 000 风险调整后利润: 税费 as a share of income (spread profit + fee income)
    tax_rate: DatedDecimal | None = None


class Header(StrictModel):
    """The top level of a scheme file, its collections left for piecewise checking."""

    id: str
    version: int = Field(ge=1)
    name: Name
    memo: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    total: Literal["weighted", "sum"] = "weighted"
    #: what the total is in: points (分, the default) or yuan (元: 003's 总绩效 M + N)
    total_unit: Literal["points", "yuan"] = "points"
    periods: tuple[PeriodKindName, ...]
    #: the days a run's indicators cover: the period itself, or from 1 January to the period's end
    #: (003 第三十八条: pay settled each quarter on the year's figures so far)
    window: Literal["period", "year_to_date"] = "period"
    applies_to: AppliesTo = AppliesTo()
    rank_group: tuple[GroupKey, ...] = ("post",)
    rounding: Rounding = Rounding()
    parameters: Parameters = Parameters()
    constants: dict[str, Any] = {}
    inputs: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    dimensions: list[Any]
    adjustments: dict[str, Any] = {}
    variants: list[Any] = []
    #: per period kind, a change of the dimensions for runs of that kind (checked by ``load.check_cycles``)
    cycles: dict[str, Any] = {}
    #: checked by the section registered under ``pay`` (:mod:`rmperf.core.pay.section`)
    pay: Any = None


# --- inputs and custom indicators ---------------------------------------------------


def _input(value: Any) -> Any:
    if isinstance(value, str):
        code, _, category = value.partition(":")
        return {"indicator": code.strip(), "category": category.strip() or "all"}
    return value


class InputSpec(StrictModel):
    """An engine indicator by code and category, or a manual per-RM value (``manual: true``)."""

    indicator: str | None = None
    category: str = "all"
    manual: bool = False
    name: Name | None = None
    #: ``previous``: the period before the run's (a month, quarter, half or year earlier)
    period: Literal["current", "previous"] = "current"
    #: the RM's share of the group's total (贡献度): the RMs of the same team, sub-branch or branch
    share_of: Literal["team", "subbranch", "branch"] | None = None


InputField = Annotated[InputSpec, BeforeValidator(_input)]


def _custom(value: Any) -> Any:
    return {"formula": value} if isinstance(value, str) else value


class CustomSpec(StrictModel):
    formula: str
    name: Name | None = None
    unit: str | None = None


CustomField = Annotated[CustomSpec, BeforeValidator(_custom)]

# --- targets --------------------------------------------------------------------------


class AbsoluteTarget(StrictModel):
    kind: Literal["absolute"]
    value: DatedDecimal


class TableTarget(StrictModel):
    """A per-RM target from the run's uploaded targets table; ``optional``: a run without it only warns."""

    kind: Literal["table"]
    default: DatedDecimal | None = None
    optional: bool = False


class GrowthTarget(StrictModel):
    kind: Literal["growth"]
    rate: DatedDecimal


class DifferentialTarget(StrictModel):
    """级差地租 (000): ``base + factor × baseline``, baseline an input such as the RM's inherited book."""

    kind: Literal["differential"]
    base: DatedDecimal
    factor: DatedDecimal
    baseline: str


class GroupMeanTarget(StrictModel):
    """004 案例二 人均年模拟利润: the mean of the item's value over the RMs of the group (the item's ``group``,
    else the scheme's ``rank_group``), computed by the run."""

    kind: Literal["group_mean"]
    group: tuple[GroupKey, ...] | None = None


def _target(value: Any) -> Any:
    if isinstance(value, dict) and "kind" in value:
        return value
    return {"kind": "absolute", "value": value}


Target = Annotated[
    AbsoluteTarget | TableTarget | GrowthTarget | DifferentialTarget | GroupMeanTarget,
    Field(discriminator="kind"),
    BeforeValidator(_target),
]

# --- items ------------------------------------------------------------------------------

WhenMissing = Literal["zero", "full", "skip"]
Ties = Literal["min", "average", "dense"]
Basis = Literal["value", "ratio"]


class ItemBase(StrictModel):
    key: str
    name: Name
    input: str | None = None
    weight: DatedDecimal | None = None
    target: Target | None = None
    when_missing: WhenMissing = "zero"


class ItemCommon(ItemBase):
    """The fields every item has, checked on their own when the method is unknown."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class AchievementItem(ItemBase):
    method: Literal["achievement"]
    floor: DatedDecimal | None = None
    cap: DatedDecimal | None = None


class LinearItem(ItemBase):
    method: Literal["linear"]
    x0: DatedDecimal
    y0: DatedDecimal
    x1: DatedDecimal
    y1: DatedDecimal
    clamp: bool = True
    basis: Basis = "value"


class BandsItem(ItemBase):
    method: Literal["bands"]
    bands: DatedBands
    higher_is_better: bool = True
    basis: Basis = "value"


class ValueItem(ItemBase):
    method: Literal["value"]
    factor: DatedDecimal | None = None


class RankItem(ItemBase):
    method: Literal["rank"]
    higher_is_better: bool = True
    ties: Ties = "min"
    normalize: bool = False
    group: tuple[GroupKey, ...] | None = None


class CompositeRankItem(ItemBase):
    method: Literal["composite_rank"]
    contribution: DatedDecimal
    progress: DatedDecimal
    plan: DatedDecimal
    ties: Ties = "min"
    group: tuple[GroupKey, ...] | None = None


class DeductionItem(ItemBase):
    method: Literal["deduction"]
    per: DatedDecimal
    floor: DatedDecimal | None = None


class VetoItem(ItemBase):
    method: Literal["veto"]
    reason: Name | None = None


class PlusMinusPart(StrictModel):
    input: str
    per: DatedDecimal
    label: Name | None = None


class PlusMinusItem(ItemBase):
    method: Literal["plus_minus"]
    parts: tuple[PlusMinusPart, ...] = Field(min_length=1)
    cap: DatedDecimal | None = None
    floor: DatedDecimal | None = None


#: the forms of a ``rating`` item: 量表法, 强制分配法, 简单排序法, 一一比较法 (004 §4.3)
RatingForm = Literal["scale", "forced_distribution", "ranking", "paired"]
#: the ``criterion`` a form reads when the item does not name one (paired: the other RM's id, no prefix)
RATING_CRITERION_DEFAULT: dict[str, str | None] = {
    "scale": None,
    "forced_distribution": "grade",
    "ranking": "rank",
    "paired": None,
}


class RatingItem(ItemBase):
    method: Literal["rating"]
    form: RatingForm = "scale"
    scale_max: DatedDecimal | None = None
    criteria: dict[str, DatedDecimal] = {}
    raters: dict[RaterRole, DatedDecimal] = {}
    missing_raters: Literal["refuse", "renormalise"] = "refuse"
    #: the ratings rows' ``criterion``: forced_distribution ``grade``, ranking ``rank`` by default;
    #: paired: a prefix (``criterion: X`` → rows ``X:<other rm_id>``), none by default
    criterion: str | None = None
    distribution: DatedShares | None = None
    grade_shares: DatedShares | None = None
    group: tuple[GroupKey, ...] | None = None


Item = Annotated[
    AchievementItem
    | LinearItem
    | BandsItem
    | ValueItem
    | RankItem
    | CompositeRankItem
    | DeductionItem
    | VetoItem
    | PlusMinusItem
    | RatingItem,
    Field(discriminator="method"),
]

METHODS: tuple[str, ...] = (
    "achievement",
    "linear",
    "bands",
    "value",
    "rank",
    "composite_rank",
    "deduction",
    "veto",
    "plus_minus",
    "rating",
)
#: methods whose score does not depend on other RMs
RELATIVE_METHODS = frozenset({"rank", "composite_rank", "rating"})
#: methods that need a target
NEEDS_TARGET = frozenset({"achievement", "composite_rank"})
#: methods scored outside the weights (weight 0)
UNWEIGHTED_METHODS = frozenset({"veto", "plus_minus"})
TARGET_KINDS = ("absolute", "table", "growth", "differential", "group_mean")

register_tags([*METHODS, *TARGET_KINDS])


class DimensionShell(StrictModel):
    key: str
    name: Name
    weight: DatedDecimal | None = None
    factor: DatedDecimal | None = None
    #: False: scored and shown (pay may read its points) but not counted in the subtotal or the weights
    in_total: bool = True
    items: list[Any] = Field(min_length=1)


# --- adjustments and variants ----------------------------------------------------------------


class SplitAdjustment(StrictModel):
    qualitative: tuple[str, ...] = Field(min_length=1)
    share: DatedDecimal


class ExperienceAdjustment(StrictModel):
    input: str
    limit: DatedDecimal | None = None


class TeamAdjustment(StrictModel):
    share: DatedDecimal


class Adjustments(StrictModel):
    split: SplitAdjustment | None = None
    experience: ExperienceAdjustment | None = None
    team: TeamAdjustment | None = None


class When(StrictModel):
    posts: tuple[Post, ...] = ()
    region_types: tuple[RegionType, ...] = ()
    orgs: tuple[str, ...] = ()
    grades: tuple[Grade, ...] = ()
    period_kinds: tuple[PeriodKindName, ...] = ()


class VariantShell(StrictModel):
    key: str
    name: Name | None = None
    when: When
    set: dict[str, Any] = {}
    remove: tuple[str, ...] = ()
    add: dict[str, list[Any]] = {}
