"""What a user reads (issue 11, "output nobody can read"): sentences in their language, never a traceback,
never a message key, exports with the places their unit has, and refusals that say what is wrong."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf import i18n
from tests.cli.test_cli import rmperf, targets_csv, tiny_rms
from tests.cli.test_runs import run_id

SRC = Path(__file__).parents[2] / "src" / "rmperf"
#: what a message key or a raw note looks like on a screen
#: the posts rural-2023 appraises
RURAL_POSTS = ("corporate", "retail", "inclusive")
RAW = re.compile(r"\b(?:scheme|pay|ledger|grades|ratings)\.[a-z_]+\.[a-z_]+\b|\b[a-z]+(?:_[a-z]+)+:[\w./=-]+")


@pytest.fixture(scope="module")
def bank(cli_bank: Callable[[str], Path]) -> Path:
    return cli_bank("messages")


def refused(*args: str, home: Path) -> str:
    done = rmperf(*args, home=home)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    return done.stderr


def test_a_bad_period_is_a_sentence_not_a_traceback(bank: Path) -> None:
    assert "考核期 “2025-Q5” 无法解析" in refused("indicators", "--period", "2025-Q5", home=bank)
    assert "考核期 “2025-Q7” 无法解析" in refused("run", "--scheme", "rural-2023", "--period", "2025-Q7", home=bank)
    english = refused("--lang", "en", "run", "--scheme", "rural-2023", "--period", "2025-Q7", home=bank)
    assert "cannot parse period “2025-Q7”" in english


def test_missing_and_empty_upload_files_are_named(bank: Path, tmp_path: Path, tiny_package: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    good = str(targets_csv(tmp_path / "t.csv", tiny_rms(tiny_package)))
    said = refused("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", missing, home=bank)
    assert f"文件不存在:{missing}" in said
    said = refused(
        "run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", good, "--values", missing, home=bank
    )
    assert f"文件不存在:{missing}" in said
    empty = tmp_path / "empty.csv"
    empty.write_text("rm_id,item,target\n", encoding="utf-8")
    said = refused("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(empty), home=bank)
    assert f"文件 {empty} 没有数据行" in said
    broken = tmp_path / "t.xlsx"
    broken.write_bytes(b"this is not a workbook")
    said = refused("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(broken), home=bank)
    assert "不是可读取的 Excel 工作簿" in said
    assert "文件不存在" in refused("pay", "--run", "1", "--spikes", missing, home=bank)


def test_a_run_without_the_targets_its_scheme_needs_is_refused_naming_them(
    bank: Path, tmp_path: Path, tiny_package: Path
) -> None:
    said = refused("run", "--scheme", "rural-2023", "--period", "2025-Q1", home=bank)
    assert "没有给出目标值表(--targets)" in said
    assert "deposit_dai" in said
    assert "npl_reduction" not in said  # optional: an RM without a reduction task scores full marks
    # a table that gives an item to nobody is refused too
    partial = targets_csv(tmp_path / "partial.csv", tiny_rms(tiny_package), {"deposit_dai": "1000000"})
    said = refused("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(partial), home=bank)
    assert "没有指标 agri" in said or "agri" in said
    # some RMs without a row: the run goes ahead and says how many
    rms = tiny_rms(tiny_package, RURAL_POSTS)
    some = targets_csv(tmp_path / "some.csv", rms[1:])
    targets_csv(tmp_path / "one.csv", rms[:1], {"deposit_dai": "1"})
    some.write_text(some.read_text(encoding="utf-8") + (tmp_path / "one.csv").read_text().split("\n", 1)[1])
    done = rmperf("run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(some), home=bank)
    assert done.returncode == 0, done.stderr
    assert "名客户经理的指标 agri 目标" in done.stderr


def test_notes_are_sentences_in_either_language(bank: Path, tmp_path: Path, tiny_package: Path) -> None:
    targets = targets_csv(tmp_path / "t.csv", tiny_rms(tiny_package))
    for lang, expect in (("zh", "说明:"), ("en", "note: ")):
        done = rmperf(
            "--lang", lang, "run", "--scheme", "rural-2023", "--period", "2025-Q1", "--targets", str(targets), home=bank
        )
        assert done.returncode == 0, done.stderr
        notes = [line for line in done.stderr.splitlines() if line.startswith(expect)]
        assert notes, done.stderr
        for line in notes:
            assert not RAW.search(line), line
    rid = run_id(done.stdout)
    rm = tiny_rms(tiny_package, RURAL_POSTS)[0]
    trace = rmperf("explain", "--run", str(rid), "--rm", rm, "--accounts", "0", home=bank)
    assert trace.returncode == 0, trace.stderr
    assert "scheme.note" not in trace.stdout
    assert "{'" not in trace.stdout


def test_every_engine_note_has_a_sentence() -> None:
    """Every ``code:…`` note the engine, the runs or pay can write is in ``i18n.NOTES``."""
    emitted: set[str] = set()
    pattern = re.compile(r"""(?:notes\.append|append|notes \+=)\(?\s*\[?f?["']([a-z_]+)(?::|["'])""")
    for path in [*(SRC / "engine").glob("*.py"), *(SRC / "runs").glob("*.py"), *(SRC / "pay").glob("*.py")]:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            code = match.group(1)
            if "_" in code:
                emitted.add(code)
    emitted -= {"missing_figure"}  # not a note: a pay message code
    assert emitted, "the pattern found no note"
    assert emitted <= set(i18n.NOTES), sorted(emitted - set(i18n.NOTES))
    assert i18n.note_text("missing_table:fees") == "数据中没有表 fees:依赖它的指标未计算(不按 0 计)"
    assert i18n.note_text("baseline_day_fallback:2024-12-31->2025-01-01", "en") == (
        "no balances on 2024-12-31: the year-start baseline uses 2025-01-01 instead"
    )


def test_exported_values_carry_the_places_of_their_unit(bank: Path, tmp_path: Path) -> None:
    rid = run_id(rmperf("run", "--scheme", "retail-wealth-2007", "--period", "2025", home=bank).stdout)
    out = tmp_path / "r.csv"
    done = rmperf("results", "--run", str(rid), "--format", "csv", "--out", str(out), home=bank)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        for column, text in r.items():
            if column.endswith((":value", ":target")) and text:
                places = -Decimal(text).as_tuple().exponent
                assert places <= 6, (column, text)
                if column.split(":")[0] in ("a1", "a2", "a3", "b1", "b2", "d", "f"):  # yuan
                    assert places == 2, (column, text)
    # the JSON export is rounded the same way; the run itself keeps the exact trace
    import json

    data = json.loads(rmperf("results", "--run", str(rid), home=bank).stdout)
    value = data["results"][0]["indicators"]["a1"]["value"]
    assert len(value.split(".")[1]) == 2


def test_a_pool_the_scheme_does_not_use_is_refused(bank: Path) -> None:
    rid = run_id(rmperf("run", "--scheme", "retail-wealth-2007", "--period", "2025", home=bank).stdout)
    said = refused("pay", "--run", str(rid), "--pool", "bank=500000", home=bank)
    assert "没有奖金池规则" in said


def test_a_broken_forced_distribution_blames_the_ratings_in_the_datas_grades() -> None:
    from rmperf.core.scheme import build_plan, evaluate, load_scheme, resolve
    from rmperf.core.scheme.errors import SchemeError
    from rmperf.core.scheme.plan import RmContext

    text = """
id: forced
version: 1
name: 强制分配
periods: [year]
total: sum
dimensions:
  - key: qual
    name: 定性
    items:
      - {key: grade, name: 强制分配, method: rating, form: forced_distribution, weight: 100}
"""
    from datetime import date

    plan = build_plan(resolve(load_scheme(text, source="f.yaml"), date(2024, 1, 1), date(2024, 12, 31), "year"))
    grades = [5, 5, 4, 3, 3, 3, 3, 2, 2, 1]  # two in the best grade: one too many, and one too few in 4
    rows = [
        {"period": "2024", "rm_id": f"R{i}", "rater_id": "K", "rater_role": "committee", "criterion": "grade",
         "score": g}
        for i, g in enumerate(grades)
    ]  # fmt: skip
    with pytest.raises(SchemeError) as caught:
        evaluate(plan, [RmContext(f"R{i}", "retail") for i in range(10)], {}, ratings=rows)
    error = caught.value
    assert error.subject == "ratings"
    text_zh = error.render("zh")
    assert "定性评价数据有 1 处问题(方案本身无误)" in text_zh
    assert "等级 5 有 2 人,最多 1 人" in text_zh
    assert "等级 4 有 1 人,至少 2 人" in text_zh
    assert "等级 A" not in text_zh


def test_an_unexpected_error_is_logged_not_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmperf import cli
    from rmperf.home import Home

    monkeypatch.delenv("RMPERF_DEBUG", raising=False)
    monkeypatch.setattr(cli.State, "home", Home(tmp_path / "home"))
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        code = cli.internal_error(error)
    assert code == 2
    logs = list((tmp_path / "home" / "logs").glob("error-*.txt"))
    assert len(logs) == 1
    assert "RuntimeError: boom" in logs[0].read_text(encoding="utf-8")
