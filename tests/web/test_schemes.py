"""Schemes through HTTP: the office checks a scheme file without running it — every problem with its
line and key path, in the reader's language, nothing stored — and everyone who reads results reads the
shipped templates, each version's YAML and the difference between two versions."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rmperf.schemes.templates import template_path

TEMPLATE = template_path("retail-wealth-2007").read_text(encoding="utf-8")


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/x-yaml")


def _broken() -> bytes:
    """The template with two mistakes: a misspelt method, and a version that is not a number."""
    text = TEMPLATE.replace("version: 1", "version: one", 1)
    assert "method: value" in text
    return text.replace("method: value", "method: valeu", 1).encode("utf-8")


def _stored() -> tuple[int, int]:
    from rmperf.db.models import AuditEvent, Run

    return Run.objects.count(), AuditEvent.objects.count()


def test_the_office_sees_every_problem_of_a_broken_scheme_at_once(as_: Any, bank: Any) -> None:
    before = _stored()
    response = as_("olivia").post("/schemes/check/", {"file": _file("mine.yaml", _broken())})
    assert response.status_code == 422
    page = response.content.decode()
    assert "mine.yaml:2 处问题" in page
    assert "valeu" in page
    assert "version" in page
    found = as_("olivia").post("/api/schemes/check/", {"file": _file("mine.yaml", _broken())}).json()
    assert not found["ok"]
    lines = {f["path"]: f["line"] for f in found["findings"]}
    assert lines["version"] == 15
    method_path = next(p for p in lines if p.endswith(".method"))
    assert lines[method_path] == 1 + TEMPLATE.split("method: value", 1)[0].count("\n")
    assert _stored() == before  # nothing run, nothing stored


def test_a_valid_scheme_is_summarised(as_: Any, bank: Any) -> None:
    found = as_("olivia").post("/api/schemes/check/", {"file": _file("ok.yaml", TEMPLATE.encode())}).json()
    assert found["ok"]
    assert found["findings"] == []
    assert (found["scheme_id"], found["version"]) == ("retail-wealth-2007", 1)
    page = as_("olivia").post("/schemes/check/", {"file": _file("ok.yaml", TEMPLATE.encode())}).content.decode()
    assert "无误" in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xff\xfe\x00i\x00d", "不是 UTF-8 文本"),
        (b"id: x\n" + b"#" * 1_000_001, "超过"),
        (b"- [unclosed", "YAML 语法错误"),
    ],
)
def test_hostile_files_get_a_sentence_not_a_traceback(as_: Any, bank: Any, data: bytes, says: str) -> None:
    response = as_("olivia").post("/schemes/check/", {"file": _file("../../etc/passwd", data)})
    assert response.status_code in (400, 422)
    page = response.content.decode()
    assert says in page
    assert "../" not in page
    assert "Traceback" not in page


def test_only_the_office_checks_and_a_form_without_a_file_is_refused(as_: Any, bank: Any) -> None:
    refused = as_("chen").post("/schemes/check/", {"file": _file("x.yaml", TEMPLATE.encode())})
    assert refused.status_code == 403
    assert "检查方案文件" in refused.content.decode()  # the refusal says what, in words
    assert as_("olivia").post("/schemes/check/", {}).status_code == 400


def test_versions_their_yaml_and_the_difference(as_: Any, bank: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmperf.services import schemes

    newer = TEMPLATE.replace("version: 1", "version: 2", 1).replace("value: 1.5,", "value: 1.6,", 1)
    monkeypatch.setattr(schemes, "_shipped", lambda: [TEMPLATE, newer])
    listed = {s["scheme_id"]: s for s in as_("rita").get("/api/schemes/").json()}
    versions = listed["retail-wealth-2007"]["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["runs"] == [bank.run_id]  # the run read the shipped version 1
    old, new = hashlib.sha256(TEMPLATE.encode()).hexdigest(), versions[0]["digest"]
    yaml = as_("rita").get(f"/schemes/retail-wealth-2007/{new}/").content.decode()
    assert "version: 2" in yaml
    diff = as_("rita").get("/schemes/retail-wealth-2007/diff/", {"a": old, "b": new}).content.decode()
    assert '<span class="removed">-version: 1</span>' in diff
    assert '<span class="added">+version: 2</span>' in diff
    assert "1.6" in diff
    assert as_("rita").get("/schemes/retail-wealth-2007/not-a-digest/").status_code == 404
    assert as_("sam").get("/api/schemes/").status_code == 404
