"""The pages of the read side: dashboard, runs, a run's results, an RM's scorecard and its figures
opened, the audit log, people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rmperf.services import access, board, words
from rmperf.web.files import upload_of, uploads_of
from rmperf.web.people import context_of

#: rows per page of a results table and of an explanation
PAGE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _run_id(request: HttpRequest) -> int | None:
    text = request.GET.get("run", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    return int(text)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    ctx = context_of(request)
    found = board.dashboard(ctx, _run_id(request))
    chart: dict[str, Any] = {}
    if found is not None:
        chart = {
            "labels": [f"{b.low:.0f}–{b.high:.0f}" for b in found.bins],
            "counts": [b.count for b in found.bins],
            "units": [u.name for u in found.units],
            "averages": [str(u.average) if u.average is not None else None for u in found.units],
        }
    return render(request, "web/dashboard.html", {"board": found, "chart": chart, "scope": access.scope(ctx)})


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    ctx = context_of(request)
    return render(request, "web/runs.html", {"runs": access.visible_runs(ctx)})


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    ctx = context_of(request)
    sort = request.GET.get("sort", "rank")
    table = board.result_table(
        ctx,
        run_id,
        org=request.GET.get("org", ""),
        group=request.GET.get("group", ""),
        sort=sort if sort in board.SORTS else "rank",
        descending=request.GET.get("desc") == "1",
    )
    page = Paginator(table.records, PAGE).get_page(_page_number(request))
    return render(request, "web/run.html", {"t": table, "run": table.run, "page": page, "sort": sort})


@login_required
def scorecard(request: HttpRequest, run_id: int, rm_id: str) -> HttpResponse:
    card = board.scorecard(context_of(request), run_id, rm_id)
    return render(request, "web/scorecard.html", {"run": card.run, "card": card, "r": card.record})


@login_required
def explanation(request: HttpRequest, run_id: int, rm_id: str) -> HttpResponse:
    ctx = context_of(request)
    name = request.GET.get("input", "")
    if not name:
        raise Http404
    number = _page_number(request)
    opened = access.explain_input(ctx, run_id, rm_id, name, offset=(number - 1) * PAGE, limit=PAGE)
    pages = max((opened.total_rows + PAGE - 1) // PAGE, 1)
    template = "web/_explanation.html" if request.htmx else "web/explanation.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "run_id": run_id,
            "rm_id": rm_id,
            "o": opened,
            "number": number,
            "pages": pages,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < pages else None,
        },
    )


@login_required
def paysheet(request: HttpRequest, run_id: int) -> HttpResponse:
    ctx = context_of(request)
    found = board.paysheet_page(ctx, run_id)
    fmt = request.GET.get("format", "")
    if fmt:
        from rmperf.services import pay

        doc = pay.paysheet_document(ctx, found.sheet, fmt)
        response = HttpResponse(doc.data, content_type=doc.media_type)
        response["Content-Disposition"] = f'attachment; filename="{doc.name}"'
        return response
    return render(request, "web/paysheet.html", {"p": found, "run": found.run})


@login_required
def rm_ledger(request: HttpRequest, rm_id: str) -> HttpResponse:
    found = board.ledger_page(context_of(request), rm_id)
    return render(request, "web/ledger.html", {"p": found, "l": found.ledger})


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    from rmperf.services import schemes as scheme_services

    return render(request, "web/schemes.html", {"schemes": scheme_services.schemes(context_of(request))})


@login_required
def scheme_version(request: HttpRequest, scheme_id: str, digest: str) -> HttpResponse:
    from rmperf.services import schemes as scheme_services

    text = scheme_services.scheme_text(context_of(request), scheme_id, digest)
    return render(request, "web/scheme.html", {"scheme_id": scheme_id, "digest": digest, "text": text})


@login_required
def scheme_diff(request: HttpRequest, scheme_id: str) -> HttpResponse:
    from rmperf.services import schemes as scheme_services

    old, new = request.GET.get("a", ""), request.GET.get("b", "")
    lines = scheme_services.diff(context_of(request), scheme_id, old, new)
    return render(request, "web/scheme_diff.html", {"scheme_id": scheme_id, "lines": lines, "a": old, "b": new})


@login_required
def scheme_check(request: HttpRequest) -> HttpResponse:
    from rmperf.services import schemes as scheme_services

    ctx = context_of(request)
    checked = None
    if request.method == "POST":
        checked = scheme_services.check(ctx, upload_of(request.FILES, "file", scheme_services.MAX_SCHEME_BYTES))
    else:
        from rmperf.services.permissions import permit

        permit(ctx, "scheme.check")
    status = 200 if checked is None or checked.ok else 422
    return render(request, "web/scheme_check.html", {"checked": checked}, status=status)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import redirect

    from rmperf.services import uploads

    ctx = context_of(request)
    if request.method == "POST":
        job = uploads.receive(ctx, uploads_of(request.FILES, "files", uploads.limit()))
        return redirect("import-job", job_id=job.id)
    found = access.scope(ctx)
    log = access.import_log(ctx) if found.imports else []
    jobs = [uploads.job_info(ctx, j) for j in access.upload_jobs(ctx)]
    return render(request, "web/imports.html", {"log": log, "jobs": jobs, "may_upload": found.imports})


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    from rmperf.services import uploads

    job = uploads.job_info(context_of(request), job_id)
    template = "web/_job.html" if request.htmx else "web/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    ctx = context_of(request)
    events = access.audit_events(ctx, action=request.GET.get("action", ""), actor=request.GET.get("actor", ""))
    page = Paginator(events, PAGE).get_page(_page_number(request))
    return render(
        request,
        "web/audit.html",
        {"page": page, "action": request.GET.get("action", ""), "actions": words.actions(ctx.lang)},
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    from rmperf.services import people as people_services

    ctx = context_of(request)
    return render(request, "web/people.html", {"grants": people_services.grants(ctx)})
