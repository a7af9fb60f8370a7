from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def spark_session_for_tests() -> Iterator[Any]:
    """One local Spark session for the whole test run (starting one takes ~10 s)."""
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("Spark needs Java (make test installs it)")
    from rmperf.engine.spark import spark_session

    session = spark_session("local[2]", partitions=2)  # tiny data: few shuffle partitions
    yield session
    session.stop()


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny demo bank (seed 5), generated once per test run; import it into a fresh home per test."""
    from rmperf.demo import generate

    path = tmp_path_factory.mktemp("tiny-package") / "pkg"
    generate("tiny", 5, path)
    return path


@pytest.fixture(scope="session")
def import_home(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Callable[[str, Path], Home]:
    """Import a package into a fresh home, once, for a module-scoped fixture.

    The import's catalog rows go to the test database outside any test's
    transaction; each home has its own store identity, so they never mix.
    """
    from rmperf.ingest.importer import import_package

    def make(name: str, package: Path) -> Home:
        home = Home(tmp_path_factory.mktemp(name) / "home")
        with django_db_blocker.unblock():
            result = import_package(package, home)
        assert result.status == "committed", [p.render() for p in result.problems]
        return home

    return make


@pytest.fixture(scope="session")
def cli_bank(tmp_path_factory: pytest.TempPathFactory, tiny_package: Path) -> Callable[[str], Path]:
    """The tiny demo bank imported through the CLI, as a user would, into a new home named ``name``."""
    from tests.cli.test_cli import rmperf

    def make(name: str) -> Path:
        home = tmp_path_factory.mktemp(name) / "home"
        done = rmperf("import", str(tiny_package), home=home)
        assert done.returncode == 0, done.stderr
        return home

    return make


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (make test starts the server)."""
    url = os.environ.get("RMPERF_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("RMPERF_TEST_PG_URL is not set: make test starts PostgreSQL and sets it")
        pytest.skip("PostgreSQL not started (run through make test)")
    import psycopg

    name = f"rmperf_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
