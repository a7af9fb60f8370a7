"""Security events of the web application, in the audit log: a sign-in locked after repeated failures, a
form posted without its CSRF token. Each answer is a sentence in the user's language."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rmperf import i18n


def _where(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {
        "ip": request.META.get("REMOTE_ADDR", ""),
        "path": request.path,
        "agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


def _lang(request: HttpRequest) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A POST without a valid CSRF token: refused (403), said plainly, recorded."""
    from rmperf.services.people import security_event

    user = request.user.get_username() if getattr(request, "user", None) and request.user.is_authenticated else ""
    security_event(user, "csrf", "request", request.path, {**_where(request), "reason": reason})
    message = i18n.t("web.csrf", {}, _lang(request))
    return render(request, "web/refused.html", {"message": message}, status=403)


def locked_out(sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any) -> None:
    """django-axes locked a sign-in out: who was tried, from where."""
    from rmperf.services.people import security_event

    security_event(username, "locked_out", "user", username or "", _where(request))


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(locked_out, dispatch_uid="rmperf-audit-lockout")
