"""Loading a scheme file (stage 1, raw → checked): every problem at once, each with file, key path and line.

The file is parsed (YAML, decimals exact), then each piece — the header, each
constant, input, custom indicator, dimension, item and variant — is validated
on its own with pydantic, so that a broken item does not hide the problems
of its neighbours. Cross-field rules follow: known indicator codes and names,
formulas (allow-list, unknown names, cycles), dated entries, method
parameters, and weights summing to 100 for the scheme and each variant on
every day a weight changes. The ``pay:`` section (薪酬规则) is checked key by
key the same way (by ``rmperf.core.pay.section``, through ``sections``). Any problem raises one :class:`SchemeError`
listing them all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path as FsPath
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from rmperf.contract import LOAN_GRADES
from rmperf.core import sections
from rmperf.core.indicators import SCHEME_CODES, InputKey
from rmperf.core.scheme import dated
from rmperf.core.scheme.errors import Path, PathElem, Problem, SchemeError, Word, format_path
from rmperf.core.scheme.formula import FUNCTIONS, Formula, compile_formula
from rmperf.core.scheme.model import (
    METHODS,
    NEEDS_TARGET,
    RATING_CRITERION_DEFAULT,
    TARGET_KINDS,
    UNWEIGHTED_METHODS,
    Adjustments,
    CompositeRankItem,
    CustomField,
    CustomSpec,
    DatedDecimal,
    DatedEntry,
    DifferentialTarget,
    DimensionShell,
    Header,
    InputField,
    InputSpec,
    Item,
    ItemCommon,
    PlusMinusItem,
    RatingItem,
    Text,
    VariantShell,
    When,
)
from rmperf.core.scheme.source import Document, parse

M = TypeVar("M")

KEY = re.compile(r"^[a-z][a-z0-9_]*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SCHEME_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
EXPERIENCE_LIMIT = Decimal("0.2")

_ITEM: TypeAdapter[Any] = TypeAdapter(Item)
_DATED_DECIMAL: TypeAdapter[Any] = TypeAdapter(tuple[DatedEntry[Decimal], ...])
_INPUT: TypeAdapter[Any] = TypeAdapter(InputField)
_DATED_DECIMAL_WRAPPED: TypeAdapter[Any] = TypeAdapter(DatedDecimal)
_CUSTOM: TypeAdapter[Any] = TypeAdapter(CustomField)

#: fields a variant may set on an item / on a dimension
ITEM_FIELDS_NOT_SETTABLE = ("key", "method")
DIMENSION_FIELDS_SETTABLE = ("weight", "factor", "name")

ItemModel = Any  # one of the item classes of ``model.Item``

#: rating forms scored within a rank group from rankings / comparisons (简单排序法, 一一比较法)
RANK_FORMS = ("ranking", "paired")
#: what those forms take besides the common item fields, and what they refuse
RANK_FORMS_TAKE = "raters, missing_raters, criterion, group"
RANK_FORMS_REFUSE = ("criteria", "scale_max", "distribution", "grade_shares")


#: names every formula may use, given by the run (not by the file): the days of the run's window
#: (``period_days``) and of its year (``year_days``, 365 or 366) — ``period_days / year_days`` is the share
#: of the year a year-to-date figure covers
BUILTINS = frozenset({"period_days", "year_days", "period_end_month"})


@dataclass(frozen=True)
class Input:
    """A named input: an engine indicator (code, category) or a manual per-RM value."""

    name: str
    indicator: str | None
    category: str
    manual: bool
    title: Text | None = None
    #: ``previous``: the value of the period before (a quarter's previous quarter: 002 客户满意度提升率)
    period: str = "current"
    #: the RM's share of the total of their ``team`` (or ``subbranch``, ``branch``): 贡献度 (001, 002 团队贡献度)
    share_of: str | None = None

    @property
    def key(self) -> InputKey:
        """The (code, category) the run's values give this input under (previous and share marked)."""
        assert self.indicator is not None
        category = self.category
        if self.period != "current":
            category += f"@{self.period}"
        if self.share_of is not None:
            category += f"@share_of={self.share_of}"
        return InputKey(self.indicator, category)


@dataclass(frozen=True)
class Custom:
    """A custom indicator: a compiled formula and the names it uses."""

    name: str
    formula: Formula
    title: Text | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Dimension:
    key: str
    name: Text
    weight: tuple[DatedEntry[Decimal], ...] | None
    factor: tuple[DatedEntry[Decimal], ...] | None
    items: tuple[ItemModel, ...]
    #: False: scored but left out of the subtotal (001's asset- and work-quality awards, read by pay)
    in_total: bool = True


@dataclass(frozen=True)
class Variant:
    key: str
    name: Text | None
    when: When
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class Scheme:
    """A checked scheme (方案): the header and its checked parts, ready to be resolved for a period."""

    source: str
    header: Header
    constants: Mapping[str, tuple[DatedEntry[Decimal], ...]]
    inputs: Mapping[str, Input]
    custom: Mapping[str, Custom]
    #: custom indicators in an order where each comes after those it uses
    custom_order: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    adjustments: Adjustments
    variants: tuple[Variant, ...] = ()
    text: str = field(default="", repr=False)
    #: the ``pay:`` section (薪酬规则), checked; None when the scheme has none
    pay: Any = None
    #: period kind → its dimensions and variants when the scheme's ``cycles`` change them (002 四(二):
    #: the monthly appraisal focuses on basic duties, the quarterly and annual ones add their own items)
    cycles: Mapping[str, tuple[tuple[Dimension, ...], tuple[Variant, ...]]] = field(default_factory=dict)

    def for_kind(self, kind: str) -> tuple[tuple[Dimension, ...], tuple[Variant, ...]]:
        """The dimensions and variants of a run of ``kind`` (month, quarter, half, year)."""
        return self.cycles.get(kind, (self.dimensions, self.variants))

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> int:
        return self.header.version

    @property
    def name(self) -> Text:
        return self.header.name


# --- entry points ----------------------------------------------------------------------


def load_file(path: str | FsPath, *, indicators: Collection[str] | None = None) -> Scheme:
    """Load and check the scheme file at ``path`` (UTF-8 YAML)."""
    p = FsPath(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemeError([Problem("scheme.file_unreadable", {"detail": str(error)}, (), str(p))]) from None
    return load_scheme(text, source=str(p), indicators=indicators)


def load_scheme(text: str, *, source: str = "<scheme>", indicators: Collection[str] | None = None) -> Scheme:
    """Check a scheme given as YAML text; raise :class:`SchemeError` with every problem found.

    ``indicators`` are the engine indicator codes a scheme may use (default: the
    catalogue's, :data:`rmperf.core.indicators.SCHEME_CODES`).
    """
    doc, problems = parse(text, source)
    if doc is None:
        raise SchemeError(problems)
    checker = _Checker(doc, frozenset(indicators) if indicators is not None else SCHEME_CODES)
    checker.problems.extend(problems)
    scheme = checker.run(text)
    if checker.problems or scheme is None:
        raise SchemeError(_ordered(checker.problems))
    return scheme


def _ordered(problems: Sequence[Problem]) -> list[Problem]:
    unique: dict[tuple[str, str, Path], Problem] = {}
    for p in problems:
        unique.setdefault((p.code, repr(sorted(p.params.items(), key=lambda kv: kv[0])), p.path), p)
    return sorted(unique.values(), key=lambda p: (p.line is None, p.line or 0))


# --- pydantic errors ----------------------------------------------------------------------

_NUMBER_ERRORS = {"decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number", "decimal_whole"}
_INT_ERRORS = {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}
_DATE_ERRORS = {"date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"}
_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "decimal_max_digits"}


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def translate_error(error: Mapping[str, Any]) -> tuple[str, dict[str, Any], tuple[PathElem, ...]]:
    """(code, params, extra path) for one pydantic error."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "scheme.missing", {}, ()
    if kind == "extra_forbidden":
        key = str(error["loc"][-1]) if error["loc"] else "?"
        if any(c in key for c in "()[]"):
            # ``{formula: min(a, b)}``: the comma ended the value inside a YAML flow mapping
            return "scheme.flow_comma", {"key": key}, ()
        return "scheme.unknown_key", {"key": key}, ()
    if kind in _NUMBER_ERRORS:
        return "scheme.not_number", {"value": _shown(value)}, ()
    if kind in _INT_ERRORS:
        return "scheme.not_int", {"value": _shown(value)}, ()
    if kind in _DATE_ERRORS:
        return "scheme.not_date", {"value": _shown(value)}, ()
    if kind in ("bool_parsing", "bool_type"):
        return "scheme.not_bool", {"value": _shown(value)}, ()
    if kind == "string_type":
        return "scheme.not_text", {}, ()
    if kind in ("list_type", "tuple_type", "iterable_type", "set_type"):
        return "scheme.not_list", {}, ()
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return "scheme.not_mapping_value", {}, ()
    if kind == "literal_error":
        return "scheme.not_allowed", {"value": _shown(value), "allowed": str(ctx.get("expected", ""))}, ()
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        disc = str(ctx.get("discriminator", "")).strip("'\"")
        tag = ctx.get("tag", "")
        if disc == "method":
            allowed = ", ".join(METHODS)
            if kind == "union_tag_not_found":
                return "scheme.method_missing", {"allowed": allowed}, (disc,)
            return "scheme.unknown_method", {"value": tag, "allowed": allowed}, (disc,)
        allowed = ", ".join(TARGET_KINDS)
        if kind == "union_tag_not_found":
            return "scheme.missing", {}, (disc,)
        return "scheme.unknown_target_kind", {"value": tag, "allowed": allowed}, (disc,)
    if kind == "too_short":
        return "scheme.too_short", {"min": ctx.get("min_length", 1)}, ()
    if kind in _RANGE_ERRORS:
        return "scheme.out_of_range", {"value": _shown(value), "detail": str(error.get("msg", ""))}, ()
    return "scheme.invalid", {"detail": str(error.get("msg", kind))}, ()


# --- the checker ------------------------------------------------------------------------------


class _Checker:
    def __init__(self, doc: Document, codes: frozenset[str]) -> None:
        self.doc = doc
        self.codes = codes
        self.problems: list[Problem] = []
        self.constants: dict[str, tuple[DatedEntry[Decimal], ...]] = {}
        self.inputs: dict[str, Input] = {}
        self.custom_specs: dict[str, CustomSpec] = {}
        self.custom: dict[str, Custom] = {}
        self.item_keys: dict[str, Path] = {}
        #: the scheme's own rating items (not a variant's), for ``check_rating_rows``
        self.rating_items: list[tuple[RatingItem, Path]] = []
        self.total = "weighted"
        #: names declared but broken (reported where declared; not reported again where used)
        self.broken: set[str] = set()
        self.valid_from: date | None = None

    # problems -------------------------------------------------------------------------------

    def add(self, msg: str, path: Path, /, **params: Any) -> None:
        self.problems.append(Problem(msg, params, path, self.doc.source, self.doc.line_of(path)))

    def validate(self, adapter: TypeAdapter[Any] | type[BaseModel], data: Any, prefix: Path) -> Any | None:
        """Validate ``data`` at ``prefix``; pydantic errors become problems; ``None`` when invalid."""
        try:
            if isinstance(adapter, TypeAdapter):
                return adapter.validate_python(data)
            return adapter.model_validate(data)
        except ValidationError as error:
            for e in error.errors():
                code, params, extra = translate_error(e)
                path = self.doc.resolve_path((*prefix, *e["loc"], *extra))
                self.problems.append(Problem(code, params, path, self.doc.source, self.doc.line_of(path)))
            return None

    def check_dated(self, entries: Sequence[DatedEntry[Any]] | None, path: Path) -> None:
        if not entries or (len(entries) == 1 and entries[0].plain):
            return
        for code, params, sub in dated.check(entries):
            self.add(code, (*path, *sub), **params)

    # the whole file ------------------------------------------------------------------------

    def run(self, text: str) -> Scheme | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.add("scheme.not_mapping", ())
            return None
        raw: dict[str, Any] = {str(k): v for k, v in data.items()}
        shell = {
            **raw,
            "constants": {},
            "inputs": {},
            "custom": {},
            "dimensions": [],
            "adjustments": {},
            "variants": [],
            "pay": None,
            "cycles": {},
        }
        for key in ("dimensions", "periods", "id", "version", "name"):
            if key not in raw:
                shell.pop(key, None)
        if isinstance(raw.get("id"), str) and not SCHEME_ID.match(raw["id"]):
            self.add("scheme.bad_id", ("id",), value=raw["id"])
        header: Header | None = self.validate(Header, shell, ())
        if header is not None:
            self.total = header.total
            self.valid_from = header.valid_from
            self.check_header(header)
        self.check_constants(raw.get("constants"))
        self.check_inputs(raw.get("inputs"))
        self.check_custom(raw.get("custom"))
        raw_dims = raw.get("dimensions")
        dims = self.check_dimensions(raw_dims, ("dimensions",))
        self.check_rating_rows()
        adjustments = self.check_adjustments(raw.get("adjustments"), dims)
        variants = self.check_variants(raw.get("variants"), raw_dims, dims)
        cycles = self.check_cycles(raw.get("cycles"), raw.get("variants"), raw_dims, dims, header)
        pay = sections.get("pay").check(self, raw.get("pay"), raw, header) if "pay" in raw else None
        if header is None or dims is None or adjustments is None or variants is None or self.problems:
            return None
        order = self.custom_order()
        return Scheme(
            self.doc.source,
            header,
            self.constants,
            dict(self.inputs),
            dict(self.custom),
            order,
            dims,
            adjustments,
            variants,
            text,
            pay,
            cycles,
        )

    def check_header(self, header: Header) -> None:
        if header.valid_from and header.valid_to and header.valid_to < header.valid_from:
            self.add("scheme.valid_range", ("valid_to",), to=header.valid_to, from_=header.valid_from)
        if not header.periods:
            self.add("scheme.too_short", ("periods",), min=1)
        for i, org in enumerate(header.applies_to.orgs):
            if not org.strip():
                self.add("scheme.empty_applies", ("applies_to", "orgs", i))
        self.check_parameters(header)

    def check_parameters(self, header: Header) -> None:
        params = header.parameters
        base: Path = ("parameters",)
        for name in type(params).model_fields:
            entries = getattr(params, name)
            if entries is None:
                continue
            path = (*base, name)
            self.check_dated(entries, path)
            for i, entry in enumerate(entries):
                at = path if entry.plain else (*path, i, "value")
                value = entry.value
                if name == "basis" and value not in (360, 365):
                    self.add("scheme.basis_value", at, value=value)
                elif name == "provision_rates":
                    if sorted(value) != sorted(LOAN_GRADES):
                        self.add("scheme.provision_grades", at, allowed=", ".join(LOAN_GRADES))
                    for grade, rate in value.items():
                        if not ZERO <= rate <= ONE:
                            self.add("scheme.share_range", (*at, grade), what=grade, value=rate)
                elif name == "vip_floors":
                    floors = list(value)
                    if not floors or any(f <= 0 for f in floors) or floors != sorted(set(floors), reverse=True):
                        self.add("scheme.vip_floors", at)
                elif name in ("expected_loss_rates", "capital_factors"):
                    for product, rate in value.items():
                        if rate < 0:
                            self.add("scheme.negative", (*at, product), what=product, value=rate)
                elif isinstance(value, Decimal | int) and value < 0:
                    self.add("scheme.negative", at, what=name, value=value)

    # names ---------------------------------------------------------------------------------

    def known_name(self, name: str) -> bool:
        return (
            name in BUILTINS
            or name in self.broken
            or name in self.inputs
            or name in self.custom_specs
            or name in self.constants
            or name in self.codes
        )

    def claim(self, name: str, what: str, path: Path, taken: dict[str, tuple[str, Path]]) -> bool:
        if not NAME.match(name):
            self.add("scheme.bad_key", path, value=name)
            return False
        if name in FUNCTIONS or name in BUILTINS:
            self.add("scheme.name_reserved", path, name=name)
            return False
        if name in taken:
            first_what, first_path = taken[name]
            if first_what == what:
                self.add("scheme.duplicate_id", path, what=_what(what), key=name, first=format_path(first_path))
            else:
                self.add("scheme.name_clash", path, name=name, first=_what(first_what), second=_what(what))
            return False
        taken[name] = (what, path)
        return True

    def check_constants(self, raw: Any) -> None:
        self._taken: dict[str, tuple[str, Path]] = {}
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.add("scheme.not_mapping_value", ("constants",))
            return
        for name, value in raw.items():
            path: Path = ("constants", str(name))
            if not self.claim(str(name), "constant", path, self._taken):
                continue
            entries = self.validate(_DATED_DECIMAL_WRAPPED, value, path)
            if entries is None:
                self.broken.add(str(name))
                continue
            self.check_dated(entries, path)
            self.constants[str(name)] = entries

    def check_inputs(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.add("scheme.not_mapping_value", ("inputs",))
            return
        for name, value in raw.items():
            path: Path = ("inputs", str(name))
            if not self.claim(str(name), "input", path, self._taken):
                continue
            spec: InputSpec | None = self.validate(_INPUT, value, path)
            self.broken.add(str(name))
            if spec is None:
                continue
            if spec.manual == (spec.indicator is not None):
                self.add("scheme.input_kind", path)
                continue
            if spec.indicator is not None and spec.indicator not in self.codes:
                at = path if isinstance(value, str) else (*path, "indicator")
                self.add("scheme.unknown_indicator", at, code=spec.indicator)
                continue
            if not spec.category.strip():
                self.add("scheme.blank_category", path if isinstance(value, str) else (*path, "category"))
                continue
            self.broken.discard(str(name))
            self.inputs[str(name)] = Input(
                str(name), spec.indicator, spec.category.strip(), spec.manual, spec.name, spec.period, spec.share_of
            )

    def check_custom(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.add("scheme.not_mapping_value", ("custom",))
            return
        for name, value in raw.items():
            path: Path = ("custom", str(name))
            if not self.claim(str(name), "custom", path, self._taken):
                continue
            spec: CustomSpec | None = self.validate(_CUSTOM, value, path)
            if spec is None:
                self.broken.add(str(name))
            else:
                self.custom_specs[str(name)] = spec
        for name, spec in self.custom_specs.items():
            formula = self.compile(spec.formula, ("custom", name, "formula"))
            if formula is not None:
                self.custom[name] = Custom(name, formula, spec.name, spec.unit)
        self.find_cycles()

    def compile(self, source: str, path: Path) -> Formula | None:
        formula, issues = compile_formula(source, self.known_name)
        for issue in issues:
            self.add(issue.code, path, **issue.params)
        if formula is not None:
            for used in formula.names:
                self.implicit_input(used)
        return formula

    def implicit_input(self, ref: str) -> bool:
        """Make sure ``ref`` (a name, an engine code or ``code:category``) is an input; False when unknown."""
        if ref in BUILTINS:
            return True
        if ref in self.inputs or ref in self.custom_specs or ref in self.constants or ref in self.broken:
            return True
        code, sep, category = ref.partition(":")
        code, category = code.strip(), category.strip()
        if code in self.codes and (not sep or category):
            self.inputs.setdefault(ref, Input(ref, code, category or "all", False))
            return True
        return False

    def find_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset[str]] = set()

        def visit(name: str, stack: list[str]) -> None:
            state[name] = 1
            stack.append(name)
            for dep in sorted(self.custom[name].formula.names):
                if dep not in self.custom:
                    continue
                if state.get(dep) == 1:
                    cycle = [*stack[stack.index(dep) :], dep]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        self.add("scheme.formula_cycle", ("custom", dep, "formula"), cycle=" → ".join(cycle))
                elif dep not in state:
                    visit(dep, stack)
            stack.pop()
            state[name] = 2

        for name in self.custom:
            if name not in state:
                visit(name, [])

    def custom_order(self) -> tuple[str, ...]:
        order: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            for dep in sorted(self.custom[name].formula.names):
                if dep in self.custom:
                    visit(dep)
            order.append(name)

        for name in self.custom:
            visit(name)
        return tuple(order)

    # dimensions and items ---------------------------------------------------------------------

    def check_dimensions(
        self, raw: Any, prefix: Path, *, variant: _VariantContext | None = None
    ) -> tuple[Dimension, ...] | None:
        if raw is None:
            if variant is None:
                self.add("scheme.missing", prefix)
            return None
        if not isinstance(raw, list):
            self.add("scheme.not_list", prefix)
            return None
        if not raw:
            self.add("scheme.too_short", prefix, min=1)
            return None
        dims: list[Dimension] = []
        ok = True
        dim_keys: dict[str, Path] = {}
        item_keys: dict[str, Path] = {}
        for i, raw_dim in enumerate(raw):
            path: Path = (*prefix, i)
            if not isinstance(raw_dim, dict):
                if variant is None:
                    self.add("scheme.not_mapping_value", path)
                ok = False
                continue
            if variant is None:
                self.check_key(raw_dim.get("key"), (*path, "key"), "dimension", dim_keys)
            raw_items = raw_dim.get("items")
            shell_data = {**raw_dim, "items": raw_items if isinstance(raw_items, list) else []}
            if "items" not in raw_dim:
                shell_data.pop("items")
            if variant is None:
                shell = self.validate(DimensionShell, shell_data, path)
            else:
                shell = self.quiet(DimensionShell, shell_data, variant.dimension_reporter(i))
            if shell is not None and variant is None:
                self.check_dated(shell.weight, (*path, "weight"))
                self.check_dated(shell.factor, (*path, "factor"))
            items: list[ItemModel] = []
            for j, raw_item in enumerate(raw_items if isinstance(raw_items, list) else []):
                item_path: Path = (*path, "items", j)
                report_path: Path | None = item_path
                if variant is not None:
                    report_path = variant.path_of_item(i, j)
                if isinstance(raw_item, dict) and report_path is not None:
                    key_path = (*report_path, "key") if variant is None else variant.field_path(report_path, "key")
                    self.check_key(raw_item.get("key"), key_path, "item", item_keys)
                elif isinstance(raw_item, dict) and isinstance(raw_item.get("key"), str):
                    item_keys.setdefault(raw_item["key"], item_path)
                if variant is None:
                    item = self.validate(_ITEM, raw_item, item_path)
                    if item is None and isinstance(raw_item, dict):
                        # an unknown method hides the other fields: check the common ones anyway
                        method = raw_item.get("method")
                        if method not in METHODS:
                            self.validate(ItemCommon, raw_item, item_path)
                        elif raw_item.get("weight") is None and _weighted(str(method)):
                            self.add("scheme.weight_required", (*item_path, "weight"))
                else:
                    item = self.quiet(_ITEM, raw_item, variant.item_reporter(i, j))
                if item is None:
                    ok = False
                    continue
                if report_path is not None:
                    self.check_item(item, report_path, variant)
                items.append(item)
            if shell is None:
                ok = False
                continue
            dims.append(Dimension(shell.key, shell.name, shell.weight, shell.factor, tuple(items), shell.in_total))
        self.check_weights(_raw_weights(raw), variant.path if variant else prefix, variant.key if variant else None)
        if not ok:
            return None
        return tuple(dims)

    def check_key(self, key: Any, path: Path | None, what: str, seen: dict[str, Path]) -> None:
        if not isinstance(key, str) or path is None:
            return  # a missing or non-text key is reported by the model
        if not KEY.match(key):
            self.add("scheme.bad_key", path, value=key)
        elif key in seen:
            self.add("scheme.duplicate_id", path, what=_what(what), key=key, first=format_path(seen[key]))
        seen.setdefault(key, path)

    def quiet(self, adapter: TypeAdapter[Any] | type[BaseModel], data: Any, reporter: _Reporter | None) -> Any | None:
        """Validate a piece of a variant; only errors the variant itself introduced are reported."""
        try:
            if isinstance(adapter, TypeAdapter):
                return adapter.validate_python(data)
            return adapter.model_validate(data)
        except ValidationError as error:
            if reporter is None:
                return None
            for e in error.errors():
                code, params, extra = translate_error(e)
                loc = (*e["loc"], *extra)
                path = reporter(loc)
                if path is None:
                    continue
                self.problems.append(Problem(code, params, path, self.doc.source, self.doc.line_of(path)))
            return None

    def check_item(self, item: ItemModel, path: Path, variant: _VariantContext | None) -> None:
        def at(*sub: PathElem) -> Path | None:
            return variant.field_path(path, *sub) if variant else (*path, *sub)

        def add(msg: str, where: Path | None, /, **params: Any) -> None:
            if where is not None:
                self.add(msg, where, **params)

        method = item.method
        if method not in ("rating", "plus_minus"):
            if item.input is None:
                add("scheme.input_required", at("input"), method=method)
            elif not self.implicit_input(item.input):
                add("scheme.unknown_input", at("input"), name=item.input)
        elif item.input is not None and not self.implicit_input(item.input):
            add("scheme.unknown_input", at("input"), name=item.input)
        weighted = _weighted(method)
        if weighted and item.weight is None:
            add("scheme.weight_required", at("weight"))
        if not weighted and item.weight is not None and any(e.value != 0 for e in item.weight):
            add("scheme.weight_not_zero", at("weight"), method=method)
        needs_target = method in NEEDS_TARGET or getattr(item, "basis", "value") == "ratio"
        if needs_target and item.target is None:
            add("scheme.needs_target", at("target"), method=method)
        if isinstance(item.target, DifferentialTarget) and not self.implicit_input(item.target.baseline):
            add("scheme.unknown_input", at("target", "baseline"), name=item.target.baseline)
        for sub, entries in dated_fields(item):
            where = at(*sub)
            if where is not None:
                self.check_dated(entries, where)
        self.check_method(item, at)
        if variant is None and isinstance(item, RatingItem):
            self.rating_items.append((item, path))

    def check_method(self, item: ItemModel, at: Callable[..., Path | None]) -> None:
        def add(msg: str, where: Path | None, /, **params: Any) -> None:
            if where is not None:
                self.add(msg, where, **params)

        method = item.method
        days = dated.change_days([e for _, e in dated_fields(item)])
        if method in ("achievement", "plus_minus") and item.floor is not None and item.cap is not None:
            for day in days:
                floor, cap = dated.in_force(item.floor, day), dated.in_force(item.cap, day)
                if floor is not None and cap is not None and floor.value > cap.value:
                    add("scheme.floor_cap", at("floor"), floor=floor.value, cap=cap.value)
                    break
        if method == "linear":
            for day in days:
                x0, x1 = dated.in_force(item.x0, day), dated.in_force(item.x1, day)
                if x0 is not None and x1 is not None and x0.value == x1.value:
                    add("scheme.linear_points", at("x1"), x=x0.value)
                    break
        if method == "bands":
            for i, entry in enumerate(item.bands):
                bounds = [b for b, _ in entry.value]
                if not bounds:
                    add("scheme.too_short", at("bands") if entry.plain else at("bands", i, "value"), min=1)
                dup = next((b for b in bounds if bounds.count(b) > 1), None)
                if dup is not None:
                    add("scheme.bands_order", at("bands") if entry.plain else at("bands", i, "value"), bound=dup)
        if method == "deduction":
            for i, entry in enumerate(item.per):
                if entry.value < 0:
                    add(
                        "scheme.negative",
                        at("per") if entry.plain else at("per", i, "value"),
                        what="per",
                        value=entry.value,
                    )
        if isinstance(item, CompositeRankItem):
            for day in days:
                parts = [dated.in_force(getattr(item, n), day) for n in ("contribution", "progress", "plan")]
                if all(e is not None for e in parts) and all(e.value == 0 for e in parts if e is not None):
                    add("scheme.weights_zero", at("contribution"))
                    break
            for name in ("contribution", "progress", "plan"):
                for i, entry in enumerate(getattr(item, name)):
                    if entry.value < 0:
                        add(
                            "scheme.negative",
                            at(name) if entry.plain else at(name, i, "value"),
                            what=name,
                            value=entry.value,
                        )
        if isinstance(item, PlusMinusItem):
            for i, part in enumerate(item.parts):
                if not self.implicit_input(part.input):
                    add("scheme.unknown_input", at("parts", i, "input"), name=part.input)
        if isinstance(item, RatingItem):
            self.check_rating(item, at, days)

    def check_rating(self, item: RatingItem, at: Callable[..., Path | None], days: list[date]) -> None:
        def add(msg: str, where: Path | None, /, **params: Any) -> None:
            if where is not None:
                self.add(msg, where, **params)

        if item.form == "scale" and not item.criteria:
            add("scheme.rating_criteria", at("criteria"))
        if item.form in ("scale", *RANK_FORMS) and not item.raters:
            add("scheme.missing", at("raters"))
        if item.form in RANK_FORMS:
            # 简单排序法 / 一一比较法: raters blended by role; no rating form, scale or distribution
            for param in RANK_FORMS_REFUSE:
                if param in item.model_fields_set:
                    add("scheme.rating_form_param", at(param), form=item.form, param=param, allowed=RANK_FORMS_TAKE)
            if item.criterion is not None and not item.criterion.strip():
                add("scheme.rating_criterion_blank", at("criterion"))
        for what, table, path in (("criteria", item.criteria, "criteria"), ("raters", item.raters, "raters")):
            if not table:
                continue
            for day in days:
                values = [dated.in_force(e, day) for e in table.values()]
                if any(v is None for v in values):
                    continue
                total = sum((v.value for v in values if v is not None), ZERO)
                if total != HUNDRED:
                    add("scheme.percent_sum", at(path), what=what, total=total)
                    break
        if item.distribution is not None:
            for i, entry in enumerate(item.distribution):
                total = sum(entry.value, ZERO)
                where = at("distribution") if entry.plain else at("distribution", i, "value")
                if total != HUNDRED:
                    add("scheme.percent_sum", where, what="distribution", total=total)
                if item.grade_shares is not None:
                    for shares in item.grade_shares:
                        if len(shares.value) != len(entry.value):
                            add(
                                "scheme.distribution_len",
                                at("grade_shares"),
                                shares=len(entry.value),
                                grades=len(shares.value),
                            )
                            break
        if item.scale_max is not None:
            for i, top in enumerate(item.scale_max):
                if top.value <= 0:
                    where = at("scale_max") if top.plain else at("scale_max", i, "value")
                    add("scheme.negative", where, what="scale_max", value=top.value)

    def check_rating_rows(self) -> None:
        """Two rating items of the scheme, one of them a ranking or paired comparison, must not read the same rows."""
        claimed: dict[tuple[str, str | None], tuple[str, str]] = {}  # rows → (item key, form)
        for item, path in self.rating_items:
            rows: list[tuple[str, str | None]]
            if item.form == "paired":
                rows = [("paired", item.criterion)]
            elif item.form == "scale":
                rows = [("criterion", name) for name in item.criteria]
            else:
                rows = [("criterion", item.criterion or RATING_CRITERION_DEFAULT[item.form])]
            for tag in rows:
                first = claimed.setdefault(tag, (item.key, item.form))
                if first[0] == item.key or not {first[1], item.form} & set(RANK_FORMS):
                    continue
                kind, criterion = tag
                if kind == "paired":
                    what = Word("scheme.rating_rows_paired_prefix", {"criterion": criterion})
                    if criterion is None:
                        what = Word("scheme.rating_rows_paired")
                else:
                    what = Word("scheme.rating_rows_criterion", {"criterion": criterion})
                where = (*path, "criterion") if "criterion" in item.model_fields_set else path
                self.add("scheme.rating_rows_shared", where, item=item.key, other=first[0], rows=what)

    def check_weights(self, rows: list[_WeightRow], path: Path, variant: str | None) -> None:
        """Items sum to their dimension's weight, dimensions to 100 (``total: weighted``), every day a weight changes.

        Computed from the raw weights, so a problem elsewhere in an item does not hide a wrong sum.
        A dimension with a weight that cannot be read is left out (that weight is reported where it
        is), and so is the check of the total.
        """
        if self.total != "weighted":
            return
        lists: list[tuple[DatedEntry[Decimal], ...] | None] = []
        for row in rows:
            lists.append(row.weight)
            lists.extend(row.items)
        days = dated.change_days(lists)
        if self.valid_from is not None:
            days = sorted({*(d for d in days if d >= self.valid_from), self.valid_from})
        reported: set[tuple[str, Decimal]] = set()
        all_readable = all(row.readable for row in rows)
        for day in days:
            when = {} if day == date.min else {"date": day}
            dim_totals: list[Decimal | None] = []
            for i, row in enumerate(rows):
                if not row.readable:
                    dim_totals.append(None)
                    continue
                in_force = [dated.in_force(w, day) for w in row.items if w is not None]
                if any(e is None for e in in_force):
                    dim_totals.append(None)
                    continue
                items_total = sum((e.value for e in in_force if e is not None), ZERO)
                if row.weight is None:
                    dim_totals.append(items_total)
                    continue
                dim_entry = dated.in_force(row.weight, day)
                if dim_entry is None:
                    dim_totals.append(None)
                    continue
                dim_totals.append(dim_entry.value)
                if items_total != dim_entry.value and (row.key, items_total) not in reported:
                    reported.add((row.key, items_total))
                    where = (*path, i, "weight") if variant is None else path
                    self.add(
                        "scheme.item_weights_sum",
                        where,
                        dimension=row.key,
                        total=items_total,
                        weight=dim_entry.value,
                        when=when_word(when),
                    )
            if not all_readable or any(v is None for v in dim_totals):
                continue
            total = sum((v for v in dim_totals if v is not None), ZERO)
            if total != HUNDRED and ("", total) not in reported:
                reported.add(("", total))
                self.add("scheme.weights_sum", path, total=total, when=when_word(when))

    # adjustments and variants ---------------------------------------------------------------

    def check_adjustments(self, raw: Any, dims: tuple[Dimension, ...] | None) -> Adjustments | None:
        adjustments: Adjustments | None = self.validate(Adjustments, raw or {}, ("adjustments",))
        if adjustments is None:
            return None
        base: Path = ("adjustments",)
        if adjustments.split is not None:
            keys = {d.key for d in dims or ()}
            for i, key in enumerate(adjustments.split.qualitative):
                if dims is not None and key not in keys:
                    self.add("scheme.unknown_dimension", (*base, "split", "qualitative", i), name=key)
            self.check_shares(adjustments.split.share, (*base, "split", "share"), "share")
        if adjustments.team is not None:
            self.check_shares(adjustments.team.share, (*base, "team", "share"), "share")
        if adjustments.experience is not None:
            exp = adjustments.experience
            if not self.implicit_input(exp.input):
                self.add("scheme.unknown_input", (*base, "experience", "input"), name=exp.input)
            if exp.limit is not None:
                self.check_dated(exp.limit, (*base, "experience", "limit"))
                for i, entry in enumerate(exp.limit):
                    if not ZERO <= entry.value <= EXPERIENCE_LIMIT:
                        where: Path = (*base, "experience", "limit") + (() if entry.plain else (i, "value"))
                        self.add("scheme.limit_range", where, value=entry.value)
        return adjustments

    def check_shares(self, entries: tuple[DatedEntry[Decimal], ...], path: Path, what: str) -> None:
        self.check_dated(entries, path)
        for i, entry in enumerate(entries):
            if not ZERO <= entry.value <= ONE:
                self.add(
                    "scheme.share_range", path if entry.plain else (*path, i, "value"), what=what, value=entry.value
                )

    def check_cycles(
        self, raw: Any, raw_variants: Any, raw_dims: Any, dims: tuple[Dimension, ...] | None, header: Header | None
    ) -> dict[str, tuple[tuple[Dimension, ...], tuple[Variant, ...]]]:
        """``cycles``: per period kind, a change of the scheme (``set`` / ``remove`` / ``add`` as a variant's,
        and whole dimensions removed) that applies to every RM of a run of that kind, before any variant.

        Each kind's dimensions are checked like a variant's (weights add up on every date), and so is
        every variant on top of them; a variant's change of an item the cycle removed does not apply.
        """
        out: dict[str, tuple[tuple[Dimension, ...], tuple[Variant, ...]]] = {}
        if raw is None:
            return out
        if not isinstance(raw, dict):
            self.add("scheme.not_mapping_value", ("cycles",))
            return out
        kinds = header.periods if header is not None else ()
        for kind, spec in raw.items():
            path: Path = ("cycles", str(kind))
            if header is not None and str(kind) not in kinds:
                self.add("scheme.cycle_kind", path, kind=str(kind), allowed=", ".join(kinds))
                continue
            if not isinstance(spec, dict):
                self.add("scheme.not_mapping_value", path)
                continue
            shell: VariantShell | None = self.validate(VariantShell, {**spec, "key": f"cycle_{kind}", "when": {}}, path)
            if shell is None or not isinstance(raw_dims, list) or dims is None:
                continue
            context = _VariantContext(self, shell, path)
            applied, paths_ok = context.apply(raw_dims)
            kind_dims = self.check_dimensions(applied, ("dimensions",), variant=context)
            if kind_dims is None or not paths_ok:
                continue
            kind_variants = self.check_variants(raw_variants, applied, kind_dims, lenient=True, kind=str(kind))
            if kind_variants is None:
                continue
            out[str(kind)] = (kind_dims, kind_variants)
        return out

    def check_variants(
        self,
        raw: Any,
        raw_dims: Any,
        dims: tuple[Dimension, ...] | None,
        *,
        lenient: bool = False,
        kind: str | None = None,
    ) -> tuple[Variant, ...] | None:
        """The variants, checked on ``raw_dims``; ``lenient`` (a cycle's dimensions): a path the cycle
        removed is left out rather than reported, and variants for other period kinds are skipped."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.add("scheme.not_list", ("variants",))
            return None
        out: list[Variant] = []
        ok = True
        keys: dict[str, Path] = {}
        for v, raw_variant in enumerate(raw):
            path: Path = ("variants", v)
            if not isinstance(raw_variant, dict):
                self.add("scheme.not_mapping_value", path)
                ok = False
                continue
            # ``when`` on its own, so that a bad condition does not hide the variant's other problems
            when: When | None = self.validate(When, raw_variant.get("when", {}), (*path, "when"))
            shell_data = {**raw_variant, "when": {}} if "when" in raw_variant else raw_variant
            shell: VariantShell | None = self.validate(VariantShell, shell_data, path)
            if shell is None:
                ok = False
                continue
            if when is None:
                ok = False
            else:
                shell = shell.model_copy(update={"when": when})
            if not KEY.match(shell.key):
                self.add("scheme.bad_key", (*path, "key"), value=shell.key)
            elif shell.key in keys:
                self.add(
                    "scheme.duplicate_id",
                    (*path, "key"),
                    what=_what("variant"),
                    key=shell.key,
                    first=format_path(keys[shell.key]),
                )
            keys.setdefault(shell.key, (*path, "key"))
            if not isinstance(raw_dims, list):
                ok = False
                continue
            if kind is not None and shell.when.period_kinds and kind not in shell.when.period_kinds:
                continue
            context = _VariantContext(self, shell, path, lenient=lenient)
            applied, paths_ok = context.apply(raw_dims)
            if dims is None:
                ok = False
                continue
            before = len(self.problems)
            variant_dims = self.check_dimensions(applied, ("dimensions",), variant=context)
            if variant_dims is None and len(self.problems) == before:
                # the variant broke a dimension in a way no single field shows: say which and why
                empty = [d.get("key") for d in applied if isinstance(d, dict) and not d.get("items")]
                for key in empty or ["?"]:
                    self.add("scheme.variant_empty_dimension", path, variant=shell.key, dimension=key)
            if variant_dims is None or not paths_ok:
                ok = False
                continue
            out.append(Variant(shell.key, shell.name, shell.when, variant_dims))
        return tuple(out) if ok else None


def keys_of(doc: Mapping[str, Any]) -> tuple[set[str] | None, set[str] | None, set[str] | None]:
    """Dimension keys, item keys (variants' added items too) and the keys of items with a target, from the raw file.

    ``None`` when the dimensions cannot be read (their problems are reported where they are).
    """
    raw_dims = doc.get("dimensions")
    if not isinstance(raw_dims, list):
        return None, None, None
    dims: set[str] = set()
    items: set[str] = set()
    targets: set[str] = set()

    def item(raw: Any) -> None:
        if isinstance(raw, dict) and isinstance(raw.get("key"), str):
            items.add(raw["key"])
            if raw.get("target") is not None:
                targets.add(raw["key"])

    for d in raw_dims:
        if isinstance(d, dict):
            if isinstance(d.get("key"), str):
                dims.add(d["key"])
            for it in d.get("items") or ():
                item(it)
    for v in doc.get("variants") or ():
        if not isinstance(v, dict):
            continue
        for added in (v.get("add") or {}).values():
            for it in added if isinstance(added, list) else ():
                item(it)
        for spec in v.get("set") or {}:
            parts = str(spec).split(".")
            if len(parts) == 3 and parts[2] == "target":
                targets.add(parts[1])
    return dims, items, targets


_Reporter = Callable[[tuple[PathElem, ...]], Path | None]


class _VariantContext:
    """Applies a variant's ``set`` / ``remove`` / ``add`` to the raw dimensions and maps problems back to it.

    After applying, item ``j`` of dimension ``i`` is either a base item (problems
    already reported at the base, except in fields the variant set) or an added
    item (problems reported at ``variants[v].add.<dim>[k]``).
    """

    def __init__(self, checker: _Checker, shell: VariantShell, path: Path, *, lenient: bool = False) -> None:
        self.checker = checker
        self.shell = shell
        self.path = path
        self.key = shell.key
        #: a variant applied on a cycle's dimensions: a path that cycle removed is skipped, not reported
        self.lenient = lenient
        #: the dimension keys after applying (whole dimensions may be removed)
        self.keys_after: list[Any] = []
        #: (dimension index, item index) after applying → origin
        self.origin: dict[tuple[int, int], tuple[str, Any]] = {}
        #: (dimension index, item index) → {field: set path}
        self.set_fields: dict[tuple[int, int], dict[str, Path]] = {}
        self.dim_set_fields: dict[int, dict[str, Path]] = {}

    def apply(self, raw_dims: list[Any]) -> tuple[list[Any], bool]:
        """The raw dimensions with the variant applied, and whether all of its paths were valid.

        Invalid paths are reported and left out; the valid changes are still applied, so
        that the problems of the changed items are found too.
        """
        dims = copy.deepcopy(raw_dims)
        ok = True
        index: dict[str, int] = {}
        for i, d in enumerate(dims):
            if isinstance(d, dict) and isinstance(d.get("key"), str):
                index[d["key"]] = i

        def find_item(dim_i: int, key: str) -> int | None:
            items = dims[dim_i].get("items")
            if not isinstance(items, list):
                return None
            for j, it in enumerate(items):
                if isinstance(it, dict) and it.get("key") == key:
                    return j
            return None

        # set
        pending_sets: list[tuple[int, str | None, str, Any, Path]] = []
        for spec, value in self.shell.set.items():
            where: Path = (*self.path, "set", spec)
            parts = spec.split(".")
            if len(parts) == 2 and parts[0] in index and parts[1] in DIMENSION_FIELDS_SETTABLE:
                pending_sets.append((index[parts[0]], None, parts[1], value, where))
                continue
            if len(parts) == 3 and parts[0] in index and find_item(index[parts[0]], parts[1]) is not None:
                if parts[2] in ITEM_FIELDS_NOT_SETTABLE:
                    allowed = "weight, target, when_missing, input, name, …"
                    self.checker.add("scheme.variant_field", where, field=parts[2], allowed=allowed)
                    ok = False
                    continue
                pending_sets.append((index[parts[0]], parts[1], parts[2], value, where))
                continue
            if self.lenient:
                continue
            if len(parts) == 2 and parts[0] in index:
                self.checker.add(
                    "scheme.variant_field", where, field=parts[1], allowed=", ".join(DIMENSION_FIELDS_SETTABLE)
                )
            else:
                self.checker.add("scheme.variant_path", where, path=spec)
            ok = False
        # remove: an item (``dimension.item``), or a whole dimension (``dimension``)
        removals: list[tuple[int, str]] = []
        dropped: set[int] = set()
        for r, spec in enumerate(self.shell.remove):
            parts = spec.split(".")
            if len(parts) == 2 and parts[0] in index and find_item(index[parts[0]], parts[1]) is not None:
                removals.append((index[parts[0]], parts[1]))
            elif len(parts) == 1 and parts[0] in index:
                dropped.add(index[parts[0]])
            elif not self.lenient:
                self.checker.add("scheme.variant_path", (*self.path, "remove", r), path=spec)
                ok = False
        # add
        additions: list[tuple[int, int, Any]] = []
        for dim_key, items in self.shell.add.items():
            if dim_key not in index:
                if not self.lenient:
                    self.checker.add("scheme.unknown_dimension", (*self.path, "add", dim_key), name=dim_key)
                    ok = False
                continue
            for k, item in enumerate(items):
                additions.append((index[dim_key], k, item))
        # apply, remembering where each resulting item came from
        for d in dims:
            raw_items = d.get("items") if isinstance(d, dict) else None
            if isinstance(raw_items, list):
                d["_origin"] = [("base", j) for j in range(len(raw_items))]
        for dim_i, item_key, fld, value, where in pending_sets:
            if item_key is None:
                dims[dim_i][fld] = value
                self.dim_set_fields.setdefault(dim_i, {})[fld] = where
            else:
                j = find_item(dim_i, item_key)
                assert j is not None
                dims[dim_i]["items"][j][fld] = value
                dims[dim_i].setdefault("_set", {}).setdefault(j, {})[fld] = where
        for dim_i, item_key in removals:
            j = find_item(dim_i, item_key)
            if j is not None:
                del dims[dim_i]["items"][j]
                del dims[dim_i]["_origin"][j]
                sets = dims[dim_i].get("_set", {})
                dims[dim_i]["_set"] = {(k if k < j else k - 1): v for k, v in sets.items() if k != j}
        for dim_i, k, item in additions:
            dims[dim_i]["items"].append(item)
            dims[dim_i]["_origin"].append(("add", k))
        for i, d in enumerate(dims):
            if not isinstance(d, dict):
                continue
            for j, origin in enumerate(d.pop("_origin", [])):
                self.origin[(i, j)] = (origin[0], origin[1])
            for j, fields in d.pop("_set", {}).items():
                self.set_fields[(i, j)] = fields
        self.keys_after = [d.get("key") if isinstance(d, dict) else None for d in dims]
        if dropped:  # whole dimensions removed: the later dimensions move up
            kept = [i for i in range(len(dims)) if i not in dropped]
            moved = {old: new for new, old in enumerate(kept)}
            self.origin = {(moved[i], j): o for (i, j), o in self.origin.items() if i in moved}
            self.set_fields = {(moved[i], j): f for (i, j), f in self.set_fields.items() if i in moved}
            self.dim_set_fields = {moved[i]: f for i, f in self.dim_set_fields.items() if i in moved}
            dims = [dims[i] for i in kept]
        self.keys_after = [d.get("key") if isinstance(d, dict) else None for d in dims]
        return dims, ok

    def dimension_reporter(self, i: int) -> _Reporter:
        fields = self.dim_set_fields.get(i, {})

        def report(loc: tuple[PathElem, ...]) -> Path | None:
            if loc and isinstance(loc[0], str) and loc[0] in fields:
                return self.checker.doc.resolve_path((*fields[loc[0]], *loc[1:]))
            return None

        return report

    def path_of_item(self, i: int, j: int) -> Path | None:
        """Where the item's own problems (duplicate key, unknown input) are reported: added items only."""
        origin = self.origin.get((i, j))
        if origin is None or origin[0] != "add":
            return (*self.path, "items", i, j) if (i, j) in self.set_fields else None
        return self._added_path(i, origin[1])

    def _added_path(self, i: int, k: int) -> Path:
        if i < len(self.keys_after) and self.keys_after[i] in self.shell.add:
            return (*self.path, "add", str(self.keys_after[i]), k)
        dim_key = next((key for key in self.shell.add if self._dim_index(key) == i), "?")
        return (*self.path, "add", dim_key, k)

    def _dim_index(self, key: str) -> int | None:
        raw = self.checker.doc.data.get("dimensions") if isinstance(self.checker.doc.data, dict) else None
        if not isinstance(raw, list):
            return None
        for i, d in enumerate(raw):
            if isinstance(d, dict) and d.get("key") == key:
                return i
        return None

    def field_path(self, item_path: Path, *sub: PathElem) -> Path | None:
        """The path to report a problem in ``sub`` of an item at ``item_path`` (from :meth:`path_of_item`)."""
        if item_path[len(self.path) : len(self.path) + 1] == ("add",):
            return self.checker.doc.resolve_path((*item_path, *sub))
        # a base item changed by ``set``: only the fields the variant set are its problems
        i, j = int(item_path[-2]), int(item_path[-1])
        fields = self.set_fields.get((i, j), {})
        if sub and isinstance(sub[0], str) and sub[0] in fields:
            return self.checker.doc.resolve_path((*fields[sub[0]], *sub[1:]))
        return None

    def item_reporter(self, i: int, j: int) -> _Reporter:
        origin = self.origin.get((i, j))

        def report(loc: tuple[PathElem, ...]) -> Path | None:
            if origin is not None and origin[0] == "add":
                return self.checker.doc.resolve_path((*self._added_path(i, origin[1]), *loc))
            fields = self.set_fields.get((i, j), {})
            # loc starts with the method tag; skip it
            rest = loc[1:] if loc and isinstance(loc[0], str) and loc[0] in METHODS else loc
            if rest and isinstance(rest[0], str) and rest[0] in fields:
                return self.checker.doc.resolve_path((*fields[rest[0]], *rest[1:]))
            return None

        return report


def _weighted(method: str) -> bool:
    """Methods scored within the weights (all but veto, plus-and-minus and plain values)."""
    return method not in UNWEIGHTED_METHODS and method != "value"


@dataclass(frozen=True)
class _WeightRow:
    key: str
    weight: tuple[DatedEntry[Decimal], ...] | None
    items: list[tuple[DatedEntry[Decimal], ...] | None]
    #: False when a weight of the dimension or its items cannot be read
    readable: bool = True


def _quiet_dated(value: Any) -> tuple[DatedEntry[Decimal], ...] | None:
    try:
        entries: tuple[DatedEntry[Decimal], ...] = _DATED_DECIMAL_WRAPPED.validate_python(value)
    except ValidationError:
        return None
    return entries


def _raw_weights(raw: list[Any]) -> list[_WeightRow]:
    """The weights of raw dimensions and items, each row marked unreadable when one of its weights is."""
    rows: list[_WeightRow] = []
    for dim in raw:
        if not isinstance(dim, dict):
            rows.append(_WeightRow("?", None, [], readable=False))
            continue
        if dim.get("in_total") is False:
            continue  # outside the total: its weights are not part of the 100
        readable = isinstance(dim.get("items"), list)
        weight = None
        if dim.get("weight") is not None:
            weight = _quiet_dated(dim["weight"])
            readable = readable and weight is not None
        items: list[tuple[DatedEntry[Decimal], ...] | None] = []
        for item in dim.get("items") or []:
            if not isinstance(item, dict):
                readable = False
                continue
            if not _weighted(str(item.get("method"))):
                items.append(None)
                continue
            entries = _quiet_dated(item["weight"]) if item.get("weight") is not None else None
            readable = readable and entries is not None
            items.append(entries)
        rows.append(_WeightRow(str(dim.get("key")), weight, items, readable))
    return rows


def when_word(params: Mapping[str, Any]) -> Word | str:
    return Word("scheme.when_from", params) if params else ""


def _what(kind: str) -> Word:
    code = {
        "dimension": "scheme.what_dimension",
        "item": "scheme.what_itemkey",
        "input": "scheme.what_input_name",
        "custom": "scheme.what_custom",
        "constant": "scheme.what_constant",
        "variant": "scheme.what_variant",
    }[kind]
    return Word(code)


def dated_fields(
    model: Any, prefix: tuple[PathElem, ...] = ()
) -> Iterator[tuple[tuple[PathElem, ...], tuple[DatedEntry[Any], ...]]]:
    """Every dated field of a model (recursively), with its path."""
    if not isinstance(model, BaseModel):
        return
    for name in type(model).model_fields:
        value = getattr(model, name)
        alias = type(model).model_fields[name].alias or name
        if isinstance(value, tuple) and value and all(isinstance(e, DatedEntry) for e in value):
            yield (*prefix, alias), value
        elif isinstance(value, BaseModel):
            yield from dated_fields(value, (*prefix, alias))
        elif isinstance(value, tuple):
            for i, v in enumerate(value):
                yield from dated_fields(v, (*prefix, alias, i))
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, tuple) and v and all(isinstance(e, DatedEntry) for e in v):
                    yield (*prefix, alias, k), v
