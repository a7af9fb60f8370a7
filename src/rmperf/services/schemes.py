"""Appraisal schemes (考核方案) as a reader sees them: the shipped templates and the versions runs used,
each version's YAML, the difference between two versions, and the check of a scheme file without
running it — every problem at once, with file, line and key path, as the loader reports them.

Reading needs no data of the bank (a scheme is the published rules); checking an upload is the
performance office's (``scheme.check``) and stores nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from rmperf.core.scheme.errors import Problem, SchemeError
from rmperf.errors import UserError
from rmperf.runs.service import Upload
from rmperf.services.context import Context
from rmperf.services.permissions import permit

#: the largest scheme file checked (a shipped template is under 60 KB)
MAX_SCHEME_BYTES = 1_000_000


@dataclass(frozen=True)
class Finding:
    """One problem of a checked scheme: where (file, line, key path) and what, in the reader's language."""

    where: str
    what: str
    line: int | None
    path: str


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a scheme file: its id, version and name when it loads, else every problem."""

    source: str
    ok: bool
    findings: tuple[Finding, ...]
    scheme_id: str = ""
    version: int | None = None
    name: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    periods: tuple[str, ...] = ()
    dimensions: int = 0
    items: int = 0


def _findings(problems: tuple[Problem, ...], lang: str) -> tuple[Finding, ...]:
    from rmperf.core.scheme.errors import format_path

    return tuple(Finding(p.where(lang), p.what(lang), p.line, format_path(p.path)) for p in problems)


def check_text(ctx: Context, text: str, source: str) -> Checked:
    """Check the scheme ``text`` (named ``source``) as a run would load it; nothing is stored."""
    from rmperf.core.scheme import load_scheme

    try:
        scheme = load_scheme(text, source=source)
    except SchemeError as error:
        return Checked(source, False, _findings(error.problems, ctx.lang))
    h = scheme.header
    return Checked(
        source,
        True,
        (),
        h.id,
        h.version,
        (h.name.en if ctx.lang == "en" and h.name.en else h.name.zh) or h.id,
        h.valid_from,
        h.valid_to,
        tuple(str(p) for p in h.periods),
        len(scheme.dimensions),
        sum(len(d.items) for d in scheme.dimensions),
    )


def check(ctx: Context, upload: Upload) -> Checked:
    """Check an uploaded scheme file without running it (the office's ``scheme.check``): refused when it
    is too large or not UTF-8 text; otherwise every problem the loader finds."""
    permit(ctx, "scheme.check", source=upload.name)
    name = _safe_name(upload.name)
    if len(upload.data) > MAX_SCHEME_BYTES:
        raise UserError("scheme.too_large", {"name": name, "limit": f"{MAX_SCHEME_BYTES // 1000} KB"})
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError("scheme.file_not_utf8", {"name": name, "at": error.start}) from None
    return check_text(ctx, text, name)


def _safe_name(name: str) -> str:
    """A file name as a user gave it, without any folder and with nothing unprintable."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:120] or "scheme.yaml"


@dataclass(frozen=True)
class Version:
    """One version of a scheme: where it comes from (a shipped template, or the runs that used it)."""

    scheme_id: str
    version: int
    name: str
    shipped: bool
    runs: tuple[int, ...]
    digest: str  # the SHA-256 of its text: two runs of one version read the same file


@dataclass(frozen=True)
class SchemeInfo:
    scheme_id: str
    name: str
    versions: tuple[Version, ...]


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shipped() -> list[str]:
    """The text of every shipped template."""
    from rmperf.schemes.templates import names, template_path

    return [template_path(name).read_text(encoding="utf-8") for name in names()]


_HEADERS: dict[str, tuple[str, int, str, str] | None] = {}


def _header(text: str, digest: str) -> tuple[str, int, str, str] | None:
    """(id, version, name in Chinese, name in English) of a scheme's text, loaded once per digest; None
    when the text no longer loads (a run's scheme of an older format)."""
    from rmperf.core.scheme import load_scheme

    if digest not in _HEADERS:
        try:
            h = load_scheme(text, source="scheme").header
            _HEADERS[digest] = (h.id, h.version, h.name.zh or h.id, h.name.en or h.name.zh or h.id)
        except SchemeError:
            _HEADERS[digest] = None
    return _HEADERS[digest]


def _texts(ctx: Context) -> dict[tuple[str, int, str], tuple[str, bool, list[int]]]:
    """(scheme id, version, digest) → (text, shipped, the runs that used it), for every scheme known."""
    from rmperf.db.models import Run

    ctx.setup()
    found: dict[tuple[str, int, str], tuple[str, bool, list[int]]] = {}
    for text in _shipped():
        digest = _sha(text)
        header = _header(text, digest)
        if header is not None:
            found[(header[0], header[1], digest)] = (text, True, [])
    runs = Run.objects.filter(store=ctx.home.store_id()).order_by("id")
    for run in runs.only("id", "scheme_id", "scheme_version", "scheme_hash", "scheme_text"):
        key = (run.scheme_id, run.scheme_version, _sha(run.scheme_text))
        if key not in found:
            found[key] = (run.scheme_text, False, [])
        found[key][2].append(run.pk)
    return found


def _readable(ctx: Context) -> None:
    from rmperf.services.access import NotVisible, scope

    if not scope(ctx).reads_results:
        raise NotVisible()


def schemes(ctx: Context) -> list[SchemeInfo]:
    """Every scheme known to this home — the shipped templates and the schemes runs used — with their
    versions, newest first."""
    _readable(ctx)
    by_id: dict[str, list[Version]] = {}
    names: dict[str, str] = {}
    for (scheme_id, version, digest), (text, shipped, runs) in _texts(ctx).items():
        header = _header(text, digest)
        name = (header[3] if ctx.lang == "en" else header[2]) if header else scheme_id
        names.setdefault(scheme_id, name)
        by_id.setdefault(scheme_id, []).append(Version(scheme_id, version, name, shipped, tuple(runs), digest))
    return [
        SchemeInfo(sid, names.get(sid, sid), tuple(sorted(vs, key=lambda v: (-v.version, not v.shipped))))
        for sid, vs in sorted(by_id.items())
    ]


def scheme_text(ctx: Context, scheme_id: str, digest: str) -> str:
    """The YAML of one version of a scheme (by its digest, as :func:`schemes` lists it)."""
    from rmperf.services.access import NotVisible

    _readable(ctx)
    for (sid, _, d), (text, _, _) in _texts(ctx).items():
        if sid == scheme_id and d == digest:
            return text
    raise NotVisible()


def diff(ctx: Context, scheme_id: str, old: str, new: str) -> list[str]:
    """The unified difference between two versions of a scheme (by digest), line by line."""
    a = scheme_text(ctx, scheme_id, old)
    b = scheme_text(ctx, scheme_id, new)
    return list(
        difflib.unified_diff(
            a.splitlines(), b.splitlines(), f"{scheme_id}@{old[:8]}", f"{scheme_id}@{new[:8]}", lineterm=""
        )
    )
