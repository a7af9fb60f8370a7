"""CLI commands of schemes: ``scheme check FILE`` (every problem at once, nothing run or stored) and
``scheme list`` (the shipped templates and the versions runs used)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from rmperf.cli.base import app, console, ctx, err_console, zh_en

scheme_app = typer.Typer(help="考核方案 / appraisal schemes", no_args_is_help=True)
app.add_typer(scheme_app, name="scheme")


@scheme_app.command("check")
def check_cmd(
    file: Annotated[Path, typer.Argument(help="the scheme file (YAML)")],
) -> None:
    """检查方案文件(不计算) / check a scheme file without running it: every problem, with line and key."""
    from rmperf.runs.service import Upload
    from rmperf.services import schemes

    try:
        data = file.read_bytes()
    except OSError as error:
        err_console.print(zh_en(f"无法读取 {file}:{error.strerror}", f"cannot read {file}: {error.strerror}"))
        raise typer.Exit(1) from None
    found = schemes.check(ctx(), Upload(str(file), data))
    if not found.ok:
        err_console.print(
            zh_en(f"{file}:{len(found.findings)} 处问题", f"{file}: {len(found.findings)} problems"),
            style="bold red",
            highlight=False,
            markup=False,
        )
        for f in found.findings:
            line = zh_en(f"{f.where}:{f.what}", f"{f.where}: {f.what}") if f.where else f.what
            err_console.print("  " + line, style="red", highlight=False, markup=False)
        raise typer.Exit(1)
    console.print(
        zh_en(
            f"{file}:方案 {found.scheme_id} 第 {found.version} 版「{found.name}」无误"
            f"({found.dimensions} 个维度,{found.items} 项指标)",
            f"{file}: scheme {found.scheme_id} v{found.version} “{found.name}” is valid "
            f"({found.dimensions} dimensions, {found.items} items)",
        ),
        highlight=False,
        markup=False,
    )


@scheme_app.command("list")
def list_cmd() -> None:
    """方案及其版本 / the shipped templates and the schemes runs used, with their versions."""
    from rmperf.services import schemes

    table = RichTable(zh_en("方案", "id"), zh_en("名称", "name"), zh_en("版本", "version"), zh_en("来源", "from"))
    for info in schemes.schemes(ctx()):
        for v in info.versions:
            where = zh_en("内置模板", "shipped") if v.shipped else ""
            if v.runs:
                runs = ", ".join(map(str, v.runs))
                where = (where + "; " if where else "") + zh_en(f"批次 {runs}", f"runs {runs}")
            table.add_row(v.scheme_id, v.name, str(v.version), where)
    console.print(table)
