"""API endpoints: each validates its input, calls the same service its page calls, and returns JSON."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rmperf.services import access, board
from rmperf.web.files import upload_of, uploads_of
from rmperf.web.people import context_of


class GrantSerializer(serializers.Serializer):  # type: ignore[type-arg]
    role = serializers.CharField()
    org_id = serializers.CharField(allow_null=True)
    rm_id = serializers.CharField(allow_null=True)


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField()
    grants = GrantSerializer(many=True)


class RunSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    scheme_id = serializers.CharField()
    scheme_version = serializers.IntegerField()
    period = serializers.CharField()
    rm_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    user = serializers.CharField()
    engine = serializers.CharField()
    store_version = serializers.IntegerField(allow_null=True)
    input_hash = serializers.CharField()
    code_version = serializers.CharField()
    result_hash = serializers.CharField()


class ResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rm_id = serializers.CharField()
    name = serializers.CharField(allow_null=True, required=False)
    org_id = serializers.CharField()
    org_name = serializers.CharField(required=False)
    post = serializers.CharField(allow_null=True, required=False)
    total_score = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    group = serializers.CharField(allow_null=True)
    veto = serializers.BooleanField()
    dimensions = serializers.DictField(child=serializers.CharField(allow_null=True))
    indicators = serializers.DictField(child=serializers.DictField())


class LineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    item = serializers.CharField()
    customer = serializers.CharField()
    category = serializers.CharField()
    amount = serializers.DecimalField(max_digits=30, decimal_places=2, allow_null=True, coerce_to_string=True)


class OpenedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    kind = serializers.CharField()
    stored = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=True)
    indicator = serializers.CharField(allow_null=True)
    total_rows = serializers.IntegerField()
    lines = LineSerializer(many=True)
    problem = serializers.CharField(allow_null=True)
    amounts = serializers.BooleanField()


def _run(info: Any) -> dict[str, Any]:
    return {
        "id": info.run_id,
        "scheme_id": info.scheme_id,
        "scheme_version": info.scheme_version,
        "period": info.period,
        "rm_count": info.rm_count,
        "created_at": info.created_at,
        "user": info.user,
        "engine": info.engine,
        "store_version": info.store_version,
        "input_hash": info.input_hash,
        "code_version": info.code_version,
        "result_hash": info.result_hash,
    }


class Me(APIView):
    @extend_schema(responses=MeSerializer, summary="Who am I: my username and role grants")
    def get(self, request: Request) -> Response:
        actor = context_of(request).actor
        grants = [{"role": g.role, "org_id": g.org_id, "rm_id": g.rm_id} for g in actor.grants]
        return Response(MeSerializer({"username": actor.user_id, "grants": grants}).data)


class Runs(APIView):
    @extend_schema(responses=RunSerializer(many=True), summary="The runs I read, newest first")
    def get(self, request: Request) -> Response:
        found = access.visible_runs(context_of(request))
        return Response(RunSerializer([_run(r) for r in found], many=True).data)


class RunDetail(APIView):
    @extend_schema(responses=RunSerializer, summary="One run's record")
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunSerializer(_run(access.run_info(context_of(request), run_id))).data)


PAGE_PARAMS = [
    OpenApiParameter("org", str, description="only this org unit's RMs"),
    OpenApiParameter("group", str, description="only this rank group"),
    OpenApiParameter("sort", str, enum=sorted(board.SORTS)),
    OpenApiParameter("desc", bool),
]


class Results(APIView):
    @extend_schema(parameters=PAGE_PARAMS, responses=ResultSerializer(many=True), summary="A run's results of my RMs")
    def get(self, request: Request, run_id: int) -> Response:
        sort = request.query_params.get("sort", "rank")
        table = board.result_table(
            context_of(request),
            run_id,
            org=request.query_params.get("org", ""),
            group=request.query_params.get("group", ""),
            sort=sort if sort in board.SORTS else "rank",
            descending=request.query_params.get("desc") in ("1", "true"),
        )
        return Response(ResultSerializer(list(table.records), many=True).data)


class Result(APIView):
    @extend_schema(responses=ResultSerializer, summary="One RM's result in a run (their scorecard)")
    def get(self, request: Request, run_id: int, rm_id: str) -> Response:
        return Response(ResultSerializer(access.result(context_of(request), run_id, rm_id)).data)


class Explain(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("input", str, required=True, description="the input's name in the scheme"),
            OpenApiParameter("offset", int),
            OpenApiParameter("limit", int),
        ],
        responses=OpenedSerializer,
        summary="The rows behind one figure of an RM's result, as the run computed it",
    )
    def get(self, request: Request, run_id: int, rm_id: str) -> Response:
        name = request.query_params.get("input", "")
        try:
            offset = max(int(request.query_params.get("offset", "0")), 0)
            limit = min(max(int(request.query_params.get("limit", "50")), 1), 1000)
        except ValueError:
            return Response({"detail": "offset and limit are whole numbers"}, status=400)
        if not name:
            return Response({"detail": "input is required"}, status=400)
        opened = access.explain_input(context_of(request), run_id, rm_id, name, offset=offset, limit=limit)
        return Response(OpenedSerializer(opened).data)


class AuditSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    action_name = serializers.CharField()
    object = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    detail = serializers.JSONField()


class Audit(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("action", str), OpenApiParameter("actor", str)],
        responses=AuditSerializer(many=True),
        summary="The audit log, newest first (read-only)",
    )
    def get(self, request: Request) -> Response:
        events = access.audit_events(
            context_of(request),
            action=request.query_params.get("action", ""),
            actor=request.query_params.get("actor", ""),
            limit=1000,
        )
        return Response(AuditSerializer(events, many=True).data)


class GrantInfoSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    role_name = serializers.CharField()
    org_id = serializers.CharField(allow_blank=True)
    org_name = serializers.CharField(allow_blank=True)
    rm_id = serializers.CharField(allow_blank=True)
    granted_by = serializers.CharField()
    granted_at = serializers.DateTimeField()


class Grants(APIView):
    @extend_schema(responses=GrantInfoSerializer(many=True), summary="Every role grant in force (administrator)")
    def get(self, request: Request) -> Response:
        from rmperf.services import people

        return Response(GrantInfoSerializer(people.grants(context_of(request)), many=True).data)


class PaySheetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    run = RunSerializer()
    columns = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    rows = serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)))
    reconciles = serializers.BooleanField()
    whole_bank = serializers.BooleanField()


class PaySheet(APIView):
    @extend_schema(
        responses=PaySheetSerializer,
        summary="A posted run's pay sheet of my RMs: a row per RM, a subtotal per sub-branch, the total",
    )
    def get(self, request: Request, run_id: int) -> Response:
        found = board.paysheet_page(context_of(request), run_id)
        data = {
            "run": _run(found.run),
            "columns": [list(c) for c in found.columns],
            "rows": list(found.rows),
            "reconciles": found.reconciles,
            "whole_bank": found.whole_bank,
        }
        return Response(PaySheetSerializer(data).data)


class LedgerLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.CharField()
    kind = serializers.CharField()
    pool = serializers.CharField(allow_blank=True)
    amount = serializers.CharField()
    cycle = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    due = serializers.CharField(allow_blank=True)
    ref = serializers.CharField(allow_blank=True)


class LedgerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rm_id = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    org_name = serializers.CharField(allow_blank=True)
    balances = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    lines = LedgerLineSerializer(many=True)
    chart = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class Ledger(APIView):
    @extend_schema(responses=LedgerSerializer, summary="An RM's pay ledger: balances, entries, their course over time")
    def get(self, request: Request, rm_id: str) -> Response:
        found = board.ledger_page(context_of(request), rm_id)
        data = {
            "rm_id": found.ledger.rm_id,
            "name": found.ledger.name,
            "org_name": found.ledger.org_name,
            "balances": [list(b) for b in found.balances],
            "lines": list(found.lines),
            "chart": found.chart,
        }
        return Response(LedgerSerializer(data).data)


class VersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()
    shipped = serializers.BooleanField()
    runs = serializers.ListField(child=serializers.IntegerField())
    digest = serializers.CharField()


class SchemeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    scheme_id = serializers.CharField()
    name = serializers.CharField()
    versions = VersionSerializer(many=True)


class Schemes(APIView):
    @extend_schema(responses=SchemeSerializer(many=True), summary="The shipped templates and the schemes runs used")
    def get(self, request: Request) -> Response:
        from rmperf.services import schemes

        return Response(SchemeSerializer(schemes.schemes(context_of(request)), many=True).data)


class FindingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    where = serializers.CharField(allow_blank=True)
    what = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    path = serializers.CharField(allow_blank=True)


class CheckedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.CharField(source="source")
    ok = serializers.BooleanField()
    findings = FindingSerializer(many=True)
    scheme_id = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)


class SchemeUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()


class SchemeCheck(APIView):
    parser_classes = (MultiPartParser,)

    @extend_schema(
        request={"multipart/form-data": SchemeUploadSerializer},
        responses={200: CheckedSerializer, 422: CheckedSerializer},
        summary="Check a scheme file without running it: every problem with its line and key path",
    )
    def post(self, request: Request) -> Response:
        from rmperf.services import schemes

        checked = schemes.check(context_of(request), upload_of(request.FILES, "file", schemes.MAX_SCHEME_BYTES))
        return Response(CheckedSerializer(checked).data, status=200 if checked.ok else 422)


class ImportInfoSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    user = serializers.CharField()
    status = serializers.CharField()
    content_hash = serializers.CharField()
    rows = serializers.IntegerField()
    error_count = serializers.IntegerField(source="errors")
    warning_count = serializers.IntegerField(source="warnings")


class ImportFindingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    table = serializers.CharField(allow_blank=True)
    file = serializers.CharField(allow_blank=True)
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    what = serializers.CharField()
    text = serializers.CharField()


class JobSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    user = serializers.CharField()
    created_at = serializers.DateTimeField()
    sources = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()
    state = serializers.CharField()
    state_name = serializers.CharField()
    stage = serializers.CharField(allow_blank=True)
    percent = serializers.IntegerField()
    import_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    status_name = serializers.CharField(allow_blank=True)
    problems = ImportFindingSerializer(many=True)
    message = serializers.CharField(allow_blank=True)


class PackageUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    files = serializers.ListField(child=serializers.FileField())


class Imports(APIView):
    parser_classes = (MultiPartParser,)

    @extend_schema(responses=ImportInfoSerializer(many=True), summary="The import log, newest first")
    def get(self, request: Request) -> Response:
        found = access.import_log(context_of(request))
        data = [
            {
                "id": i.import_id,
                "started_at": i.started_at,
                "user": i.user,
                "status": i.status,
                "content_hash": i.content_hash,
                "rows": i.rows,
                "errors": i.errors,
                "warnings": i.warnings,
            }
            for i in found
        ]
        return Response(ImportInfoSerializer(data, many=True).data)

    @extend_schema(
        request={"multipart/form-data": PackageUploadSerializer},
        responses={202: JobSerializer},
        summary="Upload a data package (one zip, or its files); it is checked and imported in the background",
    )
    def post(self, request: Request) -> Response:
        from rmperf.services import uploads

        job = uploads.receive(context_of(request), uploads_of(request.FILES, "files", uploads.limit()))
        return Response(JobSerializer(job).data, status=202)


class ImportJob(APIView):
    @extend_schema(responses=JobSerializer, summary="How far an upload's import has got, and its problems")
    def get(self, request: Request, job_id: int) -> Response:
        from rmperf.services import uploads

        return Response(JobSerializer(uploads.job_info(context_of(request), job_id)).data)
