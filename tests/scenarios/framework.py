"""The machinery behind the YAML scenario tests: loading, the registry of kinds, comparing, reporting.

A scenario file is a YAML document a performance officer can read and sign::

    kind: method                 # what the cases exercise; see KINDS
    method: rank_score           # 排名得分 (kind-specific keys follow)
    title: …                     # one line saying what the file shows
    source: 001 表1-1             # the rule or worked example it comes from
    params: {…}                  # shared by every case (a case may override keys)
    cases:
      - name: …                  # one pytest item per case
        params: {…}
        given: {…}               # the inputs
        expected: {RM01: 10, …}  # per RM (or per grade): a number, or {score: …, rank: …, formula: …}
        # or, for a refusal:
        error: {code: …, message: …, details: [code, …]}
        precision: 2             # optional: compare after rounding half-up to 2 places

Numbers with a decimal point are read as ``Decimal`` (never float), so 4.7 in a
file is exactly 4.7. A key repeated in one mapping (an RM listed twice) is an
error, not a silent overwrite.

New kinds register here with :func:`register_kind` (the scheme runner will add
``kind: scheme`` cases that run a whole scheme on given rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from rmperf.core.scoring import ScoringError


class ScenarioError(Exception):
    """A scenario file that cannot be run as written (bad kind, missing key)."""


class ScenarioMismatch(AssertionError):
    """The computed results differ from the expected ones; the message is the report."""


# --- loading ------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads decimals as Decimal and refuses duplicate keys."""


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(None, None, f"not a decimal: {text!r}", node.start_mark) from None
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"not a finite number: {text!r}", node.start_mark)
    return value


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears more than once", key_node.start_mark
            )
        seen.add(key)
    return dict(yaml.SafeLoader.construct_mapping(loader, node, deep=True))


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(path: Path) -> dict[str, Any]:
    """Read a scenario file; every problem with its shape is a ScenarioError naming the file."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}: a scenario file is a mapping with kind and cases")
    kind = doc.get("kind")
    if kind not in KINDS:
        raise ScenarioError(f"{path}: kind {kind!r} is unknown; known kinds: {', '.join(sorted(KINDS))}")
    cases = doc.get("cases")
    if not isinstance(cases, list) or not cases:
        raise ScenarioError(f"{path}: cases must be a non-empty list")
    names: set[str] = set()
    for i, case in enumerate(cases):
        if not isinstance(case, dict) or not isinstance(case.get("name"), str):
            raise ScenarioError(f"{path}: cases[{i}] needs a name")
        if case["name"] in names:
            raise ScenarioError(f"{path}: case name {case['name']!r} is used twice")
        names.add(case["name"])
        if ("expected" in case) == ("error" in case):
            raise ScenarioError(f"{path}: case {case['name']!r} needs exactly one of expected and error")
    problems = KINDS[kind].check(doc)
    if problems:
        raise ScenarioError(f"{path}: " + "; ".join(problems))
    return doc


# --- kinds --------------------------------------------------------------------

#: key (an RM, a grade) → field → value, as computed
Results = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """How to check a file of this kind when collected, and run one of its cases."""

    check: Callable[[dict[str, Any]], list[str]]
    run: Callable[[dict[str, Any], dict[str, Any]], tuple[Results, str]]
    """(doc, case) → (results, primary field that a bare expected number is compared with)"""
    describe: Callable[[dict[str, Any]], str]


KINDS: dict[str, Kind] = {}


def register_kind(name: str, kind: Kind) -> None:
    KINDS[name] = kind


def merged_params(doc: Mapping[str, Any], case: Mapping[str, Any]) -> dict[str, Any]:
    return {**(doc.get("params") or {}), **(case.get("params") or {})}


# --- comparing and reporting ---------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if value is None:
        return "—"
    return str(value)


def _same(expected: Any, actual: Any, precision: int | None) -> tuple[bool, Any]:
    """Compare one field; numbers as Decimals (actual rounded half-up to ``precision`` when given)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual, actual
    if isinstance(expected, int | Decimal) and isinstance(actual, int | Decimal):
        shown = Decimal(actual)
        if precision is not None:
            shown = shown.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
        return Decimal(expected) == shown, shown
    return expected == actual, actual


def compare(case: Mapping[str, Any], results: Results, primary: str, precision: int | None, header: str) -> None:
    """Raise ScenarioMismatch with a table of expected vs actual when anything differs."""
    expected: Mapping[str, Any] = case["expected"]
    rows: list[tuple[str, str, str, str, bool]] = []
    ok = True
    for key in [*expected, *(k for k in results if k not in expected)]:
        if key not in expected:
            rows.append((str(key), primary, "(not expected)", _text(results[key].get(primary)), False))
            ok = False
            continue
        fields = expected[key] if isinstance(expected[key], dict) else {primary: expected[key]}
        for field, want in fields.items():
            if key not in results:
                rows.append((str(key), field, _text(want), "(missing)", False))
                ok = False
                continue
            if field not in results[key]:
                rows.append((str(key), field, _text(want), f"(no field {field})", False))
                ok = False
                continue
            same, shown = _same(want, results[key][field], precision)
            rows.append((str(key), field, _text(want), _text(shown), same))
            ok = ok and same
    if ok:
        return
    titles = ("key", "field", "expected", "actual")
    widths = [max(len(cells[i]) for cells in [titles, *(r[:4] for r in rows)]) for i in range(4)]
    lines = [header, ""]
    lines.append("  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True)))
    for *cells, same in rows:
        mark = "ok" if same else "✗ MISMATCH"
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + mark)
    formulas = [f"  {k}: {v['formula']}" for k, v in results.items() if v.get("formula")]
    if formulas:
        lines += ["", "arithmetic:", *formulas]
    raise ScenarioMismatch("\n".join(lines))


def compare_error(case: Mapping[str, Any], error: ScoringError | None, results: Results | None, header: str) -> None:
    """Check a refusal: the code, the Chinese (and English) message, the detail codes."""
    want: Mapping[str, Any] = case["error"]
    if error is None:
        shown = {k: _text(v.get("score", v)) for k, v in (results or {}).items()}
        raise ScenarioMismatch(f"{header}\n\nexpected refusal {want.get('code')}, but it computed: {shown}")
    problems: list[str] = []
    if want.get("code") != error.code:
        problems.append(f"code: expected {want.get('code')}, actual {error.code}")
    if "message" in want and want["message"] != error.render("zh"):
        problems.append(f"message: expected\n    {want['message']}\n  actual\n    {error.render('zh')}")
    if "message_en" in want and want["message_en"] != error.render("en"):
        problems.append(f"message_en: expected\n    {want['message_en']}\n  actual\n    {error.render('en')}")
    if "details" in want and list(want["details"]) != [d.code for d in error.details]:
        problems.append(f"details: expected {list(want['details'])}, actual {[d.code for d in error.details]}")
    if "params" in want:
        for name, value in want["params"].items():
            if _text(error.params.get(name)) != _text(value):
                problems.append(f"params.{name}: expected {_text(value)}, actual {_text(error.params.get(name))}")
    if problems:
        raise ScenarioMismatch("\n".join([header, "", *problems, "", f"message: {error.render('zh')}"]))


def run_case(doc: dict[str, Any], case: dict[str, Any], path: Path) -> None:
    kind = KINDS[doc["kind"]]
    header = f"scenario {path.name} › {case['name']}\n{kind.describe(doc)}"
    params = merged_params(doc, case)
    if params:
        header += "\nparams: " + ", ".join(f"{k}={_text(v)}" for k, v in params.items())
    precision = case.get("precision", doc.get("precision"))
    try:
        results, primary = kind.run(doc, case)
    except ScoringError as error:
        if "error" not in case:
            raise ScenarioMismatch(f"{header}\n\nrefused unexpectedly: {error.code}: {error.render('zh')}") from None
        compare_error(case, error, None, header)
        return
    if "error" in case:
        compare_error(case, None, results, header)
        return
    compare(case, results, primary, precision, header)
