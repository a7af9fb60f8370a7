from __future__ import annotations

from pathlib import Path

import pytest

from rmperf.home import Home
from tests.pkgbuilder import minimal_tables, write_package


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home")
    h.ensure()
    return h


@pytest.fixture
def tables() -> dict[str, list[dict[str, object]]]:
    return minimal_tables()


@pytest.fixture
def package(tmp_path: Path, tables: dict[str, list[dict[str, object]]]) -> Path:
    return write_package(tmp_path / "pkg", tables)
