"""A data package uploaded in the web app (上传数据包), imported in the background.

:func:`receive` takes what a form or the API uploaded — one zip of the package, or the package's files
— checks it as hostile input (size, names, paths outside the package, links, a decompression bomb),
unpacks it under the home's ``uploads/`` and queues its import; nothing reaches the store until the
importer has checked the whole package (all of it, or nothing). :func:`run_job` is the work the task
worker does: the same import as ``rmperf import``, its progress kept on the job for the page to poll.
A refused upload stores nothing and leaves nothing behind; one that tried to escape its folder is a
security event in the audit log.
"""

from __future__ import annotations

import shutil
import stat
import time
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django_tasks import task

from rmperf.errors import UserError
from rmperf.runs.service import Upload  # the in-memory file a presenter hands over (re-exported)
from rmperf.services import words
from rmperf.services.context import Context
from rmperf.services.permissions import permit

__all__ = ["Finding", "Job", "Upload", "UploadRefused", "import_upload", "job_info", "limit", "receive", "run_job"]

#: at most this many files in one package (a year of daily Parquet partitions is ~400)
MAX_MEMBERS = 10_000
#: uncompressed ÷ compressed of a zip as a whole beyond which it is taken for a bomb (CSV packs ~10 : 1)
MAX_RATIO = 200
#: … of a zip that unpacks to more than this (a small zip of CSV may pack better than 200 : 1)
BOMB_FROM = 64 * 1024 * 1024
#: the suffixes a package's files may have (data-contract.md)
SUFFIXES = (".csv", ".parquet", ".xlsx")


def limit() -> int:
    """The largest upload, in bytes (``RMPERF_UPLOAD_LIMIT``)."""
    from django.conf import settings

    return int(getattr(settings, "RMPERF_UPLOAD_LIMIT", 512 * 1024 * 1024))


def _shown(name: str) -> str:
    """A name as the user gave it, for a message: printable, not too long."""
    return "".join(ch for ch in name if ch.isprintable())[:120]


def _member_path(name: str) -> PurePosixPath | None:
    """The relative path a member may have inside the package, or None when it would leave it (absolute,
    ``..``, a drive, a backslash trick)."""
    if "\\" in name or ":" in name or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts if part != "."):
        return None
    parts = [p for p in path.parts if p != "."]
    return PurePosixPath(*parts) if parts else None


class UploadRefused(UserError):
    """An upload refused before anything was imported: its sentence says why."""


def _refuse(ctx: Context, code: str, params: dict[str, Any], *, security: bool = False) -> UploadRefused:
    if security:
        from rmperf.services.people import security_event

        security_event(ctx.actor.user_id, "upload_refused", "upload", _shown(str(params.get("name", ""))), {})
    return UploadRefused(code, params)


def _unzip(ctx: Context, archive: Upload, into: Path, most: int) -> None:
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(archive.data))
        members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(ctx, "upload.not_zip", {"name": _shown(archive.name)}) from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(ctx, "upload.too_many", {"name": _shown(archive.name), "limit": MAX_MEMBERS})
    total = 0
    for m in members:
        mode = m.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(ctx, "upload.link", {"name": _shown(m.filename)}, security=True)
        if _member_path(m.filename) is None:
            raise _refuse(ctx, "upload.outside", {"name": _shown(m.filename)}, security=True)
        if m.flag_bits & 0x1:
            raise _refuse(ctx, "upload.encrypted", {"name": _shown(m.filename)})
        total += m.file_size
    if total > most:
        raise _refuse(ctx, "upload.too_large", {"name": _shown(archive.name), "limit": _mib(most)})
    if total > MAX_RATIO * max(len(archive.data), 1) and total > BOMB_FROM:
        raise _refuse(ctx, "upload.bomb", {"name": _shown(archive.name), "ratio": MAX_RATIO}, security=True)
    written = 0
    for m in members:
        relative = _member_path(m.filename)
        assert relative is not None
        target = into.joinpath(*relative.parts)
        if m.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(m) as source, target.open("wb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > most:  # the sizes a zip declares may lie
                    raise _refuse(ctx, "upload.too_large", {"name": _shown(archive.name), "limit": _mib(most)})
                out.write(chunk)


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB"


def _package_root(folder: Path) -> Path:
    """The package inside what was unpacked: the folder itself, or — when a zip holds the package's
    folder (``pkg/accounts.csv``) rather than its files — that one sub-folder, unless it is a table's
    own folder (``balances/``)."""
    from rmperf.contract import TABLE_INDEX

    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and entries[0].name not in TABLE_INDEX:
        return entries[0]
    return folder


@dataclass(frozen=True)
class Finding:
    """One problem of an import: its table, file, line and column, the sentence, and the whole line as
    ``rmperf import`` prints it."""

    table: str
    file: str
    line: int | None
    column: str
    what: str
    text: str


def _findings(stored: Sequence[dict[str, Any]], lang: str) -> tuple[Finding, ...]:
    from rmperf.ingest.problems import Problem

    out = []
    for data in stored:
        p = Problem.from_dict(data)
        out.append(
            Finding(
                p.place.table or "",
                p.place.file or "",
                p.place.line,
                p.place.column or "",
                p.what(lang),
                p.render(lang),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Job:
    """An upload's import as a page shows it."""

    id: int
    user: str
    created_at: datetime
    sources: tuple[str, ...]
    size: int
    state: str  # queued | running | done | failed
    stage: str
    done: int
    total: int
    percent: int
    import_id: int | None
    status: str  # the import's: committed | unchanged | rejected | failed ("" until it has one)
    problems: tuple[Finding, ...]  # the import's errors, each where and what, as the CLI reports them
    message: str
    state_name: str = ""  # the state and the import's outcome in words
    status_name: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def receive(ctx: Context, uploads: Sequence[Upload]) -> Job:
    """Take an uploaded package (one ``.zip``, or its files), unpack it safely under ``uploads/`` and
    queue its import; refused with a sentence — and nothing kept — when it is not a package."""
    from rmperf.db.models import UploadJob

    permit(ctx, "import", package=",".join(u.name for u in uploads))
    ctx.setup()
    if not uploads:
        raise UserError("upload.missing", {})
    most = limit()
    size = sum(len(u.data) for u in uploads)
    if size > most:
        raise _refuse(ctx, "upload.too_large", {"name": _shown(uploads[0].name), "limit": _mib(most)})
    root = ctx.home.root / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    folder = root / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    try:
        zips = [u for u in uploads if u.name.lower().endswith(".zip")]
        if zips and len(uploads) > 1:
            raise _refuse(ctx, "upload.zip_alone", {"name": _shown(zips[0].name)})
        if zips:
            _unzip(ctx, zips[0], folder, most)
        else:
            for u in uploads:
                name = PurePosixPath(u.name.replace("\\", "/")).name
                if _member_path(u.name.replace("\\", "/")) is None or not name:
                    raise _refuse(ctx, "upload.outside", {"name": _shown(u.name)}, security=True)
                if PurePosixPath(name).suffix.lower() not in SUFFIXES:
                    raise _refuse(ctx, "upload.bad_suffix", {"name": _shown(u.name), "allowed": ", ".join(SUFFIXES)})
                (folder / name).write_bytes(u.data)
        if not any(folder.iterdir()):
            raise _refuse(ctx, "upload.nothing_inside", {"name": _shown(uploads[0].name)})
        package = _package_root(folder)
        job = UploadJob.objects.create(
            store=ctx.home.store_id(),
            user=ctx.actor.user_id,
            created_at=datetime.now(UTC),
            sources=[_shown(u.name) for u in uploads],
            size=size,
            folder=str(package),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    import_upload.enqueue(job.pk)
    return job_info(ctx, job.pk)


def run_job(job_id: int) -> None:
    """Import an uploaded package (the task worker's work): as its uploader, with progress on the job;
    the package's folder is removed afterwards, whatever happened."""
    from django.contrib.auth import get_user_model

    from rmperf.db.models import DataImport, UploadJob
    from rmperf.home import Home
    from rmperf.services import data, people

    job = UploadJob.objects.get(pk=job_id)
    if job.state != UploadJob.State.QUEUED:
        return  # run once: a task retried after it started does not import twice
    home = Home.resolve()
    user = get_user_model().objects.filter(username=job.user).first()
    ctx = Context(home, people.actor_for(user) if user is not None else people.actor_for(None), "zh")
    UploadJob.objects.filter(pk=job_id).update(state=UploadJob.State.RUNNING)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.25 or done >= total:
            last[0] = now
            UploadJob.objects.filter(pk=job_id).update(stage=stage[:64], done=done, total=total)

    folder = Path(job.folder)
    try:
        result = data.import_package(ctx, folder, progress=progress)
        found = DataImport.objects.filter(pk=result.import_id).first()
        UploadJob.objects.filter(pk=job_id).update(
            state=UploadJob.State.DONE, data_import=found, finished_at=datetime.now(UTC)
        )
    except UserError as error:
        UploadJob.objects.filter(pk=job_id).update(
            state=UploadJob.State.FAILED, message=error.render("zh"), finished_at=datetime.now(UTC)
        )
    except Exception as error:
        UploadJob.objects.filter(pk=job_id).update(
            state=UploadJob.State.FAILED, message=type(error).__name__, finished_at=datetime.now(UTC)
        )
        raise
    finally:
        shutil.rmtree(_upload_folder(home, folder), ignore_errors=True)


@task()
def import_upload(job_id: int) -> None:
    """The background task of an upload (django-tasks; ``rmperf worker`` runs it): :func:`run_job`.
    Its argument is a plain value, so it can wait in the database for a worker."""
    run_job(job_id)


def _upload_folder(home: Any, folder: Path) -> Path:
    """The job's own folder under ``uploads/`` (the package may be one level inside it)."""
    root = (home.root / "uploads").resolve()
    path = folder.resolve()
    while path.parent != root and path != root and root in path.parents:
        path = path.parent
    return path if path.parent == root else folder


def _readable(ctx: Context, job: Any) -> bool:
    from rmperf.services.access import scope

    found = scope(ctx)
    return job.user == ctx.actor.user_id or found.everything or found.imports


def job_info(ctx: Context, job_id: int) -> Job:
    """An upload's import, for its uploader and those who read the import log (else NotVisible)."""
    from rmperf.db.models import UploadJob
    from rmperf.services.access import NotVisible

    ctx.setup()
    job = UploadJob.objects.filter(pk=job_id, store=ctx.home.store_id()).select_related("data_import").first()
    if job is None or not _readable(ctx, job):
        raise NotVisible()
    imported = job.data_import
    percent = 100 if job.state in ("done", "failed") else (100 * job.done // job.total if job.total else 0)
    return Job(
        job.pk,
        job.user,
        job.created_at,
        tuple(job.sources),
        job.size,
        job.state,
        job.stage,
        job.done,
        job.total,
        percent,
        imported.pk if imported else None,
        imported.status if imported else "",
        _findings(imported.errors or (), ctx.lang) if imported else (),
        job.message,
        words.job_state(job.state, ctx.lang),
        words.import_status(imported.status, ctx.lang) if imported else "",
    )
