"""``rmperf grades`` and ``rmperf consequences`` through the tiny demo bank (issue 5 items 3 and 4)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.core.pay.grades import show_wan
from tests.cli.test_cli import rmperf, targets_csv, tiny_rms


def run_id(output: str) -> int:
    return int(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path], tiny_package: Path) -> tuple[Path, dict[str, int]]:
    """The tiny bank imported, with 003's simulated profit for 2025 and 002's quarters and year."""
    home = cli_bank("grades")
    targets = targets_csv(home.parent / "targets.csv", tiny_rms(tiny_package))
    runs = {}
    for scheme, period in (
        ("retail-wealth-2007", "2025"),
        ("rural-2023", "2025-Q1"),
        ("rural-2023", "2025-Q2"),
        ("rural-2023", "2025"),
    ):
        extra = ["--targets", str(targets)] if scheme == "rural-2023" else []
        done = rmperf("run", "--scheme", scheme, "--period", period, *extra, home=home)
        assert done.returncode == 0, done.stderr
        runs[f"{scheme}:{period}"] = run_id(done.stdout)
    return home, runs


def test_grades_propose_per_subbranch_with_the_runs_figures(bank: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    home, runs = bank
    rid = runs["retail-wealth-2007:2025"]
    out = tmp_path / "grades.csv"
    done = rmperf("grades", "--period", "2025", "--out", str(out), "--detail", home=home)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert f"计算批次 {rid}" in text
    assert "评定日 2026-01-01" in text
    assert "客户经理有权要求由人作出决定" in text
    assert "模拟利润" in text
    assert "管理资产新增" in text
    # the simulated profit shown is the sum of the run's items before × 3 %, in 万元
    results = json.loads(rmperf("results", "--run", str(rid), home=home).stdout)["results"]
    assert results
    expected = {
        r["rm_id"]: sum((Decimal(i["score"]) for i in r["indicators"].values()), Decimal(0)).scaleb(-4) for r in results
    }
    for rm_id, profit in expected.items():
        assert rm_id in text
        assert show_wan(profit) in text
    # one table per sub-branch, named
    assert "沙坝镇支行 (0101)" in text
    # the file: one row per RM of the run, figures exact, rule in both languages
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["rm_id"] for r in rows) == sorted(expected)
    for row in rows:
        assert Decimal(row["simulated_profit_wan"]) == expected[row["rm_id"]].quantize(Decimal("0.000001"))
        assert row["rule_zh"]
        assert row["rule_en"]
        assert row["action"]
        assert "corporate_deposit_increment" in row["sources"]
        counted = Decimal(row["aum_increment_wan"]) + Decimal(row["corporate_counted_wan"])
        assert counted == Decimal(row["aum_increment_counted_wan"])


def test_grades_take_the_facts_the_package_does_not_carry(bank: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    home, _ = bank
    facts = tmp_path / "facts.csv"
    facts.write_text("rm_id,hired,months_below_lowest\nR00005,,3\n", encoding="utf-8")
    out = tmp_path / "grades.xlsx"
    done = rmperf("--lang", "en", "grades", "--period", "2025", "--facts", str(facts), "--out", str(out), home=home)
    assert done.returncode == 0, done.stderr
    assert "Grade proposals" in done.stdout
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    header, *values = list(sheet.iter_rows(values_only=True))
    rows = [dict(zip(header, v, strict=True)) for v in values]
    (r5,) = [r for r in rows if r["rm_id"] == "R00005"]
    # a junior below the junior standard after 3 grace months: the living allowance
    assert r5["action"] == "living_allowance"
    assert "800 yuan" in str(r5["rule_en"])


def test_grades_say_clearly_what_is_missing(bank: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    home, _ = bank
    done = rmperf("grades", "--period", "2025-H1", home=home)
    assert done.returncode == 1
    assert "没有 retail-wealth-2007 在 2025-H1 的计算批次" in done.stderr
    done = rmperf("grades", "--period", "2025", "--on", "2026-03-01", home=home)
    assert done.returncode == 1
    assert "不在评定月份" in done.stderr
    bad = tmp_path / "facts.csv"
    bad.write_text("rm_id,hired\nR00005,contractor\n", encoding="utf-8")
    done = rmperf("grades", "--period", "2025", "--facts", str(bad), home=home)
    assert done.returncode == 1
    assert "第 2 行" in done.stderr


def test_consequences_propose_per_subbranch_with_evidence(bank: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    home, runs = bank
    out = tmp_path / "consequences.csv"
    done = rmperf("consequences", "--period", "2025", "--out", str(out), home=home)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "须由人作出决定" in text
    assert f"2025 #{runs['rural-2023:2025']}" in text
    assert f"2025-Q1 #{runs['rural-2023:2025-Q1']}" in text
    # the evidence: each RM's scores from the runs
    scores = {
        r["rm_id"]: r["total_score"]
        for r in json.loads(rmperf("results", "--run", str(runs["rural-2023:2025"]), home=home).stdout)["results"]
    }
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert row["text_zh"]
        assert row["text_en"]
        assert row["rm_id"] in text
        if row["rule"] == "off_post":
            assert Decimal(scores[row["rm_id"]]) < 60
            assert f"2025 {scores[row['rm_id']]} 分" in row["evidence"]
            assert row["eligible_again_from"] == "2027-01-01"
        if row["rule"] == "warning":
            assert "2025-Q1" in row["evidence"]
            assert "2025-Q2" in row["evidence"]
    # an RM who left in January is not proposed for
    assert "R00004" not in {r["rm_id"] for r in rows}
    assert "已离职、未列出:R00004" in text
    quarter = rmperf("--lang", "en", "consequences", "--period", "2025-Q2", home=home)
    assert quarter.returncode == 0, quarter.stderr
    assert "proposals for a human decision" in quarter.stdout
    missing = rmperf("consequences", "--period", "2025-Q3", home=home)
    assert missing.returncode == 1
    assert "rural-2023" in missing.stderr
