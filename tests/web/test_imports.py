"""Uploading a data package through the web app: the office sends a zip (or the package's files), the
import runs in the background with its progress on a page, and every problem is listed by table, file,
line and column exactly as ``rmperf import`` reports it; a hostile upload is refused with a sentence,
leaves nothing behind, and where it tried to escape its folder it is a security event."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def immediate(settings: Any) -> None:
    """Tasks run as they are queued (the worker's work, in the test's process)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _zip(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def _package(root: Path, prefix: str = "") -> dict[str, bytes]:
    return {prefix + str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _upload(client: Any, name: str, data: bytes) -> Any:
    return client.post("/imports/", {"files": [SimpleUploadedFile(name, data)]})


def _leftovers(bank: Any) -> list[Path]:
    folder = bank.home.root / "uploads"
    return list(folder.iterdir()) if folder.exists() else []


def _store_version(bank: Any) -> Any:
    from rmperf.store import FactStore

    return FactStore(bank.home).current_version()


def test_the_same_package_again_is_imported_and_changes_nothing(
    as_: Any, bank: Any, tiny_package: Path, immediate: None
) -> None:
    before = _store_version(bank)
    response = _upload(as_("olivia"), "bank.zip", _zip(_package(tiny_package, "pkg/")))
    assert response.status_code == 302
    job = as_("olivia").get(response["Location"].replace("/imports/", "/api/imports/", 1)).json()
    assert (job["state"], job["status"], job["percent"]) == ("done", "unchanged", 100)
    assert job["state_name"] == "已完成"
    assert _store_version(bank) == before
    assert _leftovers(bank) == []  # the package's folder is gone once imported
    log = as_("olivia").get("/api/imports/").json()
    assert log[0]["id"] == job["import_id"]


def test_a_broken_package_lists_every_problem_where_it_is_and_stores_nothing(
    as_: Any, bank: Any, tiny_package: Path, immediate: None
) -> None:
    files = _package(tiny_package)
    lines = files["accounts.csv"].decode("utf-8").splitlines()
    header = lines[0].split(",")
    broken = lines[1].split(",")
    broken[header.index("opened_on")] = "2025-13-45"
    lines[1] = ",".join(broken)
    files["accounts.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    before = _store_version(bank)
    response = _upload(as_("olivia"), "broken.zip", _zip(files))
    job_url = response["Location"]
    page = as_("olivia").get(job_url).content.decode()
    assert "有错误,未导入" in page
    job = as_("olivia").get(job_url.replace("/imports/", "/api/imports/", 1)).json()
    assert job["status"] == "rejected"
    problem = next(p for p in job["problems"] if p["column"] == "opened_on")
    assert (problem["table"], problem["file"], problem["line"]) == ("accounts", "accounts.csv", 2)
    assert "2025-13-45" in problem["what"]
    assert problem["text"].startswith("错误 accounts.csv,第 2 行")  # as rmperf import prints it
    assert _store_version(bank) == before
    # the uploader and the import log's readers see the job; another RM does not
    assert as_("rex").get(job_url).status_code == 200
    assert as_("rita").get(job_url).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "says", "security"),
    [
        ("evil.zip", _zip({"../../outside.csv": b"x"}), "数据包之外", True),
        ("abs.zip", _zip({"/etc/cron.d/x.csv": b"x"}), "数据包之外", True),
        ("link.zip", _zip({"orgs.csv": b"x"}, links=("managers.csv",)), "链接", True),
        ("fake.zip", b"PK\x03\x04 not really", "不是有效的 zip", False),
        ("empty.zip", _zip({}), "没有任何文件", False),
        ("notes.txt", b"hello", "不是数据包中的文件", False),
    ],
)
def test_a_hostile_upload_is_refused_and_leaves_nothing(
    as_: Any, bank: Any, immediate: None, name: str, data: bytes, says: str, security: bool
) -> None:
    from rmperf.db.models import AuditEvent, UploadJob

    jobs, events = UploadJob.objects.count(), AuditEvent.objects.filter(action="security.upload_refused").count()
    response = _upload(as_("olivia"), name, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert says in text
    assert "Traceback" not in text
    assert UploadJob.objects.count() == jobs
    assert _leftovers(bank) == []
    raised = AuditEvent.objects.filter(action="security.upload_refused").count() - events
    assert raised == (1 if security else 0)


def test_an_upload_over_the_limit_is_refused(as_: Any, bank: Any, settings: Any, immediate: None) -> None:
    settings.RMPERF_UPLOAD_LIMIT = 1000
    response = _upload(as_("olivia"), "big.zip", _zip({"orgs.csv": b"0" * 5000}))
    assert response.status_code == 400
    assert "超过上传上限" in response.content.decode()
    assert _leftovers(bank) == []


def test_only_the_office_uploads_and_a_post_without_csrf_is_refused(as_: Any, bank: Any) -> None:
    from django.test import Client

    assert _upload(as_("chen"), "x.zip", _zip({"orgs.csv": b"x"})).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    from django.contrib.auth import get_user_model

    strict.force_login(get_user_model().objects.get(username="olivia"))
    refused = strict.post("/imports/", {"files": [SimpleUploadedFile("x.zip", _zip({"orgs.csv": b"x"}))]})
    assert refused.status_code == 403


def test_the_worker_runs_a_queued_upload(as_: Any, bank: Any, tiny_package: Path) -> None:
    """With the database backend (as served), the upload waits until the worker runs it."""
    from django.core.management import call_command

    upload = SimpleUploadedFile("bank.zip", _zip(_package(tiny_package)))
    response = as_("olivia").post("/api/imports/", {"files": [upload]})
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "queued"
    assert job["state_name"] == "排队中"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    done = as_("olivia").get(f"/api/imports/jobs/{job['id']}/").json()
    assert (done["state"], done["status"]) == ("done", "unchanged")
    assert _leftovers(bank) == []


def _encrypted() -> bytes:
    """A zip whose member is marked encrypted (bit 0 of its flags, in its local and central headers),
    as an encrypting archiver writes it; Python's zipfile cannot encrypt, so the mark is set by hand."""
    data = bytearray(_zip({"orgs.csv": b"ciphertext"}))
    data[data.index(b"PK\x03\x04") + 6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0].flag_bits & 0x1
    return bytes(data)


@pytest.mark.parametrize(
    ("limits", "files", "says", "security"),
    [
        ({"BOMB_FROM": 10_000}, [("bomb.zip", _zip({"orgs.csv": b"0" * 1_000_000}))], "压缩炸弹", True),
        ({"MAX_MEMBERS": 3}, [("many.zip", _zip({f"t{i}.csv": b"x" for i in range(4)}))], "超过 3 个", False),
        ({}, [("locked.zip", _encrypted())], "已加密", False),
        ({}, [("a.zip", _zip({"orgs.csv": b"x"})), ("orgs.csv", b"x")], "只上传一个 zip", False),
    ],
)
def test_bombs_crowds_locks_and_mixtures_are_refused(
    as_: Any,
    bank: Any,
    immediate: None,
    monkeypatch: pytest.MonkeyPatch,
    limits: dict[str, int],
    files: list[tuple[str, bytes]],
    says: str,
    security: bool,
) -> None:
    from rmperf.db.models import AuditEvent, UploadJob
    from rmperf.services import uploads

    for name, value in limits.items():
        monkeypatch.setattr(uploads, name, value)
    jobs, events = UploadJob.objects.count(), AuditEvent.objects.filter(action="security.upload_refused").count()
    response = as_("olivia").post("/imports/", {"files": [SimpleUploadedFile(n, d) for n, d in files]})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert UploadJob.objects.count() == jobs
    assert _leftovers(bank) == []
    raised = AuditEvent.objects.filter(action="security.upload_refused").count() - events
    assert raised == (1 if security else 0)
