"""People and grants: made through one action each (permission, transaction, audit), and what the web
does with a user who is locked out, deactivated, or posts without a CSRF token."""

from __future__ import annotations

from typing import Any

import pytest

from rmperf.errors import UserError
from rmperf.services.context import Actor, Context, Grant
from tests.web.conftest import PASSWORD


def _office(bank: Any) -> Context:
    return Context(bank.home, Actor.local_operator("office-li"))


def test_a_grant_is_audited_with_who_and_what(bank: Any) -> None:
    from rmperf.db.models import AuditEvent
    from rmperf.services import people

    ctx = _office(bank)
    people.create_user(ctx, "wang", PASSWORD, reason="new committee member")
    g = people.grant(ctx, "wang", "committee", org_id="0201", reason="joins the committee of 0201")
    event = AuditEvent.objects.filter(action="people.grant", object_id=str(g.id)).get()
    assert event.actor == "office-li"
    assert event.reason == "joins the committee of 0201"
    assert event.detail["after"] == {"user": "wang", "role": "committee", "org_id": "0201", "rm_id": ""}


@pytest.mark.parametrize(
    ("role", "org", "rm", "code"),
    [
        ("boss", None, None, "people.bad_role"),
        ("rm", None, None, "people.rm_needs_id"),
        ("rm", None, "R99999", "people.no_rm"),
        ("office", "9999", None, "people.no_org"),
        ("office", None, "R00001", "people.rm_id_only_for_rm"),
    ],
)
def test_a_wrong_grant_is_refused_and_nothing_is_stored(
    bank: Any, role: str, org: str | None, rm: str | None, code: str
) -> None:
    from rmperf.db.models import RoleGrant
    from rmperf.services import people

    before = RoleGrant.objects.count()
    with pytest.raises(UserError) as refused:
        people.grant(_office(bank), "rita", role, org_id=org, rm_id=rm)
    assert refused.value.code == code
    assert "people." not in refused.value.render("zh")  # a sentence, not a key
    assert RoleGrant.objects.count() == before


def test_a_weak_password_is_refused_in_the_users_language(bank: Any) -> None:
    from rmperf.services import people

    with pytest.raises(UserError) as refused:
        people.create_user(_office(bank), "short", "12345678")
    assert refused.value.code == "people.weak_password"


def test_only_the_administrator_and_the_operator_change_people(bank: Any) -> None:
    from rmperf.services import people
    from rmperf.services.permissions import PermissionDenied

    olivia = Context(bank.home, Actor("olivia", (Grant("office"),)))
    with pytest.raises(PermissionDenied):
        people.create_user(olivia, "mallory", PASSWORD)
    sam = Context(bank.home, Actor("sam", (Grant("admin"),)))
    assert people.create_user(sam, "newbie", PASSWORD) == "newbie"


def test_a_revoked_grant_no_longer_opens_anything(as_: Any, bank: Any) -> None:
    from rmperf.db.models import RoleGrant
    from rmperf.services import people

    client = as_("chen")
    assert client.get(f"/api/runs/{bank.run_id}/results/").status_code == 200
    grant = RoleGrant.objects.get(user__username="chen", revoked_at__isnull=True)
    people.revoke(_office(bank), grant.pk, reason="left the committee")
    assert client.get(f"/api/runs/{bank.run_id}/").status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()  # on record, marked revoked


def _sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_a_deactivated_user_is_signed_out(bank: Any, client: Any) -> None:
    from rmperf.services import people

    assert _sign_in(client, "bo").status_code == 302  # signed in: on to the dashboard
    assert client.get("/").status_code == 200
    people.deactivate(_office(bank), "bo", reason="left the bank")
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    again = _sign_in(client, "bo")
    assert again.status_code == 200  # the form again, with its error
    assert "用户名或密码错误" in again.content.decode()


def test_five_wrong_passwords_lock_the_sign_in_and_the_audit_log_says_so(bank: Any, client: Any) -> None:
    from rmperf.db.models import AuditEvent

    for _ in range(5):
        _sign_in(client, "ada", "wrong")
    locked = _sign_in(client, "ada")  # even the right password now
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert AuditEvent.objects.filter(action="security.locked_out", object_id="ada").exists()


def test_a_post_without_its_csrf_token_is_refused_in_words_and_recorded(bank: Any) -> None:
    from django.test import Client

    from rmperf.db.models import AuditEvent

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 403
    assert "表单已过期或来源不明" in response.content.decode()
    assert AuditEvent.objects.filter(action="security.csrf", object_id="/login/").exists()


def test_what_each_role_may_change() -> None:
    """The office does the bank's work of data, runs, pay, grades and schemes; the administrator manages
    people; no role of the web grants database rights; every other role changes nothing (yet)."""
    from rmperf.web.people import MAY

    assert MAY["office"] == {
        "import",
        "repair",
        "close",
        "run",
        "pay.post",
        "pay.adjust",
        "pay.clawback",
        "pay.release",
        "grades.post",
        "scheme.check",
    }
    assert MAY["admin"] == {"people.create", "people.grant", "people.revoke", "people.deactivate"}
    assert set(MAY) == {"office", "admin"}
