"""The demo bank's plan (考核目标): the targets and manual values a bank would upload with a run.

A bank's performance office sets every RM's targets before the period and uploads the figures its
systems do not export (农户小额保险渗透率, 聚合支付商户新增数 …). The demo bank has neither, so the demo
writes them the way a well-run office would have set them: each RM's target is their own figure of the
period times a planning factor drawn between 0.95 and 1.35 (``TARGET_FACTOR``: offices set stretch
targets, so most RMs land a little short of their plan, some beat it and some miss it by a third), and an
RM whose figure is not positive gets the median plan of their colleagues (a plan they missed). The manual
values are drawn from plausible ranges. Everything is deterministic in the seed, so the demo's runs and
their result hashes are reproducible.
"""

from __future__ import annotations

import statistics
import zlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from rmperf.engine.backend import Backend
from rmperf.runs.service import Prepared, evaluate_inputs, gather
from rmperf.tabular import write_csv

#: plausible ranges of the manual inputs a shipped template reads, by name: (low, high, places)
MANUAL_RANGES: dict[str, tuple[str, str, int]] = {
    "insurance_penetration": ("0.30", "0.80", 4),  # 农户小额保险渗透率
    "new_merchants": ("2", "20", 0),  # 聚合支付商户新增数
    "agri_entity_filing": ("0.60", "1.00", 4),  # 新型农业经营主体建档率
}
#: the planning factor's range: a target is the RM's own figure times a draw in [low, high)
TARGET_FACTOR = (Decimal("0.95"), Decimal("1.35"))
#: 内外部检查扣分: most RMs have no finding; one in eight loses 1–3 points
INSPECTION = "inspection_points"


def _uniform(seed: int, *key: str) -> Decimal:
    """A deterministic draw in [0, 1) from the seed and a key (CRC-32, never Python's salted hash)."""
    text = "|".join((str(seed), *key)).encode("utf-8")
    return Decimal(zlib.crc32(text) % 1_000_000) / Decimal(1_000_000)


def _places(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def write_values(prepared: Prepared, rm_ids: list[str], seed: int, path: Path) -> Path | None:
    """The manual values of the plan's manual inputs (CSV ``rm_id, input, value``), or None when it has none."""
    names = [n for n in prepared.plan.manual_inputs if n in MANUAL_RANGES or n == INSPECTION]
    if not names:
        return None
    label = prepared.period.label
    rows = []
    for rm in rm_ids:
        for name in names:
            u = _uniform(seed, "value", label, rm, name)
            if name == INSPECTION:
                value = Decimal(1 + int(u * 24) % 3) if u < Decimal("0.125") else Decimal(0)
            else:
                low, high, places = MANUAL_RANGES[name]
                value = _places(Decimal(low) + (Decimal(high) - Decimal(low)) * u, places)
            rows.append((rm, name, value))
    write_csv(path, ["rm_id", "input", "value"], rows, bom=False)
    return path


def write_targets(backend: Backend, prepared: Prepared, seed: int, path: Path, values: Path | None) -> Path | None:
    """The targets of the plan's table-target items (CSV ``rm_id, item, target``), or None when it has none."""
    # every table target but the optional ones (an NPL reduction task is given only to the RMs who have NPLs)
    plan = prepared.plan
    optional = {
        i.key
        for i in (*plan.base.items, *(i for _, v in plan.variants for i in v.items))
        if i.target is not None and i.target.optional
    }
    keys = tuple(k for k in plan.table_targets if k not in optional)
    if not keys:
        return None
    inputs = gather(backend, prepared, values_file=values, check_targets=False)
    evaluation = evaluate_inputs(backend, prepared, inputs)
    label = prepared.period.label
    actual: dict[str, dict[str, Decimal]] = {key: {} for key in keys}
    for result in evaluation.results:
        items = result.items()
        for key in keys:
            item = items.get(key)
            if item is not None and item.value is not None:
                actual[key][result.rm_id] = item.value
    rows: list[tuple[str, str, Decimal]] = []
    for key in keys:
        positive = [v for v in actual[key].values() if v > 0]
        median = Decimal(statistics.median(positive)) if positive else Decimal(1)
        places = 4 if all(abs(v) <= 1 for v in actual[key].values()) else 2
        for result in evaluation.results:
            if key not in result.items():
                continue
            low, high = TARGET_FACTOR
            factor = low + (high - low) * _uniform(seed, "target", label, result.rm_id, key)
            own = actual[key].get(result.rm_id)
            base = own if own is not None and own > 0 else median
            target = _places(base * factor, places)
            if target > 0:
                rows.append((result.rm_id, key, target))
    write_csv(path, ["rm_id", "item", "target"], rows, bom=False)
    return path
