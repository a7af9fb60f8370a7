"""The web tests again, on the PostgreSQL that ``make test`` starts (the database a bank runs in production)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.slow
def test_the_web_tests_pass_on_postgresql(pg_database: str) -> None:
    files = ["tests/web/test_pages.py", "tests/web/test_permission_matrix.py", "tests/web/test_people.py"]
    env = {**os.environ, "RMPERF_DATABASE_URL": pg_database}
    env.pop("RMPERF_TEST_PG_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
