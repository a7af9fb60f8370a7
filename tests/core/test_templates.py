"""The scheme templates shipped with the product (rmperf.schemes.templates), against the seeds' own rules.

Each template is loaded, resolved for every period kind it declares, and its
weights are checked. Then each is evaluated on a small hand-built example:
the seeds give formulas but no worked figures (000–004 have no per-RM
example with numbers), so every expected figure below is computed BY HAND in
the comment above it, from the seed's rule and the template's stated choices
(docs/templates.md), never copied from the program's output. All Decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core.periods import Period
from rmperf.core.scheme import (
    Evaluation,
    Plan,
    RmContext,
    Scheme,
    SchemeError,
    build_plan,
    evaluate,
    load_file,
    resolve,
)
from rmperf.core.scheme.model import UNWEIGHTED_METHODS
from rmperf.schemes.templates import TEMPLATES_DIR, names, template_path

D = Decimal
TEMPLATES = (
    "corporate-ranking",
    "corporate-rap-000",
    "lecture-case",
    "lecture-case-profit",
    "retail-wealth-2007",
    "rural-2023",
    "scorecard-4-1",
)
#: a period of each kind, after every template's valid_from
SAMPLE = {"year": "2025", "half": "2025-H1", "quarter": "2025-Q2", "month": "2025-06"}
#: the seed each template reproduces, as its memo names it
SEED_OF = {
    "corporate-rap-000": "000",
    "corporate-ranking": "001",
    "scorecard-4-1": "001",
    "rural-2023": "002",
    "retail-wealth-2007": "003",
    "lecture-case": "004",
    "lecture-case-profit": "004",
}

Values = dict[str, dict[tuple[str, str], Decimal | None]]


def _load(name: str) -> Scheme:
    return load_file(template_path(name))


def _plan(name: str, label: str) -> Plan:
    period = Period.parse(label)
    return build_plan(resolve(_load(name), period.start, period.end, period.kind, label=label))


def _scenario(name: str) -> tuple[Plan, Evaluation]:
    """The plan and evaluation of a whole-template scenario (tests/scenarios/templates), from its first case."""
    from tests.scenarios.framework import load
    from tests.scenarios.schemes import evaluate_given

    doc = load(Path(__file__).parents[1] / "scenarios" / "templates" / name)
    plan = _plan(str(doc["template"]), str(doc["period"]))
    return plan, evaluate_given(plan, doc["cases"][0]["given"])


def _rm(rm_id: str, post: str, *, branch: str = "B1", region: str = "industrial_county") -> RmContext:
    return RmContext(
        rm_id,
        post,
        org_id=f"S-{branch}",
        org_path=("H", branch, f"S-{branch}"),
        region_type=region,
        branch=branch,
        subbranch=f"S-{branch}",
    )


def _scores(ev: Evaluation, rm_id: str) -> dict[str, Decimal]:
    return {i.key: i.score for d in ev.by_rm(rm_id).dimensions for i in d.items}


def _dims(ev: Evaluation, rm_id: str) -> dict[str, Decimal]:
    return {d.key: d.score for d in ev.by_rm(rm_id).dimensions}


# --- the package ------------------------------------------------------------------------------


def test_names_and_paths() -> None:
    assert names() == sorted(TEMPLATES)
    for name in TEMPLATES:
        path = template_path(name)
        assert path.parent == TEMPLATES_DIR
        assert path.is_file()
    with pytest.raises(KeyError, match="rural-2023"):
        template_path("no-such-template")


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_loads_and_names_its_seed(name: str) -> None:
    scheme = _load(name)  # SchemeError (every problem at once) if anything is wrong
    assert scheme.id == name
    assert scheme.header.memo is not None
    assert scheme.header.memo.startswith(SEED_OF[name])


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_resolves_for_its_period_kinds(name: str) -> None:
    scheme = _load(name)
    assert scheme.header.periods
    declared: set[str] = set(scheme.header.periods)
    for kind in sorted(declared):
        plan = _plan(name, SAMPLE[kind])
        assert plan.period_label == SAMPLE[kind]
    for other in sorted(set(SAMPLE) - declared):
        with pytest.raises(SchemeError):
            _plan(name, SAMPLE[other])


@pytest.mark.parametrize("name", TEMPLATES)
def test_weights_add_up(name: str) -> None:
    scheme = _load(name)
    for kind in scheme.header.periods:
        plan = _plan(name, SAMPLE[kind])
        variants = [plan.base, *(v for _, v in plan.variants)]
        for variant in variants:
            for dim in variant.dimensions:
                weighted = [i.weight for i in dim.items if i.method not in UNWEIGHTED_METHODS and i.method != "value"]
                if scheme.header.total == "weighted":
                    assert sum(weighted, D(0)) == dim.weight, (name, variant.key, dim.key)
            if scheme.header.total == "weighted":
                assert sum((d.weight for d in variant.dimensions), D(0)) == D(100), (name, variant.key)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_weight_names_its_source(name: str) -> None:
    """Every item weight is a dated entry with its own ref: the seed passage, or 模板取值 when the seed gives none."""
    scheme = _load(name)
    dims = [*scheme.dimensions, *(d for v in scheme.variants for d in v.dimensions)]
    for dim in dims:
        for item in dim.items:
            if item.weight is None:
                continue
            for entry in item.weight:
                assert entry.ref, (name, dim.key, item.key)
                assert entry.ref.startswith(SEED_OF[name]) or "模板取值" in entry.ref, (name, item.key, entry.ref)


def test_yaml_files_ship_with_the_package() -> None:
    """pyproject declares ``rmperf = ["**/*.yaml", …]`` as package data, which covers the templates."""
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    assert "**/*.yaml" in data["tool"]["setuptools"]["package-data"]["rmperf"]
    assert (TEMPLATES_DIR / "__init__.py").is_file()


# --- the seeds' own numbers, as the templates state them -----------------------------------------


def test_seed_numbers_in_force() -> None:
    """The figures the seeds do give, read back from the resolved templates."""
    rural = _plan("rural-2023", "2025-Q2")
    assert {d.key: d.weight for d in rural.base.dimensions} == {"basic": 15, "business": 45, "service": 20, "risk": 20}
    assert rural.parameters["pricing_tolerance"] == D("0.05")  # 002: 偏离度≤±5%
    npl = next(i for i in rural.base.items if i.key == "npl_new")
    assert npl.params["bands"] == ((D("0.03"), D(1)),)  # 002: 新放贷款不良率(≤3%)
    agri = {v.key: i.weight for _, v in rural.variants for i in v.items if i.key == "agri"}
    assert agri["agri_county"] == agri["corporate_agri_county"] == D(30)  # 002: 不低于30%

    wealth = _plan("retail-wealth-2007", "2007")
    factors = {i.key: i.params["factor"] for i in wealth.base.items}
    assert factors == {  # 003 附件4 调整系数
        "a1": D("0.5"),
        "a2": D("1.0"),
        "a3": D("0.8"),
        "a4": D(1),
        "b1": D("0.8"),
        "b2": D("0.8"),
        "c1": D("0.8"),
        "c2": D("0.1"),
        "c3": D("0.8"),
        "d": None,
        "f": None,
    }
    assert {d.key: d.factor for d in wealth.base.dimensions} == {"development": D("0.03"), "management": D("0.03")}
    constants = wealth.resolved.constants
    assert (constants["vip_top"], constants["vip_mid"], constants["vip_low"]) == (D(5000), D(3000), D(1000))
    assert (constants["card_price"], constants["card_cap"]) == (D(200), D(400000))
    assert (constants["active_block"], constants["active_price"]) == (D(50), D(5000))
    assert wealth.parameters["card_quality_weight"] == D("1.5")
    assert wealth.parameters["vip_floors"] == (D(500000), D(300000), D(100000))
    assert wealth.parameters["active_txn_threshold"] == 5

    case_one = _plan("lecture-case", "2025")
    assert {d.key: d.weight for d in case_one.base.dimensions} == {"profit": 40, "business": 30, "management": 30}
    assert case_one.resolved.adjustments.experience_limit == D("0.2")
    case_two = _plan("lecture-case-profit", "2025")
    assert case_two.base.items[0].weight == D(60)  # 004: × 100% × 60%


# --- rural-2023 (002) ----------------------------------------------------------------------------

_RURAL_KEYS = {
    "violation_points": ("violation_points", "all"),
    "violations": ("violations", "all"),
    "unrectified": ("unrectified_violations", "all"),
    "veto": ("veto", "all"),
    "attendance": ("attendance_rate", "all"),
    "tasks": ("task_completion_rate", "all"),
    "deposit_dai": ("daily_average_increment", "deposit"),
    "stickiness": ("deposit_stickiness", "all"),
    "inclusive": ("inclusive_loan_increment", "all"),
    "agri": ("agri_loan_increment", "all"),
    "pricing": ("pricing_compliance_rate", "all"),
    "first_time": ("first_time_borrower_share", "all"),
    "satisfaction": ("satisfaction", "all"),
    "response": ("response_hours", "all"),
    "resolution": ("resolution_rate", "all"),
    "recommendation": ("recommendation_rate", "all"),
    "villages": ("village_coverage", "all"),
    "npl_new": ("new_loan_npl_ratio", "all"),
    "checks": ("post_loan_check_rate", "all"),
    "npl_reduction": ("npl_reduction", "all"),
}


def _engine(keys: Mapping[str, tuple[str, str]], **values: str | None) -> dict[tuple[str, str], Decimal | None]:
    return {keys[k]: (None if v is None else D(v)) for k, v in values.items()}


def _rural() -> Evaluation:
    plan = _plan("rural-2023", "2025-Q2")
    rms = [
        _rm("R1", "retail"),  # industrial county: the scheme's own weights
        _rm("R2", "retail", region="agri_county"),  # variant agri_county (涉农贷款 30)
        _rm("R3", "corporate", branch="B2", region="urban"),  # variant corporate (first match, before urban)
        _rm("R4", "inclusive", branch="B2", region="urban"),  # variant urban; vetoed
    ]
    values: Values = {
        "R1": _engine(
            _RURAL_KEYS,
            violation_points="2",
            violations="2",
            unrectified="1",
            veto="0",
            attendance="0.95",
            tasks="0.9",
            deposit_dai="1500000",
            stickiness="0.1",
            inclusive="900000",
            agri="1200000",
            pricing="0.96",
            first_time="0.15",
            satisfaction="90",
            response="30",
            resolution="0.8",
            recommendation="0.7",
            villages="0.6",
            npl_new="0.02",
            checks="0.9",
            npl_reduction="300000",
        ),
        "R2": _engine(
            _RURAL_KEYS,
            violation_points="0",
            violations="0",
            unrectified="0",
            veto="0",
            attendance="1",
            tasks="1",
            deposit_dai="2000000",
            stickiness="0.25",
            inclusive="500000",
            agri="2400000",
            pricing=None,
            first_time="0.3",
            satisfaction="80",
            response="12",
            resolution="1",
            recommendation="0.5",
            villages="0.9",
            npl_new=None,
            checks=None,
            npl_reduction="0",
        ),
        "R3": _engine(
            _RURAL_KEYS,
            violation_points="7",
            violations="3",
            unrectified="0",
            veto="0",
            attendance="0.9",
            tasks="0.8",
            deposit_dai="-500000",
            stickiness="0.6",
            inclusive="2000000",
            agri="0",
            pricing="1",
            first_time="0.1",
            satisfaction="95",
            response="50",
            resolution="0.5",
            recommendation="0.9",
            villages="0",
            npl_new="0.05",
            checks="1",
            npl_reduction="1000000",
        ),
        "R4": _engine(
            _RURAL_KEYS,
            violation_points="10",
            violations="1",
            unrectified="1",
            veto="1",
            attendance="1",
            tasks="1",
            deposit_dai="2000000",
            stickiness="0",
            inclusive="1000000",
            agri="250000",
            pricing="1",
            first_time="0.2",
            satisfaction="100",
            response="10",
            resolution="1",
            recommendation="1",
            villages="1",
            npl_new="0",
            checks="1",
            npl_reduction="0",
        ),
    }
    manual = {
        "R1": {
            "insurance_penetration": D("0.3"),
            "new_merchants": D(12),
            "agri_entity_filing": D("0.5"),
            "inspection_points": D(1),
        },
        "R2": {"insurance_penetration": D("0.4"), "new_merchants": D(5), "agri_entity_filing": D("0.8")},
        "R3": {"new_merchants": D(0), "inspection_points": D(6)},
        "R4": {
            "insurance_penetration": D("0.4"),
            "new_merchants": D(10),
            "agri_entity_filing": D(1),
            "inspection_points": D(0),
        },
    }
    targets: dict[tuple[str, str], Decimal] = {}
    for rm, row in {
        "R1": {
            "deposit_dai": "2000000",
            "inclusive": "1000000",
            "agri": "1000000",
            "first_time": "0.2",
            "insurance": "0.4",
            "merchants": "10",
            "npl_reduction": "500000",
        },
        "R2": {
            "deposit_dai": "2000000",
            "inclusive": "1000000",
            "agri": "3000000",
            "first_time": "0.2",
            "insurance": "0.4",
            "merchants": "10",
        },  # no NPL to reduce: no npl_reduction target
        "R3": {
            "deposit_dai": "2000000",
            "inclusive": "1000000",
            "agri": "500000",
            "first_time": "0.2",
            "merchants": "10",
            "npl_reduction": "800000",
        },
        "R4": {
            "deposit_dai": "2000000",
            "inclusive": "1000000",
            "agri": "500000",
            "first_time": "0.2",
            "insurance": "0.4",
            "merchants": "10",
        },
    }.items():
        for item, target in row.items():
            targets[(rm, item)] = D(target)
    return evaluate(plan, rms, values, targets=targets, manual=manual)


def test_rural_2023_scheme_weights() -> None:
    """R1 (no variant), hand-computed with the scheme's own weights (002: 15 / 45 / 20 / 20).

    基础履职 15: 合规操作 max(6 − 1 × 2, 0) = 4; 整改完成率 (2 − 1) ÷ 2 = 0.5 → 3 × 0.5 = 1.5;
      考勤 3 × 0.95 = 2.85; 协作 3 × 0.9 = 2.7; 一票否决 0 → 4 + 1.5 + 2.85 + 2.7 = 11.05
    业务发展 45: 日均存款增量 10 × 1500000/2000000 = 7.5; 粘性 0.1 on the line (0, 1)–(0.5, 0):
      1 − 0.1/0.5 = 0.8 → 4 × 0.8 = 3.2; 普惠 8 × 0.9 = 7.2; 涉农 1200000/1000000 = 1.2 capped 1 → 8;
      定价 5 × 0.96 = 4.8; 首贷户占比 4 × 0.15/0.2 = 3; 保险渗透率 3 × 0.3/0.4 = 2.25; 商户 12/10 capped → 3
      → 7.5 + 3.2 + 7.2 + 8 + 4.8 + 3 + 2.25 + 3 = 38.95
    服务质量 20: 满意度 6 × 90/100 = 5.4; 响应 30 h ≤ 48 h → 0.5 × 2 = 1; 解决率 2 × 0.8 = 1.6;
      推荐 2 × 0.7 = 1.4; 行政村 5 × 0.6 = 3; 建档率 3 × 0.5 = 1.5 → 13.9
    风险管控 20: 新放贷款不良率 0.02 ≤ 0.03 → 6; 贷后检查 5 × 0.9 = 4.5; 不良压降 5 × 300000/500000 = 3;
      检查扣分 4 − 1 = 3 → 16.5
    total 11.05 + 38.95 + 13.9 + 16.5 = 80.40
    """
    ev = _rural()
    r1 = ev.by_rm("R1")
    assert r1.variant is None
    assert _dims(ev, "R1") == {"basic": D("11.05"), "business": D("38.95"), "service": D("13.90"), "risk": D("16.50")}
    s = _scores(ev, "R1")
    assert (s["compliance"], s["rectification"], s["stickiness"], s["response"]) == (D(4), D("1.5"), D("3.2"), D(1))
    assert (s["agri"], s["insurance"], s["npl_new"], s["inspections"]) == (D(8), D("2.25"), D(6), D(3))
    assert r1.total == D("80.40")
    assert not r1.veto


def test_rural_2023_agri_county_variant() -> None:
    """R2 in an agricultural county: 涉农贷款 weighs 30 of 100 (002 三(二): 不低于30%).

    基础履职: no finding → 6 + 3 (整改完成率 1: nothing to rectify) + 3 + 3 = 15
    业务发展 (variant weights 4/2/3/30/2/2/1/1): 存款 4 × 1 = 4; 粘性 1 − 0.25/0.5 = 0.5 → 2 × 0.5 = 1;
      普惠 3 × 0.5 = 1.5; 涉农 30 × 2400000/3000000 = 24; 定价 no new loan → full 2; 首贷 0.3/0.2 capped → 2;
      保险 1 × 1 = 1; 商户 1 × 5/10 = 0.5 → 36
    服务质量: 6 × 0.8 = 4.8; 12 h ≤ 24 h → 2; 2 × 1 = 2; 2 × 0.5 = 1; 5 × 0.9 = 4.5; 3 × 0.8 = 2.4 → 16.7
    风险管控: no new loan → 6; no check due → 5; no reduction target → 5; no finding uploaded → 4 → 20
    total 15 + 36 + 16.7 + 20 = 87.70; R2 outranks R1 (80.40) among retail RMs of branch B1
    """
    ev = _rural()
    r2 = ev.by_rm("R2")
    assert r2.variant == "agri_county"
    assert r2.item("agri").weight == D(30)
    assert _dims(ev, "R2") == {"basic": D(15), "business": D(36), "service": D("16.7"), "risk": D(20)}
    assert _scores(ev, "R2")["agri"] == D(24)
    assert r2.total == D("87.70")
    assert (r2.rank, r2.rank_n, ev.by_rm("R1").rank) == (1, 2, 2)


def test_rural_2023_post_variant_and_veto() -> None:
    """R3, corporate in an urban sub-branch, takes the corporate variant (the first that matches).

    Corporate: no 农户小额保险, 行政村走访, 新型农业经营主体建档; 存款 13, 满意度 10, 响应 4, 解决 3, 推荐 3.
    基础履职: max(6 − 7, 0) = 0; 整改 (3 − 0)/3 = 1 → 3; 3 × 0.9 = 2.7; 3 × 0.8 = 2.4 → 8.1
    业务发展: 存款 −500000/2000000 < 0 → floor 0; 粘性 0.6 held at 0.5 → 0; 普惠 capped → 8; 涉农 0;
      定价 5 × 1 = 5; 首贷 4 × 0.1/0.2 = 2; 商户 0 → 15
    服务质量: 10 × 0.95 = 9.5; 50 h > 48 h → 0; 3 × 0.5 = 1.5; 3 × 0.9 = 2.7 → 13.7
    风险管控: 0.05 > 0.03 → 0; 5 × 1 = 5; 1000000/800000 capped → 5; max(4 − 6, 0) = 0 → 10
    total 8.1 + 15 + 13.7 + 10 = 46.80

    R4, inclusive in an urban sub-branch (variant urban: 普惠 12, 涉农 4), has a veto finding:
    基础履职 0 + 0 + 3 + 3 = 6; 业务发展 10 + 4 + 12 + 4 × 0.5 + 5 + 4 + 3 + 3 = 43; 服务质量 20; 风险管控 20
    subtotal 89, total 0 (一票否决).
    """
    ev = _rural()
    r3 = ev.by_rm("R3")
    assert r3.variant == "corporate"
    keys = {i.key for d in r3.dimensions for i in d.items}
    assert not keys & {"insurance", "villages", "agri_entities"}
    assert _dims(ev, "R3") == {"basic": D("8.1"), "business": D(15), "service": D("13.7"), "risk": D(10)}
    assert r3.total == D("46.80")
    r4 = ev.by_rm("R4")
    assert r4.variant == "urban"
    assert (r4.item("inclusive").weight, r4.item("agri").weight) == (D(12), D(4))
    assert _dims(ev, "R4") == {"basic": D(6), "business": D(43), "service": D(20), "risk": D(20)}
    assert r4.subtotal == D(89)
    assert r4.veto
    assert r4.total == D(0)
    assert r4.veto_reason is not None
    assert "一票否决" in r4.veto_reason


# --- retail-wealth-2007 (003 附件4) -------------------------------------------------------------

_P = "deposit/customer_kind=personal"
_WEALTH_KEYS = {
    "sav_da": ("daily_average", _P),
    "sav_dai": ("daily_average_increment", _P),
    "sav_pi": ("point_increment", _P),
    "sav_acc": ("accumulated_balance", _P),
    "sav_ftp": ("ftp_profit", _P),
    "sav_pt": ("point_balance", _P),
    "wm_pt": ("point_balance", "wealth/customer_kind=personal"),
    "sav_base_pt": ("baseline_point", _P),
    "vip_all": ("new_vip_customers", "all"),
    "vip_500": ("new_vip_customers", "500000+"),
    "vip_300": ("new_vip_customers", "300000-500000"),
    "vip_100": ("new_vip_customers", "100000-300000"),
    "cards_all": ("cards_issued_weighted", "all"),
    "cards_credit": ("cards_issued_weighted", "credit"),
    "active": ("active_customers", "all"),
    "active_busy": ("active_customers_5plus", "all"),
}


# 003 附件4's worked example of two wealth RMs over 2007 is the scenario
# tests/scenarios/templates/retail-wealth-2007-003.yaml (run by pytest with the other scenarios).


def test_retail_wealth_2007_readings_of_003() -> None:
    """The readings of 003 附件4 the template takes (docs/decisions.md D147–D150), hand-computed for W3 in 2007:

    spread 100,000 × 365 ÷ 3,650,000,000 = 1 %.
    - 管理资产增量 is the increase of managed assets: (10,000,000 + 6,000,000) − (8,000,000 + 5,000,000) =
      3,000,000 (the literal "期末管理资产 − 年初储蓄时点" would be 8,000,000, the whole wealth stock counted as new);
      B2 = 3,000,000 × 1 % × 0.8 = 24,000.
    - A3 counts 含年内到期的理财销售额: (2,000,000 + 1,000,000 sold and matured) × 1 % × 0.8 = 24,000;
      B1 (个人时点增量) does not: 2,000,000 × 1 % × 0.8 = 16,000 — and both are paid, as 003 lists them
      (开发 for whoever developed the business, 管理 for the retail RM who manages it).
    - F pays 100 yuan per new active customer: 49 customers → 4,900 (not 0 for want of a whole block of 50).
    """
    plan = _plan("retail-wealth-2007", "2007")
    keys = _WEALTH_KEYS | {
        "wm_base_pt": ("baseline_point", "wealth/customer_kind=personal"),
        "wm_matured": ("wealth_matured_sales", "personal"),
    }
    values: Values = {
        "W3": _engine(
            keys,
            sav_acc="3650000000",
            sav_ftp="100000",
            sav_da="10000000",
            sav_dai="0",
            sav_pi="2000000",
            sav_pt="10000000",
            wm_pt="6000000",
            sav_base_pt="8000000",
            wm_base_pt="5000000",
            wm_matured="1000000",
            active="49",
            active_busy="0",
        )
    }
    ev = evaluate(plan, [_rm("W3", "retail")], values)
    w3 = _scores(ev, "W3")
    traces = {t.name: t.value for t in ev.by_rm("W3").values}
    assert traces["managed_inc"] == D(3000000)
    assert (w3["b2"], w3["a3"], w3["b1"], w3["f"]) == (D(24000), D(24000), D(16000), D(4900))
    assert w3["a1"] == D(50000)  # 10,000,000 × 1 % × 365/365 × 0.5


def test_retail_wealth_2007_does_not_apply_to_corporate_rms() -> None:
    plan = _plan("retail-wealth-2007", "2007")
    ev = evaluate(plan, [_rm("C1", "corporate")], {"C1": {}})
    assert ev.skipped == ("C1",)


# --- corporate-ranking (001 表1-1) ----------------------------------------------------------------


def test_corporate_ranking_pays_the_pool_by_the_individual_score() -> None:
    """001's worked example (表1-1, 2.1) is scored in tests/scenarios/templates/corporate-ranking-001.yaml; here
    the same four RMs, from that file's given block, are paid.

    001 gives no numbers for a, b, c or the item weights: the template's are all 1 (docs/templates.md)."""
    plan, ev = _scenario("corporate-ranking-001.yaml")
    assert ev.by_rm("C1").item("ib_dep").rank == 3  # no interbank deposits: ranks last
    for item in plan.base.items:
        if item.method == "composite_rank":
            assert (item.weight, *(item.params[p] for p in ("contribution", "progress", "plan"))) == (1, 1, 1, 1)

    # 001's 实得奖金 = 经营指标得奖数 ± 资产质量得奖数 + 效益指标得奖数 − 工作质量得奖数: branch B1's pool of
    # 10,000 by 个人分值 17/14/14 (单位提奖值 10000 ÷ 45): C1 3777.777… → 3777.78 (the fen left over goes to the
    # largest remainder), C2 and C3 3111.11 each; then ± 100 yuan a point: C1 + 300 − 300, C3 − 200 − 100.
    from rmperf.core.pay.rules import RmFacts, compute_pay

    facts = {rm: RmFacts(rm, f"S-{b}", "corporate", subbranch=f"S-{b}", branch=b) for rm, b in
             (("C1", "B1"), ("C2", "B1"), ("C3", "B1"), ("C4", "B2"))}  # fmt: skip
    assert plan.resolved.pay is not None
    lines = {
        line.rm_id: line
        for line in compute_pay(
            plan.resolved.pay, [r.to_dict() for r in ev.results], facts, pools={"B1": D(10000), "B2": D(1000)}
        )
    }
    assert {rm: line.gross for rm, line in lines.items()} == {
        "C1": D("3777.78"),
        "C2": D("3111.11"),
        "C3": D("2811.11"),
        "C4": D("1000.00"),
    }
    assert sum(c.amount for rm in ("C1", "C2", "C3") for c in lines[rm].component("pool")) == D("10000.00")
    c1 = {c.label_zh: c.amount for c in lines["C1"].components}
    assert c1["资产质量得奖数(±)"] == D("300.00")
    assert c1["工作质量得奖数(−)"] == D("-300.00")
    assert {c.kind for c in lines["C3"].components if c.amount < 0} == {"cut"}


# --- scorecard-4-1 (001 表4-1) ---------------------------------------------------------------------

_CARD_KEYS = {
    "dep_profit": ("ftp_profit", "deposit"),
    "loan_profit": ("ftp_profit", "loan"),
    "fees": ("fee_income", "all"),
    "new_customers": ("new_customers", "all"),
    "visits": ("visits", "all"),
    "churned": ("churned_customers", "all"),
    "satisfaction": ("satisfaction", "all"),
    "tasks": ("task_completion_rate", "all"),
    "attendance": ("attendance_rate", "all"),
}


def _scorecard(ratings: list[dict[str, Any]]) -> Evaluation:
    plan = _plan("scorecard-4-1", "2025-Q1")
    rms = [_rm("S1", "retail"), _rm("S2", "retail")]
    values: Values = {
        "S1": _engine(
            _CARD_KEYS,
            dep_profit="450000",
            loan_profit="600000",
            fees="80000",
            new_customers="8",
            visits="30",
            churned="2",
            satisfaction="88",
            tasks="0.9",
            attendance="1",
        ),
        "S2": _engine(
            _CARD_KEYS,
            dep_profit="250000",
            loan_profit="100000",
            fees="120000",
            new_customers="12",
            visits="40",
            churned="7",
            satisfaction="70",
            tasks="1",
            attendance="0.8",
        ),
    }
    targets = {
        ("S1", "deposits"): D(500000),
        ("S1", "loans"): D(500000),
        ("S1", "fees"): D(100000),
        ("S1", "new_customers"): D(10),
        ("S1", "visits"): D(40),
        ("S2", "deposits"): D(500000),
        ("S2", "loans"): D(400000),
        ("S2", "fees"): D(100000),
        ("S2", "new_customers"): D(10),
        ("S2", "visits"): D(40),
    }
    return evaluate(plan, rms, values, targets=targets, ratings=ratings)


def test_scorecard_4_1_quantitative_part() -> None:
    """001 表4-1 with 001's 70 / 30 split (经营绩效 50, 客户信息管理 20; three groups of 10).

    No ratings yet: the three qualitative items score 0 (with a note).
    S1 经营绩效: 存款 20 × 450000/500000 = 18; 贷款 600000/500000 capped → 20; 中间业务 10 × 0.8 = 8 → 46
       客户: 新客户 5 × 8/10 = 4; 走访 5 × 30/40 = 3.75; 流失 5 − 2 = 3; 满意度 5 × 0.88 = 4.4 → 15.15
       常规任务: 日常工作 4 × 0.9 = 3.6; 劳动纪律 3 × 1 = 3; 总结性工作 (no rating) 0 → 6.6
       total 46 + 15.15 + 6.6 + 0 + 0 = 67.75
    S2 经营绩效: 20 × 0.5 = 10; 20 × 0.25 = 5; 120000/100000 capped → 10 → 25
       客户: 12/10 capped → 5; 40/40 → 5; max(5 − 7, 0) = 0; 5 × 0.7 = 3.5 → 13.5
       常规任务: 4 × 1 = 4; 3 × 0.8 = 2.4; 0 → 6.4;  total 25 + 13.5 + 6.4 = 44.9
    """
    ev = _scorecard([])
    assert _dims(ev, "S1") == {
        "operating": 46,
        "customer": D("15.15"),
        "routine": D("6.6"),
        "research": 0,
        "communication": 0,
    }
    assert ev.by_rm("S1").total == D("67.75")
    assert _dims(ev, "S2") == {
        "operating": 25,
        "customer": D("13.5"),
        "routine": D("6.4"),
        "research": 0,
        "communication": 0,
    }
    assert ev.by_rm("S2").total == D("44.9")


def _rating_rows(rm: str, scores: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """Rows of the ratings table: role → criterion → score, one rater per role."""
    rows = []
    for role, by_criterion in scores.items():
        for criterion, score in by_criterion.items():
            rows.append(
                {
                    "period": "2025-Q1",
                    "rm_id": rm,
                    "rater_id": f"{rm}-{role}",
                    "rater_role": role,
                    "criterion": criterion,
                    "score": D(score),
                }
            )
    return rows


_SUMMARY = "总结性工作完成状况"
_RESEARCH = ("市场调研数量", "市场调研质量", "市场调研状况分析结果质量", "反馈、提出可行性意见状况")
_COMMS = ("与上下级沟通频率", "协调内部事务状况")


def test_scorecard_4_1_with_ratings() -> None:
    """The qualitative groups from the ratings table (1–5 scale; raters self 20 %, committee 50 %, department 30 %).

    S1 总结性工作: self 5, committee 4, department 4 → 0.2 × 5 + 0.5 × 4 + 0.3 × 4 = 4.2 → 4.2/5 × 3 = 2.52
       市场调研: self all 4 → 4; committee 5, 4, 4, 3 → 25% × 16 = 4; department all 3 → 3
         → 0.2 × 4 + 0.5 × 4 + 0.3 × 3 = 3.7 → 3.7/5 × 10 = 7.4
       内部沟通: self 5, 5 → 5; committee 4, 3 → 3.5; department 4, 4 → 4 → 1 + 1.75 + 1.2 = 3.95 → 7.9
       total 67.75 + 2.52 + 7.4 + 7.9 = 85.57
    S2 all 3 / all 2 / all 5 → 3/5 × 3 = 1.8, 2/5 × 10 = 4, 5/5 × 10 = 10; total 44.9 + 1.8 + 4 + 10 = 60.7
    """
    s1 = {
        "self": {_SUMMARY: 5, **dict.fromkeys(_RESEARCH, 4), **dict.fromkeys(_COMMS, 5)},
        "committee": {
            _SUMMARY: 4,
            **dict(zip(_RESEARCH, (5, 4, 4, 3), strict=True)),
            **dict(zip(_COMMS, (4, 3), strict=True)),
        },
        "department": {_SUMMARY: 4, **dict.fromkeys(_RESEARCH, 3), **dict.fromkeys(_COMMS, 4)},
    }
    s2 = {
        role: {_SUMMARY: 3, **dict.fromkeys(_RESEARCH, 2), **dict.fromkeys(_COMMS, 5)}
        for role in ("self", "committee", "department")
    }
    ev = _scorecard(_rating_rows("S1", s1) + _rating_rows("S2", s2))
    assert _scores(ev, "S1")["summary_work"] == D("2.52")
    assert _dims(ev, "S1")["research"] == D("7.4")
    assert _dims(ev, "S1")["communication"] == D("7.9")
    assert ev.by_rm("S1").total == D("85.57")
    assert ev.by_rm("S2").total == D("60.7")


# --- lecture-case (004 案例一) ---------------------------------------------------------------------


def test_lecture_case_one_refuses_an_experience_adjustment_beyond_its_range() -> None:
    """004 案例一 is scored in tests/scenarios/templates/lecture-case-004.yaml; its L3 asks k = 0.25, beyond ±0.2:
    no adjustment is made, and a note says why."""
    _, ev = _scenario("lecture-case-004.yaml")
    assert [a.kind for a in ev.by_rm("L1").adjustments] == ["experience"]
    r3 = ev.by_rm("L3")
    assert (r3.total, r3.adjustments) == (D(61), ())
    assert any(n.code == "scheme.note.experience_range" for n in r3.notes)


# --- lecture-case-profit (004 案例二) ---------------------------------------------------------------

_CASE2_KEYS = {
    "corp_dep": ("ftp_profit", "deposit/customer_kind=corporate"),
    "corp_loan": ("ftp_profit", "loan/customer_kind=corporate"),
    "fee_all": ("fee_income", "all"),
    "settlement": ("fee_income", "international_settlement"),
    "fx": ("fee_income", "fx"),
    "fx_trading": ("fee_income", "fx_trading"),
    "acceptance": ("fee_income", "acceptance"),
    "guarantee": ("fee_income", "guarantee"),
    "advisory": ("fee_income", "advisory"),
    "other_fee": ("fee_income", "other"),
    "provision": ("loan_loss_provision", "all"),
    "unpaid_net": ("unpaid_interest_net", "all"),
    "expenses_all": ("expenses", "all"),
    "marketing": ("expenses", "marketing"),
    "other_exp": ("expenses", "other"),
}


def test_lecture_case_two_simulated_profit_sheet() -> None:
    """004 案例二: 年总得分 = (增项 − 减项) ÷ 人均年模拟利润 × 100% × 60%.

    P1 1.1 本外币对公存款: 积数 3650000000 × (2.50% − 1.30%) ÷ 365 = 120000 (the engine's FTP profit)
       1.2 本外币对公贷款: 积数 7300000000 × (4.35% − 3.00%) ÷ 365 = 270000
       1.3–1.13: 国际结算 20000 + 结售汇 10000 + 外汇买卖 5000 + 银行承兑 30000 + 保函 15000 + 财务顾问 50000
         + 其他 10000 = 140000 (资产评估, 投资监理, 金融咨询, 政府贷款代理: none → 0)
       增项 120000 + 270000 + 140000 = 530000
       减项 2.1 呆帐准备金 50000 × 1 + 2.2 (15000 − 5000) × 1 + 2.3 营销费用 20000 + 2.4 其它 0 = 80000
       增额 − 减额 = 450000
    P2 增项 90000 + 200000 + 结售汇 10000 = 300000; 减项 40000 + (−5000) + 15000 + 10000 = 60000 → 240000
    P3 增项 50000 + 30000 + 0 = 80000; 减项 100000 + 20000 + 20000 + 0 = 140000 → −60000
    人均年模拟利润 (450000 + 240000 − 60000) ÷ 3 = 210000
    得分 P1 450000/210000 × 60 = 128.5714… → 128.57; P2 240000/210000 × 60 = 68.5714… → 68.57;
         P3 −60000/210000 × 60 = −17.1428… → −17.14
    """
    plan = _plan("lecture-case-profit", "2025")
    rms = [_rm("P1", "corporate"), _rm("P2", "corporate"), _rm("P3", "corporate")]
    values: Values = {
        "P1": _engine(
            _CASE2_KEYS,
            corp_dep="120000",
            corp_loan="270000",
            fee_all="140000",
            settlement="20000",
            fx="10000",
            fx_trading="5000",
            acceptance="30000",
            guarantee="15000",
            advisory="50000",
            other_fee="10000",
            provision="50000",
            unpaid_net="10000",
            expenses_all="20000",
            marketing="20000",
        ),
        "P2": _engine(
            _CASE2_KEYS,
            corp_dep="90000",
            corp_loan="200000",
            fee_all="10000",
            fx="10000",
            provision="40000",
            unpaid_net="-5000",
            expenses_all="25000",
            marketing="15000",
            other_exp="10000",
        ),
        "P3": _engine(
            _CASE2_KEYS,
            corp_dep="50000",
            corp_loan="30000",
            fee_all="0",
            provision="100000",
            unpaid_net="20000",
            expenses_all="20000",
            marketing="20000",
        ),
    }
    # the other 40 %: P1 lends 1,000,000 new against a target of 2,000,000 → 7 × 0.5 = 3.5; no new loan of any
    # RM is non-performing (full 7); satisfaction 90 → 6 × 0.9 = 5.4; the others have no figure (0)
    values["P1"] |= {("new_loans", "all"): D(1000000), ("new_loan_npl_ratio", "all"): D(0), ("satisfaction", "all"):
                     D(90)}  # fmt: skip
    targets = {("P1", "new_loans"): D(2000000)}
    ev = evaluate(plan, rms, values, targets=targets)
    traces = {t.name: t.value for t in ev.by_rm("P1").values}
    assert (traces["additions"], traces["deductions"], traces["net_profit"]) == (D(530000), D(80000), D(450000))
    assert ev.by_rm("P2").item("score").value == D(240000)
    assert ev.by_rm("P3").item("score").value == D(-60000)
    # 人均年模拟利润 is computed by the run over the comparison group (the same post in the same branch)
    mean = ev.by_rm("P1").item("score").target
    assert mean is not None
    assert (mean.kind, mean.value) == ("group_mean", D(210000))
    assert {rm: ev.by_rm(rm).item("score").score for rm in ("P1", "P2", "P3")} == {
        "P1": D("128.57"),
        "P2": D("68.57"),
        "P3": D("-17.14"),
    }
    assert _dims(ev, "P1") == {"simulated_profit": D("128.57"), "business": D("3.50"), "management": D("12.40")}
    assert ev.by_rm("P1").total == D("144.47")


def test_lecture_case_two_without_fees_table_is_missing_not_zero() -> None:
    """No fee figure at all (the fees table absent): the sheet cannot be completed; the score is 0 with a note."""
    plan = _plan("lecture-case-profit", "2025")
    values: Values = {
        "P1": _engine(_CASE2_KEYS, corp_dep="1", corp_loan="1", provision="0", unpaid_net="0", expenses_all="0")
    }
    ev = evaluate(plan, [_rm("P1", "corporate")], values)
    item = ev.by_rm("P1").item("score")
    assert item.value is None
    assert item.score == 0
    assert item.notes


# --- rural-2023's cycles (002 四(二) 动态化考核周期) and 不良率超标绩效倒扣 -------------------------------------------


def test_rural_monthly_appraisal_focuses_on_basic_duties_and_the_months_inclusive_loans() -> None:
    """002 四(二) 月度考核: 基础履职 40 (compliance 16, rectification 8, attendance 8, collaboration 8) and the
    month's business 60 (当月普惠贷款新增 36, 日均存款增量 24); no service or risk dimension; every RM alike.

    R1, 2025-05: no finding (16 + 3-finding-free rectification 8), attendance 0.95 → 7.6, tasks 0.9 → 7.2;
    the inclusive increment is 900,000 at the end of May and 600,000 at the end of April: this month's 300,000
    against a target of 400,000 → 0.75 × 36 = 27; the deposit increment 1,000,000 against 2,000,000 → 12.
    Total 16 + 8 + 7.6 + 7.2 + 27 + 12 = 77.80. In January the whole increment is the month's.
    """
    plan = _plan("rural-2023", "2025-05")
    assert [(d.key, d.weight) for d in plan.base.dimensions] == [("basic", 40), ("business", 60)]
    assert plan.variants == ()  # the variants are for the quarter and the year
    keys = _RURAL_KEYS | {"inclusive_prev": ("inclusive_loan_increment", "all@previous")}
    row = _engine(
        keys,
        violation_points="0",
        violations="0",
        unrectified="0",
        veto="0",
        attendance="0.95",
        tasks="0.9",
        deposit_dai="1000000",
        inclusive="900000",
        inclusive_prev="600000",
    )
    targets = {("R1", "inclusive"): D(400000), ("R1", "deposit_dai"): D(2000000)}
    ev = evaluate(plan, [_rm("R1", "corporate")], {"R1": row}, targets=targets)
    r1 = ev.by_rm("R1")
    assert r1.item("inclusive").value == D(300000)
    assert _scores(ev, "R1") == {
        "compliance": D("16.00"),
        "rectification": D("8.00"),
        "attendance": D("7.60"),
        "collaboration": D("7.20"),
        "veto": D("0.00"),
        "deposit_dai": D("12.00"),
        "inclusive": D("27.00"),
    }
    assert r1.total == D("77.80")
    january = _plan("rural-2023", "2025-01")
    ev = evaluate(january, [_rm("R1", "corporate")], {"R1": row}, targets=targets)
    assert ev.by_rm("R1").item("inclusive").value == D(900000)


def test_rural_quarter_scores_the_satisfaction_gain_and_the_year_its_strategic_shares() -> None:
    """季度: 客户满意度提升率 against a 5 % gain, or the satisfaction itself when higher: 90 after 85 (5.88 % → full
    6 points); 86 after 85 (1.18 % ÷ 5 % = 0.24 < 0.86 → 5.16); 70 after 60 (16.7 %: full, where the level alone
    gives 4.20); with no previous quarter, the satisfaction itself (90 ÷ 100 → 5.40).
    年度: 涉农贷款占比 and 普惠金融覆盖率 against their defaults (60 %, 50 %) and 团队贡献度 ranked in the team:
    R1 holds 1,500,000 of the team's 2,000,000 deposit increment → first of 2 → the whole point; R5 0.5.
    """
    quarter = _plan("rural-2023", "2025-Q2")
    keys = _RURAL_KEYS | {"satisfaction_prev": ("satisfaction", "all@previous")}
    rms = [_rm("R1", "retail"), _rm("R2", "retail"), _rm("R3", "retail"), _rm("R4", "retail")]
    values: Values = {
        "R1": _engine(keys, satisfaction="90", satisfaction_prev="85"),
        "R2": _engine(keys, satisfaction="86", satisfaction_prev="85"),
        "R3": _engine(keys, satisfaction="90"),
        "R4": _engine(keys, satisfaction="70", satisfaction_prev="60"),
    }
    ev = evaluate(quarter, rms, values, targets={(r.rm_id, k): D(1) for r in rms for k in quarter.required_targets})
    scores = [ev.by_rm(r).item("satisfaction").score for r in ("R1", "R2", "R3", "R4")]
    assert scores == [D("6.00"), D("5.16"), D("5.40"), D("6.00")]

    year = _plan("rural-2023", "2025")
    keys = _RURAL_KEYS | {
        "agri_share": ("agri_loan_share", "all"),
        "incl": ("inclusive_customers", "all"),
        "incl_loan": ("inclusive_customers", "with_loan"),
        "team": ("daily_average_increment", "deposit@share_of=team"),
    }
    r1 = replace(_rm("R1", "retail"), team="T1")
    r5 = replace(_rm("R5", "retail"), team="T1")
    values = {
        "R1": _engine(keys, agri_share="0.45", incl="20", incl_loan="12", team="0.75"),
        "R5": _engine(keys, agri_share="0.70", incl="0", team="0.25"),
    }
    ev = evaluate(year, [r1, r5], values, targets={(r, k): D(1) for r in ("R1", "R5") for k in year.required_targets})
    one, five = ev.by_rm("R1"), ev.by_rm("R5")
    assert one.item("agri").score == D("6.00")  # 0.45 ÷ 0.6 × 8
    assert five.item("agri").score == D("8.00")  # capped at the weight
    assert one.item("inclusive").score == D("8.00")  # 12 ÷ 20 = 0.6 ≥ 0.5
    assert five.item("inclusive").value == D(1)  # no inclusive customer to cover: covered
    assert (one.item("team_contribution").score, five.item("team_contribution").score) == (D("1.00"), D("0.50"))


def test_rural_npl_overrun_takes_performance_pay_beyond_the_risk_points() -> None:
    """002 四(一)4 不良率超标实行绩效倒扣: each point of new-loan NPL above 3 % takes 10 % of the cycle's pay.

    A quarter pays 60,000 × 40 % ÷ 4 × score ÷ 100; at 80 points 4,800. New-loan NPL 5.5 %: 2.5 points above
    → 25 % → −1,200 (the risk item's 6 points are lost too, in the score). At 15 % it would take 120 %: only
    the 4,800 itself.
    """
    from rmperf.core.pay.rules import RmFacts, compute_pay

    pay = _plan("rural-2023", "2025-Q2").resolved.pay
    assert pay is not None

    def line(npl: str) -> dict[str, Decimal]:
        result = {
            "rm_id": "R1",
            "total": "80",
            "subtotal": "80",
            "veto": False,
            "dimensions": [],
            "values": [{"name": "npl_excess_points", "value": npl}],
        }
        (out,) = compute_pay(pay, [result], {"R1": RmFacts("R1", "S", "retail")})
        return {c.label_zh: c.amount for c in out.components}

    assert line("2.5")["不良率超标绩效倒扣"] == D("-1200.00")
    assert line("12")["不良率超标绩效倒扣"] == D("-4800.00")
    assert line("0")["不良率超标绩效倒扣"] == D("0.00")


# --- corporate-rap-000 (000: 风险调整后利润, 级差地租) -------------------------------------------------------------


def test_000_differential_targets_put_a_big_and_a_small_inherited_book_on_one_starting_line() -> None:
    """000 三1 级差地租: the same risk-adjusted profit of 180,000 in 2025-Q2 (91 days), against
    50,000 + 0.4 % × the year-start daily average prorated to the quarter:

    - C1 inherited a book of 100,000,000: 100,000,000 × 91 ÷ 365 = 24,931,506.85 → target 149,726.03,
      achievement 1.2022 → 50 × 1.2022 = 60.11;
    - C2 inherited 10,000,000: 2,493,150.68 → target 59,972.60, achievement 3.0, capped at 150 % → 75.00.

    RAROC 3 % for the quarter is 12.03 % a year (≥ 10 %: 20); new-loan NPL 2 % (≤ 3 %: 12); checks 90 % → 7.2;
    2 violation points → 8. C1 60.11 + 20 + 12 + 7.2 + 8 = 107.31; C2 122.20. Pay: 100 yuan a point.
    """
    plan = _plan("corporate-rap-000", "2025-Q2")
    keys = {
        "rap": ("risk_adjusted_profit", "all"),
        "raroc": ("raroc", "all"),
        "book": ("baseline_daily_average", "all"),
        "npl": ("new_loan_npl_ratio", "all"),
        "checks": ("post_loan_check_rate", "all"),
        "points": ("violation_points", "all"),
        "veto": ("veto", "all"),
    }
    common = {"rap": "180000", "raroc": "0.03", "npl": "0.02", "checks": "0.9", "points": "2", "veto": "0"}
    values: Values = {
        "C1": _engine(keys, book="100000000", **common),
        "C2": _engine(keys, book="10000000", **common),
    }
    ev = evaluate(plan, [_rm("C1", "corporate"), _rm("C2", "corporate")], values)
    c1, c2 = ev.by_rm("C1"), ev.by_rm("C2")
    target = c1.item("rap").target
    assert target is not None
    assert target.value.quantize(D("0.01")) == D("149726.03")
    assert (c1.item("rap").score, c2.item("rap").score) == (D("60.11"), D("75.00"))
    assert c1.item("raroc").score == D("20.00")
    assert (c1.total, c2.total) == (D("107.31"), D("122.20"))
    from rmperf.core.pay.rules import RmFacts, compute_pay

    assert plan.resolved.pay is not None
    lines = compute_pay(
        plan.resolved.pay, [r.to_dict() for r in ev.results], {r: RmFacts(r, "S-B1", "corporate") for r in ("C1", "C2")}
    )
    assert [line.gross for line in lines] == [D("10731.00"), D("12220.00")]
    # the year's base is the year's (200,000), the book's margin the whole year's
    year = _plan("corporate-rap-000", "2025")
    ev = evaluate(year, [_rm("C1", "corporate")], {"C1": _engine(keys, book="100000000", **common)})
    assert ev.by_rm("C1").item("rap").target.value == D("600000.000")  # 200,000 + 0.4 % × 100,000,000
