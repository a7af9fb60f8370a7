"""A run's results as JSON, CSV (and XLSX through ``rmperf.reports.xlsx``), its explanation and its diff.

The per-RM record of ``rmperf results``: ``rm_id``, ``name``, ``org_id``,
``post``, ``grade``, ``total_score``, ``rank``, ``group``, ``veto`` (and its
reason), ``dimensions`` (key → score) and ``indicators`` (item key → value,
target, score); decimals as strings.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rmperf.reports.units import exported, item_kind
from rmperf.runs.service import ranked
from rmperf.tabular import write_csv as write_table_csv


def record(payload: Mapping[str, Any], units: Mapping[str, str] | None = None, *, places: int = 2) -> dict[str, Any]:
    """The result record of one RM (from a stored payload).

    With ``units`` (``rmperf.reports.units.units_of_scheme``) each item's value and
    target carry the places of their unit (yuan to the fen, ratios to 6 places,
    other numbers to ``places`` at most); without, the exact stored text.
    """
    indicators: dict[str, Any] = {}
    traces = {str(v.get("name")): v for v in payload.get("values") or ()}
    for dim in payload["dimensions"]:
        for item in dim["items"]:
            target = item.get("target") or {}
            value, goal = item["value"], target.get("value")
            if units is not None:
                kind = item_kind(item, traces, units)
                value = exported(value, kind, places) if value is not None else None
                goal = exported(goal, kind, places) if goal is not None else None
            indicators[item["key"]] = {
                "name": item["name_zh"],
                "dimension": dim["key"],
                "value": value,
                "target": goal,
                "weight": item["weight"],
                "method": item["method"],
                "score": item["score"],
                "rank": item.get("rank"),
            }
    return {
        "rm_id": payload["rm_id"],
        "name": payload.get("name"),
        "org_id": payload["org_id"],
        "post": payload["post"],
        "grade": payload.get("grade"),
        "variant": payload.get("variant"),
        "total_score": payload["total"],
        "subtotal": payload["subtotal"],
        "rank": payload["rank"],
        "rank_n": payload["rank_n"],
        "group": payload["group"],
        "veto": payload["veto"],
        "veto_reason": payload.get("veto_reason"),
        "dimensions": {d["key"]: d["score"] for d in payload["dimensions"]},
        "indicators": indicators,
    }


def write_json(
    path: Path,
    meta: Mapping[str, Any],
    payloads: Sequence[Mapping[str, Any]],
    units: Mapping[str, str] | None = None,
    *,
    places: int = 2,
) -> None:
    data = {"run": dict(meta), "results": [record(p, units, places=places) for p in payloads]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def write_csv(
    path: Path, payloads: Sequence[Mapping[str, Any]], units: Mapping[str, str] | None = None, *, places: int = 2
) -> None:
    """One row per RM: the headline columns, then ``dim:<key>`` scores and ``<item>:value|target|score``.

    Values and targets carry the places of their unit when ``units`` are given (an export is
    read by people; the stored trace keeps the exact figures).
    """
    records = [record(p, units, places=places) for p in payloads]
    dims: list[str] = []
    items: list[str] = []
    for r in records:
        dims += [d for d in r["dimensions"] if d not in dims]
        items += [i for i in r["indicators"] if i not in items]
    head = ["rm_id", "name", "org_id", "post", "grade", "total_score", "rank", "group", "veto", "veto_reason"]
    columns = (
        head + [f"dim:{d}" for d in dims] + [f"{i}:{part}" for i in items for part in ("value", "target", "score")]
    )
    rows = []
    for r in records:
        row = [r[c] for c in head]
        row += [r["dimensions"].get(d, "") for d in dims]
        for i in items:
            ind = r["indicators"].get(i) or {}
            row += [ind.get("value") or "", ind.get("target") or "", ind.get("score") or ""]
        rows.append(row)
    write_table_csv(path, columns, rows)


# --- explanation ------------------------------------------------------------------------------------


def explain_lines(payload: Mapping[str, Any], lang: str = "zh", unit: str = "points") -> list[str]:
    """The whole trace of one RM, as text lines: values, items (target, rule, arithmetic), dimensions, total."""
    zh = lang == "zh"
    out: list[str] = []
    name = payload.get("name") or ""
    out.append(
        (f"客户经理 {payload['rm_id']} {name}  机构 {payload['org_id']}  岗位 {payload['post']}")
        if zh
        else f"RM {payload['rm_id']} {name}  org {payload['org_id']}  post {payload['post']}"
    )
    if payload.get("variant"):
        out.append(("适用差异化方案: " if zh else "variant: ") + str(payload["variant"]))
    out.append("")
    out.append("取数 / 自定义指标:" if zh else "inputs and custom indicators:")
    for v in payload["values"]:
        source = f"{v['indicator']}:{v['category']}" if v.get("indicator") else v["kind"]
        line = f"  {v['name']} = {v['value'] if v['value'] is not None else '—'}  ({source})"
        if v.get("formula"):
            line += f"  ⇐ {v['formula']}"
        out.append(line)
    for dim in payload["dimensions"]:
        out.append("")
        out.append(f"[{dim['key']}] {dim['name_zh']}  {'权重' if zh else 'weight'} {dim['weight']}  → {dim['score']}")
        for item in dim["items"]:
            out.append(f"  - {item['key']} {item['name_zh']}: {'指标值' if zh else 'value'} {item['value']}")
            target = item.get("target")
            if target:
                out.append(
                    f"      {'目标' if zh else 'target'} {target['value']} ({target['kind']}; "
                    f"{'自' if zh else 'from'} {target.get('from') or '—'}; {target.get('ref') or ''}) "
                    f"{target['formula']}"
                )
            weight_from = f" ({'自' if zh else 'from'} {item['weight_from']}; {item.get('weight_ref') or ''})"
            out.append(
                f"      {'计分方法' if zh else 'method'} {item['method']}, {'分值' if zh else 'weight'} "
                f"{item['weight']}{weight_from if item.get('weight_from') else ''}"
            )
            rank = f"  [{item['rank']}/{item['rank_n']} {item.get('group') or ''}]" if item.get("rank") else ""
            out.append(f"      {item['formula']}  ⇒ {item['score']}{rank}")
            for note in item.get("notes") or []:
                out.append(f"      ! {note_text(note, lang)}")
        out.append(f"  {dim['formula']}")
    out.append("")
    out.append(f"{'小计' if zh else 'subtotal'} {payload['subtotal']}")
    for adj in payload.get("adjustments") or []:
        out.append(f"{adj['kind']}: {adj['formula']}  ({adj['before']} → {adj['after']})")
    if payload["veto"]:
        out.append(("一票否决: " if zh else "veto: ") + str(payload.get("veto_reason") or ""))
    if unit == "yuan":
        total = f"{'总绩效' if zh else 'total pay'} {payload['total']} {'元' if zh else 'yuan'}"
    else:
        total = f"{'总分' if zh else 'total'} {payload['total']} {'分' if zh else 'points'}"
    out.append(f"{total}   {'排名' if zh else 'rank'} {payload['rank']}/{payload['rank_n']}  ({payload['group']})")
    for note in payload.get("notes") or []:
        out.append(f"! {note_text(note, lang)}")
    return out


def note_text(note: Mapping[str, Any], lang: str | None = None) -> str:
    """A stored result note (``{code, params}``) as a sentence in ``lang``."""
    from rmperf.i18n import t

    code, params = str(note.get("code")), dict(note.get("params") or {})
    try:
        return t(code, params, lang)
    except (KeyError, IndexError):
        return code


# --- diff ------------------------------------------------------------------------------------------------


def diff_runs(a: Any, b: Any, pa: Sequence[Mapping[str, Any]], pb: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What differs between two runs, and why: inputs, scheme, code; then per RM total, rank and items."""
    why: dict[str, Any] = {}
    if a.store_version != b.store_version or a.input_hash != b.input_hash:
        why["inputs"] = {
            "store_version": [a.store_version, b.store_version],
            "input_hash": [a.input_hash, b.input_hash],
            "uploads": [a.uploads, b.uploads] if a.uploads != b.uploads else None,
        }
    if a.scheme_hash != b.scheme_hash:
        why["scheme"] = {
            "id": [a.scheme_id, b.scheme_id],
            "version": [a.scheme_version, b.scheme_version],
            "diff": list(
                difflib.unified_diff(
                    a.scheme_text.splitlines(),
                    b.scheme_text.splitlines(),
                    f"run {a.pk}",
                    f"run {b.pk}",
                    lineterm="",
                )
            ),
        }
    if a.code_version != b.code_version:
        why["code"] = [a.code_version, b.code_version]
    if a.period != b.period:
        why["period"] = [a.period, b.period]
    ra = {p["rm_id"]: record(p) for p in pa}
    rb = {p["rm_id"]: record(p) for p in pb}
    changes = []
    for rm_id in sorted(set(ra) | set(rb)):
        x, y = ra.get(rm_id), rb.get(rm_id)
        if x is None or y is None:
            changes.append({"rm_id": rm_id, "only_in": "a" if y is None else "b"})
            continue
        items = {}
        for key in sorted(set(x["indicators"]) | set(y["indicators"])):
            ix, iy = x["indicators"].get(key), y["indicators"].get(key)
            if ix is None or iy is None:
                items[key] = {"a": ix and ix["score"], "b": iy and iy["score"]}
                continue
            diff = {f: [ix[f], iy[f]] for f in ("value", "target", "weight", "score") if ix[f] != iy[f]}
            if diff:
                items[key] = diff
        if x["total_score"] != y["total_score"] or x["rank"] != y["rank"] or items:
            changes.append(
                {
                    "rm_id": rm_id,
                    "total": [x["total_score"], y["total_score"]],
                    "rank": [x["rank"], y["rank"]],
                    "items": items,
                }
            )
    return {
        "runs": [a.pk, b.pk],
        "same_result": a.result_hash == b.result_hash,
        "why": why,
        "changed_rms": changes,
    }


def top(payloads: Sequence[Mapping[str, Any]], n: int = 5) -> list[Mapping[str, Any]]:
    """The first ``n`` of each rank group."""
    out: list[Mapping[str, Any]] = []
    seen: dict[str, int] = {}
    for p in ranked(payloads):
        seen[p["group"]] = seen.get(p["group"], 0) + 1
        if seen[p["group"]] <= n:
            out.append(p)
    return out
