"""Uploaded per-RM tables (上传表): targets and manual values, parsed from rows already read.

The CLI or the web app reads the CSV/XLSX file (first sheet) into rows of
text; this module checks them against the plan and returns the mappings that
``evaluate`` takes. Columns:

- targets: ``rm_id``, ``item``, ``target``, optional ``period`` (a label such as
  ``2025-Q2``; empty = any period);
- values: ``rm_id``, ``input``, ``value``, optional ``period``.

Every problem is collected (with its line, counting the header as line 1) and
raised together as :class:`SchemeError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from rmperf.core.periods import Period
from rmperf.core.scheme.errors import Problem, SchemeError, Word
from rmperf.core.scheme.plan import Plan


def parse_targets(
    rows: Iterable[Mapping[str, object]], plan: Plan, *, source: str = "targets"
) -> dict[tuple[str, str], Decimal]:
    """(rm_id, item key) → target for the plan's period, from rows with ``rm_id, item, target[, period]``."""
    items = {i.key for i in plan.base.items} | {i.key for _, v in plan.variants for i in v.items}
    return _parse(rows, plan, source, "item", "target", items, Word("scheme.what_item"))


def parse_values(
    rows: Iterable[Mapping[str, object]], plan: Plan, *, source: str = "values"
) -> dict[str, dict[str, Decimal]]:
    """rm_id → input name → value for the plan's period, from rows with ``rm_id, input, value[, period]``."""
    flat = _parse(rows, plan, source, "input", "value", set(plan.manual_inputs), Word("scheme.what_input"))
    out: dict[str, dict[str, Decimal]] = {}
    for (rm_id, name), value in flat.items():
        out.setdefault(rm_id, {})[name] = value
    return out


def _parse(
    rows: Iterable[Mapping[str, object]],
    plan: Plan,
    source: str,
    key_column: str,
    value_column: str,
    known: set[str],
    what: Word,
) -> dict[tuple[str, str], Decimal]:
    label = plan.period_label
    problems: list[Problem] = []
    out: dict[tuple[str, str], Decimal] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    specific: set[tuple[str, str]] = set()
    header_checked = False
    for line, row in enumerate(rows, start=2):
        if not header_checked:
            header_checked = True
            missing = [c for c in ("rm_id", key_column, value_column) if c not in row]
            if missing:
                for column in missing:
                    problems.append(Problem("scheme.table_missing_column", {"column": column}, (), source, 1))
                break

        def cell(name: str, row: Mapping[str, object] = row) -> str:
            value = row.get(name)
            return "" if value is None else str(value).strip()

        rm_id, key, raw, period = cell("rm_id"), cell(key_column), cell(value_column), cell("period")
        bad = False
        for column, value in (("rm_id", rm_id), (key_column, key), (value_column, raw)):
            if not value:
                problems.append(Problem("scheme.table_blank", {"column": column}, (), source, line))
                bad = True
        if bad:
            continue
        if key not in known:
            params = {"column": key_column, "value": key, "what": what}
            problems.append(Problem("scheme.table_unknown_key", params, (), source, line))
            continue
        try:
            number = Decimal(raw.replace(",", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(Problem("scheme.table_number", {"value": raw}, (), source, line))
            continue
        if period:
            try:
                period = Period.parse(period).label
            except ValueError:
                problems.append(Problem("scheme.table_period", {"value": period}, (), source, line))
                continue
            if period != label:
                continue
        dup = (rm_id, key, period)
        if dup in first_line:
            params = {"key": f"{rm_id}/{key}/{period or '*'}", "first_line": first_line[dup]}
            problems.append(Problem("scheme.table_duplicate", params, (), source, line))
            continue
        first_line[dup] = line
        # a row for this very period wins over a row for any period
        if period:
            specific.add((rm_id, key))
            out[(rm_id, key)] = number
        elif (rm_id, key) not in specific:
            out[(rm_id, key)] = number
    if problems:
        raise SchemeError(problems)
    return out
