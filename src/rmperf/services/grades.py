"""Grade proposals (职级调整建议, 003) and the consequences of results (考核结果应用, 002) as services.

Both propose; neither changes anything: a person decides. The rows are the flat records a page, the
command line and a workbook show alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rmperf.runs.service import Upload
from rmperf.services.context import Context

if TYPE_CHECKING:
    from rmperf.pay.grades_service import ConsequenceReport, GradeReport
    from rmperf.services.runs import Document


def grade_report(
    ctx: Context,
    period: str,
    *,
    run_id: int | None = None,
    on: date | None = None,
    facts: Upload | Path | None = None,
    ladder: str | None = None,
) -> GradeReport:
    """The grade proposals of ``period`` (a year: the January evaluation; a first half: July) from a run."""
    from rmperf.pay import grades_service as svc

    ctx.setup()
    return svc.grade_report(ctx.home, period, run_id=run_id, on=on, facts_file=facts, ladder_ref=ladder)


def grade_rows(ctx: Context, report: GradeReport) -> list[dict[str, str]]:
    """The proposals as flat rows in the context's language, by sub-branch then rm_id."""
    from rmperf.pay import grades_service as svc

    return svc.grade_rows(report, ctx.lang)


def consequence_report(ctx: Context, period: str, *, scheme: str, as_of: date | None = None) -> ConsequenceReport:
    """The consequences of ``period`` (a year or a quarter) from the stored runs of ``scheme``."""
    from rmperf.pay import grades_service as svc

    ctx.setup()
    return svc.consequence_report(ctx.home, period, scheme_id=scheme, as_of=as_of)


def consequence_rows(ctx: Context, report: ConsequenceReport) -> list[dict[str, str]]:
    from rmperf.pay import grades_service as svc

    return svc.consequence_rows(report, ctx.lang)


def rows_document(rows: Sequence[Mapping[str, str]], fmt: str, sheet: str) -> Document:
    """Proposal rows as a ``csv`` (UTF-8 with BOM) or ``xlsx`` document."""
    import tempfile

    from rmperf.errors import UserError
    from rmperf.pay import grades_service as svc
    from rmperf.services.runs import Document

    if fmt not in ("csv", "xlsx"):
        raise UserError("value.proposals_format", {"value": fmt})
    name = f"{sheet}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        svc.write_rows(path, rows, sheet)
        media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Document(name, media, path.read_bytes())
