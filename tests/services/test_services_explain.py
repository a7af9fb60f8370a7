"""An explanation of a run opens the run's own figures (issue 13 item 2): its store version, its scheme's
parameters, its window and its uploads — and says so when a figure does not open to what was stored.

Called as a page or the API would: the services with a context, no subprocess.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.core.periods import Period
from rmperf.engine.params import EngineParams
from rmperf.home import Home
from rmperf.runs.service import Upload
from rmperf.services import runs
from rmperf.services.context import Actor, Context
from rmperf.services.explain import explain_figure, explain_run

pytestmark = pytest.mark.django_db

OFFICER = Actor.local_operator("office-li")

FTP_360 = """
id: ftp360
version: 1
name: {zh: 按 360 天计息的 FTP 利润, en: FTP profit on a 360-day basis}
periods: [quarter, year]
rank_group: [post]
parameters:
  basis: 360
inputs:
  ftp: ftp_profit
dimensions:
  - key: business
    name: {zh: 业务}
    items:
      - {key: ftp, name: {zh: FTP利润}, input: ftp, weight: 100, target: {kind: absolute, value: 10000},
         method: achievement, cap: 2}
"""

#: one input of every kind an explanation opens: a balance, a flow, a quality count, a ratio, the quarter
#: before, a manual value, and a rating
EVERY_KIND = """
id: every-kind
version: 1
name: {zh: 各类取数, en: Every kind of input}
periods: [quarter]
total: sum
rank_group: [post]
inputs:
  dep: daily_average:deposit
  dep_before: {indicator: daily_average, category: deposit, period: previous}
  fees: fee_income
  visits: visits
  inspection: {manual: true, name: {zh: 检查扣分}}
dimensions:
  - key: business
    name: {zh: 业务}
    items:
      - {key: dep, name: {zh: 存款日均}, input: dep, method: value, factor: 0.0001}
      - {key: dep_before, name: {zh: 上季日均}, input: dep_before, method: value, factor: 0.0001}
      - {key: fees, name: {zh: 中收}, input: fees, method: value, factor: 0.001}
      - {key: visits, name: {zh: 走访}, input: visits, method: value}
      - {key: inspection, name: {zh: 检查扣分}, input: inspection, method: value}
  - key: conduct
    name: {zh: 定性}
    items:
      - key: summary_work
        name: {zh: 总结性工作完成状况}
        weight: 30
        method: rating
        form: scale
        scale_max: 5
        criteria: {总结性工作完成状况: 100}
        raters: {self: 20, committee: 50, department: 30}
"""


@pytest.fixture(scope="module")
def tiny(import_home: Callable[[str, Path], Home], tiny_package: Path) -> Home:
    return import_home("explain-services", tiny_package)


def scheme(tmp_path: Path, text: str, name: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def engine_input(explained: object, name: str) -> object:
    return next(i for i in explained.inputs if i.name == name)  # type: ignore[attr-defined]


def test_a_run_on_a_360_day_basis_opens_its_own_ftp_profit(tiny: Home, tmp_path: Path) -> None:
    office = Context(tiny, OFFICER)
    run = runs.run(office, scheme(tmp_path, FTP_360, "ftp360"), "2025-Q1")
    stored = run.evaluation.by_rm("R00001")
    ftp = next(v for v in stored.values if v.name == "ftp")

    explained = explain_run(office, run.run_id, "R00001")
    opened = engine_input(explained, "ftp")
    assert opened.mismatch is None
    assert opened.explanation.value == ftp.value  # to the fen, on 360 days
    assert sum(c.value for c in opened.explanation.accounts) == ftp.value
    # the same figure on the default 365 days is another number: the explanation did not open that one
    default = explain_figure(office, Period.parse("2025-Q1"), ("rm", "R00001"), "ftp_profit")
    assert default.value != ftp.value
    assert (
        default.value
        == explain_figure(
            office, Period.parse("2025-Q1"), ("rm", "R00001"), "ftp_profit", params=EngineParams.default(365)
        ).value
    )


def test_a_run_is_explained_on_the_store_version_it_read(
    import_home: Callable[[str, Path], Home], tmp_path: Path, tiny_package: Path
) -> None:
    from rmperf.demo import generate
    from rmperf.ingest.importer import import_package

    first = tmp_path / "first-70-days"
    generate("tiny", 5, first, days=70)
    home = import_home("explain-versions", first)
    office = Context(home, OFFICER)
    run = runs.run(office, scheme(tmp_path, FTP_360, "ftp360"), "2025-Q1")
    ftp = next(v for v in run.evaluation.by_rm("R00001").values if v.name == "ftp")
    # the rest of the year arrives after the run
    assert import_package(tiny_package, home).status == "committed"
    later = explain_figure(
        office, Period.parse("2025-Q1"), ("rm", "R00001"), "ftp_profit", params=EngineParams.default(360)
    )
    assert later.value != ftp.value  # the quarter today is another figure

    opened = engine_input(explain_run(office, run.run_id, "R00001"), "ftp")
    assert opened.mismatch is None
    assert opened.explanation.value == ftp.value


def plan_files(home: Home, scheme_ref: str, tmp_path: Path) -> Path:
    """A manual-values table for every RM (检查扣分 = the RM's number mod 4)."""
    from rmperf.services.data import rm_names

    names = rm_names(Context(home, OFFICER))
    path = tmp_path / "values.csv"
    lines = ["rm_id,input,value"] + [f"{rm},inspection,{int(rm[1:]) % 4}" for rm in sorted(names)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_kind_of_input_opens_to_what_the_run_stored(tiny: Home, tmp_path: Path) -> None:
    office = Context(tiny, OFFICER)
    ref = scheme(tmp_path, EVERY_KIND, "every-kind")
    values = plan_files(tiny, ref, tmp_path)
    run = runs.run(office, ref, "2025-Q4", values=Upload.from_path(values))
    values.unlink()  # the run keeps what it read: the explanation does not need the file
    rm = next(r.rm_id for r in run.evaluation.results if all(v.value is not None for v in r.values))
    stored = {v.name: v.value for v in run.evaluation.by_rm(rm).values}
    explained = explain_run(office, run.run_id, rm)
    assert explained.mismatches == []
    for name in ("dep", "dep_before", "fees", "visits"):
        opened = engine_input(explained, name)
        assert opened.explanation is not None, name
        assert opened.explanation.value == stored[name], name
        assert sum(c.value for c in opened.explanation.accounts) == stored[name], name
    assert engine_input(explained, "dep_before").source == "2025-Q3"  # the quarter before, as the run read it
    manual = engine_input(explained, "inspection")
    assert manual.rows[0]["value"] == stored["inspection"] == Decimal(int(rm[1:]) % 4)
    assert "values.csv" in manual.source
    rating = engine_input(explained, "summary_work")
    assert rating.kind == "rating"
    assert rating.stored == run.evaluation.by_rm(rm).item("summary_work").score
    assert {r["criterion"] for r in rating.rows} == {"总结性工作完成状况"}
    assert {r["rater_role"] for r in rating.rows} == {"self", "committee", "department"}


RATIO = """
id: ratio
version: 1
name: {zh: 贷后检查及时率}
periods: [quarter]
total: sum
rank_group: [post]
inputs:
  checks: post_loan_check_rate
dimensions:
  - key: risk
    name: {zh: 风险}
    items:
      - {key: checks, name: {zh: 贷后检查及时率}, input: checks, method: value}
"""


def test_a_ratio_opens_by_its_numerator_and_denominator(tiny: Home, tmp_path: Path) -> None:
    office = Context(tiny, OFFICER)
    run = runs.run(office, scheme(tmp_path, RATIO, "ratio"), "2025-Q1")
    result = next(r for r in run.evaluation.results if r.values[0].value is not None)
    checks = engine_input(explain_run(office, run.run_id, result.rm_id), "checks")
    assert checks.mismatch is None
    assert checks.explanation.value == result.values[0].value
    top, bottom = checks.explanation.parts["numerator"], checks.explanation.parts["denominator"]
    assert bottom.value > 0
    assert (top.value / bottom.value).quantize(Decimal("0.000001")) == result.values[0].value


def test_a_figure_that_does_not_open_to_the_stored_one_is_an_error(
    tiny: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmperf.engine import explain as engine_explain
    from rmperf.services import explain as service

    office = Context(tiny, OFFICER)
    ref = scheme(tmp_path, EVERY_KIND, "every-kind")
    values = plan_files(tiny, ref, tmp_path)
    run = runs.run(office, ref, "2025-Q4", values=Upload.from_path(values))

    real = engine_explain.explain

    def off_by_a_fen(*args: object, **kwargs: object) -> engine_explain.Explanation:
        e = real(*args, **kwargs)  # type: ignore[arg-type]
        e.value += Decimal("0.01")
        return e

    monkeypatch.setattr(service, "explain", off_by_a_fen)
    shutil.rmtree(tiny.root / "uploads")  # and the uploaded table is gone, its file too
    values.unlink()
    rm = next(r.rm_id for r in run.evaluation.results if all(v.value is not None for v in r.values))
    explained = explain_run(office, run.run_id, rm)
    wrong = {i.name: i for i in explained.inputs if i.mismatch is not None}
    assert {"dep", "fees", "visits", "inspection"} <= set(wrong)
    assert wrong["dep"].explanation is None  # nothing of a wrong figure is shown
    text = wrong["dep"].mismatch.render("zh")
    assert "不一致" in text
    assert f"批次 {run.run_id}" in text
    assert "no longer in the home" in wrong["inspection"].mismatch.render("en")


def test_an_unknown_run_or_rm_is_refused_in_the_users_words(tiny: Home) -> None:
    from rmperf.errors import UserError

    office = Context(tiny, OFFICER, lang="en")
    with pytest.raises(UserError) as no_run:
        explain_run(office, 999_999, "R00001")
    assert no_run.value.render("en") == "no run 999999"
