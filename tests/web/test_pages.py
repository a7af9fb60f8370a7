"""The read side through HTTP, as the people of the bank use it (see conftest for who they are)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def test_it_asks_a_stranger_to_sign_in(as_: Any) -> None:
    response = as_(None).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_sign_in_page_is_chinese_by_default_and_english_on_request(as_: Any) -> None:
    client = as_(None)
    assert "登录" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()


def test_the_office_sees_every_rm_of_the_run(as_: Any, bank: Any) -> None:
    page = as_("olivia").get(f"/runs/{bank.run_id}/").content.decode()
    for rm in bank.rms:
        assert rm in page


def test_an_rm_sees_their_own_result_and_nobody_elses(as_: Any, bank: Any) -> None:
    client = as_("rita")
    rows = client.get(f"/api/runs/{bank.run_id}/results/").json()
    assert [r["rm_id"] for r in rows] == ["R00001"]
    assert client.get(f"/runs/{bank.run_id}/rm/R00001/").status_code == 200
    # editing the address to another RM's scorecard reveals nothing
    assert client.get(f"/runs/{bank.run_id}/rm/R00006/").status_code == 404
    assert client.get(f"/api/runs/{bank.run_id}/results/R00006/").status_code == 404


def test_a_committee_member_sees_their_sub_branch_only(as_: Any, bank: Any) -> None:
    rows = as_("chen").get(f"/api/runs/{bank.run_id}/results/").json()
    assert rows
    assert {r["org_id"] for r in rows} == {"0101"}
    other = next(rm for rm, org in bank.rms.items() if org != "0101")
    assert as_("chen").get(f"/runs/{bank.run_id}/rm/{other}/").status_code == 404


def test_an_unknown_run_and_a_hidden_one_answer_alike(as_: Any, bank: Any) -> None:
    client = as_("sam")  # the administrator reads no results
    hidden = client.get(f"/api/runs/{bank.run_id}/")
    missing = client.get("/api/runs/99999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_figure_opens_to_rows_that_add_up_to_it_and_masks_customers(as_: Any, bank: Any) -> None:
    client = as_("olivia")
    record = client.get(f"/api/runs/{bank.run_id}/results/R00001/").json()
    assert record["rm_id"] == "R00001"
    card = client.get(f"/runs/{bank.run_id}/rm/R00001/").content.decode()
    assert "explain/?input=" in card
    opened = _first_engine_input(client, bank)
    body = opened.json()
    assert body["problem"] is None, body["problem"]
    assert body["lines"], body
    total = sum(Decimal(line["amount"]) for line in body["lines"])
    assert total == Decimal(body["stored"])
    assert all("*" in line["customer"] for line in body["lines"] if line["customer"])


def _first_engine_input(client: Any, bank: Any) -> Any:
    from rmperf.db.models import RunResult

    payload = RunResult.objects.get(run_id=bank.run_id, rm_id="R00001").payload
    for value in payload["values"]:
        if value["kind"] == "engine" and value.get("value") not in (None, "0", "0.00"):
            response = client.get(
                f"/api/runs/{bank.run_id}/results/R00001/explain/", {"input": value["name"], "limit": 1000}
            )
            if response.json().get("lines"):
                return response
    raise AssertionError("no engine input of R00001 opens to rows")


def test_the_rm_sees_their_own_customers_in_full(as_: Any, bank: Any) -> None:
    body = _first_engine_input(as_("rita"), bank).json()
    assert not any("*" in line["customer"] for line in body["lines"])


def test_a_president_sees_the_figure_and_how_many_rows_but_no_balances(as_: Any, bank: Any) -> None:
    body = _first_engine_input(as_("paul"), bank).json()
    assert body["amounts"] is False
    assert all(line["amount"] is None for line in body["lines"])


def test_the_dashboard_draws_from_a_data_block_not_an_inline_script(as_: Any, bank: Any) -> None:
    response = as_("olivia").get("/")
    page = response.content.decode()
    assert 'type="application/json"' in page
    assert "<script>" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_audit_log_is_for_the_roles_that_read_it(as_: Any, bank: Any) -> None:
    grants = [e for e in as_("ada").get("/api/audit/").json() if e["action"] == "people.grant"]
    assert len(grants) >= 8
    assert as_("rita").get("/api/audit/").status_code == 404
    admin_view = as_("sam").get("/api/audit/").json()
    assert admin_view
    assert all(e["action"].startswith("people.") for e in admin_view)


def test_the_api_describes_itself(as_: Any, bank: Any) -> None:
    schema = as_("olivia").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert b"/api/runs/{run_id}/results/{rm_id}/explain/" in schema.content


def test_the_pages_read_the_database_configured() -> None:
    """SQLite by default; PostgreSQL when ``RMPERF_DATABASE_URL`` says so (``test_on_postgresql``)."""
    import os

    from django.db import connection

    url = os.environ.get("RMPERF_DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith("postgres") else "sqlite")
