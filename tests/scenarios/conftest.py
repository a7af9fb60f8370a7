"""Collect the YAML scenario files under tests/scenarios: one pytest item per case.

The file format and the comparison live in ``framework.py``; each ``kind`` of
case registers itself there when its module is imported below (``methods.py``
for ``kind: method``). A new kind (``kind: scheme``) adds a module and an import.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.scenarios.methods  # registers kind: method
import tests.scenarios.pay  # registers kind: pay
import tests.scenarios.schemes  # noqa: F401 - registers kind: scheme
from tests.scenarios.framework import ScenarioError, ScenarioMismatch, load, run_case


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in {".yaml", ".yml"}:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            doc = load(self.path)
        except ScenarioError as error:
            raise self.CollectError(str(error)) from None
        for case in doc["cases"]:
            yield ScenarioCase.from_parent(self, name=case["name"], doc=doc, case=case)


class ScenarioCase(pytest.Item):
    def __init__(self, *, doc: dict[str, Any], case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.doc = doc
        self.case = case

    def runtest(self) -> None:
        run_case(self.doc, self.case, self.path)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioMismatch):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.name}"
