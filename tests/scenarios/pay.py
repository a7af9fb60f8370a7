"""``kind: pay`` — a scheme's pay rules on given results: the officer's check of pay, to the fen.

A file holds the scheme (inline YAML text under ``scheme``, or ``template: <name>``), the
``period`` (``2025-Q2``, ``2007`` …) and cases. ``given`` holds:

- ``rms``: per RM its ``post`` and, as needed, ``grade``, ``branch``, ``subbranch``, ``org``;
- either ``results`` — per RM the figures of its appraisal result, written short::

      R1:
        total: 85                       # the total score (subtotal defaults to it)
        veto: false
        dimensions:
          development:                  # dimension key
            score: 37037.04             # optional: defaults to Σ item scores
            items:
              a1: 1000000               # an item's score, or {score, value, target}
              inclusive: {score: 8, value: 1200000, target: 1000000}

  — or ``values`` (with optional ``targets``, ``manual``, ``previous``, ``ratings``), which
  runs the whole scheme first exactly as ``kind: scheme`` does;
- optionally ``pools`` (``{org or bank: amount}``) and ``adjustments``
  (``{RM: {amount | share, reason, by}}``).

The result per RM has the fields ``gross`` (the primary one), ``performance``, the sum of
each component kind (``base``, ``allowance``, ``reward``, ``cut``, ``adjustment``, ``pool``,
and ``pay`` for kind performance), ``component:<label_zh>`` for each component's amount, and
``formula`` (every component's arithmetic). A refusal is compared by its code, message and
detail codes (``error:``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rmperf.core.pay.rules import Adjustment, PayLine, RmFacts, compute_pay
from rmperf.core.periods import Period
from rmperf.core.scheme import SchemeError, build_plan, load_scheme, resolve
from rmperf.core.scoring import ScoringError
from tests.scenarios.framework import Kind, Results, register_kind
from tests.scenarios.methods import dec
from tests.scenarios.schemes import _scheme_text, evaluate_given


def check(doc: dict[str, Any]) -> list[str]:
    problems = []
    if ("scheme" in doc) == ("template" in doc):
        problems.append("a pay scenario needs exactly one of scheme (YAML text) and template")
    if "period" not in doc:
        problems.append("a pay scenario needs a period (2025-Q1, 2025 …)")
    for case in doc.get("cases", []):
        given = case.get("given") or {}
        if not isinstance(given.get("rms"), dict) or not given["rms"]:
            problems.append(f"case {case.get('name')!r}: given.rms lists the RMs")
        if ("results" in given) == ("values" in given):
            problems.append(f"case {case.get('name')!r}: given needs exactly one of results and values")
    return problems


def _text(value: Any) -> str | None:
    return None if value is None else format(dec(value), "f")


def _result(rm: str, facts: dict[str, Any], short: dict[str, Any]) -> dict[str, Any]:
    """A ``RmResult.to_dict()``-shaped payload from the short form (decimals as text)."""
    dims = []
    for key, dim in (short.get("dimensions") or {}).items():
        items = []
        for item_key, item in (dim.get("items") or {}).items():
            full = item if isinstance(item, dict) else {"score": item}
            target = full.get("target")
            items.append(
                {
                    "key": str(item_key),
                    "name_zh": str(full.get("name", item_key)),
                    "score": _text(full.get("score", 0)),
                    "value": _text(full.get("value")),
                    "target": None if target is None else {"kind": "table", "value": _text(target)},
                }
            )
        score = dim.get("score")
        if score is None:
            score = sum((Decimal(i["score"]) for i in items), Decimal(0))
        dims.append({"key": str(key), "score": _text(score), "items": items})
    total = short.get("total", 0)
    return {
        "rm_id": rm,
        "org_id": str(facts.get("org", facts.get("subbranch", ""))),
        "post": str(facts.get("post", "")),
        "grade": facts.get("grade"),
        "dimensions": dims,
        "subtotal": _text(short.get("subtotal", total)),
        "total": _text(total),
        "veto": bool(short.get("veto", False)),
    }


def _evaluated(doc: dict[str, Any], given: dict[str, Any], plan: Any) -> list[dict[str, Any]]:
    return [r.to_dict() for r in evaluate_given(plan, given).results]


def fields(line: PayLine) -> dict[str, Any]:
    out: dict[str, Any] = {"gross": line.gross, "performance": line.performance}
    names = {"performance": "pay"}
    for kind in ("base", "performance", "allowance", "reward", "cut", "adjustment", "pool"):
        out[names.get(kind, kind)] = sum((c.amount for c in line.components if c.kind == kind), Decimal(0))
    for c in line.components:
        out[f"component:{c.label_zh}"] = c.amount
    out["formula"] = "; ".join(f"{c.label_zh}: {c.formula}" for c in line.components)
    out["notes"] = len(line.notes)
    return out


def run(doc: dict[str, Any], case: dict[str, Any]) -> tuple[Results, str]:
    given = case["given"]
    try:
        scheme = load_scheme(_scheme_text(doc), source=str(doc.get("template", "scenario")))
        period = Period.parse(str(doc["period"]))
        resolved = resolve(scheme, period.start, period.end, period.kind, label=period.label)
        if resolved.pay is None:
            raise ScoringError("scheme.missing", {})
        if "values" in given:
            results = _evaluated(doc, given, build_plan(resolved))
        else:
            results = [_result(str(rm), given["rms"][rm], short) for rm, short in given["results"].items()]
    except SchemeError as error:
        first = error.problems[0]
        raise ScoringError(first.code, dict(first.params)) from None
    rms = {
        str(rm): RmFacts(
            rm_id=str(rm),
            org_id=str(f.get("org", f.get("subbranch", ""))),
            post=str(f["post"]),
            subbranch=f.get("subbranch"),
            branch=f.get("branch"),
            grade=f.get("grade"),
        )
        for rm, f in given["rms"].items()
    }
    pools = {str(k): dec(v) for k, v in (given.get("pools") or {}).items()}
    adjustments = {
        str(rm): Adjustment(
            reason=str(a.get("reason", "")),
            by=str(a.get("by", "")),
            amount=None if a.get("amount") is None else dec(a["amount"]),
            share=None if a.get("share") is None else dec(a["share"]),
        )
        for rm, a in (given.get("adjustments") or {}).items()
    }
    lines = compute_pay(resolved.pay, results, rms, pools=pools or None, adjustments=adjustments or None)
    return {line.rm_id: fields(line) for line in lines}, "gross"


def describe(doc: dict[str, Any]) -> str:
    what = f"template {doc['template']}" if "template" in doc else "inline scheme"
    return f"kind: pay ({what}), period {doc.get('period')} — {doc.get('title', '')}"


register_kind("pay", Kind(check, run, describe))
