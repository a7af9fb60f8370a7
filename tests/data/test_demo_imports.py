"""Every generated demo package passes the importer (a property over seeds)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmperf.demo import generate
from rmperf.home import Home
from rmperf.ingest.importer import check_package, import_package
from rmperf.ingest.problems import Severity


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_generated_packages_always_validate(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "pkg"
        generate("tiny", seed, pkg)
        problems = check_package(pkg, Home(Path(tmp) / "home"))
        errors = [p.render() for p in problems if p.severity is Severity.ERROR]
        assert errors == []
        # the demo bank is clean: not even warnings
        assert [p.render() for p in problems] == []


@pytest.mark.django_db
def test_demo_package_imports_and_reimports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    summary = generate("tiny", 7, pkg)
    home = Home(tmp_path / "home")
    first = import_package(pkg, home)
    assert first.status == "committed", [p.render() for p in first.errors]
    # every table the generator wrote arrived, with every row
    assert first.row_counts == dict(summary.rows.items())
    assert len(first.row_counts) == 22
    assert import_package(pkg, home).status == "unchanged"
