"""Every page and API endpoint. ``tests/web/test_permission_matrix.py`` has a row for each: a new one
without a row fails it."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rmperf.web.api import views as api
from rmperf.web.views import pages

api_patterns = [
    path("me/", api.Me.as_view(), name="api-me"),
    path("runs/", api.Runs.as_view(), name="api-runs"),
    path("runs/<int:run_id>/", api.RunDetail.as_view(), name="api-run"),
    path("runs/<int:run_id>/results/", api.Results.as_view(), name="api-results"),
    path("runs/<int:run_id>/results/<str:rm_id>/", api.Result.as_view(), name="api-result"),
    path("runs/<int:run_id>/results/<str:rm_id>/explain/", api.Explain.as_view(), name="api-explain"),
    path("runs/<int:run_id>/pay/", api.PaySheet.as_view(), name="api-paysheet"),
    path("rms/<str:rm_id>/ledger/", api.Ledger.as_view(), name="api-ledger"),
    path("imports/", api.Imports.as_view(), name="api-imports"),
    path("imports/jobs/<int:job_id>/", api.ImportJob.as_view(), name="api-import-job"),
    path("schemes/", api.Schemes.as_view(), name="api-schemes"),
    path("schemes/check/", api.SchemeCheck.as_view(), name="api-scheme-check"),
    path("audit/", api.Audit.as_view(), name="api-audit"),
    path("people/grants/", api.Grants.as_view(), name="api-grants"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set-language"),
    path("runs/", pages.runs, name="runs"),
    path("runs/<int:run_id>/", pages.run_detail, name="run"),
    path("runs/<int:run_id>/rm/<str:rm_id>/", pages.scorecard, name="scorecard"),
    path("runs/<int:run_id>/rm/<str:rm_id>/explain/", pages.explanation, name="explanation"),
    path("runs/<int:run_id>/pay/", pages.paysheet, name="paysheet"),
    path("rms/<str:rm_id>/ledger/", pages.rm_ledger, name="ledger"),
    path("imports/", pages.imports, name="imports"),
    path("imports/jobs/<int:job_id>/", pages.import_job, name="import-job"),
    path("schemes/", pages.schemes, name="schemes"),
    path("schemes/check/", pages.scheme_check, name="scheme-check"),
    path("schemes/<str:scheme_id>/diff/", pages.scheme_diff, name="scheme-diff"),
    path("schemes/<str:scheme_id>/<str:digest>/", pages.scheme_version, name="scheme"),
    path("audit/", pages.audit_log, name="audit"),
    path("people/", pages.people, name="people"),
    path("api/", include(api_patterns)),
]
