"""Commands of the web application: serve it, run its worker, and make its first users and grants."""

from __future__ import annotations

from typing import Annotated

import typer

from rmperf.cli.base import State, app, console, ctx, zh_en


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[int, typer.Option("--workers")] = 2,
    with_worker: Annotated[bool, typer.Option("--with-worker", help="also run the task worker")] = False,
) -> None:
    """网页端 / serve the web application (gunicorn) on HOST:PORT until Ctrl-C."""
    import subprocess
    import sys

    from rmperf.web.serve import serve

    console.print(
        zh_en(f"网页端:http://{host}:{port}/ (Ctrl-C 停止)", f"web app: http://{host}:{port}/ (Ctrl-C stops)")
    )
    helper = None
    if with_worker:
        command = [sys.executable, "-m", "rmperf", "--home", str(State.home.root), "worker"]
        helper = subprocess.Popen(command)
    try:
        serve(State.home, host, port, workers)
    finally:
        if helper is not None:
            helper.terminate()
            helper.wait(timeout=10)


@app.command("worker")
def worker_cmd() -> None:
    """后台任务 / run the web application's background tasks (imports, runs, pay) until Ctrl-C."""
    from rmperf.web.serve import worker

    worker(State.home)


@app.command("createuser")
def createuser_cmd(
    username: Annotated[str, typer.Argument(help="the new user's sign-in name")],
    password: Annotated[
        str, typer.Option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="the password")
    ],
) -> None:
    """新建用户 / make a user who can sign in (give them a role with `rmperf grant`)."""
    from rmperf.services import people

    people.create_user(ctx(), username, password)
    console.print(zh_en(f"已新建用户 {username}", f"user {username} made"))


@app.command("grant")
def grant_cmd(
    username: Annotated[str, typer.Argument(help="the user")],
    role: Annotated[str, typer.Argument(help="office|committee|committee_head|rechecker|president|auditor|rm|admin")],
    org: Annotated[
        str | None, typer.Option("--org", help="org unit (and its subtree); default: the whole bank")
    ] = None,
    rm: Annotated[str | None, typer.Option("--rm", help="the RM the user is (role rm)")] = None,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """授权 / give a user a role on an org unit and its subtree."""
    from rmperf import i18n
    from rmperf.services import people

    g = people.grant(ctx(), username, role, org_id=org, rm_id=rm, reason=reason)
    where = g.org_id or zh_en("全行", "the whole bank")
    console.print(zh_en(f"已授权 #{g.id}:", f"grant #{g.id}: ") + f"{username} · {i18n.t('role.' + role)} · {where}")


@app.command("revoke")
def revoke_cmd(
    grant_id: Annotated[int, typer.Argument(help="the grant's number (rmperf grants)")],
    reason: Annotated[str, typer.Option("--reason")],
) -> None:
    """撤销授权 / take a grant back (it stays on record, marked revoked)."""
    from rmperf.services import people

    people.revoke(ctx(), grant_id, reason=reason)
    console.print(zh_en(f"已撤销授权 #{grant_id}", f"grant #{grant_id} revoked"))


@app.command("grants")
def grants_cmd() -> None:
    """授权列表 / every grant in force."""
    from rich.table import Table

    from rmperf import i18n
    from rmperf.services import people

    table = Table(zh_en("#", "#"), zh_en("用户", "user"), zh_en("角色", "role"), zh_en("机构", "org"), "RM")
    for g in people.grants(ctx()):
        table.add_row(str(g.id), g.username, i18n.t("role." + g.role), g.org_id or "*", g.rm_id)
    console.print(table)
