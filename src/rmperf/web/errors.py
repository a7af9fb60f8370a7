"""A refusal of the services as the web answers it: outside the user's scope → 404 (nothing revealed),
any other refused input → 400 with its sentence in the user's language; never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rmperf.errors import UserError
from rmperf.services.access import NotVisible
from rmperf.services.permissions import PermissionDenied


def _lang(request: HttpRequest) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh"


class RefusalMiddleware:
    """Render a :class:`UserError` raised by a page as the page's refusal (404, 403 or 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotVisible):
            return render(request, "404.html", status=404)
        if isinstance(exception, UserError):
            status = 403 if isinstance(exception, PermissionDenied) else 400
            return render(request, "web/refused.html", {"message": exception.render(_lang(request))}, status=status)
        return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's handler, with the services' refusals as 404 / 403 / 400 and a sentence, not a code."""
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, NotVisible):
        return Response({"detail": exc.render(_lang(context["request"]))}, status=404)
    if isinstance(exc, UserError):
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return Response({"detail": exc.render(_lang(context["request"]))}, status=status)
    return exception_handler(exc, context)
