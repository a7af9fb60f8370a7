"""``kind: scheme`` — a whole appraisal scheme on given rows: the officer's end-to-end check.

A file holds the scheme (inline YAML text, or ``template: <name>`` for a
shipped one), the period, and cases. ``given`` holds:

- ``rms``: per RM its post and, as needed, ``branch``, ``subbranch``,
  ``region_type``, ``grade``, ``team`` (the facts of ``managers``/``orgs``);
- ``values``: per RM the indicator rows the engine would give, as
  ``code:category: value`` (category ``all`` may be left out);
- optionally ``previous`` (the same for last year's period), ``targets``
  (``{RM: {item: target}}``), ``manual`` (``{RM: {input: value}}``),
  ``ratings`` (rows of the ``ratings`` table) and ``veto_reasons``.

The result per RM has the fields ``total`` (the primary one), ``rank``,
``veto``, ``subtotal``, ``variant``, ``dim:<key>`` and ``item:<key>``
(an item's score) and ``value:<key>`` (an item's value).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rmperf.core.periods import Period
from rmperf.core.scheme import RmContext, SchemeError, build_plan, evaluate, load_scheme, resolve
from rmperf.core.scoring import ScoringError
from tests.scenarios.framework import Kind, Results, register_kind
from tests.scenarios.methods import dec


def _scheme_text(doc: dict[str, Any]) -> str:
    if "template" in doc:
        from rmperf.schemes.templates import template_path

        return template_path(doc["template"]).read_text(encoding="utf-8")
    return str(doc["scheme"])


def check(doc: dict[str, Any]) -> list[str]:
    problems = []
    if ("scheme" in doc) == ("template" in doc):
        problems.append("a scheme scenario needs exactly one of scheme (YAML text) and template")
    if "period" not in doc:
        problems.append("a scheme scenario needs a period (2025-Q1, 2025 …)")
    for case in doc.get("cases", []):
        given = case.get("given") or {}
        if not isinstance(given.get("rms"), dict) or not given["rms"]:
            problems.append(f"case {case.get('name')!r}: given.rms lists the RMs")
    return problems


def _values(rows: dict[str, Any] | None) -> dict[str, dict[tuple[str, str], Decimal | None]]:
    out: dict[str, dict[tuple[str, str], Decimal | None]] = {}
    for rm, by_name in (rows or {}).items():
        row: dict[tuple[str, str], Decimal | None] = {}
        for name, value in by_name.items():
            code, _, category = str(name).partition(":")
            row[(code, category or "all")] = None if value is None else dec(value)
        out[str(rm)] = row
    return out


def evaluate_given(plan: Any, given: dict[str, Any]) -> Any:
    """Evaluate ``plan`` on a case's ``given`` block (rms, values, previous, targets, manual, ratings, veto_reasons)."""
    rms = [
        RmContext(
            rm_id=str(rm),
            post=str(facts["post"]),
            org_id=str(facts.get("org", facts.get("subbranch", ""))),
            region_type=facts.get("region_type"),
            branch=facts.get("branch"),
            subbranch=facts.get("subbranch"),
            grade=facts.get("grade"),
            team=facts.get("team"),
            name=facts.get("name"),
        )
        for rm, facts in given["rms"].items()
    ]
    targets = {
        (str(rm), str(item)): dec(v) for rm, row in (given.get("targets") or {}).items() for item, v in row.items()
    }
    manual = {str(rm): {str(k): dec(v) for k, v in row.items()} for rm, row in (given.get("manual") or {}).items()}
    return evaluate(
        plan,
        rms,
        _values(given.get("values")),
        previous=_values(given["previous"]) if "previous" in given else None,
        targets=targets or None,
        ratings=given.get("ratings"),
        manual=manual or None,
        veto_reasons=given.get("veto_reasons"),
    )


def run(doc: dict[str, Any], case: dict[str, Any]) -> tuple[Results, str]:
    try:
        scheme = load_scheme(_scheme_text(doc), source=str(doc.get("template", "scenario")))
        period = Period.parse(str(doc["period"]))
        plan = build_plan(resolve(scheme, period.start, period.end, period.kind, label=period.label))
        result = evaluate_given(plan, case["given"])
    except SchemeError as error:
        first = error.problems[0]
        cause = [first.cause] if isinstance(first.cause, ScoringError) else []  # e.g. why ratings were refused
        raise ScoringError(first.code, dict(first.params), cause) from None
    out: Results = {}
    for r in result.results:
        fields: dict[str, Any] = {
            "total": r.total,
            "subtotal": r.subtotal,
            "rank": r.rank,
            "veto": r.veto,
            "variant": r.variant,
            "formula": "; ".join(f"{i.key}: {i.formula}" for d in r.dimensions for i in d.items),
        }
        for d in r.dimensions:
            fields[f"dim:{d.key}"] = d.score
            for i in d.items:
                fields[f"item:{i.key}"] = i.score
                fields[f"value:{i.key}"] = i.value
        out[r.rm_id] = fields
    return out, "total"


def describe(doc: dict[str, Any]) -> str:
    what = f"template {doc['template']}" if "template" in doc else "inline scheme"
    return f"kind: scheme ({what}), period {doc.get('period')} — {doc.get('title', '')}"


register_kind("scheme", Kind(check, run, describe))
