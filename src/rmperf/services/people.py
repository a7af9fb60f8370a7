"""People and their role grants (人员与授权): users, and who may read and do what on which part of the bank.

Each change is one action: the permission seam, one transaction, an audit entry with who, when, what,
why, before and after. Grants are revoked, never deleted; a user is deactivated, never deleted (their
name stays on what they did). Passwords are hashed with Argon2 (the settings' only hasher).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rmperf.errors import UserError
from rmperf.services.access import ROLES
from rmperf.services.context import Actor, Context, Grant
from rmperf.services.permissions import permit


@dataclass(frozen=True)
class GrantInfo:
    id: int
    username: str
    role: str
    org_id: str
    rm_id: str
    granted_by: str
    granted_at: datetime
    #: the role and the org unit as the reader names them (考核办; 城东支行)
    role_name: str = ""
    org_name: str = ""


def _info(ctx: Context, g: Any) -> GrantInfo:
    from rmperf.services import access, words

    return GrantInfo(
        g.pk,
        g.user.get_username(),
        g.role,
        g.org_id,
        g.rm_id,
        g.granted_by,
        g.granted_at,
        words.role(g.role, ctx.lang),
        access.org_name(ctx, g.org_id) if g.org_id else "",
    )


def actor_for(user: Any) -> Actor:
    """The services' actor of a signed-in user: their username and their grants in force (an anonymous or
    deactivated user: an actor with no grant)."""
    from rmperf.db.models import RoleGrant

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor("anonymous")
    grants = tuple(
        Grant(g.role, g.org_id or None, g.rm_id or None)
        for g in RoleGrant.objects.filter(user=user, revoked_at__isnull=True).order_by("id")
    )
    return Actor(user.get_username(), grants)


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise UserError("people.no_user", {"user": username}) from None


def create_user(ctx: Context, username: str, password: str, *, reason: str = "") -> str:
    """Make a user who can sign in (with no role until one is granted); the password is checked by the
    settings' validators and stored as an Argon2 hash."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from rmperf.db.chain import audit

    permit(ctx, "people.create", user=username)
    ctx.setup()
    users = get_user_model()
    if not username or len(username) > 150 or not username.replace("_", "").replace(".", "").isalnum():
        raise UserError("people.bad_username", {"user": username})
    if users.objects.filter(username=username).exists():
        raise UserError("people.user_exists", {"user": username})
    try:
        validate_password(password, users(username=username))
    except ValidationError as e:
        raise UserError("people.weak_password", {"user": username, "why": " ".join(e.messages)}) from None
    with transaction.atomic():
        user = users.objects.create_user(username=username, password=password)
        audit(ctx.actor.user_id, "people.create", "user", str(user.pk), {"after": {"username": username}}, reason)
    return username


def grant(
    ctx: Context, username: str, role: str, *, org_id: str | None = None, rm_id: str | None = None, reason: str = ""
) -> GrantInfo:
    """Give ``username`` ``role`` on ``org_id`` (and its subtree; None: the whole bank); a 客户经理 grant
    names the RM the user is (``rm_id``), an RM of the store."""
    from django.db import transaction

    from rmperf.db.chain import audit
    from rmperf.db.models import RoleGrant
    from rmperf.services.access import org_parents

    permit(ctx, "people.grant", user=username, role=role, org_id=org_id)
    ctx.setup()
    if role not in ROLES:
        raise UserError("people.bad_role", {"role": role, "roles": ", ".join(ROLES)})
    if role == "rm":
        if not rm_id:
            raise UserError("people.rm_needs_id", {})
        known = {r for (r,) in ctx.backend().query("SELECT rm_id FROM managers")}
        if rm_id not in known:
            raise UserError("people.no_rm", {"rm": rm_id})
    elif rm_id:
        raise UserError("people.rm_id_only_for_rm", {"role": role})
    if org_id is not None and org_id not in org_parents(ctx):
        raise UserError("people.no_org", {"org": org_id})
    user = _user(username)
    now = datetime.now(UTC)
    with transaction.atomic():
        g = RoleGrant.objects.create(
            user=user,
            role=role,
            org_id=org_id or "",
            rm_id=rm_id or "",
            granted_by=ctx.actor.user_id,
            granted_at=now,
        )
        after = {"user": username, "role": role, "org_id": org_id or "", "rm_id": rm_id or ""}
        audit(ctx.actor.user_id, "people.grant", "grant", str(g.pk), {"before": None, "after": after}, reason, now)
    return _info(ctx, g)


def revoke(ctx: Context, grant_id: int, *, reason: str) -> None:
    """Take a grant back (it stays, marked revoked, with who and when)."""
    from django.db import transaction

    from rmperf.db.chain import audit
    from rmperf.db.models import RoleGrant

    permit(ctx, "people.revoke", grant=grant_id)
    ctx.setup()
    if not reason.strip():
        raise UserError("people.reason_needed", {})
    now = datetime.now(UTC)
    with transaction.atomic():
        g = RoleGrant.objects.select_for_update().filter(pk=grant_id, revoked_at__isnull=True).first()
        if g is None:
            raise UserError("people.no_grant", {"grant": grant_id})
        before = {"user": g.user.get_username(), "role": g.role, "org_id": g.org_id, "rm_id": g.rm_id}
        g.revoked_at, g.revoked_by = now, ctx.actor.user_id
        g.save(update_fields=["revoked_at", "revoked_by"])
        audit(ctx.actor.user_id, "people.revoke", "grant", str(g.pk), {"before": before, "after": None}, reason, now)


def deactivate(ctx: Context, username: str, *, reason: str) -> None:
    """Stop a user signing in (their sessions end with it); the user and what they did stay."""
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from rmperf.db.chain import audit

    permit(ctx, "people.deactivate", user=username)
    ctx.setup()
    if not reason.strip():
        raise UserError("people.reason_needed", {})
    user = _user(username)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        for s in Session.objects.all():
            if str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
                s.delete()
        audit(
            ctx.actor.user_id,
            "people.deactivate",
            "user",
            str(user.pk),
            {"before": {"active": True}, "after": {"active": False}},
            reason,
        )


def grants(ctx: Context) -> list[GrantInfo]:
    """Every grant in force, for the administrator (and the local operator)."""
    from rmperf.db.models import RoleGrant
    from rmperf.services.access import NotVisible, scope

    if not scope(ctx).people:
        raise NotVisible()
    return [
        _info(ctx, g) for g in RoleGrant.objects.filter(revoked_at__isnull=True).select_related("user").order_by("id")
    ]


def set_password(ctx: Context, username: str, password: str, *, reason: str) -> None:
    """Give a user a new password (checked as a new one is); their other sessions end."""
    from django.contrib.auth.password_validation import validate_password
    from django.contrib.sessions.models import Session
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from rmperf.db.chain import audit

    permit(ctx, "people.create", user=username)
    ctx.setup()
    user = _user(username)
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise UserError("people.weak_password", {"user": username, "why": " ".join(e.messages)}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        for s in Session.objects.all():
            if str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
                s.delete()
        audit(ctx.actor.user_id, "people.password", "user", str(user.pk), {"after": "(new password)"}, reason)


@dataclass(frozen=True)
class Login:
    """A demo login: who, in which role, on which part of the bank, with which password."""

    username: str
    role: str
    where: str
    password: str


def demo_people(ctx: Context) -> list[Login]:
    """One user per role on the demo bank, each with a new random password (for a demo home only).

    The office, re-checker and auditor on the whole bank; the committee (member and head) of the first
    sub-branch, its president and that of its branch; an RM of that sub-branch and one of another; the
    administrator.
    """
    import secrets

    from django.contrib.auth import get_user_model

    from rmperf.db.models import RoleGrant

    backend = ctx.backend()
    subs = [o for (o,) in backend.query("SELECT org_id FROM orgs WHERE level = 'subbranch' ORDER BY org_id")]
    parent = dict(backend.query("SELECT org_id, parent_id FROM orgs"))
    rms = dict(backend.query("SELECT org_id, min(rm_id) FROM managers GROUP BY org_id"))
    a = next(o for o in subs if o in rms)
    b = next((o for o in subs if o in rms and parent.get(o) != parent.get(a)), a)
    wanted = [
        ("office", "office", None, None),
        ("committee_a", "committee", a, None),
        ("committee_head_a", "committee_head", a, None),
        ("rm_a", "rm", None, rms[a]),
        ("rm_b", "rm", None, rms[b]),
        ("president_a", "president", parent.get(a) or a, None),
        ("rechecker", "rechecker", None, None),
        ("auditor", "auditor", None, None),
        ("admin", "admin", None, None),
    ]
    logins = []
    users = get_user_model()
    for username, role, org, rm in wanted:
        password = "demo-" + secrets.token_urlsafe(9)
        if users.objects.filter(username=username).exists():
            set_password(ctx, username, password, reason="demo")
        else:
            create_user(ctx, username, password, reason="demo")
        if not RoleGrant.objects.filter(
            user__username=username, role=role, org_id=org or "", rm_id=rm or "", revoked_at__isnull=True
        ).exists():
            grant(ctx, username, role, org_id=org, rm_id=rm, reason="demo")
        logins.append(Login(username, role, rm or org or "*", password))
    return logins


def security_event(who: str, event: str, object_type: str, object_id: str, where: dict[str, str]) -> None:
    """Record a security event of the web application (a locked sign-in, a form without its CSRF token)
    in the audit log: who was tried, what happened, from where."""
    from rmperf.db.chain import audit

    audit(who or "anonymous", f"security.{event}", object_type, object_id[:64], where)
